using System.ComponentModel;
using System.Globalization;
using System.Reflection;
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
    public static async Task InvokeHttpAsync(MethodInfo method, string functionName, HttpContext context)
    {
        var functionContext = new DevHostFunctionContext(functionName, context.RequestServices, context.RequestAborted);
        var arguments = method.GetParameters().Select(p => BindHttp(p, context, functionContext)).ToArray();
        var result = await CallAsync(method, context.RequestServices, arguments).ConfigureAwait(false);
        switch (result)
        {
            case IActionResult action:
                await action.ExecuteResultAsync(new ActionContext(context, context.GetRouteData(), new ActionDescriptor())).ConfigureAwait(false);
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

    public static Task InvokeTimerAsync(TimerFunction function, IServiceProvider services, TimerInfo timer, CancellationToken cancellationToken)
    {
        var functionContext = new DevHostFunctionContext(function.Name, services, cancellationToken);
        var arguments = function.Method.GetParameters().Select(p =>
            p.ParameterType == typeof(TimerInfo) ? timer
            : p.ParameterType == typeof(FunctionContext) ? functionContext
            : p.ParameterType == typeof(CancellationToken) ? (object)cancellationToken
            : throw new NotSupportedException($"Timer function {function.Name}: cannot bind parameter '{p.Name}'.")).ToArray();
        return CallAsync(function.Method, services, arguments);
    }

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

    private static async Task<object?> CallAsync(MethodInfo method, IServiceProvider services, object?[] arguments)
    {
        var instance = method.IsStatic ? null : ActivatorUtilities.CreateInstance(services, method.DeclaringType!);
        try
        {
            var returned = method.Invoke(instance, arguments);
            if (returned is not Task task)
            {
                return returned;
            }
            await task.ConfigureAwait(false);
            return task.GetType().IsGenericType ? task.GetType().GetProperty("Result")!.GetValue(task) : null;
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
}
