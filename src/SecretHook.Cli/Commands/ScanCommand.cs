using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Commands;

/// <summary><c>secrethook scan [PATH...]</c>: scans files and directories (or stdin, <c>-</c>).</summary>
public static class ScanCommand
{
    /// <summary>The default <c>--max-file-size</c>: 10 MiB.</summary>
    public const long DefaultMaxFileSize = 10L * 1024 * 1024;

    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("scan", cmd =>
        {
            cmd.Description = "Scan files and directories for secrets (default: the current directory; '-' reads standard input).";
            var scan = new PathScanOptions(cmd);
            var rules = new RuleOptions(cmd);
            var output = new OutputOptions(cmd);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                output.Validate();
                scan.Prepare(env, rules.Config);
                // Configuration, ignore file and baseline are read and validated before the work starts.
                output.Suppression.Prepare(env);
                var ruleSet = rules.Load(env);
                var (report, errors) = scan.Scan(env, ruleSet, rules.Config.Load(env));
                return Finish(report, errors, output, env);
            });
        });
    }

    /// <summary>
    /// Drops suppressed findings (configuration path allowlist, <c>.secrethookignore</c>, <c>--baseline</c>;
    /// see <see cref="SuppressionOptions"/>), writes the report and the summary, lists stale ignore
    /// entries when asked, prints errors, and maps the outcome to an exit code: 2 when an input could
    /// not be scanned, else 1 when findings remain, else 0. Stale entries never change the exit code:
    /// a partial scan (staged changes, a path, a commit range) legitimately leaves entries unmatched.
    /// </summary>
    internal static int Finish(ScanReport report, IReadOnlyList<string> errors, OutputOptions output, CliEnvironment env)
    {
        var filter = output.Suppression.Apply(report, env);
        report = filter.Report;
        output.Write(report, env);
        output.WriteSummary(report, filter, env);
        if (output.Suppression.ReportStale)
        {
            foreach (var entry in filter.Stale)
            {
                env.Stderr.WriteLine($"secrethook: stale: {filter.IgnoreFileName}:{entry.Line}: {entry.Fingerprint} matched no finding");
            }
        }
        foreach (var s in report.Skipped.Where(s => s.Reason != "binary"))
        {
            if (!output.Quiet)
            {
                env.Stderr.WriteLine($"secrethook: skipped {s.Path}: {s.Reason}");
            }
        }
        if (errors.Count > 0)
        {
            foreach (var e in errors)
            {
                env.Stderr.WriteLine($"secrethook: error: {e}");
            }
            env.Stderr.WriteLine($"secrethook: error: {errors.Count} input(s) could not be scanned");
            return ExitCodes.Error;
        }
        return report.Findings.Count > 0 ? ExitCodes.Findings : ExitCodes.Clean;
    }

    /// <summary>Parses a size such as <c>1048576</c>, <c>512K</c>, <c>10M</c> or <c>1G</c>.</summary>
    internal static long ParseSize(string text) =>
        Core.Configuration.ConfigLoader.TryParseSize(text, out long bytes)
            ? bytes
            : throw new UsageException($"invalid size '{text}' for --max-file-size (e.g. 1048576, 512K, 10M; at most 2G)");

    internal static int ParsePositive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 && n <= 1024
            ? n
            : throw new UsageException($"invalid value '{text}' for {option} (a whole number from 1 to 1024)");
}
