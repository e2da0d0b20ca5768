using Microsoft.Extensions.FileSystemGlobbing;
using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Configuration;

/// <summary>What <see cref="FindingFilter.Apply"/> kept and why it dropped the rest.</summary>
/// <param name="Report">The report with only the findings to show.</param>
/// <param name="ByPath">Findings dropped by the configuration's <c>allowlist.paths</c>.</param>
/// <param name="ByIgnoreFile">Findings dropped because <c>.secrethookignore</c> lists their fingerprint.</param>
/// <param name="ByBaseline">Findings dropped because the baseline records them.</param>
/// <param name="Stale">Ignore-file entries that matched no finding.</param>
/// <param name="IgnoreFileName">The ignore file's display name, when there is one.</param>
public sealed record FilterOutcome(ScanReport Report, int ByPath, int ByIgnoreFile, int ByBaseline, IReadOnlyList<IgnoreEntry> Stale,
    string? IgnoreFileName = null)
{
    /// <summary>All findings dropped.</summary>
    public int Suppressed => ByPath + ByIgnoreFile + ByBaseline;
}

/// <summary>
/// The suppression step between detection and reporting, the same for every command: findings in
/// paths the configuration allows, then findings whose fingerprint is in the ignore file, then
/// findings the baseline records, are dropped (inline <c>secrethook:allow</c> comments and the
/// secret allowlists act earlier, in the detector). Findings in secrethook's own suppression files,
/// which hold only fingerprints and hashes, are never reported.
/// </summary>
public static class FindingFilter
{
    /// <summary>Globs of files that hold only fingerprints and hashes (never secrets).</summary>
    public static IReadOnlyList<string> OwnFiles { get; } =
        [IgnoreFile.FileName, "**/" + IgnoreFile.FileName, Baseline.DefaultFileName, "**/" + Baseline.DefaultFileName];

    /// <summary>Applies the configuration's path allowlist, <paramref name="ignore"/> and <paramref name="baseline"/>.</summary>
    /// <param name="report">The report as detected.</param>
    /// <param name="allowPaths">Globs of paths whose findings are dropped (plus <see cref="OwnFiles"/>).</param>
    /// <param name="ignore">The ignore file, if any.</param>
    /// <param name="baseline">The baseline, if any.</param>
    public static FilterOutcome Apply(ScanReport report, IEnumerable<string> allowPaths, IgnoreFile? ignore, Baseline? baseline)
    {
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var glob in OwnFiles.Concat(allowPaths))
        {
            matcher.AddInclude(glob);
        }
        var afterPaths = new List<Finding>(report.Findings.Count);
        foreach (var f in report.Findings)
        {
            if (!matcher.Match(f.File).HasMatches)
            {
                afterPaths.Add(f);
            }
        }
        var stale = ignore?.Stale(afterPaths) ?? [];
        var afterIgnore = ignore is null ? afterPaths : afterPaths.Where(f => !ignore.Matches(f)).ToList();
        var kept = baseline is null ? afterIgnore : afterIgnore.Where(f => !baseline.Contains(f)).ToList();
        int byPath = report.Findings.Count - afterPaths.Count;
        int byIgnore = afterPaths.Count - afterIgnore.Count;
        int byBaseline = afterIgnore.Count - kept.Count;
        var filtered = kept.Count == report.Findings.Count
            ? report
            : new ScanReport(kept, report.Skipped, report.Stats.Files, report.Stats.Bytes, report.Stats.Elapsed, report.Rules);
        return new FilterOutcome(filtered, byPath, byIgnore, byBaseline, stale, ignore?.Name);
    }
}
