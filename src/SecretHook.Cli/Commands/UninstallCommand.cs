using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook uninstall</c>: removes secrethook's hooks (recognised by their marker line) from the
/// repository's hooks directory, restoring a hook <c>install --force</c> set aside; other hooks stay.
/// </summary>
public static class UninstallCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("uninstall", cmd =>
        {
            cmd.Description = "Remove secrethook's git hooks (and only those).";
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                string directory = HookInstaller.HooksDirectory(new GitRunner(env));
                foreach (var hook in HookInstaller.Hooks)
                {
                    var result = HookInstaller.Uninstall(directory, hook);
                    if (result.Action != HookAction.Absent || File.Exists(result.Path))
                    {
                        env.Stderr.WriteLine($"secrethook: {result.Message}");
                    }
                }
                return ExitCodes.Clean;
            });
        });
    }
}
