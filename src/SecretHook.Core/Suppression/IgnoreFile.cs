using System.Text.RegularExpressions;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Suppression;

/// <summary>One fingerprint in an ignore file and the 1-based line it is on.</summary>
public sealed record IgnoreEntry(string Fingerprint, int Line);

/// <summary>The outcome of parsing an ignore file: the file when every line was valid, else every error.</summary>
public sealed record IgnoreFileLoadResult(IgnoreFile? File, IReadOnlyList<RuleLoadError> Errors)
{
    /// <summary>Whether parsing succeeded.</summary>
    public bool Success => File is not null;
}

/// <summary>
/// <c>.secrethookignore</c>: findings accepted one by one, each by its fingerprint
/// (<c>path:rule-id:hash</c>, see <see cref="Fingerprint"/>), so every suppression is a reviewable line
/// in a diff and none names a line number that moves. Syntax: one fingerprint per line, optionally
/// followed by whitespace and a <c>#</c> comment; lines starting with <c>#</c> and blank lines are
/// ignored; CRLF line ends are tolerated; paths are compared exactly (a backslash is an ordinary
/// character of a Linux file name, as in <c>a\b.txt</c>); anything else is an error reported as
/// <c>file:line:col</c>.
/// </summary>
public sealed partial class IgnoreFile
{
    /// <summary>The file's name, looked for at the repository root.</summary>
    public const string FileName = ".secrethookignore";

    private readonly HashSet<string> _fingerprints;

    private IgnoreFile(string name, IReadOnlyList<IgnoreEntry> entries)
    {
        Name = name;
        Entries = entries;
        _fingerprints = new HashSet<string>(entries.Select(e => e.Fingerprint), StringComparer.Ordinal);
    }

    /// <summary>The file's display name.</summary>
    public string Name { get; }

    /// <summary>The entries, in file order.</summary>
    public IReadOnlyList<IgnoreEntry> Entries { get; }

    /// <summary>Whether <paramref name="finding"/> is listed.</summary>
    public bool Matches(Finding finding) => _fingerprints.Contains(finding.Fingerprint);

    /// <summary>The entries that match none of <paramref name="findings"/> (stale entries), in file order.</summary>
    public IReadOnlyList<IgnoreEntry> Stale(IEnumerable<Finding> findings)
    {
        var used = new HashSet<string>(findings.Select(f => f.Fingerprint), StringComparer.Ordinal);
        return [.. Entries.Where(e => !used.Contains(e.Fingerprint))];
    }

    /// <summary>Parses <paramref name="text"/>, naming <paramref name="name"/> in errors.</summary>
    public static IgnoreFileLoadResult Parse(string name, string text)
    {
        var entries = new List<IgnoreEntry>();
        var errors = new List<RuleLoadError>();
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            string raw = lines[i].TrimEnd('\r');
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }
            var m = EntryPattern().Match(line);
            if (!m.Success)
            {
                int column = raw.Length - raw.TrimStart().Length + 1;
                errors.Add(new RuleLoadError(new SourceLocation(name, i + 1, column), null,
                    "not a fingerprint: expected PATH:RULE-ID:HASH (16 hex digits), optionally followed by ' # comment'"));
                continue;
            }
            string path = m.Groups["path"].Value;
            if (path.StartsWith("./", StringComparison.Ordinal))
            {
                path = path[2..];
            }
            entries.Add(new IgnoreEntry($"{path}:{m.Groups["rule"].Value}:{m.Groups["hash"].Value.ToLowerInvariant()}", i + 1));
        }
        return errors.Count > 0 ? new IgnoreFileLoadResult(null, errors) : new IgnoreFileLoadResult(new IgnoreFile(name, entries), errors);
    }

    [GeneratedRegex(@"^(?<path>\S(?:.*?\S)?):(?<rule>[a-z0-9]+(?:[-.][a-z0-9]+)*):(?<hash>[0-9a-fA-F]{16})(?:\s+#.*)?$")]
    private static partial Regex EntryPattern();
}
