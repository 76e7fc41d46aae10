using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Integrations;

namespace Spheres.Core.Providers.Telegram;

/// <summary>Telegram's Bot API (section <c>Spheres:Telegram</c>): the real one unless tests and local runs point it at a fake.</summary>
public sealed class TelegramOptions
{
    public const string Section = "Spheres:Telegram";

    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    public string BaseUrl => ApiBaseUrl.TrimEnd('/');
}

/// <summary>
/// Telegram bots: the tenant pastes the token @BotFather gave; activation checks it (<c>getMe</c>) and points the bot's
/// webhook at its own URL with a secret of ours; replies go out by <c>sendMessage</c> within Telegram's send rates.
/// </summary>
public static class TelegramModule
{
    public const string TypeSlug = "telegram";

    /// <summary>What a Telegram bot token looks like, as @BotFather gives it; forms check it with the same pattern.</summary>
    public const string BotTokenPattern = @"^\d{1,20}:[A-Za-z0-9_-]{35,}$";

    public static readonly CredentialField BotToken = new("bot_token", "Bot token from @BotFather", Secret: true, Required: true, BotTokenPattern,
        "This is not a Telegram bot token: it looks like <digits>:<35 or more letters, digits, '_' or '-'>, as @BotFather gives it.");

    public static IServiceCollection AddTelegram(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section);
        services.AddIntegrationTypes(new ConnectionRequirement(TypeSlug, ConnectMethod.BotToken, [BotToken],
            [new("greeting", "Greeting for new customers", SettingKind.Text), SettingField.OutOfHoursMessage], WebhookPath: "telegram/{key}/"));
        // No HttpClient logging: the bot token is part of every request URL.
        services.AddHttpClient<TelegramBotApi>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers()
            .AddProviderCallSpans(TypeSlug, methodInPath: true);
        services.AddHttpClient<TelegramReplyChannel>(client => client.Timeout = TimeSpan.FromSeconds(10)).RemoveAllLoggers()
            .AddProviderCallSpans(TypeSlug, methodInPath: true);
        // Telegram and the queue count real seconds, whatever clock the app runs on (tests move theirs).
        services.TryAddSingleton(_ => new SendRateLimiter(TimeProvider.System));
        services.AddCapability<TelegramBot>();
        services.AddSingleton<IReplyChannel>(sp => sp.GetRequiredService<TelegramReplyChannel>());
        services.AddSingleton<IWebhookReceiver, TelegramWebhookReceiver>();
        return services;
    }

    /// <summary>The route of a bot's deliveries: the unguessable key in its webhook URL.</summary>
    public static string RouteKey(string webhookKey) => WebhookRoutes.ChannelKey(TypeSlug, webhookKey);
}
