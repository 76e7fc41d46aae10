using Microsoft.Extensions.Configuration.EnvironmentVariables;
using OpenTelemetry.Trace;
using Spheres.Functions;

namespace Spheres.DevHost;

/// <summary>
/// Serves Spheres.Functions on Kestrel: every HTTP function at <c>/api/{its route}</c> with its
/// methods, the function key where the function asks for one, the timers on their schedules, the
/// queue triggers on their queues (<see cref="FunctionQueues"/>),
/// and DI from <see cref="FunctionsRegistration.AddSpheres"/>, the method Program.cs calls.
/// </summary>
public static class DevHostApplication
{
    public const string RoutePrefix = "api";
    public const string DefaultUrl = "http://localhost:7071";

    /// <param name="readLocalSettings">False for tests and benchmarks: a developer's local.settings.json must not change what they see.</param>
    /// <param name="readEnvironment">
    /// False for tests and benchmarks: no variable of the caller's environment (<c>Spheres__…</c> exported for ./run.sh) reaches the settings.
    /// </param>
    public static WebApplication Create(string[] args, Action<WebApplicationBuilder>? configure = null, bool readLocalSettings = true,
        bool readEnvironment = true)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
        if (!readEnvironment) RemoveEnvironmentVariables(builder.Configuration);
        if (readLocalSettings) AddLocalSettingsBelowEnvironment(builder.Configuration);
        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.ConfigureEndpointDefaults(EncodedNulInPath.Use));
        builder.Services.AddSpheres();
        // The invocation spans the worker would start (FunctionInvocations), beside the app's own.
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddSource(FunctionInvocations.SourceName));
        builder.Services.AddHostedService<FunctionTimers>();
        builder.Services.AddSingleton<FunctionQueues>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<FunctionQueues>());
        configure?.Invoke(builder);

        var cors = HostCors.PolicyFrom(builder.Configuration);
        if (cors is not null) builder.Services.AddCors(options => options.AddDefaultPolicy(cors));

        var app = builder.Build();
        // CORS first, so preflights are answered before routing (which knows no OPTIONS) and every answer carries its headers.
        if (cors is not null) app.UseCors();
        app.UseRouting();
        app.Use(UnmatchedRequests.HandleAsync);
        MapHttpFunctions(app);
        return app;
    }

    private static void MapHttpFunctions(WebApplication app)
    {
        foreach (var function in FunctionDiscovery.HttpFunctions)
        {
            var requiresKey = !function.IsAnonymous;
            app.MapMethods($"/{RoutePrefix}/{function.RouteTemplate}", function.HttpMethods, async context =>
            {
                if (requiresKey && !await FunctionKeyCheck.AllowsAsync(context))
                {
                    return;
                }
                await FunctionInvoker.InvokeHttpAsync(function.Method, function.Name, context);
            }).WithName(function.Name);
        }
    }

    private static void RemoveEnvironmentVariables(ConfigurationManager configuration)
    {
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        foreach (var variables in sources.OfType<EnvironmentVariablesConfigurationSource>().Where(s => string.IsNullOrEmpty(s.Prefix)).ToList())
            sources.Remove(variables);
    }

    private static void AddLocalSettingsBelowEnvironment(ConfigurationManager configuration)
    {
        if (LocalSettings.FindFile() is not { } path)
        {
            return;
        }
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        // Just below the unprefixed environment variables, so Spheres__... variables override the file.
        var environment = sources.Select((s, i) => (s, i))
            .LastOrDefault(x => x.s is EnvironmentVariablesConfigurationSource { Prefix: null or "" }, (null!, sources.Count)).i;
        sources.Insert(environment, new Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource
        {
            InitialData = LocalSettings.Read(path).Concat(HostCors.ReadHostSection(path)),
        });
    }
}
