using System.Runtime.Versioning;
using System.Text.Json;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.GitIntegration;
using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// The GitHub Action's shell logic (<c>.github/action/run.sh</c>, which <c>action.yml</c> runs) run
/// here the way the runner would: simulated <c>GITHUB_*</c> variables and an event payload file, a
/// real git repository with a seeded Hugging Face token committed, and the secrethook apphost built
/// next to the tests as the binary. Checks the SARIF report (and that the SARIF Multitool's GitHub
/// and SARIF rules find no error in it), the step outputs and the exit codes.
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ActionTests
{
    private static readonly string Token = TestSecrets.HuggingFace(81);

    private static readonly string Script = Path.Combine(GitTestRepo.RepositoryRoot(), ".github", "action", "run.sh");

    private sealed record StepResult(int ExitCode, string Log, Dictionary<string, string> Outputs, string Summary);

    /// <summary>A repository with a clean base commit and a second commit that adds the token on line 2 of config/settings.py.</summary>
    private static (GitTestRepo Repo, string Base, string Head) LeakyRepo(bool leak = true)
    {
        var repo = new GitTestRepo();
        repo.Write("README.md", "project\n");
        string baseSha = repo.CommitAll("base");
        repo.Write("config/settings.py", leak ? $"DEBUG = False\nHF_TOKEN = \"{Token}\"\n" : "DEBUG = False\nHF_TOKEN = os.environ[\"HF_TOKEN\"]\n");
        string head = repo.CommitAll("settings");
        return (repo, baseSha, head);
    }

    private static StepResult RunStep(GitTestRepo repo, string step, string eventName, object payload, Dictionary<string, string>? inputs = null)
    {
        string runner = Path.Combine(repo.Scratch, "runner");
        Directory.CreateDirectory(runner);
        string eventPath = Path.Combine(runner, "event.json");
        File.WriteAllText(eventPath, JsonSerializer.Serialize(payload, JsonSerializerOptions.Default));
        string outputFile = Path.Combine(runner, "output");
        string summaryFile = Path.Combine(runner, "summary.md");
        File.WriteAllText(outputFile, "");
        var env = GitTestRepo.GitEnvironment(new Dictionary<string, string>
        {
            ["CI"] = "true",
            ["GITHUB_ACTIONS"] = "true",
            ["GITHUB_EVENT_NAME"] = eventName,
            ["GITHUB_EVENT_PATH"] = eventPath,
            ["GITHUB_SHA"] = repo.Git("rev-parse", "HEAD").Trim(),
            ["GITHUB_REF"] = "refs/heads/main",
            ["GITHUB_WORKSPACE"] = repo.Root,
            ["GITHUB_OUTPUT"] = outputFile,
            ["GITHUB_STEP_SUMMARY"] = summaryFile,
            ["RUNNER_TEMP"] = runner,
            ["SECRETHOOK_BIN"] = GitTestRepo.Executable,
        });
        foreach (var (k, v) in inputs ?? [])
        {
            env[k] = v;
        }
        var result = ProcessRunner.Run("bash", [Script, step], repo.Root, null, env) ?? throw new InvalidOperationException("bash is not installed");
        var outputs = new Dictionary<string, string>();
        foreach (var line in File.ReadAllLines(outputFile))
        {
            int eq = line.IndexOf('=', StringComparison.Ordinal);
            outputs[line[..eq]] = line[(eq + 1)..];
        }
        return new StepResult(result.ExitCode, result.StdoutText + result.Stderr, outputs, File.Exists(summaryFile) ? File.ReadAllText(summaryFile) : "");
    }

    private static object PushEvent(string before, string after) => new { @ref = "refs/heads/main", before, after };

    private static JsonElement Results(string sarifPath)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(sarifPath));
        Assert.Equal("2.1.0", doc.RootElement.GetProperty("version").GetString());
        return doc.RootElement.GetProperty("runs")[0].GetProperty("results").Clone();
    }

    [Fact]
    public void Push_with_a_committed_token_writes_sarif_sets_outputs_and_fails_the_step()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;

        var step = RunStep(repo, "scan", "push", PushEvent(baseSha, head));

        Assert.True(step.ExitCode == 1, step.Log);
        string sarif = Path.Combine(repo.Root, "secrethook.sarif");
        Assert.Equal(sarif, step.Outputs["sarif-file"]);
        Assert.Equal("1", step.Outputs["exit-code"]);
        Assert.Contains("::error title=secrethook::secrets found", step.Log);
        Assert.Contains("secrets found", step.Summary);
        var result = Assert.Single(Results(sarif).EnumerateArray());
        Assert.Equal("huggingface-user-token", result.GetProperty("ruleId").GetString());
        var location = result.GetProperty("locations")[0].GetProperty("physicalLocation");
        Assert.Equal("config/settings.py", location.GetProperty("artifactLocation").GetProperty("uri").GetString());
        Assert.Equal(2, location.GetProperty("region").GetProperty("startLine").GetInt32());
        Assert.DoesNotContain(Token, File.ReadAllText(sarif) + step.Log);
    }

    [Fact]
    public void The_sarif_report_passes_the_sarif_multitool_github_rules()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;
        var step = RunStep(repo, "scan", "push", PushEvent(baseSha, head));
        Assert.Equal(1, step.ExitCode);

        string multitool = Multitool();
        string log = Path.Combine(repo.Scratch, "validation.sarif");
        var validation = ProcessRunner.Run(multitool, ["validate", step.Outputs["sarif-file"], "--rule-kind", "Gh;Sarif", "--output", log], repo.Scratch)!;

        Assert.True(validation.ExitCode == 0, validation.StdoutText + validation.Stderr);
        // Errors and any GitHub (GH*) rule fail; SARIF best-practice warnings (such as SARIF2005, no
        // informationUri) do not stop GitHub from accepting the upload.
        using var doc = JsonDocument.Parse(File.ReadAllBytes(log));
        var problems = doc.RootElement.GetProperty("runs")[0].GetProperty("results").EnumerateArray()
            .Where(r => (r.TryGetProperty("level", out var level) && level.GetString() == "error") || r.GetProperty("ruleId").GetString()!.StartsWith("GH", StringComparison.Ordinal))
            .Select(r => $"{r.GetProperty("ruleId").GetString()}: {r.GetProperty("message")}")
            .ToList();
        Assert.True(problems.Count == 0, string.Join("\n", problems));
    }

    [Fact]
    public void Exit_code_input_zero_reports_without_failing()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;

        var step = RunStep(repo, "scan", "push", PushEvent(baseSha, head), new() { ["INPUT_EXIT_CODE"] = "0", ["INPUT_SARIF_FILE"] = "reports/out.sarif" });

        Assert.True(step.ExitCode == 0, step.Log);
        Assert.Equal("1", step.Outputs["exit-code"]);
        Assert.Equal(Path.Combine(repo.Root, "reports", "out.sarif"), step.Outputs["sarif-file"]);
        Assert.Single(Results(step.Outputs["sarif-file"]).EnumerateArray());
    }

    [Fact]
    public void Errors_fail_the_step_even_with_exit_code_zero()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;

        var step = RunStep(repo, "scan", "push", PushEvent(baseSha, head), new()
        {
            ["INPUT_EXIT_CODE"] = "0",
            ["GITHUB_EVENT_PATH"] = Path.Combine(repo.Scratch, "no-such-event.json"),
        });

        Assert.Equal(2, step.ExitCode);
        Assert.Equal("2", step.Outputs["exit-code"]);
        Assert.False(step.Outputs.ContainsKey("sarif-file"));
        Assert.Contains("::error title=secrethook::the scan could not complete", step.Log);
    }

    [Fact]
    public void Pull_request_event_scans_the_pull_request_commits_and_clean_ones_pass()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;
        object pr = new { pull_request = new { @base = new { sha = baseSha }, head = new { sha = head } } };

        var leaky = RunStep(repo, "scan", "pull_request", pr, new() { ["GITHUB_BASE_REF"] = "main", ["GITHUB_HEAD_REF"] = "feature" });
        Assert.True(leaky.ExitCode == 1, leaky.Log);
        Assert.Contains("GitHub pull request", leaky.Log);

        var (clean, cleanBase, cleanHead) = LeakyRepo(leak: false);
        using var __ = clean;
        var passed = RunStep(clean, "scan", "push", PushEvent(cleanBase, cleanHead));
        Assert.True(passed.ExitCode == 0, passed.Log);
        Assert.Equal("0", passed.Outputs["exit-code"]);
        Assert.Empty(Results(passed.Outputs["sarif-file"]).EnumerateArray());
        Assert.Contains("no secrets found", passed.Summary);
    }

    [Fact]
    public void Extra_args_and_working_directory_inputs_are_passed_on()
    {
        var (repo, baseSha, head) = LeakyRepo();
        using var _ = repo;
        repo.Write("ci/allow.yaml", $"allowlist:\n  stopwords: ['{Token[3..12]}']\n");

        var step = RunStep(repo, "scan", "push", PushEvent(baseSha, head), new()
        {
            ["INPUT_ARGS"] = "--config ci/allow.yaml",
            ["INPUT_WORKING_DIRECTORY"] = ".",
        });
        var missing = RunStep(repo, "scan", "push", PushEvent(baseSha, head), new() { ["INPUT_WORKING_DIRECTORY"] = "no/such/dir" });

        Assert.True(step.ExitCode == 0, step.Log);
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("working-directory 'no/such/dir' does not exist", missing.Log);
    }

    [Fact]
    public void Cache_key_is_stable_and_changes_with_the_sources()
    {
        using var temp = new TempDir();
        temp.Write("src/SecretHook.Core/A.cs", "class A {}\n");
        temp.Write("src/SecretHook.Core/obj/generated.cs", "ignored build output\n");
        temp.Write("patterns/hf.yaml", "rules: []\n");
        temp.Write("hooks/pre-commit", "#!/bin/sh\n");
        temp.Write("Directory.Build.props", "<Project />\n");
        temp.Write("Directory.Packages.props", "<Project />\n");
        temp.Write("docs/readme.md", "not part of the build\n");
        string Key()
        {
            string output = Path.Combine(temp.Path, "output");
            File.WriteAllText(output, "");
            var env = new Dictionary<string, string?> { ["SECRETHOOK_ACTION_PATH"] = temp.Path, ["GITHUB_OUTPUT"] = output };
            var r = ProcessRunner.Run("bash", [Script, "cache-key"], temp.Path, null, env)!;
            Assert.True(r.ExitCode == 0, r.Stderr);
            string line = Assert.Single(File.ReadAllLines(output));
            Assert.Matches("^hash=[0-9a-f]{64}$", line);
            return line;
        }

        string first = Key();
        Assert.Equal(first, Key());
        temp.Write("docs/readme.md", "changed docs do not rebuild\n");
        temp.Write("src/SecretHook.Core/obj/generated.cs", "nor does build output\n");
        Assert.Equal(first, Key());
        temp.Write("patterns/hf.yaml", "rules: [] # a rule change rebuilds\n");
        string second = Key();
        Assert.NotEqual(first, second);
        File.Move(Path.Combine(temp.Path, "src/SecretHook.Core/A.cs"), Path.Combine(temp.Path, "src/SecretHook.Core/B.cs"));
        Assert.NotEqual(second, Key());
    }

    [Fact]
    public void Action_yml_runs_the_script_steps_and_exposes_the_outputs()
    {
        string yml = File.ReadAllText(Path.Combine(GitTestRepo.RepositoryRoot(), "action.yml"));

        Assert.Contains("using: composite", yml);
        foreach (var step in new[] { "cache-key", "build", "scan" })
        {
            Assert.Contains($"run: bash \"$SECRETHOOK_ACTION_PATH/.github/action/run.sh\" {step}", yml);
        }
        Assert.Contains("uses: actions/cache@v4", yml);
        Assert.Contains("uses: actions/setup-dotnet@v4", yml);
        Assert.Contains("value: ${{ steps.scan.outputs.sarif-file }}", yml);
        Assert.Contains("value: ${{ steps.scan.outputs.exit-code }}", yml);
        Assert.Contains("key: secrethook-${{ runner.os }}-${{ runner.arch }}-${{ steps.key.outputs.hash }}", yml);
    }

    /// <summary>The SARIF Multitool's native executable from the global npm package (tests/setup.sh installs it).</summary>
    private static string Multitool()
    {
        var root = ProcessRunner.Run("npm", ["root", "-g"], Path.GetTempPath());
        string? path = root is { ExitCode: 0 }
            ? Path.Combine(root.StdoutText.Trim(), "@microsoft", "sarif-multitool", "node_modules", "@microsoft", "sarif-multitool-linux", "Sarif.Multitool")
            : null;
        Assert.True(path is not null && File.Exists(path),
            "the SARIF Multitool is missing: run tests/setup.sh (npm install -g @microsoft/sarif-multitool)");
        return path!;
    }
}
