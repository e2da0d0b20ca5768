using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook staged</c>: what a pre-commit hook runs. Scans the lines the next commit adds — the
/// index against HEAD, never the working tree — and reports each finding with the staged file's path
/// (from the repository root) and line.
/// </summary>
public static class StagedCommand
{
    /// <summary>What to do when a commit is blocked.</summary>
    internal const string BlockedHint =
        "secrethook: commit blocked. Remove the secret from the staged file (edit it, then 'git add' it: the index is what gets committed)"
        + " and rotate it if it is real. Bypass once, at your own risk: SKIP=secrethook git commit ... (or git commit --no-verify).";

    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("staged", cmd =>
        {
            cmd.Description = "Scan the lines the next commit adds (the index against HEAD), for a pre-commit hook.";
            var rules = new RuleOptions(cmd);
            var output = new OutputOptions(cmd);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() => GitScan.Run(env, rules, output,
                (git, scanner) => GitSources.Staged(git, scanner, scanner.MaxAddedBytesPerFile), BlockedHint));
        });
    }
}
