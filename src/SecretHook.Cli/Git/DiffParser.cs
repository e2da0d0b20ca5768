using System.Buffers.Text;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.GitIntegration;

/// <summary>How git showed one file of a diff.</summary>
internal enum DiffFileKind
{
    /// <summary>A text diff: its added lines are in <see cref="DiffFile.Added"/>.</summary>
    Text,

    /// <summary>
    /// <c>Binary files … differ</c> (binary by content, or by an attribute such as <c>-diff</c>): no
    /// lines in the diff; <see cref="DiffFile.OldBlobs"/> and <see cref="DiffFile.NewBlob"/> name the
    /// blobs to compare instead (see <see cref="BinaryDiffExpander"/>).
    /// </summary>
    Binary,

    /// <summary>A submodule pointer (mode 160000): the "line" is a commit id, not content.</summary>
    Submodule,
}

/// <summary>
/// The lines one file's diff adds: <see cref="Added"/> holds them joined by <c>\n</c> (without the
/// <c>+</c> marker, any <c>\r</c> kept), <see cref="LineNumbers"/>[i] is the new-file line of added
/// line i. Both are views into the parser's buffers, valid only during <see cref="IDiffSink.OnFile"/>.
/// <see cref="AddedBytes"/> counts every added byte, kept or not; <see cref="Truncated"/> says that
/// not all of them were kept (the file adds more than the limit, or one line was longer than git's
/// output reader takes): the file was not fully scanned, which a command must not pass silently.
/// <see cref="OldBlobs"/> (one per parent; git's all-zero id when the file is new there) and
/// <see cref="NewBlob"/> are the full blob ids from the <c>index</c> line, when git printed one, for a
/// file that is not <see cref="DiffFileKind.Text"/> (only a binary file is read from its blobs).
/// </summary>
internal readonly record struct DiffFile(
    string Path,
    DiffFileKind Kind,
    ReadOnlyMemory<byte> Added,
    IReadOnlyList<int> LineNumbers,
    long AddedBytes,
    bool Truncated,
    IReadOnlyList<string>? OldBlobs = null,
    string? NewBlob = null);

/// <summary>Receives what <see cref="DiffParser"/> finds, in output order.</summary>
internal interface IDiffSink
{
    /// <summary>A commit header (from <c>git log</c>); the files that follow belong to it.</summary>
    void OnCommit(CommitInfo commit);

    /// <summary>One file's section ended.</summary>
    void OnFile(in DiffFile file);
}

/// <summary>
/// A streaming parser for the patch output of <c>git diff</c> and <c>git log -p</c> (unified and,
/// for merges under <c>--cc</c>, combined diffs), fed one line at a time, that keeps only the current
/// file's added lines. It relies on the format options <see cref="GitRunner.DiffFormatOptions"/> fixes
/// (prefixes <c>a/</c> and <c>b/</c>, no colour, no external diff or textconv) and on hunk headers'
/// line counts to tell content from headers: a content line such as <c>--- a/x</c> or
/// <c>+diff --git</c> inside a hunk is never taken for a header.
/// </summary>
internal sealed class DiffParser(IDiffSink sink, long maxAddedBytesPerFile)
{
    /// <summary>The first byte of the commit header lines that <see cref="CommitFormat"/> prints.</summary>
    public const byte CommitMarker = 0x01;

    /// <summary>
    /// The <c>git log --format</c> of a commit header: a line starting with <see cref="CommitMarker"/>
    /// (a byte no header line starts with), then sha, subject, author and date separated by NUL (which no
    /// subject or name contains).
    /// </summary>
    public const string CommitFormat = "%x01%H%x00%s%x00%an%x00%aI";

    private byte[] _added = new byte[16 * 1024];
    private int _addedLength;
    private long _addedBytes;
    private bool _truncated;
    private readonly List<int> _lineNumbers = [];

    private bool _inFile;
    private string? _headerPath;
    private string? _plusPath;
    private string? _renamedTo;
    private bool _deleted;
    private bool _binary;
    private bool _submodule;
    private byte[] _index = new byte[2 * 64 + 2];
    private int _indexLength;
    private bool _lineCut;

    private bool _inHunk;
    private int _parents = 1;
    private readonly int[] _oldLeft = new int[64];
    private int _newLeft;
    private int _newLine;

    /// <summary>
    /// Feeds one line (without its <c>\n</c>). <paramref name="cut"/> says the line is only the
    /// beginning of a longer one (see <see cref="ByteLineReader.LineTooLong"/>): an added line so cut
    /// makes its file <see cref="DiffFile.Truncated"/>; any other line so cut is an error.
    /// </summary>
    /// <exception cref="GitException">A header cannot be parsed, or content stands outside a hunk.</exception>
    public void Feed(ReadOnlySpan<byte> line, bool cut = false)
    {
        _lineCut = cut;
        if (cut && !_inHunk)
        {
            throw new GitException($"a line of git's diff output outside a hunk is too long to read: {GitPaths.Decode(line[..Math.Min(line.Length, 120)])}");
        }
        if (_inHunk)
        {
            if (HunkLine(line))
            {
                return;
            }
            // Not a content line: the hunk ended before its counts said (cannot happen with git's own
            // output); read the line as a header rather than lose it.
            _inHunk = false;
        }
        HeaderLine(line);
    }

    /// <summary>Ends the input: reports the last file.</summary>
    /// <exception cref="GitException">The input ended inside a hunk (git's output was cut off).</exception>
    public void Finish()
    {
        if (_inHunk)
        {
            _inHunk = false;
            throw new GitException($"git's diff output ended inside a hunk of {_plusPath ?? _renamedTo ?? _headerPath ?? "?"}: it was cut off");
        }
        FinishFile();
    }

    private bool HunkLine(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0)
        {
            // diff.suppressBlankEmpty prints an empty context line without its space.
            Context(allParents: true);
        }
        else if (line[0] == '\\')
        {
            return true; // "\ No newline at end of file"
        }
        else if (_parents == 1)
        {
            switch (line[0])
            {
                case (byte)'+':
                    Add(line[1..]);
                    _newLeft--;
                    _newLine++;
                    break;
                case (byte)'-':
                    _oldLeft[0]--;
                    break;
                case (byte)' ':
                    Context(allParents: true);
                    break;
                default:
                    return false;
            }
        }
        else if (!CombinedLine(line))
        {
            return false;
        }
        if (_newLeft <= 0 && _oldLeft.AsSpan(0, _parents).IndexOfAnyExceptInRange(int.MinValue, 0) < 0)
        {
            _inHunk = false;
        }
        return true;
    }

    /// <summary>
    /// A combined-diff line: one column per parent. A line in the result has no <c>-</c>; it is new in
    /// the merge itself only when every column is <c>+</c> (otherwise it came from a parent, whose own
    /// commit is scanned where it is in range). A column <c>-</c> is a parent's line the merge dropped.
    /// </summary>
    private bool CombinedLine(ReadOnlySpan<byte> line)
    {
        if (line.Length < _parents)
        {
            return false;
        }
        var columns = line[.._parents];
        if (columns.IndexOfAnyExcept(" +-"u8) >= 0)
        {
            return false;
        }
        if (columns.Contains((byte)'-'))
        {
            for (int i = 0; i < _parents; i++)
            {
                if (columns[i] == '-')
                {
                    _oldLeft[i]--;
                }
            }
            return true;
        }
        if (columns.IndexOfAnyExcept((byte)'+') < 0)
        {
            Add(line[_parents..]);
        }
        for (int i = 0; i < _parents; i++)
        {
            if (columns[i] == ' ')
            {
                _oldLeft[i]--;
            }
        }
        _newLeft--;
        _newLine++;
        return true;
    }

    private void Context(bool allParents)
    {
        if (allParents)
        {
            for (int i = 0; i < _parents; i++)
            {
                _oldLeft[i]--;
            }
        }
        _newLeft--;
        _newLine++;
    }

    private void Add(ReadOnlySpan<byte> content)
    {
        _truncated |= _lineCut;
        _addedBytes += content.Length + 1;
        if (_truncated || _addedLength + (long)content.Length + 1 > maxAddedBytesPerFile)
        {
            _truncated = true;
            return;
        }
        int need = _addedLength + content.Length + 1;
        if (need > _added.Length)
        {
            Array.Resize(ref _added, Math.Max(need, _added.Length * 2));
        }
        content.CopyTo(_added.AsSpan(_addedLength));
        _addedLength += content.Length;
        _added[_addedLength++] = (byte)'\n';
        _lineNumbers.Add(_newLine);
    }

    private void HeaderLine(ReadOnlySpan<byte> line)
    {
        if (line.Length == 0)
        {
            return;
        }
        if (line[0] == CommitMarker)
        {
            FinishFile();
            sink.OnCommit(ParseCommit(line[1..]));
        }
        else if (line.StartsWith("diff --git "u8))
        {
            StartFile(GitPaths.FromDiffGitHeader(line["diff --git "u8.Length..]));
        }
        else if (line.StartsWith("diff --cc "u8))
        {
            StartFile(GitPaths.FromBareName(line["diff --cc "u8.Length..]));
        }
        else if (line.StartsWith("diff --combined "u8))
        {
            StartFile(GitPaths.FromBareName(line["diff --combined "u8.Length..]));
        }
        else if (!_inFile)
        {
            // Between commits: blank lines, "* Unmerged path …" during a conflicted merge.
        }
        else if (line.StartsWith("@@"u8))
        {
            StartHunk(line);
        }
        else if (line.StartsWith("+++ "u8))
        {
            _plusPath = GitPaths.FromFileLine(line[4..], GitPaths.NewPrefix);
            _deleted |= _plusPath is null;
        }
        else if (line[0] is (byte)'+' or (byte)' ' or (byte)'-' && !line.StartsWith("--- "u8))
        {
            // Content outside a hunk: the counts and the output disagree. Fail closed rather than
            // drop lines that may hold a secret.
            throw Malformed(line);
        }
        else if (line.StartsWith("rename to "u8))
        {
            _renamedTo = GitPaths.FromBareName(line["rename to "u8.Length..]);
        }
        else if (line.StartsWith("copy to "u8))
        {
            _renamedTo = GitPaths.FromBareName(line["copy to "u8.Length..]);
        }
        else if (line.StartsWith("deleted file mode "u8))
        {
            _deleted = true;
        }
        else if (line.StartsWith("Binary files "u8))
        {
            _binary = true;
        }
        else if (line.StartsWith("index "u8) && ParseIndex(line["index "u8.Length..]))
        {
        }
        else if (line.SequenceEqual("new file mode 160000"u8) || line.SequenceEqual("new mode 160000"u8)
            || (line.StartsWith("index "u8) && line.EndsWith(" 160000"u8)))
        {
            _submodule = true;
        }
        // Everything else ("index …", "--- a/…", "old mode", "similarity index", …) says nothing
        // about added content.
    }

    private void StartFile(string? headerPath)
    {
        FinishFile();
        _inFile = true;
        _headerPath = headerPath;
        _plusPath = null;
        _renamedTo = null;
        _deleted = false;
        _binary = false;
        _submodule = false;
        _indexLength = 0;
        _parents = 1;
        _addedLength = 0;
        _addedBytes = 0;
        _truncated = false;
        _lineNumbers.Clear();
    }

    private void FinishFile()
    {
        if (!_inFile)
        {
            return;
        }
        _inFile = false;
        _inHunk = false;
        var kind = _submodule ? DiffFileKind.Submodule : _binary ? DiffFileKind.Binary : DiffFileKind.Text;
        if (kind == DiffFileKind.Text ? _addedBytes == 0 : _deleted)
        {
            return; // nothing added: a deletion, pure rename or copy, mode change, …
        }
        string path = _plusPath ?? _renamedTo ?? _headerPath ?? "?";
        var (olds, fresh) = kind == DiffFileKind.Text ? default : BlobIds();
        sink.OnFile(new DiffFile(path, kind, _added.AsMemory(0, _addedLength), _lineNumbers, _addedBytes, _truncated,
            olds, fresh));
    }

    /// <summary>
    /// Reads <c>OLD[,OLD…]..NEW[ MODE]</c>; false (leaving the line to the other rules) when it is not
    /// that shape. A mode of 160000 marks a submodule. The ids are kept as bytes and become strings
    /// only for a file that needs them (a binary one, see <see cref="BlobIds"/>): most files never do.
    /// </summary>
    private bool ParseIndex(ReadOnlySpan<byte> rest)
    {
        int dots = rest.IndexOf(".."u8);
        if (dots <= 0)
        {
            return false;
        }
        var after = rest[(dots + 2)..];
        int space = after.IndexOf((byte)' ');
        var newId = space < 0 ? after : after[..space];
        if (!IsHexId(newId))
        {
            return false;
        }
        foreach (var range in rest[..dots].Split((byte)','))
        {
            if (!IsHexId(rest[..dots][range]))
            {
                return false;
            }
        }
        _indexLength = dots + 2 + newId.Length;
        if (_index.Length < _indexLength)
        {
            Array.Resize(ref _index, Math.Max(_indexLength, 2 * _index.Length));
        }
        rest[.._indexLength].CopyTo(_index);
        if (space >= 0 && after[(space + 1)..].SequenceEqual("160000"u8))
        {
            _submodule = true;
        }
        return true;
    }

    /// <summary>The old and new blob ids of the current file's <c>index</c> line (null, null without one).</summary>
    private (string[]? Olds, string? New) BlobIds()
    {
        if (_indexLength == 0)
        {
            return (null, null);
        }
        var ids = _index.AsSpan(0, _indexLength);
        int dots = ids.IndexOf(".."u8);
        return (GitPaths.Decode(ids[..dots]).Split(','), GitPaths.Decode(ids[(dots + 2)..]));
    }

    private static bool IsHexId(ReadOnlySpan<byte> id) => id.Length >= 4 && id.IndexOfAnyExcept("0123456789abcdef"u8) < 0;

    /// <summary>Parses <c>@@ -a,b +c,d @@</c> or, with n parents, n+1 <c>@</c> and n old ranges.</summary>
    private void StartHunk(ReadOnlySpan<byte> line)
    {
        int ats = line.IndexOfAnyExcept((byte)'@');
        int parents = ats - 1;
        if (ats < 2 || parents > _oldLeft.Length)
        {
            throw Malformed(line);
        }
        var rest = line[ats..];
        for (int i = 0; i < parents; i++)
        {
            if (!TryRange(ref rest, (byte)'-', out _, out _oldLeft[i]))
            {
                throw Malformed(line);
            }
        }
        if (!TryRange(ref rest, (byte)'+', out _newLine, out _newLeft) || !rest.StartsWith(" @@"u8))
        {
            throw Malformed(line);
        }
        _parents = parents;
        _inHunk = _newLeft > 0 || _oldLeft.AsSpan(0, parents).IndexOfAnyExceptInRange(int.MinValue, 0) >= 0;
    }

    /// <summary>Reads <c> -start[,count]</c> (count 1 when absent).</summary>
    private static bool TryRange(ref ReadOnlySpan<byte> text, byte sign, out int start, out int count)
    {
        start = 0;
        count = 1;
        if (text.Length < 3 || text[0] != ' ' || text[1] != sign)
        {
            return false;
        }
        text = text[2..];
        if (!Utf8Parser.TryParse(text, out start, out int used))
        {
            return false;
        }
        text = text[used..];
        if (text.Length > 0 && text[0] == ',')
        {
            if (!Utf8Parser.TryParse(text[1..], out count, out used))
            {
                return false;
            }
            text = text[(1 + used)..];
        }
        return true;
    }

    private static CommitInfo ParseCommit(ReadOnlySpan<byte> fields)
    {
        var values = new string?[4];
        for (int i = 0; i < values.Length && !fields.IsEmpty; i++)
        {
            int nul = fields.IndexOf((byte)0);
            values[i] = GitPaths.Decode(nul < 0 ? fields : fields[..nul]);
            fields = nul < 0 ? default : fields[(nul + 1)..];
        }
        return new CommitInfo(values[0] ?? "", values[1] ?? "", values[2], values[3]);
    }

    private static GitException Malformed(ReadOnlySpan<byte> line) =>
        new($"unexpected line in git's diff output: {GitPaths.Decode(line[..Math.Min(line.Length, 120)])}");
}
