using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Storage;
using Spheres.Functions.Embeddings;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

/// <summary>
/// One DevHost over the shared Azurite for the review tests, and the embeddings queue worked the way
/// the Functions host works it: real queue messages are received from Azurite, handed to the queue
/// function's method, and deleted when it returns. The ONNX model is loaded once per test run.
/// </summary>
public sealed class ReviewFixture : IAsyncLifetime
{
    public TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync() => Host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await Host.DisposeAsync();

    public Task<TenantSession> ProfessionalAsync() => Host.RegisterAsync(plan: "professional");

    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Lazy<Task<TenantSession>>> _shared = new();

    /// <summary>A professional tenant set up once per test run under <paramref name="name"/> (theory cases that only read share it).</summary>
    public Task<TenantSession> SharedAsync(string name, Func<TenantSession, Task> setUp) =>
        _shared.GetOrAdd(name, _ => new Lazy<Task<TenantSession>>(async () =>
        {
            var tenant = await ProfessionalAsync();
            await setUp(tenant);
            return tenant;
        })).Value;

    /// <summary>Runs the embeddings queue function on every message now in the queue; returns how many it handled.</summary>
    public static async Task<int> DrainEmbeddingsAsync(TestHost host)
    {
        var queue = await host.Services.GetRequiredService<SpheresStorage>().QueueAsync(TableNames.EmbeddingsQueue, CancellationToken.None);
        var function = ActivatorUtilities.CreateInstance<EmbeddingFunctions>(host.Services);
        var handled = 0;
        while (true)
        {
            var batch = (await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(1))).Value;
            if (batch.Length == 0) return handled;
            foreach (var message in batch)
            {
                await function.Embed(message, CancellationToken.None);
                await queue.DeleteMessageAsync(message.MessageId, message.PopReceipt);
                handled++;
            }
        }
    }

    public Task<int> DrainEmbeddingsAsync() => DrainEmbeddingsAsync(Host);

    /// <summary>
    /// Works the queue until every review of the tenant is analysed. Other test classes' hosts share
    /// the queue and may take a message first (they analyse it just as well), so this waits for the
    /// outcome rather than counting its own deliveries.
    /// </summary>
    public static async Task WaitAnalysedAsync(TestHost host, TenantSession tenant)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            await DrainEmbeddingsAsync(host);
            var page = await host.GetJsonAsync(tenant, "/api/reviews/?limit=200");
            if (page.GetProperty("results").EnumerateArray().All(r => r.GetProperty("sentiment").ValueKind != JsonValueKind.Null)) return;
            Assert.True(DateTime.UtcNow < deadline, "reviews were not analysed within a minute");
            await Task.Delay(200);
        }
    }

    public Task WaitAnalysedAsync(TenantSession tenant) => WaitAnalysedAsync(Host, tenant);

    public async Task<JsonElement> CreateAsync(TenantSession tenant, object review, HttpStatusCode expected = HttpStatusCode.Created) =>
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", review))).JsonAsync(expected);

    public async Task<JsonElement> ImportJsonAsync(TenantSession tenant, object rows)
    {
        var request = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
        request.Content = JsonContent.Create(rows);
        return await (await Host.Client.SendAsync(request)).JsonAsync();
    }

    public async Task<HttpResponseMessage> ImportCsvAsync(TenantSession tenant, string csv)
    {
        var request = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
        request.Content = new StringContent(csv, System.Text.Encoding.UTF8, "text/csv");
        return await Host.Client.SendAsync(request);
    }

    public async Task<List<JsonElement>> ListAllAsync(TenantSession tenant, string query = "")
    {
        var all = new List<JsonElement>();
        string? next = "/api/reviews/" + query;
        for (var pages = 0; next is not null && pages < 50; pages++)
        {
            var page = await Host.GetJsonAsync(tenant, next);
            all.AddRange(page.GetProperty("results").EnumerateArray());
            next = page.GetProperty("next").GetString();
        }
        return all;
    }
}
