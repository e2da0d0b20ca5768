using System.Text.Json;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Picks the commits a CI job should scan from the variables GitHub Actions and GitLab CI set:
/// <list type="bullet">
/// <item>GitHub <c>pull_request</c>/<c>pull_request_target</c>: <c>base.sha..head.sha</c> from the event
/// file (<c>GITHUB_EVENT_PATH</c>), or <c>origin/$GITHUB_BASE_REF..HEAD</c>; <c>merge_group</c>:
/// <c>base_sha..head_sha</c>.</item>
/// <item>GitHub <c>push</c>: <c>before..after</c> from the event file; an all-zero <c>before</c> is a new
/// branch.</item>
/// <item>GitLab merge request pipelines: <c>$CI_MERGE_REQUEST_DIFF_BASE_SHA..$CI_COMMIT_SHA</c>; push
/// pipelines: <c>$CI_COMMIT_BEFORE_SHA..$CI_COMMIT_SHA</c> (all zeros: a new branch or a tag).</item>
/// <item>Anything else: the last commit, <c>HEAD~1..HEAD</c> (HEAD alone for a root commit).</item>
/// </list>
/// A new branch scans the commits no other remote-tracking branch has; a base commit the clone does
/// not have is an error in a shallow clone (fetch the history) and, in a full one, means history was
/// rewritten, so it is scanned like a new branch. Variables are read from the command's environment.
/// </summary>
internal static class CiRange
{
    /// <summary>Works out the query, or throws with what to change in the CI setup.</summary>
    public static HistoryQuery Resolve(CliEnvironment env, GitRunner git)
    {
        string? Var(string name) => env.GetVariable(name) is { Length: > 0 } v ? v : null;
        if (Var("GITHUB_EVENT_NAME") is { } eventName)
        {
            return GitHub(env, git, eventName, Var);
        }
        if (Var("GITLAB_CI") is not null || Var("CI_COMMIT_SHA") is not null)
        {
            string head = Var("CI_COMMIT_SHA") ?? "HEAD";
            if (Var("CI_MERGE_REQUEST_DIFF_BASE_SHA") is { } diffBase)
            {
                return Range(git, diffBase, head, Var("CI_COMMIT_BRANCH"), "GitLab merge request");
            }
            if (Var("CI_COMMIT_BEFORE_SHA") is { } before && !GitSources.IsNull(before))
            {
                return Range(git, before, head, Var("CI_COMMIT_BRANCH"), "GitLab push");
            }
            return Var("CI_COMMIT_BRANCH") is { } branch
                ? NewBranch(git, head, branch, "GitLab new branch")
                : LastCommit(git, head, "GitLab pipeline without a previous commit");
        }
        return LastCommit(git, "HEAD", "no CI push or merge request variables");
    }

    private static HistoryQuery GitHub(CliEnvironment env, GitRunner git, string eventName, Func<string, string?> var)
    {
        using var payload = ReadEvent(env, var("GITHUB_EVENT_PATH"));
        var root = payload?.RootElement;
        string head = var("GITHUB_SHA") ?? "HEAD";
        string? branch = var("GITHUB_REF") is { } r && r.StartsWith("refs/heads/", StringComparison.Ordinal) ? r["refs/heads/".Length..] : null;
        switch (eventName)
        {
            case "pull_request" or "pull_request_target":
                {
                    string? baseSha = Get(root, "pull_request", "base", "sha");
                    string headSha = Get(root, "pull_request", "head", "sha") ?? head;
                    if (baseSha is null || GitSources.ResolveCommit(git, baseSha) is null)
                    {
                        baseSha = var("GITHUB_BASE_REF") is { } baseRef ? "origin/" + baseRef : baseSha;
                    }
                    if (GitSources.ResolveCommit(git, headSha) is null)
                    {
                        headSha = "HEAD"; // a fork's head: reachable from the checked-out merge commit
                    }
                    return baseSha is null
                        ? LastCommit(git, headSha, "GitHub pull request without a base")
                        : Range(git, baseSha, headSha, var("GITHUB_HEAD_REF"), "GitHub pull request");
                }
            case "merge_group" when Get(root, "merge_group", "base_sha") is { } mergeBase:
                return Range(git, mergeBase, Get(root, "merge_group", "head_sha") ?? head, null, "GitHub merge queue");
            case "push":
                {
                    string after = Get(root, "after") is { } a && !GitSources.IsNull(a) ? a : head;
                    return Get(root, "before") is { } before && !GitSources.IsNull(before)
                        ? Range(git, before, after, branch, "GitHub push")
                        : branch is not null
                            ? NewBranch(git, after, branch, "GitHub push of a new branch")
                            : LastCommit(git, after, "GitHub push of a new tag");
                }
            default:
                return LastCommit(git, head, $"GitHub {eventName} event");
        }
    }

    private static JsonDocument? ReadEvent(CliEnvironment env, string? path)
    {
        if (path is null)
        {
            return null;
        }
        try
        {
            return JsonDocument.Parse(File.ReadAllBytes(env.Resolve(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or JsonException)
        {
            throw new GitException($"cannot read the GitHub event file {path}: {e.Message}");
        }
    }

    private static string? Get(JsonElement? element, params string[] path)
    {
        if (element is not { } e)
        {
            return null;
        }
        foreach (var name in path)
        {
            if (e.ValueKind != JsonValueKind.Object || !e.TryGetProperty(name, out e))
            {
                return null;
            }
        }
        return e.ValueKind == JsonValueKind.String && e.GetString() is { Length: > 0 } s ? s : null;
    }

    /// <summary><c>from..to</c>, when the clone has <paramref name="from"/>.</summary>
    private static HistoryQuery Range(GitRunner git, string from, string to, string? branch, string why)
    {
        string toSha = GitSources.ResolveCommit(git, to)
            ?? throw new GitException($"{why}: commit '{to}' is not in this clone");
        if (GitSources.ResolveCommit(git, from) is { } fromSha)
        {
            return new HistoryQuery([fromSha + ".." + toSha], true, null, $"{why}: {Short(fromSha)}..{Short(toSha)}");
        }
        if (IsShallow(git))
        {
            throw ShallowClone(why, from);
        }
        // A full clone without the base: the branch was force-pushed over it.
        return branch is not null
            ? NewBranch(git, toSha, branch, why + " (base commit not found)")
            : LastCommit(git, toSha, why + " (base commit not found)");
    }

    /// <summary>The commits of <paramref name="tip"/> that no other remote-tracking branch has.</summary>
    private static HistoryQuery NewBranch(GitRunner git, string tip, string branch, string why)
    {
        string tipSha = GitSources.ResolveCommit(git, tip)
            ?? throw new GitException($"{why}: commit '{tip}' is not in this clone");
        if (IsShallow(git))
        {
            return LastCommit(git, tipSha, why + " in a shallow clone, last commit only");
        }
        // The clone's own tracking ref for the pushed branch already points at the tip: leave it out.
        return new HistoryQuery([tipSha, "--not", "--exclude=*/" + branch, "--remotes"], true, null,
            $"{why}: commits of {Short(tipSha)} on no other remote branch");
    }

    /// <summary>What <paramref name="tip"/> itself changed: <c>tip~1..tip</c>, or the root commit alone.</summary>
    private static HistoryQuery LastCommit(GitRunner git, string tip, string why)
    {
        string tipSha = GitSources.ResolveCommit(git, tip)
            ?? throw new GitException($"{why}: commit '{tip}' is not in this clone");
        if (GitSources.ResolveCommit(git, tipSha + "~1") is { } parent)
        {
            return new HistoryQuery([parent + ".." + tipSha], true, null, $"{why}: last commit {Short(parent)}..{Short(tipSha)}");
        }
        string raw = git.RunText(["cat-file", "commit", tipSha]);
        if (raw.Split('\n').TakeWhile(l => l.Length > 0).Any(l => l.StartsWith("parent ", StringComparison.Ordinal)))
        {
            throw ShallowClone(why, tipSha + "~1");
        }
        return new HistoryQuery([tipSha], false, null, $"{why}: root commit {Short(tipSha)}");
    }

    private static bool IsShallow(GitRunner git) => git.RunText(["rev-parse", "--is-shallow-repository"]) == "true";

    private static GitException ShallowClone(string why, string missing) => new(
        $"{why}: commit {missing} is not in this shallow clone, so the range to scan is unknown."
        + " Fetch the history: 'fetch-depth: 0' for actions/checkout, 'GIT_DEPTH: 0' in GitLab CI.");

    private static string Short(string sha) => sha.Length > 12 ? sha[..12] : sha;
}
