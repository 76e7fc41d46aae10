using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Spheres.Core.Configuration;
using Spheres.Core.Messaging;
using Spheres.Core.Storage;
using Spheres.DevHost;

namespace Spheres.Benchmarks.Http;

/// <summary>
/// Inbound messages per second through DevHost (a signed WhatsApp delivery each: verify, route, decide, store with the
/// counter and the conversation, enqueue, mark) beside, alternately in the same run, Azurite's rate of single-entity inserts
/// (64 partitions) and of a lone delivery's storage requests made directly (<see cref="LoneDeliveryStorageAsync"/>, one
/// partition per tenant like the app's); each round has new tenants and new partitions. A delivery that arrives alone makes
/// 3 storage requests, and a fourth (the embeddings queue) for these professional tenants (TelegramWebhookTests.A_warm_delivery_costs_three_storage_round_trips_and_a_fourth_with_analytics);
/// deliveries that arrive together are stored, queued for embedding and marked in one request per batch (MessageGroupCommit),
/// so only the agent queue send stays per message. Two more direct phases store the largest batches the load allows
/// (<see cref="BatchStorageAsync"/>): with the app's requests, and with only what the contracts ask for, which no pipeline on
/// this storage could pass. <c>--tenants</c> spreads the deliveries over several. DevHost's queue triggers are off: only the
/// intake is measured.
/// </summary>
public static class DeliveryThroughputMode
{
    private const string AppSecret = "benchmark-meta-app-secret";
    private const string GraphToken = "benchmark-graph-token";
    private const string Waba = "102290129340398";

    public static async Task<int> RunAsync(BenchOptions options)
    {
        var report = Console.Out;
        Console.SetOut(TextWriter.Null); // DevHost's request log would drown the report
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
        HttpThroughputMode.PrintMachine(report, $"deliveries: {options.Connections} concurrent senders to {options.Tenants} tenant(s), {options.WarmupSeconds} s warm-up + " +
            $"{options.Seconds} s measured per phase, {options.Rounds} rounds" +
            (options.AzuriteKeyedLookups ? "; Azurite finds entities by key (--azurite-keyed-lookups)" : ""), servesHere: true);
        using var interruption = new Interruption();
        await using var azurite = await AzuriteServer.StartAsync(keyedLookups: options.AzuriteKeyedLookups);
        // Activation asks Graph which numbers the token may use (the only source of a routing id); the fake lists each tenant's.
        await using var graph = await FakeGraph.StartAsync();
        var url = $"http://127.0.0.1:{AzuriteServer.FreePort()}";
        var settings = HttpThroughputMode.DevHostSettings(azurite.ConnectionString).ToDictionary(s => s.Key, s => (string?)s.Value);
        settings[SettingNames.MetaAppSecret] = AppSecret;
        settings[SettingNames.MetaGraphApiBaseUrl] = graph.BaseUrl;
        settings["Logging:LogLevel:Default"] = "Warning";
        // Intake only: the queue triggers would embed every professional tenant's message (the ONNX model) on the same cores.
        settings[FunctionQueues.EnabledSetting] = "off";
        await using var devHost = DevHostApplication.Create(["--urls", url], builder => builder.Configuration.AddInMemoryCollection(settings), readLocalSettings: false, readEnvironment: false);
        await devHost.StartAsync();
        using var client = LoadGenerator.CreateClient(options.Connections);
        client.BaseAddress = new Uri(url);
        // New tenants (and new partitions for the direct phases) every round: rounds do the same work, a tenant stays under its
        // plan's 10,000 messages a month, and Azurite's per-partition cost (see LoneDeliveryStorageAsync) starts afresh.
        var phoneNumberIds = new List<string>();
        var round = 0;

        var table = new TableClient(azurite.ConnectionString, "BenchmarkInserts");
        await table.CreateIfNotExistsAsync();
        var sends = new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, "benchmark-sends");
        await sends.CreateIfNotExistsAsync();
        long sequence = 0, delivered = 0;
        // The largest batch this load can gather: each sender waits for its answer, so a tenant has at most this many messages waiting.
        var batch = Math.Clamp(options.Connections / options.Tenants, 1, MessageGroupCommit.MaxBatch);
        // Each target's operation stands for this many deliveries (the batched phases store a whole batch in one).
        var targets = new (string Name, int Deliveries, Func<Task<bool>> Once)[]
        {
            ("deliveries", 1, async () =>
            {
                var n = Interlocked.Increment(ref sequence);
                using var response = await client.SendAsync(Delivery(phoneNumberIds[(int)(n % phoneNumberIds.Count)], n));
                if (response.IsSuccessStatusCode) Interlocked.Increment(ref delivered);
                return response.IsSuccessStatusCode;
            }),
            ("inserts", 1, async () =>
            {
                var n = Interlocked.Increment(ref sequence);
                await table.AddEntityAsync(new TableEntity($"r{round}p{n % 64}", n.ToString(CultureInfo.InvariantCulture)) { ["Text"] = "Доброго дня! Запис на п’ятницю?" });
                return true;
            }),
            ("storage", 1, () =>
            {
                var n = Interlocked.Increment(ref sequence);
                return LoneDeliveryStorageAsync(table, sends, $"r{round}t{n % options.Tenants}", n);
            }),
            ("batched", batch, () =>
            {
                var n = Interlocked.Add(ref sequence, batch);
                return BatchStorageAsync(table, sends, $"r{round}b{n / batch % options.Tenants}", n, batch, asTheAppDoes: true);
            }),
            ("minimum", batch, () =>
            {
                var n = Interlocked.Add(ref sequence, batch);
                return BatchStorageAsync(table, sends, $"r{round}c{n / batch % options.Tenants}", n, batch, asTheAppDoes: false);
            }),
        };

        report.WriteLine();
        report.WriteLine("| Round | Target     | Operations | Errors |   Ops/s | p50 (ms) | p99 (ms) |");
        report.WriteLine("|------:|------------|-----------:|-------:|--------:|---------:|---------:|");
        var rates = new List<(string Name, double Rate)>();
        var failedPhases = new List<string>();
        for (round = 1; round <= options.Rounds; round++)
        {
            phoneNumberIds.Clear();
            for (var t = 0; t < options.Tenants; t++) phoneNumberIds.Add(await ConnectWhatsAppAsync(client, graph));
            foreach (var (name, deliveries, once) in targets)
            {
                await MeasureAsync(once, options.Connections, TimeSpan.FromSeconds(options.WarmupSeconds), interruption.Token);
                var (batches, errors, elapsed, p50, p99) = await MeasureAsync(once, options.Connections, TimeSpan.FromSeconds(options.Seconds), interruption.Token);
                if (interruption.Token.IsCancellationRequested) return 130;
                var operations = batches * deliveries;
                rates.Add((name, operations / elapsed.TotalSeconds));
                if (operations == 0 || errors > 0) failedPhases.Add($"round {round} {name}: {operations} done, {errors} failed");
                report.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"| {round,5} | {name,-10} | {operations,10} | {errors,6} | {operations / elapsed.TotalSeconds,7:F0} | {p50,8:F2} | {p99,8:F2} |"));
            }
        }
        double Rate(string name) => rates.Where(r => r.Name == name).Average(r => r.Rate);
        report.WriteLine();
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"deliveries/s ÷ Azurite single inserts/s = {Rate("deliveries") / Rate("inserts"):F3}; deliveries/s ÷ a lone delivery's storage requests/s = {Rate("deliveries") / Rate("storage"):F3}"));
        report.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"batches of {batch} with no app ÷ Azurite single inserts/s: the app's requests (batched) = {Rate("batched") / Rate("inserts"):F3}, the contracts' minimum = {Rate("minimum") / Rate("inserts"):F3}"));
        await devHost.StopAsync();
        // Every answered delivery was a routed, decided message: each one is waiting for the agent.
        var queued = (await new Azure.Storage.Queues.QueueClient(azurite.ConnectionString, TableNames.AgentRequestsQueue).GetPropertiesAsync()).Value.ApproximateMessagesCount;
        if (queued < delivered) failedPhases.Add($"{delivered} deliveries answered but {queued} messages queued for the agent");
        return Smoke.Check("deliveries", failedPhases.Count == 0, string.Join("; ", failedPhases));
    }

    /// <summary>
    /// The storage requests of one warm delivery that arrives alone, made directly (no HTTP server, no app): a 6-row
    /// entity-group transaction (identity, message, counter, conversation, its list and timeline rows), the embeddings and agent
    /// queue sends, the mark, in as many partitions as the deliveries have tenants. What a pipeline bound only by storage would
    /// reach without group commit.
    /// </summary>
    /// <param name="partition">One per tenant, as the app keeps them: Azurite slows as a partition grows.</param>
    private static async Task<bool> LoneDeliveryStorageAsync(TableClient table, Azure.Storage.Queues.QueueClient sends, string partition, long n)
    {
        var key = n.ToString("D19", CultureInfo.InvariantCulture);
        TableEntity Row(string prefix) => new(partition, prefix + key) { ["Text"] = "Доброго дня! Запис на п’ятницю?", ["At"] = DateTimeOffset.UtcNow };
        await table.SubmitTransactionAsync([
            new(TableTransactionActionType.Add, Row("id-")), new(TableTransactionActionType.Add, Row("m-")),
            new(TableTransactionActionType.UpsertReplace, Row("usage-")), new(TableTransactionActionType.UpsertReplace, Row("c-")),
            new(TableTransactionActionType.UpsertReplace, Row("a-")), new(TableTransactionActionType.Add, Row("t-")),
        ]);
        await sends.SendMessageAsync("{\"kind\":\"message\"}");
        await sends.SendMessageAsync("{\"text\":\"Доброго дня! Запис на п’ятницю?\"}");
        await table.UpdateEntityAsync(new TableEntity(partition, "m-" + key) { ["Enqueued"] = true }, Azure.ETag.All, TableUpdateMode.Merge);
        return true;
    }

    /// <summary>
    /// The storage requests of a batch of <paramref name="size"/> deliveries of one customer (the most the load can gather for a
    /// tenant, at most <see cref="MessageGroupCommit.MaxBatch"/>), made directly (no HTTP server, no app): what a pipeline that cost
    /// nothing and always found that batch waiting would reach.
    /// <para>With <paramref name="asTheAppDoes"/>, the app's requests: one entity-group transaction (identity, message and timeline
    /// rows each; the counter, the conversation and its list row once; the list row is an upsert here where the app moves it, one
    /// row fewer), one embeddings send, an agent queue send each, the mark (one transaction for two or more). Without it, only
    /// what the contracts ask for: identity and message rows with the counter in one transaction (insert-if-absent, counted when
    /// stored), and each message queued for the agent (one queue message each, API.md); no inbox, no analytics, no mark.</para>
    /// </summary>
    private static async Task<bool> BatchStorageAsync(TableClient table, Azure.Storage.Queues.QueueClient sends, string partition, long last,
        int size, bool asTheAppDoes)
    {
        var keys = Enumerable.Range(0, size).Select(i => (last - i).ToString("D19", CultureInfo.InvariantCulture)).ToList();
        TableEntity Row(string key) => new(partition, key) { ["Text"] = "Доброго дня! Запис на п’ятницю?", ["At"] = DateTimeOffset.UtcNow };
        var rowsEach = asTheAppDoes ? new[] { "id-", "m-", "t-" } : ["id-", "m-"];
        var onceEach = asTheAppDoes ? new[] { "usage", "c", "a" } : ["usage"];
        var store = keys.SelectMany(key => rowsEach.Select(prefix => new TableTransactionAction(TableTransactionActionType.Add, Row(prefix + key))))
            .Concat(onceEach.Select(key => new TableTransactionAction(TableTransactionActionType.UpsertReplace, Row(key)))).ToList();
        await table.SubmitTransactionAsync(store);
        if (asTheAppDoes) await sends.SendMessageAsync("{\"kind\":\"message\"}");
        await Task.WhenAll(keys.Select(_ => sends.SendMessageAsync("{\"text\":\"Доброго дня! Запис на п’ятницю?\"}")));
        if (asTheAppDoes)
        {
            var marks = keys.Select(key => new TableEntity(partition, "m-" + key) { ["Enqueued"] = true }).ToList();
            // As MessageStore marks them: a lone message with a plain merge, a batch in one transaction.
            if (marks.Count == 1) await table.UpdateEntityAsync(marks[0], Azure.ETag.All, TableUpdateMode.Merge);
            else await table.SubmitTransactionAsync(marks.Select(mark => new TableTransactionAction(TableTransactionActionType.UpdateMerge, mark, Azure.ETag.All)).ToList());
        }
        return true;
    }

    /// <summary>A professional tenant with an active WhatsApp number, through the public API.</summary>
    private static async Task<string> ConnectWhatsAppAsync(HttpClient client, FakeGraph graph)
    {
        var email = $"bench-{Guid.NewGuid():N}@example.com";
        var registered = await (await client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = "benchmark-password", name = "Bench", business_name = "Bench Salon", sphere_slug = "beauty", country = "UA",
        })).EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonElement>();
        var token = registered.GetProperty("access_token").GetString();
        var tenantId = registered.GetProperty("profile").GetProperty("tenant_id").GetString();
        var plan = new HttpRequestMessage(HttpMethod.Put, $"/api/admin/tenants/{tenantId}/plan/") { Content = JsonContent.Create(new { plan = "professional" }) };
        plan.Headers.Add("x-functions-key", HttpThroughputMode.FunctionKey);
        (await client.SendAsync(plan)).EnsureSuccessStatusCode();

        var phoneNumberId = Random.Shared.NextInt64(100_000_000_000, 999_999_999_999).ToString(CultureInfo.InvariantCulture);
        graph.ListWhatsAppNumber(GraphToken, Waba, phoneNumberId);
        var create = new HttpRequestMessage(HttpMethod.Post, "/api/integrations/api/")
        {
            Content = JsonContent.Create(new { integration_type_slug = "whatsapp", settings = new { waba_id = Waba, phone_number_id = phoneNumberId }, credentials = new { access_token = GraphToken } }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var integration = await (await SucceededAsync(await client.SendAsync(create))).Content.ReadFromJsonAsync<JsonElement>();
        var activate = new HttpRequestMessage(HttpMethod.Post, $"/api/integrations/api/{integration.GetProperty("id").GetInt32()}/activate/");
        activate.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        await SucceededAsync(await client.SendAsync(activate));
        return phoneNumberId;
    }

    /// <summary>A failed setup step says why (the problem's body), not only its status.</summary>
    private static async Task<HttpResponseMessage> SucceededAsync(HttpResponseMessage response) => response.IsSuccessStatusCode ? response
        : throw new InvalidOperationException($"{response.RequestMessage?.RequestUri?.AbsolutePath} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");

    private static HttpRequestMessage Delivery(string phoneNumberId, long n)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(new
        {
            @object = "whatsapp_business_account",
            entry = new[] { new { id = "WABA", changes = new[] { new { field = "messages", value = new
            {
                messaging_product = "whatsapp",
                metadata = new { display_phone_number = "380441234567", phone_number_id = phoneNumberId },
                messages = new[] { new { from = "380671112233", id = $"wamid.bench{n}", timestamp = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), type = "text", text = new { body = "Доброго дня! Запис на п’ятницю?" } } },
            } } } } },
        });
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/webhooks/meta/") { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Add("X-Hub-Signature-256", "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(AppSecret), body)));
        return request;
    }

    /// <summary>N closed-loop workers for a bounded time; latencies by nearest rank.</summary>
    private static async Task<(long Operations, long Errors, TimeSpan Elapsed, double P50, double P99)> MeasureAsync(
        Func<Task<bool>> once, int workers, TimeSpan duration, CancellationToken cancellationToken)
    {
        long operations = 0, errors = 0;
        var latencies = new List<double>[workers];
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, workers).Select(async index =>
        {
            var mine = latencies[index] = [];
            while (watch.Elapsed < duration && !cancellationToken.IsCancellationRequested && Interlocked.Read(ref errors) < 1_000)
            {
                var started = Stopwatch.GetTimestamp();
                bool ok;
                try { ok = await once(); }
                catch (Exception e) when (e is HttpRequestException or Azure.RequestFailedException or TaskCanceledException) { ok = false; }
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                Interlocked.Increment(ref ok ? ref operations : ref errors);
            }
        }));
        var elapsed = watch.Elapsed;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? 0 : all[Math.Min(all.Length - 1, (int)Math.Ceiling(p * all.Length) - 1)];
        return (operations, errors, elapsed, Percentile(0.50), Percentile(0.99));
    }
}
