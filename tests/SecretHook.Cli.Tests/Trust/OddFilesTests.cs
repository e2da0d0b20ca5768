using System.Text;
using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Trust;

/// <summary>
/// Issue 9's odd files and faults: a FIFO never hangs a scan, a byte-order mark cannot hide a token,
/// Linux-legal names (backslashes, newlines, escape sequences) are scanned and shown escaped, limits
/// fail closed, and an output path never replaces what is not a regular file.
/// </summary>
public sealed class OddFilesTests
{
    private static readonly string Token = TestSecrets.HuggingFace(1501);

    private static CliResult RunWithin(TimeSpan limit, string cwd, string[] args, string? stdin = null)
    {
        var task = Task.Run(() => CliHarness.Run(cwd, args, stdin));
        Assert.True(task.Wait(limit), $"secrethook {string.Join(' ', args)} did not finish within {limit}");
        return task.Result;
    }

    private static void MkFifo(string path)
    {
        var r = ProcessRunner.Run("mkfifo", [path], Path.GetDirectoryName(path)!);
        Assert.True(r is { ExitCode: 0 }, "mkfifo failed");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_fifo_in_the_tree_is_skipped_and_named_never_opened(bool inGit)
    {
        using var dir = new TempDir();
        if (inGit)
        {
            Support.Git.Init(dir.Path);
        }
        dir.Write("app.py", $"t = \"{Token}\"\n");
        MkFifo(Path.Combine(dir.Path, "pipe"));
        string[] args = inGit ? ["scan", "--no-ignore", "-f", "json"] : ["scan", "-f", "json"];
        var r = RunWithin(TimeSpan.FromSeconds(60), dir.Path, args);
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("skipped pipe: a FIFO (named pipe)", r.Stderr, StringComparison.Ordinal);
        Assert.Single(JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void A_utf16_byte_order_mark_cannot_hide_an_ascii_token()
    {
        using var dir = new TempDir();
        dir.WriteBytes("bom.txt", [0xFF, 0xFE, .. Encoding.ASCII.GetBytes($"HF_TOKEN={Token}\n")]);
        dir.WriteBytes("real-utf16.txt", [0xFF, 0xFE, .. Encoding.Unicode.GetBytes($"HF_TOKEN={TestSecrets.HuggingFace(1502)}\n")]);
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, r.ExitCode);
        var files = JsonDocument.Parse(r.Stdout).RootElement.GetProperty("findings").EnumerateArray().Select(f => f.GetProperty("file").GetString()).ToList();
        Assert.Equal(["bom.txt", "real-utf16.txt"], files);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_file_whose_name_is_not_utf8_fails_the_scan_naming_it(bool inGit)
    {
        // Linux allows any bytes in a name; no .NET string holds 0xFF, so no path made of the name
        // would open the file. It must not be missed silently (exit 0 with the token unread).
        using var dir = new TempDir();
        if (inGit)
        {
            Support.Git.Init(dir.Path);
        }
        dir.Write("ok.txt", "nothing here\n");
        var made = ProcessRunner.Run("sh", ["-c", $"printf 't={Token}\\n' > \"$(printf 'bad\\377.txt')\""], dir.Path);
        Assert.True(made is { ExitCode: 0 }, "could not create the file");
        var r = CliHarness.Run(dir.Path, inGit ? ["scan", "-f", "json"] : ["scan", "--no-ignore", "-f", "json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("bad\ufffd.txt: the name is not valid UTF-8", r.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Names_with_backslashes_newlines_and_escapes_are_scanned_and_shown_escaped()
    {
        using var dir = new TempDir();
        dir.Write("a\\b.txt", $"t={Token}\n");
        dir.Write("new\nline\u001b[31m.txt", $"t={TestSecrets.HuggingFace(1503)}\n");
        dir.Write("system-systemd\\x2dcryptsetup.slice", "nothing\n");
        var json = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, json.ExitCode);
        var fps = JsonDocument.Parse(json.Stdout).RootElement.GetProperty("findings").EnumerateArray()
            .Select(f => f.GetProperty("fingerprint").GetString()!).ToList();
        Assert.Contains(fps, fp => fp.StartsWith("a\\b.txt:", StringComparison.Ordinal));
        Assert.Equal(2, fps.Count);
        var text = CliHarness.Run(dir.Path, ["scan"]);
        Assert.DoesNotContain('\u001b', text.Stdout + text.Stderr);
        Assert.Contains("new\\nline\\x1b[31m.txt", text.Stdout, StringComparison.Ordinal);
        // An ignore entry for the backslash name matches it exactly.
        dir.Write(".secrethookignore", fps.Single(fp => fp.StartsWith("a\\b.txt:", StringComparison.Ordinal)) + "\n");
        var left = CliHarness.Run(dir.Path, ["scan", "-f", "json"]);
        Assert.Equal(1, left.ExitCode);
        Assert.Single(JsonDocument.Parse(left.Stdout).RootElement.GetProperty("findings").EnumerateArray());
    }

    [Fact]
    public void Standard_input_over_the_size_limit_fails_closed()
    {
        using var dir = new TempDir();
        string big = new string('x', 5000) + $"\nt={Token}\n";
        var r = CliHarness.Run(dir.Path, ["scan", "-", "--max-file-size", "1K"], big);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--max-file-size", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "-"], big).ExitCode);
    }

    [Fact]
    public void A_staged_file_over_the_limit_fails_closed_naming_it_and_the_flag()
    {
        using var repo = new GitTestRepo();
        repo.Write("big.txt", new string('x', 3000) + $"\nt={Token}\n");
        repo.Git("add", "big.txt");
        var r = repo.Secrethook(["staged", "--max-file-size", "1K"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("big.txt", r.Stderr, StringComparison.Ordinal);
        Assert.Contains("--max-file-size", r.Stderr, StringComparison.Ordinal);
        Assert.Equal(1, repo.Secrethook(["staged"]).ExitCode);
    }

    [Fact]
    public void Output_never_replaces_a_device_or_follows_a_symlink()
    {
        using var dir = new TempDir();
        dir.Write("app.py", $"t = \"{Token}\"\n");
        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "-f", "json", "-o", "/dev/null"]).ExitCode);
        Assert.Equal(UnixFileKind.Device, UnixFile.KindOf("/dev/null"));

        string target = dir.Write("precious.txt", "keep me\n");
        File.CreateSymbolicLink(Path.Combine(dir.Path, "report.json"), target);
        var r = CliHarness.Run(dir.Path, ["scan", "-f", "json", "-o", "report.json"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("symbolic link", r.Stderr, StringComparison.Ordinal);
        Assert.Equal("keep me\n", File.ReadAllText(target));
        Assert.Equal(UnixFileKind.SymbolicLink, UnixFile.KindOf(Path.Combine(dir.Path, "report.json")));

        Assert.Equal(1, CliHarness.Run(dir.Path, ["scan", "-f", "json", "-o", "out.json"]).ExitCode);
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
        Assert.Contains("findings", File.ReadAllText(Path.Combine(dir.Path, "out.json")), StringComparison.Ordinal);
    }
}
