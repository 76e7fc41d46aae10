using System.Net;
using System.Text.Json;
using Azure.Core;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Accounts;
using Spheres.Core.Messaging;
using Spheres.Core.Operations;
using Spheres.Tests.Infrastructure;
using Spheres.Tests.Webhooks;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.Operations;

/// <summary><c>GET /api/accounts/export/</c>: one JSON document of everything the tenant has, credentials excepted, streamed.</summary>
public sealed class AccountExportTests : IAsyncLifetime
{
    private readonly WebhookFixture _fx = new();

    public Task InitializeAsync() => _fx.InitializeAsync();

    public Task DisposeAsync() => _fx.DisposeAsync();

    [Fact]
    public async Task The_export_holds_everything_of_the_tenant_and_nothing_of_others_or_of_credentials()
    {
        var (tenant, id, url, secret) = await _fx.ActiveTelegramAsync(plan: "starter");
        await _fx.Host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00"), Row(6, "10:00", "14:00", enabled: false));
        var exception = tenant.Request(HttpMethod.Post, Exceptions(id), new { date = "2026-12-24", ranges = new[] { new { start_time = "10:00", end_time = "14:00" } }, name = "Eve" });
        await (await _fx.Host.Client.SendAsync(exception)).JsonAsync(HttpStatusCode.Created);
        for (var i = 1; i <= 3; i++)
        {
            var update = Deliveries.TelegramUpdate(Random.Shared.NextInt64(1, 1_000_000_000), 77, $"Чи можна записатися {i}?", _fx.Clock.GetUtcNow());
            await WebhookFixture.OkAsync(await _fx.Host.Client.SendAsync(Deliveries.Telegram(url, secret, update)));
        }
        var other = await _fx.ActiveTelegramAsync(plan: "starter");
        var otherUpdate = Deliveries.TelegramUpdate(Random.Shared.NextInt64(1, 1_000_000_000), 78, "someone else's message", _fx.Clock.GetUtcNow());
        await WebhookFixture.OkAsync(await _fx.Host.Client.SendAsync(Deliveries.Telegram(other.WebhookUrl, other.Secret, otherUpdate)));

        var response = await _fx.Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/accounts/export/"), HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsStringAsync(); // SecretSentinel scans it for the bot token too
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        var export = JsonDocument.Parse(body).RootElement;

        Assert.Equal("spheres-export/1", export.GetProperty("format").GetString());
        Assert.Equal(tenant.TenantId, export.GetProperty("profile").GetProperty("tenant_id").GetString());
        Assert.Equal(tenant.Email, export.GetProperty("user").GetProperty("email").GetString());
        var integration = export.GetProperty("integrations").EnumerateArray().Single();
        Assert.Equal("telegram", integration.GetProperty("integration_type_slug").GetString());
        Assert.True(integration.GetProperty("has_credentials").GetBoolean());
        Assert.DoesNotContain("-" + tenant.TenantId + "-", body); // no vault reference either
        Assert.Equal(["0 09:00-18:00 True", "6 10:00-14:00 False"], export.GetProperty("working_hours").EnumerateArray().Select(r =>
            $"{r.GetProperty("weekday").GetInt32()} {r.GetProperty("start_time").GetString()}-{r.GetProperty("end_time").GetString()} {r.GetProperty("is_enabled").GetBoolean()}"));
        var eve = export.GetProperty("working_hours_exceptions").EnumerateArray().Single();
        Assert.Equal("2026-12-24", eve.GetProperty("date").GetString());
        Assert.Equal("14:00", eve.GetProperty("ranges")[0].GetProperty("end_time").GetString());
        Assert.Equal(["Чи можна записатися 1?", "Чи можна записатися 2?", "Чи можна записатися 3?"],
            export.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("text").GetString()).Order());
        Assert.DoesNotContain("someone else's message", body);
        Assert.DoesNotContain(other.Tenant.TenantId, body);

        await (await _fx.Host.Client.GetAsync("/api/accounts/export/")).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Messages_are_written_out_page_by_page_as_they_are_read()
    {
        const int pageSize = 100, messageCount = 450;
        var tenant = await _fx.Host.RegisterAsync();
        var store = _fx.Host.Services.GetRequiredService<MessageStore>();
        var start = _fx.Clock.GetUtcNow();
        await Parallel.ForEachAsync(Enumerable.Range(0, messageCount), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
            await store.TryStoreAsync(new InboundMessage(tenant.TenantId, 1, i.ToString("x24"), "telegram", $"update-{i}", "77", new string('x', 200),
                start.AddSeconds(i), start.AddSeconds(i), MessageDecision.Inactive, null, true, default), null, ct));

        var export = ActivatorUtilities.CreateInstance<AccountExport>(_fx.Host.Services, new ExportOptions { PageSize = pageSize });
        var (profile, user) = await export.PrepareAsync(new Caller(tenant.TenantId, tenant.UserId), default);
        var output = new CountingStream();
        var bytesWhenPageRead = new List<long>();
        // Observes (never fails) each read of a page of messages (the conversations share their table): how much of the document had left by then.
        _fx.Host.StorageFaults.FailWhen(m =>
        {
            if (m.Request.Method == RequestMethod.Get && StorageFaults.IsTable(m, "Messages")
                && Uri.UnescapeDataString(m.Request.Uri.Query).Contains("RowKey lt 'm.'", StringComparison.Ordinal)) lock (bytesWhenPageRead) bytesWhenPageRead.Add(output.Written);
            return false;
        });
        await using (var json = new Utf8JsonWriter(output))
        {
            await export.WriteAsync(profile, user, json, default);
        }
        _fx.Host.StorageFaults.Heal();

        Assert.Equal((messageCount + pageSize - 1) / pageSize, bytesWhenPageRead.Count);
        // Each page was on its way out before the next was read: the output grew by about a page between reads.
        for (var page = 1; page < bytesWhenPageRead.Count; page++)
        {
            Assert.True(bytesWhenPageRead[page] - bytesWhenPageRead[page - 1] >= pageSize * 200,
                $"page {page}: {bytesWhenPageRead[page - 1]} then {bytesWhenPageRead[page]} bytes written when it was read");
        }
        Assert.True(output.Written > messageCount * 200);
    }

    [Fact]
    public async Task On_a_new_storage_account_every_section_is_there_empty()
    {
        // Its own Azurite: on the shared one some test has already created the tables written on first use (Reviews, ...).
        await using var azurite = await AzuriteServer.StartAsync();
        await using var host = await TestHost.StartAsync(azurite.ConnectionString);
        var tenant = await host.RegisterAsync();

        var export = await (await host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/accounts/export/"))).JsonAsync();

        foreach (var section in new[] { "integrations", "working_hours", "working_hours_exceptions", "messages", "integration_events", "reviews", "conversations", "human_replies" })
        {
            Assert.True(export.TryGetProperty(section, out var rows), $"no {section} in the export");
            Assert.Equal(JsonValueKind.Array, rows.ValueKind);
            Assert.Equal(0, rows.GetArrayLength());
        }
    }

    /// <summary>A sink that only counts what is written to it.</summary>
    private sealed class CountingStream : Stream
    {
        private long _written;
        public long Written => Interlocked.Read(ref _written);
        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => Written;
        public override long Position { get => Written; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => Interlocked.Add(ref _written, count);
    }
}
