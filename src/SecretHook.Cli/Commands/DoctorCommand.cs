using System.Text;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Core.Detection;
using SecretHook.Core.Verification;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook doctor</c>: looks for tokens stored in plain text where git keeps them — remote URLs
/// (the way Hugging Face's instructions put them), other config values, and <c>store</c> helper files —
/// and explains the safer ways to authenticate. With <c>--verify</c> (or <c>verify: true</c> in the
/// user's own config) each distinct token a rule recognises is checked once with its provider, and
/// every line says whether it is live; <c>--only-verified</c> lists only the live ones. Exit 1 when
/// something is listed.
/// </summary>
public static class DoctorCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("doctor", cmd =>
        {
            cmd.Description = "Check git remotes, git config and credential store files for embedded tokens, and explain safer alternatives.";
            var options = ScanOptions.Register(cmd, OptionGroups.Rules | OptionGroups.Verify);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                var settings = SettingsBuilder.Build(options.Read(), InputKind.None, env);
                var detector = new Detector(settings.Rules, []);
                var found = CredentialAudit.Run(env, new GitRunner(env), detector);
                var text = new StringBuilder();
                if (found.Count == 0)
                {
                    text.Append("secrethook doctor: no tokens found in git remotes, git config, credential store files, ~/.netrc, Hugging Face token files or HF_TOKEN.\n");
                    Write(env, text);
                    return ExitCodes.Clean;
                }
                // Only with --verify (or verify: true in the user's own config) is any connection opened.
                var verdicts = settings.Verify ? Verify(settings, found, env) : null;
                if (verdicts is not null && settings.OnlyVerified)
                {
                    int all = found.Count;
                    found = [.. found.Where(c => verdicts[c]?.Status == VerificationStatus.Valid)];
                    if (found.Count == 0)
                    {
                        text.Append($"secrethook doctor: no live tokens: none of the {all} credential(s) stored in plain text was verified live (run without --only-verified to list them).\n");
                        Write(env, text);
                        return ExitCodes.Clean;
                    }
                }
                int live = verdicts is null ? 0 : found.Count(c => verdicts[c]?.Status == VerificationStatus.Valid);
                text.Append($"secrethook doctor: {found.Count} credential(s) stored in plain text");
                text.Append(verdicts is null ? ":\n\n" : live > 0 ? $", {live} of them LIVE (rotate those first):\n\n" : ", none verified live:\n\n");
                foreach (var c in found)
                {
                    text.Append($"  {c.Where}\n    {c.Redacted}\n");
                    if (verdicts is not null)
                    {
                        text.Append("    ").Append(verdicts[c] is { } v
                            ? ReportWriter.Escape(v.Summary())
                            : "not checked: no rule with a provider check recognises this credential").Append('\n');
                    }
                    if (c.Advice.Length > 0)
                    {
                        text.Append($"    fix: {c.Advice}\n");
                    }
                }
                text.Append('\n').Append(Advice(found.FirstOrDefault(c => c.Url is not null)?.Url));
                Write(env, text);
                return ExitCodes.Findings;
            });
        });
    }

    /// <summary>
    /// Checks every credential a rule recognises with its provider, through the scan pipeline's
    /// verification (one request per distinct secret). A credential's verdict is the first its rules
    /// got (null when no rule with a check recognises it).
    /// </summary>
    private static Dictionary<StoredCredential, VerificationResult?> Verify(ScanSettings settings, List<StoredCredential> found, CliEnvironment env)
    {
        var results = ScanPipeline.VerifySecrets(settings, found.SelectMany(c => c.Findings), env);
        var verdicts = new Dictionary<StoredCredential, VerificationResult?>(ReferenceEqualityComparer.Instance);
        foreach (var c in found)
        {
            verdicts[c] = c.Findings.Select(f => results.Get(f.RuleId, f.Secret)).FirstOrDefault(r => r is not null);
        }
        return verdicts;
    }

    private static string Advice(string? url)
    {
        string clean = url is null ? "https://huggingface.co/USER/REPO" : CredentialAudit.StripCredential(url);
        return
            "Anyone who can read these files, your shell history or a log that prints the remote can use the token.\n"
            + "Rotate every token listed above, then store it safely:\n"
            + $"  - Take it out of the remote URL:   git remote set-url origin {clean}\n"
            + "  - Let a credential helper keep it: git config --global credential.helper cache\n"
            + "    (or manager, osxkeychain, libsecret; 'store' writes it in plain text again). Git asks once, the helper remembers.\n"
            + "  - Or push over SSH:                 git remote set-url origin git@hf.co:USER/REPO\n"
            + "    (add your public key at https://huggingface.co/settings/keys; for GitHub: git@github.com:USER/REPO)\n"
            + "  - In scripts and CI, pass the token in the environment (HF_TOKEN, which huggingface_hub and the hf CLI read;\n"
            + "    a CI secret for others) instead of writing it into a URL or a file.\n"
            + "  - Delete plain-text credential files you no longer need (e.g. ~/.git-credentials).\n";
    }

    private static void Write(CliEnvironment env, StringBuilder text)
    {
        env.Stdout.Write(Encoding.UTF8.GetBytes(text.ToString()));
        env.Stdout.Flush();
    }
}
