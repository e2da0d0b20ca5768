using System.Globalization;
using System.Text;
using System.Xml;
using SecretHook.Core.Detection;

namespace SecretHook.Core.Reporting;

/// <summary>
/// JUnit XML for CI systems that display test results (GitLab, Jenkins, Azure Pipelines, …): one
/// <c>testsuite</c> named <c>secrethook</c> with one failing <c>testcase</c> per finding (class name
/// = file, name = rule and position, failure body = redacted line, fingerprint and remediation), or a
/// single passing <c>testcase</c> when nothing was found, so a clean scan still shows up as a pass.
/// No timestamps or durations: the same findings give byte-identical XML.
/// </summary>
public sealed class JUnitReporter : IReporter
{
    /// <inheritdoc />
    public void Write(ScanReport report, Stream output, ReportOptions options)
    {
        var settings = new XmlWriterSettings
        {
            Encoding = new UTF8Encoding(false),
            Indent = true,
            IndentChars = "  ",
            NewLineChars = "\n",
            NewLineHandling = NewLineHandling.Replace,
            CloseOutput = false,
        };
        int count = report.Findings.Count;
        string tests = Math.Max(1, count).ToString(CultureInfo.InvariantCulture);
        string failures = count.ToString(CultureInfo.InvariantCulture);
        using (var w = XmlWriter.Create(output, settings))
        {
            w.WriteStartDocument();
            w.WriteStartElement("testsuites");
            w.WriteAttributeString("name", "secrethook");
            w.WriteAttributeString("tests", tests);
            w.WriteAttributeString("failures", failures);
            w.WriteAttributeString("errors", "0");
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", "secrethook");
            w.WriteAttributeString("tests", tests);
            w.WriteAttributeString("failures", failures);
            w.WriteAttributeString("errors", "0");
            w.WriteAttributeString("skipped", "0");
            if (count == 0)
            {
                w.WriteStartElement("testcase");
                w.WriteAttributeString("classname", "secrethook");
                w.WriteAttributeString("name", "no secrets found");
                w.WriteEndElement();
            }
            foreach (var f in report.Findings)
            {
                WriteCase(w, f, report, options);
            }
            w.WriteEndElement();
            w.WriteEndElement();
            w.WriteEndDocument();
        }
        output.WriteByte((byte)'\n');
    }

    private static void WriteCase(XmlWriter w, Finding f, ScanReport report, ReportOptions options)
    {
        string shown = options.Redact ? Redaction.Redact(f.Secret) : f.Secret;
        string commit = f.Commit is { } c ? $" (commit {c.ShortSha})" : "";
        w.WriteStartElement("testcase");
        w.WriteAttributeString("classname", Clean(f.File));
        w.WriteAttributeString("name", Clean($"{f.RuleId} at {f.File}:{f.Line}:{f.Column}{commit}"));
        w.WriteStartElement("failure");
        w.WriteAttributeString("type", f.RuleId);
        w.WriteAttributeString("message", Clean($"{f.Description}: {FirstLine(shown)}"));
        var body = new StringBuilder();
        body.Append(f.File).Append(':').Append(f.Line).Append(':').Append(f.Column).Append(commit).Append('\n');
        body.Append(options.Redact ? Redaction.RedactLine(f) : f.LineText).Append('\n');
        body.Append("fingerprint: ").Append(f.Fingerprint).Append('\n');
        if (report.Rules.Find(f.RuleId) is { } rule)
        {
            body.Append(rule.Remediation.ReplaceLineEndings(" ")).Append('\n');
        }
        w.WriteString(Clean(body.ToString()));
        w.WriteEndElement();
        w.WriteEndElement();
    }

    private static string FirstLine(string s) => s.IndexOfAny(['\r', '\n']) is var i and >= 0 ? s[..i] + Redaction.Ellipsis : s;

    /// <summary>Replaces characters XML 1.0 cannot hold (controls other than tab and newline, lone surrogates) with '?'.</summary>
    private static string Clean(string s)
    {
        StringBuilder? sb = null;
        for (int i = 0; i < s.Length; i++)
        {
            char ch = s[i];
            bool ok;
            if (char.IsHighSurrogate(ch) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                sb?.Append(ch).Append(s[i + 1]);
                i++;
                continue;
            }
            ok = ch is '\t' or '\n' || (ch >= 0x20 && ch != 0xFFFE && ch != 0xFFFF && !char.IsSurrogate(ch));
            if (!ok && sb is null)
            {
                sb = new StringBuilder(s.Length).Append(s, 0, i);
            }
            sb?.Append(ok ? ch : '?');
        }
        return sb?.ToString() ?? s;
    }
}
