namespace SecretHook.Cli.Infrastructure;

/// <summary>
/// The outside world as the commands see it: standard streams, working directory, environment
/// variables and whether stdout is a terminal. The real one wraps <see cref="Console"/>; tests pass
/// their own, so commands never touch <see cref="Console"/> directly.
/// </summary>
public sealed class CliEnvironment
{
    /// <summary>Creates an environment from explicit parts.</summary>
    public CliEnvironment(Stream stdin, Stream stdout, TextWriter stderr, string workingDirectory,
        Func<string, string?> getVariable, bool stdoutIsTerminal = false, bool stderrIsTerminal = false)
    {
        Stdin = stdin;
        Stdout = stdout;
        Stderr = stderr;
        WorkingDirectory = workingDirectory;
        GetVariable = getVariable;
        StdoutIsTerminal = stdoutIsTerminal;
        StderrIsTerminal = stderrIsTerminal;
    }

    /// <summary>Standard input.</summary>
    public Stream Stdin { get; }

    /// <summary>Standard output, as bytes (reports are written as UTF-8).</summary>
    public Stream Stdout { get; }

    /// <summary>Standard error, for messages and the summary line.</summary>
    public TextWriter Stderr { get; }

    /// <summary>The directory relative paths are resolved against.</summary>
    public string WorkingDirectory { get; }

    /// <summary>Reads an environment variable.</summary>
    public Func<string, string?> GetVariable { get; }

    /// <summary>Whether standard output is an interactive terminal (colour is used only then).</summary>
    public bool StdoutIsTerminal { get; }

    /// <summary>Whether standard error is an interactive terminal (the progress line is shown only then).</summary>
    public bool StderrIsTerminal { get; }

    /// <summary>The process's real environment.</summary>
    public static CliEnvironment FromConsole() => new(
        Console.OpenStandardInput(),
        Console.OpenStandardOutput(),
        new StreamWriter(Console.OpenStandardError()) { AutoFlush = true },
        Directory.GetCurrentDirectory(),
        Environment.GetEnvironmentVariable,
        !Console.IsOutputRedirected,
        !Console.IsErrorRedirected);

    /// <summary>Resolves <paramref name="path"/> against <see cref="WorkingDirectory"/>.</summary>
    public string Resolve(string path) => Path.GetFullPath(path, WorkingDirectory);
}
