using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Spheres.Functions.Http;

/// <summary>The API's JSON conventions: snake_case names, nulls written, UTF-8 text kept readable.</summary>
public static class ApiJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        // Ukrainian and Polish text and punctuation go out as characters, not \u escapes: these answers are
        // JSON for API clients, never inlined into HTML, so the relaxed encoder is the readable and safe one.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip,
        NumberHandling = JsonNumberHandling.Strict,
        RespectNullableAnnotations = true,
        // {"country":1,"country":2} is ambiguous: refused as invalid JSON (400), never resolved by whichever parser reads it.
        AllowDuplicateProperties = false,
        // Request records take every field as optional and validate presence themselves, naming all missing fields at once.
        RespectRequiredConstructorParameters = false,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };
}
