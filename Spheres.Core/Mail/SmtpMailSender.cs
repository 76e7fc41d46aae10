using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Configuration;
using MimeKit;
using Spheres.Core.Configuration;
using Spheres.Core.Problems;

namespace Spheres.Core.Mail;

/// <summary>A plain-text mail to one person.</summary>
public sealed record MailMessage(string To, string Subject, string Text);

public interface IMailSender
{
    /// <summary>True when outgoing mail is configured; without it, features that mail answer 503 not-configured.</summary>
    bool IsConfigured { get; }

    Task SendAsync(MailMessage message, CancellationToken cancellationToken);
}

/// <summary>
/// Sends through the SMTP server of <c>Spheres:Smtp:*</c> with MailKit: MailDev on 127.0.0.1:1025
/// locally, the provider's server in Azure (password from Key Vault). STARTTLS is used whenever the
/// server offers it; the user and password only when both are set.
/// </summary>
public sealed class SmtpMailSender(IConfiguration configuration) : IMailSender
{
    public bool IsConfigured => Setting(SettingNames.SmtpHost) is not null && Setting(SettingNames.SmtpFrom) is not null
        && (Setting(SettingNames.SmtpPassword) is not null || configuration[SettingNames.SmtpPassword] is not { Length: > 0 });

    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        if (!IsConfigured) throw NotConfigured();
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(Setting(SettingNames.SmtpFrom)!));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Text };

        using var client = new SmtpClient { Timeout = 15_000 };
        var port = int.TryParse(Setting(SettingNames.SmtpPort), out var p) ? p : 587;
        await client.ConnectAsync(Setting(SettingNames.SmtpHost)!, port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken).ConfigureAwait(false);
        if (Setting(SettingNames.SmtpUser) is { } user && Setting(SettingNames.SmtpPassword) is { } password)
        {
            await client.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    public static ProblemException NotConfigured() =>
        Configuration.ConfiguredSecrets.NotConfigured("outgoing mail (Spheres:Smtp:*, Spheres:FrontendBaseUrl)");

    /// <summary>A setting's value; an unresolved Key Vault reference counts as missing, never as a value.</summary>
    private string? Setting(string key) =>
        configuration[key] is { Length: > 0 } value && !value.StartsWith("@Microsoft.KeyVault(", StringComparison.Ordinal) ? value : null;
}
