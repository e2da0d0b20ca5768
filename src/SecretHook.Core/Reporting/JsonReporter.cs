using System.Text.Encodings.Web;
using System.Text.Json;
using SecretHook.Core.Detection;

namespace SecretHook.Core.Reporting;

/// <summary>
/// The JSON report, a stable contract (version 1):
/// <c>{"version":1,"findings":[{ruleId, description, file, line, column, endLine, endColumn, secret,
/// fingerprint[, structure][, commit]}],"stats":{files, bytes, findings, skipped}}</c>.
/// </summary>
public sealed class JsonReporter : IReporter
{
    /// <summary>The report format version.</summary>
    public const int Version = 1;

    /// <inheritdoc />
    public void Write(ScanReport report, Stream output, ReportOptions options)
    {
        using var w = new Utf8JsonWriter(output, new JsonWriterOptions
        {
            Indented = true,
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        });
        w.WriteStartObject();
        w.WriteNumber("version", Version);
        w.WriteStartArray("findings");
        foreach (var f in report.Findings)
        {
            WriteFinding(w, f, options);
        }
        w.WriteEndArray();
        w.WriteStartObject("stats");
        w.WriteNumber("files", report.Stats.Files);
        w.WriteNumber("bytes", report.Stats.Bytes);
        w.WriteNumber("findings", report.Stats.Findings);
        w.WriteNumber("skipped", report.Stats.Skipped);
        w.WriteEndObject();
        w.WriteEndObject();
        w.Flush();
        output.WriteByte((byte)'\n');
    }

    private static void WriteFinding(Utf8JsonWriter w, Finding f, ReportOptions options)
    {
        w.WriteStartObject();
        w.WriteString("ruleId", f.RuleId);
        w.WriteString("description", f.Description);
        w.WriteString("file", f.File);
        w.WriteNumber("line", f.Line);
        w.WriteNumber("column", f.Column);
        w.WriteNumber("endLine", f.EndLine);
        w.WriteNumber("endColumn", f.EndColumn);
        w.WriteString("secret", options.Redact ? Redaction.Redact(f.Secret) : f.Secret);
        w.WriteString("fingerprint", f.Fingerprint);
        if (f.Structure != StructureVerdict.NotChecked)
        {
            w.WriteString("structure", f.Structure == StructureVerdict.Valid ? "valid" : "invalid");
        }
        if (f.Decoded is { } decoded)
        {
            w.WriteString("decoded", decoded);
        }
        f.Verification?.WriteJsonProperties(w);
        if (f.Commit is { } c)
        {
            w.WriteStartObject("commit");
            w.WriteString("sha", c.Sha);
            w.WriteString("subject", c.Subject);
            if (c.Author is not null)
            {
                w.WriteString("author", c.Author);
            }
            if (c.Date is not null)
            {
                w.WriteString("date", c.Date);
            }
            w.WriteEndObject();
        }
        w.WriteEndObject();
    }
}
