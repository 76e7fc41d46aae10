using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Azure.Functions.Worker.OpenTelemetry;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Spheres.Core.Storage;
using Spheres.Core.Telemetry;

namespace Spheres.Functions.Telemetry;

/// <summary>Where telemetry goes: nowhere unless one of these is set (docs/telemetry.md).</summary>
public sealed class TelemetryOptions
{
    /// <summary>Set by Bicep from the Application Insights resource: traces, metrics and logs go to Azure Monitor.</summary>
    public const string AzureMonitorSetting = "APPLICATIONINSIGHTS_CONNECTION_STRING";

    /// <summary><c>ClientId=…;Authorization=AAD</c>: ingestion with that managed identity (the resource accepts no key).</summary>
    public const string AzureMonitorAuthenticationSetting = "APPLICATIONINSIGHTS_AUTHENTICATION_STRING";

    /// <summary>An OTLP collector (Aspire dashboard, Jaeger, a local collector), e.g. <c>http://localhost:4317</c>.</summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary><c>grpc</c> (the default) or <c>http/protobuf</c>.</summary>
    public const string OtlpProtocolSetting = "OTEL_EXPORTER_OTLP_PROTOCOL";

    public string? AzureMonitorConnectionString { get; set; }
    public string? AzureMonitorAuthentication { get; set; }
    public string? OtlpEndpoint { get; set; }
    public string? OtlpProtocol { get; set; }

    /// <summary>The managed identity's client id when the authentication string asks for Entra ID (AAD) ingestion.</summary>
    public string? EntraClientId(out bool entra)
    {
        var parts = (AzureMonitorAuthentication ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1], StringComparer.OrdinalIgnoreCase);
        entra = parts.TryGetValue("Authorization", out var kind) && kind.Equals("AAD", StringComparison.OrdinalIgnoreCase);
        return parts.GetValueOrDefault("ClientId");
    }
}

/// <summary>
/// OpenTelemetry for both hosts (Program.cs and DevHost call it through <see cref="FunctionsRegistration.AddSpheres"/>):
/// the worker's defaults (its invocation spans and resource), the <c>Spheres</c> source and meter, and logs; exporters
/// only where configured: Azure Monitor when <c>APPLICATIONINSIGHTS_CONNECTION_STRING</c> is set, OTLP when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is. No HTTP instrumentation library is added: their URL attributes would carry
/// Telegram's bot token and our webhook keys; provider calls have spans of our own (<c>ProviderCallSpans</c>).
/// </summary>
public static class TelemetryRegistration
{
    public static IServiceCollection AddSpheresTelemetry(this IServiceCollection services)
    {
        services.AddOptions<TelemetryOptions>().Configure<IConfiguration>((options, configuration) =>
        {
            options.AzureMonitorConnectionString = configuration[TelemetryOptions.AzureMonitorSetting];
            options.AzureMonitorAuthentication = configuration[TelemetryOptions.AzureMonitorAuthenticationSetting];
            options.OtlpEndpoint = configuration[TelemetryOptions.OtlpEndpointSetting];
            options.OtlpProtocol = configuration[TelemetryOptions.OtlpProtocolSetting];
        });
        // ASP.NET Core's request lines and route matches carry the path and query: webhook keys, OAuth codes. Kept out of every log sink.
        services.Configure<LoggerFilterOptions>(filters =>
        {
            filters.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning, null));
            filters.Rules.Add(new LoggerFilterRule(null, "Microsoft.AspNetCore.Routing", LogLevel.Warning, null));
        });
        services.AddOpenTelemetry()
            .UseFunctionsWorkerDefaults()
            .WithTracing(tracing => tracing.AddSource(SpheresTelemetry.Name))
            .WithMetrics(metrics => metrics.AddMeter(SpheresTelemetry.Name))
            .WithLogging(configureBuilder: null, configureOptions: logging => logging.IncludeFormattedMessage = true);
        services.ConfigureOpenTelemetryTracerProvider((sp, tracing) =>
        {
            var exporters = Exporters(sp);
            if (exporters.AzureMonitor is { } azure) tracing.AddProcessor(new BatchActivityExportProcessor(new AzureMonitorTraceExporter(azure)));
            if (exporters.Otlp is { } otlp) tracing.AddProcessor(new BatchActivityExportProcessor(new OtlpTraceExporter(otlp("v1/traces"))));
        });
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) =>
        {
            var exporters = Exporters(sp);
            if (exporters.AzureMonitor is { } azure)
                metrics.AddReader(new PeriodicExportingMetricReader(new AzureMonitorMetricExporter(azure)) { TemporalityPreference = MetricReaderTemporalityPreference.Delta });
            if (exporters.Otlp is { } otlp) metrics.AddReader(new PeriodicExportingMetricReader(new OtlpMetricExporter(otlp("v1/metrics"))));
        });
        services.ConfigureOpenTelemetryLoggerProvider((sp, logging) =>
        {
            var exporters = Exporters(sp);
            if (exporters.AzureMonitor is { } azure) logging.AddProcessor(new BatchLogRecordExportProcessor(new AzureMonitorLogExporter(azure)));
            if (exporters.Otlp is { } otlp) logging.AddProcessor(new BatchLogRecordExportProcessor(new OtlpLogExporter(otlp("v1/logs"))));
        });
        return services;
    }

    private static (AzureMonitorExporterOptions? AzureMonitor, Func<string, OtlpExporterOptions>? Otlp) Exporters(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        AzureMonitorExporterOptions? azure = null;
        if (options.AzureMonitorConnectionString is { Length: > 0 } connectionString)
        {
            azure = new AzureMonitorExporterOptions { ConnectionString = connectionString };
            var clientId = options.EntraClientId(out var entra);
            if (entra) azure.Credential = AzureIdentity.Credential(clientId);
        }
        Func<string, OtlpExporterOptions>? otlp = null;
        if (Uri.TryCreate(options.OtlpEndpoint, UriKind.Absolute, out var endpoint))
        {
            var http = string.Equals(options.OtlpProtocol, "http/protobuf", StringComparison.OrdinalIgnoreCase);
            // Set in code, the endpoint is used as it is: over HTTP each signal has its own path below it.
            otlp = signal => new OtlpExporterOptions
            {
                Protocol = http ? OtlpExportProtocol.HttpProtobuf : OtlpExportProtocol.Grpc,
                Endpoint = http ? new Uri(endpoint.AbsoluteUri.TrimEnd('/') + "/" + signal) : endpoint,
            };
        }
        return (azure, otlp);
    }
}
