using System.Net;
using System.Net.Http.Json;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hardening;

/// <summary>
/// Values from a URL that would become storage keys are checked first: a clear 4xx, never a 5xx a provider retries forever.
/// Keys with control characters are a 400 before any of this (ControlCharacterPathTests).
/// </summary>
public sealed class KeyValidationTests
{
    [Theory]
    [InlineData("a%23b")]
    [InlineData("a%3Fb")]
    [InlineData("a%5Cb")]
    [InlineData("key-longer-than-any-we-make-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task A_telegram_webhook_key_that_cannot_be_ours_is_401(string key)
    {
        await using var host = await TestHost.StartSharedAsync();
        var request = Deliveries.Signed($"/api/webhooks/telegram/{key}/", "{}", ("X-Telegram-Bot-Api-Secret-Token", "guess"));
        await (await host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.Unauthorized);
    }

    [Theory]
    [InlineData("a%23b")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("x")]
    public async Task An_admin_plan_change_for_a_tenant_id_that_cannot_exist_is_404(string tenantId)
    {
        await using var host = await TestHost.StartSharedAsync();
        var request = host.AdminRequest(HttpMethod.Put, $"/api/admin/tenants/{tenantId}/plan/");
        request.Content = JsonContent.Create(new { plan = "starter" });
        await (await host.Client.SendAsync(request)).ProblemAsync(HttpStatusCode.NotFound);
    }
}
