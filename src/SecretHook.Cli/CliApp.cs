using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Commands;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli;

/// <summary>
/// The composition root: builds the command tree (McMaster's builder API, which is trim-safe), runs
/// it, and maps every outcome to an exit code — a usage or configuration error is one line on stderr
/// and exit 2, an unexpected exception is exit 2 with its message, never exit 0.
/// </summary>
public static class CliApp
{
    /// <summary>The program name used in messages.</summary>
    public const string Name = "secrethook";

    /// <summary>
    /// Each command's name and registration, in the order the full tree is built. A command line whose
    /// first word names one of them builds only that command's subtree: the others cannot take part in
    /// parsing it, and building all of them cost a start-up ~0.3 ms.
    /// </summary>
    private static readonly (string Name, Action<CommandLineApplication, CliEnvironment> Register)[] Commands =
    [
        ("scan", ScanCommand.Register),
        ("rules", RulesCommand.Register),
        (StagedCommand.Name, StagedCommand.Register),
        ("pre-commit-files", PreCommitFilesCommand.Register),
        ("pre-push", PrePushCommand.Register),
        ("commits", CommitsCommand.Register),
        ("ci", CiCommand.Register),
        ("install", InstallCommand.Register),
        ("uninstall", UninstallCommand.Register),
        ("doctor", DoctorCommand.Register),
        ("init", InitCommand.Register),
        ("baseline", BaselineCommand.Register),
    ];

    /// <summary>Runs the command line <paramref name="args"/> against <paramref name="env"/>.</summary>
    public static int Run(string[] args, CliEnvironment env)
    {
        var console = new ConsoleAdapter(env);
        GitRunner.EarlyStart? early = null;
        CommandLineApplication? app = null;
        try
        {
            // The commit hook's diff is the same whatever its options say, so git starts before they
            // are parsed and runs while the command tree is built (disposing kills it if unused).
            var hookGit = args is [StagedCommand.Name, ..] ? new GitRunner(env) : null;
            early = StartHookDiff(ref hookGit);
            // "--version" alone prints what McMaster's VersionOption prints, without building a command tree.
            app = args is ["--version"] ? null : Build(args, env, console, hookGit);
            int code;
            if (app is null)
            {
                console.Out.WriteLine(Version);
                code = ExitCodes.Clean;
            }
            else
            {
                code = app.Execute(args);
            }
            console.Publish();
            return code;
        }
        catch (CommandParsingException e)
        {
            string usage = e.Command.Name is { } n && n != Name ? $"{Name} {n} --help" : $"{Name} --help";
            env.Stderr.WriteLine($"{Name}: error: {FirstLine(e.Message)} (see '{usage}')");
            return ExitCodes.Error;
        }
        catch (GitIntegration.GitException e)
        {
            // Git failed or is missing: git's own message, and the hook blocks (fail closed).
            env.Stderr.WriteLine($"{Name}: error: {e.Message}");
            return ExitCodes.Error;
        }
        catch (UsageException e)
        {
            env.Stderr.WriteLine($"{Name}: error: {e.Message}");
            return ExitCodes.Error;
        }
        catch (Settings.SettingsException e)
        {
            foreach (var problem in e.Problems)
            {
                // "file:line:col: message" stays as compilers print it, so editors can jump to it.
                env.Stderr.WriteLine(Settings.SettingsException.IsPositioned(problem) ? problem : $"{Name}: error: {problem}");
            }
            return ExitCodes.Error;
        }
        catch (IOException e) when (IsBrokenPipe(e))
        {
            return ExitCodes.Error;
        }
        catch (AggregateException e) when (e.InnerExceptions.Count == 1)
        {
            env.Stderr.WriteLine($"{Name}: error: {FirstLine(e.InnerExceptions[0].Message)}");
            return ExitCodes.Error;
        }
        catch (Exception e)
        {
            env.Stderr.WriteLine($"{Name}: internal error: {e.GetType().Name}: {FirstLine(e.Message)}");
            return ExitCodes.Error;
        }
        finally
        {
            // git first: an unused early diff is killed whatever disposing the command tree does.
            early?.Dispose();
            app?.Dispose();
        }
    }

    /// <summary>
    /// Starts <paramref name="git"/>'s staged diff; when that fails in any way, forgets the runner
    /// (null), so that what the command line asks decides what happens: help still prints, and the
    /// command itself starts git again and reports the failure (exit 2).
    /// </summary>
    private static GitRunner.EarlyStart? StartHookDiff(ref GitRunner? git)
    {
        try
        {
            return git?.StartEarly(GitSources.StagedDiffArguments);
        }
#pragma warning disable CA1031 // Only a head start is lost; the command's own start reports the error.
        catch (Exception)
#pragma warning restore CA1031
        {
            git = null;
            return null;
        }
    }

    /// <summary>
    /// The command tree for <paramref name="args"/>: when the first word names a command, the root
    /// with only that command (the others cannot take part in parsing the line); otherwise all of them.
    /// <paramref name="hookGit"/>: the runner whose diff <c>staged</c> started early.
    /// </summary>
    private static CommandLineApplication Build(string[] args, CliEnvironment env, ConsoleAdapter console, GitRunner? hookGit)
    {
        var app = new CommandLineApplication(console, env.WorkingDirectory, throwOnUnexpectedArg: true)
        {
            Name = Name,
            Description = "Stops credentials from leaving your machine: scans files, staged changes and commits for secrets.",
        };
        app.HelpOption("-h|--help");
        app.VersionOption("--version", Version);
        bool one = false;
        if (args.Length > 0)
        {
            foreach (var (name, register) in Commands)
            {
                if (string.Equals(args[0], name, StringComparison.Ordinal))
                {
                    if (hookGit is not null && name == StagedCommand.Name)
                    {
                        StagedCommand.Register(app, env, hookGit);
                    }
                    else
                    {
                        register(app, env);
                    }
                    one = true;
                    break;
                }
            }
        }
        if (!one)
        {
            foreach (var (_, register) in Commands)
            {
                register(app, env);
            }
        }
        app.OnExecute(() =>
        {
            app.ShowHelp();
            return ExitCodes.Error;
        });
        return app;
    }

    /// <summary>
    /// The informational version of the executable without its build metadata (<c>+commit</c>): a
    /// constant the build generates from <c>$(InformationalVersion)</c>, so that no assembly
    /// attribute is read through reflection at start-up.
    /// </summary>
    public const string Version = BuildVersion.Value;

    private static string FirstLine(string message) => message.Split('\n')[0].TrimEnd('\r');

    private static bool IsBrokenPipe(IOException e) => e.HResult == 32 || e.Message.Contains("Broken pipe", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Routes McMaster's help and version text to the environment's stdout — held back until the
    /// command succeeds, so that a parse error prints only our one-line message on stderr and never
    /// McMaster's hint on stdout, where it would corrupt a JSON report consumer.
    /// </summary>
    private sealed class ConsoleAdapter(CliEnvironment env) : IConsole
    {
        private readonly StringWriter _out = new() { NewLine = "\n" };

        public void Publish()
        {
            var text = _out.ToString();
            if (text.Length > 0)
            {
                env.Stdout.Write(System.Text.Encoding.UTF8.GetBytes(text));
                env.Stdout.Flush();
            }
        }

        public TextWriter Out => _out;
        public TextWriter Error => env.Stderr;
        public TextReader In => TextReader.Null;
        public bool IsInputRedirected => true;
        public bool IsOutputRedirected => !env.StdoutIsTerminal;
        public bool IsErrorRedirected => true;
        public ConsoleColor ForegroundColor { get; set; }
        public ConsoleColor BackgroundColor { get; set; }

        public event ConsoleCancelEventHandler? CancelKeyPress
        {
            add { }
            remove { }
        }

        public void ResetColor()
        {
        }
    }
}
