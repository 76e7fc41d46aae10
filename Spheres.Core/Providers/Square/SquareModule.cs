using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Square;

/// <summary>Square (section <c>Spheres:Square</c>): the signature key of our notification subscription, and its REST API.</summary>
public sealed class SquareOptions
{
    public const string Section = "Spheres:Square";

    public string? SignatureKey { get; set; }

    public string ApiBaseUrl { get; set; } = "https://connect.squareup.com";
}

/// <summary>Square Appointments: connected by consent, routed by the merchant Square names; booking notifications arrive signed.</summary>
public static class SquareModule
{
    public const string TypeSlug = "square-appointments";

    // Square's PKCE flow is for public clients (its refresh tokens then expire); a server with a secret uses the code flow.
    public static readonly OAuthProvider OAuth = new("square", "Square",
        "https://connect.squareup.com/oauth2/authorize", "https://connect.squareup.com/oauth2/token", "https://connect.squareup.com/oauth2/revoke",
        SupportsPkce: false, ClientAuthentication.JsonBody, RevocationStyle.ClientHeaderJson);

    public static IServiceCollection AddSquare(this IServiceCollection services)
    {
        services.AddOptions<SquareOptions>().BindConfiguration(SquareOptions.Section);
        services.AddOAuthClient(OAuth);
        services.AddIntegrationTypes(ConnectionRequirement.OAuth(TypeSlug,
            [new("merchant_id", "Square merchant id", SettingKind.Id, Required: true), SettingField.LocationId], routingSetting: "merchant_id",
            webhookPath: "square/"));
        services.AddCapability<SquareAccounts>();
        services.AddCapability<SquareConsent>();
        services.AddSingleton<IWebhookReceiver, SquareWebhookReceiver>();
        return services;
    }
}

/// <summary>Square's <c>GET /v2/merchants/me</c>: the merchant the token acts for.</summary>
public sealed class SquareAccounts(AccountLookup lookup, IOptions<SquareOptions> options) : TokenOwnerLookup
{
    private static readonly Dictionary<string, string> ApiVersion = new() { ["Square-Version"] = "2025-01-23" };

    public override IReadOnlyCollection<string> TypeSlugs { get; } = [SquareModule.TypeSlug];

    protected override async Task<string> OwnerAsync(string token, CancellationToken cancellationToken) =>
        AccountLookup.Text(await lookup.SendAsync(HttpMethod.Get, options.Value.ApiBaseUrl.TrimEnd('/') + "/v2/merchants/me", token, cancellationToken,
            ApiVersion).ConfigureAwait(false), "merchant", "id");
}

/// <summary>Square consent: appointments and the merchant profile; the merchant Square names is routed.</summary>
public sealed class SquareConsent(ProviderRegistry registry, ConnectionRequirements requirements, IntegrationRows rows, ConsentSteps steps)
    : RoutedAccountConsent(registry, requirements, rows, steps)
{
    public override IReadOnlyCollection<string> TypeSlugs { get; } = [SquareModule.TypeSlug];

    public override OAuthProvider Provider => SquareModule.OAuth;

    public override IReadOnlyList<string> ScopesFor(string typeSlug) =>
        ["MERCHANT_PROFILE_READ", "APPOINTMENTS_READ", "APPOINTMENTS_WRITE", "APPOINTMENTS_BUSINESS_SETTINGS_READ"];
}

/// <summary>Square signs the notification URL it was given followed by the body (<c>x-square-hmacsha256-signature</c>, base64).</summary>
public sealed class SquareWebhookReceiver(IOptions<SquareOptions> options, IOptions<PublicUrlOptions> urls) : IWebhookReceiver
{
    public string Endpoint => "square";

    public Task<WebhookReading> ReadAsync(WebhookDelivery delivery, CancellationToken cancellationToken)
    {
        var key = ConfiguredSecrets.Require(options.Value.SignatureKey, SettingNames.SquareSignatureKey);
        var url = (urls.Value.PublicBaseUrl ?? "").TrimEnd('/') + "/api/webhooks/square/";
        if (!Signatures.Base64Matches(Signatures.HmacSha256(key, url, delivery.Body), delivery.Header("x-square-hmacsha256-signature")))
        {
            throw WebhookRejected.Unauthorized("x-square-hmacsha256-signature does not match the notification URL and body.");
        }
        return Task.FromResult(WebhookReading.Of(EventPayloads.Read("square", delivery.Body, root =>
        {
            var type = root.RequiredText("type");
            var kind = type switch { "booking.created" => "booking_created", "booking.updated" => "booking_updated", _ => type };
            return (WebhookRoutes.AccountKey(SquareModule.TypeSlug, root.RequiredText("merchant_id")),
                root.RequiredText("event_id"), kind, root.GetProperty("created_at").GetDateTimeOffset());
        })));
    }
}
