using System.Net.Mail;
using NodaTime;
using Spheres.Core.Catalog;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

/// <summary>Field rules of accounts. Every failing field is reported at once, by its JSON name.</summary>
public static class AccountValidation
{
    public const int MinPasswordLength = 8;
    public const int MaxPasswordLength = 256;
    public const int MaxNameLength = 200;
    public const int MaxEmailLength = 254;

    public static string NormalizeEmail(string email) => email.Trim().ToLowerInvariant();

    public static bool IsEmail(string? value) =>
        value is { Length: > 0 and <= MaxEmailLength }
        && MailAddress.TryCreate(value.Trim(), out var address)
        && address.Address == value.Trim()
        && address.Host.Contains('.', StringComparison.Ordinal)
        && !address.Host.EndsWith('.');

    /// <summary>Checks a registration and resolves its sphere; throws a 400 naming every bad field.</summary>
    public static Sphere ValidateRegistration(RegistrationInput input, CatalogSnapshot catalog)
    {
        var errors = new FieldErrors();
        if (string.IsNullOrWhiteSpace(input.Email)) errors.Add("email", "Email is required.");
        else if (!IsEmail(input.Email)) errors.Add("email", "Enter a valid email address, like name@example.com.");

        if (input.Password is null) errors.Add("password", "Password is required.");
        else if (input.Password.Length < MinPasswordLength) errors.Add("password", $"Use at least {MinPasswordLength} characters.");
        else if (input.Password.Length > MaxPasswordLength) errors.Add("password", $"Use at most {MaxPasswordLength} characters.");

        RequireText(errors, "name", input.Name, "Name");
        // Optional: a blank business name (an empty form field) defaults to the owner's name.
        if (!string.IsNullOrWhiteSpace(input.BusinessName)) RequireText(errors, "business_name", input.BusinessName, "Business name");
        var sphere = ResolveSphere(errors, input.SphereId, input.SphereSlug, catalog, required: true);
        if (input.TimeZone is not null) CheckTimeZone(errors, input.TimeZone);
        if (input.Country is not null) CheckCountry(errors, input.Country);
        errors.ThrowIfAny();
        return sphere!;
    }

    /// <summary>Checks profile changes; returns the new sphere when one was asked for.</summary>
    public static Sphere? ValidateChanges(ProfileChanges changes, CatalogSnapshot catalog)
    {
        var errors = new FieldErrors();
        var sphere = ResolveSphere(errors, changes.SphereId, changes.SphereSlug, catalog, required: false);
        if (changes.BusinessName is not null) RequireText(errors, "business_name", changes.BusinessName, "Business name");
        if (changes.TimeZone is not null) CheckTimeZone(errors, changes.TimeZone);
        if (changes.Country is not null) CheckCountry(errors, changes.Country);
        errors.ThrowIfAny();
        return sphere;
    }

    public static string NormalizeCountry(string country) => CountryCodes.TryNormalize(country, out var code) ? code : country;

    private static Sphere? ResolveSphere(FieldErrors errors, int? id, string? slug, CatalogSnapshot catalog, bool required)
    {
        if (id is null && slug is null)
        {
            if (required) errors.Add("sphere_id", "Choose a sphere: give sphere_id or sphere_slug.");
            return null;
        }
        Sphere? byId = null, bySlug = null;
        if (id is { } sphereId && (byId = catalog.FindActiveSphere(sphereId)) is null)
            errors.Add("sphere_id", $"No active sphere has id {sphereId}.");
        if (slug is not null && (bySlug = catalog.FindActiveSphere(slug)) is null)
            errors.Add("sphere_slug", $"No active sphere has slug '{slug}'.");
        if (byId is not null && bySlug is not null && byId.Id != bySlug.Id)
            errors.Add("sphere_slug", "sphere_id and sphere_slug name different spheres; give one of them.");
        return byId ?? bySlug;
    }

    private static void RequireText(FieldErrors errors, string field, string? value, string label)
    {
        if (string.IsNullOrWhiteSpace(value)) errors.Add(field, $"{label} is required.");
        else if (value.Trim().Length > MaxNameLength) errors.Add(field, $"{label} may have at most {MaxNameLength} characters.");
    }

    private static void CheckTimeZone(FieldErrors errors, string zone)
    {
        if (DateTimeZoneProviders.Tzdb.GetZoneOrNull(zone) is null)
            errors.Add("timezone", $"'{zone}' is not an IANA time zone id; use one like 'Europe/Kyiv'.");
    }

    private static void CheckCountry(FieldErrors errors, string country)
    {
        if (!CountryCodes.TryNormalize(country, out _))
            errors.Add("country", "Give an ISO 3166-1 alpha-2 country code, such as 'UA' or 'PL'.");
    }
}
