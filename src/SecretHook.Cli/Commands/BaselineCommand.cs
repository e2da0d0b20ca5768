using System.Diagnostics;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook baseline create [PATH...|--staged|--commits RANGE] [-o FILE]</c>: records the current
/// findings (after the configuration and <c>.secrethookignore</c> have had their say) as a
/// <see cref="Baseline"/> — fingerprints and hashes, never a secret — so that <c>--baseline FILE</c>
/// reports only new ones. The same input always gives the same bytes, and an existing <c>-o</c> file
/// whose content would not change is left untouched (not even rewritten), so re-recording an
/// unchanged tree is a no-op in <c>git status</c>.
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
                var scan = new PathScanOptions(cmd);
                var staged = cmd.Option("--staged", "Record the findings in the lines the next commit adds (as 'secrethook staged' sees them).", CommandOptionType.NoValue);
                var commits = cmd.Option("--commits <RANGE>", "Record the findings in the lines commits add (as 'secrethook commits RANGE' sees them).", CommandOptionType.SingleValue);
                var rules = new RuleOptions(cmd);
                var output = cmd.Option("-o|--output <FILE>", "Write the baseline to FILE (left untouched when its content would not change).", CommandOptionType.SingleValue);
                cmd.HelpOption("-h|--help");
                cmd.OnExecute(() =>
                {
                    bool git = staged.HasValue() || commits.HasValue();
                    if (staged.HasValue() && commits.HasValue())
                    {
                        throw new UsageException("--staged and --commits cannot be combined");
                    }
                    if (git && scan.HasPaths)
                    {
                        throw new UsageException("paths cannot be combined with --staged or --commits");
                    }
                    if (!git)
                    {
                        scan.Prepare(env, rules.Config);
                    }
                    var config = rules.Config.Load(env);
                    var ignore = SuppressionOptions.LoadIgnoreFile(config, env);
                    var ruleSet = rules.Load(env);
                    ScanReport report;
                    IReadOnlyList<string> errors = [];
                    if (git)
                    {
                        var clock = Stopwatch.StartNew();
                        var scanner = new DiffScanner(new Detector(ruleSet), config.Config.MaxFileSize ?? ScanCommand.DefaultMaxFileSize);
                        var runner = new GitRunner(env);
                        if (staged.HasValue())
                        {
                            GitSources.Staged(runner, scanner, scanner.MaxAddedBytesPerFile);
                        }
                        else
                        {
                            GitSources.History(runner, CommitsCommand.Query([commits.Value()!], false), scanner, scanner.MaxAddedBytesPerFile);
                        }
                        report = new ScanReport(scanner.Findings, scanner.Skipped, scanner.Files, scanner.Bytes, clock.Elapsed, ruleSet);
                    }
                    else
                    {
                        (report, errors) = scan.Scan(env, ruleSet, config);
                    }
                    if (errors.Count > 0)
                    {
                        foreach (var e in errors)
                        {
                            env.Stderr.WriteLine($"secrethook: error: {e}");
                        }
                        env.Stderr.WriteLine($"secrethook: error: {errors.Count} input(s) could not be scanned; no baseline written");
                        return ExitCodes.Error;
                    }
                    string? file = output.Value() is { } o ? env.Resolve(o) : null;
                    var allowPaths = new List<string>(config.Config.AllowPaths);
                    if (file is not null && Path.GetRelativePath(config.Root, file).Replace('\\', '/') is var rel
                        && !rel.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(rel))
                    {
                        allowPaths.Add(rel); // never record findings in the baseline itself
                    }
                    var kept = FindingFilter.Apply(report, allowPaths, ignore, null).Report.Findings;
                    byte[] bytes = Baseline.From(kept).ToBytes();
                    string count = kept.Count == 1 ? "1 finding" : $"{kept.Count} findings";
                    if (file is null)
                    {
                        env.Stdout.Write(bytes);
                        env.Stdout.Flush();
                    }
                    else if (File.Exists(file) && File.ReadAllBytes(file).AsSpan().SequenceEqual(bytes))
                    {
                        env.Stderr.WriteLine($"secrethook: baseline unchanged: {output.Value()} ({count})");
                    }
                    else
                    {
                        try
                        {
                            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                            File.WriteAllBytes(file, bytes);
                        }
                        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                        {
                            throw new UsageException($"cannot write {output.Value()}: {e.Message}");
                        }
                        env.Stderr.WriteLine($"secrethook: recorded {count} in {output.Value()}");
                    }
                    return ExitCodes.Clean;
                });
            });
        });
    }
}
