using System.Text;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>One line git gives a pre-push hook: <c>&lt;local ref&gt; &lt;local sha&gt; &lt;remote ref&gt; &lt;remote sha&gt;</c>.</summary>
internal sealed record PushedRef(string LocalRef, string LocalSha, string RemoteRef, string RemoteSha)
{
    /// <summary>The push deletes the remote ref: nothing is sent.</summary>
    public bool IsDeletion => GitSources.IsNull(LocalSha);

    /// <summary>The remote ref does not exist yet (a new branch or tag).</summary>
    public bool IsNew => GitSources.IsNull(RemoteSha);
}

/// <summary>
/// Reads the pre-push hook's standard input (every line: a push can update several refs) and works out
/// which commits the push would add to the remote.
/// </summary>
internal static class PrePushInput
{
    /// <summary>Parses the lines; blank lines are ignored.</summary>
    /// <exception cref="UsageException">A line is not in git's format.</exception>
    public static List<PushedRef> Parse(Stream stdin)
    {
        using var buffer = new MemoryStream();
        stdin.CopyTo(buffer);
        var refs = new List<PushedRef>();
        foreach (var raw in Encoding.UTF8.GetString(buffer.ToArray()).Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.Trim().Length == 0)
            {
                continue;
            }
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length != 4 || !GitSources.IsObjectId(parts[1]) || !GitSources.IsObjectId(parts[3]))
            {
                throw new UsageException($"unexpected pre-push input line '{line}' (expected '<local ref> <local sha> <remote ref> <remote sha>')");
            }
            refs.Add(new PushedRef(parts[0], parts[1], parts[2], parts[3]));
        }
        return refs;
    }

    /// <summary>
    /// The commits the push adds. An existing remote ref whose tip we have: <c>remote..local</c>. A new
    /// ref — or one whose remote tip we have not fetched, so we cannot tell what it holds: the commits
    /// reachable from the local tip that no remote-tracking ref (of any remote) has, which is what git
    /// itself would have to send in the worst case. A deletion adds nothing. One ref is read straight
    /// through <c>git log</c>; several are listed with <c>git rev-list</c> and merged, so a commit
    /// pushed to two refs is scanned once.
    /// </summary>
    public static HistoryQuery Query(GitRunner git, IReadOnlyList<PushedRef> refs)
    {
        var updates = refs.Where(r => !r.IsDeletion).ToList();
        if (updates.Count == 0)
        {
            return HistoryQuery.Empty;
        }
        var known = GitSources.ExistingCommits(git, [.. updates.Where(r => !r.IsNew).Select(r => r.RemoteSha).Distinct()]);
        var perRef = updates.Select(r => (IReadOnlyList<string>)(known.Contains(r.RemoteSha)
            ? [r.LocalSha, "^" + r.RemoteSha]
            : [r.LocalSha, "--not", "--remotes"])).ToList();
        string description = string.Join(", ", updates.Select(r => r.RemoteRef));
        if (perRef.Count == 1)
        {
            return new HistoryQuery(perRef[0], true, null, description);
        }
        var commits = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var args in perRef)
        {
            foreach (var sha in GitSources.RevList(git, args))
            {
                if (seen.Add(sha))
                {
                    commits.Add(sha);
                }
            }
        }
        return HistoryQuery.Commits(commits, description);
    }

    /// <summary>
    /// The range the pre-commit framework computed, when it runs us as a pre-push hook: it reads git's
    /// lines itself (and only acts on the first ref that sends commits) and passes
    /// <c>PRE_COMMIT_FROM_REF</c>/<c>PRE_COMMIT_TO_REF</c>, or — for a push that includes a root
    /// commit — only <c>PRE_COMMIT_LOCAL_BRANCH</c>. Null when those variables are absent.
    /// </summary>
    /// <exception cref="UsageException">A variable holds something that is not a revision.</exception>
    public static HistoryQuery? FromPreCommitFramework(CliEnvironment env)
    {
        string? Var(string name) => env.GetVariable(name) is { Length: > 0 } v
            ? !v.StartsWith('-') ? v : throw new UsageException($"invalid revision '{v}' in {name}")
            : null;
        if (Var("PRE_COMMIT_FROM_REF") is { } from && Var("PRE_COMMIT_TO_REF") is { } to)
        {
            return new HistoryQuery([to, "^" + from], true, null, $"{from}..{to} (from the pre-commit framework)");
        }
        if (Var("PRE_COMMIT_LOCAL_BRANCH") is { } local)
        {
            return new HistoryQuery([local, "--not", "--remotes"], true, null, $"{local} (from the pre-commit framework)");
        }
        return null;
    }
}
