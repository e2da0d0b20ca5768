using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Configuration;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook init</c>: writes a commented starter <c>.secrethook.yaml</c> at the repository root
/// (the git top level, else the current directory); refuses to overwrite one without <c>--force</c>.
/// </summary>
public static class InitCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("init", cmd =>
        {
            cmd.Description = $"Write a commented starter {ConfigLoader.FileName} at the repository root.";
            var force = cmd.Option("--force", "Overwrite an existing configuration file.", CommandOptionType.NoValue);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                string root = ConfigDiscovery.FindRoot(env.WorkingDirectory, env);
                string path = Path.Combine(root, ConfigLoader.FileName);
                string shown = ConfigDiscovery.DisplayName(path, env);
                if (File.Exists(path) && !force.HasValue())
                {
                    throw new UsageException($"{shown} already exists (use --force to overwrite it)");
                }
                File.WriteAllText(path, ConfigLoader.StarterConfig);
                env.Stderr.WriteLine($"secrethook: wrote {shown}");
                return ExitCodes.Clean;
            });
        });
    }
}
