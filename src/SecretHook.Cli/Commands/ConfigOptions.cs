using System.Runtime.CompilerServices;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.Infrastructure;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>--config FILE</c>, shared by every option group of a command: <see cref="RuleOptions"/> (custom
/// rules, disabled ids, allowlists) and <see cref="OutputOptions"/> (path allowlist, ignore file,
/// baseline) both get the same instance through <see cref="For"/>, so the option is registered once
/// per command and the file is read and validated once per run, whichever asks first. Any command
/// that builds either option group — every scanning command does — therefore honours the
/// configuration without code of its own.
/// </summary>
public sealed class ConfigOptions
{
    private static readonly ConditionalWeakTable<CommandLineApplication, ConfigOptions> Registered = new();

    private readonly CommandOption _config;
    private LoadedConfig? _loaded;

    private ConfigOptions(CommandLineApplication cmd)
    {
        _config = cmd.Option("--config <FILE>",
            $"Read configuration from FILE instead of {Core.Configuration.ConfigLoader.FileName} at the repository root.",
            CommandOptionType.SingleValue);
    }

    /// <summary>The configuration options of <paramref name="cmd"/>, registering them on first use.</summary>
    public static ConfigOptions For(CommandLineApplication cmd) => Registered.GetValue(cmd, static c => new ConfigOptions(c));

    /// <summary>
    /// The directory the configuration is searched from (its git top level, else itself); defaults to
    /// the working directory. A command that scans a directory sets it before anything is loaded.
    /// </summary>
    public string? SearchFrom { get; set; }

    /// <summary>The value of <c>--config</c>, if given.</summary>
    public string? ExplicitPath => _config.Value();

    /// <summary>Finds, reads and validates the configuration (once per run).</summary>
    /// <exception cref="RuleErrorsException">The configuration has errors.</exception>
    /// <exception cref="UsageException">The <c>--config</c> file does not exist.</exception>
    public LoadedConfig Load(CliEnvironment env) =>
        _loaded ??= ConfigDiscovery.Load(ExplicitPath, SearchFrom ?? env.WorkingDirectory, env);
}
