using System.Text;
using CsCheck;
using SecretHook.Cli.GitIntegration;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Tests.Fuzz;

/// <summary>
/// The diff parser on generated git output. Well-formed <c>-U0</c> diffs are built from random old
/// and new file contents (an LCS edit script, grouped into hunks the way git prints them, with
/// content lines that look like headers, commit markers and "\ No newline" lines): the parser must
/// report exactly the inserted lines at their new-file line numbers. Random and mutated output may
/// only ever raise <see cref="GitException"/>. <see cref="AddedLines"/> (the blob path for files git
/// calls binary) is checked against multiset arithmetic and against the text diff.
/// </summary>
public sealed class DiffParserFuzzTests
{
    private static readonly string[] Tricky =
    [
        "", " ", "+", "-", "+++ b/x", "--- a/x", "diff --git a/x b/x", "@@ -1 +1 @@", "@@@ -1 -1 +1 @@@",
        "\\ No newline at end of file", "\u0001" + new string('a', 40) + "\0s\0n\0d", "index 0000..1111 100644",
        "Binary files a/x and b/x differ", "rename to y", "deleted file mode 100644", "new file mode 160000",
        "\r", "a\r", "token = hf_x", "é€\t", "Subproject commit " + new string('b', 40),
    ];

    private static readonly Gen<string> Line = Gen.Frequency(
        (3, Gen.Int[0, Tricky.Length - 1].Select(i => Tricky[i])),
        (3, Gen.String[Gen.Char["abc"], 0, 3]),
        (2, Gen.String[Gen.Char[' ', '~'], 0, 30]),
        (1, Gen.String[Gen.Char["é€\r\t\u0001\u007f+-@ \\"], 0, 6]));

    private static readonly Gen<List<string>> Lines = Line.List[0, 14];

    /// <summary>One file: old and new contents (the new one a random edit of the old), and its name.</summary>
    private sealed record FileCase(string Path, List<string> Old, List<string> New, bool IsNew, bool NoNewline);

    private static readonly string[] Names = ["f.txt", "dir/a b.txt", "x/y/z.cfg", "naïve.md", "--- a", "b/c d"];

    private static readonly Gen<FileCase> File =
        from name in Gen.Int[0, Names.Length - 1]
        from old in Lines
        from edits in Gen.Select(Gen.Int[0, 3], Gen.Int[0, 100], Line).Array[0, 8]
        from isNew in Gen.Int[0, 5]
        from noNewline in Gen.Bool
        select Edit(Names[name], isNew == 0 ? [] : old, edits, isNew == 0, noNewline);

    private static FileCase Edit(string path, List<string> old, (int Kind, int At, string Line)[] edits, bool isNew, bool noNewline)
    {
        var fresh = new List<string>(old);
        foreach (var (kind, at, line) in edits)
        {
            int i = fresh.Count == 0 ? 0 : at % (fresh.Count + 1);
            switch (kind)
            {
                case 0 when i < fresh.Count:
                    fresh.RemoveAt(i);
                    break;
                case 1 when i < fresh.Count:
                    fresh[i] = line;
                    break;
                default:
                    fresh.Insert(i, line);
                    break;
            }
        }
        return new FileCase(path, old, fresh, isNew, noNewline);
    }

    private static readonly Gen<(FileCase[] Files, int Commit)> Diff =
        from files in File.Array[1, 4]
        from commit in Gen.Int[0, 2]
        select (files, commit);

    /// <summary>The edit script of an LCS: for each step, 0 equal, 1 delete (old line), 2 insert (new line).</summary>
    private static List<(int Op, string Text)> Script(List<string> a, List<string> b)
    {
        var lcs = new int[a.Count + 1, b.Count + 1];
        for (int i = a.Count - 1; i >= 0; i--)
        {
            for (int j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }
        var ops = new List<(int, string)>();
        int x = 0, y = 0;
        while (x < a.Count || y < b.Count)
        {
            if (x < a.Count && y < b.Count && a[x] == b[y])
            {
                ops.Add((0, a[x++]));
                y++;
            }
            else if (y < b.Count && (x == a.Count || lcs[x, y + 1] >= lcs[x + 1, y]))
            {
                ops.Add((2, b[y++]));
            }
            else
            {
                ops.Add((1, a[x++]));
            }
        }
        return ops;
    }

    private static string Range(int consumed, int count) =>
        count == 1 ? $"{consumed + 1}" : count == 0 ? $"{consumed},0" : $"{consumed + 1},{count}";

    /// <summary>git's output for the files, and the added lines (path → text, numbers) it holds.</summary>
    private static (byte[] Output, List<string> Expected) Render((FileCase[] Files, int Commit) diff)
    {
        var output = new StringBuilder();
        var expected = new List<string>();
        if (diff.Commit > 0)
        {
            output.Append('\u0001').Append(new string('c', 40)).Append("\0subject\0me\02024-01-01T00:00:00Z\n\n");
        }
        foreach (var file in diff.Files)
        {
            var ops = Script(file.Old, file.New);
            if (ops.All(o => o.Op == 0))
            {
                continue; // git prints nothing for an unchanged file
            }
            output.Append($"diff --git a/{file.Path} b/{file.Path}\n");
            output.Append(file.IsNew
                ? $"new file mode 100644\nindex {new string('0', 40)}..{new string('1', 40)}\n--- /dev/null\n"
                : $"index {new string('2', 40)}..{new string('3', 40)} 100644\n--- a/{file.Path}\n");
            output.Append($"+++ b/{file.Path}\n");
            var added = new List<(int Line, string Text)>();
            int oldDone = 0, newDone = 0;
            for (int k = 0; k < ops.Count;)
            {
                if (ops[k].Op == 0)
                {
                    oldDone++;
                    newDone++;
                    k++;
                    continue;
                }
                int end = k;
                while (end < ops.Count && ops[end].Op != 0)
                {
                    end++;
                }
                var deleted = ops.Skip(k).Take(end - k).Where(o => o.Op == 1).Select(o => o.Text).ToList();
                var inserted = ops.Skip(k).Take(end - k).Where(o => o.Op == 2).Select(o => o.Text).ToList();
                output.Append($"@@ -{Range(oldDone, deleted.Count)} +{Range(newDone, inserted.Count)} @@ optional context\n");
                foreach (var d in deleted)
                {
                    output.Append('-').Append(d).Append('\n');
                }
                if (file.NoNewline && end == ops.Count && deleted.Count > 0 && inserted.Count == 0)
                {
                    output.Append("\\ No newline at end of file\n");
                }
                for (int i = 0; i < inserted.Count; i++)
                {
                    added.Add((newDone + i + 1, inserted[i]));
                    output.Append('+').Append(inserted[i]).Append('\n');
                }
                if (file.NoNewline && end == ops.Count && inserted.Count > 0)
                {
                    output.Append("\\ No newline at end of file\n");
                }
                oldDone += deleted.Count;
                newDone += inserted.Count;
                k = end;
            }
            if (added.Count > 0)
            {
                expected.Add($"{file.Path} {string.Join(',', added.Select(a => a.Line))} |{string.Concat(added.Select(a => a.Text + "\n"))}|");
            }
        }
        return (Encoding.UTF8.GetBytes(output.ToString()), expected);
    }

    private sealed class Recorder : IDiffSink
    {
        public List<string> Files { get; } = [];

        public void OnCommit(CommitInfo commit)
        {
        }

        public void OnFile(in DiffFile file)
        {
            Assert.Equal(DiffFileKind.Text, file.Kind);
            Assert.False(file.Truncated);
            Files.Add($"{file.Path} {string.Join(',', file.LineNumbers)} |{Encoding.UTF8.GetString(file.Added.Span)}|");
        }
    }

    private static List<string> Parse(byte[] output, int maxLine = int.MaxValue - 1, long maxAdded = 1 << 20, IDiffSink? sink = null)
    {
        var recorder = new Recorder();
        var parser = new DiffParser(sink ?? recorder, maxAdded);
        var reader = new ByteLineReader(new MemoryStream(output), maxLine, initialSize: 16);
        while (reader.TryReadLine(out var line))
        {
            parser.Feed(line, reader.LineTooLong);
        }
        parser.Finish();
        return recorder.Files;
    }

    [Fact]
    public void Well_formed_diffs_lose_no_added_line() =>
        FuzzBudget.Check(Diff, diff =>
        {
            var (output, expected) = Render(diff);
            Assert.Equal(expected, Parse(output));
        }, iterations: 1500, print: d => Encoding.UTF8.GetString(Render(d).Output));

    private sealed class NullSink : IDiffSink
    {
        public void OnCommit(CommitInfo commit)
        {
        }

        public void OnFile(in DiffFile file)
        {
            // Touch everything the sink is handed.
            _ = file.Added.Span.IndexOf((byte)0);
            _ = file.LineNumbers.Count;
        }
    }

    private static void OnlyGitExceptions(byte[] output, int maxLine)
    {
        try
        {
            Parse(output, maxLine, maxAdded: 64, sink: new NullSink());
        }
        catch (GitException)
        {
        }
    }

    [Fact]
    public void Mutated_diffs_raise_nothing_but_GitException()
    {
        var gen = from diff in Diff
                  from edits in Gen.Select(Gen.Int[0, 4], Gen.Int[0, int.MaxValue], Gen.Byte).Array[1, 6]
                  from maxLine in Gen.Int[1, 200]
                  select (diff, edits, maxLine);
        FuzzBudget.Check(gen, c =>
        {
            var bytes = new List<byte>(Render(c.diff).Output);
            foreach (var (kind, at, value) in c.edits)
            {
                if (bytes.Count == 0)
                {
                    break;
                }
                int i = at % bytes.Count;
                switch (kind)
                {
                    case 0:
                        bytes[i] = value;
                        break;
                    case 1:
                        bytes.RemoveRange(i, Math.Min(bytes.Count - i, 1 + value % 40));
                        break;
                    case 2:
                        bytes.InsertRange(i, bytes.GetRange(i, Math.Min(bytes.Count - i, 1 + value % 60)));
                        break;
                    case 3:
                        bytes.InsertRange(i, Encoding.UTF8.GetBytes(Tricky[value % Tricky.Length] + "\n"));
                        break;
                    default:
                        bytes.RemoveRange(i, bytes.Count - i);
                        break;
                }
            }
            OnlyGitExceptions([.. bytes], c.maxLine);
        }, iterations: 2000);
    }

    [Fact]
    public void Random_line_soup_raises_nothing_but_GitException()
    {
        var headers = new[]
        {
            "diff --git a/f b/f", "diff --cc f", "diff --combined f", "@@ -1,2 +1,3 @@", "@@@ -1,2 -1 +1,3 @@@",
            "@@ -0,0 +1 @@", "@@ -1 +0,0 @@", "@@ -2147483647,2147483647 +2147483647,2147483647 @@", "@@ -1,-5 +1,-5 @@",
            "@" + new string('@', 80) + " -1 +1 @@", "--- a/f", "+++ b/f", "+++ /dev/null", "index 0..1", "index a,b..c 100644",
            "Binary files a/f and b/f differ", "new file mode 160000", "rename to \"q\\t\\303\"", "copy to x",
            "\u0001", "\u0001a\0b", "+x", "-y", " z", "++", "--", "  ", "\\", "",
        };
        var gen = from lines in Gen.Frequency(
                      (4, Gen.Int[0, headers.Length - 1].Select(i => headers[i])),
                      (1, Gen.String)).Array[0, 40]
                  from maxLine in Gen.Int[1, 100]
                  select (lines, maxLine);
        FuzzBudget.Check(gen, c => OnlyGitExceptions(Encoding.UTF8.GetBytes(string.Join('\n', c.lines)), c.maxLine), iterations: 3000);
    }

    private static Dictionary<string, int> Counts(IEnumerable<string> lines)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var l in lines)
        {
            counts[l] = counts.GetValueOrDefault(l) + 1;
        }
        return counts;
    }

    [Fact]
    public void Added_lines_of_blobs_are_the_multiset_difference_and_a_subset_of_the_text_diff()
    {
        var gen = from a in Lines
                  from b in Lines
                  from c in Lines
                  select (a, b, c);
        FuzzBudget.Check(gen, t =>
        {
            var (fresh, old, other) = t;
            var bytes = Encoding.UTF8.GetBytes(string.Concat(fresh.Select(l => l + "\n")));
            var result = AddedLines.Compute(bytes, [Encoding.UTF8.GetBytes(string.Concat(old.Select(l => l + "\n")))]);
            var added = Encoding.UTF8.GetString(result.Text).Split('\n')[..^1];

            // Multiset: new minus old, each at a line of the new file that holds it, in order.
            var expected = Counts(fresh);
            foreach (var (line, n) in Counts(old))
            {
                if (expected.ContainsKey(line))
                {
                    expected[line] = Math.Max(0, expected[line] - n);
                }
            }
            Assert.Equal(expected.Where(e => e.Value > 0).OrderBy(e => e.Key, StringComparer.Ordinal),
                Counts(added).OrderBy(e => e.Key, StringComparer.Ordinal));
            Assert.Equal(added.Length, result.LineNumbers.Count);
            for (int i = 0; i < added.Length; i++)
            {
                Assert.Equal(fresh[result.LineNumbers[i] - 1], added[i]);
                Assert.True(i == 0 || result.LineNumbers[i] > result.LineNumbers[i - 1]);
            }

            // Every line the blob path reports, a text diff reports too.
            var inserted = Counts(Script(old, fresh).Where(o => o.Op == 2).Select(o => o.Text));
            Assert.All(Counts(added), e => Assert.True(inserted.GetValueOrDefault(e.Key) >= e.Value, $"'{e.Key}' not inserted by the diff"));

            // Against two parents: only lines added against each one.
            var two = AddedLines.Compute(bytes, [Encoding.UTF8.GetBytes(string.Concat(old.Select(l => l + "\n"))),
                Encoding.UTF8.GetBytes(string.Concat(other.Select(l => l + "\n")))]);
            var againstOther = AddedLines.Compute(bytes, [Encoding.UTF8.GetBytes(string.Concat(other.Select(l => l + "\n")))]);
            Assert.Equal(result.LineNumbers.Intersect(againstOther.LineNumbers), two.LineNumbers);
        }, iterations: 1500);
    }
}
