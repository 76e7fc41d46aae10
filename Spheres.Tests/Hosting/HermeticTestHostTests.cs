using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Spheres.Core.Inbox;
using Spheres.Tests.Infrastructure;

namespace Spheres.Tests.Hosting;

/// <summary>
/// The tests' host takes no setting from the environment of whoever runs them: a developer with <c>Spheres__…</c> exported for
/// ./run.sh, or a CI runner, sees the same outcomes as a clean machine.
/// </summary>
public sealed class HermeticTestHostTests
{
    [Fact]
    public async Task A_Spheres_variable_in_the_callers_environment_does_not_reach_the_app_under_test()
    {
        const string variable = "Spheres__Inbox__HandbackHours";
        Environment.SetEnvironmentVariable(variable, "1");
        try
        {
            await using var host = await TestHost.StartSharedAsync();
            Assert.Equal(new InboxOptions().HandbackHours, host.Services.GetRequiredService<IOptions<InboxOptions>>().Value.HandbackHours);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }
}
