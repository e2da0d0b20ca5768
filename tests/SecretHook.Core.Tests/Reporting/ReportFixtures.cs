using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Reporting;

/// <summary>Reports built from real detections of seeded test tokens (no literal token in the repository).</summary>
internal static class ReportFixtures
{
    public static readonly RuleSet Rules = BuiltInRules.Load();
    private static readonly Detector Pack = new(Rules);

    public static string Token(int seed) => TemplateExpander.Expand("hf_${alpha:34}", new Random(seed));

    public static string OrgToken(int seed) => TemplateExpander.Expand("api_org_${alpha:34}", new Random(seed));

    /// <summary>Scans each (path, text) pair and builds a report from all findings.</summary>
    public static ScanReport Report(params (string Path, string Text)[] files)
    {
        var findings = new List<Finding>();
        foreach (var (path, text) in files)
        {
            findings.AddRange(Pack.ScanText(text, path));
        }
        return new ScanReport(findings, [], files.Length, files.Sum(f => f.Text.Length), TimeSpan.FromMilliseconds(5), Rules);
    }

    public static ScanReport Empty() => new([], [], 3, 100, TimeSpan.Zero, Rules);

    public static string Render(IReporter reporter, ScanReport report, ReportOptions? options = null)
    {
        using var stream = new MemoryStream();
        reporter.Write(report, stream, options ?? new ReportOptions());
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>All the reporters, for "no plaintext" and "stable output" checks that apply to every format.</summary>
    public static IEnumerable<IReporter> All() =>
        [new TextReporter(), new JsonReporter(), new SarifReporter("1.2.3"), new JUnitReporter(), new GitHubReporter()];
}
