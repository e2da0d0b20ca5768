using System.Text;
using SecretHook.Core.Detection;

namespace SecretHook.Core.Reporting;

/// <summary>
/// The human report: findings grouped by file, each with its position, rule, the line with the
/// secret redacted and the fingerprint (what <c>.secrethookignore</c> takes), then each firing rule's
/// remediation once, then the three ways to suppress a false positive. With
/// <see cref="ReportOptions.FindingsOnly"/> the advice section is left out. ANSI colour only when
/// <see cref="ReportOptions.Color"/> is set.
/// </summary>
public sealed class TextReporter : IReporter
{
    /// <inheritdoc />
    public void Write(ScanReport report, Stream output, ReportOptions options)
    {
        using var w = new StreamWriter(output, new UTF8Encoding(false), 64 * 1024, leaveOpen: true) { NewLine = "\n" };
        var c = new Palette(options.Color);
        if (report.Findings.Count == 0)
        {
            w.Flush();
            return;
        }
        foreach (var group in report.Findings.GroupBy(f => f.DisplayFile))
        {
            w.WriteLine(c.Bold(Sanitize(group.Key)));
            foreach (var f in group)
            {
                string where = $"{f.Line}:{f.Column}";
                string decodedNote = f.Decoded is { } how ? $"  {c.Dim($"[decoded from {how}]")}" : "";
                string commit = f.Commit is { } ci ? $"  {c.Dim($"commit {ci.ShortSha} \"{Sanitize(ci.Subject)}\"")}" : "";
                string structure = f.Structure switch
                {
                    StructureVerdict.Valid => $"  {c.Dim("[structure checks out]")}",
                    StructureVerdict.Invalid => $"  {c.Dim("[structure does not check out: likely a sample]")}",
                    _ => "",
                };
                w.WriteLine($"  {c.Yellow(where.PadRight(8))} {c.Red(f.RuleId)}  {f.Description}{structure}{decodedNote}{commit}");
                string line = options.Redact ? Redaction.RedactLine(f) : f.LineText;
                w.WriteLine($"  {"",8} {c.Dim(Sanitize(line.Trim()))}");
                if (!options.Redact)
                {
                    w.WriteLine($"  {"",8} secret: {Sanitize(f.Secret)}");
                }
                if (f.Verification is { } v)
                {
                    string said = Sanitize(v.Summary());
                    w.WriteLine($"  {"",8} {(v.Status == Verification.VerificationStatus.Valid ? c.Red(c.Bold(said)) : c.Dim(said))}");
                }
                w.WriteLine($"  {"",8} {c.Dim($"fingerprint: {Sanitize(f.Fingerprint)}")}");
            }
            w.WriteLine();
        }
        if (options.FindingsOnly)
        {
            w.Flush();
            return;
        }
        w.WriteLine(c.Bold("What to do"));
        foreach (var ruleId in report.Findings.Select(f => f.RuleId).Distinct().Order(StringComparer.Ordinal))
        {
            var rule = report.Rules.Find(ruleId);
            if (rule is not null)
            {
                w.WriteLine($"  {c.Red(ruleId)}: {rule.Remediation.ReplaceLineEndings(" ")}");
            }
        }
        w.WriteLine();
        w.WriteLine("  Remove the secret from the change and rotate it: once pushed, assume it is compromised.");
        w.WriteLine($"  A false positive? Add a '{Detector.InlineAllowMarker}' comment on that line, or its fingerprint to");
        w.WriteLine("  .secrethookignore; to accept every current finding, record a baseline (secrethook baseline create).");
        w.Flush();
    }

    /// <summary>Shows control characters as escapes (<c>\n</c>, <c>\x1b</c>) so a scanned file or its name cannot drive the terminal.</summary>
    private static string Sanitize(string s)
    {
        if (!s.Any(char.IsControl))
        {
            return s;
        }
        var sb = new StringBuilder(s.Length + 8);
        foreach (char ch in s)
        {
            switch (ch)
            {
                case '\t': sb.Append(' '); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                default:
                    if (char.IsControl(ch))
                    {
                        sb.Append("\\x").Append(((int)ch).ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        sb.Append(ch);
                    }
                    break;
            }
        }
        return sb.ToString();
    }

    private readonly struct Palette(bool on)
    {
        public string Bold(string s) => on ? $"\u001b[1m{s}\u001b[0m" : s;
        public string Dim(string s) => on ? $"\u001b[2m{s}\u001b[0m" : s;
        public string Red(string s) => on ? $"\u001b[31m{s}\u001b[0m" : s;
        public string Yellow(string s) => on ? $"\u001b[33m{s}\u001b[0m" : s;
    }
}
