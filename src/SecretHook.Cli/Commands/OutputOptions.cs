using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Commands;

/// <summary>
/// The report options every scanning command shares (<c>--format</c>, <c>--output</c>,
/// <c>--no-color</c>, <c>--no-redact</c>, <c>--quiet</c>), registered on a command and turned into a
/// reporter and a destination stream.
/// </summary>
public sealed class OutputOptions
{
    private static readonly string[] Formats = ["text", "json"];

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
        _quiet = cmd.Option("-q|--quiet", "Print findings only: no summary line on standard error.", CommandOptionType.NoValue);
    }

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
            _ => new TextReporter(),
        };
        string? file = _output.Value();
        bool color = file is null && env.StdoutIsTerminal && !_noColor.HasValue() && string.IsNullOrEmpty(env.GetVariable("NO_COLOR"));
        var options = new ReportOptions(Redact: !_noRedact.HasValue(), Color: color);
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
    public void WriteSummary(ScanReport report, CliEnvironment env)
    {
        if (Quiet || Format != "text")
        {
            return;
        }
        var s = report.Stats;
        string findings = s.Findings == 1 ? "1 finding" : $"{s.Findings} findings";
        string skipped = s.Skipped > 0 ? $", {s.Skipped} skipped" : "";
        env.Stderr.WriteLine($"secrethook: {findings} in {s.Files} files ({FormatBytes(s.Bytes)}){skipped}, {s.Elapsed.TotalMilliseconds:0} ms");
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };
}
