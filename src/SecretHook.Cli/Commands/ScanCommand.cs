using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

namespace SecretHook.Cli.Commands;

/// <summary><c>secrethook scan [PATH...]</c>: scans files and directories (or stdin, <c>-</c>).</summary>
public static class ScanCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("scan", cmd =>
        {
            cmd.Description = "Scan files and directories for secrets (default: the current directory; '-' reads standard input).";
            var options = ScanOptions.Register(cmd, OptionGroups.Paths | OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                var settings = SettingsBuilder.Build(options.Read(), InputKind.Paths, env);
                return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, Source(settings, env), env), env);
            });
        });
    }

    /// <summary>The source a path scan reads: standard input, or the paths given.</summary>
    internal static IScanSource Source(ScanSettings settings, CliEnvironment env) =>
        settings.Stdin ? new StdinSource(env.Stdin, settings.MaxFileSize) : new DirectorySource(settings, env);
}
