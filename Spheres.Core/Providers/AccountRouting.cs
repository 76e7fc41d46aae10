using Spheres.Core.Integrations;
using Spheres.Core.Problems;

namespace Spheres.Core.Providers;

/// <summary>
/// Activation of a type routed by a provider account (Meta channels, Zoom, Square, Calendly): the provider says which
/// account the credentials belong to (<see cref="IAccountOwnership"/>), the row names that account, then claims its route.
/// </summary>
public sealed class AccountRouting(ProviderRegistry registry, ConnectionRequirements requirements, IntegrationRows rows)
{
    public async Task<Integration> RouteAsync(Integration integration, IReadOnlyDictionary<string, string> credentials, CancellationToken cancellationToken)
    {
        var requirement = requirements.For(integration.TypeSlug);
        var ownership = registry.Find<IAccountOwnership>(integration.TypeSlug)
                        ?? throw new InvalidOperationException($"{integration.TypeSlug} has no ownership check.");
        string accountId;
        try
        {
            accountId = await ownership.ResolveAsync(requirement, credentials, integration.Settings, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e)
        {
            throw await rows.FailAsync(integration, e.Message, ProviderProblems.Of(e, e.Message + " Check the token and try again."), cancellationToken)
                .ConfigureAwait(false);
        }
        catch (ProblemException e)
        {
            throw await rows.FailAsync(integration, e.Errors?.Values.FirstOrDefault()?.FirstOrDefault() ?? e.Detail, e, cancellationToken).ConfigureAwait(false);
        }
        return await rows.RouteToAccountAsync(integration, requirement.RoutingSetting!, accountId, cancellationToken).ConfigureAwait(false);
    }
}
