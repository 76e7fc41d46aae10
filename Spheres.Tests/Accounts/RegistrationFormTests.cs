using System.Net;
using System.Net.Http.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>The seed's registration and sign-in screens, each one request as a form sends it.</summary>
public sealed class RegistrationFormTests : IAsyncLifetime
{
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task A_form_with_the_sphere_id_as_a_string_and_no_business_name_registers_with_the_name_as_business_name()
    {
        var email = Tenants.UniqueEmail();
        var response = await _host.Client.PostAsJsonAsync("/api/accounts/register/",
            new { name = "Olena Kovalenko", email, password = "correct horse", sphere_id = "2" });

        var body = await response.JsonAsync(HttpStatusCode.Created);
        var profile = body.GetProperty("profile");
        Assert.Equal(2, profile.GetProperty("sphere_id").GetInt32());
        Assert.Equal("beauty", profile.GetProperty("sphere_slug").GetString());
        Assert.Equal("Olena Kovalenko", profile.GetProperty("business_name").GetString());
        Assert.Equal(email, profile.GetProperty("email").GetString());
        Assert.Equal("Olena Kovalenko", profile.GetProperty("name").GetString());
        Assert.Equal(["id", "email", "name"], body.GetProperty("user").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task A_blank_business_name_defaults_to_the_name_and_a_sphere_slug_works_too()
    {
        var response = await _host.Client.PostAsJsonAsync("/api/accounts/register/",
            new { name = "Dr. Ivan", email = Tenants.UniqueEmail(), password = "correct horse", business_name = "  ", sphere_slug = "health" });
        var profile = (await response.JsonAsync(HttpStatusCode.Created)).GetProperty("profile");
        Assert.Equal("Dr. Ivan", profile.GetProperty("business_name").GetString());
        Assert.Equal(3, profile.GetProperty("sphere_id").GetInt32());
    }

    [Theory]
    [InlineData("\"two\"")]
    [InlineData("\"2.5\"")]
    [InlineData("\"\"")]
    public async Task A_sphere_id_string_that_is_not_a_whole_number_is_a_400_naming_it(string sphereId)
    {
        var json = $$"""{"name":"N","email":"{{Tenants.UniqueEmail()}}","password":"correct horse","sphere_id":{{sphereId}}}""";
        var response = await _host.Client.PostAsync("/api/accounts/register/", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(["sphere_id"], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Login_returns_the_user_with_the_tokens_and_the_profile_carries_email_and_name()
    {
        var tenant = await _host.RegisterAsync();
        var login = await (await _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email = tenant.Email, password = tenant.Password })).JsonAsync();

        Assert.Equal(["access_token", "token_type", "expires_in", "refresh_token", "user"], login.EnumerateObject().Select(p => p.Name));
        var user = login.GetProperty("user");
        Assert.Equal(tenant.UserId, user.GetProperty("id").GetString());
        Assert.Equal(tenant.Email, user.GetProperty("email").GetString());
        Assert.Equal("Olena", user.GetProperty("name").GetString());

        var profile = await _host.GetJsonAsync(tenant with { AccessToken = login.GetProperty("access_token").GetString()! }, "/api/accounts/profile/");
        Assert.Equal(tenant.Email, profile.GetProperty("email").GetString());
        Assert.Equal("Olena", profile.GetProperty("name").GetString());
        Assert.Equal("Olena's Salon", profile.GetProperty("business_name").GetString());
    }

    [Fact]
    public async Task The_plans_page_lists_every_plan_with_what_it_unlocks_without_a_token()
    {
        var plans = await (await _host.Client.GetAsync("/api/accounts/plans/")).JsonAsync();

        Assert.Equal(["free", "starter", "professional"], plans.Strings("slug"));
        Assert.Equal([100, 1_000, 10_000], plans.EnumerateArray().Select(p => p.GetProperty("messages_per_month").GetInt32()));
        Assert.Equal([false, true, true], plans.EnumerateArray().Select(p => p.GetProperty("working_hours").GetBoolean()));
        Assert.Equal([false, true, true], plans.EnumerateArray().Select(p => p.GetProperty("sphere_integrations").GetBoolean()));
        Assert.Equal([false, false, true], plans.EnumerateArray().Select(p => p.GetProperty("analytics").GetBoolean()));
        Assert.Equal(["Free", "Package 2", "Package 3"], plans.Strings("name"));
    }
}
