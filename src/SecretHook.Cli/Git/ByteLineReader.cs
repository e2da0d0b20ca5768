namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Reads <c>\n</c>-terminated lines of bytes from a stream incrementally (git's output is bytes, not
/// text: paths and file contents need not be UTF-8). A line is returned without its <c>\n</c> and is
/// valid until the next call. Memory is bounded by <c>maxLineLength</c>, never by the stream: a longer
/// line is returned cut to its first <c>maxLineLength</c> bytes with <see cref="LineTooLong"/> set,
/// and the rest of it is skipped unread. Whether the stream's last line lacked its <c>\n</c> (git
/// always ends its output with one, so that means the output was cut off) is
/// <see cref="EndedWithoutNewline"/>.
/// </summary>
internal sealed class ByteLineReader
{
    private readonly Stream _stream;
    private readonly int _maxLineLength;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;
    private bool _skipping;

    /// <summary>A reader of <paramref name="stream"/> whose lines are cut at <paramref name="maxLineLength"/> bytes.</summary>
    public ByteLineReader(Stream stream, int maxLineLength = int.MaxValue - 1, int initialSize = 64 * 1024)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineLength, 1);
        _stream = stream;
        _maxLineLength = Math.Min(maxLineLength, Array.MaxLength - 1);
        _buffer = new byte[Math.Max(1, Math.Min(initialSize, _maxLineLength + 1))];
    }

    /// <summary>Whether the line last returned was longer than the limit (and is only its beginning).</summary>
    public bool LineTooLong { get; private set; }

    /// <summary>Whether the stream ended without a final <c>\n</c> (set once the last line is read).</summary>
    public bool EndedWithoutNewline { get; private set; }

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        if (_skipping)
        {
            SkipRestOfLine();
        }
        LineTooLong = false;
        int scanned = _start;
        while (true)
        {
            int nl = _buffer.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = _buffer.AsSpan(_start, scanned + nl - _start);
                _start = scanned + nl + 1;
                if (line.Length > _maxLineLength)
                {
                    line = line[.._maxLineLength];
                    LineTooLong = true;
                }
                return true;
            }
            if (_eof)
            {
                if (_end > _start)
                {
                    line = _buffer.AsSpan(_start, _end - _start);
                    _start = _end;
                    EndedWithoutNewline = true;
                    if (line.Length > _maxLineLength)
                    {
                        line = line[.._maxLineLength];
                        LineTooLong = true;
                    }
                    return true;
                }
                line = default;
                return false;
            }
            if (_end - _start > _maxLineLength)
            {
                line = _buffer.AsSpan(_start, _maxLineLength);
                _start = _end;
                _skipping = true;
                LineTooLong = true;
                return true;
            }
            scanned = _end;
            Fill(ref scanned);
        }
    }

    /// <summary>Discards bytes up to and including the next <c>\n</c>.</summary>
    private void SkipRestOfLine()
    {
        _skipping = false;
        while (true)
        {
            int nl = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                _start += nl + 1;
                return;
            }
            _start = _end = 0;
            if (_eof)
            {
                EndedWithoutNewline = true;
                return;
            }
            int scanned = 0;
            Fill(ref scanned);
        }
    }

    /// <summary>Moves the pending bytes to the front (or grows the buffer, up to the limit) and reads more.</summary>
    private void Fill(ref int scanned)
    {
        if (_start > 0)
        {
            int pending = _end - _start;
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            scanned -= _start;
            _start = 0;
            _end = pending;
        }
        if (_end == _buffer.Length)
        {
            Array.Resize(ref _buffer, (int)Math.Min(_buffer.Length * 2L, _maxLineLength + 1L));
        }
        int n = _stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }
        _end += n;
    }
}
