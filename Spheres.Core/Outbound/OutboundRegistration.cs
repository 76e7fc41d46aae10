using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http;

namespace Spheres.Core.Outbound;

public static class OutboundRegistration
{
    /// <summary>The reply sender and its channels.</summary>
    public static IServiceCollection AddSpheresOutbound(this IServiceCollection services)
    {
        services.TryAddSingleton<ReplyStore>();
        services.TryAddSingleton<ReplyDeferrals>();
        services.TryAddSingleton<UnconfirmedSends>();
        // Telegram and the queue count real seconds, whatever clock the app runs on (tests move theirs).
        services.TryAddSingleton(_ => new SendRateLimiter(TimeProvider.System));
        services.TryAddSingleton<ReplyChannels>();
        services.TryAddSingleton<ReplySender>();
        services.TryAddSingleton<MessageReplies>();
        // No HttpClient logging: Telegram's token is in every URL, Meta's in a header.
        services.AddHttpClient<TelegramReplyChannel>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        services.AddHttpClient<MetaReplyChannel>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers();
        return services;
    }
}
