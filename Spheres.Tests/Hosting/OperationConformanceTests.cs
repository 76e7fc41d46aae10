using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CsCheck;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// Every operation of GET /api/openapi.json, driven by the document alone (issue 26, docs/openapi.md): its documented examples
/// are accepted, and requests generated from its schemas (path, query and JSON body, each checked against the document by
/// JsonSchema.Net before it is sent) are never refused with a 400 the schema did not announce. Answers about state (401, 403,
/// 404, 409, a wrong password) are fine: the schema cannot know them.
/// </summary>
public sealed class OperationConformanceTests
{
    /// <summary>Fixed, so a failure names a request that reproduces it.</summary>
    private const string Seed = "0N0XIzNsQ0O2";
    private const int RequestsPerOperation = 8;

    /// <summary>
    /// 400s about state, not shape, as (operation, field or "" when the problem names none, how its message starts): the
    /// request is well-formed but names nothing valid now (a wrong password, a spent token, a row that would overlap one
    /// stored, an integration that is not of that kind). Each is documented on its operation.
    /// </summary>
    private static readonly (string Operation, string Field, string Message)[] StateRefusals =
    [
        ("EraseAccount", "password", "The password is wrong"), ("ChangePassword", "current_password", "This is not your current password"),
        ("ConfirmPasswordReset", "token", "This reset link is not valid"), ("ConfirmConsent", "code", ""),
        ("SelectMetaAccount", "account_id", ""), ("SelectMetaAccount", "", "telegram is connected to one account"),
        ("ListMetaAccounts", "", "telegram is connected to one account"), ("ConnectIntegration", "", "telegram is connected with its credentials"),
        ("CreateWorkingHoursRow", "body", "Overlaps row"), ("PatchWorkingHoursRow", "body", "Overlaps row"), ("ReplaceWorkingHoursRow", "body", "Overlaps row"),
    ];

    [Fact]
    public async Task Documented_examples_of_every_operation_are_accepted()
    {
        await using var world = await World.StartAsync();
        var refused = new List<string>();
        var sent = 0;
        foreach (var operation in world.Operations)
        {
            var parameters = operation.Parameters.Where(p => p.In is "path" or "query").ToList();
            var values = parameters.Where(p => p.In == "path" || p.Required)
                .ToDictionary(p => p, p => Example(p.Schema) ?? throw new Xunit.Sdk.XunitException($"{operation}: parameter {p.Name} has no example"));
            var bodies = operation.BodyExamples.Count > 0 ? operation.BodyExamples.Select(b => (JsonNode?)b).ToList() : [null];
            foreach (var body in bodies)
            {
                sent++;
                if (await world.SendAsync(operation, values, body) is { } failure) refused.Add(failure);
            }
            // Each optional query parameter's example, one at a time.
            foreach (var parameter in parameters.Where(p => !values.ContainsKey(p) && Example(p.Schema) is not null))
            {
                sent++;
                if (await world.SendAsync(operation, new Dictionary<Parameter, string>(values) { [parameter] = Example(parameter.Schema)! }, bodies[0]) is { } failure)
                    refused.Add(failure);
            }
        }
        Assert.True(sent >= world.Operations.Count, $"only {sent} requests");
        Assert.True(refused.Count == 0, $"Documented examples refused ({refused.Count} of {sent}):\n" + string.Join("\n", refused));
        world.AssertAnswersConform();
    }

    [Fact]
    public async Task Schema_valid_requests_of_every_operation_are_never_refused_for_what_the_schema_allowed()
    {
        await using var world = await World.StartAsync();
        var refused = new List<string>();
        var sent = 0;
        foreach (var operation in world.Operations)
        {
            foreach (var (values, body) in world.Generate(operation))
            {
                sent++;
                if (await world.SendAsync(operation, values, body) is { } failure) refused.Add(failure);
            }
        }
        Assert.True(sent >= world.Operations.Count * RequestsPerOperation / 2, $"only {sent} requests");
        Assert.True(refused.Count == 0, $"Schema-valid requests refused ({refused.Count} of {sent}):\n" +
            string.Join("\n", refused.DistinctBy(r => r[..Math.Min(r.Length, 60)]).Take(40)));
        world.AssertAnswersConform();
    }

    [Fact]
    public async Task Schema_invalid_requests_of_every_operation_are_refused()
    {
        // The negative-data check: a request the document refuses (one parameter or one body field outside its schema, a
        // required field missing, a field it does not know) is answered 4xx, never accepted and never a 5xx.
        await using var world = await World.StartAsync();
        var accepted = new List<string>();
        var sent = 0;
        foreach (var operation in world.Operations)
        {
            foreach (var (values, body, change) in world.Invalid(operation))
            {
                sent++;
                var (status, what, text) = await world.SendForStatusAsync(operation, values, body);
                if (status == 200 && RowByRowOperations.Contains(operation.Id) && RejectedRow(change) is { } row)
                {
                    // Rows are checked one by one (documented): the answer lists the invalid one instead of refusing the request.
                    if (!JsonDocument.Parse(text).RootElement.GetProperty("rejected").EnumerateArray().Any(r => r.GetProperty("index").GetInt32() == row))
                        accepted.Add($"{what} ({change}) → 200 without row {row} in rejected");
                }
                else if (status < 400 || (status >= 500 && status != 503)) accepted.Add($"{what} ({change}) → {status}");
            }
        }
        Assert.True(sent >= world.Operations.Count, $"only {sent} requests");
        Assert.True(accepted.Count == 0, $"Schema-invalid requests not refused ({accepted.Count} of {sent}):\n" +
            string.Join("\n", accepted.DistinctBy(a => a[..Math.Min(a.Length, 70)]).Take(40)));
        world.AssertAnswersConform();
    }

    /// <summary>Operations whose body is an array of rows each checked on its own: an invalid row is listed under <c>rejected</c>, the rest stored.</summary>
    private static readonly HashSet<string> RowByRowOperations = ["ImportReviews"];

    /// <summary>The row a change of <see cref="World.Invalid"/> is in, when it is inside one item of the body's array ("[3].text: …", "without [3].text").</summary>
    private static int? RejectedRow(string change) =>
        System.Text.RegularExpressions.Regex.Match(change, @"^(without )?\[(\d+)\]") is { Success: true } m ? int.Parse(m.Groups[2].Value) : null;

    [Fact]
    public async Task The_generator_finds_a_body_rule_the_schema_does_not_state()
    {
        // Proof that the check above can fail: without its minLength, new_password is drawn shorter than the handler takes.
        await using var world = await World.StartAsync(document =>
            document["components"]!["schemas"]!["PasswordChangeRequest"]!["properties"]!["new_password"]!.AsObject().Remove("minLength"));
        var operation = world.Operations.Single(o => o.Id == "ChangePassword");
        var refused = new List<string>();
        foreach (var (values, body) in world.Generate(operation, count: 40))
        {
            if (await world.SendAsync(operation, values, body) is { } failure) refused.Add(failure);
        }
        Assert.Contains(refused, r => r.Contains("\"new_password\"", StringComparison.Ordinal));
    }

    /// <summary>A parameter's documented example: its first example, or its first enum value.</summary>
    private static string? Example(JsonElement schema) =>
        (schema.TryGetProperty("examples", out var examples) || schema.TryGetProperty("enum", out examples)) && examples.GetArrayLength() > 0
            ? Text(JsonNode.Parse(examples[0].GetRawText())) : null;

    private static string Text(JsonNode? value) => value is JsonValue v && v.TryGetValue<string>(out var s) ? s : value?.ToJsonString() ?? "null";

    public sealed record Parameter(string Name, string In, bool Required, JsonElement Schema, string Pointer);

    public sealed record Operation(string Method, string Path, string Id, IReadOnlyList<Parameter> Parameters, string? BodyPointer,
        IReadOnlyList<JsonNode> BodyExamples, bool Admin, bool Bearer)
    {
        public override string ToString() => $"{Method} {Path} ({Id})";
    }

    /// <summary>A host, a professional tenant with one Telegram integration (id 1) and its week, and the document's operations.</summary>
    private sealed class World : IAsyncDisposable
    {
        private AzuriteServer _azurite = null!;
        private TestHost _host = null!;
        private TenantSession _tenant = null!;
        private SchemaGen _schemas = null!;
        private JsonElement _document;
        public List<Operation> Operations { get; } = [];

        /// <summary>Answers whose status the operation does not document, or whose body is not its documented schema.</summary>
        public List<string> Unconforming { get; } = [];

        /// <summary>The response-conformance check, over every answer this world received.</summary>
        public void AssertAnswersConform() => Assert.True(Unconforming.Count == 0,
            $"Answers not as documented ({Unconforming.Count}):\n" + string.Join("\n", Unconforming.DistinctBy(u => u[..Math.Min(u.Length, 70)]).Take(30)));

        /// <param name="change">Changes the served document before it is read, to show that a missing rule is found.</param>
        public static async Task<World> StartAsync(Action<JsonNode>? change = null)
        {
            // Its own Azurite: the admin operations change the global catalog (a sphere or a type made inactive), which the
            // tests running beside it on the shared one read. On Kestrel, as ./run.sh serves it: DevHost's connection
            // middleware and Kestrel's own parsing are in the path.
            var azurite = await AzuriteServer.StartAsync();
            var world = new World { _azurite = azurite, _host = await TestHost.StartAsync(azurite.ConnectionString, onKestrel: true) };
            world._tenant = await world._host.RegisterAsync(plan: "professional");
            var integration = await world._host.ConnectTelegramAsync(world._tenant);
            Assert.Equal(1, integration.Id());
            await world._host.SetWeekAsync(world._tenant, 1, WorkingHoursApi.Row(0, "09:00", "18:00"));
            var served = JsonNode.Parse(await world._host.Client.GetStringAsync("/api/openapi.json"))!;
            change?.Invoke(served);
            var document = JsonDocument.Parse(served.ToJsonString()).RootElement;
            world._document = document;
            world._schemas = new SchemaGen(document);
            world.Operations.AddRange(Read(document));
            return world;
        }

        /// <summary>Catalog changes, then deletions last, so what the others name is there while they run.</summary>
        private static IEnumerable<Operation> Read(JsonElement document) =>
            from path in document.GetProperty("paths").EnumerateObject()
            from method in path.Value.EnumerateObject()
            let op = method.Value
            let pointer = $"/paths/{SchemaGen.Escape(path.Name)}/{method.Name}"
            let body = op.TryGetProperty("requestBody", out var b) ? b.GetProperty("content").GetProperty("application/json") : (JsonElement?)null
            let security = op.GetProperty("security").EnumerateArray().SelectMany(s => s.EnumerateObject().Select(o => o.Name)).ToList()
            orderby security.Contains("functionKey"), method.Name == "delete"
            select new Operation(method.Name.ToUpperInvariant(), path.Name, op.GetProperty("operationId").GetString()!,
                op.TryGetProperty("parameters", out var ps)
                    ? ps.EnumerateArray().Select((p, i) => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                        p.GetProperty("required").GetBoolean(), p.GetProperty("schema"), $"{pointer}/parameters/{i}/schema")).ToList()
                    : [],
                body is null ? null : $"{pointer}/requestBody/content/application~1json/schema",
                body is { } media && media.TryGetProperty("examples", out var examples)
                    ? examples.EnumerateObject().Select(e => JsonNode.Parse(e.Value.GetProperty("value").GetRawText())!).ToList()
                    : [],
                security.Contains("functionKey"), security.Contains("bearer"));

        /// <summary>Schema-valid path and query values (every required one, each optional one now and then) and body.</summary>
        public List<(Dictionary<Parameter, string> Values, JsonNode? Body)> Generate(Operation operation, int count = RequestsPerOperation)
        {
            // Cursors are valid only as the API gave them out.
            var parameters = operation.Parameters.Where(p => p.In is "path" or "query" && p.Name != "cursor").ToList();
            var gen = Gen.Const(new Dictionary<Parameter, string>());
            foreach (var parameter in parameters)
            {
                var value = _schemas.At(parameter.Pointer);
                var always = parameter.In == "path" || parameter.Required;
                gen = gen.SelectMany(values => Gen.Bool.SelectMany(include => value.Select(v =>
                    always || include ? new Dictionary<Parameter, string>(values) { [parameter] = Text(v) } : values)));
            }
            var body = operation.BodyPointer is { } pointer ? _schemas.At(pointer) : Gen.Const<JsonNode?>((JsonNode?)null);
            var requests = new List<(Dictionary<Parameter, string>, JsonNode?)>();
            // One sample of count requests: CsCheck's seed fixes only a sample's first iteration, so this is what makes every run draw the same.
            gen.Select(body, (values, b) => (values, b)).Array[count].Sample(r => requests.AddRange(r), seed: Seed, iter: 1, threads: 1);
            foreach (var (values, b) in requests)
            {
                foreach (var (parameter, value) in values)
                    Assert.True(_schemas.Violation(parameter.Pointer, parameter.Schema.GetProperty("type").GetString() == "string" ? value : JsonNode.Parse(value)) is null,
                        $"{operation}: the generator drew {parameter.Name}={value}, which the schema refuses");
                if (operation.BodyPointer is { } p && _schemas.Violation(p, b) is { } why)
                    Assert.Fail($"{operation}: the generator drew a body the schema refuses: {b?.ToJsonString()}: {why}");
            }
            return requests;
        }

        /// <summary>Values tried in place of a valid one: each is sent only where the schema refuses it.</summary>
        private static readonly string[] InvalidParameters = ["", "abc", "-1", "0", "1.5", "99999999999", "2026-02-30", "zz-not-a-choice", new('x', 300)];

        private static JsonNode?[] InvalidValues() =>
        [
            JsonValue.Create(123456789012L), JsonValue.Create(-1), JsonValue.Create(1.5), JsonValue.Create(true), JsonValue.Create(""),
            JsonValue.Create(new string('x', 5001)), JsonValue.Create("zz-not-a-choice"), JsonValue.Create("2026-02-30"), new JsonArray(), new JsonObject(), null,
        ];

        /// <summary>
        /// Requests one change away from a valid one (<see cref="Generate"/>'s first), each refused by the document (checked):
        /// a parameter's value, a body field's value, a required body field left out, a field the body's schema does not know.
        /// </summary>
        public List<(Dictionary<Parameter, string> Values, JsonNode? Body, string Change)> Invalid(Operation operation)
        {
            var (values, body) = Generate(operation, count: 1)[0];
            var invalid = new List<(Dictionary<Parameter, string>, JsonNode?, string)>();
            foreach (var parameter in operation.Parameters.Where(p => p.In is "path" or "query"))
            {
                var isString = parameter.Schema.GetProperty("type").GetString() == "string";
                foreach (var value in InvalidParameters.Where(v => !(v.Length == 0 && parameter.In == "path")))
                {
                    JsonNode? typed = isString || !double.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out _) ? JsonValue.Create(value) : JsonNode.Parse(value);
                    if (_schemas.Violation(parameter.Pointer, typed) is not null)
                        invalid.Add((new Dictionary<Parameter, string>(values) { [parameter] = value }, body?.DeepClone(), $"{parameter.Name}={Shorten(value, 20)}"));
                }
            }
            if (operation.BodyPointer is { } pointer)
            {
                var candidates = new List<(JsonNode?, string)>();
                if (body is JsonObject fields)
                {
                    foreach (var name in fields.Select(f => f.Key).ToList())
                    {
                        var without = fields.DeepClone().AsObject();
                        without.Remove(name);
                        candidates.Add((without, $"without {name}"));
                        candidates.AddRange(InvalidValues().Select(v =>
                        {
                            var changed = fields.DeepClone().AsObject();
                            changed[name] = v;
                            return ((JsonNode?)changed, $"{name}: {Shorten(v?.ToJsonString() ?? "null", 20)}");
                        }));
                    }
                    var unknown = fields.DeepClone().AsObject();
                    unknown["zz_unknown_field"] = 1;
                    candidates.Add((unknown, "an unknown field"));
                }
                // Nested changes in the fullest of a few generated bodies: optional objects and arrays are often drawn absent or empty.
                if (Generate(operation, count: 6).Select(g => g.Body).Prepend(body).MaxBy(b => b is null ? 0 : Places(b, []).Count()) is { } fullest)
                    candidates.AddRange(NestedChanges(fullest));
                candidates.AddRange(InvalidValues().Select(v => (v, $"the body {Shorten(v?.ToJsonString() ?? "null", 20)}")));
                invalid.AddRange(candidates.Where(c => _schemas.Violation(pointer, c.Item1) is not null)
                    .Select(c => (new Dictionary<Parameter, string>(values), c.Item1, c.Item2)));
            }
            return invalid;
        }

        /// <summary>How many nested places of a body are changed; places that differ only in an array index count as one (a week's seven rows).</summary>
        private const int MaxNestedPlaces = 16;

        /// <summary>
        /// The changes of <see cref="Invalid"/> one level down and deeper: a field of an object inside the body, or an item of an array
        /// (the body's own, or a field's), left out, given a wrong value, or (an object) given a field its schema does not know.
        /// </summary>
        private static IEnumerable<(JsonNode?, string)> NestedChanges(JsonNode body)
        {
            var places = Places(body, []).Where(p => body is not JsonObject || p.Count > 1)
                .DistinctBy(p => string.Join('.', p.Select(s => s is int ? "[]" : s))).Take(MaxNestedPlaces);
            foreach (var place in places)
            {
                var name = string.Join('.', place.Select(s => s is int i ? $"[{i}]" : s));
                yield return (Changed(body, place, slot => slot.Remove()), $"without {name}");
                foreach (var value in InvalidValues())
                    yield return (Changed(body, place, slot => slot.Set(value?.DeepClone())), $"{name}: {Shorten(value?.ToJsonString() ?? "null", 20)}");
                if (At(body, place) is JsonObject)
                    yield return (Changed(body, place, slot => ((JsonObject)slot.Value!)["zz_unknown_field"] = 1), $"{name} with an unknown field");
            }
        }

        /// <summary>Every place in the tree: an object's field by name, an array's item by index.</summary>
        private static IEnumerable<List<object>> Places(JsonNode? node, List<object> path)
        {
            IEnumerable<(object Key, JsonNode? Child)> children = node switch
            {
                JsonObject o => o.Select(f => ((object)f.Key, f.Value)),
                JsonArray a => a.Select((item, i) => ((object)i, item)),
                _ => [],
            };
            foreach (var (key, child) in children.ToList())
            {
                List<object> place = [.. path, key];
                yield return place;
                foreach (var deeper in Places(child, place)) yield return deeper;
            }
        }

        private static JsonNode? At(JsonNode? node, IEnumerable<object> place) =>
            place.Aggregate(node, (n, key) => key is int i ? n?.AsArray()[i] : n?.AsObject()[(string)key]);

        private sealed record Slot(JsonNode Parent, object Key)
        {
            public JsonNode? Value => Key is int i ? Parent.AsArray()[i] : Parent.AsObject()[(string)Key];
            public void Remove() { if (Key is int i) Parent.AsArray().RemoveAt(i); else Parent.AsObject().Remove((string)Key); }
            public void Set(JsonNode? value) { if (Key is int i) Parent.AsArray()[i] = value; else Parent.AsObject()[(string)Key] = value; }
        }

        /// <summary>A copy of <paramref name="body"/> with <paramref name="change"/> made at <paramref name="place"/>.</summary>
        private static JsonNode Changed(JsonNode body, List<object> place, Action<Slot> change)
        {
            var copy = body.DeepClone();
            change(new Slot(At(copy, place[..^1])!, place[^1]));
            return copy;
        }

        /// <summary>Sends one request; a description of what went wrong if the answer refused what the schema allowed.</summary>
        public async Task<string?> SendAsync(Operation operation, IReadOnlyDictionary<Parameter, string> values, JsonNode? body)
        {
            var (status, what, text) = await ExchangeAsync(operation, values, body);
            if (status >= 500 && status != 502 && status != 503) return $"{what} → {status}";
            if (status != 400) return null;
            using var problem = JsonDocument.Parse(text);
            var refusals = problem.RootElement.TryGetProperty("errors", out var errors) && errors.ValueKind == JsonValueKind.Object
                ? errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray().Select(m => (Field: e.Name, Message: m.GetString()!))).ToList()
                : [("", problem.RootElement.GetProperty("detail").GetString()!)];
            var aboutState = refusals.All(r => StateRefusals.Any(s =>
                s.Operation == operation.Id && s.Field == r.Field && r.Message.StartsWith(s.Message, StringComparison.Ordinal)));
            return aboutState ? null : $"{what} → 400 {Shorten(text)}";
        }

        public Task<(int Status, string What, string Text)> SendForStatusAsync(Operation operation, IReadOnlyDictionary<Parameter, string> values, JsonNode? body) =>
            ExchangeAsync(operation, values, body);

        private TenantSession? _importer;
        private int _imports;

        /// <summary>
        /// Who sends the imports: a plan takes <see cref="Core.Plans.Plan.ImportsPerHour"/> an hour, so a new professional tenant
        /// takes over every so many, and every import is checked for its body rather than answered 429.
        /// </summary>
        private async Task<TenantSession> ImporterAsync()
        {
            if (_importer is null || _imports % Core.Plans.Plan.Professional.ImportsPerHour == 0)
                _importer = await _host.RegisterAsync(plan: "professional");
            _imports++;
            return _importer;
        }

        private async Task<(int Status, string What, string Text)> ExchangeAsync(Operation operation, IReadOnlyDictionary<Parameter, string> values, JsonNode? body)
        {
            var path = operation.Path;
            var query = new List<string>();
            foreach (var (parameter, value) in values)
            {
                if (parameter.In == "path") path = path.Replace("{" + parameter.Name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
                else query.Add($"{Uri.EscapeDataString(parameter.Name)}={Uri.EscapeDataString(value)}");
            }
            var url = query.Count == 0 ? path : path + "?" + string.Join("&", query);
            var caller = operation.Id == "ImportReviews" ? await ImporterAsync() : _tenant;
            using var request = caller.Request(new HttpMethod(operation.Method), url);
            if (operation.Admin) request.Headers.Add("x-functions-key", TestHost.FunctionKey);
            if (operation.BodyPointer is not null) request.Content = new StringContent(body?.ToJsonString() ?? "null", Encoding.UTF8, "application/json");
            using var response = await _host.Client.SendAsync(request);
            var (status, what, text) = ((int)response.StatusCode, $"{operation.Method} {Shorten(url, 200)} {Shorten(body?.ToJsonString() ?? "", 200)}",
                await response.Content.ReadAsStringAsync());
            if (Conformance(operation, status, response.Content.Headers.ContentType?.MediaType, text) is { } why) Unconforming.Add($"{what} → {status}: {why}");
            return (status, what, text);
        }

        /// <summary>Why an answer is not what the document says of this operation and status, or null.</summary>
        private string? Conformance(Operation operation, int status, string? mediaType, string text)
        {
            var pointer = $"/paths/{SchemaGen.Escape(operation.Path)}/{operation.Method.ToLowerInvariant()}/responses";
            var responses = _document.GetProperty("paths").GetProperty(operation.Path).GetProperty(operation.Method.ToLowerInvariant()).GetProperty("responses");
            var code = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
            if (!responses.TryGetProperty(code, out var documented))
            {
                if (!responses.TryGetProperty("default", out documented)) return "status not documented";
                code = "default";
            }
            // The document itself is the one body with no schema of its own in it.
            if (!documented.TryGetProperty("content", out var content))
                return text.Length == 0 || operation.Id == "OpenApiDocument" ? null : "a body where none is documented";
            if (mediaType is null || !content.TryGetProperty(mediaType, out var media)) return $"{mediaType ?? "no content type"}, not one documented";
            if (!media.TryGetProperty("schema", out _) || !mediaType.EndsWith("json", StringComparison.Ordinal)) return null;
            var why = _schemas.Violation($"{pointer}/{code}/content/{SchemaGen.Escape(mediaType)}/schema", JsonNode.Parse(text));
            return why is null ? null : Shorten(why, 300);
        }

        private static string Shorten(string text, int length = 400) => text.Length > length ? text[..length] + "…" : text;

        public async ValueTask DisposeAsync()
        {
            await _host.DisposeAsync();
            await _azurite.DisposeAsync();
        }
    }
}
