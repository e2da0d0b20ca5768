using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Sources;

/// <summary>
/// A git source: the index against HEAD (<c>staged</c>) or commits (<c>commits</c>, <c>pre-push</c>,
/// <c>ci</c>), parsed from git's patch output. Each file's added lines become one chunk whose canonical
/// path is git's (repository-relative) and whose line map gives the new-file line of each added line.
/// A file whose added bytes exceed the size limit fails the run (a hook must not pass what it did not
/// read); binary files are named as skipped; submodule pointers are not content.
/// </summary>
internal sealed class GitDiffSource(CliEnvironment env, Action<GitRunner, IDiffSink, long> read, long maxAddedBytesPerFile,
    Action<GitRunner>? before = null) : IScanSource
{
    /// <summary>The git runner to read with (one that started the source's command early), or null for a new one.</summary>
    public GitRunner? Git { get; init; }

    /// <summary>When set, only files with these repository-relative paths are scanned.</summary>
    public IReadOnlySet<string>? OnlyPaths { get; init; }

    /// <summary>Commits seen (history sources).</summary>
    public long Commits { get; private set; }

    /// <inheritdoc />
    public void Run(IScanSink sink)
    {
        var git = Git ?? new GitRunner(env);
        before?.Invoke(git);
        read(git, new Adapter(this, sink), maxAddedBytesPerFile);
    }

    private sealed class Adapter(GitDiffSource owner, IScanSink sink) : IDiffSink
    {
        private CommitInfo? _commit;

        public void OnCommit(CommitInfo commit)
        {
            _commit = commit;
            owner.Commits++;
        }

        public void OnFile(in DiffFile file)
        {
            if (owner.OnlyPaths is { } only && !only.Contains(file.Path))
            {
                return;
            }
            switch (file.Kind)
            {
                case DiffFileKind.Binary:
                    sink.Skip(Where(file.Path), "binary");
                    return;
                case DiffFileKind.Submodule:
                    return;
            }
            if (file.Truncated)
            {
                sink.Fail($"{Where(file.Path)}: adds {file.AddedBytes} bytes, more than the limit of {owner.MaxAdded} bytes, so it was not fully scanned;"
                    + " raise it with --max-file-size or max-file-size in .secrethook.yaml");
                return;
            }
            sink.Content(new Chunk(file.Added, file.Path, 1, file.LineNumbers, _commit, file.Path));
        }

        private string Where(string path) => _commit is { } c ? $"{path} (commit {c.ShortSha})" : path;
    }

    private long MaxAdded => maxAddedBytesPerFile;
}
