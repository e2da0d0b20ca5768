using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.GitIntegration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Pipeline;
using SecretHook.Cli.Settings;
using SecretHook.Cli.Sources;

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
            var options = ScanOptions.Register(cmd, OptionGroups.Scanning);
            cmd.HelpOption("-h|--help");
            cmd.OnExecute(() =>
            {
                var settings = SettingsBuilder.Build(options.Read(), InputKind.Git, env);
                var source = new GitDiffSource(env, (git, sink, max) =>
                {
                    var query = CiRange.Resolve(env, git);
                    if (!settings.Quiet)
                    {
                        env.Stderr.WriteLine($"secrethook: ci: {query.Description}");
                    }
                    GitSources.History(git, query, sink, max);
                }, settings.MaxFileSize);
                return ReportWriter.Finish(settings, ScanPipeline.Execute(settings, source, env), env);
            });
        });
    }
}
