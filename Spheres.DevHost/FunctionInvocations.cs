using System.Diagnostics;

namespace Spheres.DevHost;

/// <summary>
/// The span the Functions worker starts around every invocation (<c>function {name}</c>), started here because DevHost
/// calls the functions itself. An HTTP invocation continues the caller's <c>traceparent</c>, as the Functions host passes
/// it on, so a problem's <c>trace_id</c> is the exported trace's; a queue or timer invocation starts a trace of its own, as
/// the host's do (a queue function's own span continues the trace its message carries and links to this one).
/// Attributes: the function and the route template, never the path (webhook keys) or the query (OAuth codes).
/// </summary>
public static class FunctionInvocations
{
    public const string SourceName = "Spheres.DevHost";

    private static readonly ActivitySource Source = new(SourceName);

    public static Activity? StartHttp(string functionName, HttpContext context)
    {
        var request = context.Request;
        ActivityContext.TryParse(request.Headers.TraceParent.FirstOrDefault(), request.Headers.TraceState.FirstOrDefault(), isRemote: true, out var caller);
        var activity = Start(functionName, ActivityKind.Server, caller);
        activity?.SetTag("faas.trigger", "http");
        activity?.SetTag("http.request.method", request.Method);
        activity?.SetTag("http.route", (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText);
        return activity;
    }

    public static Activity? StartBackground(string functionName, string trigger) =>
        Start(functionName, ActivityKind.Internal, default)?.SetTag("faas.trigger", trigger);

    public static void Finish(Activity? activity, int? status, Exception? failure)
    {
        if (activity is null) return;
        if (status is { } code) activity.SetTag("http.response.status_code", code);
        if (failure is not null || status >= 500)
        {
            activity.SetStatus(ActivityStatusCode.Error);
            if (failure is not null) activity.SetTag("error.type", failure.GetType().FullName);
        }
    }

    private static Activity? Start(string functionName, ActivityKind kind, ActivityContext parent)
    {
        // Only the caller's context, never the ambient activity: ASP.NET Core's own request activity is exported by
        // nobody, so as a parent it would make the whole trace unsampled.
        var ambient = Activity.Current;
        Activity.Current = null;
        var activity = Source.StartActivity($"function {functionName}", kind, parent);
        if (activity is null)
        {
            Activity.Current = ambient;
            return null;
        }
        return activity.SetTag("faas.name", functionName);
    }
}
