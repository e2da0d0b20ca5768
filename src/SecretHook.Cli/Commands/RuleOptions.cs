using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Rules;
using SecretHook.Core.Configuration;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>--rules PATH</c>: extra rule files (or directories of <c>*.yaml</c>) loaded after the built-in
/// pack, validated eagerly so every mistake is reported as <c>file:line:col</c> before scanning; then
/// the configuration (<c>--config</c> or <c>.secrethook.yaml</c>, see <see cref="ConfigOptions"/>):
/// its custom rules, disabled ids, global allowlist and whether the built-in pack is kept.
/// </summary>
public sealed class RuleOptions
{
    private readonly CommandOption _rules;
    private readonly ConfigOptions _config;

    /// <summary>Registers the options on <paramref name="cmd"/> (and <c>--config</c>, if not yet there).</summary>
    public RuleOptions(CommandLineApplication cmd)
    {
        _rules = cmd.Option("--rules <PATH>",
            "Load extra rule files (YAML, same schema as the built-in pack) or every *.yaml in a directory. Repeatable.",
            CommandOptionType.MultipleValue);
        _config = ConfigOptions.For(cmd);
    }

    /// <summary>The configuration options the rule set is composed with.</summary>
    public ConfigOptions Config => _config;

    /// <summary>Loads the built-in pack plus any <c>--rules</c> files, composed with the configuration.</summary>
    /// <exception cref="RuleErrorsException">A rule file or the configuration has errors.</exception>
    public RuleSet Load(CliEnvironment env)
    {
        var config = _config.Load(env).Config;
        var extra = new List<RuleSource>();
        foreach (var given in _rules.Values)
        {
            if (given is null)
            {
                continue;
            }
            string full = env.Resolve(given);
            IEnumerable<string> files = Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*.yaml").Order(StringComparer.Ordinal)
                : File.Exists(full) ? [full] : throw new UsageException($"no such rule file: {given}");
            foreach (var f in files)
            {
                extra.Add(new RuleSource(Path.GetRelativePath(env.WorkingDirectory, f), File.ReadAllText(f)));
            }
        }
        RuleSet? user = null;
        if (extra.Count > 0)
        {
            // User files are compiled now; the built-in pack stays lazy.
            var loaded = RuleLoader.Load(extra, compileRegexes: true);
            user = loaded.RuleSet ?? throw new RuleErrorsException(loaded.Errors);
        }
        var composed = ConfigLoader.Compose(CompiledRulePack.Load(), user, config);
        return composed.RuleSet ?? throw new RuleErrorsException(composed.Errors);
    }
}

/// <summary>Rule files had errors; each is printed on its own line and the exit code is 2.</summary>
public sealed class RuleErrorsException(IReadOnlyList<RuleLoadError> errors)
    : Exception($"{errors.Count} error(s) in rule files")
{
    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<RuleLoadError> Errors { get; } = errors;
}
