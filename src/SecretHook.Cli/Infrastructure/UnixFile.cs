using System.Runtime.InteropServices;

namespace SecretHook.Cli.Infrastructure;

/// <summary>What a directory entry is, as <c>lstat</c> sees it (a symbolic link is not followed).</summary>
public enum UnixFileKind
{
    /// <summary>It does not exist (or vanished).</summary>
    Missing,

    /// <summary>A regular file: the only kind that is read.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link (never followed).</summary>
    SymbolicLink,

    /// <summary>A FIFO: opening it for reading would wait for a writer forever.</summary>
    Fifo,

    /// <summary>A socket.</summary>
    Socket,

    /// <summary>A character or block device.</summary>
    Device,

    /// <summary>It could not be examined (permission denied on a parent, an I/O error).</summary>
    Unknown,
}

/// <summary>
/// The file-type test .NET lacks: <see cref="FileInfo"/> reports FIFOs, sockets and devices as normal
/// files, and opening a FIFO blocks until someone writes to it. Linux's <c>statx</c> (glibc 2.28+),
/// whose buffer layout is the same on every architecture, answers without opening anything.
/// </summary>
public static partial class UnixFile
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxType = 0x1;
    private const uint StatxSize = 0x200;
    private const int ModeOffset = 28;  // struct statx: stx_mode (u16)
    private const int SizeOffset = 40;  // struct statx: stx_size (u64)

    /// <summary>The kind of <paramref name="path"/>, without following a final symbolic link.</summary>
    public static UnixFileKind KindOf(string path) => Stat(path, out _);

    /// <summary>The kind and size of <paramref name="path"/>, without following a final symbolic link.</summary>
    public static UnixFileKind Stat(string path, out long size)
    {
        size = 0;
        if (!OperatingSystem.IsLinux())
        {
            return Fallback(path, out size);
        }
        Span<byte> buffer = stackalloc byte[256];
        int rc;
        try
        {
            rc = StatX(AtFdCwd, path, AtSymlinkNoFollow, StatxType | StatxSize, ref MemoryMarshal.GetReference(buffer));
        }
        catch (EntryPointNotFoundException)
        {
            return Fallback(path, out size);
        }
        if (rc != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            return errno is 2 or 20 ? UnixFileKind.Missing : UnixFileKind.Unknown; // ENOENT, ENOTDIR
        }
        int mode = BitConverter.ToUInt16(buffer[ModeOffset..]);
        size = (long)BitConverter.ToUInt64(buffer[SizeOffset..]);
        return (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xA000 => UnixFileKind.SymbolicLink,
            0x1000 => UnixFileKind.Fifo,
            0xC000 => UnixFileKind.Socket,
            0x2000 or 0x6000 => UnixFileKind.Device,
            _ => UnixFileKind.Unknown,
        };
    }

    /// <summary>A short name for a kind, for skip reasons.</summary>
    public static string Describe(UnixFileKind kind) => kind switch
    {
        UnixFileKind.Fifo => "a FIFO (named pipe)",
        UnixFileKind.Socket => "a socket",
        UnixFileKind.Device => "a device file",
        UnixFileKind.SymbolicLink => "a symbolic link (not followed)",
        UnixFileKind.Directory => "a directory",
        UnixFileKind.Missing => "vanished",
        _ => "not a regular file",
    };

    private static UnixFileKind Fallback(string path, out long size)
    {
        size = 0;
        var info = new FileInfo(path);
        if (info.LinkTarget is not null)
        {
            return UnixFileKind.SymbolicLink;
        }
        if (Directory.Exists(path))
        {
            return UnixFileKind.Directory;
        }
        if (!info.Exists)
        {
            return UnixFileKind.Missing;
        }
        size = info.Length;
        return UnixFileKind.Regular;
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);
}
