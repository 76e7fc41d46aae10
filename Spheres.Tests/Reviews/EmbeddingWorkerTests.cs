using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Embeddings;
using Spheres.Core.Storage;
using Spheres.Functions.Embeddings;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;

namespace Spheres.Tests.Reviews;

/// <summary>
/// The embeddings queue function on its own Azurite (the webhook fixture's): redelivery changes
/// nothing, a model change re-embeds in the background, and inbound messages are embedded too.
/// </summary>
public sealed class EmbeddingWorkerTests(WebhookFixture fixture) : IClassFixture<WebhookFixture>
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task A_redelivered_queue_message_changes_nothing_the_second_time()
    {
        var tenant = await Host.RegisterAsync(plan: "professional");
        var id = (await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "Чекали годину", rating = 2 })))
            .JsonAsync(HttpStatusCode.Created)).GetProperty("id").GetString()!;
        var message = (await ReceiveEmbeddingMessagesAsync()).Single(m => m.Contains(id, StringComparison.Ordinal));
        var worker = Host.Services.GetRequiredService<EmbeddingWorker>();
        var request = EmbeddingRequest.TryParse(BinaryData.FromString(message))!;

        Assert.Equal(1, await worker.HandleAsync(request, CancellationToken.None));
        var first = await ReviewRowAsync(tenant.TenantId, id);
        Assert.Equal(0, await worker.HandleAsync(request, CancellationToken.None));
        var second = await ReviewRowAsync(tenant.TenantId, id);
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal("local:" + LocalEmbeddingGenerator.ModelId, second.GetString("VectorModel"));
        Assert.Equal(LocalEmbeddingGenerator.Dimensions * 2, second.GetBinary("Vector").Length);
        Assert.Equal("negative", second.GetString("Sentiment"));
    }

    [Fact]
    public async Task A_malformed_queue_message_is_dropped_without_an_error()
    {
        var function = ActivatorUtilities.CreateInstance<EmbeddingFunctions>(Host.Services);
        foreach (var junk in new[] { "not json", "{\"kind\":\"review\",\"tenant_id\":\"t\",\"ids\":[]}", "{\"kind\":\"x\",\"tenant_id\":\"t\",\"ids\":[\"1\"]}" })
        {
            await function.Embed(QueueTriggers.Delivered(junk), CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_model_change_re_embeds_stored_reviews_and_recent_messages_in_the_background()
    {
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "Ціни завищені" }))).JsonAsync(HttpStatusCode.Created);
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(990_100, 5, "Чи є вільні місця на суботу?", fixture.Clock.GetUtcNow()))));
        await ReviewFixture.WaitAnalysedAsync(Host, tenant);
        var messageKey = await MessageRowKeyAsync(tenant.TenantId);

        // Three minutes on: the rows are past the grace period the refresh leaves to their own queue messages.
        var later = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.UtcNow.AddMinutes(3));
        await using var changed = await TestHost.StartAsync(fixture.Azurite.ConnectionString, services: s =>
        {
            s.Replace(ServiceDescriptor.Singleton<IEmbeddingGenerator<string, Embedding<float>>>(new RenamedModel()));
            s.Replace(ServiceDescriptor.Singleton<TimeProvider>(later));
        });
        // Vectors of another model are never compared: until re-embedded, the new model finds nothing.
        Assert.Empty((await changed.GetJsonAsync(tenant, "/api/reviews/search/?q=ціни")).EnumerateArray());

        Assert.True(await changed.Services.GetRequiredService<EmbeddingRefresh>().RunAsync(CancellationToken.None) >= 2);
        await ReviewFixture.DrainEmbeddingsAsync(changed);
        var hits = await changed.GetJsonAsync(tenant, "/api/reviews/search/?q=ціни");
        Assert.Equal("Ціни завищені", hits[0].GetProperty("review").GetProperty("text").GetString());
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, CancellationToken.None);
        Assert.Equal("local:renamed-for-test", (await table.GetEntityAsync<TableEntity>(tenant.TenantId, messageKey)).Value.GetString("VectorModel"));
        Assert.Equal(0, await changed.Services.GetRequiredService<EmbeddingRefresh>().RunAsync(CancellationToken.None));
    }

    private async Task<string> MessageRowKeyAsync(string tenantId)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, CancellationToken.None);
        await foreach (var row in table.QueryAsync<TableEntity>($"PartitionKey eq '{tenantId}' and RowKey ge 'm-' and RowKey lt 'm.'")) return row.RowKey;
        throw new InvalidOperationException("no message stored");
    }

    [Fact]
    public async Task Inbound_messages_of_a_professional_tenant_are_queued_for_embedding_and_get_a_vector_others_are_not()
    {
        var (starter, _, starterUrl, starterSecret) = await fixture.ActiveTelegramAsync(plan: "starter");
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(starterUrl, starterSecret,
            Deliveries.TelegramUpdate(990_002, 2, "Скільки коштує педикюр?", fixture.Clock.GetUtcNow()))));
        var (tenant, _, url, secret) = await fixture.ActiveTelegramAsync(plan: "professional");
        await WebhookFixture.OkAsync(await Host.Client.SendAsync(Deliveries.Telegram(url, secret,
            Deliveries.TelegramUpdate(990_001, 1, "Скільки коштує манікюр?", fixture.Clock.GetUtcNow()))));

        var queued = (await ReceiveEmbeddingMessagesAsync()).Select(m => EmbeddingRequest.TryParse(BinaryData.FromString(m))!).ToList();
        Assert.DoesNotContain(queued, r => r.TenantId == starter.TenantId); // analytics (and so message vectors) is professional only
        var worker = Host.Services.GetRequiredService<EmbeddingWorker>();
        Assert.Equal(0, await worker.HandleAsync(new EmbeddingRequest(EmbeddingRequest.Message, starter.TenantId, [await MessageRowKeyAsync(starter.TenantId)]),
            CancellationToken.None)); // nor embedded if a queue message names it anyway
        var messages = queued.Where(r => r.TenantId == tenant.TenantId).ToList();
        var request = Assert.Single(messages);
        Assert.Equal(EmbeddingRequest.Message, request.Kind);
        Assert.Equal(1, await worker.HandleAsync(request, CancellationToken.None));

        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Messages, CancellationToken.None);
        var row = (await table.GetEntityAsync<TableEntity>(tenant.TenantId, request.Ids[0])).Value;
        Assert.Equal("Скільки коштує манікюр?", row.GetString("Text"));
        Assert.Equal("local:" + LocalEmbeddingGenerator.ModelId, row.GetString("VectorModel"));
        Assert.Equal(LocalEmbeddingGenerator.Dimensions * 2, row.GetBinary("Vector").Length);

        // New vectors make the tenant's cached analytics stale; so does a redelivery (the first touch may have failed).
        var cache = Host.Services.GetRequiredService<Spheres.Core.Analytics.AnalyticsCache>();
        var stamp = await cache.StampAsync(tenant.TenantId, CancellationToken.None);
        Assert.NotEqual("none", stamp);
        Assert.Equal(0, await worker.HandleAsync(request, CancellationToken.None));
        Assert.NotEqual(stamp, await cache.StampAsync(tenant.TenantId, CancellationToken.None));
    }

    private async Task<List<string>> ReceiveEmbeddingMessagesAsync()
    {
        var queue = await Host.Services.GetRequiredService<SpheresStorage>().QueueAsync(TableNames.EmbeddingsQueue, CancellationToken.None);
        var all = new List<string>();
        while ((await queue.ReceiveMessagesAsync(32, TimeSpan.FromMinutes(5))).Value is { Length: > 0 } batch)
        {
            all.AddRange(batch.Select(m => m.Body.ToString()));
        }
        return all;
    }

    private async Task<TableEntity> ReviewRowAsync(string tenantId, string id)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Reviews, CancellationToken.None);
        return (await table.GetEntityAsync<TableEntity>(tenantId, "r-" + id)).Value;
    }

    /// <summary>The local model under another id: what a deployment sees after changing the configured model.</summary>
    private sealed class RenamedModel : IEmbeddingGenerator<string, Embedding<float>>
    {
        private readonly LocalEmbeddingGenerator _inner = new();
        private readonly EmbeddingGeneratorMetadata _metadata = new("local", null, "renamed-for-test");

        public Task<GeneratedEmbeddings<Embedding<float>>> GenerateAsync(
            IEnumerable<string> values, EmbeddingGenerationOptions? options = null, CancellationToken cancellationToken = default) =>
            _inner.GenerateAsync(values, options, cancellationToken);

        public object? GetService(Type serviceType, object? serviceKey = null) =>
            serviceType == typeof(EmbeddingGeneratorMetadata) ? _metadata : null;

        public void Dispose() => _inner.Dispose();
    }
}
