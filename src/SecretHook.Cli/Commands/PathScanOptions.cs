using System.Diagnostics;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Sources;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Commands;

/// <summary>
/// What to scan on disk and how: <c>PATH...</c> (or <c>-</c> for standard input), <c>--include</c>,
/// <c>--exclude</c>, <c>--no-ignore</c>, <c>--max-file-size</c> and <c>--threads</c>. Shared by
/// <c>scan</c> and <c>baseline create</c>, so a baseline records exactly what a scan would report.
/// </summary>
public sealed class PathScanOptions
{
    private readonly CommandArgument _paths;
    private readonly CommandOption _include;
    private readonly CommandOption _exclude;
    private readonly CommandOption _noIgnore;
    private readonly CommandOption _maxSize;
    private readonly CommandOption _threads;

    /// <summary>
    /// Twice the CPUs: a worker waiting on the disk leaves its CPU idle. On the Linux 6.1 tree (2 CPUs)
    /// a cold-cache scan took 7.1 s with 2 workers and 5.4 s with 4; a warm one 1.60 s and 1.66 s.
    /// </summary>
    internal static int DefaultThreads => Math.Min(64, 2 * Environment.ProcessorCount);

    /// <summary>Registers the argument and options on <paramref name="cmd"/>.</summary>
    public PathScanOptions(CommandLineApplication cmd)
    {
        _paths = cmd.Argument("PATH", "Files or directories to scan, or '-' for standard input.", multipleValues: true);
        _include = cmd.Option("--include <GLOB>", "Scan only files matching GLOB (relative to the directory given). Repeatable.", CommandOptionType.MultipleValue);
        _exclude = cmd.Option("--exclude <GLOB>", "Skip files matching GLOB. Repeatable.", CommandOptionType.MultipleValue);
        _noIgnore = cmd.Option("--no-ignore", "Scan files that .gitignore excludes too.", CommandOptionType.NoValue);
        _maxSize = cmd.Option("--max-file-size <SIZE>", "Skip (and report) files larger than SIZE: bytes, or with K, M, G (default 10M, or max-file-size in the configuration).", CommandOptionType.SingleValue);
        _threads = cmd.Option("-j|--threads <N>", "Files scanned in parallel (default: twice the number of CPUs, at most 64).", CommandOptionType.SingleValue);
    }

    /// <summary>Whether any path was given.</summary>
    public bool HasPaths => _paths.Values.Any(v => v is not null);

    /// <summary>The paths given, or <c>.</c> when none were.</summary>
    public IReadOnlyList<string> Paths
    {
        get
        {
            var given = _paths.Values.Where(v => v is not null).Select(v => v!).ToList();
            return given.Count == 0 ? ["."] : given;
        }
    }

    /// <summary>
    /// Validates the option values and points <paramref name="config"/> at the directory being scanned
    /// (so that scanning another repository uses that repository's configuration). Call before loading
    /// rules or configuration.
    /// </summary>
    /// <exception cref="UsageException">A value is invalid.</exception>
    public void Prepare(CliEnvironment env, ConfigOptions config)
    {
        if (_maxSize.HasValue())
        {
            ScanCommand.ParseSize(_maxSize.Value()!);
        }
        if (_threads.HasValue())
        {
            ScanCommand.ParsePositive(_threads.Value()!, "--threads");
        }
        var paths = Paths;
        if (paths.Count > 1 && paths.Contains("-"))
        {
            throw new UsageException("'-' (standard input) cannot be combined with other paths");
        }
        if (paths[0] != "-")
        {
            string first = env.Resolve(paths[0]);
            config.SearchFrom = Directory.Exists(first) ? first
                : File.Exists(first) ? Path.GetDirectoryName(first) : null;
        }
    }

    /// <summary>Scans what the options select with <paramref name="rules"/>; returns the report and the inputs that failed.</summary>
    public (ScanReport Report, IReadOnlyList<string> Errors) Scan(CliEnvironment env, RuleSet rules, LoadedConfig config)
    {
        long limit = _maxSize.HasValue() ? ScanCommand.ParseSize(_maxSize.Value()!)
            : config.Config.MaxFileSize ?? ScanCommand.DefaultMaxFileSize;
        int workers = _threads.HasValue() ? ScanCommand.ParsePositive(_threads.Value()!, "--threads") : DefaultThreads;
        var given = Paths;
        var clock = Stopwatch.StartNew();
        var detector = new Detector(rules);
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
            var exclude = new List<string>(_exclude.Values.Where(v => v is not null)!);
            // The path allowlist is relative to the configuration root: when that is the one directory
            // being scanned, skip those files up front instead of scanning them and dropping findings.
            if (given.Count == 1 && SamePath(env.Resolve(given[0]), config.Root))
            {
                exclude.AddRange(config.Config.AllowPaths);
            }
            var selection = new FileSelection(given, [.. _include.Values!], exclude!, _noIgnore.HasValue());
            result = scanner.Scan(FileEnumerator.List(selection, env));
        }
        var report = new ScanReport(result.Findings, result.Skipped, result.Files, result.Bytes, clock.Elapsed, rules);
        return (report, result.Errors);
    }

    private static bool SamePath(string a, string b) =>
        string.Equals(Path.TrimEndingDirectorySeparator(Path.GetFullPath(a)), Path.TrimEndingDirectorySeparator(Path.GetFullPath(b)), StringComparison.Ordinal);
}
