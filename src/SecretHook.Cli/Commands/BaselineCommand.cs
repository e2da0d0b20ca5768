using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook baseline create [PATH...|--staged|--commits RANGE] [-o FILE]</c>: records the current
/// findings (after the path allowlist, inline markers and <c>.secrethookignore</c> have had their say,
/// through the same pipeline as a scan) as a <see cref="Baseline"/> — fingerprints and hashes, never a
/// secret — so that <c>--baseline FILE</c> reports only new ones. The same input always gives the same
/// bytes, and an existing <c>-o</c> file whose content would not change is left untouched (not even
/// rewritten), so re-recording an unchanged tree is a no-op in <c>git status</c>.
/// </summary>
public static class BaselineCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("baseline", baseline =>
        {
            baseline.Description = "Record current findings so that '--baseline FILE' reports only new ones.";
            baseline.HelpOption("-h|--help");
            baseline.OnExecute(() =>
            {
                baseline.ShowHelp();
                return ExitCodes.Error;
            });
            baseline.Command("create", cmd =>
            {
                cmd.Description = $"Scan (paths, the index, or commits) and write a baseline to standard output or --output (conventionally {Baseline.DefaultFileName}).";
                var staged = cmd.Option("--staged", "Record the findings in the lines the next commit adds (as 'secrethook staged' sees them).", CommandOptionType.NoValue);
                var commits = cmd.Option("--commits <REV>", "Record the findings in the lines commits add, as 'secrethook commits' sees them: a range, commits, or --all (repeatable; --since, --until, --author, --max-count and -- PATHS apply).", CommandOptionType.MultipleValue);
                var history = new HistoryOptions(cmd);
                var options = ScanOptions.Register(cmd, OptionGroups.Paths | OptionGroups.Limits | OptionGroups.Rules);
                var output = cmd.Option("-o|--output <FILE>", "Write the baseline to FILE (left untouched when its content would not change).", CommandOptionType.SingleValue);
                cmd.HelpOption("-h|--help");
                cmd.OnExecute(() =>
                {
                    bool git = staged.HasValue() || commits.HasValue();
                    var raw = options.Read();
                    if (staged.HasValue() && commits.HasValue())
                    {
                        throw new UsageException("--staged and --commits cannot be combined");
                    }
                    if (git && raw.Paths.Count > 0)
                    {
                        throw new UsageException("paths cannot be combined with --staged or --commits");
                    }
                    if (output.Value() is { } o && Path.GetDirectoryName(env.Resolve(o)) is { } parent && !Directory.Exists(parent))
                    {
                        Directory.CreateDirectory(parent); // a baseline usually goes into a new folder (ci/, .github/)
                    }
                    var settings = SettingsBuilder.Build(raw with { Output = output.Value() }, git ? InputKind.Git : InputKind.Paths, env);
                    var source = staged.HasValue() ? StagedCommand.Source(settings, env)
                        : commits.HasValue() ? CommitsCommand.Source(history.Query(
                            [.. commits.Values.Where(v => v is { Length: > 0 } && v != "--all").Select(v => v!)], commits.Values.Contains("--all")), settings, env)
                        : ScanCommand.Source(settings, env);
                    var outcome = ScanPipeline.Execute(settings, source);
                    if (outcome.Errors.Count > 0)
                    {
                        foreach (var e in outcome.Errors)
                        {
                            env.Stderr.WriteLine($"secrethook: error: {ReportWriter.Escape(e)}");
                        }
                        env.Stderr.WriteLine($"secrethook: error: {outcome.Errors.Count} input(s) could not be scanned; no baseline written");
                        return ExitCodes.Error;
                    }
                    byte[] bytes = Baseline.From(outcome.Findings).ToBytes();
                    string count = outcome.Findings.Count == 1 ? "1 finding" : $"{outcome.Findings.Count} findings";
                    if (settings.OutputPath is not { } file)
                    {
                        env.Stdout.Write(bytes);
                        env.Stdout.Flush();
                    }
                    else if (File.Exists(file) && File.ReadAllBytes(file).AsSpan().SequenceEqual(bytes))
                    {
                        env.Stderr.WriteLine($"secrethook: baseline unchanged: {settings.OutputShown} ({count})");
                    }
                    else
                    {
                        try
                        {
                            OutputFile.Write(file, bytes);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            throw new UsageException($"cannot write {settings.OutputShown}: {e.Message}");
                        }
                        env.Stderr.WriteLine($"secrethook: recorded {count} in {settings.OutputShown}");
                    }
                    return ExitCodes.Clean;
                });
            });
        });
    }
}
