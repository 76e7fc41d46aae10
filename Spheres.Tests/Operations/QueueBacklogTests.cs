using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Operations;
using Spheres.Core.Storage;
using Spheres.Functions.Health;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Operations;

/// <summary>
/// What the alerts read about the queues (infra/app/alerts.bicep): the depth of each poison queue and the age of each work queue's
/// oldest waiting message, measured from storage by the MeasureQueueBacklog timer and recorded as gauges of the Spheres meter.
/// </summary>
public sealed class QueueBacklogTests
{
    [Fact]
    public async Task Each_poison_queue_reports_its_depth_and_each_work_queue_the_age_of_its_oldest_message()
    {
        await using var azurite = await AzuriteServer.StartAsync(); // its own: the readings are of every queue of the account
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var host = await TestHost.StartAsync(azurite.ConnectionString, services: s => s.AddSingleton<TimeProvider>(clock));
        await SendAsync(azurite, TableNames.AutoRepliesQueue, 1);
        await SendAsync(azurite, TableNames.AutoRepliesQueue + "-poison", 2);
        await SendAsync(azurite, TableNames.EmbeddingsQueue, 0);
        clock.SetUtcNow(DateTimeOffset.UtcNow + TimeSpan.FromMinutes(7)); // the auto-reply has waited 7 minutes (and the moments since)
        using var gauges = new GaugeRecorder();

        await ActivatorUtilities.CreateInstance<QueueBacklogFunctions>(host.Services).Measure(null!, CancellationToken.None);

        Assert.Equal(2, gauges.Last("spheres.queue.poison_depth", TableNames.AutoRepliesQueue + "-poison"));
        Assert.InRange(gauges.Last("spheres.queue.oldest_age", TableNames.AutoRepliesQueue), 7 * 60, 8 * 60);
        Assert.Equal(0, gauges.Last("spheres.queue.oldest_age", TableNames.EmbeddingsQueue));
        Assert.False(gauges.Has("spheres.queue.oldest_age", TableNames.AutoRepliesQueue + "-poison"));
        Assert.False(gauges.Has("spheres.queue.poison_depth", TableNames.AutoRepliesQueue));
    }

    [Fact]
    public async Task Once_the_queues_are_drained_the_readings_are_zero()
    {
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString);
        await SendAsync(azurite, TableNames.AutoRepliesQueue, 1);
        await SendAsync(azurite, TableNames.AutoRepliesQueue + "-poison", 1);
        var backlog = host.Services.GetRequiredService<QueueBacklog>();
        Assert.Contains(await backlog.MeasureAsync(default), r => r.PoisonMessages == 1);

        await QueueTriggers.Queue(azurite.ConnectionString, TableNames.AutoRepliesQueue).ClearMessagesAsync();
        await QueueTriggers.Queue(azurite.ConnectionString, TableNames.AutoRepliesQueue + "-poison").ClearMessagesAsync();
        var readings = await backlog.MeasureAsync(default);

        Assert.Equal(0, Assert.Single(readings, r => r.Queue == TableNames.AutoRepliesQueue + "-poison").PoisonMessages);
        Assert.Equal(TimeSpan.Zero, Assert.Single(readings, r => r.Queue == TableNames.AutoRepliesQueue).OldestAge);
    }

    private static async Task SendAsync(AzuriteServer azurite, string queueName, int messages)
    {
        var queue = QueueTriggers.Queue(azurite.ConnectionString, queueName);
        await queue.CreateIfNotExistsAsync();
        for (var i = 0; i < messages; i++) await queue.SendMessageAsync(BinaryData.FromString("""{"tenant_id":"t"}"""));
    }

    /// <summary>Listens to the Spheres meter's gauges, as an exporter would.</summary>
    private sealed class GaugeRecorder : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<(string Gauge, string Queue), double> _last = new();

        public GaugeRecorder()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == Spheres.Core.Telemetry.SpheresTelemetry.Name) listener.EnableMeasurementEvents(instrument);
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
            _listener.Start();
        }

        public double Last(string gauge, string queue) =>
            _last.TryGetValue((gauge, queue), out var value) ? value : throw new Xunit.Sdk.XunitException($"{gauge} was not recorded for {queue}");

        public bool Has(string gauge, string queue) => _last.ContainsKey((gauge, queue));

        private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "queue" && tag.Value is string queue) _last[(instrument.Name, queue)] = value;
            }
        }

        public void Dispose() => _listener.Dispose();
    }
}
