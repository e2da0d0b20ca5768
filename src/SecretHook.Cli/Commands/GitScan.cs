using System.Diagnostics;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Commands;

/// <summary>
/// What the git commands share: load the rules, run a git source into a <see cref="DiffScanner"/>,
/// report through <see cref="ScanCommand.Finish"/> (0 clean, 1 findings, 2 error) and, on findings,
/// say how to unblock. Any git failure is exit 2 with git's message: a hook fails closed.
/// </summary>
internal static class GitScan
{
    /// <summary>Runs <paramref name="source"/> and reports.</summary>
    public static int Run(CliEnvironment env, RuleOptions rules, OutputOptions output,
        Action<GitRunner, DiffScanner> source, string? blockedHint)
    {
        output.Validate();
        // Configuration, ignore file and baseline are read and validated before git runs.
        output.Suppression.Prepare(env);
        long maxAdded = rules.Config.Load(env).Config.MaxFileSize ?? ScanCommand.DefaultMaxFileSize;
        var clock = Stopwatch.StartNew();
        // Loading the rule pack and starting git are independent and each takes milliseconds: load the
        // rules on another thread while git runs; the scanner waits for them at the first added line.
        var detector = Task.Run(() => new Detector(rules.Load(env)));
        var scanner = new DiffScanner(detector, maxAdded);
        source(new GitRunner(env), scanner);
        var ruleSet = detector.GetAwaiter().GetResult().RuleSet;
        var report = new ScanReport(scanner.Findings, scanner.Skipped, scanner.Files, scanner.Bytes, clock.Elapsed, ruleSet);
        int code = ScanCommand.Finish(report, [], output, env);
        if (code == ExitCodes.Findings && blockedHint is not null && !output.Quiet)
        {
            env.Stderr.WriteLine(blockedHint);
        }
        return code;
    }
}
