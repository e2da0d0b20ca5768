using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook staged</c>: what a pre-commit hook runs. Scans the lines the next commit adds — the
/// index against HEAD, never the working tree — and reports each finding with the staged file's path
/// (from the repository root) and line.
/// </summary>
public static class StagedCommand
{
    /// <summary>What to do when a commit is blocked.</summary>
    internal const string BlockedHint =
        "secrethook: commit blocked. Remove the secret from the staged file (edit it, then 'git add' it: the index is what gets committed)"
        + " and rotate it if it is real. Bypass once, at your own risk: SKIP=secrethook git commit ... (or git commit --no-verify).";

    /// <summary>The command's name.</summary>
    public const string Name = "staged";

    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env) => Register(app, env, null);

    /// <summary>
    /// Registers the command on <paramref name="app"/>; <paramref name="started"/>, when given, is the
    /// runner that already started the diff (<see cref="GitRunner.StartEarly"/>, which its caller disposes).
    /// </summary>
    internal static void Register(CommandLineApplication app, CliEnvironment env, GitRunner? started)
    {
        app.Command(Name, cmd =>
        {
            cmd.Description = "Scan the lines the next commit adds (the index against HEAD), for a pre-commit hook.";
            var options = ScanOptions.Register(cmd, OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                // git's diff runs while the settings are built; if they fail, disposing kills it (the
                // caller's disposing, when it was started before the command line was parsed).
                var git = started ?? new GitRunner(env);
                using var early = started is null ? git.StartEarly(GitSources.StagedDiffArguments) : null;
                var settings = SettingsBuilder.Build(options.Read(), InputKind.Git, env);
                return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, Source(settings, env, git), env), env, BlockedHint);
            });
        });
    }

    /// <summary>The index against HEAD, read with <paramref name="git"/> (or a new runner).</summary>
    internal static IScanSource Source(ScanSettings settings, CliEnvironment env, GitRunner? git = null) =>
        new GitDiffSource(env, GitSources.Staged, settings.MaxFileSize) { Git = git };
}
