using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Detection;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// The progress line appears on a terminal during a long scan and is erased at the end, never when
/// standard error is not a terminal or with <c>--quiet</c>; <c>--verbose</c> names every skipped file.
/// </summary>
public sealed class ProgressAndVerboseTests
{
    private sealed class SlowSource : IScanSource
    {
        public void Run(IScanSink sink)
        {
            for (int i = 0; i < 9; i++)
            {
                sink.Content(new Chunk("x = 1\n"u8.ToArray(), $"f{i}.txt"));
                Thread.Sleep(120);
            }
        }
    }

    private static string Run(bool terminal, bool quiet)
    {
        using var dir = new TempDir();
        using var stderr = new StringWriter();
        var env = new CliEnvironment(Stream.Null, Stream.Null, stderr, dir.Path, _ => null, stdoutIsTerminal: false, stderrIsTerminal: terminal);
        var settings = SettingsBuilder.Build(new RawOptions { Quiet = quiet }, InputKind.None, env);
        ScanPipeline.Execute(settings, new SlowSource(), env);
        return stderr.ToString();
    }

    [Fact]
    public void A_progress_line_is_drawn_on_a_terminal_and_erased_at_the_end()
    {
        string shown = Run(terminal: true, quiet: false);
        Assert.Contains("secrethook: ", shown, StringComparison.Ordinal);
        Assert.Contains(" files, ", shown, StringComparison.Ordinal);
        Assert.EndsWith("\r\u001b[K", shown, StringComparison.Ordinal);
        Assert.Equal("", Run(terminal: false, quiet: false));
        Assert.Equal("", Run(terminal: true, quiet: true));
    }

    [Fact]
    public void Verbose_names_ignored_and_binary_files()
    {
        using var dir = new TempDir();
        Support.Git.Init(dir.Path);
        dir.Write(".gitignore", "build/\n*.log\n");
        dir.Write("build/out.js", "x\n");
        dir.Write("debug.log", "x\n");
        dir.WriteBytes("image.png", [0x89, 0x50, 0x4E, 0x47, 0, 0, 0, 0]);
        var plain = CliHarness.Run(dir.Path, ["scan"]);
        Assert.DoesNotContain("image.png", plain.Stderr, StringComparison.Ordinal);
        var verbose = CliHarness.Run(dir.Path, ["scan", "--verbose"]);
        Assert.Contains("skipped image.png: binary", verbose.Stderr, StringComparison.Ordinal);
        Assert.Contains("skipped debug.log: ignored by .gitignore", verbose.Stderr, StringComparison.Ordinal);
        Assert.Contains("skipped build/: ignored by .gitignore", verbose.Stderr, StringComparison.Ordinal);
    }
}
