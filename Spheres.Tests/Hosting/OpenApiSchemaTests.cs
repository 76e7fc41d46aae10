using System.Text.Json;
using Spheres.Functions.OpenApi;

namespace Spheres.Tests.Hosting;

/// <summary>The OpenAPI schemas say what the API really does: which fields are required, which may be null, their bounds and values.</summary>
public sealed class OpenApiSchemaTests
{
    private static readonly JsonElement Document = JsonDocument.Parse(OpenApiDocument.Utf8).RootElement;
    private static JsonElement Schemas => Document.GetProperty("components").GetProperty("schemas");

    [Fact]
    public void Every_request_and_response_body_is_a_named_component()
    {
        foreach (var operation in Operations())
        {
            var id = operation.GetProperty("operationId").GetString();
            if (operation.TryGetProperty("requestBody", out var body))
                AssertNamed(body.GetProperty("content").GetProperty("application/json").GetProperty("schema"), $"{id} request");
            foreach (var response in operation.GetProperty("responses").EnumerateObject())
            {
                if (!response.Value.TryGetProperty("content", out var content)) continue;
                foreach (var media in content.EnumerateObject().Where(m => m.Name.Contains("json", StringComparison.Ordinal)))
                    AssertNamed(media.Value.GetProperty("schema"), $"{id} {response.Name}");
            }
        }
    }

    [Fact]
    public void Public_operations_say_security_is_empty_and_the_rest_name_their_scheme()
    {
        var bySecurity = Operations().ToLookup(o => o.GetProperty("security").GetArrayLength() == 0, o => o.GetProperty("operationId").GetString());
        Assert.Contains("Register", bySecurity[true]);
        Assert.Contains("ListAvailableIntegrations", bySecurity[false]);
        Assert.Contains("TelegramWebhook", bySecurity[true]);
    }

    [Fact]
    public void Requests_require_only_what_the_api_requires_and_take_null_on_optional_fields_as_not_given()
    {
        Assert.Equal(["email", "password", "name"], Strings(Schemas.GetProperty("RegisterRequest").GetProperty("required")));
        Assert.False(Schemas.GetProperty("IntegrationRequest").TryGetProperty("required", out _));
        Assert.Equal(["weekday"], Strings(Schemas.GetProperty("WeekRowRequest").GetProperty("required")));
        Assert.Equal(["weekday", "start_time", "end_time", "is_enabled"], Strings(Schemas.GetProperty("WorkingHoursRowPutRequest").GetProperty("required")));

        var register = Schemas.GetProperty("RegisterRequest").GetProperty("properties");
        Assert.Equal("string", register.GetProperty("email").GetProperty("type").GetString()); // required: not [string, null]
        Assert.Equal(["integer", "string", "null"], Strings(register.GetProperty("sphere_id").GetProperty("type"))); // optional
        Assert.Equal(["string", "null"], Strings(register.GetProperty("business_name").GetProperty("type")));
        var put = Schemas.GetProperty("WorkingHoursRowPutRequest").GetProperty("properties");
        Assert.Equal("boolean", put.GetProperty("is_enabled").GetProperty("type").GetString()); // required
        Assert.Equal(["string", "null"], Strings(put.GetProperty("start_time").GetProperty("type"))); // required, null means "no times"
        Assert.Equal(8, register.GetProperty("password").GetProperty("minLength").GetInt32());
        var week = Schemas.GetProperty("WeekRowRequest").GetProperty("properties");
        Assert.Equal(["string", "null"], Strings(week.GetProperty("start_time").GetProperty("type")));
        Assert.Equal(6, week.GetProperty("weekday").GetProperty("maximum").GetInt32());
        Assert.Matches(week.GetProperty("end_time").GetProperty("pattern").GetString()!, "24:00");
    }

    [Fact]
    public void Responses_list_every_field_as_required_with_null_where_it_can_be_null()
    {
        var integration = Schemas.GetProperty("Integration");
        Assert.Equal(integration.GetProperty("properties").EnumerateObject().Select(p => p.Name), Strings(integration.GetProperty("required")));
        Assert.Equal(["string", "null"], Strings(integration.GetProperty("properties").GetProperty("status_detail").GetProperty("type")));
        Assert.Equal("string", integration.GetProperty("properties").GetProperty("icon").GetProperty("type").GetString());
        // Left out when absent, never null: pattern of a credential field.
        var field = Schemas.GetProperty("CredentialField");
        Assert.DoesNotContain("pattern", Strings(field.GetProperty("required")));
        Assert.Equal("string", field.GetProperty("properties").GetProperty("pattern").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData("Integration", "status", "pending,active,inactive,error,relink_required")]
    [InlineData("Message", "decision", "agent,out_of_hours,quota_exceeded,inactive,human")]
    [InlineData("Message", "provider", "telegram,whatsapp,instagram,messenger")]
    [InlineData("Profile", "plan", "free,starter,professional")]
    [InlineData("Connect", "method", "oauth,bot_token,api_key,credentials")]
    [InlineData("AvailableIntegration", "unavailable_reason", "plan-required,country,")]
    public void Fixed_sets_of_values_are_enums(string schema, string property, string values)
    {
        var actual = Schemas.GetProperty(schema).GetProperty("properties").GetProperty(property).GetProperty("enum")
            .EnumerateArray().Select(v => v.ValueKind == JsonValueKind.Null ? "" : v.GetString());
        Assert.Equal(values.Split(','), actual);
    }

    [Fact]
    public void Settings_and_credentials_map_names_to_strings()
    {
        var request = Schemas.GetProperty("IntegrationRequest").GetProperty("properties");
        Assert.Equal("string", request.GetProperty("credentials").GetProperty("additionalProperties").GetProperty("type").GetString());
        Assert.Equal(["string", "null"], Strings(request.GetProperty("settings").GetProperty("additionalProperties").GetProperty("type")));
    }

    [Theory]
    [InlineData("/api/webhooks/telegram/{integration_key}/", "TelegramUpdate")]
    [InlineData("/api/webhooks/meta/", "MetaDelivery")]
    [InlineData("/api/webhooks/calendly/", "CalendlyEvent")]
    [InlineData("/api/webhooks/zoom/", "ZoomEvent")]
    [InlineData("/api/webhooks/square/", "SquareEvent")]
    public void Webhook_request_bodies_are_documented(string path, string schema)
    {
        var body = Document.GetProperty("paths").GetProperty(path).GetProperty("post").GetProperty("requestBody");
        Assert.Equal("#/components/schemas/" + schema, body.GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        Assert.True(Schemas.GetProperty(schema).GetProperty("required").GetArrayLength() > 0);
    }

    [Fact]
    public void Query_parameters_carry_their_bounds_and_values()
    {
        var parameters = Document.GetProperty("paths").GetProperty("/api/messages/").GetProperty("get").GetProperty("parameters").EnumerateArray()
            .ToDictionary(p => p.GetProperty("name").GetString()!, p => p.GetProperty("schema"));
        Assert.Equal((1, 200), (parameters["limit"].GetProperty("minimum").GetInt32(), parameters["limit"].GetProperty("maximum").GetInt32()));
        var status = Document.GetProperty("paths").GetProperty("/api/integrations/api/").GetProperty("get").GetProperty("parameters")[0];
        Assert.Equal(["pending", "active", "inactive", "error", "relink_required"], Strings(status.GetProperty("schema").GetProperty("enum")));
    }

    private static void AssertNamed(JsonElement schema, string where)
    {
        var target = schema.TryGetProperty("items", out var items) ? items : schema;
        Assert.True(target.TryGetProperty("$ref", out var reference), $"{where} is not a named schema: {schema}");
        Assert.True(Schemas.TryGetProperty(reference.GetString()!["#/components/schemas/".Length..], out _), $"{where}: {reference} is not defined");
    }

    private static IEnumerable<JsonElement> Operations() =>
        Document.GetProperty("paths").EnumerateObject().SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value);

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];
}
