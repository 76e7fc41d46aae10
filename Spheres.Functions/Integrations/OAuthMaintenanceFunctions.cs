using Microsoft.Azure.Functions.Worker;
using Spheres.Core.OAuth;

namespace Spheres.Functions.Integrations;

/// <summary>
///   timer every 5 minutes    refresh OAuth access tokens that expire within 10 minutes
///   timer hourly (:17)       renew Google Calendar channels a day before they lapse, Gmail watches daily
///   timer every minute       revoke and delete consents nobody confirmed within 10 minutes; purge expired states
/// Each can be switched off with the app setting <c>AzureWebJobs.{Name}.Disabled</c>.
/// </summary>
public sealed class OAuthMaintenanceFunctions(TokenRefresher refresher, PushRenewal renewal, ConsentExpiry expiry)
{
    public const string RefreshSchedule = "0 */5 * * * *";
    public const string RenewSchedule = "0 17 * * * *";
    public const string ExpirySchedule = "30 * * * * *";

    [Function("RefreshOAuthTokens")]
    public Task RefreshTokens([TimerTrigger(RefreshSchedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        refresher.RefreshDueAsync(cancellationToken);

    [Function("RenewPushChannels")]
    public Task RenewPushChannels([TimerTrigger(RenewSchedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        renewal.RenewDueAsync(cancellationToken);

    [Function("ExpireOAuthConsents")]
    public Task ExpireConsents([TimerTrigger(ExpirySchedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        expiry.RunAsync(cancellationToken);
}
