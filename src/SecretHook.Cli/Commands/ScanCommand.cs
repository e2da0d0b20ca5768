using System.Diagnostics;
using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Sources;
using SecretHook.Core.Detection;
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
            var paths = cmd.Argument("PATH", "Files or directories to scan, or '-' for standard input.", multipleValues: true);
            var include = cmd.Option("--include <GLOB>", "Scan only files matching GLOB (relative to the directory given). Repeatable.", CommandOptionType.MultipleValue);
            var exclude = cmd.Option("--exclude <GLOB>", "Skip files matching GLOB. Repeatable.", CommandOptionType.MultipleValue);
            var noIgnore = cmd.Option("--no-ignore", "Scan files that .gitignore excludes too.", CommandOptionType.NoValue);
            var maxSize = cmd.Option("--max-file-size <SIZE>", "Skip (and report) files larger than SIZE: bytes, or with K, M, G (default 10M).", CommandOptionType.SingleValue);
            var threads = cmd.Option("-j|--threads <N>", "Files scanned in parallel (default: the number of CPUs).", CommandOptionType.SingleValue);
            var rules = new RuleOptions(cmd);
            var output = new OutputOptions(cmd);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                output.Validate();
                long limit = maxSize.HasValue() ? ParseSize(maxSize.Value()!) : DefaultMaxFileSize;
                int workers = threads.HasValue() ? ParsePositive(threads.Value()!, "--threads") : Environment.ProcessorCount;
                var given = paths.Values.Where(v => v is not null).Select(v => v!).ToList();
                if (given.Count == 0)
                {
                    given.Add(".");
                }
                var ruleSet = rules.Load(env);
                var clock = Stopwatch.StartNew();
                var detector = new Detector(ruleSet);
                var scanner = new FileScanner(detector, limit, workers);
                FileScanResult result;
                if (given is ["-"])
                {
                    using var buffer = new MemoryStream();
                    env.Stdin.CopyTo(buffer);
                    result = scanner.ScanBytes(buffer.ToArray(), "<stdin>");
                }
                else
                {
                    if (given.Contains("-"))
                    {
                        throw new UsageException("'-' (standard input) cannot be combined with other paths");
                    }
                    var selection = new FileSelection(given, [.. include.Values!], [.. exclude.Values!], noIgnore.HasValue());
                    result = scanner.Scan(FileEnumerator.List(selection, env));
                }
                var report = new ScanReport(result.Findings, result.Skipped, result.Files, result.Bytes, clock.Elapsed, ruleSet);
                return Finish(report, result.Errors, output, env);
            });
        });
    }

    /// <summary>Writes the report and the summary, prints errors, and maps the outcome to an exit code.</summary>
    internal static int Finish(ScanReport report, IReadOnlyList<string> errors, OutputOptions output, CliEnvironment env)
    {
        output.Write(report, env);
        output.WriteSummary(report, env);
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
    internal static long ParseSize(string text)
    {
        string t = text.Trim();
        long multiplier = 1;
        if (t.Length > 0 && char.ToUpperInvariant(t[^1]) is 'K' or 'M' or 'G')
        {
            multiplier = char.ToUpperInvariant(t[^1]) switch { 'K' => 1024L, 'M' => 1024L * 1024, _ => 1024L * 1024 * 1024 };
            t = t[..^1];
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > int.MaxValue / multiplier)
        {
            throw new UsageException($"invalid size '{text}' for --max-file-size (e.g. 1048576, 512K, 10M; at most 2G)");
        }
        return n * multiplier;
    }

    internal static int ParsePositive(string text, string option) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0 && n <= 1024
            ? n
            : throw new UsageException($"invalid value '{text}' for {option} (a whole number from 1 to 1024)");
}
