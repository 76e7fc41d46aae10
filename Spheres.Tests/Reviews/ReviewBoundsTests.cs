using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Plans;
using Spheres.Core.Reviews;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

/// <summary>What one tenant may make the background work do: imports one at a time and so many an hour, reviews stored up to the plan's limit.</summary>
public sealed class ReviewBoundsTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private Task<HttpResponseMessage> ImportAsync(TenantSession tenant, object rows) =>
        _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/import/", rows));

    [Fact]
    public async Task A_tenants_imports_per_hour_are_bounded_with_retry_after_and_come_back_after_the_hour()
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        for (var i = 0; i < Plan.Professional.ImportsPerHour; i++)
            await (await ImportAsync(tenant, new[] { new { text = $"Import {i}" } })).JsonAsync();

        var refused = await ImportAsync(tenant, new[] { new { text = "One too many" } });
        var problem = await refused.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.Contains("imports an hour", problem.GetProperty("detail").GetString());
        Assert.InRange(refused.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(59), TimeSpan.FromHours(1));
        var other = await _host.RegisterAsync(plan: "professional");
        await (await ImportAsync(other, new[] { new { text = "Another tenant's own hour" } })).JsonAsync();

        _clock.Advance(ReviewQuota.ImportWindow);
        var login = await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password })).JsonAsync();
        tenant = tenant with { AccessToken = login.GetProperty("access_token").GetString()! }; // the old one expired meanwhile
        await (await ImportAsync(tenant, new[] { new { text = "Next hour" } })).JsonAsync();
    }

    [Fact]
    public async Task A_second_import_of_one_tenant_while_the_first_is_reading_its_body_is_429()
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        var body = new SlowContent("text\nThe first import\n");
        var first = _host.Client.SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/reviews/import/")
        {
            Content = body, Headers = { Authorization = new("Bearer", tenant.AccessToken) },
        });
        await body.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The first import has taken its slot and counted itself (its row is written before the body is read): it is reading now.
        var table = await _host.Services.GetRequiredService<Spheres.Core.Storage.SpheresStorage>().TableAsync(Spheres.Core.Storage.TableNames.Reviews, default);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!(await table.GetEntityIfExistsAsync<Azure.Data.Tables.TableEntity>(tenant.TenantId, "count-imports")).HasValue)
        {
            Assert.True(DateTime.UtcNow < deadline, "the first import never started");
            await Task.Delay(20);
        }
        Assert.False(first.IsCompleted);

        var second = await ImportAsync(tenant, new[] { new { text = "At the same time" } });
        await second.ProblemAsync(HttpStatusCode.TooManyRequests);
        Assert.NotNull(second.Headers.RetryAfter);

        body.Finish.SetResult();
        Assert.Equal(1, (await (await first).JsonAsync()).GetProperty("created").GetInt32());
        await (await ImportAsync(tenant, new[] { new { text = "After it" } })).JsonAsync();
    }

    [Fact]
    public async Task Reviews_past_the_plans_limit_are_refused_403_and_nothing_of_the_import_is_stored()
    {
        var tenant = await _host.RegisterAsync(plan: "professional");
        var quota = _host.Services.GetRequiredService<ReviewQuota>();
        // The tenant has stored all but five of its reviews (counted as they are stored).
        await quota.ReserveReviewsAsync(tenant.TenantId, Plan.Professional, Plan.Professional.MaxReviews - 5, default);

        var refused = await ImportAsync(tenant, Enumerable.Range(0, 6).Select(i => new { text = $"Review {i}" }).ToArray());
        var problem = await refused.ProblemAsync(HttpStatusCode.Forbidden);
        Assert.EndsWith("/review-limit", problem.GetProperty("type").GetString());
        Assert.Equal(0, (await _host.GetJsonAsync(tenant, "/api/reviews/")).GetProperty("results").GetArrayLength());

        var five = await (await ImportAsync(tenant, Enumerable.Range(0, 5).Select(i => new { text = $"Review {i}" }).ToArray())).JsonAsync();
        Assert.Equal(5, five.GetProperty("created").GetInt32());
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "One more" })))
            .ProblemAsync(HttpStatusCode.Forbidden);

        // Deleting one makes room for one.
        var id = (await _host.GetJsonAsync(tenant, "/api/reviews/")).GetProperty("results")[0].GetProperty("id").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"/api/reviews/{id}/"))).StatusCode);
        await (await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "One more" }))).JsonAsync(HttpStatusCode.Created);
    }

    /// <summary>A CSV body that sends its first bytes, then waits until the test lets it finish.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly string _text;

        public SlowContent(string text)
        {
            _text = text;
            Headers.ContentType = new("text/csv");
        }

        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
        public TaskCompletionSource Finish { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(_text);
            await stream.WriteAsync(bytes.AsMemory(0, 5));
            await stream.FlushAsync();
            Started.SetResult();
            await Finish.Task;
            await stream.WriteAsync(bytes.AsMemory(5));
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
