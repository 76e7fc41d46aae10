using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace Spheres.DevHost;

/// <summary>
/// Runs every <c>[TimerTrigger]</c> function on its NCRONTAB schedule (six fields, seconds first), as the Functions host
/// does; <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> turns one off, as on the host.
/// </summary>
internal sealed class FunctionTimers(IServiceProvider services, IConfiguration configuration, TimeProvider time, ILogger<FunctionTimers> logger)
    : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(FunctionDiscovery.TimerFunctions.Where(f => !FunctionDiscovery.IsDisabled(configuration, f.Name)).Select(f => RunAsync(f, stoppingToken)));

    private async Task RunAsync(TimerFunction function, CancellationToken stoppingToken)
    {
        var expression = ResolveSetting(function.Trigger.Schedule);
        if (string.IsNullOrWhiteSpace(expression))
        {
            logger.LogWarning("Timer {Function} not scheduled: its schedule setting {Schedule} is not set", function.Name, function.Trigger.Schedule);
            return;
        }
        var schedule = CrontabSchedule.Parse(expression, new CrontabSchedule.ParseOptions { IncludingSeconds = true });
        logger.LogInformation("Timer {Function} scheduled: {Schedule}", function.Name, expression);
        var last = time.GetUtcNow().UtcDateTime;
        if (function.Trigger.RunOnStartup)
        {
            await InvokeAsync(function, schedule, last, stoppingToken);
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = schedule.GetNextOccurrence(last);
            var delay = next - time.GetUtcNow().UtcDateTime;
            try
            {
                if (delay > TimeSpan.Zero) await Task.Delay(delay, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            last = next;
            await InvokeAsync(function, schedule, next, stoppingToken);
        }
    }

    private async Task InvokeAsync(TimerFunction function, CrontabSchedule schedule, DateTime now, CancellationToken stoppingToken)
    {
        await using var scope = services.CreateAsyncScope();
        var info = new TimerInfo
        {
            ScheduleStatus = new ScheduleStatus { Last = now, Next = schedule.GetNextOccurrence(now), LastUpdated = now },
        };
        try
        {
            await FunctionInvoker.InvokeTimerAsync(function, scope.ServiceProvider, info, stoppingToken);
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Like the Functions host: a failed run is logged and the next one still happens.
            logger.LogError("Timer {Function} failed: {Error}", function.Name, e.GetType().Name);
        }
    }

    private string? ResolveSetting(string schedule) =>
        schedule.StartsWith('%') && schedule.EndsWith('%') ? configuration[schedule.Trim('%')] : schedule;
}
