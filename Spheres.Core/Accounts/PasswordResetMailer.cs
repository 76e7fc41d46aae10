using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Spheres.Core.Accounts.Sessions;
using Spheres.Core.Configuration;
using Spheres.Core.Mail;
using Spheres.Core.Problems;
using Spheres.Core.Storage;

namespace Spheres.Core.Accounts;

/// <summary>
/// A password-reset request as queued: a request id (a redelivery of the same message sends no second mail) and the key of the
/// email's index row. Not the address and not a token: whoever can read the queue learns neither, and cannot reset anyone.
/// </summary>
public sealed record PasswordResetMailRequest(
    [property: JsonPropertyName("request_id")] string RequestId,
    [property: JsonPropertyName("email_key")] string EmailKey);

/// <summary>
/// Password-reset requests are answered at once and handled off the request path, from the <c>password-reset-mail</c> queue:
/// whether the email is known, and the mail, take time that would otherwise tell an attacker which emails have accounts, and a
/// queued request survives the instance that took it (Flex Consumption scales in often). The function that sends makes the
/// token, so no queue message ever holds one; a failure throws and the host delivers the message again, to the poison queue
/// after 5 (host.json). A mail can go out twice only if the instance stops between sending it and remembering it.
/// </summary>
public sealed class PasswordResetMailer(
    SpheresStorage storage, PasswordService passwords, SessionStore sessions, IMailSender mail, IOptions<PublicUrlOptions> urls, TimeProvider time,
    ILogger<PasswordResetMailer> logger)
{
    /// <summary>Validates and queues a request; known and unknown emails take this same path (one queue write).</summary>
    public async Task RequestAsync(string? email, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(email)) throw ProblemException.Validation("email", "Give the email you signed up with.");
        if (!AccountValidation.IsEmail(email)) throw ProblemException.Validation("email", "Enter a valid email address, like name@example.com.");
        if (!mail.IsConfigured || FrontendBaseUrl() is null) throw SmtpMailSender.NotConfigured();
        var request = new PasswordResetMailRequest(Guid.NewGuid().ToString("N"), AccountStore.EmailKey(AccountValidation.NormalizeEmail(email)));
        var queue = await storage.QueueAsync(TableNames.PasswordResetMailQueue, cancellationToken).ConfigureAwait(false);
        await queue.SendMessageAsync(BinaryData.FromObjectAsJson(request), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Handles one queue message: mails a fresh link to a known, active account, once per request; nothing for any other.</summary>
    public async Task SendAsync(string message, CancellationToken cancellationToken)
    {
        if (Parse(message) is not { } request)
        {
            logger.LogWarning("A password-reset message that is not one of ours was ignored");
            return;
        }
        // Thrown, not dropped: the message waits in the poison queue until mail is configured and it is moved back.
        if (!mail.IsConfigured || FrontendBaseUrl() is not { } frontend) throw SmtpMailSender.NotConfigured();
        if (await passwords.FindResetRecipientAsync(request.EmailKey, cancellationToken).ConfigureAwait(false) is not { } user) return;
        if (await sessions.WasResetMailedAsync(user.TenantId, request.RequestId, cancellationToken).ConfigureAwait(false))
        {
            logger.LogInformation("Password-reset request {RequestId} was mailed already", request.RequestId);
            return;
        }
        var token = await passwords.IssueResetTokenAsync(user, cancellationToken).ConfigureAwait(false);
        var link = $"{frontend}/reset-password?token={Uri.EscapeDataString(token)}";
        try
        {
            await mail.SendAsync(PasswordResetMail.Compose(user, link), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Only the error's type goes on: the host logs what a function throws, and an SMTP error may quote the envelope.
            logger.LogWarning("Password-reset request {RequestId}: the mail could not be sent ({Error})", request.RequestId, e.GetType().Name);
            throw new InvalidOperationException($"The password-reset mail could not be sent ({e.GetType().Name}).");
        }
        await sessions.MarkResetMailedAsync(user.TenantId, request.RequestId, time.GetUtcNow() + PasswordService.ResetTokenLifetime, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Ours: a 32-hex request id and a 64-hex email key (both go into table keys).</summary>
    private static PasswordResetMailRequest? Parse(string message)
    {
        try
        {
            var request = JsonSerializer.Deserialize<PasswordResetMailRequest>(message);
            return request is { RequestId: { Length: 32 } id, EmailKey: { Length: 64 } key } && id.All(char.IsAsciiHexDigitLower) && key.All(char.IsAsciiHexDigitLower)
                ? request
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private string? FrontendBaseUrl() => urls.Value.FrontendOrNull;
}
