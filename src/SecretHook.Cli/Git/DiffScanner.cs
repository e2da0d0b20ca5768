using SecretHook.Core.Detection;
using SecretHook.Core.Reporting;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// The sink that turns each file's added lines into a <see cref="Chunk"/> (with the new-file line
/// numbers and the commit, if any) and runs the detector over it at once, so nothing but findings
/// outlives a file. Binary files are recorded as skipped; submodule pointers are not content.
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
            Skipped.Add(new SkippedFile(Where(file.Path),
                $"adds {file.AddedBytes} bytes; only the first {maxAddedBytesPerFile} were scanned"));
        }
        Files++;
        Bytes += file.Added.Length;
        // The detector may still be loading on another thread (see GitScan); wait for it once.
        _detector ??= detector.GetAwaiter().GetResult();
        _scratch ??= _detector.CreateScratch();
        _detector.Scan(new Chunk(file.Added, file.Path, 1, file.LineNumbers, _commit), _scratch, Findings);
    }

    private string Where(string path) => _commit is { } c ? $"{path} (commit {c.ShortSha})" : path;
}
