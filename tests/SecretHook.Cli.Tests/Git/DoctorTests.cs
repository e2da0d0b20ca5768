using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

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

    private static readonly Lazy<Detector> Pack = new(() => new Detector(BuiltInRules.Load()));

    /// <summary>Runs the audit itself (not the command), to check the place and advice it returns as data.</summary>
    private static List<StoredCredential> Audit(GitTestRepo repo, IReadOnlyDictionary<string, string> variables)
    {
        var vars = GitTestRepo.CliVariables(variables);
        using var none = new MemoryStream();
        var env = new CliEnvironment(none, none, TextWriter.Null, repo.Root, name => vars.TryGetValue(name, out var v) ? v : null);
        return CredentialAudit.Run(env, new GitRunner(env), Pack.Value);
    }

    private static void AssertNoSecret(IEnumerable<StoredCredential> found, string secret)
    {
        foreach (var c in found)
        {
            Assert.DoesNotContain(secret, c.Where + c.Redacted + c.Advice, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Token_in_an_insteadOf_key_is_found_with_unset_advice()
    {
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "origin", "https://huggingface.co/someone/model");
        repo.Git("config", $"url.https://someone:{Token}@huggingface.co/.insteadOf", "https://huggingface.co/");

        var result = repo.SecrethookUnchanged(["doctor"], variables: Home(repo));

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"url.https://someone:{Token[..4]}…@huggingface.co/.insteadof in .git/config", result.Stdout); // secrethook:allow (redacted)
        Assert.DoesNotContain(Token, result.Stdout + result.Stderr);

        var found = Audit(repo, Home(repo));
        var c = Assert.Single(found);
        Assert.Equal(CredentialPlace.InsteadOfKey, c.Place);
        Assert.Contains("git config --unset 'url.https://someone:<TOKEN>@huggingface.co/.insteadof'", c.Advice, StringComparison.Ordinal);
        Assert.Contains("https://huggingface.co/", c.Advice, StringComparison.Ordinal);
        AssertNoSecret(found, Token);
    }

    [Fact]
    public void InsteadOf_key_in_the_global_file_gets_global_advice_and_push_url_gets_set_url_push()
    {
        using var repo = new GitTestRepo();
        var vars = Home(repo);
        string global = Path.Combine(vars["HOME"], ".gitconfig");
        File.WriteAllText(global, $"[url \"https://x:{TestSecrets.HuggingFace(64)}@hf.co/\"]\n\tpushInsteadOf = https://hf.co/\n");
        vars["GIT_CONFIG_GLOBAL"] = global;
        repo.Git("remote", "add", "origin", "https://hf.co/someone/model");
        repo.Git("config", "remote.origin.pushurl", $"https://someone:{Token}@hf.co/someone/model");

        var found = Audit(repo, vars);

        var key = Assert.Single(found, c => c.Place == CredentialPlace.InsteadOfKey);
        Assert.Contains($"git config --global --unset 'url.https://x:<TOKEN>@hf.co/.pushinsteadof'", key.Advice, StringComparison.Ordinal);
        var push = Assert.Single(found, c => c.Place == CredentialPlace.PushUrl);
        Assert.Contains("git remote set-url --push origin https://hf.co/someone/model", push.Advice, StringComparison.Ordinal);
        Assert.Equal(2, found.Count);
        AssertNoSecret(found, Token);
        AssertNoSecret(found, TestSecrets.HuggingFace(64));
    }

    [Fact]
    public void Remote_url_advice_names_the_remote_and_other_values_get_unset_advice()
    {
        using var repo = new GitTestRepo();
        repo.Git("remote", "add", "hub", $"https://someone:{Token}@huggingface.co/someone/model");
        repo.Git("config", "http.extraHeader", $"Authorization: Bearer {TestSecrets.HuggingFace(65)}");

        var found = Audit(repo, Home(repo));

        var remote = Assert.Single(found, c => c.Place == CredentialPlace.RemoteUrl);
        Assert.StartsWith("Take the token out of the remote URL: git remote set-url hub https://huggingface.co/someone/model ", remote.Advice, StringComparison.Ordinal);
        var header = Assert.Single(found, c => c.Place == CredentialPlace.ConfigValue);
        Assert.Contains("git config --unset http.extraheader", header.Advice, StringComparison.Ordinal);
    }

    [Fact]
    public void Netrc_passwords_are_found_per_machine()
    {
        using var repo = new GitTestRepo();
        var vars = Home(repo);
        string netrc = Path.Combine(vars["HOME"], ".netrc");
        File.WriteAllText(netrc, $"machine example.com login me password {TestSecrets.Draw("abcdefghijk0123456789", 20, 3)}\n"
            + "# a comment\n\nmachine huggingface.co\n  login someone\n  password " + Token + "\nmachine nopass.example login anon\n");

        var result = repo.SecrethookUnchanged(["doctor"], variables: vars);
        var found = Audit(repo, vars);

        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{netrc}, line 1 (machine example.com)", result.Stdout);
        Assert.Contains($"{netrc}, line 6 (machine huggingface.co)", result.Stdout);
        Assert.Contains($"password {Token[..4]}…", result.Stdout); // secrethook:allow (redacted)
        Assert.DoesNotContain(Token, result.Stdout);
        Assert.Equal(2, found.Count);
        Assert.All(found, c => Assert.Equal(CredentialPlace.Netrc, c.Place));
        Assert.All(found, c => Assert.Contains("chmod 600", c.Advice, StringComparison.Ordinal));
        AssertNoSecret(found, Token);
    }

    [Fact]
    public void Hugging_face_token_files_and_variables_are_found_with_logout_and_revoke_advice()
    {
        using var repo = new GitTestRepo();
        var vars = Home(repo);
        string hfHome = Path.Combine(repo.Scratch, "hf-home");
        Directory.CreateDirectory(hfHome);
        vars["HF_HOME"] = hfHome;
        File.WriteAllText(Path.Combine(hfHome, "token"), TestSecrets.HuggingFace(66));
        File.WriteAllText(Path.Combine(hfHome, "stored_tokens"), $"[work]\nhf_token = {TestSecrets.HuggingFace(67)}\n\n[empty]\nhf_token =\n");
        string cache = Path.Combine(vars["HOME"], ".cache", "huggingface");
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, "token"), TestSecrets.HuggingFace(68) + "\n");
        string old = Path.Combine(vars["HOME"], ".huggingface");
        Directory.CreateDirectory(old);
        File.WriteAllText(Path.Combine(old, "token"), TestSecrets.HuggingFace(69));
        vars["HF_TOKEN"] = TestSecrets.HuggingFace(70);

        var result = repo.SecrethookUnchanged(["doctor"], variables: vars);
        var found = Audit(repo, vars);

        Assert.Equal(1, result.ExitCode);
        foreach (var file in new[] { Path.Combine(hfHome, "token"), Path.Combine(hfHome, "stored_tokens"), Path.Combine(cache, "token"), Path.Combine(old, "token") })
        {
            Assert.Contains($"Hugging Face token file {file}, line ", result.Stdout);
        }
        Assert.Contains("environment variable HF_TOKEN", result.Stdout);
        var files = found.Where(c => c.Place == CredentialPlace.HuggingFaceTokenFile).ToList();
        Assert.Equal(4, files.Count);
        Assert.All(files, c => Assert.Contains("hf auth logout", c.Advice, StringComparison.Ordinal));
        Assert.All(found, c => Assert.Contains("https://hf.co/settings/tokens", c.Advice, StringComparison.Ordinal));
        var variable = Assert.Single(found, c => c.Place == CredentialPlace.HuggingFaceTokenVariable);
        Assert.Equal($"HF_TOKEN={TestSecrets.HuggingFace(70)[..4]}…", variable.Redacted);
        for (int seed = 66; seed <= 70; seed++)
        {
            Assert.DoesNotContain(TestSecrets.HuggingFace(seed), result.Stdout + result.Stderr);
            AssertNoSecret(found, TestSecrets.HuggingFace(seed));
        }
    }

    [Fact]
    public void Empty_token_files_and_netrc_without_passwords_pass()
    {
        using var repo = new GitTestRepo();
        var vars = Home(repo);
        string cache = Path.Combine(vars["HOME"], ".cache", "huggingface");
        Directory.CreateDirectory(cache);
        File.WriteAllText(Path.Combine(cache, "token"), "\n");
        File.WriteAllText(Path.Combine(vars["HOME"], ".netrc"), "machine example.com login anonymous\n");
        vars["HF_TOKEN"] = "";

        var result = repo.SecrethookUnchanged(["doctor"], variables: vars);

        Assert.Equal(0, result.ExitCode);
        Assert.Empty(Audit(repo, vars));
    }
}
