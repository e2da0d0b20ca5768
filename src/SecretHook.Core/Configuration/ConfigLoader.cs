using System.Globalization;
using SecretHook.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretHook.Core.Configuration;

/// <summary>The outcome of loading a configuration file: the configuration when there were no errors, else every error.</summary>
public sealed record ConfigLoadResult(ScanConfig? Config, IReadOnlyList<RuleLoadError> Errors)
{
    /// <summary>Whether loading succeeded.</summary>
    public bool Success => Config is not null;
}

/// <summary>
/// Parses <c>.secrethook.yaml</c> with YamlDotNet's representation model (no reflection, AOT-safe) and
/// validates it completely before anything runs: unknown keys, wrong types, invalid or unsupported
/// regexes (compiled now with the linear-time engine, so no user regex can hang a scan) and custom
/// rules (through <see cref="RuleLoader"/>, so they follow <c>patterns/SCHEMA.md</c> exactly) are all
/// collected as <c>file:line:col: message</c>, sorted by position. Pure: it takes the file's name and
/// text; finding and reading the file is the caller's business.
/// </summary>
public static class ConfigLoader
{
    /// <summary>The configuration file's name, looked for at the repository root.</summary>
    public const string FileName = ".secrethook.yaml";

    /// <summary>The provider shown for custom rules defined in a configuration file.</summary>
    public const string CustomProvider = "custom";

    /// <summary>The top-level keys.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["rules", "disable", "extend", "allowlist", "max-file-size", "max-decode-depth", "compatible-markers"];

    private static readonly string[] AllowlistKeys = ["paths", "regexes", "stopwords"];

    /// <summary>Parses and validates the configuration <paramref name="text"/>, naming <paramref name="file"/> in errors.</summary>
    public static ConfigLoadResult Load(string file, string text)
    {
        var errors = new List<RuleLoadError>();
        void Error(Mark mark, string message) =>
            errors.Add(new RuleLoadError(new SourceLocation(file, (int)mark.Line, (int)mark.Column), null, message));

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            Error(e.Start, $"invalid YAML: {e.Message}");
            return new ConfigLoadResult(null, errors);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports some malformed documents (found by fuzzing: "- : ", "<<: *a<<: *a") this way, not as a YamlException.
            Error(Mark.Empty, $"invalid YAML: {e.Message}");
            return new ConfigLoadResult(null, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new ConfigLoadResult(WithFile(ScanConfig.Default, file), errors);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            Error(stream.Documents[0].RootNode.Start, $"a configuration file must be a mapping with keys {string.Join(", ", Keys)}");
            return new ConfigLoadResult(null, errors);
        }
        CheckKeys(root, Keys, Error);

        bool extend = true;
        SourceLocation? extendLocation = null;
        if (Child(root, "extend") is { } extendNode)
        {
            extendLocation = new SourceLocation(file, (int)extendNode.Start.Line, (int)extendNode.Start.Column);
            if (extendNode is YamlScalarNode { Value: "true" or "false" } b)
            {
                extend = b.Value == "true";
            }
            else
            {
                Error(extendNode.Start, "'extend' must be true (add to the built-in rules) or false (replace them)");
            }
        }

        var disable = new List<DisabledRule>();
        if (Child(root, "disable") is { } disableNode)
        {
            foreach (var (id, mark) in StringList(disableNode, "disable", Error))
            {
                disable.Add(new DisabledRule(id, new SourceLocation(file, (int)mark.Line, (int)mark.Column)));
            }
        }

        var paths = new List<string>();
        var regexes = new List<string>();
        var stopwords = new List<string>();
        if (Child(root, "allowlist") is { } allowNode)
        {
            if (allowNode is YamlMappingNode allow)
            {
                CheckKeys(allow, AllowlistKeys, Error);
                if (Child(allow, "paths") is { } p)
                {
                    foreach (var (glob, mark) in StringList(p, "paths", Error))
                    {
                        if (Path.IsPathRooted(glob) || glob.Contains('\\', StringComparison.Ordinal))
                        {
                            Error(mark, $"path glob '{glob}' must be relative and use forward slashes");
                        }
                        else
                        {
                            paths.Add(glob);
                        }
                    }
                }
                if (Child(allow, "regexes") is { } r)
                {
                    foreach (var (regex, mark) in StringList(r, "regexes", Error))
                    {
                        if (RuleLoader.CheckRegex(file, regex, mark, errors))
                        {
                            regexes.Add(regex);
                        }
                    }
                }
                if (Child(allow, "stopwords") is { } s)
                {
                    stopwords.AddRange(StringList(s, "stopwords", Error).Select(x => x.Value));
                }
            }
            else
            {
                Error(allowNode.Start, "'allowlist' must be a mapping with 'paths', 'regexes' and/or 'stopwords'");
            }
        }

        long? maxFileSize = null;
        if (Child(root, "max-file-size") is { } sizeNode)
        {
            if (sizeNode is YamlScalarNode { Value: { } sizeText } && TryParseSize(sizeText, out long size))
            {
                maxFileSize = size;
            }
            else
            {
                Error(sizeNode.Start, "'max-file-size' must be a size in bytes, or with K, M or G (e.g. 1048576, 512K, 10M; at most 2G)");
            }
        }

        int? decodeDepth = null;
        if (Child(root, "max-decode-depth") is { } depthNode)
        {
            if (depthNode is YamlScalarNode { Value: { } depthText } && TryParseDecodeDepth(depthText, out int depth))
            {
                decodeDepth = depth;
            }
            else
            {
                Error(depthNode.Start, $"'max-decode-depth' must be a whole number from 0 to {Detection.Detector.MaxDecodeDepth} (levels of encoding looked through; default {Detection.Detector.DefaultDecodeDepth})");
            }
        }

        bool compatibleMarkers = true;
        if (Child(root, "compatible-markers") is { } markersNode)
        {
            if (markersNode is YamlScalarNode { Value: "true" or "false" } m)
            {
                compatibleMarkers = m.Value == "true";
            }
            else
            {
                Error(markersNode.Start, "'compatible-markers' must be true (honour gitleaks:allow and 'pragma: allowlist secret') or false");
            }
        }

        IReadOnlyList<Rule> rules = [];
        if (Child(root, "rules") is { } rulesNode)
        {
            var loaded = RuleLoader.LoadRules(file, rulesNode, CustomProvider, compileRegexes: true);
            errors.AddRange(loaded.Errors);
            rules = loaded.RuleSet?.Rules ?? [];
        }

        if (errors.Count > 0)
        {
            return new ConfigLoadResult(null, Sorted(errors));
        }
        return new ConfigLoadResult(
            new ScanConfig(file, extend, rules, disable, paths, new Allowlist(regexes, stopwords), maxFileSize, extendLocation)
            { CompatibleMarkers = compatibleMarkers, DecodeDepth = decodeDepth },
            errors);
    }

    /// <summary>
    /// The rule set a scan runs: the built-in pack (unless the configuration replaces it), the rules of
    /// <c>--rules</c> files (<paramref name="extra"/>), then the configuration's rules, less the disabled
    /// ids, with every global allowlist merged. Errors: a rule id defined twice, a disabled id that no
    /// rule has, or no rule left to run.
    /// </summary>
    public static RuleLoadResult Compose(RuleSet builtIn, RuleSet? extra, ScanConfig config)
    {
        if (config.LeavesRulesAlone && extra is null)
        {
            return new RuleLoadResult(builtIn, []);
        }
        var errors = new List<RuleLoadError>();
        var rules = new List<Rule>();
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var known = new HashSet<string>(builtIn.Rules.Select(r => r.Id), StringComparer.Ordinal);
        void Add(Rule rule)
        {
            if (seen.TryGetValue(rule.Id, out var first))
            {
                errors.Add(new RuleLoadError(rule.Location, rule.Id, $"duplicate rule id (first defined at {first})"));
                return;
            }
            seen[rule.Id] = rule.Location;
            rules.Add(rule);
        }
        if (config.Extend)
        {
            // Replacing the pack (extend: false) frees its ids, so a tuned copy of a built-in rule
            // can keep its id (and the fingerprints already in ignore files and baselines).
            foreach (var rule in builtIn.Rules)
            {
                Add(rule);
            }
        }
        foreach (var rule in (extra?.Rules ?? []).Concat(config.Rules))
        {
            known.Add(rule.Id);
            Add(rule);
        }
        var disabled = new HashSet<string>(StringComparer.Ordinal);
        foreach (var d in config.Disable)
        {
            if (known.Contains(d.Id))
            {
                disabled.Add(d.Id);
            }
            else
            {
                errors.Add(new RuleLoadError(d.Location, null, $"'disable': unknown rule id '{d.Id}' (see 'secrethook rules')"));
            }
        }
        rules.RemoveAll(r => disabled.Contains(r.Id));
        if (errors.Count == 0 && rules.Count == 0)
        {
            var at = config.ExtendLocation ?? new SourceLocation(config.File ?? ConfigLoader.FileName, 1, 1);
            errors.Add(new RuleLoadError(at, null, "no rules left to run: add 'rules', set 'extend: true', or disable fewer"));
        }
        if (errors.Count > 0)
        {
            return new RuleLoadResult(null, Sorted(errors));
        }
        var allowlists = new[] { builtIn.GlobalAllowlist, extra?.GlobalAllowlist ?? Allowlist.Empty, config.Allowlist };
        var global = Allowlist.Combine(allowlists);
        return new RuleLoadResult(new RuleSet(rules, global), errors);
    }

    /// <summary>Parses a decode depth: ASCII digits only, 0 to <see cref="Detection.Detector.MaxDecodeDepth"/>.</summary>
    public static bool TryParseDecodeDepth(string text, out int depth) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out depth) && depth <= Detection.Detector.MaxDecodeDepth;

    /// <summary>Parses a size such as <c>1048576</c>, <c>512K</c>, <c>10M</c> or <c>1G</c> (positive, at most 2 GiB − 1).</summary>
    public static bool TryParseSize(string text, out long bytes)
    {
        bytes = 0;
        string t = text.Trim();
        long multiplier = 1;
        if (t.Length > 0 && char.ToUpperInvariant(t[^1]) is 'K' or 'M' or 'G')
        {
            multiplier = char.ToUpperInvariant(t[^1]) switch { 'K' => 1024L, 'M' => 1024L * 1024, _ => 1024L * 1024 * 1024 };
            t = t[..^1];
        }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n <= 0 || n > int.MaxValue / multiplier)
        {
            return false;
        }
        bytes = n * multiplier;
        return true;
    }

    /// <summary>The commented starter configuration <c>secrethook init</c> writes; it loads without errors.</summary>
    public const string StarterConfig = """
        # secrethook configuration (see docs/configuration.md in the secrethook repository).
        # Every key is optional. Unknown keys and invalid regexes are errors (file:line:col, exit 2).

        # true (default): the rules below are added to the built-in pack; false: they replace it.
        extend: true

        # Built-in rules not to run, by id (list them with `secrethook rules`).
        disable: []
        #  - generic-secret-assignment

        # Besides secrethook:allow, honour the inline markers of gitleaks (gitleaks:allow) and
        # detect-secrets (pragma: allowlist secret), so a migrated repository keeps its suppressions.
        compatible-markers: true

        # Files larger than this are skipped and reported (bytes, or with K, M, G).
        max-file-size: 10M

        # Layers of encoding (base64, percent-encoding, escapes) looked through for secrets, 0 to 4.
        max-decode-depth: 2

        # Findings that are not secrets. Prefer the narrowest tool: an inline `secrethook:allow` comment
        # for one line, a fingerprint in .secrethookignore for one finding, these for whole classes.
        allowlist:
          # Globs (relative to the repository root, forward slashes) whose findings are dropped.
          paths: []
          #  - "**/testdata/**"
          #  - "docs/examples/*.md"
          # Regexes (linear-time .NET syntax: no lookarounds or backreferences) a secret may match.
          regexes: []
          #  - '^EXAMPLE'
          # Case-insensitive words a secret may contain.
          stopwords: []
          #  - dummy

        # Custom rules, same schema as the built-in pack (patterns/SCHEMA.md in the repository).
        rules: []
        #  - id: acme-api-key
        #    description: Acme API key
        #    keywords: [acme_]
        #    regex: '(?:^|[^A-Za-z0-9_])(?<secret>acme_[A-Za-z0-9]{32})(?:[^A-Za-z0-9_]|$)'
        #    entropy: 3.5
        #    remediation: Revoke the key in the Acme console and load it from a secrets manager.

        """;

    private static ScanConfig WithFile(ScanConfig c, string file) =>
        new(file, c.Extend, c.Rules, c.Disable, c.AllowPaths, c.Allowlist, c.MaxFileSize, c.ExtendLocation);

    private static List<RuleLoadError> Sorted(List<RuleLoadError> errors) =>
        [.. errors.OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ThenBy(e => e.Location.Column)];

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static void CheckKeys(YamlMappingNode map, IReadOnlyList<string> allowed, Action<Mark, string> error)
    {
        foreach (var key in map.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !allowed.Contains(name))
            {
                error(key.Start, $"unknown key '{(key as YamlScalarNode)?.Value}' (expected one of: {string.Join(", ", allowed)})");
            }
        }
    }

    private static List<(string Value, Mark Mark)> StringList(YamlNode node, string key, Action<Mark, string> error)
    {
        var list = new List<(string, Mark)>();
        if (node is not YamlSequenceNode seq)
        {
            error(node.Start, $"'{key}' must be a list of strings");
            return list;
        }
        foreach (var item in seq)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } v })
            {
                list.Add((v, item.Start));
            }
            else
            {
                error(item.Start, $"'{key}' entries must be non-empty strings");
            }
        }
        return list;
    }
}
