using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Reporting;

/// <summary>A file that was not scanned and why (too large, binary, unreadable).</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>Counts for a scan: files and bytes read, findings reported, files skipped.</summary>
public sealed record ScanStats(long Files, long Bytes, int Findings, int Skipped, TimeSpan Elapsed);

/// <summary>
/// Everything a reporter needs: findings in <see cref="Finding.Order"/>, the skipped files, counts,
/// and the rule set (for descriptions and remediation).
/// </summary>
public sealed class ScanReport
{
    /// <summary>Creates a report; sorts <paramref name="findings"/> into the stable order.</summary>
    public ScanReport(IEnumerable<Finding> findings, IEnumerable<SkippedFile> skipped, long files, long bytes,
        TimeSpan elapsed, RuleSet rules)
    {
        var sorted = findings.ToList();
        sorted.Sort(Finding.Order);
        Findings = sorted;
        Skipped = [.. skipped.OrderBy(s => s.Path, StringComparer.Ordinal)];
        Rules = rules;
        Stats = new ScanStats(files, bytes, sorted.Count, Skipped.Count, elapsed);
    }

    /// <summary>Findings, sorted by file, line, column, rule.</summary>
    public IReadOnlyList<Finding> Findings { get; }

    /// <summary>Files not scanned, sorted by path.</summary>
    public IReadOnlyList<SkippedFile> Skipped { get; }

    /// <summary>The rules that produced the findings.</summary>
    public RuleSet Rules { get; }

    /// <summary>Counts.</summary>
    public ScanStats Stats { get; }
}

/// <summary>
/// How a report is written: whether secrets are redacted, whether ANSI colour is used, and whether
/// only the findings are written (<c>--quiet</c>: the text report leaves out its advice section).
/// </summary>
public sealed record ReportOptions(bool Redact = true, bool Color = false, bool FindingsOnly = false);

/// <summary>Writes a <see cref="ScanReport"/> in one format. Output is byte-identical for the same report.</summary>
public interface IReporter
{
    /// <summary>Writes <paramref name="report"/> to <paramref name="output"/>.</summary>
    void Write(ScanReport report, Stream output, ReportOptions options);
}

/// <summary>Redaction of secrets for display.</summary>
public static class Redaction
{
    /// <summary>The marker that replaces the hidden part of a secret.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// The first 4 characters of <paramref name="secret"/> followed by <see cref="Ellipsis"/>; for secrets
    /// shorter than 12 characters, only the first third, so a short password is never half shown.
    /// </summary>
    public static string Redact(string secret)
    {
        int keep = secret.Length >= 12 ? 4 : secret.Length / 3;
        return string.Concat(secret.AsSpan(0, keep), Ellipsis);
    }

    /// <summary>The finding's line with the secret (or its first line, for a multi-line secret) redacted.</summary>
    public static string RedactLine(Finding finding)
    {
        string line = finding.LineText;
        int at = Math.Clamp(finding.SnippetOffset, 0, line.Length);
        int firstLineLength = finding.Secret.IndexOfAny(['\r', '\n']) is var nl and >= 0 ? nl : finding.Secret.Length;
        int end = Math.Min(line.Length, at + firstLineLength);
        return string.Concat(line.AsSpan(0, at), Redact(finding.Secret), line.AsSpan(end));
    }
}
