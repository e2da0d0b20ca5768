using System.Globalization;
using System.Text.RegularExpressions;
using SecretHook.Core.Detection;
using SecretHook.Core.Verification;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretHook.Core.Rules;

/// <summary>A rule file's name (as shown in errors) and its text.</summary>
public sealed record RuleSource(string Name, string Text);

/// <summary>One problem in a rule file, printed as <c>file:line:col: rule ID: message</c>.</summary>
public sealed record RuleLoadError(SourceLocation Location, string? RuleId, string Message)
{
    /// <inheritdoc />
    public override string ToString() =>
        RuleId is null ? $"{Location}: {Message}" : $"{Location}: rule {RuleId}: {Message}";
}

/// <summary>The outcome of loading rule files: a rule set when there were no errors, else every error.</summary>
public sealed record RuleLoadResult(RuleSet? RuleSet, IReadOnlyList<RuleLoadError> Errors)
{
    /// <summary>Whether loading succeeded.</summary>
    public bool Success => RuleSet is not null;
}

/// <summary>
/// Parses rule files (the schema in <c>patterns/SCHEMA.md</c>) with YamlDotNet's representation model
/// (no reflection, AOT-safe), validates every value and collects every problem with its position
/// instead of stopping at the first.
/// </summary>
public static partial class RuleLoader
{
    private static readonly string[] FileKeys = ["provider", "rules", "allowlist"];
    private static readonly string[] RuleKeys =
        ["id", "description", "keywords", "regex", "entropy", "multiline", "window", "fallback", "priority", "structure", "allowlist", "remediation", "examples", "provider", "verify"];
    private static readonly string[] AllowlistKeys = ["regexes", "stopwords"];
    private static readonly string[] ExampleKeys = ["positive", "negative"];

    /// <summary>The minimum keyword length: shorter keywords hit too often to be a useful prefilter.</summary>
    public const int MinKeywordLength = 3;

    /// <summary>
    /// Loads rules from <paramref name="sources"/>. With <paramref name="compileRegexes"/>, every regex
    /// is compiled now so that a bad one is reported with its position (do this for user-supplied files;
    /// the built-in pack is proven by the catalogue test and compiles lazily, keeping start-up cheap).
    /// </summary>
    /// <param name="sources">The rule files.</param>
    /// <param name="compileRegexes">Compile every regex now (on the linear-time engine) and report failures.</param>
    /// <param name="vetted">The files ship with the tool: their rules run on the backtracking
    /// interpreter first (see <see cref="Rule.Vetted"/>). Never set it for user-supplied files.</param>
    /// <param name="verifyHosts">The hosts a <c>verify:</c> block of a rule that is not vetted may name
    /// (default <see cref="VerificationHostPolicy.BuiltInOnly"/>); build a wider one only from the
    /// user's own configuration, never from a repository's.</param>
    public static RuleLoadResult Load(IEnumerable<RuleSource> sources, bool compileRegexes, bool vetted = false,
        VerificationHostPolicy? verifyHosts = null)
    {
        var errors = new List<RuleLoadError>();
        var rules = new List<Rule>();
        var seen = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var globalRegexes = new List<string>();
        var globalStopwords = new List<string>();
        foreach (var source in sources)
        {
            var ctx = new Context(source.Name, errors, compileRegexes, vetted, verifyHosts);
            LoadFile(source, ctx, rules, seen, globalRegexes, globalStopwords);
        }
        if (errors.Count > 0)
        {
            return new RuleLoadResult(null, errors);
        }
        return new RuleLoadResult(new RuleSet(rules, new Allowlist(globalRegexes, globalStopwords, vetted)), errors);
    }

    private static void LoadFile(RuleSource source, Context ctx, List<Rule> rules,
        Dictionary<string, SourceLocation> seen, List<string> globalRegexes, List<string> globalStopwords)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(source.Text));
        }
        catch (YamlException e)
        {
            ctx.Error(e.Start, null, $"invalid YAML: {e.Message}");
            return;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException or OverflowException)
        {
            // YamlDotNet reports some malformed documents (found by fuzzing: "- : ", "<<: *a<<: *a") this way, not as a YamlException.
            ctx.Error(Mark.Empty, null, $"invalid YAML: {e.Message}");
            return;
        }
        if (stream.Documents.Count == 0)
        {
            return;
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            ctx.Error(stream.Documents[0].RootNode.Start, null, "a rule file must be a mapping with a 'rules' list");
            return;
        }
        ctx.CheckKeys(root, FileKeys, null);
        string provider = ctx.OptionalString(root, "provider", null) ?? Path.GetFileNameWithoutExtension(source.Name);
        if (Child(root, "allowlist") is { } allow)
        {
            var list = ctx.ReadAllowlist(allow, null);
            globalRegexes.AddRange(list.RegexSources);
            globalStopwords.AddRange(list.Stopwords);
        }
        var rulesNode = Child(root, "rules");
        if (rulesNode is null)
        {
            return;
        }
        if (rulesNode is not YamlSequenceNode seq)
        {
            ctx.Error(rulesNode.Start, null, "'rules' must be a list");
            return;
        }
        ReadRules(seq, provider, ctx, rules, seen);
    }

    /// <summary>Reads each rule of <paramref name="seq"/>, rejecting ids already in <paramref name="seen"/>.</summary>
    private static void ReadRules(YamlSequenceNode seq, string provider, Context ctx, List<Rule> rules,
        Dictionary<string, SourceLocation> seen)
    {
        foreach (var node in seq)
        {
            if (node is not YamlMappingNode map)
            {
                ctx.Error(node.Start, null, "a rule must be a mapping");
                continue;
            }
            var rule = ctx.ReadRule(map, provider);
            if (rule is null)
            {
                continue;
            }
            if (seen.TryGetValue(rule.Id, out var first))
            {
                ctx.Error(map.Start, rule.Id, $"duplicate rule id (first defined at {first})");
                continue;
            }
            seen[rule.Id] = rule.Location;
            rules.Add(rule);
        }
    }

    /// <summary>
    /// Loads the rules of a YAML node that is part of another document (the <c>rules</c> key of a
    /// <c>.secrethook.yaml</c>), with the same validation as a rule file; errors name <paramref name="file"/>
    /// and positions are those of the node in that document. The result's rule set has an empty global
    /// allowlist.
    /// </summary>
    /// <remarks>Rules of a configuration file are never vetted: their <c>verify:</c> hosts must be
    /// permitted by <paramref name="verifyHosts"/> (default: the built-in hosts only).</remarks>
    internal static RuleLoadResult LoadRules(string file, YamlNode rulesNode, string provider, bool compileRegexes,
        VerificationHostPolicy? verifyHosts = null)
    {
        var errors = new List<RuleLoadError>();
        var rules = new List<Rule>();
        var ctx = new Context(file, errors, compileRegexes, vetted: false, verifyHosts);
        if (rulesNode is not YamlSequenceNode seq)
        {
            ctx.Error(rulesNode.Start, null, "'rules' must be a list");
            return new RuleLoadResult(null, errors);
        }
        ReadRules(seq, provider, ctx, rules, new Dictionary<string, SourceLocation>(StringComparer.Ordinal));
        return errors.Count > 0
            ? new RuleLoadResult(null, errors)
            : new RuleLoadResult(new RuleSet(rules, Allowlist.Empty), errors);
    }

    /// <summary>
    /// Compiles <paramref name="pattern"/> now, as rule regexes run (linear-time engine); when it cannot
    /// be compiled, adds an error at <paramref name="mark"/> (shifted to the offending offset where the
    /// parser says) to <paramref name="errors"/> and returns false.
    /// </summary>
    internal static bool CheckRegex(string file, string pattern, Mark mark, List<RuleLoadError> errors) =>
        new Context(file, errors, compileRegexes: true).CheckRegex(pattern, mark, null);

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    [GeneratedRegex("^[a-z0-9]+(?:[-.][a-z0-9]+)*$")]
    private static partial Regex IdPattern();

    private sealed class Context(string file, List<RuleLoadError> errors, bool compileRegexes, bool vetted = false,
        VerificationHostPolicy? verifyHosts = null)
    {
        private int _errorsAtRuleStart;

        public void Error(Mark mark, string? ruleId, string message) =>
            errors.Add(new RuleLoadError(new SourceLocation(file, (int)mark.Line, (int)mark.Column), ruleId, message));

        public void CheckKeys(YamlMappingNode map, string[] allowed, string? ruleId, string? message = null)
        {
            foreach (var key in map.Children.Keys)
            {
                if (key is not YamlScalarNode { Value: { } name } || !allowed.Contains(name))
                {
                    Error(key.Start, ruleId, message is null
                        ? $"unknown key '{(key as YamlScalarNode)?.Value}' (expected one of: {string.Join(", ", allowed)})"
                        : $"unknown key '{(key as YamlScalarNode)?.Value}': {message}");
                }
            }
        }

        public Rule? ReadRule(YamlMappingNode map, string fileProvider)
        {
            _errorsAtRuleStart = errors.Count;
            string? id = OptionalString(map, "id", null);
            if (id is null)
            {
                Error(map.Start, null, "missing required key 'id'");
            }
            else if (!IdPattern().IsMatch(id))
            {
                Error(Child(map, "id")!.Start, id, "id must be lower-case letters, digits and '-'");
            }
            CheckKeys(map, RuleKeys, id);
            string provider = OptionalString(map, "provider", id) ?? fileProvider;
            string? description = RequiredString(map, "description", id);
            string? remediation = RequiredString(map, "remediation", id);
            var keywords = ReadKeywords(map, id);
            string? pattern = ReadPattern(map, id);
            double? entropy = ReadEntropy(map, id);
            bool multiline = OptionalBool(map, "multiline", id);
            bool fallback = OptionalBool(map, "fallback", id);
            int priority = ReadPriority(map, id, fallback);
            var (windowBefore, windowAfter) = ReadWindow(map, id, multiline);
            var structure = ReadStructure(map, id);
            var allowlist = Child(map, "allowlist") is { } a ? ReadAllowlist(a, id) : Allowlist.Empty;
            var examples = Child(map, "examples") is { } e ? ReadExamples(e, id) : RuleExamples.None;
            var verify = Child(map, "verify") is { } v ? ReadVerify(v, id) : null;
            if (errors.Count > _errorsAtRuleStart || id is null || description is null || remediation is null || pattern is null)
            {
                return null;
            }
            return new Rule(id, provider, description, keywords, pattern, entropy, multiline, fallback, allowlist,
                remediation.Trim(), examples, new SourceLocation(file, (int)map.Start.Line, (int)map.Start.Column))
            { Priority = priority, Structure = structure, Vetted = vetted, Verify = verify, WindowBefore = windowBefore, WindowAfter = windowAfter };
        }

        private static readonly string[] HttpGetKeys = ["kind", "host", "path", "owner", "name", "scopes", "scopes-header", "headers", "forbidden"];
        private static readonly string[] HeaderGetKeys = [.. HttpGetKeys, "header"];
        private static readonly string[] FixedKindKeys = ["kind"];

        /// <summary>Headers a rule may not set: they belong to the transport or carry credentials.</summary>
        private static readonly string[] ReservedHeaders =
            ["host", "authorization", "proxy-authorization", "cookie", "content-length", "content-type", "transfer-encoding",
             "connection", "keep-alive", "te", "trailer", "upgrade", "expect", "forwarded", "x-forwarded-for", "x-forwarded-host"];

        private VerifySpec? ReadVerify(YamlNode node, string? id)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node.Start, id, "'verify' must be a mapping with a 'kind' (see patterns/SCHEMA.md)");
                return null;
            }
            int errorsBefore = errors.Count;
            var kindNode = Child(map, "kind");
            if (kindNode is null)
            {
                Error(map.Start, id, "'verify' needs a 'kind'");
                return null;
            }
            if (kindNode is not YamlScalarNode { Value: { } kindName } || !VerifySpec.KindsByName.TryGetValue(kindName, out var kind))
            {
                Error(kindNode.Start, id, $"'verify.kind' must be one of: {string.Join(", ", VerifySpec.KindsByName.Keys.Order(StringComparer.Ordinal))}");
                return null;
            }
            var location = new SourceLocation(file, (int)map.Start.Line, (int)map.Start.Column);
            if (VerifySpec.FixedTarget(kind) is { } target)
            {
                CheckKeys(map, FixedKindKeys, id, $"'verify' of kind {kindName} has a fixed host and takes no other key");
                return errors.Count > errorsBefore ? null : new VerifySpec(kind, target.Host, target.Path) { Location = location };
            }
            CheckKeys(map, kind == VerifierKind.HeaderGet ? HeaderGetKeys : HttpGetKeys, id, null);
            string? host = ReadHost(map, id);
            string? path = ReadPath(map, id);
            string? header = kind == VerifierKind.HeaderGet ? ReadHeaderName(map, "header", id, required: true) : null;
            var headers = ReadHeaders(map, id);
            string? owner = ReadJsonPath(map, "owner", id);
            string? name = ReadJsonPath(map, "name", id);
            string? scopes = ReadJsonPath(map, "scopes", id);
            string? scopesHeader = ReadHeaderName(map, "scopes-header", id, required: false);
            var forbidden = ForbiddenMeaning.Invalid;
            if (Child(map, "forbidden") is { } f)
            {
                if (f is YamlScalarNode { Value: "valid" or "invalid" } fs)
                {
                    forbidden = fs.Value == "valid" ? ForbiddenMeaning.Valid : ForbiddenMeaning.Invalid;
                }
                else
                {
                    Error(f.Start, id, "'verify.forbidden' must be 'valid' (a 403 answer means a live token without that permission) or 'invalid'");
                }
            }
            if (errors.Count > errorsBefore || host is null || path is null)
            {
                return null;
            }
            return new VerifySpec(kind, host, path)
            {
                Header = header,
                Headers = headers,
                Owner = owner,
                Name = name,
                Scopes = scopes,
                ScopesHeader = scopesHeader,
                Forbidden = forbidden,
                Location = location,
            };
        }

        private string? ReadHost(YamlMappingNode map, string? id)
        {
            var node = Child(map, "host");
            if (node is null)
            {
                Error(map.Start, id, "'verify' needs a 'host' (the provider's API host name)");
                return null;
            }
            if (node is not YamlScalarNode { Value: { } host } || !VerificationHostPolicy.IsValidHost(host))
            {
                Error(node.Start, id, "'verify.host' must be a lower-case DNS name such as api.example.com: the check always uses https on port 443, so no scheme, port, path or IP address");
                return null;
            }
            var policy = verifyHosts ?? VerificationHostPolicy.BuiltInOnly;
            if (!vetted && !policy.Permits(host))
            {
                Error(node.Start, id, $"'verify.host' {host} is not a built-in verification host ({string.Join(", ", VerificationHostPolicy.BuiltInHosts.Order(StringComparer.Ordinal))}); "
                    + "a custom rule may send a secret to another host only when the user allows that host in their own configuration, never a repository's");
                return null;
            }
            return host;
        }

        private string? ReadPath(YamlMappingNode map, string? id)
        {
            var node = Child(map, "path");
            if (node is null)
            {
                Error(map.Start, id, "'verify' needs a 'path' (e.g. /v1/models)");
                return null;
            }
            if (node is not YamlScalarNode { Value: { } path } || !IsValidPath(path))
            {
                Error(node.Start, id, "'verify.path' must start with '/' and hold only URL path characters: no query ('?'), fragment ('#'), '..' segment, space or '\\'");
                return null;
            }
            return path;
        }

        private static bool IsValidPath(string path)
        {
            if (path.Length is 0 or > 512 || path[0] != '/' || path.StartsWith("//", StringComparison.Ordinal))
            {
                return false;
            }
            foreach (char c in path)
            {
                if (!(char.IsAsciiLetterOrDigit(c) || "-._~!$&'()*+,;=:@%/".Contains(c, StringComparison.Ordinal)))
                {
                    return false;
                }
            }
            return !path.Split('/').Any(seg => seg is ".." or ".");
        }

        private string? ReadHeaderName(YamlMappingNode map, string key, string? id, bool required)
        {
            var node = Child(map, key);
            if (node is null)
            {
                if (required)
                {
                    Error(map.Start, id, $"'verify' of kind header-get needs a '{key}' (the request header that carries the token)");
                }
                return null;
            }
            if (node is not YamlScalarNode { Value: { } name } || !IsHeaderName(name))
            {
                Error(node.Start, id, $"'verify.{key}' must be an HTTP header name (letters, digits and '-')");
                return null;
            }
            if (key == "header" && ReservedHeaders.Contains(name.ToLowerInvariant()))
            {
                Error(node.Start, id, $"'verify.header' may not be {name}");
                return null;
            }
            return name.ToLowerInvariant();
        }

        private List<KeyValuePair<string, string>> ReadHeaders(YamlMappingNode map, string? id)
        {
            var list = new List<KeyValuePair<string, string>>();
            var node = Child(map, "headers");
            if (node is null)
            {
                return list;
            }
            if (node is not YamlMappingNode headers)
            {
                Error(node.Start, id, "'verify.headers' must be a mapping of header name to fixed value");
                return list;
            }
            foreach (var (k, v) in headers.Children)
            {
                if (k is not YamlScalarNode { Value: { } name } || !IsHeaderName(name) || ReservedHeaders.Contains(name.ToLowerInvariant()))
                {
                    Error(k.Start, id, $"'verify.headers': '{(k as YamlScalarNode)?.Value}' is not a header name a rule may set");
                }
                else if (v is not YamlScalarNode { Value: { Length: > 0 and <= 256 } value } || !value.All(c => c is >= ' ' and <= '~'))
                {
                    Error(v.Start, id, $"'verify.headers': the value of {name} must be printable ASCII text (at most 256 characters)");
                }
                else
                {
                    list.Add(new(name.ToLowerInvariant(), value));
                }
            }
            return list;
        }

        private static bool IsHeaderName(string name) =>
            name.Length is > 0 and <= 64 && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

        private string? ReadJsonPath(YamlMappingNode map, string key, string? id)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return null;
            }
            if (node is YamlScalarNode { Value: { Length: > 0 and <= 128 } path } &&
                path.Split('.').All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            {
                return path;
            }
            Error(node.Start, id, $"'verify.{key}' must be a dotted path of JSON member names (e.g. user.login)");
            return null;
        }

        private StructureCheck ReadStructure(YamlMappingNode map, string? id)
        {
            var node = Child(map, "structure");
            if (node is null)
            {
                return StructureCheck.None;
            }
            if (node is YamlScalarNode { Value: { } name } && StructureChecks.ByName.TryGetValue(name, out var check))
            {
                return check;
            }
            Error(node.Start, id, $"'structure' must be one of: {string.Join(", ", StructureChecks.ByName.Keys)}");
            return StructureCheck.None;
        }

        private int ReadPriority(YamlMappingNode map, string? id, bool fallback)
        {
            var node = Child(map, "priority");
            if (node is null)
            {
                return 0;
            }
            if (node is not YamlScalarNode { Value: { } s } || !int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int v) || v is < -100 or > 100)
            {
                Error(node.Start, id, "'priority' must be a whole number from -100 to 100");
                return 0;
            }
            if (!fallback)
            {
                Error(node.Start, id, "'priority' only orders fallback rules; set 'fallback: true' or remove it");
            }
            return v;
        }

        private static readonly string[] WindowKeys = ["before", "after"];

        /// <summary><c>window: {before: N, after: M}</c>: how far from a keyword hit a match can start and end (bytes).</summary>
        private (int? Before, int? After) ReadWindow(YamlMappingNode map, string? id, bool multiline)
        {
            var node = Child(map, "window");
            if (node is null)
            {
                return (null, null);
            }
            if (node is not YamlMappingNode window)
            {
                Error(node.Start, id, "'window' must be a mapping with 'before' and/or 'after'");
                return (null, null);
            }
            CheckKeys(window, WindowKeys, id);
            int max = multiline ? Detection.Detector.MultilineWindow : Detection.Detector.LineWindow;
            int? Read(string key, int min)
            {
                var n = Child(window, key);
                if (n is null)
                {
                    return null;
                }
                if (n is not YamlScalarNode { Value: { } s } || !int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
                {
                    Error(n.Start, id, $"'window.{key}' must be a whole number of bytes from {min} to {max}");
                    return null;
                }
                return v;
            }
            return (Read("before", 0), Read("after", 1));
        }

        private List<string> ReadKeywords(YamlMappingNode map, string? id)
        {
            var keywords = new List<string>();
            var node = Child(map, "keywords");
            if (node is null)
            {
                Error(map.Start, id, "missing required key 'keywords'");
                return keywords;
            }
            foreach (var (value, mark) in StringList(node, "keywords", id))
            {
                if (value.Length < MinKeywordLength)
                {
                    Error(mark, id, $"keyword '{value}' is shorter than {MinKeywordLength} characters");
                }
                else if (!value.All(char.IsAscii))
                {
                    Error(mark, id, $"keyword '{value}' is not ASCII");
                }
                else
                {
                    keywords.Add(value);
                }
            }
            if (keywords.Count == 0 && node is YamlSequenceNode { Children.Count: 0 })
            {
                Error(node.Start, id, "'keywords' must not be empty");
            }
            return keywords;
        }

        private string? ReadPattern(YamlMappingNode map, string? id)
        {
            string? pattern = RequiredString(map, "regex", id);
            if (pattern is null)
            {
                return null;
            }
            var mark = Child(map, "regex")!.Start;
            if (!pattern.Contains("(?<" + Rule.SecretGroup + ">", StringComparison.Ordinal))
            {
                Error(mark, id, $"regex has no group named '{Rule.SecretGroup}'");
                return null;
            }
            return CheckRegex(pattern, mark, id) ? pattern : null;
        }

        public bool CheckRegex(string pattern, Mark mark, string? id)
        {
            if (!compileRegexes)
            {
                return true;
            }
            try
            {
                Rule.Compile(pattern);
                return true;
            }
            catch (RegexParseException e)
            {
                var at = new Mark(mark.Index, mark.Line, mark.Column + e.Offset + 1);
                Error(at, id, $"invalid regex: {e.Error} at offset {e.Offset}");
            }
            catch (NotSupportedException e)
            {
                Error(mark, id, $"regex is not supported by the linear-time engine: {e.Message}");
            }
            catch (ArgumentException e)
            {
                Error(mark, id, $"invalid regex: {e.Message}");
            }
            return false;
        }

        private double? ReadEntropy(YamlMappingNode map, string? id)
        {
            var node = Child(map, "entropy");
            if (node is null)
            {
                return null;
            }
            if (node is YamlScalarNode { Value: { } s } &&
                double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) && v is >= 0 and <= 8)
            {
                return v;
            }
            Error(node.Start, id, "'entropy' must be a number from 0 to 8 (bits per character)");
            return null;
        }

        public Allowlist ReadAllowlist(YamlNode node, string? id)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node.Start, id, "'allowlist' must be a mapping with 'regexes' and/or 'stopwords'");
                return Allowlist.Empty;
            }
            CheckKeys(map, AllowlistKeys, id);
            var regexes = new List<string>();
            if (Child(map, "regexes") is { } r)
            {
                foreach (var (value, mark) in StringList(r, "regexes", id))
                {
                    if (CheckRegex(value, mark, id))
                    {
                        regexes.Add(value);
                    }
                }
            }
            var stopwords = Child(map, "stopwords") is { } s
                ? StringList(s, "stopwords", id).Select(x => x.Value).ToList()
                : [];
            return new Allowlist(regexes, stopwords, vetted);
        }

        private RuleExamples ReadExamples(YamlNode node, string? id)
        {
            if (node is not YamlMappingNode map)
            {
                Error(node.Start, id, "'examples' must be a mapping with 'positive' and/or 'negative'");
                return RuleExamples.None;
            }
            CheckKeys(map, ExampleKeys, id);
            var positive = new List<string>();
            if (Child(map, "positive") is { } p)
            {
                foreach (var (value, mark) in StringList(p, "positive", id))
                {
                    if (TemplateExpander.Validate(value) is { } problem)
                    {
                        Error(mark, id, $"positive example: {problem}");
                    }
                    positive.Add(value);
                }
            }
            var negative = Child(map, "negative") is { } n
                ? StringList(n, "negative", id).Select(x => x.Value).ToList()
                : [];
            return new RuleExamples(positive, negative);
        }

        public string? OptionalString(YamlMappingNode map, string key, string? id)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return null;
            }
            if (node is YamlScalarNode { Value: { Length: > 0 } v })
            {
                return v;
            }
            Error(node.Start, id, $"'{key}' must be a non-empty string");
            return null;
        }

        private string? RequiredString(YamlMappingNode map, string key, string? id)
        {
            if (Child(map, key) is null)
            {
                Error(map.Start, id, $"missing required key '{key}'");
                return null;
            }
            return OptionalString(map, key, id);
        }

        private bool OptionalBool(YamlMappingNode map, string key, string? id)
        {
            var node = Child(map, key);
            if (node is null)
            {
                return false;
            }
            if (node is YamlScalarNode { Value: "true" or "false" } s)
            {
                return s.Value == "true";
            }
            Error(node.Start, id, $"'{key}' must be true or false");
            return false;
        }

        private List<(string Value, Mark Mark)> StringList(YamlNode node, string key, string? id)
        {
            var list = new List<(string, Mark)>();
            if (node is not YamlSequenceNode seq)
            {
                Error(node.Start, id, $"'{key}' must be a list of strings");
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
                    Error(item.Start, id, $"'{key}' entries must be non-empty strings");
                }
            }
            return list;
        }
    }
}
