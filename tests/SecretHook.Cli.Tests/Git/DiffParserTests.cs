using System.Text;
using SecretHook.Cli.GitIntegration;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary>The patch parser on hand-written git output: headers, names, hunks, combined diffs.</summary>
public sealed class DiffParserTests
{
    private sealed class Recorder : IDiffSink
    {
        public List<string> Events { get; } = [];

        public void OnCommit(CommitInfo commit) => Events.Add($"commit {commit.Sha} {commit.Subject} {commit.Author} {commit.Date}");

        public void OnFile(in DiffFile file) =>
            Events.Add($"{file.Kind} [{file.Path}] {string.Join(',', file.LineNumbers)} |{Encoding.UTF8.GetString(file.Added.Span).Replace("\n", "⏎")}|{(file.Truncated ? " truncated" : "")}");
    }

    private static List<string> Parse(string diff, long max = 1 << 20)
    {
        var recorder = new Recorder();
        var parser = new DiffParser(recorder, max);
        var reader = new ByteLineReader(new MemoryStream(Encoding.UTF8.GetBytes(diff)), initialSize: 8);
        while (reader.TryReadLine(out var line))
        {
            parser.Feed(line);
        }
        parser.Finish();
        return recorder.Events;
    }

    [Fact]
    public void Added_lines_carry_new_file_numbers_across_hunks()
    {
        var events = Parse("""
            diff --git a/f.txt b/f.txt
            index 1111111..2222222 100644
            --- a/f.txt
            +++ b/f.txt
            @@ -2 +2 @@
            -old
            +new two
            @@ -10,0 +11,2 @@
            +eleven
            +twelve
            @@ -20 +21,0 @@
            -gone
            """);

        Assert.Equal(["Text [f.txt] 2,11,12 |new two⏎eleven⏎twelve⏎|"], events);
    }

    [Fact]
    public void Content_that_looks_like_headers_stays_content()
    {
        var events = Parse("""
            diff --git a/f b/f
            --- a/f
            +++ b/f
            @@ -1,2 +1,3 @@
            --- a/f
            -diff --git a/x b/x
            +++ b/evil
            +diff --git a/y b/y
            +@@ -1 +1 @@
            """);

        Assert.Equal(["Text [f] 1,2,3 |++ b/evil⏎diff --git a/y b/y⏎@@ -1 +1 @@⏎|"], events);
    }

    [Fact]
    public void Quoted_and_spaced_names_are_decoded()
    {
        var events = Parse(
            "diff --git \"a/new\\nline \\\"q\\\"\" \"b/new\\nline \\\"q\\\"\"\n" +
            "new file mode 100644\n--- /dev/null\n+++ \"b/new\\nline \\\"q\\\"\"\n@@ -0,0 +1 @@\n+x\n" +
            "diff --git a/with space b/with space\n--- a/with space\n+++ b/with space\t\n@@ -1 +1 @@\n-a\n+b\n" +
            "diff --git a/caf\\303\\251 b/caf\\303\\251\n+++ \"b/caf\\303\\251\"\n@@ -0,0 +1 @@\n+c\n");

        Assert.Equal(["Text [new\nline \"q\"] 1 |x⏎|", "Text [with space] 1 |b⏎|", "Text [café] 1 |c⏎|"], events);
    }

    [Fact]
    public void Binary_rename_deletion_mode_and_submodule_sections()
    {
        var events = Parse("""
            diff --git a/img one.png b/img one.png
            new file mode 100644
            index 0000000..1234567
            Binary files /dev/null and b/img one.png differ
            diff --git a/gone.bin b/gone.bin
            deleted file mode 100644
            Binary files a/gone.bin and /dev/null differ
            diff --git a/old name b/new name
            similarity index 100%
            rename from old name
            rename to new name
            diff --git a/moved b/moved2
            similarity index 90%
            rename from moved
            rename to moved2
            --- a/moved
            +++ b/moved2
            @@ -3,0 +4 @@
            +added
            diff --git a/run.sh b/run.sh
            old mode 100644
            new mode 100755
            diff --git a/sub b/sub
            index 1111111111111111111111111111111111111111..2222222222222222222222222222222222222222 160000
            --- a/sub
            +++ b/sub
            @@ -1 +1 @@
            -Subproject commit 1111111111111111111111111111111111111111
            +Subproject commit 2222222222222222222222222222222222222222
            diff --git a/gone.txt b/gone.txt
            deleted file mode 100644
            --- a/gone.txt
            +++ /dev/null
            @@ -1 +0,0 @@
            -secret
            """);

        Assert.Equal([
            "Binary [img one.png]  ||",
            "Text [moved2] 4 |added⏎|",
            "Submodule [sub] 1 |Subproject commit 2222222222222222222222222222222222222222⏎|",
        ], events);
    }

    [Fact]
    public void Combined_diff_keeps_only_lines_new_against_every_parent()
    {
        var events = Parse(
            "\u0001abc\0merge it\0Ann\u00002024-01-02T03:04:05+00:00\n\n" +
            "diff --cc shared.txt\nindex 1,2..3\n--- a/shared.txt\n+++ b/shared.txt\n" +
            "@@@ -1,3 -1,3 +1,5 @@@\n" +
            "  one\n" +
            "+ from parent two\n" +
            " +from parent one\n" +
            "++evil\n" +
            "- dropped from one\n" +
            " -dropped from two\n" +
            "  three\n" +
            "\\ No newline at end of file\n" +
            "\u0001def\0next\0Bob\0\n");

        Assert.Equal([
            "commit abc merge it Ann 2024-01-02T03:04:05+00:00",
            "Text [shared.txt] 4 |evil⏎|",
            "commit def next Bob ",
        ], events);
    }

    [Fact]
    public void Crlf_stays_inside_the_line_and_no_newline_marker_is_ignored()
    {
        var events = Parse("diff --git a/w b/w\n+++ b/w\n@@ -0,0 +1,2 @@\n+a\r\n+b\n\\ No newline at end of file\n");

        Assert.Equal(["Text [w] 1,2 |a\r⏎b⏎|"], events);
    }

    [Fact]
    public void Added_bytes_beyond_the_limit_are_cut_and_flagged()
    {
        var events = Parse("diff --git a/big b/big\n+++ b/big\n@@ -0,0 +1,3 @@\n+0123456789\n+abcdefghij\n+klmnopqrst\n", max: 25);

        Assert.Equal(["Text [big] 1,2 |0123456789⏎abcdefghij⏎| truncated"], events);
    }

    [Theory]
    [InlineData("@@ -1 +x @@")]
    [InlineData("@@ -1")]
    [InlineData("@ -1 +1 @")]
    [InlineData("@@ -1,0 +1,0 @@")]
    public void Malformed_hunk_header_is_an_error(string header)
    {
        var e = Assert.Throws<GitException>(() => Parse($"diff --git a/f b/f\n+++ b/f\n{header}\n+x\n"));
        Assert.Contains("unexpected line", e.Message);
    }

    [Theory]
    [InlineData("https://user:tok_abcdef@huggingface.co/u/r", "tok_abcdef")] // secrethook:allow (a made-up URL credential)
    [InlineData("http://a:b@host", "b")] // secrethook:allow (a made-up URL credential)
    [InlineData("https://huggingface.co/u/r", null)]
    [InlineData("ssh://git@github.com/u/r.git", null)]
    [InlineData("git@hf.co:u/r", null)]
    [InlineData("https://user:@host/x", null)]
    [InlineData("https://host/path@not-userinfo", null)]
    public void Url_credentials(string url, string? secret)
    {
        Assert.Equal(secret, CredentialUrls.TryParse(url)?.Secret);
    }
}
