using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// How many passwords may be tried, kept in <c>LoginAttempts</c> (partition = the email's hash; function instances share
/// no memory). Every attempt is reserved (an ETag-checked increment) before the password is checked, so parallel attempts
/// cannot verify more than the limit between a read and a write.
/// <list type="bullet">
/// <item>Sign-in: at most <see cref="MaxAttempts"/> per email <em>and client address</em> within <see cref="Window"/>, so a
/// stranger's wrong guesses lock out only the stranger's address. Across addresses an email has a higher ceiling,
/// <see cref="MaxAttemptsPerEmail"/>; past it, checks are slowed to one per <see cref="SlowInterval"/> rather than locked,
/// and an address that signed in to the account before (within <see cref="KnownClientLifetime"/>) is not slowed at all.</item>
/// <item>Password change and erasure: the caller is signed in; their checks count per session, so nobody else's failures
/// can block them, and a stolen access token still gets no more guesses than a sign-in would.</item>
/// </list>
/// </summary>
public sealed class LoginThrottle(SpheresStorage storage, TimeProvider time)
{
    public const int MaxAttempts = 5;
    public const int MaxAttemptsPerEmail = 20;
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);
    public static readonly TimeSpan SlowInterval = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan KnownClientLifetime = TimeSpan.FromDays(30);

    /// <summary>Conflicting reservations re-read and try again; this many in a row is a crowd, answered 429, never 5xx.</summary>
    private const int MaxReserveAttempts = 12;

    private const string EmailRow = "email";
    private const string ClientPrefix = "client-";
    private const string KnownPrefix = "known-";
    private const string SessionPrefix = "session-";

    /// <summary>A reservation: the counter row as this attempt wrote it, so a success can clear exactly that.</summary>
    public sealed record Reservation(string Email, string RowKey, ETag ETag, string? Client);

    /// <summary>Counts a sign-in attempt from <paramref name="client"/> before it is made; 429 when it may not be made now.</summary>
    public async Task<Reservation> ReserveSignInAsync(string email, string client, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var partition = AccountStore.EmailKey(email);
        var clientKey = ClientPrefix + Hash(client);
        var etag = await ReserveAsync(table, partition, clientKey, MaxAttempts, slowAfterLimit: false, cancellationToken).ConfigureAwait(false);
        var known = await table.GetEntityIfExistsAsync<TableEntity>(partition, KnownPrefix + Hash(client), ["ExpiresAt"], cancellationToken)
            .ConfigureAwait(false);
        if (!(known.HasValue && known.Value!.GetDateTimeOffset("ExpiresAt") > time.GetUtcNow()))
        {
            await ReserveAsync(table, partition, EmailRow, MaxAttemptsPerEmail, slowAfterLimit: true, cancellationToken).ConfigureAwait(false);
        }
        return new Reservation(email, clientKey, etag, client);
    }

    /// <summary>Counts a password check of a signed-in session (password change, erasure); 429 when the session used its attempts.</summary>
    public async Task<Reservation> ReserveForSessionAsync(string email, string sessionId, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var rowKey = SessionPrefix + Hash(sessionId);
        var etag = await ReserveAsync(table, AccountStore.EmailKey(email), rowKey, MaxAttempts, slowAfterLimit: false, cancellationToken).ConfigureAwait(false);
        return new Reservation(email, rowKey, etag, null);
    }

    /// <summary>
    /// The password was right: this counter's attempts are forgiven (only when nobody reserved since; a concurrent wrong
    /// guess keeps the count), and a sign-in's address is known to the account from now on.
    /// </summary>
    public async Task ClearAsync(Reservation reservation, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        var partition = AccountStore.EmailKey(reservation.Email);
        try
        {
            await table.DeleteEntityAsync(partition, reservation.RowKey, reservation.ETag, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException e) when (e.Status is 404 or 412)
        {
        }
        if (reservation.Client is { } client) await RememberClientAsync(table, partition, client, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every counter and known address of an email (account erasure).</summary>
    public async Task ForgetEmailAsync(string email, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        await BatchDeletes.DeleteMatchingAsync(table, TableClient.CreateQueryFilter($"PartitionKey eq {AccountStore.EmailKey(email)}"), cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Counters whose window ended and addresses not seen for <see cref="KnownClientLifetime"/>, in every email; at most <paramref name="limit"/>.</summary>
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, int limit, CancellationToken cancellationToken)
    {
        var table = await TableAsync(cancellationToken).ConfigureAwait(false);
        // Rows of before this scheme have only WindowStart.
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now} or WindowStart lt {now - Window - Window}");
        var purged = 0;
        await foreach (var row in table.QueryAsync<TableEntity>(filter, select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (purged == limit) break;
            try
            {
                await table.DeleteEntityAsync(row.PartitionKey, row.RowKey, row.ETag, cancellationToken).ConfigureAwait(false);
                purged++;
            }
            catch (RequestFailedException e) when (e.Status is 404 or 412)
            {
                // Used again meanwhile: kept.
            }
        }
        return purged;
    }

    /// <summary>
    /// One more attempt on the counter (<paramref name="partition"/>, <paramref name="rowKey"/>), before it is made. At
    /// <paramref name="limit"/> within the window: 429 until the window ends, or, <paramref name="slowAfterLimit"/>, until
    /// <see cref="SlowInterval"/> after the last attempt.
    /// </summary>
    private async Task<ETag> ReserveAsync(TableClient table, string partition, string rowKey, int limit, bool slowAfterLimit,
        CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxReserveAttempts; attempt++)
        {
            var row = await table.GetEntityIfExistsAsync<TableEntity>(partition, rowKey, cancellationToken: cancellationToken).ConfigureAwait(false);
            var now = time.GetUtcNow();
            var windowStart = row.HasValue ? row.Value!.GetDateTimeOffset("WindowStart") ?? now : now;
            var attempts = row.HasValue ? row.Value!.GetInt32("Failures") ?? 0 : 0;
            var lastAt = row.HasValue ? row.Value!.GetDateTimeOffset("LastAt") ?? windowStart : windowStart;
            if (now >= windowStart + Window) (windowStart, attempts) = (now, 0);
            if (attempts >= limit)
            {
                if (!slowAfterLimit) throw Locked(windowStart + Window - now);
                if (now < lastAt + SlowInterval) throw Slowed(lastAt + SlowInterval - now);
            }
            var next = new TableEntity(partition, rowKey)
            {
                ["Failures"] = attempts + 1, ["WindowStart"] = windowStart, ["LastAt"] = now,
                ["ExpiresAt"] = windowStart + Window + (slowAfterLimit ? SlowInterval : TimeSpan.Zero),
            };
            try
            {
                var response = row.HasValue
                    ? await table.UpdateEntityAsync(next, row.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false)
                    : await table.AddEntityAsync(next, cancellationToken).ConfigureAwait(false);
                return response.Headers.ETag ?? ETag.All;
            }
            catch (RequestFailedException e) when (e.Status is 409 or 412 or 404)
            {
                // Another attempt reserved first: read again and take the next place, if any is left.
            }
        }
        throw ProblemException.TooManyRequests("Too many sign-ins for this email at once. Try again in a moment.", 1);
    }

    private async Task RememberClientAsync(TableClient table, string partition, string client, CancellationToken cancellationToken) =>
        await table.UpsertEntityAsync(new TableEntity(partition, KnownPrefix + Hash(client)) { ["ExpiresAt"] = time.GetUtcNow() + KnownClientLifetime },
            TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);

    private Task<TableClient> TableAsync(CancellationToken cancellationToken) => storage.TableAsync(TableNames.LoginAttempts, cancellationToken);

    /// <summary>Addresses and session ids are kept only as (truncated) hashes.</summary>
    private static string Hash(string value) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value))[..16]);

    private static ProblemException Locked(TimeSpan remaining)
    {
        var wait = Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds));
        return ProblemException.TooManyRequests(
            $"Too many password attempts from here for this account. Try again in {Math.Max(1, (wait + 59) / 60)} minute(s).", wait);
    }

    private static ProblemException Slowed(TimeSpan remaining) =>
        ProblemException.TooManyRequests("This account is receiving many sign-in attempts, so they are slowed down. Try again in a moment.",
            Math.Max(1, (int)Math.Ceiling(remaining.TotalSeconds)));
}
