using McMaster.Extensions.CommandLineUtils;

namespace SecretHook.Cli.Settings;

/// <summary>Which option groups a command offers.</summary>
[Flags]
public enum OptionGroups
{
    /// <summary>None.</summary>
    None = 0,

    /// <summary><c>PATH...</c>, <c>--include</c>, <c>--exclude</c>, <c>--no-ignore</c>, <c>--threads</c> (file-system scans).</summary>
    Paths = 1,

    /// <summary><c>--max-file-size</c>, <c>--max-decode-depth</c>.</summary>
    Limits = 2,

    /// <summary><c>--rules</c>, <c>--config</c>.</summary>
    Rules = 4,

    /// <summary><c>--format</c>, <c>--output</c>, <c>--no-color</c>, <c>--no-redact</c>, <c>--quiet</c>.</summary>
    Output = 8,

    /// <summary><c>--baseline</c>, <c>--report-stale</c>.</summary>
    Suppression = 16,

    /// <summary><c>--verify</c>, <c>--verify-timeout</c>, <c>--only-verified</c>.</summary>
    Verify = 32,

    /// <summary>Everything a scanning command takes apart from its input.</summary>
    Scanning = Limits | Rules | Output | Suppression | Verify,
}

/// <summary>
/// The raw values of a command line, as typed: nothing here is validated, read from disk or
/// resolved. <see cref="SettingsBuilder"/> turns them into <see cref="ScanSettings"/>.
/// </summary>
public sealed record RawOptions
{
    /// <summary>Positional paths (empty: none given).</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary><c>--include</c> globs.</summary>
    public IReadOnlyList<string> Include { get; init; } = [];

    /// <summary><c>--exclude</c> globs.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];

    /// <summary><c>--no-ignore</c>.</summary>
    public bool NoIgnore { get; init; }

    /// <summary><c>--max-file-size</c>.</summary>
    public string? MaxFileSize { get; init; }

    /// <summary><c>--max-decode-depth</c>.</summary>
    public string? MaxDecodeDepth { get; init; }

    /// <summary><c>--threads</c>.</summary>
    public string? Threads { get; init; }

    /// <summary><c>--rules</c> files or directories.</summary>
    public IReadOnlyList<string> RuleFiles { get; init; } = [];

    /// <summary><c>--config</c>.</summary>
    public string? ConfigFile { get; init; }

    /// <summary><c>--format</c>.</summary>
    public string? Format { get; init; }

    /// <summary><c>--output</c>.</summary>
    public string? Output { get; init; }

    /// <summary><c>--no-color</c>.</summary>
    public bool NoColor { get; init; }

    /// <summary><c>--no-redact</c>.</summary>
    public bool NoRedact { get; init; }

    /// <summary><c>--quiet</c>.</summary>
    public bool Quiet { get; init; }

    /// <summary><c>--baseline</c>.</summary>
    public string? Baseline { get; init; }

    /// <summary><c>--report-stale</c>.</summary>
    public bool ReportStale { get; init; }

    /// <summary><c>--exit-code</c>.</summary>
    public string? ExitCode { get; init; }

    /// <summary><c>--verbose</c>.</summary>
    public bool Verbose { get; init; }

    /// <summary><c>--verify</c>.</summary>
    public bool Verify { get; init; }

    /// <summary><c>--verify-timeout</c>.</summary>
    public string? VerifyTimeout { get; init; }

    /// <summary><c>--only-verified</c>.</summary>
    public bool OnlyVerified { get; init; }
}

/// <summary>
/// Registers a command's option groups (once, on that command: no registry, no group registers
/// another) and reads their raw values at execution time. Holds no state beyond McMaster's options.
/// </summary>
public sealed class ScanOptions
{
    /// <summary>The formats of <c>--format</c>.</summary>
    public static readonly string[] Formats = ["text", "json", "sarif", "junit", "github"];

    private readonly CommandArgument? _paths;
    private readonly CommandOption? _include, _exclude, _noIgnore, _threads, _maxSize, _decodeDepth, _rules, _config,
        _format, _output, _noColor, _noRedact, _quiet, _baseline, _reportStale, _exitCode, _verbose, _verify, _verifyTimeout, _onlyVerified;

    private ScanOptions(CommandLineApplication cmd, OptionGroups groups)
    {
        if (groups.HasFlag(OptionGroups.Paths))
        {
            _paths = cmd.Argument("PATH", "Files or directories to scan, or '-' for standard input.", multipleValues: true);
            _include = cmd.Option("--include <GLOB>", "Scan only files matching GLOB (.gitignore syntax, relative to the directory given: '*.py' matches at any depth). Repeatable.", CommandOptionType.MultipleValue);
            _exclude = cmd.Option("--exclude <GLOB>", "Skip files matching GLOB (.gitignore syntax, as --include). Repeatable.", CommandOptionType.MultipleValue);
            _noIgnore = cmd.Option("--no-ignore", "Scan files that .gitignore excludes too.", CommandOptionType.NoValue);
            _threads = cmd.Option("-j|--threads <N>", "Files scanned in parallel (default: twice the number of CPUs, at most 64).", CommandOptionType.SingleValue);
        }
        if (groups.HasFlag(OptionGroups.Limits))
        {
            _maxSize = cmd.Option("--max-file-size <SIZE>", "Largest file (or a file's added lines, in git modes) scanned: bytes, or with K, M, G (default 10M, or max-file-size in the configuration). Larger files are skipped and named; in git modes they fail the scan.", CommandOptionType.SingleValue);
            _decodeDepth = cmd.Option("--max-decode-depth <N>", $"How many layers of encoding (base64, percent-encoding, \\u and \\x escapes, HTML character references) are looked through for secrets: 0 to {SettingsBuilder.MaxDecodeDepth} (default {SettingsBuilder.DefaultDecodeDepth}; 0 scans the text only as written).", CommandOptionType.SingleValue);
        }
        if (groups.HasFlag(OptionGroups.Rules))
        {
            _rules = cmd.Option("--rules <PATH>", "Load extra rule files (YAML, same schema as the built-in pack) or every *.yaml in a directory. Repeatable.", CommandOptionType.MultipleValue);
            _config = cmd.Option("--config <FILE>", $"Read configuration from FILE instead of {Core.Configuration.ConfigLoader.FileName} at the repository root.", CommandOptionType.SingleValue);
        }
        if (groups.HasFlag(OptionGroups.Output))
        {
            _format = cmd.Option("-f|--format <FORMAT>", $"Report format: {string.Join(", ", Formats)} (default: text).", CommandOptionType.SingleValue);
            _output = cmd.Option("-o|--output <FILE>", "Write the report to FILE instead of standard output (atomically; never through a symbolic link).", CommandOptionType.SingleValue);
            _noColor = cmd.Option("--no-color", "Never use colour (colour is used only on a terminal, and never when NO_COLOR is set).", CommandOptionType.NoValue);
            _noRedact = cmd.Option("--no-redact", "Show secrets in full. Off by default: reports show the first 4 characters.", CommandOptionType.NoValue);
            _exitCode = cmd.Option("--exit-code <N>", "The exit code when findings are reported (default 1; 0 for report-only jobs). Errors are always 2.", CommandOptionType.SingleValue);
            _verbose = cmd.Option("-v|--verbose", "List every file not scanned and why (ignored by .gitignore, binary, too large, not a regular file).", CommandOptionType.NoValue);
            _quiet = cmd.Option("-q|--quiet", "Print findings only: no advice section, no summary or skipped-file lines on standard error.", CommandOptionType.NoValue);
        }
        if (groups.HasFlag(OptionGroups.Suppression))
        {
            _baseline = cmd.Option("--baseline <FILE>", "Report only findings that are not in FILE (made with 'secrethook baseline create').", CommandOptionType.SingleValue);
            _reportStale = cmd.Option("--report-stale", $"List {Core.Suppression.IgnoreFile.FileName} entries that matched no finding (on standard error; the exit code is unchanged).", CommandOptionType.NoValue);
        }
        if (groups.HasFlag(OptionGroups.Verify))
        {
            _verify = cmd.Option("--verify", "Ask each provider whether a found token is live (read-only requests over HTTPS to the provider's own host; off by default: without it no connection is opened).", CommandOptionType.NoValue);
            _verifyTimeout = cmd.Option("--verify-timeout <TIME>", "Per-request timeout for --verify: 5, 2.5s, 500ms, 1m (default 5s).", CommandOptionType.SingleValue);
            _onlyVerified = cmd.Option("--only-verified", "Report only tokens that --verify found live (implies --verify).", CommandOptionType.NoValue);
        }
    }

    /// <summary>Registers <paramref name="groups"/> on <paramref name="cmd"/>.</summary>
    public static ScanOptions Register(CommandLineApplication cmd, OptionGroups groups) => new(cmd, groups);

    /// <summary>The values given on the command line.</summary>
    public RawOptions Read() => new()
    {
        Paths = _paths is null ? [] : [.. _paths.Values.Where(v => v is not null).Select(v => v!)],
        Include = Values(_include),
        Exclude = Values(_exclude),
        NoIgnore = _noIgnore?.HasValue() == true,
        Threads = _threads?.Value(),
        MaxFileSize = _maxSize?.Value(),
        MaxDecodeDepth = _decodeDepth?.Value(),
        RuleFiles = Values(_rules),
        ConfigFile = _config?.Value(),
        Format = _format?.Value(),
        Output = _output?.Value(),
        NoColor = _noColor?.HasValue() == true,
        NoRedact = _noRedact?.HasValue() == true,
        Quiet = _quiet?.HasValue() == true,
        Baseline = _baseline?.Value(),
        ReportStale = _reportStale?.HasValue() == true,
        ExitCode = _exitCode?.Value(),
        Verbose = _verbose?.HasValue() == true,
        Verify = _verify?.HasValue() == true,
        VerifyTimeout = _verifyTimeout?.Value(),
        OnlyVerified = _onlyVerified?.HasValue() == true,
    };

    private static string[] Values(CommandOption? option) =>
        option is null ? [] : [.. option.Values.Where(v => v is not null).Select(v => v!)];
}
