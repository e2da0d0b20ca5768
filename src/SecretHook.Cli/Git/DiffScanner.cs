using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// The sink that turns each file's added lines into a <see cref="Chunk"/> (with the new-file line
/// numbers and the commit, if any) and runs the detector over it at once, so nothing but findings
/// outlives a file. Files binary by content are recorded as skipped (files git only calls binary
/// reach it as text, see <see cref="BinaryDiffExpander"/>); submodule pointers are not content.
/// A file that adds more than the limit is scanned as far as the limit and recorded both in
/// <see cref="Skipped"/> and in <see cref="TooLarge"/>: it was not fully scanned, so a command that
/// reads this scanner must fail closed (exit 2) when <see cref="TooLarge"/> is not empty, naming each
/// file and how to raise the limit (<see cref="TooLargeMessage"/>).
/// </summary>
internal sealed class DiffScanner(Task<Detector> detector, long maxAddedBytesPerFile) : IDiffSink
{
    private Detector? _detector;
    private DetectorScratch? _scratch;
    private CommitInfo? _commit;

    /// <summary>A scanner with its detector ready.</summary>
    public DiffScanner(Detector detector, long maxAddedBytesPerFile)
        : this(Task.FromResult(detector), maxAddedBytesPerFile)
    {
    }

    /// <summary>The findings so far.</summary>
    public List<Finding> Findings { get; } = [];

    /// <summary>Files not (fully) scanned, and why.</summary>
    public List<SkippedFile> Skipped { get; } = [];

    /// <summary>Files that add more than <see cref="MaxAddedBytesPerFile"/>: not fully scanned.</summary>
    public List<TooLargeFile> TooLarge { get; } = [];

    /// <summary>File diffs scanned (a file changed in three commits counts three times).</summary>
    public long Files { get; private set; }

    /// <summary>Added bytes scanned.</summary>
    public long Bytes { get; private set; }

    /// <summary>Commits seen.</summary>
    public long Commits { get; private set; }

    /// <summary>The most added bytes of one file that are kept and scanned.</summary>
    public long MaxAddedBytesPerFile => maxAddedBytesPerFile;

    /// <inheritdoc />
    public void OnCommit(CommitInfo commit)
    {
        _commit = commit;
        Commits++;
    }

    /// <inheritdoc />
    public void OnFile(in DiffFile file)
    {
        switch (file.Kind)
        {
            case DiffFileKind.Binary:
                Skipped.Add(new SkippedFile(Where(file.Path), "binary"));
                return;
            case DiffFileKind.Submodule:
                return;
        }
        if (file.Truncated)
        {
            TooLarge.Add(new TooLargeFile(file.Path, _commit?.Sha, file.AddedBytes, maxAddedBytesPerFile));
            Skipped.Add(new SkippedFile(Where(file.Path), file.Added.Length == 0
                ? $"{file.AddedBytes} bytes, over the {maxAddedBytesPerFile}-byte limit: not scanned"
                : $"adds {file.AddedBytes} bytes; only the first {file.Added.Length} were scanned (limit {maxAddedBytesPerFile})"));
        }
        Files++;
        Bytes += file.Added.Length;
        // The detector may still be loading on another thread (see GitScan); wait for it once.
        _detector ??= detector.GetAwaiter().GetResult();
        _scratch ??= _detector.CreateScratch();
        _detector.Scan(new Chunk(file.Added, file.Path, 1, file.LineNumbers, _commit), _scratch, Findings);
    }

    /// <summary>
    /// The error for <see cref="TooLarge"/>: each file (with its commit) and how to raise the limit, or
    /// null when every file was scanned whole. <paramref name="flag"/> names the command-line option
    /// (e.g. <c>--max-file-size</c>) when the command has one.
    /// </summary>
    public string? TooLargeMessage(string? flag = null)
    {
        if (TooLarge.Count == 0)
        {
            return null;
        }
        var files = string.Join(", ", TooLarge.Select(t => t.Commit is { } c ? $"{t.Path} (commit {c[..Math.Min(c.Length, 12)]})" : t.Path));
        string how = flag is null ? "max-file-size in .secrethook.yaml" : $"{flag} or max-file-size in .secrethook.yaml";
        return $"not fully scanned, larger than the {maxAddedBytesPerFile}-byte limit: {files}. Raise the limit with {how}.";
    }

    private string Where(string path) => _commit is { } c ? $"{path} (commit {c.ShortSha})" : path;
}

/// <summary>
/// A file whose added content exceeds the limit: <paramref name="Path"/>, the commit it is in (null for
/// the index), how many bytes it adds and the limit in force.
/// </summary>
internal sealed record TooLargeFile(string Path, string? Commit, long AddedBytes, long Limit);
