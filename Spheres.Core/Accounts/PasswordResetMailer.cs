using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spheres.Core.Configuration;
using Spheres.Core.Mail;
using Spheres.Core.Problems;

namespace Spheres.Core.Accounts;

/// <summary>
/// Password-reset requests are answered at once and handled here, off the request path: whether
/// the email is known, and the mail, take time that would otherwise tell an attacker which emails
/// have accounts. The queue is bounded; when it is full, requests are dropped (the owner asks again).
/// </summary>
public sealed class PasswordResetMailer(
    PasswordService passwords, IMailSender mail, IOptions<PublicUrlOptions> urls, ILogger<PasswordResetMailer> logger) : BackgroundService
{
    public const int QueueCapacity = 1000;

    private readonly Channel<string> _requests = Channel.CreateBounded<string>(
        new BoundedChannelOptions(QueueCapacity) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });

    /// <summary>Validates and queues a request; known and unknown emails take this same path.</summary>
    public void Request(string? email)
    {
        if (string.IsNullOrWhiteSpace(email)) throw ProblemException.Validation("email", "Give the email you signed up with.");
        if (!AccountValidation.IsEmail(email)) throw ProblemException.Validation("email", "Enter a valid email address, like name@example.com.");
        if (!mail.IsConfigured || FrontendBaseUrl() is null) throw SmtpMailSender.NotConfigured();
        _requests.Writer.TryWrite(email.Trim());
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var email in _requests.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await HandleAsync(email, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    private async Task HandleAsync(string email, CancellationToken cancellationToken)
    {
        try
        {
            if (await passwords.IssueResetTokenAsync(email, cancellationToken).ConfigureAwait(false) is not var (user, token)) return;
            var link = $"{FrontendBaseUrl()}/reset-password?token={Uri.EscapeDataString(token)}";
            await mail.SendAsync(PasswordResetMail.Compose(user, link), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Never the email or the token in a log line.
            logger.LogWarning("A password-reset mail could not be sent: {Error}", e.GetType().Name);
        }
    }

    private string? FrontendBaseUrl() => urls.Value.FrontendOrNull;
}
