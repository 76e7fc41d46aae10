namespace Spheres.Core.Plans;

/// <summary>What a paid plan unlocks. The one table every feature asks (API.md, "Plans").</summary>
public sealed record Plan(
    string Id,
    string DisplayName,
    bool SphereIntegrations,
    bool WorkingHours,
    int MessagesPerMonth,
    bool Analytics)
{
    /// <summary>Reviews a tenant may keep stored: each is embedded and analysed, and search holds them in memory.</summary>
    public int MaxReviews { get; init; }

    /// <summary>Review imports (up to 1,000 rows each) a tenant may start per hour.</summary>
    public int ImportsPerHour { get; init; }

    public static readonly Plan Free = new("free", "Free", SphereIntegrations: false, WorkingHours: false, MessagesPerMonth: 100, Analytics: false);
    public static readonly Plan Starter = new("starter", "Package 2", SphereIntegrations: true, WorkingHours: true, MessagesPerMonth: 1_000, Analytics: false);
    public static readonly Plan Professional = new("professional", "Package 3", SphereIntegrations: true, WorkingHours: true, MessagesPerMonth: 10_000, Analytics: true)
    {
        MaxReviews = 10_000,
        ImportsPerHour = 10,
    };

    public static IReadOnlyList<Plan> All { get; } = [Free, Starter, Professional];

    /// <summary>Every account starts here.</summary>
    public static Plan Default => Free;

    public static Plan? Find(string? id) => All.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.Ordinal));

    /// <summary>A stored plan id that is no longer known falls back to free rather than unlocking anything.</summary>
    public static Plan FromStored(string? id) => Find(id) ?? Free;
}
