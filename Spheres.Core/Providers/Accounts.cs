using System.Text.Json.Nodes;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers;

/// <summary>
/// Which provider account a tenant's credentials belong to, in the provider's own words: the one account id that may route
/// customers' messages and events to this tenant. What the tenant typed in settings is only a choice among what the
/// provider lists, never taken on its word; otherwise anyone could type another business's public page id and read its
/// customers.
/// </summary>
public interface IAccountOwnership : IProviderCapability
{
    /// <summary>
    /// The account id the provider says <paramref name="credentials"/> belong to. When the tenant named one in
    /// <paramref name="settings"/> it must be that account (or one the provider lists for the token): 400 otherwise.
    /// Every provider failure is a <see cref="ProviderAccountException"/>.
    /// </summary>
    Task<string> ResolveAsync(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, JsonObject settings,
        CancellationToken cancellationToken);
}

/// <summary>An account the owner may connect, as the provider listed it (never carries a token).</summary>
public sealed record ProviderAccountChoice(string AccountId, string Name);

/// <summary>
/// A choice with what connecting it takes: the token that acts for it (a page's own token, narrower than the owner's
/// login) and the settings that go with it (the business account that holds a WhatsApp number).
/// </summary>
public sealed record AccountOption(ProviderAccountChoice Choice, string Token, IReadOnlyDictionary<string, string> Settings);

/// <summary>
/// Providers whose consent grants a login that may connect several accounts (Meta: pages, Instagram accounts, WhatsApp
/// numbers): the consent keeps that login as <see cref="ConsentCredential"/>, the owner picks one of the accounts it lists.
/// </summary>
public interface IAccountChoice : IProviderCapability
{
    /// <summary>The credential the consent left: the owner's login, until an account is chosen.</summary>
    string ConsentCredential { get; }

    /// <summary>How owners know that login, in the sentences they read ("Facebook").</summary>
    string LoginName { get; }

    /// <summary>What the login may connect for <paramref name="typeSlug"/>, as the provider lists it now.</summary>
    Task<IReadOnlyList<AccountOption>> OptionsAsync(string typeSlug, string consentToken, CancellationToken cancellationToken);
}

/// <summary>What the tenant typed for the account, checked against what the provider answered.</summary>
public static class AccountClaims
{
    /// <summary>The token the credentials act with; its absence is a programming error (activation checked the required credentials).</summary>
    public static string Token(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials) =>
        credentials.GetValueOrDefault(requirement.PrimaryCredential) ?? throw new ArgumentException("The credentials are missing their token.");

    /// <summary>The account the tenant named in the routing setting, if any.</summary>
    public static string? Claimed(ConnectionRequirement requirement, JsonObject settings) =>
        settings[requirement.RoutingSetting!] is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.String ? v.GetValue<string>() : null;

    /// <summary><paramref name="owned"/>, unless the tenant named another account: 400 then, naming both.</summary>
    public static string Confirm(ConnectionRequirement requirement, JsonObject settings, string owned)
    {
        var routing = requirement.RoutingSetting!;
        if (Claimed(requirement, settings) is { } claimed && claimed != owned)
        {
            throw Problems.ProblemException.Validation("settings." + routing,
                $"Your token belongs to another account ({owned}), not {claimed}. Leave {routing} empty to connect the token's own account.");
        }
        return owned;
    }
}

/// <summary>Ownership where one call with the token names its one account (Zoom's, Calendly's <c>/users/me</c>, Square's merchant).</summary>
public abstract class TokenOwnerLookup : IAccountOwnership
{
    public abstract IReadOnlyCollection<string> TypeSlugs { get; }

    /// <summary>The account the provider names for <paramref name="token"/>; failures are <see cref="ProviderAccountException"/>.</summary>
    protected abstract Task<string> OwnerAsync(string token, CancellationToken cancellationToken);

    public async Task<string> ResolveAsync(ConnectionRequirement requirement, IReadOnlyDictionary<string, string> credentials, JsonObject settings,
        CancellationToken cancellationToken) =>
        AccountClaims.Confirm(requirement, settings, await OwnerAsync(AccountClaims.Token(requirement, credentials), cancellationToken).ConfigureAwait(false));
}
