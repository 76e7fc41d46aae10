using Microsoft.Extensions.Time.Testing;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>A state lives ten minutes by the app's clock.</summary>
public sealed class ConsentTimingTests : WithFakeOAuth
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override FakeTimeProvider? Clock => _clock;

    [Fact]
    public async Task A_state_older_than_ten_minutes_is_refused_as_expired_and_nothing_is_exchanged()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "zoom", UniqueAccount("Z"));

        _clock.Advance(TimeSpan.FromMinutes(10));

        Assert.Equal("?error=expired_state", await CallbackAsync(callback));
        Assert.Empty(OAuth.TokenRequests);
        Assert.Null((await RowAsync(tenant, id)).CredentialsRef);
        Assert.Equal("?error=invalid_state", await CallbackAsync(callback)); // and it is gone
    }

    [Fact]
    public async Task A_state_just_under_ten_minutes_old_still_works()
    {
        var (tenant, id) = await CreateAsync("zoom");
        var callback = OAuth.Consent(await AuthorizationUrlAsync(tenant, id), "zoom", UniqueAccount("Z"));

        _clock.Advance(TimeSpan.FromMinutes(10) - TimeSpan.FromSeconds(1));

        Assert.Equal(id, (await (await PostConfirmAsync(tenant, id, ConfirmCodeOf(await CallbackAsync(callback), id))).JsonAsync()).Id());
    }
}
