using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook pre-push REMOTE URL</c>: what a pre-push hook runs. Reads git's lines from standard
/// input, scans the commits the push would add to the remote, and names each finding's commit.
/// Warns (without failing) when the URL pushed to carries a credential. Run by the pre-commit
/// framework (which consumes standard input itself), it takes the range from the framework's
/// <c>PRE_COMMIT_*</c> variables instead.
/// </summary>
public static class PrePushCommand
{
    internal const string BlockedHint =
        "secrethook: push blocked: the commits above add secrets. Rewrite them out of history before pushing"
        + " (git commit --amend, git rebase -i) and rotate the secrets. Bypass once, at your own risk:"
        + " SKIP=secrethook git push ... (or git push --no-verify).";

    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("pre-push", cmd =>
        {
            cmd.Description = "Scan the commits a push would add (reads git's pre-push lines from standard input), for a pre-push hook.";
            var remote = cmd.Argument("REMOTE", "The remote's name (or its URL when pushing to a URL), as git passes it.");
            var url = cmd.Argument("URL", "The URL pushed to, as git passes it.");
            var options = ScanOptions.Register(cmd, OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                var settings = SettingsBuilder.Build(options.Read(), InputKind.Git, env);
                WarnAboutCredential(url.Value ?? env.GetVariable("PRE_COMMIT_REMOTE_URL") ?? remote.Value, env);
                var refs = PrePushInput.Parse(env.Stdin);
                // Under the pre-commit framework standard input is already consumed; it passes the range in variables.
                var framework = refs.Count == 0 ? PrePushInput.FromPreCommitFramework(env) : null;
                var source = new GitDiffSource(env, (git, sink, max) =>
                    GitSources.History(git, framework ?? PrePushInput.Query(git, refs), sink, max), settings.MaxFileSize);
                return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, source, env), env, BlockedHint);
            });
        });
    }

    private static void WarnAboutCredential(string? url, CliEnvironment env)
    {
        if (url is null || CredentialUrls.TryParse(url) is not { } credential)
        {
            return;
        }
        env.Stderr.WriteLine($"secrethook: warning: the URL you are pushing to carries a credential: {credential.RedactedUrl}");
        env.Stderr.WriteLine("secrethook: warning: it is stored in plain text in .git/config and shows up in logs; run 'secrethook doctor' for safer ways to authenticate.");
    }
}
