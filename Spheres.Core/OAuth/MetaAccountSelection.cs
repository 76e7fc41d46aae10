using System.Text.Json.Nodes;
using Spheres.Core.Accounts;
using Spheres.Core.Credentials;
using Spheres.Core.Integrations;
using Spheres.Core.Integrations.Ownership;
using Spheres.Core.Problems;
using Spheres.Core.Webhooks;

namespace Spheres.Core.OAuth;

/// <summary>
/// After Meta's consent the integration holds only the owner's long-lived user token (<c>user_access_token</c>).
/// The owner then picks one of the pages, Instagram accounts or WhatsApp numbers that Graph lists for that token;
/// the pick is looked up again in Graph's list (never taken on the owner's word), its own token replaces the user
/// token (least privilege: a page token cannot read the owner's other pages), and activation claims its route and
/// subscribes our app to it.
/// </summary>
public sealed class MetaAccountSelection(
    IntegrationService integrations, IntegrationActivation activation, IntegrationStore store, IntegrationDirectory directory,
    ICredentialVault vault, ProviderAccounts accounts, TimeProvider time)
{
    public const string UserTokenCredential = "user_access_token";
    public const string NotConsentedType = "consent-required";
    private const int MaxAccountIdLength = 32;

    public async Task<IReadOnlyList<ProviderAccountChoice>> ListAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var (integration, userToken) = await ConsentedAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var options = await OptionsAsync(integration, userToken, cancellationToken).ConfigureAwait(false);
        return options.Select(o => o.Choice).ToList();
    }

    public async Task<IntegrationView> SelectAsync(Caller caller, int id, string? accountId, CancellationToken cancellationToken)
    {
        if (accountId is not { Length: > 0 and <= MaxAccountIdLength } || !accountId.All(char.IsAsciiDigit))
        {
            throw ProblemException.Validation("account_id", "Give the account_id of one of the accounts GET connect/accounts/ lists.");
        }
        var (integration, userToken) = await ConsentedAsync(caller, id, cancellationToken).ConfigureAwait(false);
        var options = await OptionsAsync(integration, userToken, cancellationToken).ConfigureAwait(false);
        var chosen = options.FirstOrDefault(o => o.Choice.AccountId == accountId)
                     ?? throw ProblemException.Validation("account_id",
                         "This account is not one your Facebook login may connect: choose one that GET connect/accounts/ lists.");

        var requirement = ConnectionRequirements.For(integration.TypeSlug);
        var settings = new JsonObject { [requirement.RoutingSetting!] = chosen.Choice.AccountId };
        if (chosen.WabaId is { } waba) settings["waba_id"] = waba;
        var credentials = new JsonObject { [requirement.RequiredCredentials[0]] = chosen.Token };
        // If-Match: the row must still hold the consent whose token listed the choice.
        await integrations.ReplaceAsync(caller, id, new IntegrationInput(null, null, settings, credentials), integration.ETag, cancellationToken,
            mergeSettings: true).ConfigureAwait(false);
        return await activation.ActivateAsync(caller, id, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The caller's Meta integration and the user token its consent left; 409 when there was no consent.</summary>
    private async Task<(Integration Integration, string UserToken)> ConsentedAsync(Caller caller, int id, CancellationToken cancellationToken)
    {
        var integration = await integrations.FindAsync(caller, id, cancellationToken).ConfigureAwait(false);
        if (ConnectionRequirements.For(integration.TypeSlug).Webhooks != WebhookProvider.Meta)
        {
            throw ProblemException.BadRequest($"{integration.TypeSlug} is not connected through Meta: there are no accounts to choose.");
        }
        var credentials = integration.CredentialsRef is null ? null
            : await vault.ReadAsync(integration.CredentialsRef, cancellationToken).ConfigureAwait(false);
        return credentials?.GetValueOrDefault(UserTokenCredential) is { } userToken
            ? (integration, userToken)
            : throw new ProblemException(409, NotConsentedType, "Connect with Facebook first.",
                "Start with POST connect/ and log in with Facebook; then the accounts you may connect are listed here. " +
                "After a choice, connect again to choose another.");
    }

    private async Task<IReadOnlyList<MetaAccountOption>> OptionsAsync(Integration integration, string userToken, CancellationToken cancellationToken)
    {
        try
        {
            return await accounts.MetaOptionsAsync(integration.TypeSlug, userToken, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderAccountException e) when (e.Answered)
        {
            // The login expired or was revoked: only a new consent helps, and the integration says so.
            const string detail = "Facebook no longer accepts the login you gave: connect again.";
            if (await store.TryReplaceAsync(integration with { Status = IntegrationStatus.RelinkRequired, StatusDetail = detail, UpdatedAt = time.GetUtcNow() },
                    cancellationToken).ConfigureAwait(false) is { } saved)
            {
                directory.Forget(saved.TenantId, saved.Id);
            }
            throw new ProblemException(400, IntegrationActivation.ProviderRefusedType, "Facebook refused the login.", detail);
        }
        catch (ProviderAccountException e)
        {
            throw new ProblemException(502, IntegrationActivation.ProviderUnreachableType, "Facebook did not answer.", e.Message + " Try again in a minute.");
        }
    }
}
