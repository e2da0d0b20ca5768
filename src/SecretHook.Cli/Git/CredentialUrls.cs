using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.GitIntegration;

/// <summary>A credential found in a URL's user-info part (<c>https://user:TOKEN@host/…</c>).</summary>
internal sealed record UrlCredential(string Url, string? User, string Secret)
{
    /// <summary>The URL with the secret redacted (first 4 characters and an ellipsis).</summary>
    public string RedactedUrl => Url.Replace(Secret, Redaction.Redact(Secret), StringComparison.Ordinal);
}

/// <summary>
/// Finds credentials embedded in URLs — the Hugging Face habit of <c>https://USER:hf_…@huggingface.co/…</c>
/// that leaves the token in plain text in <c>.git/config</c>, in shell history and in every log that
/// prints the remote. A user-info part counts when it has a password, or when its user name itself is a
/// token a rule recognises (<c>https://ghp_…@github.com/</c>); a plain user name (<c>ssh://git@host</c>)
/// does not.
/// </summary>
internal static class CredentialUrls
{
    /// <summary>Every credential-carrying URL in <paramref name="text"/>.</summary>
    public static List<UrlCredential> Find(string text, Detector? detector = null)
    {
        var found = new List<UrlCredential>();
        int from = 0;
        while (true)
        {
            int scheme = text.IndexOf("://", from, StringComparison.Ordinal);
            if (scheme < 0)
            {
                return found;
            }
            int start = scheme;
            while (start > 0 && (char.IsAsciiLetterOrDigit(text[start - 1]) || text[start - 1] is '+' or '-' or '.'))
            {
                start--;
            }
            int end = scheme + 3;
            while (end < text.Length && !char.IsWhiteSpace(text[end]) && text[end] is not ('"' or '\'' or '<' or '>'))
            {
                end++;
            }
            from = end;
            if (start < scheme && TryParse(text[start..end], detector) is { } credential)
            {
                found.Add(credential);
            }
        }
    }

    /// <summary>The credential in one URL, if any.</summary>
    public static UrlCredential? TryParse(string url, Detector? detector = null)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        if (scheme <= 0)
        {
            return null;
        }
        int authorityStart = scheme + 3;
        int authorityEnd = url.IndexOfAny(['/', '?', '#'], authorityStart);
        string authority = authorityEnd < 0 ? url[authorityStart..] : url[authorityStart..authorityEnd];
        int at = authority.LastIndexOf('@');
        if (at <= 0)
        {
            return null;
        }
        string userInfo = authority[..at];
        int colon = userInfo.IndexOf(':');
        if (colon >= 0)
        {
            string password = userInfo[(colon + 1)..];
            return password.Length > 0 ? new UrlCredential(url, userInfo[..colon], password) : null;
        }
        return detector is not null && detector.ScanText(userInfo).Count > 0 ? new UrlCredential(url, null, userInfo) : null;
    }
}
