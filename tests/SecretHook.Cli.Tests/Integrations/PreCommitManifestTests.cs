using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.GitIntegration;
using YamlDotNet.RepresentationModel;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// <c>.pre-commit-hooks.yaml</c> as the installed (Debian) pre-commit validates it, and the shape the
/// hooks rely on: no <c>stages</c> (Debian's 3.0.4 rejects <c>pre-commit</c>/<c>pre-push</c>, 4.x
/// warns on <c>commit</c>/<c>push</c>), a <c>language: system</c> twin for each <c>language: dotnet</c>
/// hook with the same entry, file names passed to the commit hooks and not to the push hooks.
/// </summary>
public sealed class PreCommitManifestTests
{
    private static readonly string Manifest = Path.Combine(GitTestRepo.RepositoryRoot(), ".pre-commit-hooks.yaml");

    private static List<Dictionary<string, string>> Hooks()
    {
        var stream = new YamlStream();
        using (var reader = new StreamReader(Manifest))
        {
            stream.Load(reader);
        }
        var hooks = new List<Dictionary<string, string>>();
        foreach (var node in (YamlSequenceNode)stream.Documents[0].RootNode)
        {
            var map = (YamlMappingNode)node;
            hooks.Add(map.Children.ToDictionary(kv => ((YamlScalarNode)kv.Key).Value!, kv => kv.Value is YamlScalarNode s ? s.Value! : kv.Value.ToString()));
        }
        return hooks;
    }

    /// <summary>The installed pre-commit's version line; fails the test, saying how to install it, when it is missing.</summary>
    private static string InstalledVersion(string directory)
    {
        var version = ProcessRunner.Run("pre-commit", ["--version"], directory);
        if (version is not { ExitCode: 0 })
        {
            Assert.Fail("the 'pre-commit' program is missing: run tests/setup.sh (Debian package pre-commit)");
        }
        return version.StdoutText.Trim();
    }

    [Fact]
    public void The_installed_pre_commit_accepts_the_manifest()
    {
        InstalledVersion(Path.GetTempPath());

        var result = ProcessRunner.Run("pre-commit", ["validate-manifest", Manifest], Path.GetTempPath())!;

        Assert.True(result.ExitCode == 0, result.StdoutText + result.Stderr);
    }

    [Fact]
    public void The_installed_pre_commit_would_reject_the_new_stage_names_so_the_manifest_names_none()
    {
        using var temp = new Support.TempDir();
        string probe = temp.Write("probe.yaml", "- id: probe\n  name: probe\n  entry: probe\n  language: system\n  stages: [pre-commit]\n");
        string version = InstalledVersion(temp.Path);
        var result = ProcessRunner.Run("pre-commit", ["validate-manifest", probe], temp.Path)!;
        bool newNamesKnown = result.ExitCode == 0;

        // Either way the manifest must work: it names no stage, so nothing is rejected and nothing is deprecated.
        Assert.All(Hooks(), h => Assert.False(h.ContainsKey("stages"), $"{h["id"]} has stages"));
        if (version.StartsWith("pre-commit 3.0.", StringComparison.Ordinal))
        {
            Assert.False(newNamesKnown, $"{version} unexpectedly accepts 'pre-commit' as a stage");
        }
    }

    [Fact]
    public void Each_dotnet_hook_has_a_system_twin_with_the_same_entry()
    {
        var hooks = Hooks();
        var dotnet = hooks.Where(h => h["language"] == "dotnet").ToList();

        Assert.Equal(["secrethook", "secrethook-pre-push"], dotnet.Select(h => h["id"]));
        foreach (var hook in dotnet)
        {
            var twin = Assert.Single(hooks, h => h["id"] == hook["id"] + "-system");
            Assert.Equal("system", twin["language"]);
            Assert.Equal(hook["entry"], twin["entry"]);
            Assert.Equal(hook["pass_filenames"], twin["pass_filenames"]);
        }
        Assert.Equal(4, hooks.Count);
    }

    [Theory]
    [InlineData("secrethook", "secrethook pre-commit-files --stage commit", "true")]
    [InlineData("secrethook-system", "secrethook pre-commit-files --stage commit", "true")]
    [InlineData("secrethook-pre-push", "secrethook pre-commit-files --stage push", "false")]
    [InlineData("secrethook-pre-push-system", "secrethook pre-commit-files --stage push", "false")]
    public void Entries_and_file_passing(string id, string entry, string passFilenames)
    {
        var hook = Assert.Single(Hooks(), h => h["id"] == id);

        Assert.Equal(entry, hook["entry"]);
        Assert.Equal(passFilenames, hook["pass_filenames"]);
        Assert.Equal("true", hook["require_serial"]);
    }
}
