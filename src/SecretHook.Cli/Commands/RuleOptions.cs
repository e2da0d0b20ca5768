using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Commands;

/// <summary>
/// <c>--rules PATH</c>: extra rule files (or directories of <c>*.yaml</c>) loaded after the built-in
/// pack, validated eagerly so every mistake is reported as <c>file:line:col</c> before scanning.
/// </summary>
public sealed class RuleOptions(CommandLineApplication cmd)
{
    private readonly CommandOption _rules = cmd.Option("--rules <PATH>",
        "Load extra rule files (YAML, same schema as the built-in pack) or every *.yaml in a directory. Repeatable.",
        CommandOptionType.MultipleValue);

    /// <summary>Loads the built-in pack plus any <c>--rules</c> files.</summary>
    /// <exception cref="RuleErrorsException">A rule file has errors.</exception>
    public RuleSet Load(CliEnvironment env)
    {
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
        if (extra.Count == 0)
        {
            return BuiltInRules.Load();
        }
        // User files are compiled now; the built-in pack stays lazy.
        var user = RuleLoader.Load(extra, compileRegexes: true);
        if (!user.Success)
        {
            throw new RuleErrorsException(user.Errors);
        }
        var all = RuleLoader.Load([.. BuiltInRules.Sources(), .. extra], compileRegexes: false);
        return all.RuleSet ?? throw new RuleErrorsException(all.Errors);
    }
}

/// <summary>Rule files had errors; each is printed on its own line and the exit code is 2.</summary>
public sealed class RuleErrorsException(IReadOnlyList<RuleLoadError> errors)
    : Exception($"{errors.Count} error(s) in rule files")
{
    /// <summary>The errors, in file order.</summary>
    public IReadOnlyList<RuleLoadError> Errors { get; } = errors;
}
