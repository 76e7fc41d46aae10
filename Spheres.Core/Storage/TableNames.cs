namespace Spheres.Core.Storage;

/// <summary>Every table and queue the app uses; the Bicep template creates the same names.</summary>
public static class TableNames
{
    public const string Catalog = "Catalog";

    /// <summary>Tenant rows, partitioned by tenant id: profile, users, usage counters.</summary>
    public const string Tenants = "Tenants";

    /// <summary>Global: one row per registered email (hashed key), the uniqueness guarantee.</summary>
    public const string EmailIndex = "EmailIndex";

    /// <summary>Global: failed-login counters per email (hashed key).</summary>
    public const string LoginAttempts = "LoginAttempts";
}
