using System.Globalization;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// What selects commits for <c>commits</c> and <c>baseline create --commits</c>: revisions (or
/// <c>--all</c>), <c>--since</c>, <c>--until</c>, <c>--author</c>, <c>--max-count</c> and <c>-- PATHS</c>.
/// Every value reaches git as one argument of the form <c>--since=VALUE</c>, and revisions follow
/// <c>--end-of-options</c>, so nothing a user passes can be read as another git option.
/// </summary>
internal sealed class HistoryOptions
{
    private readonly CommandLineApplication _cmd;
    private readonly CommandOption _since, _until, _author, _maxCount;

    /// <summary>Registers the options (and the <c>--</c> separator for paths) on <paramref name="cmd"/>.</summary>
    public HistoryOptions(CommandLineApplication cmd)
    {
        _cmd = cmd;
        cmd.AllowArgumentSeparator = true;
        _since = cmd.Option("--since <DATE>", "Only commits after DATE (as git log --since: 2024-01-31, '2 weeks ago').", CommandOptionType.SingleValue);
        _until = cmd.Option("--until <DATE>", "Only commits before DATE.", CommandOptionType.SingleValue);
        _author = cmd.Option("--author <PATTERN>", "Only commits whose author matches PATTERN (as git log --author).", CommandOptionType.SingleValue);
        _maxCount = cmd.Option("--max-count <N>", "At most N commits (the newest).", CommandOptionType.SingleValue);
    }

    /// <summary>The query for <paramref name="revisions"/> (and <paramref name="all"/>) with these filters.</summary>
    /// <exception cref="UsageException">No revision, or one that looks like an option, or a bad value.</exception>
    public HistoryQuery Query(IReadOnlyList<string> revisions, bool all)
    {
        var filters = new List<string>();
        if (_since.Value() is { } since)
        {
            filters.Add("--since=" + Plain(since, "--since"));
        }
        if (_until.Value() is { } until)
        {
            filters.Add("--until=" + Plain(until, "--until"));
        }
        if (_author.Value() is { } author)
        {
            filters.Add("--author=" + Plain(author, "--author"));
        }
        if (_maxCount.Value() is { } max)
        {
            if (!int.TryParse(max, NumberStyles.None, CultureInfo.InvariantCulture, out int n) || n <= 0)
            {
                throw new UsageException($"invalid value '{max}' for --max-count (a positive whole number)");
            }
            filters.Add("--max-count=" + n.ToString(CultureInfo.InvariantCulture));
        }
        var paths = _cmd.RemainingArguments.Where(p => !string.IsNullOrEmpty(p)).ToList();
        foreach (var p in paths)
        {
            Plain(p, "a path");
        }
        // A filter without revisions reads the current branch's history.
        var revs = revisions.Count == 0 && !all && (filters.Count > 0 || paths.Count > 0) ? ["HEAD"] : revisions;
        var query = CommitsCommand.Query(revs, all);
        bool walk = query.Walk || filters.Count > 0 || paths.Count > 0;
        return query with { Revisions = [.. filters, .. query.Revisions], Walk = walk, Paths = paths };
    }

    private static string Plain(string value, string what) =>
        value.Contains('\n') || value.Contains('\0')
            ? throw new UsageException($"invalid value for {what}: it holds a newline or NUL")
            : value;
}
