using System.Net;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

[Collection(ReviewCollection.Name)]
public sealed class ReviewSearchTests(ReviewFixture fixture)
{
    private TestHost Host => fixture.Host;

    private static readonly (string Key, string Text)[] Reviews =
    [
        ("wait-uk", "Довелося чекати майже годину, хоча я записувалась заздалегідь."),
        ("wait-ru", "Ждали больше часа, очередь огромная."),
        ("price-pl", "Ceny są zdecydowanie za wysokie, drogo jak na taką jakość."),
        ("staff-en", "The receptionist was rude and unfriendly."),
        ("colour-uk", "Колір вийшов жахливий, волосся зіпсоване."),
        ("clean-ru", "В салоне чисто и уютно, всё стерильно."),
        ("nails-pl", "Manicure hybrydowy trzyma się trzy tygodnie, polecam."),
        ("cut-en", "Loved my new haircut, exactly what I asked for."),
    ];

    [Theory]
    [InlineData("довго чекали", "wait-uk")]
    [InlineData("долго ждать в очереди", "wait-ru")]
    [InlineData("za drogo", "price-pl")]
    [InlineData("rude receptionist", "staff-en")]
    [InlineData("зіпсували колір", "colour-uk")]
    [InlineData("чистота в салоне", "clean-ru")]
    [InlineData("haircut", "cut-en")]
    public async Task Search_ranks_the_review_with_the_same_meaning_first(string query, string expected)
    {
        var tenant = await fixture.SharedAsync("search", async t =>
        {
            await fixture.ImportJsonAsync(t, Reviews.Select(r => new { text = r.Text, external_id = r.Key }).ToArray());
            await fixture.WaitAnalysedAsync(t);
        });

        var hits = await Host.GetJsonAsync(tenant, $"/api/reviews/search/?q={Uri.EscapeDataString(query)}&limit=3");
        Assert.Equal(3, hits.GetArrayLength());
        Assert.Equal(expected, hits[0].GetProperty("review").GetProperty("external_id").GetString());
        var scores = hits.EnumerateArray().Select(h => h.GetProperty("score").GetDouble()).ToList();
        Assert.Equal(scores.OrderDescending(), scores);
    }

    [Fact]
    public async Task A_deleted_review_is_no_longer_found()
    {
        var tenant = await fixture.ProfessionalAsync();
        var id = (await fixture.CreateAsync(tenant, new { text = "Ждали больше часа, очередь огромная." })).GetProperty("id").GetString()!;
        await fixture.CreateAsync(tenant, new { text = "Lovely nails" });
        await fixture.WaitAnalysedAsync(tenant);
        Assert.Equal(id, (await Host.GetJsonAsync(tenant, "/api/reviews/search/?q=очередь"))[0].GetProperty("review").GetProperty("id").GetString());

        await Host.Client.SendAsync(tenant.Request(HttpMethod.Delete, $"/api/reviews/{id}/"));
        var hits = await Host.GetJsonAsync(tenant, "/api/reviews/search/?q=очередь");
        Assert.DoesNotContain(hits.EnumerateArray(), h => h.GetProperty("review").GetProperty("id").GetString() == id);
    }

    [Theory]
    [InlineData("", "q")]
    [InlineData("?q=", "q")]
    [InlineData("?q=wait&limit=51", "limit")]
    [InlineData("?q=wait&limit=0", "limit")]
    public async Task Bad_search_queries_are_400(string query, string field)
    {
        var tenant = await fixture.ProfessionalAsync();
        var problem = await (await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/reviews/search/" + query))).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        var tooLong = await Host.Client.SendAsync(tenant.Request(HttpMethod.Get, "/api/reviews/search/?q=" + new string('a', 501)));
        await tooLong.ProblemAsync(HttpStatusCode.BadRequest);
    }
}
