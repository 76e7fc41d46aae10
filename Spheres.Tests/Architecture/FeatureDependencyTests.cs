using Spheres.Core;

namespace Spheres.Tests.Architecture;

/// <summary>
/// The direction of dependencies in Core, checked on the compiled assembly so it stays visible as the code grows:
/// hosts → functions → features → providers → integrations, accounts, catalog → storage, problems, configuration.
/// Features never depend on each other in a circle, only the composition root names a provider module, provider modules
/// are independent of each other and of the features that use them, and configuration is read only where it is bound.
/// </summary>
public sealed class FeatureDependencyTests
{
    private static readonly string CoreAssembly = typeof(ServiceRegistration).Assembly.Location;
    private static readonly Lazy<CoreDependencyGraph> Graph = new(() => CoreDependencyGraph.Of(CoreAssembly));

    /// <summary>What the provider modules and their shared contracts may use: everything below the features.</summary>
    private static readonly HashSet<string> BelowProviders = new(StringComparer.Ordinal)
    {
        CoreDependencyGraph.ProvidersRoot, "Integrations", "Accounts", "Catalog", "Plans", "Credentials", "Storage", "Problems", "Configuration", "Telemetry",
    };

    [Fact]
    public void The_graph_sees_the_dependencies_the_code_has()
    {
        // A scan that found nothing would pass every rule below: these edges exist, one for each way a type is used.
        var edges = Graph.Value.Edges.Keys.ToHashSet();
        Assert.Contains(("Messaging", "Integrations"), edges); // constructor parameters and calls
        Assert.Contains(("Connections", CoreDependencyGraph.ProvidersRoot), edges); // a capability asked of the registry
        Assert.Contains(("Providers.Telegram", CoreDependencyGraph.ProvidersRoot), edges); // implementing a capability
        Assert.Contains(("Webhooks", "Reviews"), edges);
        Assert.True(Graph.Value.Nodes.Count >= 20, $"Only {Graph.Value.Nodes.Count} feature namespaces were found.");
    }

    [Fact]
    public void The_circle_finder_finds_circles_of_any_length()
    {
        var graph = new Dictionary<string, string[]> { ["a"] = ["b"], ["b"] = ["c"], ["c"] = ["a", "d"], ["d"] = [], ["e"] = ["d"] };
        var circles = CoreDependencyGraph.StronglyConnected(graph.Keys, n => graph[n]);
        Assert.Equal(["a", "b", "c"], Assert.Single(circles));
    }

    [Fact]
    public void No_two_features_depend_on_each_other_in_a_circle()
    {
        var circles = Graph.Value.Circles();
        Assert.True(circles.Count == 0, "Features that depend on each other in a circle:\n" + string.Join("\n", circles.Select(Describe)));
    }

    [Fact]
    public void No_feature_names_a_provider_module()
    {
        var named = Graph.Value.Edges
            .Where(e => IsModule(e.Key.To) && !IsModule(e.Key.From))
            .Select(e => $"{e.Key.From} -> {e.Key.To} (in {string.Join(", ", e.Value.Order())})")
            .ToList();
        Assert.True(named.Count == 0, "Features must ask ProviderRegistry for a capability, not name a provider:\n" + string.Join("\n", named));
    }

    [Fact]
    public void Provider_modules_use_only_the_shared_contracts_and_what_is_below_the_features()
    {
        var wrong = Graph.Value.Edges
            .Where(e => (IsModule(e.Key.From) || e.Key.From == CoreDependencyGraph.ProvidersRoot) && !BelowProviders.Contains(e.Key.To))
            .Select(e => $"{e.Key.From} -> {e.Key.To} (in {string.Join(", ", e.Value.Order())})")
            .ToList();
        Assert.True(wrong.Count == 0, "A provider module may not use another module or a feature above it:\n" + string.Join("\n", wrong));
    }

    [Fact]
    public void Configuration_is_read_only_where_settings_are_bound()
    {
        var readers = CoreDependencyGraph.TypesUsing(CoreAssembly, "Microsoft.Extensions.Configuration.IConfiguration")
            .Where(type => !type.EndsWith("Registration", StringComparison.Ordinal))
            .ToList();
        Assert.True(readers.Count == 0, "Read settings through an options class, bound in a *Registration class:\n" + string.Join("\n", readers));
    }

    private static bool IsModule(string node) => node.StartsWith(CoreDependencyGraph.ProvidersRoot + ".", StringComparison.Ordinal);

    private static string Describe(IReadOnlyList<string> circle)
    {
        var inside = Graph.Value.Edges.Where(e => circle.Contains(e.Key.From) && circle.Contains(e.Key.To))
            .Select(e => $"  {e.Key.From} -> {e.Key.To} (in {string.Join(", ", e.Value.Order())})");
        return string.Join(", ", circle) + "\n" + string.Join("\n", inside);
    }
}
