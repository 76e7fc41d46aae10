using System.Text.Json.Nodes;
using Spheres.Core.Accounts;
using Spheres.Core.Connections;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Problems;
using Spheres.Core.Providers;

namespace Spheres.Core.OAuth;

/// <summary>
/// After a consent whose login may connect several accounts (<see cref="IAccountChoice"/>: Facebook's pages, Instagram
/// accounts, WhatsApp numbers), the integration holds only that login. The owner then picks one of the accounts the
/// provider lists for it; the pick is looked up again in the provider's list (never taken on the owner's word), its own
/// token replaces the login (least privilege: a page token cannot read the owner's other pages), and activation claims
/// its route and subscribes our app to it.
/// </summary>
public sealed class AccountSelection(
    TenantIntegrations integrations, ChangeIntegration change, ActivateIntegration activation, ProviderRegistry providers, ConnectionRequirements requirements,
    ICredentialVault vault, IntegrationRows rows)
{
    public const string NotConsentedType = "consent-required";
    private const int MaxAccountIdLength = 32;

    public async Task<IReadOnlyList<ProviderAccountChoice>> ListAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (integration, choice, login) = await ConsentedAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var options = await OptionsAsync(integration, choice, login, cancellationToken).ConfigureAwait(false);
        return options.Select(o => o.Choice).ToList();
    }

    public async Task<IntegrationView> SelectAsync(Caller caller, int id, string? accountId, CancellationToken cancellationToken)
    {
        if (accountId is not { Length: > 0 and <= MaxAccountIdLength } || !accountId.All(char.IsAsciiDigit))
        {
            throw ProblemException.Validation("account_id", "Give the account_id of one of the accounts GET connect/accounts/ lists.");
        }
        var (integration, choice, login) = await ConsentedAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var options = await OptionsAsync(integration, choice, login, cancellationToken).ConfigureAwait(false);
        var chosen = options.FirstOrDefault(o => o.Choice.AccountId == accountId)
                     ?? throw ProblemException.Validation("account_id",
                         $"This account is not one your {choice.LoginName} login may connect: choose one that GET connect/accounts/ lists.");

        var requirement = requirements.For(integration.TypeSlug);
        var settings = new JsonObject { [requirement.RoutingSetting!] = chosen.Choice.AccountId };
        foreach (var (name, value) in chosen.Settings) settings[name] = value;
        var credentials = new JsonObject { [requirement.PrimaryCredential] = chosen.Token };
        // If-Match: the row must still hold the consent whose login listed the choice.
        await change.ReplaceAsync(caller, id, new IntegrationInput(null, null, settings, credentials), integration.ETag, cancellationToken,
            mergeSettings: true).ConfigureAwait(false);
        return await activation.ActivateAsync(caller, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller's integration, its provider's account choice and the login its consent left; 409 when there was no consent.</summary>
    private async Task<(Integration Integration, IAccountChoice Choice, string Login)> ConsentedAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var integration = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var choice = providers.Find<IAccountChoice>(integration.TypeSlug)
            ?? throw ProblemException.BadRequest($"{integration.TypeSlug} is connected to one account: there are no accounts to choose.");
        var credentials = integration.CredentialsRef is null ? null
            : await vault.ReadAsync(integration.CredentialsRef, cancellationToken).ConfigureAwait(false);
        return credentials?.GetValueOrDefault(choice.ConsentCredential) is { } login
            ? (integration, choice, login)
            : throw new ProblemException(409, NotConsentedType, $"Connect with {choice.LoginName} first.",
                $"Start with POST connect/ and log in with {choice.LoginName}; then the accounts you may connect are listed here. " +
                "After a choice, connect again to choose another.");
    }

    private async Task<IReadOnlyList<AccountOption>> OptionsAsync(Integration integration, IAccountChoice choice, string login,
        CancellationToken cancellationToken)
    {
        try
        {
            return await choice.OptionsAsync(integration.TypeSlug, login, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e) when (e.Answered)
        {
            // The login expired or was revoked: only a new consent helps, and the integration says so.
            var detail = $"{choice.LoginName} no longer accepts the login you gave: connect again.";
            await rows.TrySaveAsync(integration with { Status = IntegrationStatus.RelinkRequired, StatusDetail = detail }, cancellationToken).ConfigureAwait(false);
            throw ProviderProblems.Refused($"{choice.LoginName} refused the login.", detail);
        }
        catch (ProviderAccountException e)
        {
            throw ProviderProblems.Unreachable($"{choice.LoginName} did not answer.", e.Message + " Try again in a minute.");
        }
    }
}
