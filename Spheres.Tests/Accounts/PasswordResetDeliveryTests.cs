using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Spheres.Core.Accounts;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Configuration;
using Spheres.Core.Storage;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Accounts;

/// <summary>
/// Password-reset mail is durable work in the <c>password-reset-mail</c> queue, not in the memory of the instance that took the
/// request: it survives that instance, goes out once however often it is delivered, and a mail that cannot be sent ends in the
/// poison queue. Neither the queue nor the logs ever hold the link's token or the address. Each test has its own Azurite (the
/// instances here read every message of the queue) and MailDev.
/// </summary>
public sealed partial class PasswordResetDeliveryTests : IAsyncLifetime
{
    private const string Reset = "/api/accounts/password/reset/";
    private AzuriteServer _azurite = null!;
    private MailDevServer _mail = null!;
    private readonly LogCapture _logs = new();

    public async Task InitializeAsync()
    {
        _azurite = await AzuriteServer.StartAsync();
        _mail = await MailDevServer.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _mail.DisposeAsync();
        await _azurite.DisposeAsync();
    }

    [Fact]
    public async Task A_reset_taken_by_an_instance_that_stops_before_sending_is_mailed_by_another_instance()
    {
        string email;
        // Instance A takes the request and stops before any mail leaves it: its queue listener never ran, and its own SMTP
        // server is a closed port, so a request kept in A's memory would be lost with it.
        await using (var a = await StartAsync(smtpPort: AzuriteServer.FreePort(), queueTriggers: false))
        {
            var tenant = await a.RegisterAsync();
            email = tenant.Email;
            var accepted = await a.Client.PostAsJsonAsync(Reset, new { email });
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
        }
        Assert.Empty(await _mail.InboxAsync());

        var queued = Assert.Single((await Queue(TableNames.PasswordResetMailQueue).PeekMessagesAsync(10)).Value);
        var body = JsonDocument.Parse(queued.Body).RootElement;
        Assert.Equal(["email_key", "request_id"], body.EnumerateObject().Select(p => p.Name).Order());
        Assert.DoesNotContain(email.Split('@')[0], queued.Body.ToString(), StringComparison.OrdinalIgnoreCase);

        // Instance B, on the same storage, sends it; the link works.
        await using var b = await StartAsync(_mail.SmtpPort, queueTriggers: true);
        var token = TokenOf(Assert.Single(await _mail.WaitForMailsAsync(email)));
        var confirmed = await b.Client.PostAsJsonAsync("/api/accounts/password/reset/confirm/", new { token, new_password = "reset on another instance" });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        await (await b.Client.PostAsJsonAsync("/api/accounts/login/", new { email, password = "reset on another instance" })).JsonAsync();

        await b.IdleAsync(_azurite.ConnectionString, TableNames.PasswordResetMailQueue);
        AssertLogsHoldNeither(token, email);
    }

    [Fact]
    public async Task A_request_delivered_again_after_its_mail_went_out_sends_no_second_mail()
    {
        var queue = Queue(TableNames.PasswordResetMailQueue);
        string email;
        BinaryData request;
        await using (var web = await StartAsync(_mail.SmtpPort, queueTriggers: false))
        {
            var tenant = await web.RegisterAsync();
            email = tenant.Email;
            await web.Client.PostAsJsonAsync(Reset, new { email });
            request = Assert.Single((await queue.PeekMessagesAsync(10)).Value).Body;
        }
        await using var worker = await StartAsync(_mail.SmtpPort, queueTriggers: true);
        var token = TokenOf(Assert.Single(await _mail.WaitForMailsAsync(email)));
        await worker.IdleAsync(_azurite.ConnectionString, TableNames.PasswordResetMailQueue);

        // The same message again, as when an instance stops after sending but before the message is deleted.
        await queue.SendMessageAsync(request);
        await QueueTriggers.UntilAsync(() => Task.FromResult(worker.Activity(TableNames.PasswordResetMailQueue).Succeeded == 2), "the second delivery handled");

        Assert.Single(await _mail.InboxAsync());
        // The link of the one mail still works: the second delivery issued no new token and spent nothing.
        var confirmed = await worker.Client.PostAsJsonAsync("/api/accounts/password/reset/confirm/", new { token, new_password = "reset exactly once" });
        Assert.Equal(HttpStatusCode.NoContent, confirmed.StatusCode);
        AssertLogsHoldNeither(token, email);

        // What remembers the sent mail goes with the expired reset tokens.
        var tenantId = token.Split('.')[0];
        Assert.Contains(await AzuriteContents.RowsOfTenantAsync(_azurite.ConnectionString, tenantId), r => r.StartsWith($"Tenants/{tenantId}/reset-mailed-", StringComparison.Ordinal));
        await worker.Services.GetRequiredService<SessionStore>().PurgeExpiredAsync(
            DateTimeOffset.UtcNow + PasswordService.ResetTokenLifetime + TimeSpan.FromMinutes(1), 1000, default);
        Assert.DoesNotContain(await AzuriteContents.RowsOfTenantAsync(_azurite.ConnectionString, tenantId), r => r.Contains("/reset-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_mail_that_cannot_be_sent_is_tried_five_times_then_waits_in_the_poison_queue_without_a_token()
    {
        await using var host = await StartAsync(smtpPort: AzuriteServer.FreePort(), queueTriggers: true); // nothing listens there
        var tenant = await host.RegisterAsync();

        Assert.Equal(HttpStatusCode.Accepted, (await host.Client.PostAsJsonAsync(Reset, new { email = tenant.Email })).StatusCode);

        await QueueTriggers.UntilAsync(() => Task.FromResult(host.Activity(TableNames.PasswordResetMailQueue).Poisoned == 1), "the request poisoned");
        Assert.Equal(5, host.Activity(TableNames.PasswordResetMailQueue).Failed);
        var poisoned = Assert.Single((await Queue(TableNames.PasswordResetMailQueue + "-poison").PeekMessagesAsync(10)).Value);
        Assert.DoesNotMatch(Token(), poisoned.Body.ToString());
        Assert.DoesNotContain(_logs.Lines, line => Token().IsMatch(line));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(tenant.Email, StringComparison.OrdinalIgnoreCase));
    }

    private Task<TestHost> StartAsync(int smtpPort, bool queueTriggers)
    {
        var settings = queueTriggers ? QueueTriggers.On() : [];
        settings[SettingNames.SmtpHost] = "127.0.0.1";
        settings[SettingNames.SmtpPort] = smtpPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
        settings[SettingNames.SmtpFrom] = "Spheres <no-reply@spheres.test>";
        settings[SettingNames.FrontendBaseUrl] = "http://localhost:5173";
        return TestHost.StartAsync(_azurite.ConnectionString, settings, _logs.AddTo);
    }

    private Azure.Storage.Queues.QueueClient Queue(string name) => QueueTriggers.Queue(_azurite.ConnectionString, name);

    private void AssertLogsHoldNeither(string token, string email)
    {
        Assert.NotEmpty(_logs.Lines);
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(token.Split('.')[1], StringComparison.Ordinal));
        Assert.DoesNotContain(_logs.Lines, line => line.Contains(email, StringComparison.OrdinalIgnoreCase));
    }

    private static string TokenOf(MailDevServer.Mail mail)
    {
        var link = Regex.Match(mail.Text, @"http://localhost:5173/reset-password\?token=(\S+)");
        Assert.True(link.Success, mail.Text);
        return Uri.UnescapeDataString(link.Groups[1].Value);
    }

    /// <summary>The shape of a reset token: the tenant id, a dot, 43 base64url characters.</summary>
    [GeneratedRegex(@"[0-9a-f]{32}\.[A-Za-z0-9_-]{43}")]
    private static partial Regex Token();
}
