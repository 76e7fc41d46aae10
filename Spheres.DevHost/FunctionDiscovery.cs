using Microsoft.Extensions.Configuration;
using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Spheres.Functions.OpenApi;

namespace Spheres.DevHost;

/// <summary>A <c>[Function]</c> with a <c>[TimerTrigger]</c>.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, TimerTriggerAttribute Trigger);

/// <summary>A <c>[Function]</c> with a <c>[QueueTrigger]</c>.</summary>
public sealed record QueueFunction(string Name, MethodInfo Method, QueueTriggerAttribute Trigger);

/// <summary>What DevHost serves: exactly the functions of Spheres.Functions, found by their attributes.</summary>
public static class FunctionDiscovery
{
    public static Assembly FunctionsAssembly => typeof(HttpFunctionCatalog).Assembly;

    public static IReadOnlyList<HttpFunction> HttpFunctions => HttpFunctionCatalog.All;

    public static IReadOnlyList<TimerFunction> TimerFunctions { get; } =
        Triggered<TimerTriggerAttribute>().Select(x => new TimerFunction(x.Name, x.Method, x.Trigger)).ToList();

    public static IReadOnlyList<QueueFunction> QueueFunctions { get; } =
        Triggered<QueueTriggerAttribute>().Select(x => new QueueFunction(x.Name, x.Method, x.Trigger)).ToList();

    /// <summary>The Functions host's switch for one function: app setting <c>AzureWebJobs.&lt;Function&gt;.Disabled</c>.</summary>
    public static bool IsDisabled(IConfiguration configuration, string functionName) =>
        configuration[$"AzureWebJobs.{functionName}.Disabled"] is "true" or "True" or "1";

    /// <summary>Every <c>[Function]</c> one of whose parameters carries a <typeparamref name="TTrigger"/>.</summary>
    private static IEnumerable<(string Name, MethodInfo Method, TTrigger Trigger)> Triggered<TTrigger>() where TTrigger : Attribute =>
        FunctionsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<TTrigger>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => (x.Function!.Name, x.Method, x.Trigger!));
}
