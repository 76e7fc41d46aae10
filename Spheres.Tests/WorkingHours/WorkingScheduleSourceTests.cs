using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using NodaTime;
using Spheres.Core.Accounts;
using Spheres.Core.Integrations;
using Spheres.Core.WorkingHours;
using Spheres.Tests.Infrastructure;
using static Spheres.Tests.Infrastructure.WorkingHoursApi;

namespace Spheres.Tests.WorkingHours;

/// <summary>
/// What the message pipeline uses: <see cref="IWorkingScheduleSource"/> (cached for 30 s, a local
/// edit shows at once) and <see cref="OutOfHoursReplies"/>, on schedules set through the API.
/// </summary>
public sealed class WorkingScheduleSourceTests : IAsyncLifetime
{
    // Friday 4 December 2026, 19:30 in Kyiv.
    private static readonly DateTimeOffset FridayEvening = new(2026, 12, 4, 17, 30, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _clock = new(FridayEvening);
    private TestHost _host = null!;

    public async Task InitializeAsync() => _host = await TestHost.StartSharedAsync(services: s => s.AddSingleton<TimeProvider>(_clock));

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private IWorkingScheduleSource Source => _host.Services.GetRequiredService<IWorkingScheduleSource>();

    private static Instant Kyiv(int year, int month, int day, int hour, int minute) =>
        new LocalDateTime(year, month, day, hour, minute).InZoneStrictly(DateTimeZoneProviders.Tzdb["Europe/Kyiv"]).ToInstant();

    [Fact]
    public async Task A_schedule_is_read_once_and_reused_until_a_local_edit()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));

        var first = await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default);
        _host.StorageRequests.Reset();
        var again = await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default);
        Assert.Same(first, again);
        Assert.Equal(0, _host.StorageRequests.Count);
        Assert.True(first.IsOpenAt(Kyiv(2026, 12, 7, 9, 30)));

        await _host.SetWeekAsync(tenant, id, Row(0, "12:00", "18:00"));
        var edited = await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default);
        Assert.False(edited.IsOpenAt(Kyiv(2026, 12, 7, 9, 30)));
        Assert.True(edited.IsOpenAt(Kyiv(2026, 12, 7, 12, 30)));

        var elsewhere = await Source.GetAsync(tenant.TenantId, id, "America/New_York", default);
        Assert.Equal("America/New_York", elsewhere.Zone.Id);
    }

    [Fact]
    public async Task An_edit_made_elsewhere_shows_within_30_seconds()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        var alwaysOpen = await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default);
        Assert.True(alwaysOpen.IsOpenAt(Kyiv(2026, 12, 5, 3, 0)));

        // Another instance's edit: straight to storage, so this instance's cache is not told.
        var store = _host.Services.GetRequiredService<WorkingHoursStore>();
        await store.EditAsync(tenant.TenantId, id, _ =>
        {
            var change = new ScheduleChange();
            change.AddRows.Add(new WorkingHoursRow(0, new LocalTime(9, 0), new LocalTime(18, 0)));
            return change;
        }, default);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Same(alwaysOpen, await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default));
        _clock.Advance(TimeSpan.FromSeconds(2));
        var reread = await Source.GetAsync(tenant.TenantId, id, "Europe/Kyiv", default);
        Assert.False(reread.IsOpenAt(Kyiv(2026, 12, 5, 3, 0)));
    }

    [Theory]
    [InlineData("UA", null, "Дякуємо за повідомлення! Ми зараз не працюємо. Відкриємося в понеділок о 09:00.")]
    [InlineData("PL", null, "Thanks for your message! We're closed right now. We open on Monday at 09:00.")]
    [InlineData("UA", "Салон зачинено, чекаємо вас {next_open}!", "Салон зачинено, чекаємо вас в понеділок о 09:00!")]
    [InlineData("PL", "Back {next_open}.", "Back on Monday at 09:00.")]
    public async Task The_out_of_hours_reply_uses_the_owners_text_or_the_default_with_the_next_opening(
        string country, string? template, string expected)
    {
        var tenant = await _host.RegisterAsync(plan: "starter", country: country);
        var id = (await _host.CreateIntegrationAsync(tenant, "telegram", template is null ? null : new { out_of_hours_message = template })).Id();
        await _host.SetWeekAsync(tenant, id, Weekdays("09:00", "18:00"));
        var (profile, integration) = await LoadAsync(tenant, id);

        var reply = await _host.Services.GetRequiredService<OutOfHoursReplies>().RenderAsync(profile, integration, _clock.GetUtcNow(), default);

        Assert.Equal(expected, reply);
    }

    [Fact]
    public async Task A_schedule_that_never_opens_gets_a_reply_without_a_time()
    {
        var (tenant, id) = await _host.TenantWithTelegramAsync();
        await _host.SetWeekAsync(tenant, id, Row(0, "09:00", "18:00", enabled: false));
        var (profile, integration) = await LoadAsync(tenant, id);

        var reply = await _host.Services.GetRequiredService<OutOfHoursReplies>().RenderAsync(profile, integration, _clock.GetUtcNow(), default);

        Assert.Equal("Дякуємо за повідомлення! Ми зараз не працюємо й відповімо, щойно зможемо.", reply);
    }

    private async Task<(TenantProfile, Integration)> LoadAsync(TenantSession tenant, int id)
    {
        var profile = await _host.Services.GetRequiredService<ProfileService>().GetAsync(new Caller(tenant.TenantId, tenant.UserId), default);
        var integration = await _host.Services.GetRequiredService<IntegrationStore>().FindAsync(tenant.TenantId, id, default);
        return (profile, integration!);
    }
}
