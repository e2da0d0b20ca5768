using System.Text;

namespace SecretHook.Core.Reporting;

/// <summary>
/// GitHub Actions workflow commands: one
/// <c>::error file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message</c> line per finding, which
/// GitHub shows as an annotation on the file in the run summary and the pull request. Property values
/// and the message are escaped as the Actions runner expects (see <see cref="EscapeData"/> and
/// <see cref="EscapeProperty"/>), so a path or a line from a scanned file can neither break the command
/// nor start a new one. Nothing is printed for a clean scan.
/// </summary>
public sealed class GitHubReporter : IReporter
{
    /// <inheritdoc />
    public void Write(ScanReport report, Stream output, ReportOptions options)
    {
        var sb = new StringBuilder();
        foreach (var f in report.Findings)
        {
            string shown = options.Redact ? Redaction.Redact(f.Secret) : f.Secret;
            string commit = f.Commit is { } c ? $" in commit {c.ShortSha}" : "";
            string remediation = report.Rules.Find(f.RuleId)?.Remediation.ReplaceLineEndings(" ") ?? "";
            string message = $"{f.Description}: {shown}{commit}\n{remediation}\nfingerprint: {f.Fingerprint}";
            sb.Append("::error file=").Append(EscapeProperty(f.File))
              .Append(",line=").Append(f.Line)
              .Append(",col=").Append(f.Column)
              .Append(",endLine=").Append(f.EndLine)
              .Append(",endColumn=").Append(f.EndColumn)
              .Append(",title=").Append(EscapeProperty($"secrethook: {f.RuleId}"))
              .Append("::").Append(EscapeData(message)).Append('\n');
        }
        output.Write(Encoding.UTF8.GetBytes(sb.ToString()));
    }

    /// <summary>Escapes a command's message: <c>%</c> → <c>%25</c>, CR → <c>%0D</c>, LF → <c>%0A</c>.</summary>
    public static string EscapeData(string value) =>
        value.Replace("%", "%25", StringComparison.Ordinal)
             .Replace("\r", "%0D", StringComparison.Ordinal)
             .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>Escapes a command property value: as <see cref="EscapeData"/>, plus <c>:</c> → <c>%3A</c> and <c>,</c> → <c>%2C</c>.</summary>
    public static string EscapeProperty(string value) =>
        EscapeData(value)
            .Replace(":", "%3A", StringComparison.Ordinal)
            .Replace(",", "%2C", StringComparison.Ordinal);
}
