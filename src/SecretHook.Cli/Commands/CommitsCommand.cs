using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook commits REV...</c>: scans the lines commits add, streaming <c>git log -p</c>. A range
/// (<c>A..B</c>, <c>A...B</c>, <c>^A B</c>) or <c>--all</c> walks history; revisions given alone name
/// just those commits (<c>commits HEAD</c> scans the last commit).
/// </summary>
public static class CommitsCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("commits", cmd =>
        {
            cmd.Description = "Scan the lines commits add: a range (origin/main..HEAD), single commits, or --all for the whole history.";
            var revisions = cmd.Argument("REV", "Revision ranges (A..B, A...B, ^A B) or single commits.", multipleValues: true);
            var all = cmd.Option("--all", "Scan every commit reachable from any ref (a full-history audit).", CommandOptionType.NoValue);
            var history = new HistoryOptions(cmd);
            var options = ScanOptions.Register(cmd, OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                var query = history.Query([.. revisions.Values.Where(v => !string.IsNullOrEmpty(v)).Select(v => v!)], all.HasValue());
                var settings = SettingsBuilder.Build(options.Read(), InputKind.Git, env);
                return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, Source(query, settings, env), env), env);
            });
        });
    }

    /// <summary>The commits <paramref name="query"/> selects.</summary>
    internal static IScanSource Source(HistoryQuery query, ScanSettings settings, CliEnvironment env) =>
        new GitDiffSource(env, (git, sink, max) => GitSources.History(git, query, sink, max), settings.MaxFileSize);

    /// <summary>Turns the command line into a <c>git log</c> query.</summary>
    /// <exception cref="UsageException">No revision, or one that looks like an option.</exception>
    internal static HistoryQuery Query(IReadOnlyList<string> revisions, bool all)
    {
        if (revisions.Count == 0 && !all)
        {
            throw new UsageException("give a revision range (e.g. origin/main..HEAD), a commit, or --all");
        }
        foreach (var r in revisions)
        {
            if (r.StartsWith('-') || r.Contains('\n') || r.Contains('\0'))
            {
                throw new UsageException($"invalid revision '{r}'");
            }
        }
        bool walk = all || revisions.Any(r => r.Contains("..", StringComparison.Ordinal) || r.StartsWith('^'));
        var args = new List<string>();
        if (all)
        {
            args.Add("--all");
        }
        // Revisions after --end-of-options can never be read as options (e.g. --output=FILE).
        args.Add("--end-of-options");
        args.AddRange(revisions);
        return new HistoryQuery(args, walk, null, string.Join(' ', all ? ["--all", .. revisions] : revisions));
    }
}
