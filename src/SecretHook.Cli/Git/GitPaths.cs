using System.Text;

namespace SecretHook.Cli.GitIntegration;

/// <summary>
/// Paths as git prints them in diff headers. With <c>core.quotepath=off</c> a path is printed raw
/// unless it contains a double quote, a backslash or a control character (newline, tab, …); then the
/// whole prefixed name is C-quoted: <c>"b/odd\"name\n"</c>. A raw name that contains a space gets a
/// trailing tab on <c>---</c>/<c>+++</c> lines (GNU patch's convention), which is not part of the name.
/// </summary>
internal static class GitPaths
{
    /// <summary>The prefix we ask git to put before new-side paths (<c>--dst-prefix=b/</c>).</summary>
    public const string NewPrefix = "b/";

    /// <summary>The prefix before old-side paths (<c>--src-prefix=a/</c>).</summary>
    public const string OldPrefix = "a/";

    /// <summary>
    /// A name as printed after <c>rename to </c>, <c>copy to </c> or <c>diff --cc </c>: C-quoted when it
    /// needs to be, raw otherwise, and without a prefix.
    /// </summary>
    public static string? FromBareName(ReadOnlySpan<byte> value) =>
        value.Length > 0 && value[0] == '"'
            ? Unquote(value, out _) is { } name ? Decode(name) : null
            : Decode(value);

    /// <summary>
    /// Decodes a C-quoted name (<c>"…"</c> with <c>\a \b \t \n \v \f \r \\ \"</c> and <c>\ooo</c> octal
    /// escapes); null when it is malformed. <paramref name="rest"/> is what follows the closing quote.
    /// </summary>
    public static byte[]? Unquote(ReadOnlySpan<byte> text, out ReadOnlySpan<byte> rest)
    {
        rest = default;
        if (text.Length < 2 || text[0] != '"')
        {
            return null;
        }
        var output = new List<byte>(text.Length);
        for (int i = 1; i < text.Length; i++)
        {
            byte b = text[i];
            if (b == '"')
            {
                rest = text[(i + 1)..];
                return [.. output];
            }
            if (b != '\\')
            {
                output.Add(b);
                continue;
            }
            if (++i >= text.Length)
            {
                return null;
            }
            byte e = text[i];
            switch (e)
            {
                case (byte)'a': output.Add(7); break;
                case (byte)'b': output.Add(8); break;
                case (byte)'t': output.Add(9); break;
                case (byte)'n': output.Add(10); break;
                case (byte)'v': output.Add(11); break;
                case (byte)'f': output.Add(12); break;
                case (byte)'r': output.Add(13); break;
                case (byte)'\\': output.Add((byte)'\\'); break;
                case (byte)'"': output.Add((byte)'"'); break;
                case >= (byte)'0' and <= (byte)'3':
                    if (i + 2 >= text.Length || !IsOctal(text[i + 1]) || !IsOctal(text[i + 2]))
                    {
                        return null;
                    }
                    output.Add((byte)(((e - '0') << 6) | ((text[i + 1] - '0') << 3) | (text[i + 2] - '0')));
                    i += 2;
                    break;
                default:
                    return null;
            }
        }
        return null;
    }

    /// <summary>
    /// The new-side path of a <c>+++ </c> line's value (after the marker): null for <c>/dev/null</c>
    /// (a deletion) or a value without our <c>b/</c> prefix.
    /// </summary>
    public static string? FromFileLine(ReadOnlySpan<byte> value, string prefix)
    {
        if (value.SequenceEqual("/dev/null"u8))
        {
            return null;
        }
        byte[]? name;
        if (value.Length > 0 && value[0] == '"')
        {
            name = Unquote(value, out _);
        }
        else
        {
            // A raw name never contains a tab (git would have quoted it), so a trailing tab is the
            // marker git adds after names with spaces.
            int tab = value.IndexOf((byte)'\t');
            name = (tab >= 0 ? value[..tab] : value).ToArray();
        }
        return StripPrefix(name, prefix);
    }

    /// <summary>
    /// The new-side path from a <c>diff --git A B</c> header's <c>A B</c> part. Either side may be
    /// quoted; when neither is, a space in the name makes the split ambiguous, so the header is read as
    /// <c>a/P b/P</c> (the same path twice), which holds whenever git prints no rename lines.
    /// </summary>
    public static string? FromDiffGitHeader(ReadOnlySpan<byte> names)
    {
        if (names.Length > 0 && names[0] == '"')
        {
            if (Unquote(names, out var rest) is null || rest.Length < 2 || rest[0] != ' ')
            {
                return null;
            }
            rest = rest[1..];
            return StripPrefix(rest[0] == '"' ? Unquote(rest, out _) : rest.ToArray(), NewPrefix);
        }
        int quoted = names.IndexOf(" \""u8);
        if (quoted >= 0)
        {
            return StripPrefix(Unquote(names[(quoted + 1)..], out _), NewPrefix);
        }
        // "a/P b/P": length is 2 * |P| + 5.
        if ((names.Length - 5) % 2 == 0 && names.Length >= 7)
        {
            int half = (names.Length - 5) / 2;
            var oldName = names.Slice(2, half);
            var newName = names[(half + 5)..];
            if (names.StartsWith("a/"u8) && names.Slice(half + 2, 3).SequenceEqual(" b/"u8) && oldName.SequenceEqual(newName))
            {
                return Decode(newName);
            }
        }
        int b = names.IndexOf(" b/"u8);
        return b >= 0 ? Decode(names[(b + 3)..]) : null;
    }

    /// <summary>A path from git as a string: UTF-8, with invalid bytes replaced.</summary>
    public static string Decode(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static string? StripPrefix(byte[]? name, string prefix)
    {
        if (name is null)
        {
            return null;
        }
        var span = name.AsSpan();
        var p = Encoding.ASCII.GetBytes(prefix);
        return span.StartsWith(p) ? Decode(span[p.Length..]) : Decode(span);
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}
