using Spheres.Core.Problems;

namespace Spheres.Core.Providers;

/// <summary>The answers a provider gets for deliveries that fail verification or parsing. They change nothing.</summary>
public static class WebhookRejected
{
    public static ProblemException Unauthorized(string detail) => new(401, "webhook-unauthorized", "Delivery not verified.", detail);

    public static ProblemException Forbidden(string detail) => new(403, "webhook-forbidden", "Delivery refused.", detail);

    public static ProblemException Malformed(string detail) => new(400, "webhook-malformed", "Delivery not understood.", detail);

    public const int MaxBodyBytes = 4 * 1024 * 1024;
}
