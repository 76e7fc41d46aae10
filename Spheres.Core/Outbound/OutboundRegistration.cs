using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Storage;

namespace Spheres.Core.Outbound;

public static class OutboundRegistration
{
    /// <summary>The reply sender; the channels replies leave by are the provider modules' <see cref="Providers.IReplyChannel"/>s.</summary>
    public static IServiceCollection AddSpheresOutbound(this IServiceCollection services)
    {
        services.TryAddSingleton<ReplyStore>();
        // Providers count real seconds, whatever clock the app runs on (tests move theirs).
        services.TryAddSingleton(sp => new SharedSendBudget(sp.GetRequiredService<SpheresStorage>(), TimeProvider.System));
        services.TryAddSingleton<ReplyDeferrals>();
        services.TryAddSingleton<UnconfirmedSends>();
        services.TryAddSingleton<ReplyAddresses>();
        services.TryAddSingleton<OutOfHoursPeriods>();
        services.TryAddSingleton<ReplyDelivery>();
        services.TryAddSingleton<ReplySender>();
        services.TryAddSingleton<MessageReplies>();
        return services;
    }
}
