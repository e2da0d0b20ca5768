namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Reads <c>\n</c>-terminated lines of bytes from a stream incrementally (git's output is bytes, not
/// text: paths and file contents need not be UTF-8). A line is returned without its <c>\n</c> and is
/// valid until the next call; the buffer grows to hold the longest line, so memory is bounded by the
/// longest line, never by the stream.
/// </summary>
internal sealed class ByteLineReader(Stream stream, int initialSize = 64 * 1024)
{
    private byte[] _buffer = new byte[initialSize];
    private int _start;
    private int _end;
    private bool _eof;

    /// <summary>Reads the next line; false at the end of the stream.</summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        int scanned = _start;
        while (true)
        {
            int nl = _buffer.AsSpan(scanned, _end - scanned).IndexOf((byte)'\n');
            if (nl >= 0)
            {
                line = _buffer.AsSpan(_start, scanned + nl - _start);
                _start = scanned + nl + 1;
                return true;
            }
            if (_eof)
            {
                if (_end > _start)
                {
                    line = _buffer.AsSpan(_start, _end - _start);
                    _start = _end;
                    return true;
                }
                line = default;
                return false;
            }
            scanned = _end;
            Fill(ref scanned);
        }
    }

    /// <summary>Moves the pending bytes to the front (or grows the buffer) and reads more.</summary>
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
            Array.Resize(ref _buffer, _buffer.Length * 2);
        }
        int n = stream.Read(_buffer, _end, _buffer.Length - _end);
        if (n == 0)
        {
            _eof = true;
        }
        _end += n;
    }
}
