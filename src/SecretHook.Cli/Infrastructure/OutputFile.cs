namespace SecretHook.Cli.Infrastructure;

/// <summary>
/// Writes a report or baseline to a path the user named, never leaving a partial file and never
/// replacing what is not a regular file: a regular file (or none) is written to a temporary file
/// beside it and renamed over it; a character device or FIFO (<c>/dev/null</c>, <c>/dev/stdout</c>, a
/// pipe) is written to in place and stays what it is; a symbolic link, a directory or a missing
/// parent directory is refused (<see cref="Check"/>), so a link planted at the output path cannot
/// redirect the write to its target.
/// </summary>
public static class OutputFile
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, bool> Pending = new();

    /// <summary>Deletes the temporary files of writes still under way (called when a signal ends the process).</summary>
    public static void DiscardPending()
    {
        foreach (var temp in Pending.Keys)
        {
            try
            {
                File.Delete(temp);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Why <paramref name="fullPath"/> cannot be written, or null when it can.</summary>
    public static string? Check(string fullPath)
    {
        string? dir = Path.GetDirectoryName(fullPath);
        if (dir is null || !Directory.Exists(dir))
        {
            return $"no such directory: {dir}";
        }
        return UnixFile.KindOf(fullPath) switch
        {
            UnixFileKind.Missing or UnixFileKind.Regular or UnixFileKind.Device or UnixFileKind.Fifo => null,
            UnixFileKind.SymbolicLink => "it is a symbolic link (not followed; remove it or name its target)",
            UnixFileKind.Directory => "it is a directory",
            var other => $"it is {UnixFile.Describe(other)}",
        };
    }

    /// <summary>Writes what <paramref name="write"/> produces to <paramref name="fullPath"/> (see the class remarks).</summary>
    /// <exception cref="IOException">The file cannot be written (the message says why).</exception>
    public static void Write(string fullPath, Action<Stream> write)
    {
        if (Check(fullPath) is { } why)
        {
            throw new IOException(why);
        }
        var kind = UnixFile.KindOf(fullPath);
        if (kind is UnixFileKind.Device or UnixFileKind.Fifo)
        {
            using var device = new FileStream(fullPath, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
            write(device);
            return;
        }
        string dir = Path.GetDirectoryName(fullPath)!;
        string temp = Path.Combine(dir, $".{Path.GetFileName(fullPath)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        Pending[temp] = true;
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                write(stream);
                stream.Flush(flushToDisk: false);
            }
            File.Move(temp, fullPath, overwrite: true);
        }
        finally
        {
            Pending.TryRemove(temp, out _);
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>Writes <paramref name="bytes"/> to <paramref name="fullPath"/> as <see cref="Write(string, Action{Stream})"/> does.</summary>
    public static void Write(string fullPath, byte[] bytes) => Write(fullPath, s => s.Write(bytes));
}
