using System.Buffers;
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
    private const int AtEmptyPath = 0x1000;
    private const int EIntr = 4;
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
        size = (long)BitConverter.ToUInt64(buffer[SizeOffset..]);
        return KindOfMode(BitConverter.ToUInt16(buffer[ModeOffset..]));
    }

    private static UnixFileKind KindOfMode(int mode) =>
        (mode & 0xF000) switch
        {
            0x8000 => UnixFileKind.Regular,
            0x4000 => UnixFileKind.Directory,
            0xA000 => UnixFileKind.SymbolicLink,
            0x1000 => UnixFileKind.Fifo,
            0xC000 => UnixFileKind.Socket,
            0x2000 or 0x6000 => UnixFileKind.Device,
            _ => UnixFileKind.Unknown,
        };

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

    /// <summary>
    /// Reads the regular file <paramref name="path"/> (which <see cref="Stat"/> just reported as
    /// <paramref name="expectedSize"/> bytes) into <paramref name="buffer"/>, renting a larger one from
    /// <see cref="ArrayPool{T}.Shared"/> when needed, and returns how many bytes it holds. At most
    /// <paramref name="maxBytes"/> are kept; <see cref="FileRead.Grew"/> when the file held more.
    /// Opened without following a final symbolic link and without blocking (a FIFO swapped in since
    /// the stat cannot hang the scan). On Linux this is open, pread and close: .NET's
    /// <c>File.OpenHandle</c> + <c>RandomAccess</c> add two <c>fstat</c> and an advisory <c>flock</c>
    /// lock and unlock to every file, more than doubling the system calls of a tree scan.
    /// </summary>
    public static FileRead Read(string path, long expectedSize, long maxBytes, ref byte[] buffer, out int length, out string? error)
    {
        length = 0;
        error = null;
        if (!OperatingSystem.IsLinux() || OpenFlags() is not { } flags)
        {
            return ReadPortable(path, maxBytes, ref buffer, out length, out error);
        }
        var opened = Open(path, flags, out int fd, out error, out _);
        if (opened != FileRead.Read)
        {
            return opened;
        }
        try
        {
            return ReadOpen(fd, expectedSize, maxBytes, ref buffer, out length, out error);
        }
        finally
        {
            _ = CloseFile(fd);
        }
    }

    /// <summary>
    /// Reads <paramref name="path"/>, which its directory listed as a regular file (<see cref="ReadDirectory"/>),
    /// walking the path once: it is opened first, as <see cref="Read"/> opens (no final symbolic link, no
    /// blocking), and its type and size come from the open descriptor. <see cref="FileRead.NotRegular"/>
    /// (with <paramref name="kind"/>) when it is no longer a regular file, <see cref="FileRead.TooLarge"/>
    /// (with <paramref name="size"/>) when it holds more than <paramref name="maxBytes"/>: nothing is
    /// read then. Elsewhere than Linux: <see cref="Stat"/>, then <see cref="Read"/>.
    /// </summary>
    public static FileRead ReadListed(string path, long maxBytes, ref byte[] buffer, out int length, out string? error, out UnixFileKind kind, out long size)
    {
        length = 0;
        error = null;
        if (!OperatingSystem.IsLinux() || OpenFlags() is not { } flags)
        {
            kind = Stat(path, out size);
            return kind != UnixFileKind.Regular ? FileRead.NotRegular
                : size > maxBytes ? FileRead.TooLarge
                : Read(path, size, maxBytes, ref buffer, out length, out error);
        }
        kind = UnixFileKind.Missing;
        size = 0;
        var opened = Open(path, flags, out int fd, out error, out int errno);
        if (opened == FileRead.Failed && errno == 6)
        {
            // ENXIO: a socket swapped in since the listing, which open(2) refuses; say what it is.
            var now = Stat(path, out size);
            if (now != UnixFileKind.Regular)
            {
                kind = now;
                error = null;
                return FileRead.NotRegular;
            }
            return FileRead.Failed;
        }
        if (opened != FileRead.Read)
        {
            return opened;
        }
        try
        {
            Span<byte> stat = stackalloc byte[256];
            // The empty path as a NUL byte of its own: marshalling "" for each file was a string conversion per file.
            if (StatXAt(fd, ref MemoryMarshal.GetReference("\0"u8), AtEmptyPath, StatxType | StatxSize, ref MemoryMarshal.GetReference(stat)) != 0)
            {
                error = Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError());
                return FileRead.Failed;
            }
            kind = KindOfMode(BitConverter.ToUInt16(stat[ModeOffset..]));
            size = (long)BitConverter.ToUInt64(stat[SizeOffset..]);
            return kind != UnixFileKind.Regular ? FileRead.NotRegular
                : size > maxBytes ? FileRead.TooLarge
                : ReadOpen(fd, size, maxBytes, ref buffer, out length, out error);
        }
        finally
        {
            _ = CloseFile(fd);
        }
    }

    /// <summary>Opens <paramref name="path"/> with <paramref name="flags"/>, again after EINTR; a missing file or a final symbolic link is <see cref="FileRead.Vanished"/>.</summary>
    private static FileRead Open(string path, int flags, out int fd, out string? error, out int errno)
    {
        error = null;
        errno = 0;
        while ((fd = OpenFile(path, flags)) < 0 && Marshal.GetLastPInvokeError() == EIntr)
        {
        }
        if (fd >= 0)
        {
            return FileRead.Read;
        }
        errno = Marshal.GetLastPInvokeError();
        switch (errno)
        {
            case 2 or 20: // ENOENT, ENOTDIR: deleted since it was listed
                return FileRead.Vanished;
            case 40: // ELOOP: replaced by a symbolic link, which is never followed
                return FileRead.Vanished;
            default:
                error = Marshal.GetPInvokeErrorMessage(errno);
                return FileRead.Failed;
        }
    }

    /// <summary>
    /// The length a read buffer of <paramref name="current"/> bytes grows to for <paramref name="want"/>:
    /// double, or at least <paramref name="want"/>; past 1 MiB, when the size limit is at most
    /// <see cref="OneLargeBuffer"/>, straight to the limit. A fresh buffer's pages cost a page fault
    /// each when first read into: doubling through every size up to the largest file touches about
    /// twice its size per thread, one buffer for all large files each page once (a kernel-tree scan:
    /// 19.2 k page faults before, 16.6 k after). The array is uninitialised, so untouched pages cost
    /// nothing.
    /// </summary>
    internal static int GrownLength(int current, long want, long maxBytes)
    {
        long length = Math.Max(want, (long)current * 2);
        if (length > 1 << 20 && maxBytes + 1 <= OneLargeBuffer)
        {
            length = Math.Max(want, maxBytes + 1);
        }
        return (int)Math.Min(length, Array.MaxLength);
    }

    /// <summary>The largest size limit for which <see cref="GrownLength"/> goes straight to one buffer of the limit (16 MiB).</summary>
    internal const long OneLargeBuffer = 16L << 20;

    /// <summary>The read loop of <see cref="Read"/> on an open descriptor.</summary>
    private static FileRead ReadOpen(int fd, long expectedSize, long maxBytes, ref byte[] buffer, out int length, out string? error)
    {
        length = 0;
        error = null;
        // Arrays hold at most Array.MaxLength bytes: a larger limit cannot be honoured anyway.
        maxBytes = Math.Min(maxBytes, Array.MaxLength - 1);
        // One byte more than expected shows in the same call whether the file grew.
        long want = Math.Min(Math.Max(expectedSize, 0) + 1, maxBytes + 1);
        while (true)
        {
            if (buffer.Length < want)
            {
                var larger = ArrayPool<byte>.Shared.Rent(GrownLength(buffer.Length, want, maxBytes));
                buffer.AsSpan(0, length).CopyTo(larger);
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = larger;
            }
            nint n = PRead(fd, ref buffer[length], (nuint)Math.Min(want - length, buffer.Length - length), length);
            if (n < 0)
            {
                if (Interrupted(out error))
                {
                    continue;
                }
                return FileRead.Failed;
            }
            length += (int)n;
            if (length > maxBytes)
            {
                length = (int)maxBytes;
                return FileRead.Grew;
            }
            if (n == 0 || (length < want && length >= expectedSize))
            {
                // The end: nothing more, or all the stat promised and less than asked for. A short
                // read before that size (a read is capped at 2 GiB - 4 KiB; network file systems
                // return early after a signal) reads on, until pread returns 0.
                return FileRead.Read;
            }
            if (length == want)
            {
                want = Math.Min((long)length * 2, maxBytes + 1); // it grew since the stat: read on
            }
        }
    }

    /// <summary>After a system call failed: true when a signal interrupted it (call it again), else false with the error's message.</summary>
    private static bool Interrupted(out string? error)
    {
        int errno = Marshal.GetLastPInvokeError();
        error = errno == EIntr ? null : Marshal.GetPInvokeErrorMessage(errno);
        return errno == EIntr;
    }

    /// <summary>Whether <see cref="ReadDirectory"/> works here: Linux on a known architecture, with a C library that has <c>getdents64</c> (glibc 2.30+).</summary>
    public static bool CanReadDirectories => HasGetDents.Value;

    private static readonly Lazy<bool> HasGetDents = new(() =>
        OperatingSystem.IsLinux() && OpenFlags() is not null
        && NativeLibrary.TryLoad("libc.so.6", out nint libc) && NativeLibrary.TryGetExport(libc, "getdents64", out _));

    /// <summary>
    /// Appends the entries of directory <paramref name="path"/> (without <c>.</c> and <c>..</c>) to
    /// <paramref name="entries"/> with their types as the directory records them (getdents64's d_type),
    /// so a tree walk needs no stat per file. With <paramref name="followLink"/> false a directory
    /// replaced by a symbolic link is not entered (<see cref="FileRead.Vanished"/>). Requires
    /// <see cref="CanReadDirectories"/>.
    /// </summary>
    public static FileRead ReadDirectory(string path, bool followLink, List<(string Name, DirectoryEntryType Type)> entries, out string? error)
    {
        error = null;
        const int Directory = 0x10000, DirectoryArm = 0x4000;
        bool arm = RuntimeInformation.ProcessArchitecture is Architecture.Arm64 or Architecture.Arm;
        int flags = (OpenFlags() ?? throw new PlatformNotSupportedException()) | (arm ? DirectoryArm : Directory);
        if (followLink)
        {
            flags &= ~(arm ? 0x8000 : 0x20000);
        }
        int fd;
        while ((fd = OpenFile(path, flags)) < 0 && Marshal.GetLastPInvokeError() == EIntr)
        {
        }
        if (fd < 0)
        {
            // A symbolic link in a directory's place is passed over, as links are; a directory that
            // is gone, or is no longer one, cannot be listed: a failure.
            int errno = Marshal.GetLastPInvokeError();
            // O_NOFOLLOW with O_DIRECTORY on a link fails with ENOTDIR (or ELOOP): which one, lstat says.
            if (!followLink && errno is 20 or 40 && Stat(path, out _) == UnixFileKind.SymbolicLink)
            {
                return FileRead.Vanished;
            }
            error = Marshal.GetPInvokeErrorMessage(errno);
            return FileRead.Failed;
        }
        var buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
        try
        {
            while (true)
            {
                nint n = GetDents64(fd, ref buffer[0], (nuint)buffer.Length);
                if (n < 0)
                {
                    if (Interrupted(out error))
                    {
                        continue;
                    }
                    return FileRead.Failed;
                }
                if (n == 0)
                {
                    return FileRead.Read;
                }
                // struct linux_dirent64: u64 d_ino, s64 d_off, u16 d_reclen, u8 d_type, char d_name[] (NUL-terminated).
                for (int at = 0; at < n;)
                {
                    var entry = buffer.AsSpan(at, MemoryMarshal.Read<ushort>(buffer.AsSpan(at + 16)));
                    at += entry.Length;
                    var name = entry[19..];
                    name = name[..name.IndexOf((byte)0)];
                    if (name.SequenceEqual("."u8) || name.SequenceEqual(".."u8))
                    {
                        continue;
                    }
                    if (System.Text.Unicode.Utf8.IsValid(name) is false)
                    {
                        // No string holds these bytes, so no path built from it would open this
                        // entry: it is reported, not silently missed.
                        entries.Add((System.Text.Encoding.UTF8.GetString(name), DirectoryEntryType.BadName));
                        continue;
                    }
                    entries.Add((System.Text.Encoding.UTF8.GetString(name), entry[18] switch
                    {
                        8 => DirectoryEntryType.Regular,      // DT_REG
                        4 => DirectoryEntryType.Directory,    // DT_DIR
                        10 => DirectoryEntryType.SymbolicLink, // DT_LNK
                        0 => DirectoryEntryType.Unknown,      // DT_UNKNOWN: the file system does not say
                        _ => DirectoryEntryType.Other,        // FIFO, socket, device
                    }));
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            _ = CloseFile(fd);
        }
    }

    /// <summary>open(2) flags: read-only, close-on-exec, no final symlink, no blocking, no controlling terminal; null on an unknown architecture.</summary>
    private static int? OpenFlags()
    {
        const int ReadOnly = 0, NoCtty = 0x100, NonBlock = 0x800, CloseOnExec = 0x80000;
        int? noFollow = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 or Architecture.X86 => 0x20000,
            Architecture.Arm64 or Architecture.Arm => 0x8000,
            _ => null,
        };
        return noFollow is { } nf ? ReadOnly | NoCtty | NonBlock | CloseOnExec | nf : null;
    }

    private static FileRead ReadPortable(string path, long maxBytes, ref byte[] buffer, out int length, out string? error)
    {
        length = 0;
        error = null;
        try
        {
            using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            long actual = RandomAccess.GetLength(handle);
            long want = Math.Min(actual, maxBytes);
            if (buffer.Length < want)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent((int)want);
            }
            while (length < want)
            {
                int n = RandomAccess.Read(handle, buffer.AsSpan(length, (int)want - length), length);
                if (n == 0)
                {
                    break; // the file shrank while we read it
                }
                length += n;
            }
            return actual > maxBytes ? FileRead.Grew : FileRead.Read;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileRead.Vanished;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
            return FileRead.Failed;
        }
    }

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatX(int dirfd, string path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true)]
    private static partial int StatXAt(int dirfd, ref byte path, int flags, uint mask, ref byte buffer);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pread64", SetLastError = true)]
    private static partial nint PRead(int fd, ref byte buffer, nuint count, long offset);

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDents64(int fd, ref byte buffer, nuint count);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int CloseFile(int fd);
}

/// <summary>What a directory entry is, as its directory records it (<see cref="UnixFile.ReadDirectory"/>).</summary>
public enum DirectoryEntryType
{
    /// <summary>The file system does not say: ask <see cref="UnixFile.Stat"/>.</summary>
    Unknown,

    /// <summary>A regular file.</summary>
    Regular,

    /// <summary>A directory.</summary>
    Directory,

    /// <summary>A symbolic link.</summary>
    SymbolicLink,

    /// <summary>A FIFO, a socket or a device.</summary>
    Other,

    /// <summary>Its name is not valid UTF-8: it cannot be opened by a path made of its (replaced) name.</summary>
    BadName,
}

/// <summary>The outcome of <see cref="UnixFile.Read"/>, <see cref="UnixFile.ReadListed"/> and <see cref="UnixFile.ReadDirectory"/>.</summary>
public enum FileRead
{
    /// <summary>The whole file was read.</summary>
    Read,

    /// <summary>It was deleted, or replaced by a symbolic link, since it was listed: nothing to scan.</summary>
    Vanished,

    /// <summary>It holds more than the limit (it grew since it was listed); the first bytes were read.</summary>
    Grew,

    /// <summary>It could not be opened or read; the error says why.</summary>
    Failed,

    /// <summary>It is not a regular file (<see cref="UnixFile.ReadListed"/>): nothing was read.</summary>
    NotRegular,

    /// <summary>It holds more than the limit (<see cref="UnixFile.ReadListed"/>): nothing was read.</summary>
    TooLarge,
}
