using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.BookingPlatforms;

/// <summary>
/// The booking platforms of salons and clinics that are reached with the tenant's own API credentials (no consent, no
/// webhooks yet): SimplyBook (company login and API key), Znany Lekarz / Docplanner (client credentials), and the
/// platforms that take one API key.
/// </summary>
public static class BookingPlatformsModule
{
    private static readonly string[] ApiKeyPlatforms =
    [
        "booksy", "dikidi", "easyweek", "treatwell", "planity", "reservio", "salonized", "fresha", "doctolib", "jameda", "doc-ua", "helsi",
        "patient-access", "practo",
    ];

    public static IServiceCollection AddBookingPlatforms(this IServiceCollection services) =>
        services.AddIntegrationTypes(
        [
            new("simplybook", ConnectMethod.Credentials,
                [new CredentialField("company_login", "Company login", Secret: false, Required: true), CredentialField.ApiKey], [SettingField.LocationId]),
            new("znany-lekarz", ConnectMethod.Credentials,
                [new CredentialField("client_id", "Client ID", Secret: false, Required: true), new CredentialField("client_secret", "Client secret", Secret: true, Required: true)],
                [new("facility_id", "Facility id", SettingKind.Id), SettingField.LocationId]),
            .. ApiKeyPlatforms.Select(ConnectionRequirement.WithApiKey),
        ]);
}
