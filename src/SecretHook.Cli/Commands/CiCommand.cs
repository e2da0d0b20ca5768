using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>secrethook ci</c>: scans the commits a CI run is about — the push's or the merge request's range
/// on GitHub Actions or GitLab CI, the last commit elsewhere (see <see cref="CiRange"/>).
/// </summary>
public static class CiCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("ci", cmd =>
        {
            cmd.Description = "Scan the commits of this CI run (GitHub Actions push/pull_request, GitLab CI push/merge request; else the last commit).";
            var rules = new RuleOptions(cmd);
            var output = new OutputOptions(cmd);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() => GitScan.Run(env, rules, output, (git, scanner) =>
            {
                var query = CiRange.Resolve(env, git);
                if (!output.Quiet)
                {
                    env.Stderr.WriteLine($"secrethook: ci: {query.Description}");
                }
                GitSources.History(git, query, scanner, scanner.MaxAddedBytesPerFile);
            }, null));
        });
    }
}
