using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Spheres.Core.Inbox;

public static class InboxRegistration
{
    /// <summary>Conversations (kept by the message pipeline) and the owner's replies, handbacks and reads.</summary>
    public static IServiceCollection AddSpheresInbox(this IServiceCollection services)
    {
        services.AddOptions<InboxOptions>().BindConfiguration(InboxOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<ConversationStore>();
        services.TryAddSingleton<Messaging.IConversationLog>(sp => sp.GetRequiredService<ConversationStore>());
        services.TryAddSingleton<UnqueuedReplies>();
        services.TryAddSingleton<InboxService>();
        return services;
    }
}
