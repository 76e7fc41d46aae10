using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Outbound;

public static class OutboundRegistration
{
    /// <summary>The reply sender; the channels replies leave by are the provider modules' <see cref="Providers.IReplyChannel"/>s.</summary>
    public static IServiceCollection AddSpheresOutbound(this IServiceCollection services)
    {
        services.TryAddSingleton<ReplyStore>();
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
