using Spheres.Core.Configuration;

namespace Spheres.Tests.Infrastructure;

/// <summary>A test class's own host on the shared Azurite, talking to its own fake Telegram.</summary>
public abstract class WithFakeTelegram : IAsyncLifetime
{
    protected FakeTelegram Telegram { get; private set; } = null!;
    protected TestHost Host { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Telegram = await FakeTelegram.StartAsync();
        Host = await TestHost.StartSharedAsync(new Dictionary<string, string?> { [SettingNames.TelegramApiBaseUrl] = Telegram.BaseUrl });
    }

    public async Task DisposeAsync()
    {
        await Host.DisposeAsync();
        await Telegram.DisposeAsync();
    }
}
