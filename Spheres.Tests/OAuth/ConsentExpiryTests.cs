using System.Net;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Spheres.Core.OAuth;
using Spheres.Core.Storage;
using Spheres.Functions.Integrations;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.OAuth;

/// <summary>A consent nobody confirms is revoked and deleted once it expires; expired states are purged. Its own Azurite: the sweep reads every tenant.</summary>
public sealed class ConsentExpiryTests : WithFakeOAuth
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    protected override FakeTimeProvider? Clock => _clock;

    protected override bool OwnStorage => true;

    private Task SweepAsync() =>
        ActivatorUtilities.CreateInstance<OAuthMaintenanceFunctions>(Host.Services).ExpireConsents(null!, CancellationToken.None);

    private async Task<List<TableEntity>> RowsAsync(TenantSession tenant)
    {
        var table = await Host.Services.GetRequiredService<SpheresStorage>().TableAsync(TableNames.OAuthStates, default);
        return await table.QueryAsync<TableEntity>(TableClient.CreateQueryFilter($"TenantId eq {tenant.TenantId}")).ToListAsync();
    }

    [Fact]
    public async Task An_unconfirmed_grant_is_kept_ten_minutes_then_revoked_at_the_provider_and_deleted()
    {
        var (tenant, id) = await CreateAsync("calendly");
        var code = ConfirmCodeOf(await ConsentAsync(tenant, id, "calendly", "https://api.calendly.com/users/" + UniqueAccount("U")), id);
        Assert.Single(OAuth.TokenRequests);
        Assert.Equal(1, await VaultSecretsOfAsync(tenant));

        _clock.Advance(TimeSpan.FromMinutes(9));
        await SweepAsync();
        Assert.Empty(OAuth.Revocations); // not expired yet: still confirmable

        _clock.Advance(TimeSpan.FromMinutes(1));
        await SweepAsync();

        var revoked = Assert.Single(OAuth.Revocations);
        Assert.Equal("calendly", revoked.Provider);
        Assert.StartsWith("refresh-calendly-SECRET-", revoked.Token);
        Assert.Equal(0, await VaultSecretsOfAsync(tenant));
        Assert.DoesNotContain(await RowsAsync(tenant), r => r.PartitionKey.StartsWith("grant-", StringComparison.Ordinal));
        await (await PostConfirmAsync(tenant, id, code)).ProblemAsync(HttpStatusCode.NotFound);
        Assert.Null((await RowAsync(tenant, id)).CredentialsRef);
    }

    [Fact]
    public async Task Expired_states_and_their_slots_are_purged()
    {
        var (tenant, id) = await CreateAsync("zoom");
        await AuthorizationUrlAsync(tenant, id);
        Assert.Equal(2, (await RowsAsync(tenant)).Count);

        _clock.Advance(OAuthStateStore.Lifetime + ConsentExpiry.StateGrace + TimeSpan.FromMinutes(1));
        await SweepAsync();

        Assert.Empty(await RowsAsync(tenant));
    }
}
