using Microsoft.Azure.Functions.Worker;

namespace Spheres.DevHost;

/// <summary>
/// The minimal FunctionContext a function may use here: its name, an invocation id, the
/// request's services and cancellation. Binding metadata the worker's gRPC host would supply is absent.
/// </summary>
internal sealed class DevHostFunctionContext(string functionName, IServiceProvider services, CancellationToken cancellationToken)
    : FunctionContext
{
    private string? _invocationId;

    /// <summary>A new id per invocation, made on first read: functions rarely read it, and Guid.NewGuid measured about 1.6 µs on Linux (docs/performance.md).</summary>
    public override string InvocationId => LazyInitializer.EnsureInitialized(ref _invocationId, static () => Guid.NewGuid().ToString());
    public override string FunctionId => functionName;
    public override TraceContext TraceContext => throw Unsupported(nameof(TraceContext));
    public override BindingContext BindingContext => throw Unsupported(nameof(BindingContext));
    public override RetryContext RetryContext => throw Unsupported(nameof(RetryContext));
    public override IServiceProvider InstanceServices { get; set; } = services;
    public override FunctionDefinition FunctionDefinition => throw Unsupported(nameof(FunctionDefinition));
    public override IDictionary<object, object> Items { get; set; } = new Dictionary<object, object>();
    public override IInvocationFeatures Features => throw Unsupported(nameof(Features));
    public override CancellationToken CancellationToken { get; } = cancellationToken;

    private static NotSupportedException Unsupported(string member) =>
        new($"DevHost's FunctionContext has no {member}; use HttpRequest and DI instead.");
}
