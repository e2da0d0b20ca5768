using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Reporting;
using SecretHook.Core.Suppression;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>--baseline FILE</c> and <c>--report-stale</c>, registered by <see cref="OutputOptions"/> on every
/// scanning command, and the loading of the ignore file and the baseline. <see cref="ScanCommand.Finish"/>
/// calls <see cref="Apply"/>, so every command that reports through it filters the same way.
/// </summary>
public sealed class SuppressionOptions
{
    private readonly CommandOption _baseline;
    private readonly CommandOption _reportStale;
    private readonly ConfigOptions _config;
    private Loaded? _loaded;

    /// <summary>Registers the options on <paramref name="cmd"/>.</summary>
    public SuppressionOptions(CommandLineApplication cmd)
    {
        _config = ConfigOptions.For(cmd);
        _baseline = cmd.Option("--baseline <FILE>",
            "Report only findings that are not in FILE (made with 'secrethook baseline create').",
            CommandOptionType.SingleValue);
        _reportStale = cmd.Option("--report-stale",
            $"List {IgnoreFile.FileName} entries that matched no finding (on standard error; the exit code is unchanged).",
            CommandOptionType.NoValue);
    }

    /// <summary>The configuration options this group reads the root and path allowlist from.</summary>
    public ConfigOptions Config => _config;

    /// <summary>Whether <c>--report-stale</c> was given.</summary>
    public bool ReportStale => _reportStale.HasValue();

    /// <summary>
    /// Reads and validates the configuration, the ignore file and the baseline (once per run); call
    /// before scanning so that a mistake in any of them fails before the work starts.
    /// </summary>
    /// <exception cref="RuleErrorsException">The configuration or the ignore file has errors.</exception>
    /// <exception cref="UsageException">The baseline cannot be read.</exception>
    public void Prepare(CliEnvironment env) => _loaded ??= LoadAll(env);

    /// <summary>Drops the findings that the configuration, the ignore file and the baseline suppress.</summary>
    public FilterOutcome Apply(ScanReport report, CliEnvironment env)
    {
        Prepare(env);
        var loaded = _loaded!;
        return FindingFilter.Apply(report, loaded.AllowPaths, loaded.Ignore, loaded.Baseline);
    }

    /// <summary>The ignore file at the configuration root, or null when there is none.</summary>
    /// <exception cref="RuleErrorsException">The file has malformed lines.</exception>
    public static IgnoreFile? LoadIgnoreFile(LoadedConfig config, CliEnvironment env)
    {
        string path = Path.Combine(config.Root, IgnoreFile.FileName);
        if (!File.Exists(path))
        {
            return null;
        }
        var result = IgnoreFile.Parse(ConfigDiscovery.DisplayName(path, env), File.ReadAllText(path));
        return result.File ?? throw new RuleErrorsException(result.Errors);
    }

    private Loaded LoadAll(CliEnvironment env)
    {
        var config = _config.Load(env);
        var ignore = LoadIgnoreFile(config, env);
        Baseline? baseline = null;
        var allowPaths = new List<string>(config.Config.AllowPaths);
        if (_baseline.Value() is { } given)
        {
            string full = env.Resolve(given);
            if (!File.Exists(full))
            {
                throw new UsageException($"no such baseline file: {given}");
            }
            baseline = Baseline.Parse(File.ReadAllText(full), out string? error)
                ?? throw new UsageException($"{given}: {error}");
            // The baseline holds only hashes; never report what a rule might see in it.
            string relative = Path.GetRelativePath(config.Root, full).Replace('\\', '/');
            if (!relative.StartsWith("../", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                allowPaths.Add(relative);
            }
        }
        return new Loaded(ignore, baseline, allowPaths);
    }

    private sealed record Loaded(IgnoreFile? Ignore, Baseline? Baseline, IReadOnlyList<string> AllowPaths);
}
