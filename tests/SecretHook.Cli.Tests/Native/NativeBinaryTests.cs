using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Native;

/// <summary>
/// Publishes the real native-AOT executable exactly as the README says and runs it: the binary exists
/// at DIR/secrethook, finds a token, exits 2 on bad usage, and scans this repository clean.
/// </summary>
[Collection(DotnetBuildCollection.Name)]
public sealed class NativeBinaryTests(NativeBinaryTests.Published published) : IClassFixture<NativeBinaryTests.Published>
{
    /// <summary>Publishes once for the class.</summary>
    public sealed class Published : IDisposable
    {
        private readonly TempDir _dir = new();

        public Published()
        {
            var result = ProcessRunner.Run("dotnet",
                ["publish", "src/SecretHook.Cli", "-c", "Release", "-o", _dir.Path, "-nologo", "-p:TreatWarningsAsErrors=true"],
                RepositoryRoot.Path)!;
            PublishOutput = result.StdoutText + result.Stderr;
            ExitCode = result.ExitCode;
            Binary = Path.Combine(_dir.Path, "secrethook");
        }

        public int ExitCode { get; }
        public string PublishOutput { get; }
        public string Binary { get; }

        public void Dispose() => _dir.Dispose();
    }

    private ProcessResult Run(string cwd, params string[] args)
    {
        Assert.True(published.ExitCode == 0, published.PublishOutput);
        return ProcessRunner.Run(published.Binary, args, cwd)!;
    }

    [Fact]
    public void Publish_produces_a_native_executable_without_warnings()
    {
        Assert.True(published.ExitCode == 0, published.PublishOutput);
        Assert.True(File.Exists(published.Binary), "no secrethook executable in the publish folder");
        Assert.DoesNotContain("warning IL", published.PublishOutput, StringComparison.Ordinal);
        // A native executable is ELF, not a managed assembly needing `dotnet`.
        var head = new byte[4];
        using (var f = File.OpenRead(published.Binary))
        {
            f.ReadExactly(head);
        }
        Assert.Equal("\u007fELF"u8.ToArray(), head);
        Assert.False(File.Exists(Path.ChangeExtension(published.Binary, ".dll")));
    }

    [Fact]
    public void Native_binary_finds_a_token_and_reports_json()
    {
        using var dir = new TempDir();
        dir.Write("notebook.ipynb", $"{{\"cells\": [{{\"source\": [\"login(token=\\\"{TestSecrets.HuggingFace(3)}\\\")\\n\"]}}]}}\n");
        var r = Run(dir.Path, "scan", ".", "--format", "json");
        Assert.Equal(1, r.ExitCode);
        var f = JsonDocument.Parse(r.StdoutText).RootElement.GetProperty("findings")[0];
        Assert.Equal("huggingface-user-token", f.GetProperty("ruleId").GetString());
        Assert.Equal("notebook.ipynb", f.GetProperty("file").GetString());
    }

    [Fact]
    public void Native_binary_exits_2_on_bad_usage_without_a_stack_trace()
    {
        var r = Run(Path.GetTempPath(), "scan", "--nope");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.StdoutText);
        Assert.DoesNotContain("   at ", r.Stderr, StringComparison.Ordinal);
        Assert.Single(r.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Native_binary_lists_rules_and_version()
    {
        Assert.Equal(0, Run(Path.GetTempPath(), "--version").ExitCode);
        var rules = Run(Path.GetTempPath(), "rules");
        Assert.Equal(0, rules.ExitCode);
        Assert.Contains("huggingface-user-token", rules.StdoutText, StringComparison.Ordinal);
    }

    [Fact]
    public void The_project_scans_itself_clean()
    {
        var r = Run(RepositoryRoot.Path, "scan", ".", "--format", "json");
        Assert.True(r.ExitCode == 0, r.StdoutText + r.Stderr);
    }
}
