using System.Globalization;
using System.Text;
using Spheres.Core.Mail;

namespace Spheres.Core.Accounts;

/// <summary>
/// The password-reset mail: our own words, the link, and nothing the account holder typed but a short greeting. A name is
/// free text anyone can register ("URGENT: your account is suspended, verify at https://…"), and a security mail that
/// opens with it reads as our instruction: so the greeting is the name's first word, letters only (apostrophes and
/// hyphens inside a word kept), at most <see cref="MaxGreetingName"/> characters; with nothing left, just "Hello,".
/// </summary>
public static class PasswordResetMail
{
    public const string Subject = "Reset your Spheres password";
    public const int MaxGreetingName = 24;

    public static MailMessage Compose(UserAccount user, string link) => new(user.Email, Subject,
        $"{Greeting(user.Name)}\n\nSomeone (we hope you) asked to reset the password of your Spheres account.\n" +
        $"Open this link within {PasswordService.ResetTokenLifetime.TotalMinutes:0} minutes to choose a new one:\n\n{link}\n\n" +
        "The link works once. If you did not ask for it, ignore this mail: your password stays as it is.");

    /// <summary>"Hello Olena," for "Olena Kovalenko"; "Hello," when the name has no word of letters.</summary>
    public static string Greeting(string? name) => GreetingName(name) is { } first ? $"Hello {first}," : "Hello,";

    private static string? GreetingName(string? name)
    {
        if (string.IsNullOrWhiteSpace(name)) return null;
        var word = new StringBuilder();
        foreach (var c in name.Normalize(NormalizationForm.FormC).Trim())
        {
            if (char.IsLetter(c) || (word.Length > 0 && c is '\'' or '’' or '-')) word.Append(c);
            else if (CharUnicodeInfo.GetUnicodeCategory(c) is UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark && word.Length > 0) word.Append(c);
            else break; // the first word only: no sentence, no address, no link
            if (word.Length == MaxGreetingName) break;
        }
        var text = word.ToString().TrimEnd('\'', '’', '-');
        return text.Length == 0 ? null : text;
    }
}
