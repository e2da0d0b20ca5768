using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook install [--pre-push] [--force]</c>: writes the pre-commit hook (and, with
/// <c>--pre-push</c>, the pre-push hook) into the repository's hooks directory.
/// </summary>
public static class InstallCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("install", cmd =>
        {
            cmd.Description = "Install the git hooks: pre-commit (scans staged changes) and, with --pre-push, pre-push (scans outgoing commits).";
            var prePush = cmd.Option("--pre-push", "Install the pre-push hook as well.", CommandOptionType.NoValue);
            var force = cmd.Option("--force", "Replace an existing hook that is not secrethook's (it is kept as HOOK.secrethook-backup).", CommandOptionType.NoValue);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                string directory = HookInstaller.HooksDirectory(new GitRunner(env));
                string[] hooks = prePush.HasValue() ? ["pre-commit", "pre-push"] : ["pre-commit"];
                int code = ExitCodes.Clean;
                foreach (var hook in hooks)
                {
                    var result = HookInstaller.Install(directory, hook, force.HasValue());
                    if (result.Action == HookAction.Refused)
                    {
                        env.Stderr.WriteLine($"secrethook: error: {result.Message}");
                        code = ExitCodes.Error;
                    }
                    else
                    {
                        env.Stderr.WriteLine($"secrethook: {result.Message}");
                    }
                }
                if (code == ExitCodes.Clean)
                {
                    env.Stderr.WriteLine("secrethook: skip a check once with SKIP=secrethook (or git commit/push --no-verify).");
                }
                return code;
            });
        });
    }
}
