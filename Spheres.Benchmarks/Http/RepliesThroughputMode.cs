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
using Spheres.Tests.Infrastructure;

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
        settings[SettingNames.LocalCredentialKey] = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        settings[SettingNames.TelegramApiBaseUrl] = telegram.BaseUrl;
        settings[SettingNames.PublicBaseUrl] = "https://spheres.bench";
        settings["Logging:LogLevel:Default"] = "Warning";
        settings[QueueHostOptions.OverrideSection + ":maxPollingInterval"] = "00:00:00.100";

        // Bots first, with the triggers off, so each phase starts from a full queue.
        var bots = new List<(string TenantId, int IntegrationId, string Token)>();
        settings[FunctionQueues.EnabledSetting] = "off";
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        await using (var setup = DevHostApplication.Create(["--urls", url], b => b.Configuration.AddInMemoryCollection(settings)))
        {
            await setup.StartAsync();
            using var client = new HttpClient { BaseAddress = new Uri(url) };
            for (var t = 0; t < options.Tenants; t++) bots.Add(await ConnectTelegramAsync(client));
            await setup.StopAsync();
        }
        settings[FunctionQueues.EnabledSetting] = "on";

        var queueOptions = new QueueClientOptions { MessageEncoding = QueueMessageEncoding.Base64 };
        var replyQueue = new QueueClient(azurite.ConnectionString, TableNames.AutoRepliesQueue, queueOptions);
        var bareQueue = new QueueClient(azurite.ConnectionString, "bench-bare-replies", queueOptions);
        await replyQueue.CreateIfNotExistsAsync();
        await bareQueue.CreateIfNotExistsAsync();
        var bareTable = new TableClient(azurite.ConnectionString, "BenchReplies");
        await bareTable.CreateIfNotExistsAsync();
        using var bareHttp = new HttpClient();

        report.WriteLine();
        report.WriteLine("| Round | Target  | Replies | Seconds | Replies/s | Failed deliveries |");
        report.WriteLine("|------:|---------|--------:|--------:|----------:|------------------:|");
        var rates = new List<(string Name, double Rate)>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            await FillAsync(replyQueue, bots, messages, $"r{round}d");
            var watch = Stopwatch.StartNew();
            var failed = 0;
            await using (var devHost = DevHostApplication.Create(["--urls", $"http://127.0.0.1:{AzuriteServer.FreePort()}"], b => b.Configuration.AddInMemoryCollection(settings)))
            {
                await devHost.StartAsync();
                var activity = devHost.Services.GetRequiredService<FunctionQueues>().Activity(TableNames.AutoRepliesQueue);
                while (activity.Succeeded < messages) await Task.Delay(5);
                watch.Stop();
                failed = activity.Failed;
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
        var ratio = rates.Where(r => r.Name == "devhost").Average(r => r.Rate) / rates.Where(r => r.Name == "bare").Average(r => r.Rate);
        report.WriteLine();
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"DevHost replies/s ÷ bare loop replies/s = {ratio:F3}; sendMessage calls seen: {sends} (expected {2 * messages * options.Rounds})"));
        return 0;
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

    /// <summary>The same work without the host: receive 16 at a time, insert row, ETag update, send, update, delete.</summary>
    private static async Task BareLoopAsync(QueueClient queue, TableClient table, HttpClient http, string telegramUrl,
        Dictionary<string, string> tokens, int count)
    {
        var done = 0;
        while (Volatile.Read(ref done) < count)
        {
            var batch = (await queue.ReceiveMessagesAsync(16, TimeSpan.FromMinutes(1))).Value;
            await Task.WhenAll(batch.Select(async message =>
            {
                using var body = JsonDocument.Parse(message.Body.ToString());
                var root = body.RootElement;
                var tenant = root.GetProperty("tenant_id").GetString()!;
                var row = new TableEntity(tenant, "r-" + root.GetProperty("message_id").GetString()) { ["Status"] = "Pending", ["Text"] = root.GetProperty("reply_text").GetString() };
                var added = await table.AddEntityAsync(row);
                row["Status"] = "Sending";
                var sending = await table.UpdateEntityAsync(row, added.Headers.ETag!.Value, TableUpdateMode.Replace);
                using var response = await http.PostAsJsonAsync($"{telegramUrl}/bot{tokens[tenant]}/sendMessage",
                    new { chat_id = long.Parse(root.GetProperty("sender").GetString()!, CultureInfo.InvariantCulture), text = row["Text"] });
                response.EnsureSuccessStatusCode();
                row["Status"] = "Sent";
                await table.UpdateEntityAsync(row, ETag.All, TableUpdateMode.Replace);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                Interlocked.Increment(ref done);
            }));
        }
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
