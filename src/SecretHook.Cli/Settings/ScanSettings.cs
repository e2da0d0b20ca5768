using SecretHook.Core.Configuration;
using SecretHook.Core.Paths;
using SecretHook.Core.Rules;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Settings;

/// <summary>One path given to <c>scan</c>: as typed, resolved, and whether it is a directory.</summary>
public sealed record ScanTarget(string Given, string FullPath, bool IsDirectory);

/// <summary>How a command's input is chosen, which decides what <see cref="SettingsBuilder"/> checks.</summary>
public enum InputKind
{
    /// <summary>Files and directories (<c>scan</c>, <c>baseline create PATH…</c>), or standard input.</summary>
    Paths,

    /// <summary>A git source (<c>staged</c>, <c>commits</c>, <c>pre-push</c>, <c>ci</c>): the work tree of the working directory.</summary>
    Git,

    /// <summary>No input: only the rules and configuration (<c>rules</c>, <c>doctor</c>).</summary>
    None,
}

/// <summary>
/// Everything a run needs, validated and immutable: built once by <see cref="SettingsBuilder"/> from the
/// raw command line, the environment and the files it names (configuration, rule files, ignore file,
/// baseline — each read once), then handed to the pipeline. Nothing here is read or computed later.
/// </summary>
public sealed record ScanSettings
{
    /// <summary>The directory canonical paths are relative to: the git work tree's top level, else the scan root.</summary>
    public required string ProjectRoot { get; init; }

    /// <summary>Whether <see cref="ProjectRoot"/> is a git work tree.</summary>
    public bool InWorkTree { get; init; }

    /// <summary>The rules to run (built-in pack, <c>--rules</c>, configuration; less the disabled ones).</summary>
    public required RuleSet Rules { get; init; }

    /// <summary>The configuration (<see cref="ScanConfig.Default"/> when there is no file).</summary>
    public required ScanConfig Config { get; init; }

    /// <summary>The configuration's <c>allowlist.paths</c>, matched against canonical paths.</summary>
    public IReadOnlyList<PathGlob> AllowPaths { get; init; } = [];

    /// <summary>The ignore file, if there is one.</summary>
    public IgnoreFile? Ignore { get; init; }

    /// <summary>The <c>--baseline</c>, if given.</summary>
    public Baseline? Baseline { get; init; }

    /// <summary>Markers that allow a line's findings (<c>secrethook:allow</c>).</summary>
    public IReadOnlyList<string> InlineMarkers { get; init; } = [Core.Detection.Detector.InlineAllowMarker];

    /// <summary>The paths to scan (<see cref="InputKind.Paths"/>; empty with <see cref="Stdin"/>).</summary>
    public IReadOnlyList<ScanTarget> Targets { get; init; } = [];

    /// <summary>Whether standard input is scanned (<c>scan -</c>).</summary>
    public bool Stdin { get; init; }

    /// <summary><c>--include</c> globs (paths relative to the directory given).</summary>
    public IReadOnlyList<PathGlob> Include { get; init; } = [];

    /// <summary><c>--exclude</c> globs.</summary>
    public IReadOnlyList<PathGlob> Exclude { get; init; } = [];

    /// <summary><c>--no-ignore</c>: walk directories instead of asking git, so .gitignore does not apply.</summary>
    public bool NoIgnore { get; init; }

    /// <summary>The largest file (git modes: a file's added bytes) scanned.</summary>
    public long MaxFileSize { get; init; } = SettingsBuilder.DefaultMaxFileSize;

    /// <summary>How many layers of encoding the detector looks through (<see cref="Core.Detection.Detector.DecodeDepth"/>; 0: none).</summary>
    public int DecodeDepth { get; init; } = SettingsBuilder.DefaultDecodeDepth;

    /// <summary>Worker threads for file scans.</summary>
    public int Threads { get; init; } = 1;

    /// <summary>The report format (one of <see cref="ScanOptions.Formats"/>).</summary>
    public string Format { get; init; } = "text";

    /// <summary>The report file's full path, or null for standard output.</summary>
    public string? OutputPath { get; init; }

    /// <summary>The report file as the user named it (for messages).</summary>
    public string? OutputShown { get; init; }

    /// <summary>Whether ANSI colour is used.</summary>
    public bool Color { get; init; }

    /// <summary>Whether secrets are redacted (the default).</summary>
    public bool Redact { get; init; } = true;

    /// <summary>The exit code when findings remain (<c>--exit-code</c>; default 1).</summary>
    public int FindingsExitCode { get; init; } = 1;

    /// <summary><c>--verbose</c>: name every file not scanned, with the reason.</summary>
    public bool Verbose { get; init; }

    /// <summary>Show a progress line on standard error (a terminal, and not <c>--quiet</c>).</summary>
    public bool Progress { get; init; }

    /// <summary><c>--quiet</c>.</summary>
    public bool Quiet { get; init; }

    /// <summary><c>--report-stale</c>.</summary>
    public bool ReportStale { get; init; }

    /// <summary>Whether found tokens are checked with their providers (<c>--verify</c>, or <c>verify: true</c> in the user's own config).</summary>
    public bool Verify { get; init; }

    /// <summary>Report only findings verified live.</summary>
    public bool OnlyVerified { get; init; }

    /// <summary>How verification requests are made (timeout, hosts the user allows).</summary>
    public Verification.VerificationOptions VerifyOptions { get; init; } = new();

    /// <summary>Warnings found while building the settings (printed before the scan starts).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];
}

/// <summary>The command line, environment or a file it names is wrong: every problem, one per line, exit 2.</summary>
public sealed class SettingsException(IReadOnlyList<string> problems) : Exception(string.Join("; ", problems))
{
    /// <summary>The problems, each a complete message (rule and configuration errors as <c>file:line:col: …</c>).</summary>
    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Whether <paramref name="problem"/> starts with a <c>file:line:col:</c> position.</summary>
    public static bool IsPositioned(string problem) =>
        System.Text.RegularExpressions.Regex.IsMatch(problem, @"^\S[^:\n]*:\d+:\d+: ", System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromSeconds(1));
}
