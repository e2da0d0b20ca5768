using SecretHook.Core.Configuration;
using SecretHook.Core.Detection;
using SecretHook.Core.Migration;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Migration;

/// <summary>
/// A gitleaks configuration with custom rules and allowlists is converted; the result loads through
/// <see cref="ConfigLoader"/>, composes with the built-in pack, and each converted rule fires on an
/// example made for it (expanded from a template with a seeded generator) while its allowlists hold.
/// </summary>
public sealed class GitleaksImporterTests
{
    private const string File = ".gitleaks.toml";

    // Regexes only: the file holds no secret. Line numbers matter to the assertions below.
    private const string Toml = """
        title = "acme gitleaks config"

        [extend]
        useDefault = true
        disabledRules = ["generic-api-key"]

        [[rules]]
        id = "acme-api-key"
        description = "Acme API key"
        regex = '''(?i)\b(acme_(?:live|test)_[a-z0-9]{32})\b'''
        secretGroup = 1
        keywords = ["acme_"]
        entropy = 3.0
        tags = ["key", "acme"]

        [[rules]]
        id = "Widget_Token"
        description = "Widget service token"
        regex = '''widget[_-]?token\s*[:=]\s*["']?(?P<tok>[A-Za-z0-9]{24})'''
        secretGroup = 1
        keywords = ["widget"]
        [rules.allowlist]
        stopwords = ["dummy"]
        regexes = ['''^X+$''']

        [[rules]]
        id = "corp-db-password"
        description = "Corp database password in a URL"
        regex = '''corpdb://[a-z]+:(?P<pw>[^@\s]{8,})@'''
        secretGroup = 1

        [[rules]]
        id = "zz-key"
        description = "ZZ key"
        regex = '''zz[[:digit:]]{6}-(ZZKEY[A-Z0-9]{12})'''
        keywords = ["zz"]

        [[rules]]
        id = "pem-file"
        path = '''\.pem$'''

        [[rules]]
        id = "scoped-rule"
        regex = '''scoped_[a-z]{10}'''
        path = '''config/'''

        [[rules]]
        id = "ungreedy"
        regex = '''(?U)ung_[a-z]+'''
        keywords = ["ung_"]

        [[rules]]
        id = "bare-hex"
        regex = '''[a-f0-9]{40}'''

        [[rules]]
        id = "aws-access-key-id"
        description = "Same id as a built-in rule"
        regex = '''(?P<key>AKZZ[A-Z0-9]{16})'''
        keywords = ["akzz"]

        [allowlist]
        description = "global"
        paths = ['''(?:^|/)testdata/''', '''\.lock$''', '''(?i)\.png$''']
        regexes = ['''EXAMPLE$''']
        stopwords = ["placeholder"]
        commits = ["0123abc"]

        [[allowlists]]
        targetRules = ["acme-api-key"]
        stopwords = ["sandbox"]

        """;

    private static readonly RuleSet BuiltIn = BuiltInRules.Load();

    private static GitleaksImportResult Converted() =>
        GitleaksImporter.Convert(Toml, File, [.. BuiltIn.Rules.Select(r => r.Id)]);

    private static ScanConfig LoadedConfig(GitleaksImportResult result)
    {
        Assert.True(result.Success, string.Join("\n", result.Errors));
        var loaded = ConfigLoader.Load(ConfigLoader.FileName, result.Yaml!);
        Assert.True(loaded.Success, string.Join("\n", loaded.Errors) + "\n" + result.Yaml);
        return loaded.Config!;
    }

    private static Detector ComposedDetector(ScanConfig config)
    {
        var composed = ConfigLoader.Compose(BuiltIn, null, config);
        Assert.True(composed.Success, string.Join("\n", composed.Errors));
        return new Detector(composed.RuleSet!);
    }

    private static string Example(string template, int seed) => TemplateExpander.Expand(template, new Random(seed));

    [Fact]
    public void Converted_config_loads_and_composes_with_the_built_in_pack()
    {
        var result = Converted();
        var config = LoadedConfig(result);

        Assert.Equal(9, result.RulesTotal);
        Assert.Equal(5, result.RulesConverted);
        Assert.True(config.Extend);
        Assert.Equal(
            ["acme-api-key", "widget-token", "corp-db-password", "zz-key", "aws-access-key-id-gitleaks"],
            config.Rules.Select(r => r.Id));
        Assert.All(config.Rules, r => Assert.Equal(ConfigLoader.CustomProvider, r.Provider));
        _ = ComposedDetector(config);
    }

    public static TheoryData<string, string, string> FiringExamples => new()
    {
        { "acme-api-key", "ACME_KEY = \"${lit:acme}_live_${alnum:32}\"\n", "acme_live_" },
        { "widget-token", "widget_token: '${alnum:24}'\n", "" },
        { "corp-db-password", "DATABASE_URL=corpdb://app:${alnum:16}@db.internal:5432/app\n", "" },
        { "zz-key", "id zz${digit:6}-ZZ${lit:KEY}${upper:12} end\n", "ZZKEY" },
        { "aws-access-key-id-gitleaks", "key: AK${lit:ZZ}${upper:16}\n", "AKZZ" },
    };

    [Theory]
    [MemberData(nameof(FiringExamples))]
    public void Each_converted_rule_fires_on_its_own_example(string ruleId, string template, string secretPrefix)
    {
        var detector = ComposedDetector(LoadedConfig(Converted()));
        for (int seed = 1; seed <= 20; seed++)
        {
            string text = Example(template, seed);

            var findings = detector.ScanText(text, "src/app.txt");

            var finding = Assert.Single(findings, f => f.RuleId == ruleId);
            Assert.StartsWith(secretPrefix, finding.Secret, StringComparison.Ordinal);
            Assert.Contains(finding.Secret, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Secret_group_is_the_gitleaks_secretGroup_not_the_whole_match()
    {
        var detector = ComposedDetector(LoadedConfig(Converted()));
        string password = Example("${alnum:16}", 5);

        var finding = Assert.Single(detector.ScanText($"url = corpdb://app:{password}@host/db\n"), f => f.RuleId == "corp-db-password");

        Assert.Equal(password, finding.Secret);
    }

    [Fact]
    public void Rule_and_global_allowlists_are_honoured()
    {
        var detector = ComposedDetector(LoadedConfig(Converted()));
        string Token(string middle) => Example("${alnum:8}", 9) + middle + Example("${alnum:11}", 10);

        // Rule allowlist: stopword and regex of the widget rule.
        Assert.DoesNotContain(detector.ScanText($"widget_token = {Token("dummy")}\n"), f => f.RuleId == "widget-token");
        Assert.DoesNotContain(detector.ScanText($"widget_token = {new string('X', 24)}\n"), f => f.RuleId == "widget-token");
        Assert.Contains(detector.ScanText($"widget_token = {Token("mmmmm")}\n"), f => f.RuleId == "widget-token");

        // Global allowlist: stopword and regex apply to every rule.
        Assert.DoesNotContain(detector.ScanText($"widget_token = {Example("${alnum:8}", 2)}placeholder{Example("${alnum:5}", 3)}\n"), f => f.RuleId == "widget-token");
        Assert.DoesNotContain(detector.ScanText($"widget_token = {Example("${alnum:17}", 4)}EXAMPLE\n"), f => f.RuleId == "widget-token");

        // targetRules: 'sandbox' allows acme keys only.
        string sandboxKey = "acme_test_sandbox" + Example("${lower:25}", 6);
        Assert.DoesNotContain(detector.ScanText($"k = {sandboxKey}\n"), f => f.RuleId == "acme-api-key");
        Assert.Contains(detector.ScanText($"widget_token = {Example("${alnum:9}", 7)}sandbox{Example("${alnum:8}", 8)}\n"), f => f.RuleId == "widget-token");
    }

    [Fact]
    public void Global_path_allowlist_becomes_globs_and_the_rest_is_listed_with_reasons()
    {
        var result = Converted();
        var config = LoadedConfig(result);

        Assert.Equal(["**/testdata/*", "**/testdata/*/**", "**/*.lock"], config.AllowPaths);

        string Reason(string? rule, string item) =>
            Assert.Single(result.Unconverted, u => u.RuleId == rule && u.Item == item && (rule is not null || u.Reason.Length > 0)).Reason;

        Assert.Contains("path-only rule", Reason("pem-file", "rule"), StringComparison.Ordinal);
        Assert.Contains("cannot be limited to paths", Reason("scoped-rule", "rule"), StringComparison.Ordinal);
        Assert.Contains("(?U)", Reason("ungreedy", "rule"), StringComparison.Ordinal);
        Assert.Contains("none can be derived", Reason("bare-hex", "rule"), StringComparison.Ordinal);
        Assert.Contains("baseline", Reason(null, "allowlist.commits"), StringComparison.Ordinal);
        Assert.Contains("no exact glob equivalent", Reason(null, "allowlist.paths"), StringComparison.Ordinal);
        Assert.Contains("generic-api-key", Reason(null, "extend.disabledRules"), StringComparison.Ordinal);
        Assert.Equal(7, result.Unconverted.Count);

        var pem = Assert.Single(result.Unconverted, u => u.RuleId == "pem-file");
        Assert.Equal(new SourceLocation(File, 38, 1), pem.Location);
        Assert.StartsWith(".gitleaks.toml:38:1: rule pem-file: a path-only rule", pem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Notes_say_what_was_changed()
    {
        var result = Converted();

        Assert.Contains(result.Notes, n => n.RuleId == "Widget_Token" && n.Reason.Contains("'widget-token'", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.RuleId == "aws-access-key-id" && n.Reason.Contains("'aws-access-key-id-gitleaks'", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.RuleId == "zz-key" && n.Item == "keywords" && n.Reason.Contains("'zz' is shorter", StringComparison.Ordinal));
        Assert.Contains(result.Notes, n => n.RuleId == "zz-key" && n.Reason == "derived from the regex: zzkey");
        Assert.Contains(result.Notes, n => n.RuleId == "corp-db-password" && n.Reason == "derived from the regex: corpdb://");
        Assert.Contains(result.Notes, n => n.RuleId == "acme-api-key" && n.Item == "tags");
    }

    [Fact]
    public void Without_extend_the_result_replaces_the_pack_and_still_loads()
    {
        const string toml = """
            [[rules]]
            id = "only-rule"
            description = "Only rule"
            regex = '''onlykey_[0-9a-f]{20}'''
            """;

        var result = GitleaksImporter.Convert(toml, File);
        var config = LoadedConfig(result);

        Assert.False(config.Extend);
        Assert.Contains(result.Notes, n => n.Item == "extend");
        var detector = ComposedDetector(config);
        var finding = Assert.Single(detector.ScanText(Example("x = only${lit:key}_${hex:20}\n", 1)));
        Assert.Equal("only-rule", finding.RuleId);
    }

    [Fact]
    public void A_file_with_nothing_convertible_gives_a_config_that_keeps_the_pack()
    {
        var result = GitleaksImporter.Convert("[[rules]]\nid = \"p\"\npath = '''\\.key$'''\n", File);
        var config = LoadedConfig(result);

        Assert.True(config.Extend);
        Assert.Empty(config.Rules);
        Assert.Equal(0, result.RulesConverted);
        Assert.Single(result.Unconverted);
        Assert.True(ConfigLoader.Compose(BuiltIn, null, config).Success);
    }

    [Fact]
    public void Toml_syntax_errors_are_reported_with_their_position_and_no_yaml()
    {
        var result = GitleaksImporter.Convert("title = \"x\"\n[[rules]\nid = 1\n", File);

        Assert.False(result.Success);
        Assert.Null(result.Yaml);
        var error = result.Errors[0];
        Assert.Equal(File, error.Location.File);
        Assert.Equal(2, error.Location.Line);
        Assert.StartsWith("invalid TOML", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Strings_that_need_escaping_survive_the_yaml_round_trip()
    {
        const string toml = """
            [[rules]]
            id = "quoting"
            description = "It's a \"quoted\"\ttab"
            regex = '''quo_key\s*=\s*'(?P<s>[a-z]{12})' # not a comment'''
            """;

        var config = LoadedConfig(GitleaksImporter.Convert(toml, File));

        var rule = Assert.Single(config.Rules);
        Assert.Equal("It's a \"quoted\"\ttab", rule.Description);
        Assert.Equal(@"quo_key[\t\n\f\r ]*=[\t\n\f\r ]*'(?<secret>[a-z]{12})' # not a comment", rule.Pattern);
    }
}
