using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Spheres.Tests.Infrastructure;

/// <summary>One operation of /api/openapi.json: only its path, method, operationId and documented statuses are read.</summary>
public sealed record DocumentedOperation(string Method, string Path, string OperationId, IReadOnlySet<string> Statuses)
{
    public bool Documents(int status) => Statuses.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public override string ToString() => $"{OperationId} ({Method.ToUpperInvariant()} {Path})";

    public static async Task<IReadOnlyList<DocumentedOperation>> AllAsync(HttpClient client)
    {
        var document = await (await client.GetAsync("/api/openapi.json")).JsonAsync();
        return document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => operation.Value.ValueKind == JsonValueKind.Object && operation.Value.TryGetProperty("responses", out _))
                .Select(operation => new DocumentedOperation(operation.Name, path.Name,
                    operation.Value.GetProperty("operationId").GetString()!,
                    operation.Value.GetProperty("responses").EnumerateObject().Select(r => r.Name).ToHashSet())))
            .ToList();
    }
}

/// <summary>
/// A plausible request for each operation, so it gets past input validation to where it would check
/// credentials or read storage. With credentials it carries all the app accepts: a bearer token, the
/// function key and the provider's signature; without, none of them.
/// </summary>
public static class SampleRequests
{
    public sealed record Credentials(string BearerToken);

    public static HttpRequestMessage For(DocumentedOperation operation, Credentials? credentials)
    {
        var request = new HttpRequestMessage(new HttpMethod(operation.Method.ToUpperInvariant()), RouteSamples.Fill(operation.Path));
        var body = Body(operation.OperationId, credentials);
        if (body is not null) request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        else request.WithEmptyJsonBody();
        if (credentials is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", credentials.BearerToken);
            request.Headers.Add("x-functions-key", TestHost.FunctionKey);
            foreach (var (name, value) in Signature(operation.OperationId, body ?? "", Now)) request.Headers.TryAddWithoutValidation(name, value);
        }
        foreach (var (name, value) in UnsignedHeaders(operation.OperationId)) request.Headers.TryAddWithoutValidation(name, value);
        if (operation.OperationId == "GmailWebhook" && credentials is not null)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", GoogleOidcTokens.Sign(DateTimeOffset.UtcNow));
        if (operation.OperationId == "SearchReviews")
            request.RequestUri = new Uri(request.RequestUri + "?q=" + Uri.EscapeDataString("черга"), UriKind.Relative);
        if (operation.OperationId == "FindTenant")
            request.RequestUri = new Uri(request.RequestUri + "?email=" + Uri.EscapeDataString(Tenants.UniqueEmail("support")), UriKind.Relative);
        if (operation.OperationId == "MetaWebhookVerification" && credentials is not null)
            request.RequestUri = new Uri(request.RequestUri + $"?hub.mode=subscribe&hub.verify_token={TestHost.MetaVerifyToken}&hub.challenge=42", UriKind.Relative);
        return request;
    }

    private static string Now => DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A token in the shape the app issues (<c>{tenant}.{43 chars}</c>), for the caller's tenant when there is one, so it reaches storage.</summary>
    private static string WellFormedToken(Credentials? credentials)
    {
        var tenant = Guid.NewGuid().ToString("N");
        if (credentials?.BearerToken.Split('.') is [_, var payload, _])
        {
            using var claims = JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload));
            tenant = claims.RootElement.GetProperty("tid").GetString()!;
        }
        return tenant + "." + new string('A', 43);
    }

    private static string? Body(string operationId, Credentials? credentials) => operationId switch
    {
        "Register" => Json(new { email = Tenants.UniqueEmail("openapi"), password = Tenants.Password, name = "Olena", business_name = "Salon",
            sphere_slug = "beauty", timezone = "Europe/Kyiv", country = "UA" }),
        "Login" => Json(new { email = Tenants.UniqueEmail("openapi"), password = "not the password" }),
        "UpdateProfile" => Json(new { business_name = "Renamed" }),
        "CreateIntegration" => Json(new { integration_type_slug = "telegram" }),
        "ReplaceIntegration" => Json(new { settings = new { greeting = "Hello" } }),
        "ReplaceWorkingHours" => Json(new[] { new { weekday = 1, start_time = "09:00", end_time = "18:00" } }),
        "CreateWorkingHoursRow" => Json(new { integration = 1, weekday = 1, start_time = "09:00", end_time = "18:00" }),
        "ReplaceWorkingHoursRow" => Json(new { integration = 1, weekday = 1, start_time = "09:00", end_time = "18:00", is_enabled = true }),
        "RefreshToken" or "Logout" => Json(new { refresh_token = WellFormedToken(credentials) }),
        "ChangePassword" => Json(new { current_password = "not the password", new_password = "a new password 2" }),
        "RequestPasswordReset" => Json(new { email = Tenants.UniqueEmail("openapi") }),
        "ConfirmPasswordReset" => Json(new { token = WellFormedToken(null), new_password = "a new password 2" }),
        "CreateWorkingHoursException" => Json(new { date = "2026-12-25", is_closed = true }),
        "SetTenantPlan" => Json(new { plan = "starter" }),
        "EraseAccount" => Json(new { password = Tenants.Password }),
        "SelectMetaAccount" => Json(new { account_id = "123456789012" }),
        "CreateReview" => Json(new { text = "Чудовий манікюр, дякую!", rating = 5 }),
        "AdminPatchSphere" or "AdminPatchIntegrationType" => Json(new { order = 5 }),
        "TelegramWebhook" => Json(Deliveries.TelegramUpdate(Random.Shared.NextInt64(1, 1_000_000_000), 1, "hello", DateTimeOffset.UtcNow)),
        "MetaWebhook" => Json(new
        {
            @object = "page",
            entry = new[] { new { id = "123456789012", time = 1, messaging = new[] { new {
                sender = new { id = "psid-1" }, recipient = new { id = "123456789012" }, timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
                message = new { mid = "m_" + Guid.NewGuid().ToString("N"), text = "hello" } } } } },
        }),
        "CalendlyWebhook" => Json(new
        {
            @event = "invitee.created", created_at = "2026-11-26T20:15:00.000000Z", created_by = "https://api.calendly.com/users/openapi",
            payload = new { uri = $"https://api.calendly.com/scheduled_events/E1/invitees/{Guid.NewGuid():N}", email = "client@example.com", name = "Marta" },
        }),
        "ZoomWebhook" => Json(new
        {
            @event = "meeting.started", event_ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            payload = new { account_id = "AAAAopenapi0001", @object = new { uuid = "4444AAAiAAAAAiAiAiiAii==", id = "85052185124", topic = "Consultation" } },
        }),
        "SquareWebhook" => Json(new
        {
            merchant_id = "MLOPENAPI000001", type = "booking.created", event_id = Guid.NewGuid().ToString(), created_at = "2026-11-26T10:00:00Z",
            data = new { type = "booking", id = "bk1", @object = new { booking = new { id = "bk1", status = "ACCEPTED" } } },
        }),
        "GmailWebhook" => Json(new
        {
            message = new
            {
                data = Convert.ToBase64String(Encoding.UTF8.GetBytes("{\"emailAddress\":\"openapi@example.com\",\"historyId\":9876543}")),
                messageId = Random.Shared.NextInt64(1, long.MaxValue).ToString(System.Globalization.CultureInfo.InvariantCulture), publishTime = "2026-11-26T10:00:00Z",
            },
            subscription = "projects/spheres-test/subscriptions/gmail-push",
        }),
        _ => null,
    };

    /// <summary>What identifies a delivery without proving it (the provider's credential is in <see cref="Signature"/>).</summary>
    private static IEnumerable<(string, string)> UnsignedHeaders(string operationId) => operationId switch
    {
        "GoogleCalendarWebhook" => [("X-Goog-Channel-ID", RouteSamples.IntegrationKey), ("X-Goog-Resource-State", "exists"), ("X-Goog-Message-Number", "2")],
        _ => [],
    };

    private static IEnumerable<(string, string)> Signature(string operationId, string body, string now) => operationId switch
    {
        "TelegramWebhook" => [("X-Telegram-Bot-Api-Secret-Token", "a-secret-telegram-was-given")],
        "MetaWebhook" => [("X-Hub-Signature-256", "sha256=" + Deliveries.HexHmac(TestHost.MetaAppSecret, body))],
        "CalendlyWebhook" => [("Calendly-Webhook-Signature", $"t={now},v1={Deliveries.HexHmac(TestHost.CalendlySigningKey, now + "." + body)}")],
        "ZoomWebhook" => [("x-zm-request-timestamp", now), ("x-zm-signature", "v0=" + Deliveries.HexHmac(TestHost.ZoomWebhookSecret, $"v0:{now}:{body}"))],
        "SquareWebhook" => [("x-square-hmacsha256-signature", Convert.ToBase64String(HMACSHA256.HashData(
            Encoding.UTF8.GetBytes(TestHost.SquareSignatureKey), Encoding.UTF8.GetBytes("https://spheres.test/api/webhooks/square/" + body))))],
        "GoogleCalendarWebhook" => [("X-Goog-Channel-Token", "a-channel-token")],
        _ => [],
    };

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}
