using Azure;
using Azure.Data.Tables;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// At most <see cref="MaxAttempts"/> password checks per email within <see cref="Window"/>; further
/// attempts are 429 until the window ends. Each attempt is reserved (an ETag-checked increment)
/// before the password is checked, so parallel attempts cannot verify more than the limit between
/// a read and a write. Kept in Table Storage: function instances share no memory.
/// </summary>
public sealed class LoginThrottle(SpheresStorage storage, TimeProvider time)
{
    public const int MaxAttempts = 5;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>Conflicting reservations re-read and try again; this many in a row is a crowd, answered 429, never 5xx.</summary>
    private const int MaxReserveAttempts = 12;

    /// <summary>A reservation: the row as this attempt wrote it, so a success can clear exactly that.</summary>
    public sealed record Reservation(string Email, ETag ETag);

    /// <summary>Counts this attempt before it is made; 429 when the email has used its attempts for the window.</summary>
    public async Task<Reservation> ReserveAsync(string email, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LoginAttempts, cancellationToken).ConfigureAwait(false);
        for (var attempt = 1; attempt <= MaxReserveAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(AccountStore.EmailKey(email), "", cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            var now = time.GetUtcNow();
            var windowStart = row.HasValue ? row.Value!.GetDateTimeOffset("WindowStart") ?? now : now;
            var attempts = row.HasValue ? row.Value!.GetInt32("Failures") ?? 0 : 0;
            if (now >= windowStart + Window)
            {
                (windowStart, attempts) = (now, 0);
            }
            if (attempts >= MaxAttempts)
            {
                throw Locked(windowStart + Window - now);
            }
            var next = new TableEntity(AccountStore.EmailKey(email), "") { ["Failures"] = attempts + 1, ["WindowStart"] = windowStart };
            try
            {
                var response = row.HasValue
                    ? await table.UpdateEntityAsync(next, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                    : await table.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
                return new Reservation(email, response.Headers.ETag ?? ETag.All);
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Another attempt reserved first: read again and take the next place, if any is left.
            }
        }
        throw ProblemException.TooManyRequests("Too many sign-ins for this email at once. Try again in a moment.", 1);
    }

    /// <summary>
    /// The password was right: the attempts of this window are forgiven. Only when nobody reserved
    /// since; a concurrent wrong guess keeps the count.
    /// </summary>
    public async Task ClearAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        var table = await storage.TableAsync(TableNames.LoginAttempts, cancellationToken).ConfigureAwait(false);
        try
        {
            await table.DeleteEntityAsync(AccountStore.EmailKey(reservation.Email), "", reservation.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
    }

    private static ProblemException Locked(TimeSpan remaining)
    {
        var wait = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        return ProblemException.TooManyRequests(
            $"Too many sign-ins for this email. Try again in {Math.Max(1, (wait + 59) / 60)} minute(s).", wait);
    }
}
