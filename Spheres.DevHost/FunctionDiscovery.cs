using System.Reflection;
using Microsoft.Azure.Functions.Worker;
using Spheres.Functions.OpenApi;

namespace Spheres.DevHost;

/// <summary>A <c>[Function]</c> with a <c>[TimerTrigger]</c>.</summary>
public sealed record TimerFunction(string Name, MethodInfo Method, TimerTriggerAttribute Trigger);

/// <summary>What DevHost serves: exactly the functions of Spheres.Functions, found by their attributes.</summary>
public static class FunctionDiscovery
{
    public static Assembly FunctionsAssembly => typeof(HttpFunctionCatalog).Assembly;

    public static IReadOnlyList<HttpFunction> HttpFunctions => HttpFunctionCatalog.All;

    public static IReadOnlyList<TimerFunction> TimerFunctions { get; } =
        FunctionsAssembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<TimerTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new TimerFunction(x.Function!.Name, x.Method, x.Trigger!))
            .ToList();
}
