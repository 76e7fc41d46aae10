using System.Text;
using Spheres.Core.OAuth;
using Spheres.Core.Providers;

namespace Spheres.Tests.Infrastructure;

/// <summary>
/// How each provider's token and revocation endpoints authenticate a client, as their documentation says; the fakes of
/// those endpoints refuse anything else. Google and Meta: client_id and client_secret as form fields; Zoom, Calendly and
/// Zocdoc: HTTP Basic (and no secret in the form); Square: both in its JSON body, and <c>Authorization: Client {secret}</c>
/// to revoke; Google's revocation takes only the token.
/// </summary>
public static class FakeClientAuthentication
{
    public static bool Accepts(OAuthProvider provider, bool revoke, string? authorization, IReadOnlyDictionary<string, string> fields,
        string clientId, string clientSecret)
    {
        string? Field(string name) => fields.TryGetValue(name, out var value) ? value : null;
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{clientSecret}"));
        var inFields = Field("client_id") == clientId && Field("client_secret") == clientSecret;
        return provider.Name switch
        {
            "google" when revoke => fields.ContainsKey("token"),
            "square" when revoke => authorization == "Client " + clientSecret && Field("client_id") == clientId,
            "square" => string.IsNullOrEmpty(authorization) && inFields,
            _ when provider.ClientAuthentication == ClientAuthentication.Basic => authorization == basic && Field("client_secret") is null,
            _ => string.IsNullOrEmpty(authorization) && inFields,
        };
    }
}
