using Azure;
using Azure.Data.Tables;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// After <see cref="MaxFailures"/> failed logins for one email within <see cref="Window"/>, further
/// attempts are 429 until the window ends. Kept in Table Storage: function instances share no memory.
/// </summary>
public sealed class LoginThrottle(SpheresStorage storage, TimeProvider time)
{
    public const int MaxFailures = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    private const int MaxWriteAttempts = 5;

    public sealed record State(int Failures, DateTimeOffset WindowStart, ETag ETag);

    /// <summary>Throws 429 when the email is locked; returns the current state (null: no recent failure).</summary>
    public async Task<State?> EnsureAllowedAsync(string email, CancellationToken cancellationToken)
    {
        var state = await ReadAsync(email, cancellationToken).ConfigureAwait(false);
        var now = time.GetUtcNow();
        if (state is not null && state.Failures >= MaxFailures && now < state.WindowStart + Window)
        {
            var wait = (int)Math.Ceiling((state.WindowStart + Window - now).TotalSeconds);
            throw ProblemException.TooManyRequests(
                $"Too many failed sign-ins for this email. Try again in {Math.Max(1, (wait + 59) / 60)} minute(s).", Math.Max(1, wait));
        }
        return state;
    }

    /// <summary>Counts a failure; concurrent failures all count (ETag-checked write with retry).</summary>
    public async Task RecordFailureAsync(string email, State? known, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LoginAttempts, cancellationToken).ConfigureAwait(false);
        var state = known;
        for (var attempt = 1; ; attempt++)
        {
            var now = time.GetUtcNow();
            var fresh = state is null || now >= state.WindowStart + Window;
            var row = new TableEntity(AccountStore.EmailKey(email), "")
            {
                ["Failures"] = fresh ? 1 : state!.Failures + 1,
                ["WindowStart"] = fresh ? now : state!.WindowStart,
            };
            try
            {
                if (state is null) await table.AddEntityAsync(row, cancellationToken).ConfigureAwait(false);
                else await table.UpdateEntityAsync(row, state.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404 && attempt < MaxWriteAttempts)
            {
                state = await ReadAsync(email, cancellationToken).ConfigureAwait(false); // someone else counted first
            }
        }
    }

    public async Task ResetAsync(string email, State state, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LoginAttempts, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(AccountStore.EmailKey(email), "", state.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
            // Already gone, or a concurrent failure was counted: keep that one.
        }
    }

    private async Task<State?> ReadAsync(string email, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LoginAttempts, cancellationToken).ConfigureAwait(false);
        var row = await table.GetEntityIfExistsAsync<TableEntity>(AccountStore.EmailKey(email), "", cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return row.HasValue
            ? new State(row.Value!.GetInt32("Failures") ?? 0, row.Value.GetDateTimeOffset("WindowStart") ?? default, row.Value.ETag)
            : null;
    }
}
