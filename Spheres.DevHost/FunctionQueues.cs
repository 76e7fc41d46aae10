using System.Collections.Concurrent;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Spheres.Core.Configuration;

namespace Spheres.DevHost;

/// <summary>What one queue's trigger has done so far: tests wait on these instead of on time.</summary>
public sealed class QueueActivity
{
    private int _succeeded, _failed, _poisoned, _inFlight;

    public int Succeeded => Volatile.Read(ref _succeeded);
    public int Failed => Volatile.Read(ref _failed);
    public int Poisoned => Volatile.Read(ref _poisoned);
    public int InFlight => Volatile.Read(ref _inFlight);

    internal void Started() => Interlocked.Increment(ref _inFlight);
    internal void Ended() => Interlocked.Decrement(ref _inFlight);
    internal void Succeed() => Interlocked.Increment(ref _succeeded);
    internal void Fail() => Interlocked.Increment(ref _failed);
    internal void Poison() => Interlocked.Increment(ref _poisoned);
}

/// <summary>
/// Runs every <c>[QueueTrigger]</c> function as the Functions host does: polls its queue (base64
/// messages) with a backoff up to <c>maxPollingInterval</c> while it is empty, runs up to
/// <c>batchSize</c> messages at once, deletes a message when its function returns, makes it
/// visible again after <c>visibilityTimeout</c> when the function throws, and after
/// <c>maxDequeueCount</c> failed deliveries moves it to <c>&lt;queue&gt;-poison</c>. Settings come from
/// host.json (<see cref="QueueHostOptions"/>). <c>AzureWebJobs.&lt;Function&gt;.Disabled</c> turns one
/// function off, as on the host; <see cref="EnabledSetting"/> "off" turns them all off (tests that
/// read the queues themselves).
/// </summary>
public sealed class FunctionQueues(IServiceProvider services, IConfiguration configuration, ILogger<FunctionQueues> logger)
    : BackgroundService
{
    /// <summary>DevHost only: "off" runs no queue trigger.</summary>
    public const string EnabledSetting = "Spheres:DevHost:QueueTriggers";

    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);
    private readonly ConcurrentDictionary<string, QueueActivity> _activity = new();

    /// <summary>What the trigger of <paramref name="queueName"/> has done (all zero before it starts).</summary>
    public QueueActivity Activity(string queueName) => _activity.GetOrAdd(queueName, _ => new QueueActivity());

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (string.Equals(configuration[EnabledSetting], "off", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation("Queue triggers are off ({Setting})", EnabledSetting);
            return Task.CompletedTask;
        }
        var options = QueueHostOptions.Read(configuration);
        return Task.WhenAll(FunctionDiscovery.QueueFunctions
            .Where(f => !FunctionDiscovery.IsDisabled(configuration, f.Name))
            .Select(f => Task.Run(() => RunAsync(f, options, stoppingToken), stoppingToken)));
    }

    private async Task RunAsync(QueueFunction function, QueueHostOptions options, CancellationToken stoppingToken)
    {
        var queueName = ResolveSetting(function.Trigger.QueueName);
        var connection = configuration[function.Trigger.Connection ?? SettingNames.Storage];
        if (string.IsNullOrWhiteSpace(queueName) || string.IsNullOrWhiteSpace(connection))
        {
            logger.LogWarning("Queue function {Function} not started: its queue name or connection setting is not set", function.Name);
            return;
        }
        var poison = Client(connection, queueName + "-poison", null);
        var queue = Client(connection, queueName, poison);
        var activity = Activity(queueName);
        logger.LogInformation("Queue function {Function} listening on {Queue}", function.Name, queueName);

        var slots = new SemaphoreSlim(options.BatchSize, options.BatchSize);
        var backoff = MinPollingInterval;
        var created = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var free = 1;
                while (free < options.BatchSize && slots.Wait(0)) free++;
                QueueMessage[] batch = [];
                try
                {
                    if (!created)
                    {
                        await queue.CreateIfNotExistsAsync(cancellationToken: stoppingToken);
                        created = true; // once: the host too creates a queue it listens on, not on every poll
                    }
                    batch = (await queue.ReceiveMessagesAsync(free, options.ProcessingLease, stoppingToken)).Value;
                }
                finally
                {
                    // Slots not filled by a message are free again at once; filled ones free when their function ends.
                    if (free > batch.Length) slots.Release(free - batch.Length);
                }
                foreach (var message in batch)
                {
                    _ = ProcessAsync(function, queue, poison, message, options, activity, slots, stoppingToken);
                }
                if (batch.Length > 0)
                {
                    backoff = MinPollingInterval;
                    continue;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever it was, this queue keeps being polled: one bad moment must not stop the host.
                if (e is Azure.RequestFailedException { Status: 404 }) created = false; // the queue went (an emulator restarted empty)
                logger.LogWarning("Queue {Queue} could not be read ({Error}); trying again", queueName, e.GetType().Name);
            }
            // Real time, not the app's TimeProvider: the queue's own visibility clock is real time.
            try
            {
                await Task.Delay(backoff, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, Math.Max(options.MaxPollingInterval.Ticks, MinPollingInterval.Ticks)));
        }
    }

    private async Task ProcessAsync(QueueFunction function, QueueClient queue, QueueClient poison, QueueMessage message,
        QueueHostOptions options, QueueActivity activity, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        activity.Started();
        try
        {
            if (message.DequeueCount > options.MaxDequeueCount)
            {
                // Delivered more often than allowed without an outcome (e.g. the host stopped mid-run): poison, as the host does.
                await MoveToPoisonAsync(queue, poison, message, activity, function.Name);
                return;
            }
            bool succeeded;
            try
            {
                await using var scope = services.CreateAsyncScope();
                await FunctionInvoker.InvokeQueueAsync(function, scope.ServiceProvider, message, stoppingToken);
                succeeded = true;
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // As the host logs a failed invocation: the function and the error type, never the message body.
                logger.LogWarning("Queue function {Function} failed on message {MessageId} (delivery {DequeueCount}): {Error}",
                    function.Name, message.MessageId, message.DequeueCount, e.GetType().Name);
                succeeded = false;
            }
            if (succeeded)
            {
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None);
                activity.Succeed();
            }
            else if (message.DequeueCount >= options.MaxDequeueCount)
            {
                activity.Fail();
                await MoveToPoisonAsync(queue, poison, message, activity, function.Name);
            }
            else
            {
                activity.Fail();
                await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: options.VisibilityTimeout,
                    cancellationToken: CancellationToken.None);
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
        {
            // Storage is away: the message becomes visible again when its lease ends, and is delivered again.
            logger.LogWarning("Queue {Queue}: message {MessageId} not completed ({Error}); it is delivered again after its lease",
                queue.Name, message.MessageId, e.GetType().Name);
        }
        catch (OperationCanceledException)
        {
            // DevHost is stopping: the message comes back when its lease ends.
        }
        finally
        {
            activity.Ended();
            slots.Release();
        }
    }

    private async Task MoveToPoisonAsync(QueueClient queue, QueueClient poison, QueueMessage message, QueueActivity activity, string functionName)
    {
        await poison.CreateIfNotExistsAsync();
        await poison.SendMessageAsync(message.Body);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        activity.Poison();
        logger.LogError("Queue function {Function}: message {MessageId} moved to {PoisonQueue} after {DequeueCount} deliveries",
            functionName, message.MessageId, poison.Name, message.DequeueCount);
    }

    /// <summary>
    /// A base64 client, as the host reads queues. A message that is not base64 cannot be bound: like
    /// the host, it goes to the poison queue as it is.
    /// </summary>
    private QueueClient Client(string connection, string name, QueueClient? poison)
    {
        var options = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        options.Retry.MaxRetries = 2;
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        if (poison is not null)
        {
            options.MessageDecodingFailed += async args =>
            {
                if (args.ReceivedMessage is not { } raw) return;
                await poison.CreateIfNotExistsAsync();
                await poison.SendMessageAsync(raw.Body);
                await args.Queue.DeleteMessageAsync(raw.MessageId, raw.PopReceipt);
                Activity(args.Queue.Name).Poison();
                logger.LogError("Queue {Queue}: message {MessageId} is not base64; moved to {PoisonQueue}", args.Queue.Name, raw.MessageId, poison.Name);
            };
        }
        return new QueueClient(connection, name, options);
    }

    private string? ResolveSetting(string name) =>
        name.StartsWith('%') && name.EndsWith('%') ? configuration[name.Trim('%')] : name;
}
