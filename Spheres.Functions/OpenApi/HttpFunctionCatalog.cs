using System.Reflection;
using Microsoft.Azure.Functions.Worker;

namespace Spheres.Functions.OpenApi;

/// <summary>One HTTP-triggered function as declared by its attributes.</summary>
public sealed record HttpFunction(
    string Name,
    MethodInfo Method,
    HttpTriggerAttribute Trigger,
    string RouteTemplate,
    IReadOnlyList<string> HttpMethods)
{
    public bool IsAnonymous => Trigger.AuthLevel == AuthorizationLevel.Anonymous;
}

/// <summary>Finds every <c>[Function]</c> with an <c>[HttpTrigger]</c> in this assembly: the single list DevHost maps and OpenAPI documents.</summary>
public static class HttpFunctionCatalog
{
    public static IReadOnlyList<HttpFunction> All { get; } = Discover(typeof(HttpFunctionCatalog).Assembly);

    public static IReadOnlyList<HttpFunction> Discover(Assembly assembly) =>
        assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.Static))
            .Select(m => (Method: m, Function: m.GetCustomAttribute<FunctionAttribute>(),
                Trigger: m.GetParameters().Select(p => p.GetCustomAttribute<HttpTriggerAttribute>()).FirstOrDefault(a => a is not null)))
            .Where(x => x.Function is not null && x.Trigger is not null)
            .Select(x => new HttpFunction(
                x.Function!.Name,
                x.Method,
                x.Trigger!,
                x.Trigger!.Route ?? x.Function!.Name,
                (x.Trigger!.Methods ?? ["get", "post"]).Select(v => v.ToUpperInvariant()).ToList()))
            .OrderBy(f => f.RouteTemplate, StringComparer.Ordinal)
            .ToList();
}
