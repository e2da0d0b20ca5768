using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook pre-commit-files --stage commit|push [FILE...]</c>: the entry of the pre-commit
/// framework's hooks (<c>.pre-commit-hooks.yaml</c>), which name no stages so that old and new
/// framework releases both accept them; the command tells the stage from what git and the framework set:
/// <list type="bullet">
/// <item>a push (the framework sets <c>PRE_COMMIT_REMOTE_NAME</c>): the
/// <c>push</c> hook scans the commits the push adds, the <c>commit</c> hook does nothing;</item>
/// <item>git is committing (git sets <c>GIT_INDEX_FILE</c> for its pre-commit hook): the <c>commit</c> hook
/// scans the index's added lines, exactly as <c>secrethook staged</c>;</item>
/// <item>anything else (<c>pre-commit run --all-files</c>, <c>--files F…</c>): the <c>commit</c> hook scans the
/// files passed, whole, as <c>secrethook scan</c>; the <c>push</c> hook does nothing.</item>
/// </list>
/// </summary>
public static class PreCommitFilesCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("pre-commit-files", cmd =>
        {
            cmd.Description = "For the pre-commit framework: staged lines while committing, the pushed commits at a push, else the files passed.";
            var stage = cmd.Option("--stage <STAGE>", "The hook's stage: commit or push.", CommandOptionType.SingleValue);
            var options = ScanOptions.Register(cmd, OptionGroups.Paths | OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                string s = stage.Value() ?? "commit";
                if (s is not ("commit" or "push"))
                {
                    throw new UsageException($"unknown --stage '{s}' (expected commit or push)");
                }
                var raw = options.Read();
                // The framework names the remote only at a push (PRE_COMMIT_FROM_REF is also set at post-checkout).
                bool pushing = env.GetVariable("PRE_COMMIT_REMOTE_NAME") is { Length: > 0 };
                if (s == "push")
                {
                    if (!pushing)
                    {
                        return ExitCodes.Clean;
                    }
                    var settings = SettingsBuilder.Build(raw with { Paths = [] }, InputKind.Git, env);
                    var query = PrePushInput.FromPreCommitFramework(env)!;
                    var source = new GitDiffSource(env, (git, sink, max) => GitSources.History(git, query, sink, max), settings.MaxFileSize);
                    return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, source, env), env, PrePushCommand.BlockedHint);
                }
                if (pushing)
                {
                    return ExitCodes.Clean;
                }
                if (env.GetVariable("GIT_INDEX_FILE") is { Length: > 0 })
                {
                    var settings = SettingsBuilder.Build(raw with { Paths = [] }, InputKind.Git, env);
                    // Only the files the framework passed (its 'files'/'exclude' filters, and its batches
                    // when the list is long): each finding is reported once, by the batch holding its file.
                    var passed = raw.Paths.Count == 0 ? null : raw.Paths.Select(p => Core.Paths.CanonicalPath.TidyGiven(p)).ToHashSet(StringComparer.Ordinal);
                    var source = new GitDiffSource(env, GitSources.Staged, settings.MaxFileSize) { OnlyPaths = passed };
                    return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, source, env), env, StagedCommand.BlockedHint);
                }
                if (raw.Paths.Count == 0)
                {
                    return ExitCodes.Clean; // the framework passed no file
                }
                var files = SettingsBuilder.Build(raw, InputKind.Paths, env);
                return ReportWriter.Finish(files, ScanPipeline.Execute(files, ScanCommand.Source(files, env), env), env);
            });
        });
    }
}
