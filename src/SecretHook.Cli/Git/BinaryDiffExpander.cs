using SecretHook.Core.Detection;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// A sink in front of another that turns each file git showed as "Binary files … differ" — binary
/// by content, or only by an attribute such as <c>*.ipynb -diff</c>, <c>*.cfg binary</c> or
/// <c>-text -diff</c> in <c>.gitattributes</c> or <c>.git/info/attributes</c> — back into the lines it
/// adds: it reads the new and old blobs named on the diff's <c>index</c> line (one
/// <see cref="BlobReader"/> for the whole run) and, unless the new blob is binary by content (a NUL in
/// its first 8000 bytes, git's own test), passes on a <see cref="DiffFileKind.Text"/> file holding
/// <see cref="AddedLines"/> of it. A new blob over the size limit is passed on as a truncated text
/// file with nothing kept (not fully scanned: the command fails closed). Everything else passes
/// through unchanged.
/// </summary>
internal sealed class BinaryDiffExpander(GitRunner git, IDiffSink inner, long maxFileBytes) : IDiffSink, IDisposable
{
    private readonly BlobReader _blobs = new(git);

    /// <summary>Binary files whose blobs were read (for tests and statistics).</summary>
    public int Expanded { get; private set; }

    /// <inheritdoc />
    public void OnCommit(CommitInfo commit) => inner.OnCommit(commit);

    /// <inheritdoc />
    public void OnFile(in DiffFile file)
    {
        if (file.Kind != DiffFileKind.Binary)
        {
            inner.OnFile(file);
            return;
        }
        if (file.NewBlob is not { } id)
        {
            throw new GitException($"git showed {file.Path} as a binary file without its blob ids; it cannot be scanned");
        }
        if (GitSources.IsNull(id))
        {
            return; // deleted
        }
        Expanded++;
        var fresh = _blobs.Read(id, maxFileBytes, out long size);
        if (fresh is null)
        {
            inner.OnFile(file with { Kind = DiffFileKind.Text, Added = default, LineNumbers = [], AddedBytes = size, Truncated = true });
            return;
        }
        if (AddedLines.IsBinary(fresh))
        {
            inner.OnFile(file);
            return;
        }
        var olds = new List<ReadOnlyMemory<byte>>();
        foreach (var old in file.OldBlobs ?? [])
        {
            // A parent without the file, or one too large to hold: every line counts as added.
            olds.Add(GitSources.IsNull(old) ? default : _blobs.Read(old, maxFileBytes, out _) ?? default);
        }
        var added = AddedLines.Compute(fresh, olds);
        inner.OnFile(file with
        {
            Kind = DiffFileKind.Text,
            Added = added.Text,
            LineNumbers = added.LineNumbers,
            AddedBytes = added.Text.Length,
            Truncated = false,
        });
    }

    /// <inheritdoc />
    public void Dispose() => _blobs.Dispose();
}
