using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Mail;
using Spheres.Core.Plans;
using Spheres.Core.Security;

namespace Spheres.Core.Accounts;

public static class AccountsRegistration
{
    /// <summary>Owners and their tenants: sign-up, sign-in and sessions, passwords and their reset mail, the profile, plan and usage.</summary>
    public static IServiceCollection AddSpheresAccounts(this IServiceCollection services)
    {
        services.AddOptions<AuthOptions>().BindConfiguration(AuthOptions.Section);
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.Section);
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton<AccountStore>();
        services.TryAddSingleton<Passwords>();
        services.TryAddSingleton<AccessTokens>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<ClientRateLimiter>();
        services.TryAddSingleton<AccountService>();
        services.TryAddSingleton<SessionStore>();
        services.TryAddSingleton<SessionCheck>();
        services.TryAddSingleton<SessionService>();
        services.TryAddSingleton<PasswordService>();
        services.TryAddSingleton<IMailSender, SmtpMailSender>();
        services.TryAddSingleton<PasswordResetMailer>();
        services.TryAddSingleton<UsageMeter>();
        services.TryAddSingleton<ProfileService>();
        services.TryAddSingleton<ProfileCache>();
        return services;
    }
}
