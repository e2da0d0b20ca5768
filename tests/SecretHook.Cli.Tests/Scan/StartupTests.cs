using System.Reflection;
using SecretHook.Cli.Tests.Support;
using SecretHook.Core.Configuration;
using SecretHook.Core.Detection;
using SecretHook.Pack;

namespace SecretHook.Cli.Tests.Scan;

/// <summary>
/// What start-up does differently from the straightforward way must not show: the version constant is
/// the assembly's version, a command line naming one command parses as it would with every command
/// built, and the shipped keyword automaton is the one the default configuration needs.
/// </summary>
public sealed class StartupTests
{
    [Fact]
    public void Version_is_the_informational_version_without_build_metadata()
    {
        string informational = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Equal(CliApp.Version, informational.Split('+')[0]);
        var run = CliHarness.Run(Path.GetTempPath(), ["--version"]);
        Assert.Equal((0, CliApp.Version + "\n", ""), (run.ExitCode, run.Stdout, run.Stderr));
    }

    [Fact]
    public void The_root_help_lists_every_command()
    {
        foreach (var args in new[] { ["--help"], ["-h"], Array.Empty<string>() })
        {
            var run = CliHarness.Run(Path.GetTempPath(), args);
            foreach (var command in new[] { "baseline", "ci", "commits", "doctor", "init", "install", "pre-commit-files", "pre-push", "rules", "scan", "staged", "uninstall" })
            {
                Assert.Contains($"  {command} ", run.Stdout, StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void An_unknown_command_or_option_is_reported_as_before()
    {
        var command = CliHarness.Run(Path.GetTempPath(), ["scna"]);
        Assert.Equal(2, command.ExitCode);
        Assert.StartsWith("secrethook: error: ", command.Stderr, StringComparison.Ordinal);
        Assert.Equal("", command.Stdout);
        var option = CliHarness.Run(Path.GetTempPath(), ["staged", "--nope"]);
        Assert.Equal(2, option.ExitCode);
        Assert.Contains("(see 'secrethook staged --help')", option.Stderr, StringComparison.Ordinal);
        var version = CliHarness.Run(Path.GetTempPath(), ["staged", "--version"]);
        Assert.Equal(2, version.ExitCode);
    }

    [Fact]
    public void The_shipped_keyword_automaton_is_the_one_the_default_configuration_needs()
    {
        var rules = ConfigLoader.Compose(CompiledRulePack.Load(), null, ScanConfig.Default).RuleSet!;
        Assert.True(new Detector(rules).Automaton.Prebuilt);
    }
}
