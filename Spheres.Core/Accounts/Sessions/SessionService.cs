using Microsoft.Extensions.Logging;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts.Sessions;

/// <summary>What a sign-in hands the client: a short access token and the refresh token that renews it.</summary>
public sealed record SessionTokens(IssuedToken Access, string RefreshToken, string UserId);

/// <summary>
/// Refresh-token sessions. Every sign-in starts a session (a token family); each refresh spends the
/// token presented and issues the next one of the family. Presenting a spent token means it leaked
/// (or was replayed): the whole family is revoked, so neither the thief nor the owner can go on
/// with it. Spending is an ETag-guarded update, so of two concurrent uses of one token only one wins. Ending a session ends
/// its access tokens too (<see cref="SessionCheck"/>).
/// </summary>
public sealed class SessionService(SessionStore store, SessionCheck check, AccessTokens tokens, TimeProvider time, ILogger<SessionService> logger)
{
    public static readonly TimeSpan RefreshLifetime = TimeSpan.FromDays(30);

    public async Task<SessionTokens> StartAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        var sessionId = Guid.NewGuid().ToString("N");
        var refresh = OpaqueToken.New(tenantId);
        var now = time.GetUtcNow();
        await store.CreateSessionAsync(tenantId, sessionId, userId, refresh, now + RefreshLifetime, now, cancellationToken).ConfigureAwait(false);
        return new SessionTokens(tokens.Issue(tenantId, userId, sessionId), refresh.ToString(), userId);
    }

    public async Task<SessionTokens> RefreshAsync(string? refreshToken, CancellationToken cancellationToken)
    {
        var token = Parse(refreshToken);
        var row = await store.FindRefreshTokenAsync(token, cancellationToken).ConfigureAwait(false) ?? throw Refused();
        var sessionId = row.SessionId!;
        if (row.Spent || !await store.TrySpendAsync(row, cancellationToken).ConfigureAwait(false))
        {
            // A spent token came back: whoever holds the family's newer tokens may be a thief. End the session for all.
            logger.LogWarning("Reuse of a spent refresh token: session {Session} of tenant {Tenant} revoked", sessionId, token.TenantId);
            await RevokeAsync(token.TenantId, sessionId, cancellationToken).ConfigureAwait(false);
            throw Refused();
        }
        // The session row and the tenant's freeze in one read: an erased tenant's sessions are refused from its 202 on.
        if (row.ExpiresAt <= time.GetUtcNow() || !await store.IsLiveAsync(token.TenantId, sessionId, cancellationToken).ConfigureAwait(false)) throw Refused();

        var next = OpaqueToken.New(token.TenantId);
        await store.AddRefreshTokenAsync(next, row.UserId, sessionId, time.GetUtcNow() + RefreshLifetime, cancellationToken).ConfigureAwait(false);
        return new SessionTokens(tokens.Issue(token.TenantId, row.UserId, sessionId), next.ToString(), row.UserId);
    }

    /// <summary>Logout: the session of <paramref name="refreshToken"/> ends, if it is the caller's; unknown tokens change nothing.</summary>
    public async Task EndAsync(Caller caller, string? refreshToken, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(refreshToken)) throw ProblemException.Validation("refresh_token", "Give the refresh token of the session to end.");
        if (OpaqueToken.TryParse(refreshToken) is not { } token || token.TenantId != caller.TenantId) return;
        if (await store.FindRefreshTokenAsync(token, cancellationToken).ConfigureAwait(false) is { SessionId: { } sessionId } row && row.UserId == caller.UserId)
        {
            await RevokeAsync(token.TenantId, sessionId, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Revokes every session of the user but <paramref name="keepSessionId"/> (after a password change or reset).</summary>
    public async Task RevokeAllAsync(string tenantId, string userId, string? keepSessionId, CancellationToken cancellationToken)
    {
        foreach (var session in await store.ListLiveSessionsAsync(tenantId, userId, cancellationToken).ConfigureAwait(false))
        {
            if (session.SessionId != keepSessionId)
            {
                await RevokeAsync(tenantId, session.SessionId, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Account erasure: the tenant is frozen first (no session of it is live from now on, even one started meanwhile), then
    /// every session is revoked. Idempotent.
    /// </summary>
    public async Task FreezeTenantAsync(string tenantId, string userId, CancellationToken cancellationToken)
    {
        await store.FreezeAsync(tenantId, time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
        check.Freeze(tenantId);
        await RevokeAllAsync(tenantId, userId, keepSessionId: null, cancellationToken).ConfigureAwait(false);
    }

    private async Task RevokeAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        await store.RevokeSessionAsync(tenantId, sessionId, cancellationToken).ConfigureAwait(false);
        check.Forget(tenantId, sessionId);
    }

    private static OpaqueToken Parse(string? refreshToken) =>
        string.IsNullOrEmpty(refreshToken)
            ? throw ProblemException.Validation("refresh_token", "Give the refresh token from your last sign-in or refresh.")
            : OpaqueToken.TryParse(refreshToken) ?? throw Refused();

    private static ProblemException Refused() =>
        ProblemException.Unauthorized("The refresh token is not valid, was already used, or its session has ended; sign in again.",
            "Bearer error=\"invalid_token\"");
}
