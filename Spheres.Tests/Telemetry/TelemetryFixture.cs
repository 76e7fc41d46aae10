using Microsoft.Extensions.DependencyInjection;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Outbound;

namespace Spheres.Tests.Telemetry;

/// <summary>The reply fixture (queue triggers on, fake Telegram) with an in-memory exporter in its host's OpenTelemetry registration.</summary>
public sealed class TelemetryFixture : ReplyFixture
{
    public TelemetryCapture Telemetry { get; } = new();

    protected override void AddServices(IServiceCollection services) => Telemetry.AddTo(services);
}

/// <summary>
/// Alone, after the other tests: the Spheres meter and source are process-wide, so counts read here are this class's only.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TelemetryCollection
{
    public const string Name = "telemetry";
}
