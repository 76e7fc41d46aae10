using System.Net;
using System.Text;
using System.Text.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Reviews;

[Collection(ReviewCollection.Name)]
public sealed class ReviewImportTests(ReviewFixture fixture)
{
    private TestHost Host => fixture.Host;

    [Fact]
    public async Task A_json_import_stores_valid_rows_lists_rejected_ones_and_is_idempotent()
    {
        var tenant = await fixture.ProfessionalAsync();
        object[] rows =
        [
            new { text = "Great haircut", rating = 5, source = "google", external_id = "a1" },
            new { text = "", rating = 3 },                                    // 1: no text
            new { text = "Waited an hour", rating = 9, source = "google" },   // 2: bad rating
            new { text = "Швидко і якісно", source = "google", external_id = "a2", created_at = "2026-02-01T09:00:00+02:00" },
            new { text = "Great haircut", source = "google", external_id = "a1" }, // 4: same key as row 0
            "not an object",                                                  // 5
        ];
        var first = await fixture.ImportJsonAsync(tenant, rows);
        Assert.Equal(2, first.GetProperty("created").GetInt32());
        Assert.Equal(1, first.GetProperty("duplicates").GetInt32());
        var rejected = first.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("errors"));
        Assert.Equal([1, 2, 5], rejected.Keys.Order());
        Assert.True(rejected[1].TryGetProperty("text", out _));
        Assert.True(rejected[2].TryGetProperty("rating", out _));
        Assert.Equal(3, first.GetProperty("rejected_count").GetInt32());

        var again = await fixture.ImportJsonAsync(tenant, rows);
        Assert.Equal(0, again.GetProperty("created").GetInt32());
        Assert.Equal(3, again.GetProperty("duplicates").GetInt32());
        var stored = await fixture.ListAllAsync(tenant);
        Assert.Equal(2, stored.Count);
        Assert.Equal(DateTimeOffset.Parse("2026-02-01T07:00:00Z"), stored.Single(r => r.GetProperty("external_id").GetString() == "a2").GetProperty("created_at").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_numeric_external_id_is_kept_as_its_digits_and_a_rating_may_be_its_digit_in_a_string_as_the_document_says()
    {
        var tenant = await fixture.ProfessionalAsync();
        object[] rows =
        [
            new { text = "Booksy review", rating = "4", source = "booksy", external_id = 123456789012L },
            new { text = "A fraction is no id", source = "booksy", external_id = 1.5 },     // 1
            new { text = "An exponent is no id either", source = "booksy", external_id = 1e300 }, // 2
            new { text = "Rating as a word", rating = "four" },                         // 3
        ];
        var result = await fixture.ImportJsonAsync(tenant, rows);

        Assert.Equal(1, result.GetProperty("created").GetInt32());
        var rejected = result.GetProperty("rejected").EnumerateArray().ToDictionary(r => r.GetProperty("index").GetInt32(), r => r.GetProperty("errors"));
        Assert.Equal([1, 2, 3], rejected.Keys.Order());
        Assert.True(rejected[1].TryGetProperty("external_id", out _));
        Assert.True(rejected[3].TryGetProperty("rating", out _));
        var stored = Assert.Single(await fixture.ListAllAsync(tenant));
        Assert.Equal(("123456789012", 4), (stored.GetProperty("external_id").GetString(), stored.GetProperty("rating").GetInt32()));

        // What the document says of the two fields, which typed clients are generated from.
        var review = JsonDocument.Parse(await Host.Client.GetStringAsync("/api/openapi.json")).RootElement
            .GetProperty("components").GetProperty("schemas").GetProperty("ReviewRequest").GetProperty("properties");
        Assert.Equal(["string", "integer", "null"], review.GetProperty("external_id").GetProperty("type").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("^[1-5]$", review.GetProperty("rating").GetProperty("pattern").GetString());
    }

    [Fact]
    public async Task A_csv_import_reads_the_header_and_quoted_cells()
    {
        var tenant = await fixture.ProfessionalAsync();
        var csv = "external_id,source,rating,text,author\r\n"
                  + "c1,google,5,\"Чудово, дякую!\",Олена\r\n"
                  + "c2,google,2,\"She said \"\"wait\"\"\nand we waited, an hour\",\r\n"
                  + "c3,google,x,Bad rating cell,\r\n"
                  + "\r\n";
        var result = await (await fixture.ImportCsvAsync(tenant, csv)).JsonAsync();
        Assert.Equal(2, result.GetProperty("created").GetInt32());
        var rejected = Assert.Single(result.GetProperty("rejected").EnumerateArray());
        Assert.Equal(2, rejected.GetProperty("index").GetInt32());
        var texts = (await fixture.ListAllAsync(tenant)).ToDictionary(r => r.GetProperty("external_id").GetString()!, r => r);
        Assert.Equal("Чудово, дякую!", texts["c1"].GetProperty("text").GetString());
        Assert.Equal("Олена", texts["c1"].GetProperty("author").GetString());
        Assert.Equal("She said \"wait\"\nand we waited, an hour", texts["c2"].GetProperty("text").GetString());
    }

    [Theory]
    [InlineData("review,stars\nGreat,5\n", "header")]
    [InlineData("rating,author\n5,Anna\n", "header")]
    public async Task A_csv_with_a_bad_header_is_400_and_stores_nothing(string csv, string field)
    {
        var tenant = await fixture.ProfessionalAsync();
        var problem = await (await fixture.ImportCsvAsync(tenant, csv)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
        Assert.Empty(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task More_than_1000_rows_are_refused_before_any_is_checked_or_stored()
    {
        var tenant = await fixture.ProfessionalAsync();
        var rows = Enumerable.Range(0, 1001).Select(i => new { text = $"Review {i}" }).ToArray();
        var request = tenant.Request(HttpMethod.Post, "/api/reviews/import/", rows);
        var problem = await (await Host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Contains("1000", problem.GetProperty("errors").GetProperty("body")[0].GetString());

        var csv = new StringBuilder("text\n");
        for (var i = 0; i < 1001; i++) csv.Append("Review ").Append(i).Append('\n');
        await (await fixture.ImportCsvAsync(tenant, csv.ToString())).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task Rejected_rows_are_listed_up_to_100_with_the_full_count()
    {
        var tenant = await fixture.ProfessionalAsync();
        var rows = Enumerable.Range(0, 300).Select(i => new { text = i == 299 ? "The only good one" : "", rating = 3 }).ToArray();
        var result = await fixture.ImportJsonAsync(tenant, rows);
        Assert.Equal(1, result.GetProperty("created").GetInt32());
        Assert.Equal(100, result.GetProperty("rejected").GetArrayLength());
        Assert.Equal(299, result.GetProperty("rejected_count").GetInt32());
    }

    [Theory]
    [InlineData("{\"text\":\"not an array\"}", "application/json")]
    [InlineData("[{\"text\":", "application/json")]
    [InlineData("null", "application/json")] // the serializer alone reads it as no rows
    [InlineData(" \r\n null ", "application/json")]
    [InlineData("text\n\"never closed\n", "text/csv")]
    public async Task A_body_that_is_not_an_array_or_csv_is_400(string body, string contentType)
    {
        var tenant = await fixture.ProfessionalAsync();
        var request = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
        request.Content = new StringContent(body, Encoding.UTF8, contentType);
        await (await Host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.BadRequest);
        Assert.Empty(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task An_empty_array_is_the_same_answer_with_or_without_a_byte_order_mark()
    {
        var tenant = await fixture.ProfessionalAsync();
        async Task<(HttpStatusCode, string)> ImportAsync(string body)
        {
            var request = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
            request.Content = new StringContent(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), "application/json");
            using var response = await Host.Client.SendAsync(request);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        }
        var plain = await ImportAsync("[]");
        Assert.NotEqual(HttpStatusCode.BadRequest, plain.Item1);
        Assert.Equal(plain.Item1, (await ImportAsync("\uFEFF [ ]")).Item1);
    }

    [Fact]
    public async Task An_excel_export_from_a_ukrainian_or_polish_locale_is_read_semicolons_bom_and_all()
    {
        var tenant = await fixture.ProfessionalAsync();
        // Excel's "CSV UTF-8" in uk-UA: a byte-order mark, ';' between cells, dates day first, a sep= hint line.
        var csv = "\uFEFFsep=;\r\ntext;rating;author;source;external_id;created_at\r\n"
                  + "\"Чудово; дякую!\";5;Олена;google;u1;01.02.2026\r\n"
                  + "Świetna obsługa, polecam;4;Agnieszka;google;p1;2026-03-04\r\n";
        var result = await (await fixture.ImportCsvAsync(tenant, csv)).JsonAsync();

        Assert.Equal(2, result.GetProperty("created").GetInt32());
        var stored = (await fixture.ListAllAsync(tenant)).ToDictionary(r => r.GetProperty("external_id").GetString()!, r => r);
        Assert.Equal("Чудово; дякую!", stored["u1"].GetProperty("text").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-02-01T00:00:00Z"), stored["u1"].GetProperty("created_at").GetDateTimeOffset());
        Assert.Equal("Świetna obsługa, polecam", stored["p1"].GetProperty("text").GetString());
        Assert.Equal(4, stored["p1"].GetProperty("rating").GetInt32());
    }

    [Fact]
    public async Task A_csv_in_the_windows_code_page_it_names_is_read_and_one_that_is_not_utf8_without_a_name_is_400()
    {
        var tenant = await fixture.ProfessionalAsync();
        System.Text.Encoding.RegisterProvider(System.Text.CodePagesEncodingProvider.Instance);
        var bytes = System.Text.Encoding.GetEncoding("windows-1251").GetBytes("text;rating\r\nДуже добре;5\r\n");

        var named = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
        named.Content = new ByteArrayContent(bytes);
        named.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("text/csv; charset=windows-1251");
        Assert.Equal(1, (await (await Host.Client.SendAsync(named)).JsonAsync()).GetProperty("created").GetInt32());
        Assert.Equal("Дуже добре", Assert.Single(await fixture.ListAllAsync(tenant)).GetProperty("text").GetString());

        var unnamed = tenant.Request(HttpMethod.Post, "/api/reviews/import/");
        unnamed.Content = new ByteArrayContent(bytes);
        unnamed.Content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("text/csv");
        Assert.Contains("UTF-8", (await (await Host.Client.SendAsync(unnamed)).ProblemAsync(HttpStatusCode.BadRequest)).GetProperty("detail").GetString());
        Assert.Single(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task Reading_stops_at_the_first_row_past_the_limit_whatever_follows()
    {
        var tenant = await fixture.ProfessionalAsync();
        var csv = new StringBuilder("text\n");
        for (var i = 0; i < 1001; i++) csv.Append("Review ").Append(i).Append('\n');
        csv.Append("\"a quote that never closes and megabytes after it ").Append('x', 2_000_000);

        var problem = await (await fixture.ImportCsvAsync(tenant, csv.ToString())).ProblemAsync(HttpStatusCode.BadRequest);

        Assert.Contains("at most 1000", problem.GetProperty("errors").GetProperty("body")[0].GetString()); // not the broken quote: never read
        Assert.Empty(await fixture.ListAllAsync(tenant));
    }

    [Fact]
    public async Task Megabytes_of_blank_lines_are_skipped_as_they_stream_and_store_nothing()
    {
        var tenant = await fixture.ProfessionalAsync();
        var csv = "text\n" + new string('\n', 7 * 1024 * 1024) + "The one review\n";

        var result = await (await fixture.ImportCsvAsync(tenant, csv)).JsonAsync();

        Assert.Equal(1, result.GetProperty("created").GetInt32());
    }
}
