using System.Net;
using System.Net.Http.Json;
using System.Text;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Accounts;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

public sealed class RegistrationTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Registration_returns_a_working_token_the_user_and_the_profile()
    {
        var email = Tenants.UniqueEmail();
        var response = await _host.Client.PostAsJsonAsync("/api/accounts/register", new
        {
            email = email.ToUpperInvariant(), password = "s3cret-enough", name = "Taras", business_name = "Barber Kyiv",
            sphere_id = 2, timezone = "Europe/Kyiv", country = "ua",
        });

        var body = await response.JsonAsync(HttpStatusCode.Created);
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32()); // short: the refresh token renews it
        Assert.False(string.IsNullOrEmpty(body.GetProperty("refresh_token").GetString()));
        Assert.Equal(email, body.GetProperty("user").GetProperty("email").GetString()); // stored lower-case
        Assert.Equal("Taras", body.GetProperty("user").GetProperty("name").GetString());
        var profile = body.GetProperty("profile");
        Assert.Equal("beauty", profile.GetProperty("sphere_slug").GetString());
        Assert.Equal(2, profile.GetProperty("sphere_id").GetInt32());
        Assert.Equal("UA", profile.GetProperty("country").GetString());
        Assert.Equal("free", profile.GetProperty("plan").GetString());
        Assert.False(body.TryGetProperty("password", out _));

        var session = new TenantSession(profile.GetProperty("tenant_id").GetString()!, "", email, "", body.GetProperty("access_token").GetString()!);
        var read = await _host.GetJsonAsync(session, "/api/accounts/profile/");
        Assert.Equal("Barber Kyiv", read.GetProperty("business_name").GetString());
        Assert.Equal("Europe/Kyiv", read.GetProperty("timezone").GetString());
        Assert.Equal(body.GetProperty("user").GetProperty("id").GetString(), read.GetProperty("user_id").GetString());
    }

    [Fact]
    public async Task Timezone_defaults_to_utc_and_country_is_optional()
    {
        var tenant = await _host.RegisterAsync(sphere: "health", timezone: null, country: null);
        var profile = await _host.GetJsonAsync(tenant, "/api/accounts/profile");
        Assert.Equal("UTC", profile.GetProperty("timezone").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, profile.GetProperty("country").ValueKind);
        Assert.Equal("health", profile.GetProperty("sphere_slug").GetString());
    }

    [Fact]
    public async Task The_password_is_stored_only_as_a_salted_hash()
    {
        var tenant = await _host.RegisterAsync();
        var table = await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Tenants, default);
        var user = (await table.GetEntityAsync<TableEntity>(tenant.TenantId, "user-" + tenant.UserId)).Value;
        var hash = user.GetString("PasswordHash");
        Assert.DoesNotContain(Tenants.Password, hash);
        Assert.Equal(1, Convert.FromBase64String(hash)[0]); // ASP.NET Core Identity's v3 format: PBKDF2 with a salt
        Assert.DoesNotContain(user.Keys, k => k.Contains("Password", StringComparison.Ordinal) && k != "PasswordHash");
    }

    public static TheoryData<string, string> InvalidBodies => new()
    {
        { "{\"email\": ", "body" },
        { "[1, 2]", "body" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":\"two\"}", "sphere_id" },
        { "{\"email\":42,\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1}", "email" },
        { "{\"email\":\"not-an-email\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1}", "email" },
        { "{\"email\":\"EMAIL\",\"password\":\"short\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1}", "password" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"business_name\":\"B\",\"sphere_id\":1}", "name" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"" + new string('b', 201) + "\",\"sphere_id\":1}", "business_name" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"sphere_id\":\"\"}", "sphere_id" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\"}", "sphere_id" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":9}", "sphere_id" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_slug\":\"astrology\"}", "sphere_slug" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1,\"sphere_slug\":\"health\"}", "sphere_slug" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1,\"timezone\":\"Europe/Kiev2\"}", "timezone" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1,\"country\":\"Ukraine\"}", "country" },
        { "{\"email\":\"EMAIL\",\"password\":\"long-enough\",\"name\":\"N\",\"business_name\":\"B\",\"sphere_id\":1,\"country\":\"ZZ\"}", "country" },
    };

    [Theory]
    [MemberData(nameof(InvalidBodies))]
    public async Task Invalid_registrations_are_400_naming_the_field_and_write_nothing(string json, string field)
    {
        var email = Tenants.UniqueEmail();
        var response = await _host.Client.PostAsync("/api/accounts/register/",
            new StringContent(json.Replace("EMAIL", email), Encoding.UTF8, "application/json"));

        var problem = await response.ProblemAsync(HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"errors should name '{field}': {problem}");
        Assert.Null(await _host.Services.GetRequiredService<AccountStore>().FindEmailAsync(email, default));
    }

    [Fact]
    public async Task Every_missing_field_is_named_at_once()
    {
        var problem = await (await _host.Client.PostAsync("/api/accounts/register/", new StringContent("{}", Encoding.UTF8, "application/json")))
            .ProblemAsync(HttpStatusCode.BadRequest);
        var fields = problem.GetProperty("errors").EnumerateObject().Select(p => p.Name).Order();
        Assert.Equal(["email", "name", "password", "sphere_id"], fields); // business_name is optional
    }

    [Fact]
    public async Task A_body_over_one_megabyte_is_413_and_writes_nothing()
    {
        var email = Tenants.UniqueEmail();
        var json = $"{{\"email\":\"{email}\",\"password\":\"long-enough\",\"name\":\"{new string('n', 1024 * 1024)}\",\"business_name\":\"B\",\"sphere_id\":1}}";
        var response = await _host.Client.PostAsync("/api/accounts/register/", new StringContent(json, Encoding.UTF8, "application/json"));

        await response.ProblemAsync(HttpStatusCode.RequestEntityTooLarge);
        Assert.Null(await _host.Services.GetRequiredService<AccountStore>().FindEmailAsync(email, default));
    }

    [Fact]
    public async Task An_email_is_unique_whatever_its_case()
    {
        var first = await _host.RegisterAsync();
        var response = await _host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email = "  " + first.Email.ToUpperInvariant(), password = "another-password", name = "X", business_name = "Y", sphere_id = 1,
        });
        await response.ProblemAsync(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task Twenty_concurrent_registrations_of_one_email_give_one_account()
    {
        var email = Tenants.UniqueEmail("race");
        // Every one tries to claim the email before any claim lands: the index row alone must decide.
        using var race = _host.StorageFaults.HoldUntilTogether(m => m.Request.Method == Azure.Core.RequestMethod.Post
            && StorageFaults.IsTable(m, TableNames.EmailIndex), 20);
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => _host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = $"password-{i:D2}", name = "Racer", business_name = $"Salon {i}", sphere_slug = "beauty",
        })));

        Assert.True(race.Happened, "the twenty registrations never claimed the email together");
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.Equal(19, responses.Count(r => r.StatusCode == HttpStatusCode.Conflict));
        var winner = Array.FindIndex(responses, r => r.StatusCode == HttpStatusCode.Created);
        var login = await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = $"password-{winner:D2}" });
        await login.JsonAsync();
        var entry = await _host.Services.GetRequiredService<AccountStore>().FindEmailAsync(email, default);
        Assert.Equal(AccountStore.EmailState.Active, entry!.State);
    }
}
