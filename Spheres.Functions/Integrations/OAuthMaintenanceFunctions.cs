using Microsoft.Azure.Functions.Worker;
using Spheres.Core.OAuth;

namespace Spheres.Functions.Integrations;

/// <summary>
///   timer every 5 minutes    refresh OAuth access tokens that expire within 10 minutes
/// Each can be switched off with the app setting <c>AzureWebJobs.{Name}.Disabled</c>.
/// </summary>
public sealed class OAuthMaintenanceFunctions(TokenRefresher refresher)
{
    public const string RefreshSchedule = "0 */5 * * * *";

    [Function("RefreshOAuthTokens")]
    public Task RefreshTokens([TimerTrigger(RefreshSchedule)] TimerInfo timer, CancellationToken cancellationToken) =>
        refresher.RefreshDueAsync(cancellationToken);
}
