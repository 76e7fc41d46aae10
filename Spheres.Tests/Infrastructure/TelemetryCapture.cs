using System.Collections;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// What a test host exports, kept in memory by OpenTelemetry's in-memory exporters added to the host's own
/// registration: spans, log records and metrics, and all of their text for the leak checks.
/// Spans and metrics are process-wide (every host's Spheres source reaches every listener): tests pick theirs by trace.
/// </summary>
public sealed class TelemetryCapture
{
    public LockedList<Activity> Spans { get; } = new();
    public LockedList<LogRecord> Logs { get; } = new();
    public LockedList<MetricSnapshot> Metrics { get; } = new();

    public void AddTo(IServiceCollection services)
    {
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddInMemoryExporter(Spans));
        services.ConfigureOpenTelemetryLoggerProvider(logging => logging.AddInMemoryExporter(Logs));
        services.ConfigureOpenTelemetryMeterProvider(metrics => metrics.AddInMemoryExporter(Metrics));
    }

    /// <summary>The current value of a counter, summed over the points whose tags include all of <paramref name="tags"/>.</summary>
    public long Sum(IServiceProvider services, string metric, params (string Key, object Value)[] tags) =>
        Points(services, metric, tags).Sum(p => p.GetSumLong());

    /// <summary>How many values a histogram recorded, over the points whose tags include all of <paramref name="tags"/>.</summary>
    public long Count(IServiceProvider services, string metric, params (string Key, object Value)[] tags) =>
        Points(services, metric, tags).Sum(p => p.GetHistogramCount());

    /// <summary>The points of the metric's latest export (cumulative) whose tags include all of <paramref name="tags"/>.</summary>
    private IEnumerable<MetricPoint> Points(IServiceProvider services, string metric, (string Key, object Value)[] tags)
    {
        Assert.True(services.GetRequiredService<MeterProvider>().ForceFlush(), "metrics were not exported");
        var last = Metrics.Snapshot().LastOrDefault(m => m.Name == metric);
        return (last?.MetricPoints ?? []).Where(point =>
        {
            var have = new Dictionary<string, object?>();
            foreach (var tag in point.Tags) have[tag.Key] = tag.Value;
            return tags.All(t => have.TryGetValue(t.Key, out var value) && Equals(value, t.Value));
        }).ToList();
    }

    /// <summary>Every piece of text telemetry carries: span names, attributes, events, links, statuses; log messages, bodies, attributes, exceptions.</summary>
    public IEnumerable<(string Where, string Text)> AllText()
    {
        foreach (var span in Spans.Snapshot())
        {
            var where = $"span '{span.DisplayName}'";
            yield return (where, span.DisplayName + " " + span.OperationName + " " + span.StatusDescription);
            foreach (var tag in span.TagObjects) yield return (where + " attribute " + tag.Key, $"{tag.Key}={tag.Value}");
            foreach (var e in span.Events)
            {
                yield return (where + " event", e.Name);
                foreach (var tag in e.Tags) yield return (where + " event attribute " + tag.Key, $"{tag.Key}={tag.Value}");
            }
            foreach (var link in span.Links)
            {
                foreach (var tag in link.Tags ?? []) yield return (where + " link attribute " + tag.Key, $"{tag.Key}={tag.Value}");
            }
            foreach (var item in span.Baggage) yield return (where + " baggage", $"{item.Key}={item.Value}");
        }
        foreach (var log in Logs.Snapshot())
        {
            var where = $"log {log.CategoryName}";
            yield return (where, $"{log.FormattedMessage} {log.Body} {log.Exception}");
            foreach (var attribute in log.Attributes ?? []) yield return (where + " attribute " + attribute.Key, $"{attribute.Key}={attribute.Value}");
        }
    }
}

/// <summary>An <see cref="ICollection{T}"/> the exporters may add to from any thread; tests read a snapshot.</summary>
public sealed class LockedList<T> : ICollection<T>
{
    private readonly List<T> _items = [];

    public List<T> Snapshot()
    {
        lock (_items) return [.. _items];
    }

    public void Add(T item)
    {
        lock (_items) _items.Add(item);
    }

    public void Clear()
    {
        lock (_items) _items.Clear();
    }

    public bool Contains(T item)
    {
        lock (_items) return _items.Contains(item);
    }

    public void CopyTo(T[] array, int arrayIndex)
    {
        lock (_items) _items.CopyTo(array, arrayIndex);
    }

    public bool Remove(T item)
    {
        lock (_items) return _items.Remove(item);
    }

    public int Count
    {
        get { lock (_items) return _items.Count; }
    }

    public bool IsReadOnly => false;

    public IEnumerator<T> GetEnumerator() => Snapshot().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}
