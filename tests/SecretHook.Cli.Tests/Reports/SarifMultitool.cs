using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Reports;

/// <summary>
/// The SARIF Multitool that <c>tests/setup.sh</c> installs from npm (<c>@microsoft/sarif-multitool</c>),
/// run as GitHub code scanning checks uploads: <c>validate --rule-kind "Gh;Sarif"</c>. Its own output is
/// a SARIF log; every result in it (error, warning or note) is a problem with our report.
/// </summary>
public static class SarifMultitool
{
    private static readonly Lazy<string> Tool = new(Locate);

    /// <summary>The problems the Multitool reports for <paramref name="sarif"/>, one line each.</summary>
    public static IReadOnlyList<string> Validate(string sarif)
    {
        using var dir = new TempDir();
        string input = dir.Write("report.sarif", sarif);
        string log = System.IO.Path.Combine(dir.Path, "validation.sarif");
        var run = ProcessRunner.Run(Tool.Value, ["validate", "--rule-kind", "Gh;Sarif", "--output", log, input], dir.Path)
            ?? throw new InvalidOperationException($"cannot start {Tool.Value}");
        Assert.True(File.Exists(log), $"the Multitool wrote no log (exit {run.ExitCode}): {run.StdoutText}{run.Stderr}");
        using var doc = JsonDocument.Parse(File.ReadAllText(log));
        var problems = new List<string>();
        foreach (var r in doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray())
        {
            string level = r.TryGetProperty("level", out var l) ? l.GetString() ?? "warning" : "warning";
            string rule = r.TryGetProperty("ruleId", out var id) ? id.GetString() ?? "?" : "?";
            string text = r.GetProperty("message").TryGetProperty("text", out var t) ? t.GetString() ?? "" : string.Join(",",
                r.GetProperty("message").TryGetProperty("arguments", out var a) ? a.EnumerateArray().Select(x => x.ToString()) : []);
            problems.Add($"{level} {rule}: {text}");
        }
        if (run.ExitCode != 0 && problems.Count == 0)
        {
            problems.Add($"the Multitool exited {run.ExitCode}: {run.StdoutText}{run.Stderr}");
        }
        return problems;
    }

    private static string Locate()
    {
        var root = ProcessRunner.Run("npm", ["root", "-g"], AppContext.BaseDirectory)
            ?? throw new InvalidOperationException("npm is missing: run tests/setup.sh");
        string dir = System.IO.Path.Combine(root.StdoutText.Trim(), "@microsoft");
        string? tool = Directory.Exists(dir)
            ? Directory.EnumerateFiles(dir, "Sarif.Multitool", SearchOption.AllDirectories)
                .FirstOrDefault(p => p.Contains("sarif-multitool-linux", StringComparison.Ordinal))
            : null;
        Assert.True(tool is not null, $"the SARIF Multitool is not installed below {dir}: run tests/setup.sh");
        return tool!;
    }
}
