using System.Text;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.GitIntegration;

/// <summary>Where a plain-text credential was found; each kind gets its own advice.</summary>
internal enum CredentialPlace
{
    /// <summary>A remote's fetch URL (<c>remote.NAME.url</c>).</summary>
    RemoteUrl,

    /// <summary>A remote's push URL (<c>remote.NAME.pushurl</c>).</summary>
    PushUrl,

    /// <summary>The URL in a <c>url.URL.insteadOf</c> / <c>pushInsteadOf</c> key (the credential is in the key's name).</summary>
    InsteadOfKey,

    /// <summary>Any other git config value (<c>http.extraHeader</c>, an <c>insteadOf</c> value, …).</summary>
    ConfigValue,

    /// <summary>A file the <c>store</c> credential helper writes.</summary>
    CredentialStore,

    /// <summary>A <c>password</c> (or token) in <c>~/.netrc</c> or <c>$NETRC</c>.</summary>
    Netrc,

    /// <summary>A Hugging Face token file (<c>$HF_HOME/token</c>, <c>~/.cache/huggingface/token</c>, <c>~/.huggingface/token</c>, <c>stored_tokens</c>).</summary>
    HuggingFaceTokenFile,

    /// <summary><c>HF_TOKEN</c> (or the older <c>HUGGING_FACE_HUB_TOKEN</c>) in the environment.</summary>
    HuggingFaceTokenVariable,
}

/// <summary>
/// A credential stored in plain text: where (a remote, a config key, a file and line, a variable), a
/// redacted view, the URL it was found in (if any), what kind of place it is, the advice for
/// that place (one or more lines of text, never containing the secret), and the findings of the rules
/// that recognise the secret (what <c>doctor --verify</c> checks with the provider; empty when no rule
/// does, e.g. for a plain password). <see cref="Url"/> and <see cref="Findings"/> hold the plaintext
/// secret: they are never printed, and <see cref="ToString"/> shows only <see cref="Where"/> and
/// <see cref="Redacted"/>.
/// </summary>
internal sealed record StoredCredential(string Where, string Redacted, string? Url, CredentialPlace Place = CredentialPlace.ConfigValue, string Advice = "",
    IReadOnlyList<Finding>? Findings = null)
{
    /// <summary>The findings of the rules that recognise the secret (empty when none does).</summary>
    public IReadOnlyList<Finding> Findings { get; init; } = Findings ?? [];

    /// <inheritdoc />
    public override string ToString() => $"{Where}: {Redacted}";
}

/// <summary>
/// The checks behind <c>secrethook doctor</c>: every git config value git sees from here (remotes' URLs
/// and push URLs, <c>url.*.insteadOf</c> values and the URLs in their keys, <c>http.extraHeader</c>,
/// … in the repository's <c>.git/config</c>, the global and system files and their includes), the
/// files the <c>store</c> credential helper writes (<c>~/.git-credentials</c>,
/// <c>$XDG_CONFIG_HOME/git/credentials</c> and any <c>store --file</c>), <c>~/.netrc</c> (or
/// <c>$NETRC</c>), Hugging Face's token files (<c>$HF_TOKEN_PATH</c>, <c>$HF_HOME/token</c>,
/// <c>~/.cache/huggingface/token</c>, the older <c>~/.huggingface/token</c>, and
/// <c>stored_tokens</c> beside them) and <c>HF_TOKEN</c> / <c>HUGGING_FACE_HUB_TOKEN</c> in the
/// environment. A config value counts when it is a URL with a password (or a token as its user
/// name) or when a rule finds a secret in it; a netrc password always counts; a token file or
/// variable counts when it is not empty. Every result carries advice for its place. Variables and
/// <c>HOME</c> come from <see cref="CliEnvironment.GetVariable"/>, so tests can point them at temp dirs.
/// </summary>
internal static class CredentialAudit
{
    /// <summary>Advice for a token in an environment variable or file Hugging Face's tools read.</summary>
    public const string HuggingFaceRevoke = "revoke or rotate it at https://hf.co/settings/tokens if it may have been shared, committed or logged";

    /// <summary>Runs every check.</summary>
    public static List<StoredCredential> Run(CliEnvironment env, GitRunner git, Detector detector)
    {
        var found = new List<StoredCredential>();
        var storeFiles = new List<string>();
        string? home = env.GetVariable("HOME") is { Length: > 0 } h ? h : null;
        string? xdg = env.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : home is not null ? Path.Combine(home, ".config") : null;
        var globalFiles = GlobalConfigFiles(env, home, xdg);
        foreach (var (origin, key, value) in ConfigEntries(git))
        {
            if (key.StartsWith("credential.", StringComparison.Ordinal) && key.EndsWith(".helper", StringComparison.Ordinal)
                && StoreFile(value, env) is { } file)
            {
                storeFiles.Add(file);
            }
            string where = Describe(key, origin);
            var place = Place(key);
            string scope = Scope(origin, env, globalFiles);
            if (InsteadOfUrl(key) is { } keyUrl)
            {
                var keyFindings = detector.ScanText(keyUrl, key);
                foreach (var credential in CredentialUrls.Find(keyUrl, detector))
                {
                    string redactedKey = key.Replace(credential.Secret, Redaction.Redact(credential.Secret), StringComparison.Ordinal);
                    found.Add(new StoredCredential($"{redactedKey} in {OriginFile(origin)} (the URL is in the key's name)",
                        credential.RedactedUrl, credential.Url, CredentialPlace.InsteadOfKey, InsteadOfAdvice(key, credential, scope),
                        Recognised(keyFindings, credential.Secret)));
                }
            }
            var urls = CredentialUrls.Find(value, detector);
            var findings = detector.ScanText(value, key);
            foreach (var credential in urls)
            {
                found.Add(new StoredCredential(where, credential.RedactedUrl, credential.Url, place, ValueAdvice(key, place, credential.Url, scope),
                    Recognised(findings, credential.Secret)));
            }
            foreach (var finding in findings)
            {
                if (!urls.Exists(u => u.Secret.Contains(finding.Secret, StringComparison.Ordinal)))
                {
                    found.Add(new StoredCredential(where, $"{key} = {Redaction.RedactLine(finding)}", null, place, ValueAdvice(key, place, null, scope), [finding]));
                }
            }
        }
        if (home is not null)
        {
            storeFiles.Add(Path.Combine(home, ".git-credentials"));
        }
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
                var credentials = CredentialUrls.Find(lines[i], detector);
                var findings = credentials.Count > 0 ? detector.ScanText(lines[i], file) : [];
                foreach (var credential in credentials)
                {
                    found.Add(new StoredCredential($"credential store {file}, line {i + 1}", credential.RedactedUrl, null, CredentialPlace.CredentialStore,
                        $"Delete line {i + 1} of {file} (or the file, if you no longer use the 'store' helper) and let an encrypting helper keep the token:"
                        + " git config --global credential.helper cache (or manager, osxkeychain, libsecret).",
                        Recognised(findings, credential.Secret)));
                }
            }
        }
        Netrc(env, home, detector, found);
        HuggingFace(env, home, detector, found);
        return found;
    }

    /// <summary>The findings among <paramref name="findings"/> whose secret is (part of) <paramref name="secret"/>.</summary>
    private static List<Finding> Recognised(List<Finding> findings, string secret) =>
        findings.FindAll(f => secret.Contains(f.Secret, StringComparison.Ordinal));

    /// <summary>The URL inside a <c>url.URL.insteadOf</c> or <c>url.URL.pushInsteadOf</c> key, if <paramref name="key"/> is one.</summary>
    public static string? InsteadOfUrl(string key)
    {
        if (!key.StartsWith("url.", StringComparison.Ordinal))
        {
            return null;
        }
        foreach (var suffix in (string[])[".insteadof", ".pushinsteadof"])
        {
            if (key.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && key.Length > 4 + suffix.Length)
            {
                return key[4..^suffix.Length];
            }
        }
        return null;
    }

    private static CredentialPlace Place(string key)
    {
        var parts = key.Split('.');
        if (parts.Length >= 3 && parts[0] == "remote")
        {
            if (parts[^1] == "url")
            {
                return CredentialPlace.RemoteUrl;
            }
            if (parts[^1] == "pushurl")
            {
                return CredentialPlace.PushUrl;
            }
        }
        return CredentialPlace.ConfigValue;
    }

    private static string RemoteName(string key) => string.Join('.', key.Split('.')[1..^1]);

    private static string ValueAdvice(string key, CredentialPlace place, string? url, string scope)
    {
        string clean = url is null ? "URL" : StripCredential(url);
        return place switch
        {
            CredentialPlace.RemoteUrl =>
                $"Take the token out of the remote URL: git remote set-url {RemoteName(key)} {clean}"
                + " and let a credential helper keep it (git config --global credential.helper cache, or manager, osxkeychain, libsecret).",
            CredentialPlace.PushUrl =>
                $"Take the token out of the push URL: git remote set-url --push {RemoteName(key)} {clean}"
                + " and let a credential helper keep it (git config --global credential.helper cache, or manager, osxkeychain, libsecret).",
            _ when scope.StartsWith('#') => $"{key} was set {scope[1..]}; remove it there, and keep the token in a credential helper instead.",
            _ => $"Remove the value: git config {scope}--unset {key} (check first with: git config {scope}--get-all {key}),"
                + " and keep the token in a credential helper or a CI secret instead.",
        };
    }

    private static string InsteadOfAdvice(string key, UrlCredential credential, string scope)
    {
        // The key's name holds the token, so the command shows <TOKEN> where it goes.
        string placeholder = key.Replace(credential.Secret, "<TOKEN>", StringComparison.Ordinal);
        string clean = StripCredential(credential.Url);
        if (scope.StartsWith('#'))
        {
            return $"This insteadOf rule was set {scope[1..]}; remove it there. Git rewrites every URL starting with {clean} to one carrying the token.";
        }
        return $"Git rewrites every URL starting with {clean} to one carrying the token. Remove the rule:"
            + $" git config {scope}--unset '{placeholder}' (with the real token in place of <TOKEN>),"
            + $" or delete the [url \"…\"] section with: git config {scope}--edit."
            + " Then let a credential helper supply the token (git config --global credential.helper cache, or manager, osxkeychain, libsecret).";
    }

    /// <summary>
    /// The <c>git config</c> option that writes where <paramref name="origin"/> is: "" for the
    /// repository's own config, <c>--global </c>, <c>--system </c>, <c>--file PATH </c>, or a
    /// <c>#</c>-prefixed description when the value did not come from a file.
    /// </summary>
    private static string Scope(string origin, CliEnvironment env, HashSet<string> globalFiles)
    {
        if (!origin.StartsWith("file:", StringComparison.Ordinal))
        {
            return origin.StartsWith("command line", StringComparison.Ordinal)
                ? "#on the command line or in GIT_CONFIG_PARAMETERS / GIT_CONFIG_COUNT variables"
                : $"#in {origin}";
        }
        string file = origin[5..];
        if (!Path.IsPathRooted(file))
        {
            // git names the repository's own files relative to the top of the work tree.
            return file.EndsWith("config.worktree", StringComparison.Ordinal) ? "--worktree " : "";
        }
        string full = Path.GetFullPath(file);
        if (globalFiles.Contains(full))
        {
            return "--global ";
        }
        if (full == "/etc/gitconfig" || full.EndsWith("/etc/gitconfig", StringComparison.Ordinal))
        {
            return "--system ";
        }
        return $"--file {ShellQuote(full)} ";
    }

    private static HashSet<string> GlobalConfigFiles(CliEnvironment env, string? home, string? xdg)
    {
        var files = new HashSet<string>(StringComparer.Ordinal);
        if (env.GetVariable("GIT_CONFIG_GLOBAL") is { Length: > 0 } g)
        {
            files.Add(Path.GetFullPath(env.Resolve(g)));
        }
        if (home is not null)
        {
            files.Add(Path.GetFullPath(Path.Combine(home, ".gitconfig")));
        }
        if (xdg is not null)
        {
            files.Add(Path.GetFullPath(Path.Combine(xdg, "git", "config")));
        }
        return files;
    }

    private static string ShellQuote(string s) =>
        s.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or '~') ? s : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary><c>$NETRC</c> or <c>~/.netrc</c>: every <c>password</c> (and any token a rule finds), per line.</summary>
    private static void Netrc(CliEnvironment env, string? home, Detector detector, List<StoredCredential> found)
    {
        var files = new List<string>();
        if (env.GetVariable("NETRC") is { Length: > 0 } n)
        {
            files.Add(env.Resolve(n));
        }
        if (home is not null)
        {
            files.Add(Path.Combine(home, ".netrc"));
        }
        foreach (var file in files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(file))
            {
                continue;
            }
            var lines = File.ReadAllLines(file);
            string machine = "default";
            string advice = $"Remove the password from {file} (git's HTTP transport, curl and Python's requests and huggingface_hub read it)"
                + " and let a credential helper keep it (git config --global credential.helper cache, or manager, osxkeychain, libsecret);"
                + $" if you must keep the file, make it private: chmod 600 {ShellQuote(file)}.";
            bool inMacro = false;
            for (int i = 0; i < lines.Length; i++)
            {
                if (inMacro)
                {
                    inMacro = lines[i].Length > 0; // a macro definition ends at an empty line
                    continue;
                }
                var words = lines[i].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                var secrets = new List<string>();
                for (int w = 0; w < words.Length; w++)
                {
                    if (words[w] == "#" || words[w].StartsWith('#'))
                    {
                        break;
                    }
                    switch (words[w])
                    {
                        case "machine" when w + 1 < words.Length:
                            machine = words[++w];
                            break;
                        case "default":
                            machine = "default";
                            break;
                        case "macdef":
                            inMacro = true;
                            w = words.Length;
                            break;
                        case "password" or "passwd" when w + 1 < words.Length:
                            secrets.Add(words[++w]);
                            break;
                    }
                }
                var findings = detector.ScanText(lines[i], file);
                foreach (var finding in findings)
                {
                    if (!secrets.Exists(s => s.Contains(finding.Secret, StringComparison.Ordinal)))
                    {
                        secrets.Add(finding.Secret);
                    }
                }
                foreach (var secret in secrets)
                {
                    found.Add(new StoredCredential($"{file}, line {i + 1} (machine {machine})",
                        lines[i].Trim().Replace(secret, Redaction.Redact(secret), StringComparison.Ordinal), null, CredentialPlace.Netrc, advice,
                        Recognised(findings, secret)));
                }
            }
        }
    }

    /// <summary>Hugging Face's token files and variables, as huggingface_hub and the hf CLI find them.</summary>
    private static void HuggingFace(CliEnvironment env, string? home, Detector detector, List<StoredCredential> found)
    {
        foreach (var name in (string[])["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN"])
        {
            if (env.GetVariable(name) is { } value && value.Trim() is { Length: > 0 } token)
            {
                found.Add(new StoredCredential($"environment variable {name}", $"{name}={Redaction.Redact(token)}", null, CredentialPlace.HuggingFaceTokenVariable,
                    $"{name} is meant for CI secrets and one-off commands. On your own machine, do not export it from a shell profile or a .env file"
                    + " that may be committed or shared: run 'hf auth login' once instead (it keeps the token in Hugging Face's token file),"
                    + $" and {HuggingFaceRevoke}.", Recognised(detector.ScanText(token, name), token)));
            }
        }

        string? hfHome = env.GetVariable("HF_HOME") is { Length: > 0 } hh ? env.Resolve(hh)
            : env.GetVariable("XDG_CACHE_HOME") is { Length: > 0 } xc ? Path.Combine(env.Resolve(xc), "huggingface")
            : home is not null ? Path.Combine(home, ".cache", "huggingface") : null;
        var files = new List<string>();
        if (env.GetVariable("HF_TOKEN_PATH") is { Length: > 0 } tp)
        {
            files.Add(env.Resolve(tp));
        }
        var homes = new List<string>();
        if (hfHome is not null)
        {
            homes.Add(hfHome);
        }
        if (home is not null)
        {
            homes.Add(Path.Combine(home, ".cache", "huggingface"));
            homes.Add(Path.Combine(home, ".huggingface")); // huggingface_hub before 0.12
        }
        foreach (var dir in homes)
        {
            files.Add(Path.Combine(dir, "token"));
            files.Add(Path.Combine(dir, "stored_tokens"));
        }
        foreach (var file in files.Select(Path.GetFullPath).Distinct(StringComparer.Ordinal))
        {
            if (!File.Exists(file))
            {
                continue;
            }
            bool stored = Path.GetFileName(file) == "stored_tokens";
            var lines = File.ReadAllLines(file);
            for (int i = 0; i < lines.Length; i++)
            {
                string line = lines[i].Trim();
                string token = line;
                if (stored)
                {
                    // An INI file: [name] sections with 'hf_token = ...'.
                    int eq = line.IndexOf('=');
                    if (eq < 0 || !line[..eq].Trim().Equals("hf_token", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    token = line[(eq + 1)..].Trim();
                }
                if (token.Length == 0)
                {
                    continue;
                }
                string logout = stored
                    ? "'hf auth logout --token-name NAME' removes one saved token ('hf auth list' shows them; 'hf auth logout' removes them all)"
                    : "'hf auth logout' removes it (huggingface-cli logout with older versions)";
                found.Add(new StoredCredential($"Hugging Face token file {file}, line {i + 1}", stored ? $"hf_token = {Redaction.Redact(token)}" : Redaction.Redact(token),
                    null, CredentialPlace.HuggingFaceTokenFile,
                    $"Written by 'hf auth login'; every program running as you can read it. If you no longer need it, {logout};"
                    + $" {HuggingFaceRevoke}. Never copy this file into a repository, a container image or a CI cache.",
                    Recognised(detector.ScanText(token, file), token)));
            }
        }
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

    private static string OriginFile(string origin) => origin.StartsWith("file:", StringComparison.Ordinal) ? origin[5..] : origin;

    private static string Describe(string key, string origin)
    {
        string file = OriginFile(origin);
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
