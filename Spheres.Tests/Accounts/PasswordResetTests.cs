using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>Password reset by mail, read from a real SMTP server (MailDev) as the owner would read it.</summary>
public sealed partial class PasswordResetTests : IAsyncLifetime
{
    private const string Reset = "/api/accounts/password/reset/";
    private const string Confirm = "/api/accounts/password/reset/confirm/";
    private MailDevServer _mail = null!;
    private FakeTimeProvider _clock = null!;
    private TestHost _host = null!;

    public async Task InitializeAsync()
    {
        _mail = await MailDevServer.StartAsync();
        _clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        // The mails go out from the password-reset-mail queue: its trigger on, the others off (the shared Azurite is everyone's).
        var settings = QueueTriggers.Only("SendPasswordResetMail");
        settings[SettingNames.SmtpHost] = "127.0.0.1";
        settings[SettingNames.SmtpPort] = _mail.SmtpPort.ToString();
        settings[SettingNames.SmtpFrom] = "Spheres <no-reply@spheres.test>";
        settings[SettingNames.FrontendBaseUrl] = "http://localhost:5173";
        _host = await TestHost.StartSharedAsync(settings, services => services.AddSingleton<TimeProvider>(_clock));
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        await _mail.DisposeAsync();
    }

    [Fact]
    public async Task Known_and_unknown_emails_get_the_same_answer_and_only_the_known_one_gets_a_single_use_link()
    {
        var tenant = await _host.RegisterAsync();
        var unknown = Tenants.UniqueEmail("nobody");
        var before = await LoginAsync(tenant.Email, tenant.Password);

        var forUnknown = await _host.Client.PostAsJsonAsync(Reset, new { email = unknown });
        var forKnown = await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email.ToUpperInvariant() });
        Assert.Equal(HttpStatusCode.Accepted, forKnown.StatusCode);
        Assert.Equal(Describe(forKnown), Describe(forUnknown));

        var mail = Assert.Single(await _mail.WaitForMailsAsync(tenant.Email));
        // Both requests are done once the queue is idle: the unknown email got nothing.
        await _host.IdleAsync((await AzuriteServer.Shared).ConnectionString, TableNames.PasswordResetMailQueue);
        Assert.DoesNotContain(await _mail.InboxAsync(), m => m.To == unknown);
        Assert.Contains("Olena", mail.Text);
        var link = ResetLink().Match(mail.Text);
        Assert.True(link.Success, mail.Text);
        var token = Uri.UnescapeDataString(link.Groups[1].Value);

        var confirmed = await _host.Client.PostAsJsonAsync(Confirm, new { token, new_password = "brand new password" });
        Assert.True(confirmed.StatusCode == HttpStatusCode.NoContent, $"{(int)confirmed.StatusCode} {await confirmed.Content.ReadAsStringAsync()} for the link in: {mail.Text}");

        await (await LoginResponseAsync(tenant.Email, tenant.Password)).ProblemAsync(HttpStatusCode.Unauthorized);
        await LoginAsync(tenant.Email, "brand new password");
        // Every session from before the reset has ended.
        await (await _host.Client.PostAsJsonAsync("/api/accounts/token/refresh/", new { refresh_token = before })).ProblemAsync(HttpStatusCode.Unauthorized);
        // The link works once.
        var again = await _host.Client.PostAsJsonAsync(Confirm, new { token, new_password = "yet another password" });
        Assert.Equal(["token"], (await again.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await LoginAsync(tenant.Email, "brand new password");
    }

    [Fact]
    public async Task A_link_older_than_30_minutes_is_refused_and_changes_nothing()
    {
        var tenant = await _host.RegisterAsync();
        await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email });
        var token = Uri.UnescapeDataString(ResetLink().Match(Assert.Single(await _mail.WaitForMailsAsync(tenant.Email)).Text).Groups[1].Value);

        _clock.Advance(TimeSpan.FromMinutes(31));
        var late = await _host.Client.PostAsJsonAsync(Confirm, new { token, new_password = "brand new password" });

        Assert.Equal(["token"], (await late.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await LoginAsync(tenant.Email, tenant.Password);
    }

    [Fact]
    public async Task Using_one_link_spends_every_other_link_of_the_account()
    {
        var tenant = await _host.RegisterAsync();
        for (var i = 0; i < 3; i++) await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email });
        var tokens = (await _mail.WaitForMailsAsync(tenant.Email, 3)).Select(m => Uri.UnescapeDataString(ResetLink().Match(m.Text).Groups[1].Value)).ToList();
        Assert.Equal(3, tokens.Distinct().Count());

        var used = await _host.Client.PostAsJsonAsync(Confirm, new { token = tokens[1], new_password = "brand new password" });
        Assert.Equal(HttpStatusCode.NoContent, used.StatusCode);

        foreach (var other in new[] { tokens[0], tokens[2] })
        {
            var late = await _host.Client.PostAsJsonAsync(Confirm, new { token = other, new_password = "an attackers password" });
            Assert.Equal(["token"], (await late.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        }
        await LoginAsync(tenant.Email, "brand new password");
    }

    [Fact]
    public async Task A_password_change_spends_the_links_sent_before_it_and_later_links_work()
    {
        var tenant = await _host.RegisterAsync();
        await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email });
        var before = Uri.UnescapeDataString(ResetLink().Match(Assert.Single(await _mail.WaitForMailsAsync(tenant.Email)).Text).Groups[1].Value);

        var changed = await _host.Client.SendAsync(tenant.Request(HttpMethod.Post, "/api/accounts/password/",
            new { current_password = tenant.Password, new_password = "changed password" }));
        Assert.Equal(HttpStatusCode.NoContent, changed.StatusCode);

        var stale = await _host.Client.PostAsJsonAsync(Confirm, new { token = before, new_password = "an attackers password" });
        Assert.Equal(["token"], (await stale.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
        await LoginAsync(tenant.Email, "changed password");

        await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email });
        var after = Uri.UnescapeDataString(ResetLink().Match((await _mail.WaitForMailsAsync(tenant.Email, 2)).Last().Text).Groups[1].Value);
        Assert.NotEqual(before, after);
        Assert.Equal(HttpStatusCode.NoContent, (await _host.Client.PostAsJsonAsync(Confirm, new { token = after, new_password = "reset again password" })).StatusCode);
    }

    [Theory]
    [InlineData("URGENT: your account is suspended, verify at https://evil.example/login", "Hello URGENT,")]
    [InlineData("Olena Kovalenko", "Hello Olena,")]
    [InlineData("https://evil.example", "Hello https,")]
    [InlineData("1234 !!!", "Hello,")]
    [InlineData("\u202Eevil\u202C", "Hello,")]
    public async Task The_mail_carries_no_text_of_the_owners_but_a_short_sanitised_greeting(string name, string greeting)
    {
        name = System.Text.RegularExpressions.Regex.Unescape(name);
        var email = Tenants.UniqueEmail();
        var registered = await _host.Client.PostAsJsonAsync("/api/accounts/register/", new
        {
            email, password = Tenants.Password, name, business_name = "Salon", sphere_slug = "beauty",
        });
        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        await _host.Client.PostAsJsonAsync(Reset, new { email });

        var mail = Assert.Single(await _mail.WaitForMailsAsync(email));

        var lines = mail.Text.Replace("\r", "").Split('\n');
        Assert.Equal(greeting, lines[0]);
        Assert.Equal("Reset your Spheres password", mail.Subject);
        Assert.DoesNotContain("evil.example", mail.Text);
        Assert.DoesNotContain("suspended", mail.Text);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(mail.Text, "https?://"));
    }

    [Theory]
    [InlineData("""{"email":"not-an-email"}""", "email")]
    [InlineData("""{}""", "email")]
    public async Task A_request_without_a_valid_email_is_a_400(string json, string field)
    {
        var response = await _host.Client.PostAsync(Reset, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal([field], (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Theory]
    [InlineData("""{"token":"forged","new_password":"long enough password"}""", "token")]
    [InlineData("""{"token":"0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","new_password":"long enough password"}""", "token")]
    [InlineData("""{"token":"0123456789abcdef0123456789abcdef.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","new_password":"short"}""", "new_password")]
    public async Task A_forged_token_or_a_short_password_is_a_400_naming_it(string json, string field)
    {
        var response = await _host.Client.PostAsync(Confirm, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        Assert.Contains(field, (await response.ProblemAsync(HttpStatusCode.BadRequest)).ErrorFields());
    }

    [Fact]
    public async Task Reset_tokens_are_stored_only_as_hashes()
    {
        var tenant = await _host.RegisterAsync();
        await _host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email });
        var token = Uri.UnescapeDataString(ResetLink().Match(Assert.Single(await _mail.WaitForMailsAsync(tenant.Email)).Text).Groups[1].Value);
        var secret = token.Split('.')[1];

        var table = await _host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.Tenants, default);
        var rows = await table.QueryAsync<TableEntity>(e => e.PartitionKey == tenant.TenantId).ToListAsync();
        Assert.Contains(rows, r => r.RowKey.StartsWith("reset-", StringComparison.Ordinal));
        Assert.DoesNotContain(rows, r => r.RowKey.Contains(secret) || r.Any(p => p.Value?.ToString()?.Contains(secret) == true));
    }

    [Fact]
    public async Task Without_smtp_settings_a_reset_is_503_not_configured_for_every_email()
    {
        await using var host = await TestHost.StartSharedAsync(new Dictionary<string, string?>
        {
            [SettingNames.SmtpHost] = "@Microsoft.KeyVault(SecretUri=https://vault.example/secrets/smtp-host)",
            [SettingNames.SmtpFrom] = "no-reply@spheres.test",
            [SettingNames.FrontendBaseUrl] = "http://localhost:5173",
        });
        var tenant = await host.RegisterAsync();
        foreach (var email in new[] { tenant.Email, Tenants.UniqueEmail() })
        {
            var problem = await (await host.Client.PostAsJsonAsync(Reset, new { email })).ProblemAsync(HttpStatusCode.ServiceUnavailable);
            Assert.EndsWith("/not-configured", problem.GetProperty("type").GetString());
        }
    }

    private static string Describe(HttpResponseMessage response) =>
        $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {response.Content.ReadAsStringAsync().Result} " +
        string.Join(",", response.Headers.Select(h => h.Key).Order());

    private Task<HttpResponseMessage> LoginResponseAsync(string email, string password) =>
        _host.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password });

    private async Task<string> LoginAsync(string email, string password) =>
        (await (await LoginResponseAsync(email, password)).JsonAsync()).GetProperty("refresh_token").GetString()!;

    [GeneratedRegex(@"http://localhost:5173/reset-password\?token=(\S+)")]
    private static partial Regex ResetLink();
}
