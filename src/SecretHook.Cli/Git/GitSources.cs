namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Which commits a history scan reads: arguments for <c>git log</c> (revisions, or <c>--stdin</c>
/// with <see cref="Stdin"/> holding one commit id per line), and whether to walk their ancestry or show
/// only the commits named.
/// </summary>
internal sealed record HistoryQuery(IReadOnlyList<string> Revisions, bool Walk, byte[]? Stdin = null, string? Description = null)
{
    /// <summary>Pathspecs after <c>--</c>: only these paths' changes are read.</summary>
    public IReadOnlyList<string> Paths { get; init; } = [];

    /// <summary>A query that reads nothing (a branch deletion, an empty range).</summary>
    public static HistoryQuery Empty { get; } = new([], false, null, "nothing to scan");

    /// <summary>Whether there is nothing to read.</summary>
    public bool IsEmpty => Revisions.Count == 0 && Stdin is null;

    /// <summary>Exactly the commits listed, read through <c>--stdin</c>.</summary>
    public static HistoryQuery Commits(IReadOnlyCollection<string> shas, string? description = null) =>
        shas.Count == 0
            ? Empty
            : new([], false, System.Text.Encoding.ASCII.GetBytes(string.Concat(shas.Select(s => s + "\n"))), description);
}

/// <summary>The git sources: the index against HEAD (for a commit) and commits (for a push, CI, an audit).</summary>
internal static class GitSources
{
    /// <summary>The diff <see cref="Staged"/> runs first (it may be started early: <see cref="GitRunner.StartEarly"/>).</summary>
    public static IReadOnlyList<string> StagedDiffArguments { get; } = ["diff", "--cached", .. GitRunner.DiffFormatOptions, "HEAD", "--"];

    /// <summary>
    /// Reads what the next commit adds: <c>git diff --cached</c> of the index — the one named by
    /// <c>GIT_INDEX_FILE</c> during <c>commit -a</c> or <c>commit PATH</c> — against HEAD, or against the
    /// empty tree before the first commit. During a merge this is everything the merge brings to HEAD.
    /// The working tree is never read.
    /// </summary>
    public static void Staged(GitRunner git, IDiffSink sink, long maxAddedBytesPerFile)
    {
        // Almost always HEAD exists: one process (each costs a hook ~1.5 ms). Only when that diff fails
        // before producing anything — an unborn branch, or not a work tree — does the probe below find
        // out which, so the first commit diffs against the empty tree and the rest fail with git's message.
        var watched = new WatchedSink(sink);
        try
        {
            Parse(git, StagedDiffArguments, null, watched, maxAddedBytesPerFile);
            return;
        }
        catch (GitException) when (!watched.Fed)
        {
        }
        // One call answers "is this a work tree?" (exit 128 with git's message if not) and "is there a
        // HEAD?" (exit 1 and no second line on an unborn branch).
        var probe = git.TryRun(["rev-parse", "--show-toplevel", "--verify", "-q", "HEAD^{commit}"]);
        var lines = probe.StdoutText.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (probe.ExitCode is not (0 or 1) || lines.Length == 0)
        {
            throw new GitException($"git rev-parse failed (exit {probe.ExitCode}): {probe.Stderr.Trim()}");
        }
        string baseTree = probe.ExitCode == 0 && lines.Length >= 2 ? lines[1] : EmptyTree(git);
        string[] args = ["diff", "--cached", .. GitRunner.DiffFormatOptions, baseTree, "--"];
        Parse(git, args, null, sink, maxAddedBytesPerFile);
    }

    /// <summary>Passes events on and remembers whether there were any.</summary>
    private sealed class WatchedSink(IDiffSink inner) : IDiffSink
    {
        public bool Fed { get; private set; }

        public void OnCommit(Core.Detection.CommitInfo commit)
        {
            Fed = true;
            inner.OnCommit(commit);
        }

        public void OnFile(in DiffFile file)
        {
            Fed = true;
            inner.OnFile(file);
        }
    }

    /// <summary>
    /// Streams <c>git log -p</c> for <paramref name="query"/> through the parser. Merges are shown as
    /// dense combined diffs (<c>--cc</c>) and only lines new against every parent are scanned: what the
    /// merge itself introduces (an "evil merge" or a conflict resolution). A line a merge brings from a
    /// parent was added by a commit on that side, which is in the same range unless it already is on
    /// the other end; <c>-m</c> or <c>--diff-merges=first-parent</c> would report every such secret a
    /// second time — or block a push for a secret the remote already has.
    /// </summary>
    public static void History(GitRunner git, HistoryQuery query, IDiffSink sink, long maxAddedBytesPerFile)
    {
        if (query.IsEmpty)
        {
            return;
        }
        var args = new List<string>
        {
            "log", "-p", "--cc", "--root", "--no-notes", "--no-show-signature", "--format=" + DiffParser.CommitFormat,
        };
        args.AddRange(GitRunner.DiffFormatOptions);
        if (!query.Walk)
        {
            args.Add("--no-walk=unsorted");
        }
        if (query.Stdin is not null)
        {
            args.Add("--stdin");
        }
        args.AddRange(query.Revisions);
        args.Add("--");
        args.AddRange(query.Paths);
        Parse(git, args, query.Stdin, sink, maxAddedBytesPerFile);
    }

    /// <summary>The id of the empty tree in this repository's hash (SHA-1 or SHA-256).</summary>
    public static string EmptyTree(GitRunner git) => git.RunText(["hash-object", "-t", "tree", "--stdin"], []);

    /// <summary>
    /// Streams <c>git ARGS</c> through a <see cref="DiffParser"/> into <paramref name="sink"/>, with
    /// "binary" files expanded from their blobs (<see cref="BinaryDiffExpander"/>). Lines are read up
    /// to the size limit plus some slack: a longer added line makes its file truncated. Output that was
    /// cut off — it ends inside a hunk or in the middle of a line — is a <see cref="GitException"/>.
    /// </summary>
    private static void Parse(GitRunner git, IReadOnlyList<string> args, byte[]? stdin, IDiffSink sink, long max)
    {
        using var expander = new BinaryDiffExpander(git, sink, max);
        git.Stream(args, stdin, stream =>
        {
            var parser = new DiffParser(expander, max);
            var reader = new ByteLineReader(stream, MaxLineLength(max));
            while (reader.TryReadLine(out var line))
            {
                parser.Feed(line, reader.LineTooLong);
            }
            if (reader.EndedWithoutNewline)
            {
                throw new GitException("git's diff output ended in the middle of a line: it was cut off");
            }
            parser.Finish();
        });
    }

    /// <summary>The longest line of git's output read whole: the file size limit plus 64 KiB of slack.</summary>
    public static int MaxLineLength(long maxAddedBytesPerFile) =>
        (int)Math.Clamp(maxAddedBytesPerFile + 64 * 1024, 64 * 1024, Array.MaxLength - 1);

    /// <summary>Whether <paramref name="text"/> is a full object id (40 or 64 hex digits).</summary>
    public static bool IsObjectId(string text) =>
        text.Length is 40 or 64 && text.AsSpan().IndexOfAnyExcept("0123456789abcdef") < 0;

    /// <summary>Whether <paramref name="sha"/> is git's null id (all zeros): no such ref.</summary>
    public static bool IsNull(string sha) => sha.Length > 0 && sha.AsSpan().IndexOfAnyExcept('0') < 0;

    /// <summary>Which of <paramref name="ids"/> name commits present in the repository (one git call).</summary>
    public static HashSet<string> ExistingCommits(GitRunner git, IReadOnlyCollection<string> ids)
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        if (ids.Count == 0)
        {
            return present;
        }
        var input = System.Text.Encoding.UTF8.GetBytes(string.Concat(ids.Select(i => i + "^{commit}\n")));
        string output = git.RunText(["cat-file", "--batch-check=%(objectname) %(objecttype)"], input);
        var list = ids.ToList();
        var lines = output.Split('\n');
        for (int i = 0; i < lines.Length && i < list.Count; i++)
        {
            if (lines[i].EndsWith(" commit", StringComparison.Ordinal))
            {
                present.Add(list[i]);
            }
        }
        return present;
    }

    /// <summary>Commit ids <c>git rev-list ARGS</c> lists.</summary>
    public static List<string> RevList(GitRunner git, IReadOnlyList<string> args) =>
        [.. git.RunText(["rev-list", .. args]).Split('\n', StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Whether <paramref name="revision"/> resolves to a commit.</summary>
    public static string? ResolveCommit(GitRunner git, string revision)
    {
        var r = git.TryRun(["rev-parse", "--verify", "-q", "--end-of-options", revision + "^{commit}"]);
        return r.ExitCode == 0 ? r.StdoutText.Trim() : null;
    }
}
