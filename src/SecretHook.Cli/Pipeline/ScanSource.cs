using SecretHook.Core.Detection;

namespace SecretHook.Cli.Pipeline;

/// <summary>
/// A file on disk for the pipeline to read and scan: where it is, its canonical path (identity) and its
/// display path. <paramref name="ListedRegular"/>: its directory listed it as a regular file, so the
/// reader opens it without a stat first (and checks its type on the open file).
/// </summary>
public sealed record FileItem(string FullPath, string CanonicalPath, string DisplayPath, bool ListedRegular = false);

/// <summary>
/// What a source hands the pipeline. A source runs on one thread and calls these in order; the
/// pipeline decides what runs in parallel, what is filtered and what is counted.
/// </summary>
public interface IScanSink
{
    /// <summary>A file to read and scan (possibly on a worker thread, later).</summary>
    void File(FileItem file);

    /// <summary>Bytes to scan now: the chunk's memory belongs to the caller and is reused after the call.</summary>
    void Content(in Chunk chunk);

    /// <summary>Something that was not scanned, and why (it is named in the output).</summary>
    void Skip(string displayPath, string reason);

    /// <summary>Something that should have been scanned and could not be: the run ends with exit 2.</summary>
    void Fail(string message);

    /// <summary>A warning for the user (a glob that selected nothing, …); does not change the exit code.</summary>
    void Warn(string message);
}

/// <summary>
/// One kind of input — a directory tree, standard input, the git index, a commit range — turned into
/// files and chunks with provenance. Every source speaks <see cref="IScanSink"/>, so detection,
/// filtering and reporting never know which one ran.
/// </summary>
public interface IScanSource
{
    /// <summary>Feeds everything to <paramref name="sink"/>; throws only for failures that end the run (git errors).</summary>
    void Run(IScanSink sink);
}
