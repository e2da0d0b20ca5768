using System.Text;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.GitIntegration;

/// <summary>A credential stored in plain text: where (a remote, a config key, a file and line) and a redacted view.</summary>
internal sealed record StoredCredential(string Where, string Redacted, string? Url);

/// <summary>
/// The checks behind <c>secrethook doctor</c>: every git config value git sees from here (remotes' URLs
/// and push URLs, <c>url.*.insteadOf</c>, <c>http.extraHeader</c>, … in the repository's
/// <c>.git/config</c>, the global and system files and their includes), and the files the
/// <c>store</c> credential helper writes (<c>~/.git-credentials</c>,
/// <c>$XDG_CONFIG_HOME/git/credentials</c> and any <c>store --file</c>). A value counts when it is a
/// URL with a password (or a token as its user name) or when a rule finds a secret in it.
/// </summary>
internal static class CredentialAudit
{
    /// <summary>Runs every check.</summary>
    public static List<StoredCredential> Run(CliEnvironment env, GitRunner git, Detector detector)
    {
        var found = new List<StoredCredential>();
        var storeFiles = new List<string>();
        foreach (var (origin, key, value) in ConfigEntries(git))
        {
            if (key.StartsWith("credential.", StringComparison.Ordinal) && key.EndsWith(".helper", StringComparison.Ordinal)
                && StoreFile(value, env) is { } file)
            {
                storeFiles.Add(file);
            }
            string where = Describe(key, origin);
            var urls = CredentialUrls.Find(value, detector);
            foreach (var credential in urls)
            {
                found.Add(new StoredCredential(where, credential.RedactedUrl, credential.Url));
            }
            foreach (var finding in detector.ScanText(value, key))
            {
                if (!urls.Exists(u => u.Secret.Contains(finding.Secret, StringComparison.Ordinal)))
                {
                    found.Add(new StoredCredential(where, $"{key} = {Redaction.RedactLine(finding)}", null));
                }
            }
        }
        string? home = env.GetVariable("HOME");
        if (home is { Length: > 0 })
        {
            storeFiles.Add(Path.Combine(home, ".git-credentials"));
        }
        string? xdg = env.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : home is { Length: > 0 } ? Path.Combine(home, ".config") : null;
        if (xdg is not null)
        {
            storeFiles.Add(Path.Combine(xdg, "git", "credentials"));
        }
        foreach (var file in storeFiles.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(file))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                foreach (var credential in CredentialUrls.Find(lines[i], detector))
                {
                    found.Add(new StoredCredential($"credential store {file}, line {i + 1}", credential.RedactedUrl, null));
                }
            }
        }
        return found;
    }

    /// <summary>The URL without its user-info part.</summary>
    public static string StripCredential(string url)
    {
        int scheme = url.IndexOf("://", StringComparison.Ordinal);
        int end = url.IndexOfAny(['/', '?', '#'], scheme + 3);
        int at = url.LastIndexOf('@', end < 0 ? url.Length - 1 : end - 1);
        return at > scheme ? url[..(scheme + 3)] + url[(at + 1)..] : url;
    }

    /// <summary>Every <c>(origin, key, value)</c> git's config lists from the working directory.</summary>
    private static IEnumerable<(string Origin, string Key, string Value)> ConfigEntries(GitRunner git)
    {
        var output = Encoding.UTF8.GetString(git.Run(["config", "-z", "--list", "--show-origin"]));
        var fields = output.Split('\0');
        for (int i = 0; i + 1 < fields.Length; i += 2)
        {
            string origin = fields[i];
            string entry = fields[i + 1];
            int nl = entry.IndexOf('\n');
            yield return nl < 0 ? (origin, entry, "") : (origin, entry[..nl], entry[(nl + 1)..]);
        }
    }

    private static string Describe(string key, string origin)
    {
        string file = origin.StartsWith("file:", StringComparison.Ordinal) ? origin[5..] : origin;
        var parts = key.Split('.');
        if (parts.Length >= 3 && parts[0] == "remote" && parts[^1] is "url" or "pushurl")
        {
            string name = string.Join('.', parts[1..^1]);
            return $"remote \"{name}\" ({key} in {file})";
        }
        return $"{key} in {file}";
    }

    /// <summary>The file a <c>store</c> helper writes: <c>--file=PATH</c>, <c>--file PATH</c>, or null for other helpers.</summary>
    private static string? StoreFile(string helper, CliEnvironment env)
    {
        var words = ShellWords(helper);
        if (words.Count < 2 || words[0] is not ("store" or "git-credential-store"))
        {
            return null;
        }
        for (int i = 1; i < words.Count; i++)
        {
            string? file = words[i].StartsWith("--file=", StringComparison.Ordinal) ? words[i][7..]
                : words[i] == "--file" && i + 1 < words.Count ? words[i + 1] : null;
            if (file is not null)
            {
                return file.StartsWith("~/", StringComparison.Ordinal) && env.GetVariable("HOME") is { } home
                    ? Path.Combine(home, file[2..])
                    : env.Resolve(file);
            }
        }
        return null;
    }

    /// <summary>Splits a helper command line as the shell git runs it with would (quotes, backslashes).</summary>
    private static List<string> ShellWords(string text)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        bool inWord = false;
        char quote = '\0';
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else if (c == '\\' && quote == '"' && i + 1 < text.Length)
                {
                    word.Append(text[++i]);
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '\'' or '"')
            {
                quote = c;
                inWord = true;
            }
            else if (c == '\\' && i + 1 < text.Length)
            {
                word.Append(text[++i]);
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }
        if (inWord)
        {
            words.Add(word.ToString());
        }
        return words;
    }
}
