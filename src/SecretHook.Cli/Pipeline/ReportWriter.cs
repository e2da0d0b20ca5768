using System.Text;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Settings;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.Pipeline;

/// <summary>
/// The end of every scanning command: writes the report in the chosen format (standard output, or
/// <c>--output</c> atomically), then on standard error the warnings, skipped files, stale ignore entries,
/// the one-line summary and the errors, and maps the outcome to the exit code — the one place it is
/// chosen: 2 when anything could not be scanned, else 1 when findings remain, else 0.
/// </summary>
public static class ReportWriter
{
    /// <summary>The project page written into SARIF (<c>tool.driver.informationUri</c>) and named in the README.</summary>
    public const string ProjectUrl = "https://github.com/secrethook/secrethook";

    /// <summary>Writes everything and returns the exit code.</summary>
    /// <param name="settings">The run's settings.</param>
    /// <param name="outcome">What the pipeline produced.</param>
    /// <param name="env">Where to write.</param>
    /// <param name="blockedHint">Printed after a text report with findings (a hook says how to unblock).</param>
    public static int Finish(ScanSettings settings, ScanOutcome outcome, CliEnvironment env, string? blockedHint = null)
    {
        var report = new ScanReport(outcome.Findings, outcome.Skipped, outcome.Files, outcome.Bytes, outcome.Elapsed, settings.Rules);
        IReporter reporter = settings.Format switch
        {
            "json" => new JsonReporter(),
            "sarif" => new SarifReporter(CliApp.Version, ProjectUrl),
            "junit" => new JUnitReporter(),
            "github" => new GitHubReporter(),
            _ => new TextReporter(),
        };
        var options = new ReportOptions(Redact: settings.Redact, Color: settings.Color, FindingsOnly: settings.Quiet);
        if (settings.OutputPath is { } path)
        {
            try
            {
                OutputFile.Write(path, stream => reporter.Write(report, stream, options));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                env.Stderr.WriteLine($"{CliApp.Name}: error: cannot write {settings.OutputShown}: {e.Message}");
                return ExitCodes.Error;
            }
        }
        else
        {
            reporter.Write(report, env.Stdout, options);
            env.Stdout.Flush();
        }
        var err = env.Stderr;
        foreach (var w in outcome.Warnings)
        {
            err.WriteLine($"{CliApp.Name}: warning: {w}");
        }
        if (!settings.Quiet)
        {
            // A hook names every file it did not scan; a tree scan leaves out binary files (images,
            // archives), which would drown the rest.
            bool hook = settings.Targets.Count == 0 && !settings.Stdin;
            foreach (var s in outcome.Skipped.Where(s => hook || settings.Verbose || s.Reason is not ("binary" or Sources.DirectorySource.GitIgnored)))
            {
                err.WriteLine($"{CliApp.Name}: skipped {Escape(s.Path)}: {s.Reason}");
            }
        }
        if (settings.ReportStale && settings.Ignore is { } ignore)
        {
            foreach (var entry in outcome.Stale)
            {
                err.WriteLine($"{CliApp.Name}: stale: {ignore.Name}:{entry.Line}: {entry.Fingerprint} matched no finding");
            }
        }
        if (!settings.Quiet && settings.Format == "text")
        {
            err.WriteLine(Summary(outcome));
        }
        if (outcome.Errors.Count > 0)
        {
            foreach (var e in outcome.Errors)
            {
                err.WriteLine($"{CliApp.Name}: error: {Escape(e)}");
            }
            err.WriteLine($"{CliApp.Name}: error: {outcome.Errors.Count} input(s) could not be scanned");
            return ExitCodes.Error;
        }
        if (outcome.Findings.Count > 0)
        {
            if (blockedHint is not null && !settings.Quiet)
            {
                err.WriteLine(blockedHint);
            }
            return settings.FindingsExitCode;
        }
        return ExitCodes.Clean;
    }

    /// <summary>
    /// <c>secrethook: 2 findings in 1 file (12 files scanned, 3.4 KiB; 1 skipped; 3 suppressed: 1 inline, 2 by baseline), 12 ms</c>.
    /// </summary>
    public static string Summary(ScanOutcome o)
    {
        string findings = o.Findings.Count == 1 ? "1 finding" : $"{o.Findings.Count} findings";
        int withFindings = o.FilesWithFindings;
        string where = withFindings == 1 ? "1 file" : $"{withFindings} files";
        var parts = new List<string> { $"{(o.Files == 1 ? "1 file" : $"{o.Files} files")} scanned, {FormatBytes(o.Bytes)}" };
        if (o.Skipped.Count > 0)
        {
            parts.Add($"{o.Skipped.Count} skipped");
        }
        var s = o.Suppressed;
        if (s.Findings > 0)
        {
            var kinds = new List<string>();
            if (s.Inline > 0) { kinds.Add($"{s.Inline} inline"); }
            if (s.ByIgnoreFile > 0) { kinds.Add($"{s.ByIgnoreFile} by {Core.Suppression.IgnoreFile.FileName}"); }
            if (s.ByBaseline > 0) { kinds.Add($"{s.ByBaseline} by baseline"); }
            parts.Add($"{s.Findings} suppressed: {string.Join(", ", kinds)}");
        }
        if (s.FilesByPath > 0)
        {
            parts.Add($"{s.FilesByPath} {(s.FilesByPath == 1 ? "file" : "files")} allowlisted by path");
        }
        return $"{CliApp.Name}: {findings} in {where} ({string.Join("; ", parts)}), {o.Elapsed.TotalMilliseconds:0} ms";
    }

    /// <summary>A name or message with control characters shown as escapes, so it cannot drive the terminal.</summary>
    public static string Escape(string s)
    {
        if (!s.Any(char.IsControl))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
        {
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when char.IsControl(c) => $"\\x{(int)c:x2}",
                _ => c.ToString(),
            });
        }
        return sb.ToString();
    }

    private static string FormatBytes(long bytes) => bytes switch
    {
        < 1024 => $"{bytes} B",
        < 1024 * 1024 => $"{bytes / 1024.0:0.0} KiB",
        < 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024):0.0} MiB",
        _ => $"{bytes / (1024.0 * 1024 * 1024):0.00} GiB",
    };

}
