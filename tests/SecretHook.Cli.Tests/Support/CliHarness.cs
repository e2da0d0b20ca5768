using System.Text;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Tests.Support;

/// <summary>What one in-process run of the CLI produced.</summary>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr);

/// <summary>Runs the CLI in-process against a working directory, with captured streams and a fake environment.</summary>
public static class CliHarness
{
    /// <summary>Runs <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static CliResult Run(string workingDirectory, string[] args, string? stdin = null,
        IReadOnlyDictionary<string, string>? variables = null)
    {
        using var input = new MemoryStream(Encoding.UTF8.GetBytes(stdin ?? ""));
        using var output = new MemoryStream();
        using var error = new StringWriter();
        var env = new CliEnvironment(input, output, error, workingDirectory,
            name => variables is not null && variables.TryGetValue(name, out var v) ? v : null);
        int code = CliApp.Run(args, env);
        return new CliResult(code, Encoding.UTF8.GetString(output.ToArray()), error.ToString());
    }
}

/// <summary>A temporary directory, deleted on dispose; each test gets its own.</summary>
public sealed class TempDir : IDisposable
{
    /// <summary>Creates an empty directory under the system temp folder.</summary>
    public TempDir()
    {
        Path = Directory.CreateTempSubdirectory("secrethook-test-").FullName;
    }

    /// <summary>The directory's full path.</summary>
    public string Path { get; }

    /// <summary>Writes <paramref name="content"/> (UTF-8, no BOM) to <paramref name="relative"/>, creating folders.</summary>
    public string Write(string relative, string content) => WriteBytes(relative, new UTF8Encoding(false).GetBytes(content));

    /// <summary>Writes raw bytes to <paramref name="relative"/>, creating folders.</summary>
    public string WriteBytes(string relative, byte[] content)
    {
        string full = System.IO.Path.Combine(Path, relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllBytes(full, content);
        return full;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>Runs the real git binary in a directory, failing the test when git fails.</summary>
public static class Git
{
    /// <summary>Runs <c>git ARGS</c> in <paramref name="directory"/> and returns stdout.</summary>
    public static string Run(string directory, params string[] args)
    {
        var result = ProcessRunner.Run("git", args, directory, environment: Environment)
            ?? throw new InvalidOperationException("git is not installed");
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"git {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        }
        return result.StdoutText;
    }

    /// <summary>Creates a repository with a fixed identity and default branch <c>main</c>.</summary>
    public static void Init(string directory)
    {
        Run(directory, "init", "-q", "-b", "main");
        Run(directory, "config", "user.email", "test@example.com");
        Run(directory, "config", "user.name", "Test");
        Run(directory, "config", "commit.gpgsign", "false");
    }

    /// <summary>An environment that keeps the user's global and system git config out of tests.</summary>
    public static IReadOnlyDictionary<string, string?> Environment { get; } = new Dictionary<string, string?>
    {
        ["GIT_CONFIG_NOSYSTEM"] = "1",
        ["GIT_CONFIG_GLOBAL"] = "/dev/null",
        ["GIT_TERMINAL_PROMPT"] = "0",
    };
}

/// <summary>Seeded generators for test secrets, so the repository holds no live-looking token.</summary>
public static class TestSecrets
{
    private const string Letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

    /// <summary>A Hugging Face user token in the real format, from a fixed seed.</summary>
    public static string HuggingFace(int seed) => "hf_" + Draw(Letters, 34, seed);

    /// <summary>N characters of <paramref name="alphabet"/> from seed <paramref name="seed"/>.</summary>
    public static string Draw(string alphabet, int n, int seed)
    {
        var random = new Random(seed);
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            sb.Append(alphabet[random.Next(alphabet.Length)]);
        }
        return sb.ToString();
    }
}
