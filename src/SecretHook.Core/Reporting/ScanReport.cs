using System.Text;
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

/// <summary>
/// Redaction of secrets for display, the one place every report format goes through: a secret shows
/// only its first characters, and a printed line hides every secret span the detector matched on it
/// (<see cref="Finding.SecretSpans"/>: other findings of the line too, suppressed ones included) plus
/// any other run that looks like a credential (see <see cref="LooksLikeToken"/>), so that a token no
/// rule reported cannot be read beside one that was.
/// </summary>
public static class Redaction
{
    /// <summary>The marker that replaces the hidden part of a secret.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// The first 4 characters of <paramref name="secret"/> followed by <see cref="Ellipsis"/>; for secrets
    /// shorter than 12 characters, only the first third, so a short password is never half shown.
    /// </summary>
    public static string Redact(string secret) => Redact(secret.AsSpan());

    private static string Redact(ReadOnlySpan<char> secret)
    {
        int keep = secret.Length >= 12 ? 4 : secret.Length / 3;
        return string.Concat(secret[..keep], Ellipsis);
    }

    /// <summary>
    /// The finding's line with every secret span redacted (<see cref="Finding.SecretSpans"/>, or the
    /// finding's own secret when the detector recorded none) and every other credential-like run too.
    /// </summary>
    public static string RedactLine(Finding finding)
    {
        string line = finding.LineText;
        var spans = new List<TextSpan>(finding.SecretSpans);
        if (spans.Count == 0)
        {
            int at = Math.Clamp(finding.SnippetOffset, 0, line.Length);
            int firstLine = finding.Secret.IndexOfAny(['\r', '\n']) is var nl and >= 0 ? nl : finding.Secret.Length;
            spans.Add(new TextSpan(at, Math.Min(line.Length, at + firstLine) - at));
        }
        return RedactLine(line, spans);
    }

    /// <summary><paramref name="line"/> with <paramref name="spans"/> and every credential-like run redacted.</summary>
    public static string RedactLine(string line, IReadOnlyList<TextSpan> spans)
    {
        var ordered = spans.Where(s => s.Length > 0 && s.Start < line.Length)
            .Select(s => new TextSpan(s.Start, Math.Min(s.End, line.Length) - s.Start))
            .OrderBy(s => s.Start).ToList();
        var sb = new StringBuilder(line.Length);
        int pos = 0;
        foreach (var span in ordered)
        {
            if (span.End <= pos)
            {
                continue; // inside a span already redacted
            }
            int start = Math.Max(span.Start, pos);
            AppendMaskingRuns(sb, line.AsSpan(pos, start - pos));
            sb.Append(Redact(line.AsSpan(start, span.End - start)));
            pos = span.End;
        }
        AppendMaskingRuns(sb, line.AsSpan(pos));
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="text"/>, redacting each run of token characters that <see cref="LooksLikeToken"/>.</summary>
    private static void AppendMaskingRuns(StringBuilder sb, ReadOnlySpan<char> text)
    {
        int i = 0;
        while (i < text.Length)
        {
            if (!IsTokenChar(text[i]))
            {
                sb.Append(text[i++]);
                continue;
            }
            int start = i;
            while (i < text.Length && IsTokenChar(text[i]))
            {
                i++;
            }
            var run = text[start..i];
            if (LooksLikeToken(run))
            {
                sb.Append(Redact(run));
            }
            else
            {
                sb.Append(run);
            }
        }
    }

    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '+' or '/' or '=' or '_' or '-';

    /// <summary>
    /// Whether a run of token characters (letters, digits, <c>+/=_-</c>) looks like a credential: at
    /// least 20 characters, letters and digits both present, and at least 3.5 bits of entropy per
    /// character — the shape of every random token format, and of no identifier, path or prose word.
    /// It errs towards hiding: a hash on a printed line may be shortened too, which costs nothing.
    /// </summary>
    public static bool LooksLikeToken(ReadOnlySpan<char> run)
    {
        if (run.Length < 20)
        {
            return false;
        }
        bool letter = false, digit = false;
        foreach (char c in run)
        {
            letter |= char.IsAsciiLetter(c);
            digit |= char.IsAsciiDigit(c);
        }
        return letter && digit && Entropy.Shannon(run) >= 3.5;
    }
}
