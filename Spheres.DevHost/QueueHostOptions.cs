using System.Globalization;
using System.Text.Json;

namespace Spheres.DevHost;

/// <summary>
/// The <c>extensions.queues</c> settings of host.json, with the Functions host's defaults, overridden
/// by <c>AzureFunctionsJobHost__extensions__queues__*</c> settings as on the host.
/// </summary>
public sealed record QueueHostOptions
{
    public const string OverrideSection = "AzureFunctionsJobHost:extensions:queues";

    /// <summary>Failed deliveries of one message before it moves to <c>&lt;queue&gt;-poison</c>.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>How long a failed message stays invisible before its next delivery.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.Zero;

    /// <summary>The longest wait between polls of an empty queue (the wait doubles from 100 ms up to this).</summary>
    public TimeSpan MaxPollingInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Messages fetched and processed at once.</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>
    /// How long a fetched message stays invisible while its function runs. The host takes 10 minutes
    /// and renews; DevHost does not renew, so a function must finish within it (at-most-once state
    /// in storage, not this lease, keeps a redelivery harmless). Not a host.json setting.
    /// </summary>
    public TimeSpan ProcessingLease { get; init; } = TimeSpan.FromMinutes(10);

    public static QueueHostOptions Read(IConfiguration configuration)
    {
        var options = new QueueHostOptions();
        var hostJson = Path.Combine(AppContext.BaseDirectory, "host.json");
        if (File.Exists(hostJson))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(hostJson), new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip });
            if (document.RootElement.TryGetProperty("extensions", out var extensions) && extensions.TryGetProperty("queues", out var queues))
            {
                options = Apply(options, queues.EnumerateObject().Select(p => (p.Name, p.Value.ToString())));
            }
        }
        var overrides = configuration.GetSection(OverrideSection).GetChildren().Where(c => c.Value is not null).Select(c => (c.Key, c.Value!));
        return Apply(options, overrides);
    }

    private static QueueHostOptions Apply(QueueHostOptions options, IEnumerable<(string Name, string Value)> settings)
    {
        foreach (var (name, value) in settings)
        {
            options = name.ToLowerInvariant() switch
            {
                "maxdequeuecount" => options with { MaxDequeueCount = int.Parse(value, CultureInfo.InvariantCulture) },
                "visibilitytimeout" => options with { VisibilityTimeout = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "maxpollinginterval" => options with { MaxPollingInterval = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                "batchsize" => options with { BatchSize = Math.Clamp(int.Parse(value, CultureInfo.InvariantCulture), 1, 32) },
                "processinglease" => options with { ProcessingLease = TimeSpan.Parse(value, CultureInfo.InvariantCulture) },
                _ => options, // newBatchThreshold, messageEncoding (base64 here, the default): nothing to do
            };
        }
        return options;
    }
}
