using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Commands;

/// <summary>
/// The report options every scanning command shares (<c>--format</c>, <c>--output</c>,
/// <c>--no-color</c>, <c>--no-redact</c>, <c>--quiet</c>), registered on a command and turned into a
/// reporter and a destination stream. Registering them also registers the suppression options
/// (<c>--config</c>, <c>--baseline</c>, <c>--report-stale</c>; see <see cref="Suppression"/>), which
/// <see cref="ScanCommand.Finish"/> applies before anything is written.
/// </summary>
public sealed class OutputOptions
{
    private static readonly string[] Formats = ["text", "json", "sarif", "junit", "github"];

    private readonly CommandOption _format;
    private readonly CommandOption _output;
    private readonly CommandOption _noColor;
    private readonly CommandOption _noRedact;
    private readonly CommandOption _quiet;

    /// <summary>Registers the options on <paramref name="cmd"/>.</summary>
    public OutputOptions(CommandLineApplication cmd)
    {
        _format = cmd.Option("-f|--format <FORMAT>", $"Report format: {string.Join(", ", Formats)} (default: text).", CommandOptionType.SingleValue);
        _output = cmd.Option("-o|--output <FILE>", "Write the report to FILE instead of standard output.", CommandOptionType.SingleValue);
        _noColor = cmd.Option("--no-color", "Never use colour (colour is used only on a terminal, and never when NO_COLOR is set).", CommandOptionType.NoValue);
        _noRedact = cmd.Option("--no-redact", "Show secrets in full. Off by default: reports show the first 4 characters.", CommandOptionType.NoValue);
        _quiet = cmd.Option("-q|--quiet", "Print findings only: no advice section, no summary or skipped-file lines on standard error.", CommandOptionType.NoValue);
        Suppression = new SuppressionOptions(cmd);
    }

    /// <summary>The suppression options (configuration, ignore file, baseline) registered with these.</summary>
    public SuppressionOptions Suppression { get; }

    /// <summary>Whether <c>--quiet</c> was given.</summary>
    public bool Quiet => _quiet.HasValue();

    /// <summary>The chosen format name.</summary>
    public string Format => _format.Value() ?? "text";

    /// <summary>Checks the values; call before scanning so bad usage fails fast.</summary>
    public void Validate()
    {
        if (!Formats.Contains(Format))
        {
            throw new UsageException($"unknown format '{Format}' (expected one of: {string.Join(", ", Formats)})");
        }
    }

    /// <summary>Writes <paramref name="report"/> where and how the options say.</summary>
    public void Write(ScanReport report, CliEnvironment env)
    {
        Core.Reporting.IReporter reporter = Format switch
        {
            "json" => new JsonReporter(),
            "sarif" => new SarifReporter(CliApp.Version),
            "junit" => new JUnitReporter(),
            "github" => new GitHubReporter(),
            _ => new TextReporter(),
        };
        string? file = _output.Value();
        bool color = file is null && env.StdoutIsTerminal && !_noColor.HasValue() && string.IsNullOrEmpty(env.GetVariable("NO_COLOR"));
        var options = new ReportOptions(Redact: !_noRedact.HasValue(), Color: color, FindingsOnly: Quiet);
        if (file is null)
        {
            reporter.Write(report, env.Stdout, options);
            env.Stdout.Flush();
            return;
        }
        using var stream = File.Create(env.Resolve(file));
        reporter.Write(report, stream, options);
    }

    /// <summary>The one-line summary printed on standard error after a text report.</summary>
    public void WriteSummary(ScanReport report, CliEnvironment env) => WriteSummary(report, null, env);

    /// <summary>
    /// The one-line summary printed on standard error after a text report: findings, files, bytes,
    /// skipped files, suppressed findings by kind (when any) and time.
    /// </summary>
    public void WriteSummary(ScanReport report, Configuration.FilterOutcome? filter, CliEnvironment env)
    {
        if (Quiet || Format != "text")
        {
            return;
        }
        var s = report.Stats;
        string findings = s.Findings == 1 ? "1 finding" : $"{s.Findings} findings";
        string skipped = s.Skipped > 0 ? $", {s.Skipped} skipped" : "";
        string suppressed = "";
        if (filter is { Suppressed: > 0 } f)
        {
            var kinds = new List<string>();
            if (f.ByPath > 0) { kinds.Add($"{f.ByPath} by path"); }
            if (f.ByIgnoreFile > 0) { kinds.Add($"{f.ByIgnoreFile} by {Core.Suppression.IgnoreFile.FileName}"); }
            if (f.ByBaseline > 0) { kinds.Add($"{f.ByBaseline} by baseline"); }
            suppressed = $", {f.Suppressed} suppressed ({string.Join(", ", kinds)})";
        }
        env.Stderr.WriteLine($"secrethook: {findings} in {(s.Files == 1 ? "1 file" : $"{s.Files} files")} ({FormatBytes(s.Bytes)}){skipped}{suppressed}, {s.Elapsed.TotalMilliseconds:0} ms");
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
