using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
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

/// <summary>The SMTP server outgoing mail goes through (section <c>Spheres:Smtp</c>); the password comes from Key Vault in Azure.</summary>
public sealed class SmtpOptions
{
    public const string Section = "Spheres:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string? User { get; set; }
    public string? Password { get; set; }
    public string? From { get; set; }
}

/// <summary>
/// Sends through the SMTP server of <c>Spheres:Smtp:*</c> with MailKit: MailDev on 127.0.0.1:1025
/// locally, the provider's server in Azure (password from Key Vault). STARTTLS is used whenever the
/// server offers it; the user and password only when both are set.
/// </summary>
public sealed class SmtpMailSender(IOptions<SmtpOptions> options) : IMailSender
{
    private SmtpOptions Smtp => options.Value;

    /// <summary>Host and sender usable, and the password usable or not given at all (a server without authentication).</summary>
    public bool IsConfigured => ConfiguredSecrets.IsUsable(Smtp.Host) && ConfiguredSecrets.IsUsable(Smtp.From)
        && (ConfiguredSecrets.IsUsable(Smtp.Password) || Smtp.Password is not { Length: > 0 });

    public async Task SendAsync(MailMessage message, CancellationToken cancellationToken)
    {
        if (!IsConfigured) throw NotConfigured();
        var mime = new MimeMessage();
        mime.From.Add(MailboxAddress.Parse(Smtp.From!));
        mime.To.Add(MailboxAddress.Parse(message.To));
        mime.Subject = message.Subject;
        mime.Body = new TextPart("plain") { Text = message.Text };

        using var client = new SmtpClient { Timeout = 15_000 };
        await client.ConnectAsync(Smtp.Host!, Smtp.Port, SecureSocketOptions.StartTlsWhenAvailable, cancellationToken).ConfigureAwait(false);
        if (ConfiguredSecrets.UsableOrNull(Smtp.User) is { } user && ConfiguredSecrets.UsableOrNull(Smtp.Password) is { } password)
        {
            await client.AuthenticateAsync(user, password, cancellationToken).ConfigureAwait(false);
        }
        await client.SendAsync(mime, cancellationToken).ConfigureAwait(false);
        await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
    }

    public static ProblemException NotConfigured() =>
        ConfiguredSecrets.NotConfigured("outgoing mail (Spheres:Smtp:*, Spheres:FrontendBaseUrl)");
}
