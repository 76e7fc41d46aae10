using System.Collections.Concurrent;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using System.Text.Json;
using Azure.Storage.Queues.Models;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Abstractions;
using Microsoft.Azure.Functions.Worker;

namespace Spheres.DevHost;

/// <summary>
/// Calls a function method the way the isolated worker does: a new instance per invocation from
/// the request's DI scope, trigger and route values bound by parameter, the result executed.
/// </summary>
public static class FunctionInvoker
{
    private static readonly ConcurrentDictionary<MethodInfo, CompiledFunction> Compiled = new();

    public static async Task InvokeHttpAsync(MethodInfo method, string functionName, HttpContext context)
    {
        using var activity = FunctionInvocations.StartHttp(functionName, context);
        try
        {
            await InvokeHttpCoreAsync(method, functionName, context).ConfigureAwait(false);
            FunctionInvocations.Finish(activity, context.Response.StatusCode, null);
        }
        catch (Exception e)
        {
            FunctionInvocations.Finish(activity, null, e);
            throw;
        }
    }

    private static async Task InvokeHttpCoreAsync(MethodInfo method, string functionName, HttpContext context)
    {
        var function = Compiled.GetOrAdd(method, CompiledFunction.Of);
        var functionContext = new DevHostFunctionContext(functionName, context.RequestServices, context.RequestAborted);
        var arguments = new object?[function.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = BindHttp(function.Parameters[i], context, functionContext);
        }
        var result = await CallAsync(function, context.RequestServices, arguments).ConfigureAwait(false);
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), function.ActionDescriptor)).ConfigureAwait(false);
                break;
            case IResult httpResult:
                await httpResult.ExecuteAsync(context).ConfigureAwait(false);
                break;
            case null:
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                break;
            default:
                throw new NotSupportedException($"Function {functionName} returned {result.GetType().Name}; return IActionResult.");
        }
    }

    public static async Task InvokeTimerAsync(TimerFunction function, IServiceProvider services, TimerInfo timer, CancellationToken cancellationToken)
    {
        using var activity = FunctionInvocations.StartBackground(function.Name, "timer");
        await Traced(activity, InvokeTimerCoreAsync(function, services, timer, cancellationToken)).ConfigureAwait(false);
    }

    private static Task InvokeTimerCoreAsync(TimerFunction function, IServiceProvider services, TimerInfo timer, CancellationToken cancellationToken)
    {
        var compiled = Compiled.GetOrAdd(function.Method, CompiledFunction.Of);
        var functionContext = new DevHostFunctionContext(function.Name, services, cancellationToken);
        var arguments = compiled.Parameters.Select(p =>
            p.ParameterType == typeof(TimerInfo) ? timer
            : p.ParameterType == typeof(FunctionContext) ? functionContext
            : p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken
            : throw new NotSupportedException($"Timer function {function.Name}: cannot bind parameter '{p.Name}'.")).ToArray();
        return CallAsync(compiled, services, arguments);
    }

    /// <summary>
    /// Calls a queue function with the message as the isolated worker binds it: the trigger parameter
    /// as <c>string</c>, <c>BinaryData</c>, <c>byte[]</c>, <c>QueueMessage</c> or a JSON-deserialized type.
    /// </summary>
    public static async Task InvokeQueueAsync(QueueFunction function, IServiceProvider services, QueueMessage message, CancellationToken cancellationToken)
    {
        using var activity = FunctionInvocations.StartBackground(function.Name, "pubsub");
        await Traced(activity, InvokeQueueCoreAsync(function, services, message, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task Traced(System.Diagnostics.Activity? activity, Task invocation)
    {
        try
        {
            await invocation.ConfigureAwait(false);
        }
        catch (Exception e)
        {
            FunctionInvocations.Finish(activity, null, e);
            throw;
        }
    }

    private static Task InvokeQueueCoreAsync(QueueFunction function, IServiceProvider services, QueueMessage message, CancellationToken cancellationToken)
    {
        var compiled = Compiled.GetOrAdd(function.Method, CompiledFunction.Of);
        var functionContext = new DevHostFunctionContext(function.Name, services, cancellationToken);
        var arguments = compiled.Parameters.Select(p =>
            p.GetCustomAttribute<QueueTriggerAttribute>() is not null ? BindQueueMessage(p.ParameterType, message)
            : p.ParameterType == typeof(FunctionContext) ? functionContext
            : p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken
            : throw new NotSupportedException($"Queue function {function.Name}: cannot bind parameter '{p.Name}'.")).ToArray();
        return CallAsync(compiled, services, arguments);
    }

    private static object? BindQueueMessage(Type type, QueueMessage message) =>
        type == typeof(string) ? message.Body.ToString()
        : type == typeof(BinaryData) ? message.Body
        : type == typeof(byte[]) ? message.Body.ToArray()
        : type == typeof(QueueMessage) ? message
        : JsonSerializer.Deserialize(message.Body.ToMemory().Span, type, QueueJson);

    /// <summary>The worker's default for POCO triggers: System.Text.Json, names matched case-insensitively.</summary>
    private static readonly JsonSerializerOptions QueueJson = new(JsonSerializerDefaults.Web);

    private static object? BindHttp(ParameterInfo parameter, HttpContext context, FunctionContext functionContext)
    {
        if (parameter.ParameterType == typeof(HttpRequest)) return context.Request;
        if (parameter.ParameterType == typeof(HttpContext)) return context;
        if (parameter.ParameterType == typeof(FunctionContext)) return functionContext;
        if (parameter.ParameterType == typeof(CancellationToken)) return context.RequestAborted;
        // Anything else is a route value, by name, as the worker binds it.
        var raw = context.GetRouteValue(parameter.Name!)?.ToString();
        if (raw is null) return parameter.HasDefaultValue ? parameter.DefaultValue : null;
        var target = Nullable.GetUnderlyingType(parameter.ParameterType) ?? parameter.ParameterType;
        return target == typeof(string) ? raw : TypeDescriptor.GetConverter(target).ConvertFromString(null, CultureInfo.InvariantCulture, raw);
    }

    private static async Task<object?> CallAsync(CompiledFunction function, IServiceProvider services, object?[] arguments)
    {
        var instance = function.CreateInstance?.Invoke(services);
        try
        {
            var returned = function.Method.Invoke(instance, arguments);
            if (returned is not Task task)
            {
                return returned;
            }
            await task.ConfigureAwait(false);
            // The declared type decides: an `async Task` method's runtime task is a generic box of VoidTaskResult.
            return function.Method.ReturnType.IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(e.InnerException);
            throw;
        }
        finally
        {
            (instance as IDisposable)?.Dispose();
        }
    }

    /// <summary>
    /// What reflection answers once per function rather than per invocation: its parameters, how to
    /// construct its class, and its action descriptor (per action, as MVC has it; results that write
    /// themselves never read it).
    /// </summary>
    private sealed record CompiledFunction(MethodInfo Method, ParameterInfo[] Parameters, Func<IServiceProvider, object>? CreateInstance, ActionDescriptor ActionDescriptor)
    {
        public static CompiledFunction Of(MethodInfo method) =>
            new(method, method.GetParameters(), method.IsStatic ? null : Constructor(method.DeclaringType!), new ActionDescriptor());

        /// <summary>
        /// With one public constructor, a factory resolves what <see cref="ActivatorUtilities.CreateInstance(IServiceProvider, Type, object[])"/>
        /// would, without finding the constructor again; with several, CreateInstance keeps choosing per call.
        /// </summary>
        private static Func<IServiceProvider, object> Constructor(Type type)
        {
            if (type.GetConstructors().Length != 1)
            {
                return services => ActivatorUtilities.CreateInstance(services, type);
            }
            var factory = ActivatorUtilities.CreateFactory(type, Type.EmptyTypes);
            return services => factory(services, null);
        }
    }
}
