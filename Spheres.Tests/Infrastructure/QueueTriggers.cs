using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Spheres.DevHost;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// For tests of queue-triggered functions: the settings that turn DevHost's queue triggers on and
/// make them quick, and waits on what the triggers did (never on a time).
/// </summary>
public static class QueueTriggers
{
    /// <summary>
    /// Triggers on; host.json's values made quick: a failed message comes back at once, an idle queue
    /// is polled every 200 ms, a message's lease is 5 s. Pass to <see cref="TestHost.StartAsync"/>.
    /// </summary>
    public static Dictionary<string, string?> On() => new()
    {
        [FunctionQueues.EnabledSetting] = "on",
        [QueueHostOptions.OverrideSection + ":visibilityTimeout"] = "00:00:00",
        [QueueHostOptions.OverrideSection + ":maxPollingInterval"] = "00:00:00.200",
        [QueueHostOptions.OverrideSection + ":processingLease"] = "00:00:05",
    };

    /// <summary>
    /// <see cref="On"/> for the named queue functions only, every other one disabled: a host on the shared Azurite must not take
    /// the messages other tests read themselves.
    /// </summary>
    public static Dictionary<string, string?> Only(params string[] functions)
    {
        var settings = On();
        foreach (var other in FunctionDiscovery.QueueFunctions.Where(f => !functions.Contains(f.Name)))
        {
            settings[$"AzureWebJobs.{other.Name}.Disabled"] = "true";
        }
        return settings;
    }

    /// <summary>What the trigger of <paramref name="queue"/> has done so far (deliveries succeeded, failed, poisoned, in flight).</summary>
    public static QueueActivity Activity(this TestHost host, string queue) => host.Services.GetRequiredService<FunctionQueues>().Activity(queue);

    /// <summary>A queue message as the host hands it to a function (first delivery, inserted now), for tests that call a function themselves.</summary>
    public static Azure.Storage.Queues.Models.QueueMessage Delivered(string body, long dequeueCount = 1) =>
        Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage(Guid.NewGuid().ToString(), "pop", BinaryData.FromString(body), dequeueCount,
            insertedOn: DateTimeOffset.UtcNow);

    /// <summary>A base64 client of <paramref name="queue"/>, as the Functions runtime reads it.</summary>
    public static QueueClient Queue(string connectionString, string queue) =>
        new(connectionString, queue, new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });

    /// <summary>Waits (a minute at most, then fails saying what did not happen) until <paramref name="condition"/> holds.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition()) return;
            }
            catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException)
            {
                // storage away for a moment (outage tests): ask again
            }
            await Task.Delay(50);
        }
        Assert.Fail($"Within a minute, this did not happen: {what}");
    }

    /// <summary>Until the queue holds no message (visible or waiting) and its trigger runs none: everything put on it is done.</summary>
    public static Task IdleAsync(this TestHost host, string connectionString, string queue) => UntilAsync(async () =>
        host.Activity(queue).InFlight == 0 && (await Queue(connectionString, queue).GetPropertiesAsync()).Value.ApproximateMessagesCount == 0
        && host.Activity(queue).InFlight == 0, $"{queue} drained");
}
