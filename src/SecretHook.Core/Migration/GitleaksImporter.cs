using System.Globalization;
using System.Text;
using SecretHook.Core.Configuration;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Migration;

/// <summary>
/// Something in a gitleaks configuration the conversion dropped or changed, with where it was written
/// and why. Printed as <c>file:line:col: rule ID: ITEM: REASON</c> (without <c>rule ID:</c> for
/// global items, and without <c>ITEM:</c> when the whole rule is meant).
/// </summary>
/// <param name="Location">Where the item is in the gitleaks file (1-based).</param>
/// <param name="RuleId">The gitleaks rule id, or null for a global item.</param>
/// <param name="Item">What: a key (<c>path</c>, <c>allowlist.commits</c>, …) or the whole rule (<c>rule</c>).</param>
/// <param name="Reason">Why it was not converted, or what was changed.</param>
public sealed record GitleaksImportIssue(SourceLocation Location, string? RuleId, string Item, string Reason)
{
    /// <inheritdoc />
    public override string ToString() =>
        RuleId is null ? $"{Location}: {Item}: {Reason}"
        : Item == "rule" ? $"{Location}: rule {RuleId}: {Reason}"
        : $"{Location}: rule {RuleId}: {Item}: {Reason}";
}

/// <summary>
/// The outcome of <see cref="GitleaksImporter.Convert"/>. <see cref="Yaml"/> is null only when the
/// TOML itself could not be parsed (<see cref="Errors"/> says where); otherwise it is a complete
/// <c>.secrethook.yaml</c> that <see cref="ConfigLoader.Load"/> accepts, even when some or all rules
/// were <see cref="Unconverted"/>.
/// </summary>
/// <param name="Yaml">The configuration text, or null on a TOML syntax error.</param>
/// <param name="RulesConverted">How many gitleaks rules became secrethook rules.</param>
/// <param name="RulesTotal">How many <c>[[rules]]</c> the gitleaks file has.</param>
/// <param name="Unconverted">What could not be converted (dropped), each with the reason.</param>
/// <param name="Notes">What was converted with a change worth knowing (a renamed id, derived keywords, …).</param>
/// <param name="Errors">TOML syntax errors (then <see cref="Yaml"/> is null).</param>
public sealed record GitleaksImportResult(
    string? Yaml,
    int RulesConverted,
    int RulesTotal,
    IReadOnlyList<GitleaksImportIssue> Unconverted,
    IReadOnlyList<GitleaksImportIssue> Notes,
    IReadOnlyList<RuleLoadError> Errors)
{
    /// <summary>Whether the TOML parsed and <see cref="Yaml"/> holds the converted configuration.</summary>
    public bool Success => Yaml is not null;
}

/// <summary>
/// Converts a gitleaks (v8) configuration — <c>.gitleaks.toml</c> — into secrethook's configuration
/// (the <c>.secrethook.yaml</c> schema: <c>extend</c>, <c>allowlist</c>, <c>rules</c> as in
/// <c>patterns/SCHEMA.md</c>). Pure: it takes the TOML text and the file's name and returns text and
/// data; reading and writing files is the caller's business. The TOML is read with Tomlyn's syntax
/// tree (no reflection, AOT-safe).
/// <para>What maps, and how:</para>
/// <list type="bullet">
/// <item><c>[[rules]]</c>: <c>id</c> (made lower-case kebab; renamed with a <c>-gitleaks</c> suffix when
/// it collides with a reserved id such as a built-in rule's), <c>description</c>, <c>regex</c>
/// translated from Go RE2 to .NET (<see cref="Re2Translator"/>) with gitleaks' <c>secretGroup</c>
/// becoming the group named <c>secret</c>, <c>entropy</c>, <c>keywords</c> (those of 3+ ASCII
/// characters; when none are left they are derived from literals every match must contain, else the
/// rule is dropped); rule allowlists (<c>[rules.allowlist]</c> and <c>[[rules.allowlists]]</c>):
/// <c>regexes</c> (matched against the secret, gitleaks' default target) and <c>stopwords</c>.</item>
/// <item>Global <c>[allowlist]</c> / <c>[[allowlists]]</c>: <c>regexes</c> and <c>stopwords</c> to the
/// top-level <c>allowlist</c>; <c>paths</c> (Go regexes) to <c>allowlist.paths</c> globs when the
/// regex has an exact glob equivalent (<see cref="Re2Translator.PathGlobs"/>); with
/// <c>targetRules</c>, regexes and stopwords go to those rules' own allowlists.</item>
/// <item><c>[extend] useDefault = true</c> becomes <c>extend: true</c> (the built-in pack stays);
/// without it gitleaks runs only the file's rules, so the result says <c>extend: false</c> — unless no
/// rule converted, when replacing the pack would leave nothing to run.</item>
/// </list>
/// <para>Listed as unconverted, with the reason: rules with <c>path</c> (secrethook rules cannot be
/// limited to paths), path-only rules, composite rules (<c>[[rules.required]]</c>), regexes the
/// translation or the linear-time engine rejects, rule-level allowlist <c>paths</c>, <c>commits</c>
/// (use a baseline), allowlists with <c>regexTarget</c> <c>match</c>/<c>line</c> or with
/// <c>condition = "AND"</c> over several kinds of check, <c>[extend] path</c> and
/// <c>disabledRules</c> (gitleaks' rule ids are not secrethook's), and unknown keys.</para>
/// </summary>
public static class GitleaksImporter
{
    private static readonly string[] RuleKeys =
        ["id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags", "allowlist", "allowlists", "required", "skipReport"];

    private static readonly string[] AllowlistKeys =
        ["description", "condition", "regexTarget", "regexes", "stopwords", "paths", "commits", "targetRules"];

    /// <summary>
    /// Converts the gitleaks configuration <paramref name="toml"/>, naming <paramref name="file"/> in
    /// positions. <paramref name="reservedIds"/>: rule ids a converted rule must not take (pass the
    /// built-in pack's ids so that <c>extend: true</c> composes without a duplicate id).
    /// </summary>
    public static GitleaksImportResult Convert(string toml, string file, IReadOnlyCollection<string>? reservedIds = null)
    {
        ArgumentNullException.ThrowIfNull(toml);
        ArgumentNullException.ThrowIfNull(file);
        var parseErrors = new List<(int Line, int Column, string Message)>();
        var root = TomlTree.Parse(toml, file, parseErrors);
        if (root is null)
        {
            var errors = parseErrors.Select(e => new RuleLoadError(new SourceLocation(file, e.Line, e.Column), null, e.Message)).ToList();
            return new GitleaksImportResult(null, 0, 0, [], [], errors);
        }
        return new Conversion(file, reservedIds ?? []).Run(root);
    }

    private sealed class ConvertedRule
    {
        public required string Id { get; init; }

        public required string GitleaksId { get; init; }

        public required string Description { get; init; }

        public required List<string> Keywords { get; init; }

        public required string Regex { get; init; }

        public double? Entropy { get; init; }

        public List<string> AllowRegexes { get; } = [];

        public List<string> Stopwords { get; } = [];
    }

    private sealed class AllowlistParts
    {
        public List<string> Regexes { get; } = [];

        public List<string> Stopwords { get; } = [];

        public List<string> Paths { get; } = [];
    }

    private sealed class Conversion(string file, IReadOnlyCollection<string> reserved)
    {
        private readonly List<GitleaksImportIssue> _unconverted = [];
        private readonly List<GitleaksImportIssue> _notes = [];
        private readonly HashSet<string> _usedIds = new(reserved, StringComparer.Ordinal);
        private readonly HashSet<string> _reserved = new(reserved, StringComparer.Ordinal);

        private SourceLocation At(int line, int column) => new(file, line, column);

        private SourceLocation At(TomlValue v) => At(v.Line, v.Column);

        private void Unconverted(SourceLocation at, string? rule, string item, string reason) =>
            _unconverted.Add(new GitleaksImportIssue(at, rule, item, reason));

        private void Note(SourceLocation at, string? rule, string item, string reason) =>
            _notes.Add(new GitleaksImportIssue(at, rule, item, reason));

        public GitleaksImportResult Run(TomlNode root)
        {
            bool useDefault = false;
            if (root.Get("extend") is { AsTable: { } extendTable })
            {
                foreach (var (key, value) in extendTable.Items)
                {
                    switch (key)
                    {
                        case "useDefault":
                            useDefault = value.Value is true;
                            break;
                        case "path":
                        case "url":
                            Unconverted(At(value), null, $"extend.{key}", $"extends another gitleaks configuration ({value.Value}); convert that file too and merge its rules");
                            break;
                        case "disabledRules":
                            foreach (var item in value.AsList ?? [])
                            {
                                Unconverted(At(item), null, "extend.disabledRules",
                                    $"'{item.Value}' is a gitleaks default rule id; find secrethook's equivalent with 'secrethook rules' and list it under 'disable'");
                            }
                            break;
                        default:
                            Unconverted(At(value), null, $"extend.{key}", "unknown key, ignored");
                            break;
                    }
                }
            }

            var globalParts = new AllowlistParts();
            var targeted = new List<(List<string> Rules, AllowlistParts Parts, SourceLocation At)>();
            foreach (var (name, table) in Allowlists(root, "allowlist", "allowlists"))
            {
                var parts = ReadAllowlist(table, null, name, global: true, out var targets);
                if (targets.Count > 0)
                {
                    if (parts.Paths.Count > 0)
                    {
                        Unconverted(At(table.Line, table.Column), null, $"{name}.paths",
                            $"applies only to rules {string.Join(", ", targets)}; secrethook's path allowlist applies to every rule");
                        parts.Paths.Clear();
                    }
                    targeted.Add((targets, parts, At(table.Line, table.Column)));
                }
                else
                {
                    globalParts.Regexes.AddRange(parts.Regexes);
                    globalParts.Stopwords.AddRange(parts.Stopwords);
                    globalParts.Paths.AddRange(parts.Paths);
                }
            }

            var rules = new List<ConvertedRule>();
            int total = 0;
            if (root.Get("rules") is { } rulesValue)
            {
                if (rulesValue.AsList is not { } list)
                {
                    Unconverted(At(rulesValue), null, "rules", "must be an array of tables ([[rules]])");
                }
                else
                {
                    foreach (var item in list)
                    {
                        total++;
                        if (item.AsTable is not { } table)
                        {
                            Unconverted(At(item), null, "rules", "a rule must be a table");
                            continue;
                        }
                        if (ConvertRule(table, total) is { } rule)
                        {
                            rules.Add(rule);
                        }
                    }
                }
            }

            foreach (var (targets, parts, at) in targeted)
            {
                foreach (var target in targets)
                {
                    var rule = rules.Find(r => r.GitleaksId == target);
                    if (rule is null)
                    {
                        Unconverted(at, null, "allowlists.targetRules", $"rule '{target}' is not in this file or was not converted; its allowlist entries were dropped");
                        continue;
                    }
                    rule.AllowRegexes.AddRange(parts.Regexes);
                    rule.Stopwords.AddRange(parts.Stopwords);
                }
            }

            foreach (var (key, value) in root.Items)
            {
                if (key is not ("title" or "description" or "minVersion" or "extend" or "allowlist" or "allowlists" or "rules"))
                {
                    Unconverted(At(value), null, key, "unknown key, ignored");
                }
            }

            bool extend = useDefault || rules.Count == 0;
            if (!useDefault && rules.Count > 0)
            {
                Note(At(1, 1), null, "extend",
                    "the gitleaks file does not extend gitleaks' default rules, so the result replaces secrethook's built-in rules (extend: false); set 'extend: true' to keep them");
            }
            string yaml = Write(extend, useDefault, globalParts, rules, total);
            return new GitleaksImportResult(yaml, rules.Count, total, _unconverted, _notes, []);
        }

        /// <summary>The allowlist tables under <paramref name="single"/> (one table) and <paramref name="plural"/> (an array of tables).</summary>
        private IEnumerable<(string Name, TomlNode Table)> Allowlists(TomlNode parent, string single, string plural)
        {
            if (parent.Get(single) is { } one)
            {
                if (one.AsTable is { } t)
                {
                    yield return (single, t);
                }
                else
                {
                    Unconverted(At(one), null, single, "must be a table");
                }
            }
            if (parent.Get(plural) is { } many)
            {
                foreach (var item in many.AsList ?? [many])
                {
                    if (item.AsTable is { } t)
                    {
                        yield return (plural, t);
                    }
                    else
                    {
                        Unconverted(At(item), null, plural, "must be an array of tables");
                    }
                }
            }
        }

        private AllowlistParts ReadAllowlist(TomlNode table, string? rule, string name, bool global, out List<string> targets)
        {
            var parts = new AllowlistParts();
            targets = [];
            var at = At(table.Line, table.Column);
            foreach (var (key, value) in table.Items)
            {
                if (!AllowlistKeys.Contains(key))
                {
                    Unconverted(At(value), rule, $"{name}.{key}", "unknown key, ignored");
                }
            }
            var regexes = Strings(table, "regexes", rule, name);
            var stopwords = Strings(table, "stopwords", rule, name);
            var paths = Strings(table, "paths", rule, name);
            var commits = Strings(table, "commits", rule, name);
            targets = global ? Strings(table, "targetRules", rule, name).Select(s => s.Value).ToList() : [];
            if (!global && table.Get("targetRules") is { } tr)
            {
                Unconverted(At(tr), rule, $"{name}.targetRules", "only global allowlists can target rules");
            }

            string condition = table.Get("condition")?.AsString?.ToUpperInvariant() ?? "OR";
            int kinds = (regexes.Count > 0 ? 1 : 0) + (stopwords.Count > 0 ? 1 : 0) + (paths.Count > 0 ? 1 : 0) + (commits.Count > 0 ? 1 : 0);
            if (condition == "AND" && kinds > 1)
            {
                Unconverted(at, rule, name,
                    "condition = \"AND\" allows a finding only when several checks hold together; secrethook's allowlist checks are independent (any one allows), so the whole allowlist was dropped");
                return parts;
            }
            if (condition is not ("AND" or "OR"))
            {
                Unconverted(At(table.Get("condition")!), rule, $"{name}.condition", $"unknown condition '{condition}'; the whole allowlist was dropped");
                return parts;
            }

            string target = table.Get("regexTarget")?.AsString ?? "";
            if (regexes.Count > 0 && target is "match" or "line")
            {
                Unconverted(At(table.Get("regexTarget")!), rule, $"{name}.regexes",
                    $"regexTarget = \"{target}\": secrethook's allowlist regexes are tested against the secret only; {regexes.Count} regex(es) dropped");
            }
            else
            {
                foreach (var (re, v) in regexes)
                {
                    var t = Re2Translator.Translate(re, null);
                    if (t.Success)
                    {
                        parts.Regexes.Add(t.Pattern!);
                    }
                    else
                    {
                        Unconverted(At(v), rule, $"{name}.regexes", $"'{re}': {t.Error}");
                    }
                }
            }
            foreach (var (word, _) in stopwords)
            {
                parts.Stopwords.Add(word);
            }
            foreach (var (_, v) in commits)
            {
                Unconverted(At(v), rule, $"{name}.commits", $"'{v.Value}': secrethook does not allow by commit; record existing findings with 'secrethook baseline create --commits ...' instead");
            }
            foreach (var (re, v) in paths)
            {
                if (!global)
                {
                    Unconverted(At(v), rule, $"{name}.paths",
                        $"'{re}': secrethook's path allowlist applies to every rule, not one; add a matching glob to the top-level 'allowlist.paths' if that is acceptable");
                    continue;
                }
                var globs = Re2Translator.PathGlobs(re, out var reason);
                if (globs is null)
                {
                    Unconverted(At(v), rule, $"{name}.paths", $"'{re}' has no exact glob equivalent ({reason}); write the glob by hand under 'allowlist.paths'");
                }
                else
                {
                    parts.Paths.AddRange(globs);
                }
            }
            return parts;
        }

        private List<(string Value, TomlValue Node)> Strings(TomlNode table, string key, string? rule, string prefix)
        {
            var list = new List<(string, TomlValue)>();
            if (table.Get(key) is not { } value)
            {
                return list;
            }
            if (value.AsList is not { } items)
            {
                Unconverted(At(value), rule, $"{prefix}.{key}", $"must be an array of strings, not {value.TypeName}");
                return list;
            }
            foreach (var item in items)
            {
                if (item.AsString is { Length: > 0 } s)
                {
                    list.Add((s, item));
                }
                else
                {
                    Unconverted(At(item), rule, $"{prefix}.{key}", $"entries must be non-empty strings, not {item.TypeName}");
                }
            }
            return list;
        }

        private ConvertedRule? ConvertRule(TomlNode table, int index)
        {
            var at = At(table.Line, table.Column);
            string gitleaksId = table.Get("id")?.AsString ?? $"rule-{index}";
            string rid = gitleaksId;
            foreach (var (key, value) in table.Items)
            {
                if (!RuleKeys.Contains(key))
                {
                    Unconverted(At(value), rid, key, "unknown key, ignored");
                }
            }
            if (table.Get("id") is null)
            {
                Note(at, rid, "id", $"the rule has no id; it is called '{gitleaksId}'");
            }
            if (table.Get("required") is { } required)
            {
                Unconverted(At(required), rid, "rule", "a composite rule ([[rules.required]]) needs other rules to match nearby; secrethook has no equivalent");
                return null;
            }
            if (table.Get("skipReport")?.Value is true)
            {
                Unconverted(at, rid, "rule", "skipReport = true: the rule only feeds composite rules");
                return null;
            }
            var regexValue = table.Get("regex");
            if (regexValue?.AsString is not { Length: > 0 } regex)
            {
                Unconverted(at, rid, "rule", table.Get("path") is not null
                    ? "a path-only rule (it flags files by name, not content); secrethook rules match content"
                    : "the rule has no regex");
                return null;
            }
            if (table.Get("path") is { } path)
            {
                Unconverted(At(path), rid, "rule",
                    $"path = '{path.Value}' limits the rule to matching files; secrethook rules cannot be limited to paths, and running it everywhere would change what it reports");
                return null;
            }

            int secretGroup = 0;
            if (table.Get("secretGroup") is { } sg)
            {
                if (sg.Value is long n && n is >= 0 and <= 1000)
                {
                    secretGroup = (int)n;
                }
                else
                {
                    Unconverted(At(sg), rid, "rule", $"secretGroup must be a non-negative integer, not {sg.Value}");
                    return null;
                }
            }
            var translation = Re2Translator.Translate(regex, secretGroup);
            if (!translation.Success)
            {
                Unconverted(At(regexValue), rid, "rule", $"regex '{regex}': {translation.Error}");
                return null;
            }
            foreach (var note in translation.Notes)
            {
                Note(At(regexValue), rid, "regex", note);
            }

            var keywords = new List<string>();
            if (table.Get("keywords") is not null)
            {
                foreach (var (kw, node) in Strings(table, "keywords", rid, "keywords"))
                {
                    if (kw.Length < RuleLoader.MinKeywordLength)
                    {
                        Note(At(node), rid, "keywords", $"'{kw}' is shorter than {RuleLoader.MinKeywordLength} characters (too common to prefilter on); dropped");
                    }
                    else if (!kw.All(char.IsAscii))
                    {
                        Note(At(node), rid, "keywords", $"'{kw}' is not ASCII; dropped");
                    }
                    else
                    {
                        keywords.Add(kw.ToLowerInvariant());
                    }
                }
            }
            keywords = [.. keywords.Distinct(StringComparer.Ordinal)];
            if (keywords.Count == 0)
            {
                var derived = Re2Translator.RequiredLiterals(regex, RuleLoader.MinKeywordLength);
                if (derived.Count == 0)
                {
                    Unconverted(at, rid, "rule",
                        $"no keyword of {RuleLoader.MinKeywordLength}+ ASCII characters, and none can be derived from the regex (secrethook runs a rule's regex only near one of its keywords); add a literal every match contains to 'keywords'");
                    return null;
                }
                keywords = [.. derived.Select(k => k.ToLowerInvariant()).Distinct(StringComparer.Ordinal)];
                Note(at, rid, "keywords", $"derived from the regex: {string.Join(", ", keywords)}");
            }

            double? entropy = null;
            if (table.Get("entropy") is { } e)
            {
                if (e.AsNumber is { } x && x is >= 0 and <= 8)
                {
                    entropy = x == 0 ? null : x;
                }
                else
                {
                    Unconverted(At(e), rid, "entropy", $"must be a number from 0 to 8, not {e.Value}; the rule has no entropy check");
                }
            }
            if (table.Get("tags") is { } tags)
            {
                Note(At(tags), rid, "tags", "secrethook rules have no tags; dropped");
            }

            string id = UniqueId(gitleaksId, at);
            var rule = new ConvertedRule
            {
                Id = id,
                GitleaksId = gitleaksId,
                Description = table.Get("description")?.AsString is { Length: > 0 } d ? d : gitleaksId,
                Keywords = keywords,
                Regex = translation.Pattern!,
                Entropy = entropy,
            };
            foreach (var (name, allow) in Allowlists(table, "allowlist", "allowlists"))
            {
                var parts = ReadAllowlist(allow, rid, $"{name}", global: false, out _);
                rule.AllowRegexes.AddRange(parts.Regexes);
                rule.Stopwords.AddRange(parts.Stopwords);
            }
            return rule;
        }

        private string UniqueId(string gitleaksId, SourceLocation at)
        {
            var sb = new StringBuilder();
            foreach (char c in gitleaksId.ToLowerInvariant())
            {
                if (char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c))
                {
                    sb.Append(c);
                }
                else if (sb.Length > 0 && sb[^1] != '-')
                {
                    sb.Append('-');
                }
            }
            string id = sb.ToString().Trim('-');
            if (id.Length == 0)
            {
                id = "gitleaks-rule";
            }
            if (id != gitleaksId)
            {
                Note(at, gitleaksId, "id", $"secrethook ids are lower-case letters, digits and '-'; renamed to '{id}'");
            }
            string candidate = id;
            if (_reserved.Contains(candidate))
            {
                candidate = id + "-gitleaks";
                Note(at, gitleaksId, "id", $"'{id}' is a built-in secrethook rule id; renamed to '{candidate}'");
            }
            for (int n = 2; !_usedIds.Add(candidate); n++)
            {
                candidate = $"{id}-{n}";
                if (!_usedIds.Contains(candidate))
                {
                    Note(at, gitleaksId, "id", $"the id is used twice; this one is renamed to '{candidate}'");
                }
            }
            return candidate;
        }

        private string Write(bool extend, bool useDefault, AllowlistParts global, List<ConvertedRule> rules, int total)
        {
            var y = new StringBuilder();
            y.Append("# Converted from the gitleaks configuration ").Append(OneLine(file)).Append(" by 'secrethook rules import-gitleaks'.\n");
            y.Append(CultureInfo.InvariantCulture, $"# {rules.Count} of {total} rule(s) converted; {_unconverted.Count} item(s) could not be converted (listed on stderr).\n");
            y.Append("# Regexes were translated from Go RE2 syntax to .NET syntax for the linear-time engine.\n");
            y.Append(CultureInfo.InvariantCulture, $"extend: {(extend ? "true" : "false")}");
            y.Append(useDefault ? "    # [extend] useDefault = true\n" : extend ? "\n" : "    # the gitleaks file replaces the default rules\n");
            if (global.Paths.Count + global.Regexes.Count + global.Stopwords.Count > 0)
            {
                y.Append("allowlist:\n");
                List("  ", "paths", global.Paths.Distinct(StringComparer.Ordinal), y);
                List("  ", "regexes", global.Regexes.Distinct(StringComparer.Ordinal), y);
                List("  ", "stopwords", global.Stopwords.Distinct(StringComparer.Ordinal), y);
            }
            if (rules.Count == 0)
            {
                y.Append("rules: []\n");
                return y.ToString();
            }
            y.Append("rules:\n");
            foreach (var r in rules)
            {
                y.Append("  - id: ").Append(r.Id).Append('\n');
                y.Append("    description: ").Append(Quote(r.Description)).Append('\n');
                y.Append("    keywords: [").Append(string.Join(", ", r.Keywords.Select(Quote))).Append("]\n");
                y.Append("    regex: ").Append(Quote(r.Regex)).Append('\n');
                if (r.Entropy is { } entropy)
                {
                    y.Append("    entropy: ").Append(entropy.ToString("0.###", CultureInfo.InvariantCulture)).Append('\n');
                }
                if (r.AllowRegexes.Count + r.Stopwords.Count > 0)
                {
                    y.Append("    allowlist:\n");
                    List("      ", "regexes", r.AllowRegexes.Distinct(StringComparer.Ordinal), y);
                    List("      ", "stopwords", r.Stopwords.Distinct(StringComparer.Ordinal), y);
                }
                string remediation = $"Imported from the gitleaks rule '{r.GitleaksId}' in {file}. Remove the secret from the file, rotate it if it was real, and load it from the environment or a secrets manager instead.";
                y.Append("    remediation: ").Append(Quote(remediation)).Append('\n');
            }
            return y.ToString();
        }

        private static void List(string indent, string key, IEnumerable<string> values, StringBuilder y)
        {
            var items = values.ToList();
            if (items.Count == 0)
            {
                return;
            }
            y.Append(indent).Append(key).Append(":\n");
            foreach (var v in items)
            {
                y.Append(indent).Append("  - ").Append(Quote(v)).Append('\n');
            }
        }
    }

    private static string OneLine(string s) => s.ReplaceLineEndings(" ");

    /// <summary>A YAML scalar for <paramref name="s"/>: single-quoted, or double-quoted with escapes when it holds control or non-printable characters.</summary>
    internal static string Quote(string s)
    {
        if (!s.Any(c => char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF'))
        {
            return "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
        }
        var sb = new StringBuilder("\"");
        foreach (char c in s)
        {
            switch (c)
            {
                case '"': sb.Append("\\\""); break;
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '\t': sb.Append(@"\t"); break;
                case '\r': sb.Append(@"\r"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' or '\uFEFF')
                    {
                        sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    }
                    else
                    {
                        sb.Append(c);
                    }
                    break;
            }
        }
        return sb.Append('"').ToString();
    }
}
