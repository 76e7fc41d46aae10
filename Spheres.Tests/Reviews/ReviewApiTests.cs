using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

[Collection(ReviewCollection.Name)]
public sealed class ReviewApiTests(ReviewFixture fixture)
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task A_review_is_answered_201_at_once_and_analysed_by_the_queue_function()
    {
        var tenant = await fixture.ProfessionalAsync();
        var created = await fixture.CreateAsync(tenant, new { text = "Lovely staff, but the colour came out ruined and brassy.", rating = 5, author = "Iryna" });

        Assert.Equal(JsonValueKind.Null, created.GetProperty("sentiment").ValueKind);
        Assert.Equal("manual", created.GetProperty("source").GetString());
        Assert.Equal(5, created.GetProperty("rating").GetInt32());
        Assert.Equal("Iryna", created.GetProperty("author").GetString());
        Assert.Empty(created.GetProperty("aspects").EnumerateArray());
        var id = created.GetProperty("id").GetString()!;

        await fixture.WaitAnalysedAsync(tenant);
        var analysed = await Host.GetJsonAsync(tenant, $"/api/reviews/{id}/");
        Assert.Equal("negative", analysed.GetProperty("sentiment").GetProperty("label").GetString());
        Assert.True(analysed.GetProperty("sentiment").GetProperty("score").GetDouble() < 0);
        var aspects = analysed.GetProperty("aspects").EnumerateArray().ToDictionary(a => a.GetProperty("label").GetString()!, a => a.GetProperty("sentiment").GetString());
        Assert.Equal("negative", aspects["result_quality"]);
        Assert.Equal("positive", aspects["staff"]);
    }

    [Theory]
    [InlineData("free")]
    [InlineData("starter")]
    public async Task Plans_without_analytics_get_403_plan_required_everywhere(string plan)
    {
        var tenant = await Host.RegisterAsync(plan: plan == "free" ? null : plan);
        var calls = new[]
        {
            tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "Great" }),
            tenant.Request(HttpMethod.Post, "/api/reviews/import/", new[] { new { text = "Great" } }),
            tenant.Request(HttpMethod.Get, "/api/reviews/"),
            tenant.Request(HttpMethod.Get, "/api/reviews/search/?q=wait"),
            tenant.Request(HttpMethod.Get, "/api/reviews/06390000000000000000abcdef12/"),
            tenant.Request(HttpMethod.Delete, "/api/reviews/06390000000000000000abcdef12/"),
        };
        foreach (var call in calls)
        {
            var problem = await (await Host.Client.SendAsync(call)).ProblemAsync(HttpStatusCode.Forbidden);
            Assert.EndsWith("/plan-required", problem.GetProperty("type").GetString());
        }
        await Host.SetPlanAsync(tenant.TenantId, "professional");
        Assert.Empty(await fixture.ListAllAsync(tenant)); // nothing was stored by the refused calls
    }

    [Fact]
    public async Task Invalid_fields_are_400_naming_each_and_store_nothing()
    {
        var tenant = await fixture.ProfessionalAsync();
        var response = await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/",
            new { text = "  ", rating = 6, source = "Google Maps", created_at = "yesterday", colour = "red" }));
        var errors = (await response.ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("errors");
        foreach (var field in new[] { "text", "rating", "source", "created_at", "colour" }) Assert.True(errors.TryGetProperty(field, out _), field);

        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "ok", rating = "five" })))
            .ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task The_same_source_and_external_id_is_stored_once()
    {
        var tenant = await fixture.ProfessionalAsync();
        await fixture.CreateAsync(tenant, new { text = "Great", source = "google", external_id = "g-1" });
        var again = await Host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/reviews/", new { text = "Great!", source = "google", external_id = "g-1" }));
        await again.ProblemAsync(HttpStatusCode.Conflict);
        await fixture.CreateAsync(tenant, new { text = "Same id, other source", source = "facebook", external_id = "g-1" });
        Assert.Equal(2, (await fixture.ListAllAsync(tenant)).Count);
    }

    [Fact]
    public async Task Get_and_delete_answer_404_for_unknown_malformed_and_deleted_ids()
    {
        var tenant = await fixture.ProfessionalAsync();
        var id = (await fixture.CreateAsync(tenant, new { text = "Nice", source = "google", external_id = "77" })).GetProperty("id").GetString()!;
        foreach (var bad in new[] { "06390000000000000000abcdef12", "not-an-id", "..%2F..%2Fx", id.ToUpperInvariant() })
        {
            await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/reviews/{bad}/"))).ProblemAsync(HttpStatusCode.NotFound);
        }
        Assert.Equal(HttpStatusCode.NoContent, (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"/api/reviews/{id}"))).StatusCode);
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, $"/api/reviews/{id}/"))).ProblemAsync(HttpStatusCode.NotFound);
        await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"/api/reviews/{id}/"))).ProblemAsync(HttpStatusCode.NotFound);
        // Deleting frees its (source, external_id): it can be imported again.
        var reimport = await fixture.ImportJsonAsync(tenant, new[] { new { text = "Nice", source = "google", external_id = "77" } });
        Assert.Equal(1, reimport.GetProperty("created").GetInt32());
    }

    [Fact]
    public async Task The_list_is_newest_first_in_pages_with_filters()
    {
        var tenant = await fixture.ProfessionalAsync();
        var rows = Enumerable.Range(0, 7).Select(i => new
        {
            text = $"review {i}", source = i % 2 == 0 ? "google" : "manual", created_at = $"2026-03-0{i + 1}T10:00:00+00:00",
        }).ToArray();
        Assert.Equal(7, (await fixture.ImportJsonAsync(tenant, rows)).GetProperty("created").GetInt32());

        var all = await fixture.ListAllAsync(tenant, "?limit=3");
        Assert.Equal(["review 6", "review 5", "review 4", "review 3", "review 2", "review 1", "review 0"], all.Select(r => r.GetProperty("text").GetString()));
        var google = await fixture.ListAllAsync(tenant, "?source=google&limit=2");
        Assert.Equal(["review 6", "review 4", "review 2", "review 0"], google.Select(r => r.GetProperty("text").GetString()));
        var window = await fixture.ListAllAsync(tenant, "?from=2026-03-02&to=2026-03-04");
        Assert.Equal(["review 3", "review 2", "review 1"], window.Select(r => r.GetProperty("text").GetString()));
        var instant = await fixture.ListAllAsync(tenant, "?from=2026-03-06T10:00:00Z");
        Assert.Equal(["review 6", "review 5"], instant.Select(r => r.GetProperty("text").GetString()));

        await fixture.WaitAnalysedAsync(tenant);
        Assert.Empty(await fixture.ListAllAsync(tenant, "?sentiment=negative"));
        Assert.Equal(7, (await fixture.ListAllAsync(tenant, "?sentiment=neutral")).Count);
    }

    [Fact]
    public async Task A_rare_filter_reads_a_bounded_number_of_rows_per_call_and_continues_from_there()
    {
        var tenant = await fixture.ProfessionalAsync();
        var rows = Enumerable.Range(0, 5).Select(i => new { text = $"review {i}", source = i == 0 ? "google" : "manual", created_at = $"2026-04-0{i + 1}T10:00:00Z" });
        await fixture.ImportJsonAsync(tenant, rows.ToArray());
        var store = Host.Services.GetRequiredService<Spheres.Core.Reviews.ReviewStore>();
        var filter = new Spheres.Core.Reviews.ReviewFilter(null, "google", null, null);

        var pages = new List<IReadOnlyList<Spheres.Core.Reviews.Review>>();
        string? after = null;
        do
        {
            var (page, next) = await store.ListAsync(tenant.TenantId, filter, 10, after, CancellationToken.None, scanLimit: 2);
            pages.Add(page);
            after = next;
        } while (after is not null && pages.Count < 10);

        Assert.Equal(3, pages.Count); // 5 rows, 2 read per call
        Assert.Equal(["review 0"], pages.SelectMany(p => p).Select(r => r.Text));
        Assert.Empty(pages[0]); // a short page with a next link is how a rare filter pages
    }

    [Theory]
    [InlineData("?limit=0", "limit")]
    [InlineData("?limit=201", "limit")]
    [InlineData("?sentiment=angry", "sentiment")]
    [InlineData("?source=Google%20Maps", "source")]
    [InlineData("?from=last-week", "from")]
    [InlineData("?from=2026-03-05&to=2026-03-01", "from")]
    [InlineData("?cursor=%%%", "cursor")]
    [InlineData("?cursor=cmVhbGx5LW5vdC1hLWtleQ", "cursor")] // valid base64url, not an id this API made
    public async Task Bad_list_queries_are_400_naming_the_parameter(string query, string field)
    {
        var tenant = await fixture.ProfessionalAsync();
        var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/reviews/" + query))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }
}

[CollectionDefinition(Name)]
public sealed class ReviewCollection : ICollectionFixture<ReviewFixture>
{
    public const string Name = "reviews";
}
