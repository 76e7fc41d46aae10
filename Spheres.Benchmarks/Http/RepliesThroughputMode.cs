using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.DevHost;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// Replies per second through DevHost's queue trigger (SendAutoReply: reply row inserted, moved to
/// sending with its ETag, Telegram sendMessage to a fake that answers at once, row marked sent,
/// queue message deleted) beside a bare loop doing the same storage and HTTP operations with no
/// host, function, DI or sender logic, alternately in the same run. Each phase drains <c>--messages</c>
/// messages put on its queue beforehand; DevHost is started for its phase (its warm-up is in the figure).
/// Replies are quota_exceeded ones over <c>--tenants</c> bots, each to its own chat, so Telegram's
/// per-chat and per-bot limits are not what is measured.
/// </summary>
public static class RepliesThroughputMode
{
    /// <summary>A phase that takes longer than this is reported as stuck rather than waited for.</summary>
    private static readonly TimeSpan PhaseLimit = TimeSpan.FromMinutes(5);

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var report = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            return await RunAsync(options, report);
        }
        finally
        {
            Console.SetOut(report);
        }
    }

    private static async Task<int> RunAsync(BenchOptions options, TextWriter report)
    {
        var messages = options.Messages;
        HttpThroughputMode.PrintMachine(report, $"replies: {messages} queued replies per phase over {options.Tenants} bots, {options.Rounds} rounds", servesHere: true);
        await using var azurite = await AzuriteServer.StartAsync();
        await using var telegram = await FakeTelegram.StartAsync();
        var settings = HttpThroughputMode.DevHostSettings(azurite.ConnectionString).ToDictionary(s => s.Key, s => (string?)s.Value);
        settings[SettingNames.TelegramApiBaseUrl] = telegram.BaseUrl;
        settings[SettingNames.PublicBaseUrl] = "https://spheres.bench";
        settings["Logging:LogLevel:Default"] = "Warning";
        settings[QueueHostOptions.OverrideSection + ":maxPollingInterval"] = "00:00:00.100";

        // Bots first, with the triggers off, so each phase starts from a full queue.
        var bots = new List<(string TenantId, int IntegrationId, string Token)>();
        settings[FunctionQueues.EnabledSetting] = "off";
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        await using (var setup = DevHostApplication.Create(["--urls", url], b => b.Configuration.AddInMemoryCollection(settings), readLocalSettings: false, readEnvironment: false))
        {
            await setup.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            for (var t = 0; t < options.Tenants; t++) bots.Add(await ConnectTelegramAsync(client));
            await setup.StopAsync();
        }
        settings[FunctionQueues.EnabledSetting] = "on";

        // The retry and timeout settings the app's own clients use (SpheresStorage), so neither side waits 100 s on a dropped request.
        var queueOptions = Quick(new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 });
        var replyQueue = new QueueClient(azurite.ConnectionString, TableNames.AutoRepliesQueue, queueOptions);
        var bareQueue = new QueueClient(azurite.ConnectionString, "bench-bare-replies", queueOptions);
        await replyQueue.CreateIfNotExistsAsync();
        await bareQueue.CreateIfNotExistsAsync();
        var bareTable = new TableClient(azurite.ConnectionString, "BenchReplies", Quick(new TableClientOptions()));
        await bareTable.CreateIfNotExistsAsync();
        using var bareHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) }; // as the Telegram channel's

        report.WriteLine();
        report.WriteLine("| Round | Target  | Replies | Seconds | Replies/s | Failed deliveries |");
        report.WriteLine("|------:|---------|--------:|--------:|----------:|------------------:|");
        var rates = new List<(string Name, double Rate)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            await FillAsync(replyQueue, bots, messages, $"r{round}d");
            var sentBefore = telegram.Calls.Count;
            var watch = Stopwatch.StartNew();
            var failed = 0;
            await using (var devHost = DevHostApplication.Create(["--urls", $"http://127.0.0.1:{AzuriteServer.FreePort()}"], b => b.Configuration.AddInMemoryCollection(settings), readLocalSettings: false, readEnvironment: false))
            {
                await devHost.StartAsync();
                var activity = devHost.Services.GetRequiredService<FunctionQueues>().Activity(TableNames.AutoRepliesQueue);
                // Done when Telegram has every reply (a deferred message is two deliveries for one reply).
                while (telegram.Calls.Count < sentBefore + messages && watch.Elapsed < PhaseLimit) await Task.Delay(10);
                watch.Stop();
                failed = activity.Failed;
                if (watch.Elapsed >= PhaseLimit) throw new TimeoutException($"DevHost sent {telegram.Calls.Count - sentBefore} of {messages} replies in {PhaseLimit}.");
                await devHost.StopAsync();
            }
            Record("devhost", watch.Elapsed, failed);

            await FillAsync(bareQueue, bots, messages, $"r{round}b");
            watch.Restart();
            await BareLoopAsync(bareQueue, bareTable, bareHttp, telegram.BaseUrl, bots.ToDictionary(b => b.TenantId, b => b.Token), messages);
            Record("bare", watch.Elapsed, 0);

            void Record(string name, TimeSpan elapsed, int failedDeliveries)
            {
                rates.Add((name, messages / elapsed.TotalSeconds));
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round,5} | {name,-7} | {messages,7} | {elapsed.TotalSeconds,7:F2} | {messages / elapsed.TotalSeconds,9:F0} | {failedDeliveries,17} |"));
            }
        }
        var sends = telegram.CallsOf("sendMessage").Count();
        // Medians: on a shared machine one phase now and then stalls behind other processes.
        static double Median(IEnumerable<double> values) { var v = values.Order().ToArray(); return v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2; }
        var ratio = Median(rates.Where(r => r.Name == "devhost").Select(r => r.Rate)) / Median(rates.Where(r => r.Name == "bare").Select(r => r.Rate));
        report.WriteLine();
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"median DevHost replies/s ÷ median bare loop replies/s = {ratio:F3}; sendMessage calls seen: {sends} (expected {2 * messages * options.Rounds})"));
        return Smoke.Check("replies", sends == 2 * messages * options.Rounds, $"{sends} sendMessage calls for {2 * messages * options.Rounds} replies");
    }

    private static T Quick<T>(T options) where T : Azure.Core.ClientOptions
    {
        options.Retry.MaxRetries = 2;
        options.Retry.Delay = TimeSpan.FromMilliseconds(200);
        options.Retry.MaxDelay = TimeSpan.FromSeconds(2);
        options.Retry.NetworkTimeout = TimeSpan.FromSeconds(10);
        return options;
    }

    /// <summary>The queue messages the pipeline would write for quota_exceeded replies, one chat each.</summary>
    private static async Task FillAsync(QueueClient queue, List<(string TenantId, int IntegrationId, string Token)> bots, int count, string prefix)
    {
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 32 }, async (n, ct) =>
        {
            var bot = bots[n % bots.Count];
            await queue.SendMessageAsync(JsonSerializer.Serialize(new
            {
                message_id = $"{prefix}{n}", tenant_id = bot.TenantId, integration_id = bot.IntegrationId, provider = "telegram",
                sender = (1_000_000 + n).ToString(CultureInfo.InvariantCulture), text = "Доброго дня!", decision = "quota_exceeded",
                reply_text = "Дякуємо за повідомлення! Bench Salon відповість вам особисто найближчим часом.", received_at = DateTimeOffset.UtcNow,
            }), ct);
        });
    }

    /// <summary>
    /// The same work without the host, with DevHost's concurrency (16 messages in flight, more fetched
    /// as slots free): receive, insert row, ETag update, send, update, delete.
    /// </summary>
    private static async Task BareLoopAsync(QueueClient queue, TableClient table, HttpClient http, string telegramUrl,
        Dictionary<string, string> tokens, int count)
    {
        const int slots = 16;
        var free = new SemaphoreSlim(slots, slots);
        var done = 0;
        var running = new List<Task>();
        var watch = Stopwatch.StartNew();
        while (Volatile.Read(ref done) < count)
        {
            if (watch.Elapsed >= PhaseLimit) throw new TimeoutException($"The bare loop sent {done} of {count} replies in {PhaseLimit}.");
            await free.WaitAsync();
            var take = 1;
            while (take < slots && free.Wait(0)) take++;
            var batch = (await queue.ReceiveMessagesAsync(take, TimeSpan.FromMinutes(10))).Value; // the lease DevHost takes too
            if (take > batch.Length) free.Release(take - batch.Length);
            if (batch.Length == 0) await Task.Delay(5);
            running.AddRange(batch.Select(async message =>
            {
                try
                {
                    await ReplyOnceAsync(message, queue, table, http, telegramUrl, tokens);
                    Interlocked.Increment(ref done);
                }
                catch (Exception e) when (e is Azure.RequestFailedException or HttpRequestException or TaskCanceledException)
                {
                    // As the host does with a failed message: visible again at once.
                    await queue.UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: TimeSpan.Zero);
                }
                finally
                {
                    free.Release();
                }
            }));
        }
        await Task.WhenAll(running);
    }

    private static async Task ReplyOnceAsync(Azure.Storage.Queues.Models.QueueMessage message, QueueClient queue, TableClient table, HttpClient http,
        string telegramUrl, Dictionary<string, string> tokens)
    {
        using var body = JsonDocument.Parse(message.Body.ToString());
        var root = body.RootElement;
        var tenant = root.GetProperty("tenant_id").GetString()!;
        var row = new TableEntity(tenant, "r-" + root.GetProperty("message_id").GetString()) { ["Status"] = "Pending", ["Text"] = root.GetProperty("reply_text").GetString() };
        ETag etag;
        try
        {
            etag = (await table.AddEntityAsync(row)).Headers.ETag!.Value;
        }
        catch (Azure.RequestFailedException e) when (e.Status == 409)
        {
            etag = (await table.GetEntityAsync<TableEntity>(row.PartitionKey, row.RowKey)).Value.ETag; // a retry: the row is there
        }
        row["Status"] = "Sending";
        await table.UpdateEntityAsync(row, etag, TableUpdateMode.Replace);
        using var response = await http.PostAsJsonAsync($"{telegramUrl}/bot{tokens[tenant]}/sendMessage",
            new { chat_id = long.Parse(root.GetProperty("sender").GetString()!, CultureInfo.InvariantCulture), text = row["Text"] });
        response.EnsureSuccessStatusCode();
        row["Status"] = "Sent";
        await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
        await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
    }

    private static async Task<(string TenantId, int IntegrationId, string Token)> ConnectTelegramAsync(HttpClient client)
    {
        var registered = await (await client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email = $"bench-{Guid.NewGuid():N}@example.com", password = "benchmark-password", name = "Bench", business_name = "Bench Salon",
            sphere_slug = "beauty", country = "UA",
        })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var accessToken = registered.GetProperty("access_token").GetString();
        var tenantId = registered.GetProperty("profile").GetProperty("tenant_id").GetString()!;
        var botToken = $"{Random.Shared.NextInt64(100_000_000, 9_999_999_999)}:AAE{Guid.NewGuid():N}{Guid.NewGuid():N}"[..46];
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/api/")
        {
            Content = JsonContent.Create(new { integration_type_slug = "telegram", credentials = new { bot_token = botToken } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        var integration = await (await client.SendAsync(create)).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var id = integration.GetProperty("id").GetInt32();
        var activate = new HttpRequestMessage(HttpMethod.Post, $"/api/integrations/api/{id}/activate/");
        activate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        (await client.SendAsync(activate)).EnsureSuccessStatusCode();
        return (tenantId, id, botToken);
    }
}
