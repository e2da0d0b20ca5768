using SecretHook.Cli.Tests.Support;

namespace SecretHook.Cli.Tests.GitIntegration;

/// <summary><c>secrethook doctor</c>: tokens in remote URLs, git config and credential store files.</summary>
public sealed class DoctorTests
{
    private static readonly string Token = TestSecrets.HuggingFace(61);

    private static Dictionary<string, string> Home(GitTestRepo repo)
    {
        string home = Path.Combine(repo.Scratch, "home");
        Directory.CreateDirectory(home);
        return new Dictionary<string, string> { ["HOME"] = home, ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config") };
    }

    [Fact]
    public void Token_in_a_hugging_face_remote_url_is_found_redacted_with_advice()
    {
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", $"https://someone:{Token}@huggingface.co/someone/model");

        var result = repo.SecrethookUnchanged(["doctor"], variables: Home(repo));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("remote \"origin\" (remote.origin.url in .git/config)", result.Stdout);
        Assert.Contains($"https://someone:{Token[..4]}…@huggingface.co/someone/model", result.Stdout); // secrethook:allow (the redacted form)
        Assert.DoesNotContain(Token, result.Stdout + result.Stderr);
        Assert.Contains("git remote set-url origin https://huggingface.co/someone/model", result.Stdout);
        Assert.Contains("git@hf.co:USER/REPO", result.Stdout);
        Assert.Contains("HF_TOKEN", result.Stdout);
        Assert.Contains("credential.helper", result.Stdout);
    }

    [Fact]
    public void Push_url_and_extra_header_are_checked_too()
    {
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", "git@hf.co:someone/model");
        repo.Git("config", "remote.origin.pushurl", $"https://{Token}@huggingface.co/someone/model");
        repo.Git("config", "http.extraHeader", $"Authorization: Bearer {TestSecrets.HuggingFace(62)}");

        var result = repo.SecrethookUnchanged(["doctor"], variables: Home(repo));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("remote.origin.pushurl", result.Stdout);
        Assert.Contains("http.extraheader", result.Stdout);
        Assert.DoesNotContain("remote.origin.url", result.Stdout);
    }

    [Fact]
    public void Credential_store_files_are_checked()
    {
        using var repo = new GitTestRepo();
        var vars = Home(repo);
        File.WriteAllText(Path.Combine(vars["HOME"], ".git-credentials"), $"https://someone:{Token}@huggingface.co\n");
        string custom = Path.Combine(repo.Scratch, "creds store");
        File.WriteAllText(custom, $"\nhttps://x:{TestSecrets.HuggingFace(63)}@example.com\n");
        repo.Git("config", "credential.helper", $"store --file '{custom}'");

        var result = repo.SecrethookUnchanged(["doctor"], variables: vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"credential store {Path.Combine(vars["HOME"], ".git-credentials")}, line 1", result.Stdout);
        Assert.Contains($"credential store {custom}, line 2", result.Stdout);
        Assert.DoesNotContain(Token, result.Stdout);
    }

    [Fact]
    public void Clean_setup_passes()
    {
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", "https://huggingface.co/someone/model");
        repo.Git("remote", "add", "ssh", "ssh://git@github.com/someone/repo.git");

        var result = repo.SecrethookUnchanged(["doctor"], variables: Home(repo));

        Assert.Equal(0, result.ExitCode);
        Assert.Contains("no tokens found", result.Stdout);
    }
}
