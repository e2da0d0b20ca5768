using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Detection;

public sealed class DetectorTests
{
    private static readonly Detector Pack = new(BuiltInRules.Load());

    private static string Token(int seed) => TemplateExpander.Expand("hf_${alpha:34}", new Random(seed));

    private static Detector Custom(string rulesYaml)
    {
        var result = RuleLoader.Load([new RuleSource("t.yaml", rulesYaml)], compileRegexes: true);
        Assert.True(result.Success, string.Join("\n", result.Errors));
        return new Detector(result.RuleSet!);
    }

    [Fact]
    public void Reports_line_and_utf16_columns()
    {
        string t = Token(1);
        // "é" is 2 bytes / 1 UTF-16 unit; "😀" is 4 bytes / 2 UTF-16 units.
        string text = $"first\nsecond é😀 = \"{t}\" tail\n";
        var f = Assert.Single(Pack.ScanText(text, "a/b.py"));
        Assert.Equal("huggingface-user-token", f.RuleId);
        Assert.Equal(("a/b.py", 2, 15, 2, 15 + 37), (f.File, f.Line, f.Column, f.EndLine, f.EndColumn));
        Assert.Equal(t, f.Secret);
        Assert.Equal($"second é😀 = \"{t}\" tail", f.LineText);
        Assert.Equal(14, f.SnippetOffset);
    }

    [Fact]
    public void Handles_crlf_line_endings()
    {
        string t = Token(2);
        var f = Assert.Single(Pack.ScanText($"a=1\r\nb=2\r\nHF={t}\r\nc=3\r\n"));
        Assert.Equal((3, 4), (f.Line, f.Column));
        Assert.Equal($"HF={t}", f.LineText);
    }

    [Fact]
    public void Maps_chunk_lines_to_file_lines()
    {
        string t = Token(3);
        var data = Encoding.UTF8.GetBytes($"added one\nadded two {t}\n");
        var findings = new List<Finding>();
        var commit = new CommitInfo("0123456789abcdef", "subject");
        Pack.Scan(new Chunk(data, "x.txt", LineNumbers: [10, 42], Commit: commit), Pack.CreateScratch(), findings);
        var f = Assert.Single(findings);
        Assert.Equal(42, f.Line);
        Assert.Same(commit, f.Commit);
    }

    [Fact]
    public void Finds_a_token_in_the_middle_of_a_megabyte_line()
    {
        string t = Token(4);
        var sb = new StringBuilder();
        sb.Append('a', 600_000).Append(";var k=\"").Append(t).Append("\";").Append('b', 600_000);
        var f = Assert.Single(Pack.ScanText(sb.ToString()));
        Assert.Equal(600_009, f.Column);
        Assert.True(f.LineText.Length < 1000, "the snippet is bounded");
    }

    [Fact]
    public void Reports_each_of_many_tokens_on_one_line_once()
    {
        var tokens = Enumerable.Range(10, 30).Select(Token).ToList();
        var findings = Pack.ScanText(string.Join(",", tokens.Select(t => $"\"{t}\"")));
        Assert.Equal(tokens, findings.Select(f => f.Secret));
    }

    [Fact]
    public void Inline_allow_comment_flags_only_its_line()
    {
        // The detector flags; the pipeline drops (and counts) flagged findings, after the path allowlist.
        string a = Token(5), b = Token(6);
        var findings = Pack.ScanText($"x = \"{a}\"  # SecretHook:Allow test fixture\ny = \"{b}\"\n");
        Assert.Equal([a, b], findings.Select(f => f.Secret));
        Assert.Equal([true, false], findings.Select(f => f.InlineAllowed));
    }

    [Fact]
    public void Inline_markers_are_configurable()
    {
        string a = Token(7);
        var custom = new Detector(Pack.RuleSet, ["gitleaks:allow", "pragma: allowlist secret"]);
        Assert.True(Assert.Single(custom.ScanText($"x = \"{a}\"  # gitleaks:allow")).InlineAllowed);
        Assert.True(Assert.Single(custom.ScanText($"x = \"{a}\"  # pragma: allowlist secret")).InlineAllowed);
        Assert.False(Assert.Single(custom.ScanText($"x = \"{a}\"  # secrethook:allow")).InlineAllowed);
        Assert.False(Assert.Single(new Detector(Pack.RuleSet, []).ScanText($"x = \"{a}\"  # secrethook:allow")).InlineAllowed);
    }

    [Theory]
    [InlineData("hf_hub_download(repo_id=\"gpt2\")")]
    [InlineData("HF_TOKEN = os.environ[\"HF_TOKEN\"]")]
    [InlineData("tokenizer = AutoTokenizer.from_pretrained(model_id, token=hf_token)")]
    public void Stays_quiet_on_look_alikes(string text) => Assert.Empty(Pack.ScanText(text));

    [Fact]
    public void Placeholder_tokens_fail_the_entropy_check()
    {
        Assert.Empty(Pack.ScanText("HF_TOKEN=hf_" + new string('x', 34)));
        Assert.Empty(Pack.ScanText("HF_TOKEN=hf_" + new string('X', 34)));
        Assert.Empty(Pack.ScanText("HF_TOKEN=\"hf_" + "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGH\""));
        Assert.Empty(Pack.ScanText("API=api_org_" + new string('x', 34)));
    }

    [Fact]
    public void Fallback_rules_yield_to_specific_rules_on_the_same_secret()
    {
        var d = Custom("""
            rules:
              - id: specific
                description: s
                keywords: [tok_]
                regex: '(?<secret>tok_[a-z]{8})'
                remediation: r
              - id: broad
                description: b
                keywords: ['key=']
                regex: 'key=(?<secret>[a-z_]{8,})'
                fallback: true
                remediation: r
            """);
        Assert.Equal(["specific"], d.ScanText("key=tok_abcdefgh").Select(f => f.RuleId));
        Assert.Equal(["broad"], d.ScanText("key=abcdefghij").Select(f => f.RuleId));
    }

    [Fact]
    public void Among_fallback_rules_the_higher_priority_wins_whatever_the_load_order()
    {
        var d = Custom("""
            rules:
              - id: broadest
                description: b
                keywords: ['key=']
                regex: 'key=(?<secret>[a-z_]{8,})'
                fallback: true
                priority: -10
                remediation: r
              - id: narrower
                description: n
                keywords: ['key=']
                regex: 'key=(?<secret>tok_[a-z]{4,})'
                fallback: true
                remediation: r
              - id: same-as-narrower
                description: s
                keywords: ['key=']
                regex: 'key=(?<secret>tok_[a-z]{4,})'
                fallback: true
                remediation: r
            """);
        Assert.Equal(["narrower"], d.ScanText("key=tok_abcdefgh").Select(f => f.RuleId));
        Assert.Equal(["broadest"], d.ScanText("key=abcdefghij").Select(f => f.RuleId));
    }

    [Fact]
    public void Multiline_rules_report_the_end_position()
    {
        var d = Custom("""
            rules:
              - id: block
                description: b
                keywords: [BEGIN]
                regex: 'BEGIN\r?\n(?<secret>[a-z\r\n]+?)\r?\nEND'
                multiline: true
                remediation: r
            """);
        var f = Assert.Single(d.ScanText("x\nBEGIN\nabc\ndefg\nEND\n"));
        Assert.Equal((3, 1, 4, 5), (f.Line, f.Column, f.EndLine, f.EndColumn));
    }

    [Fact]
    public void Multiline_windows_reach_back_before_the_keyword_but_not_further_than_4_KiB()
    {
        var d = Custom("""
            rules:
              - id: tail-keyword
                description: t
                keywords: [TRAILER]
                regex: 'value=(?<secret>[a-z]{8})\r?\n(?:[^\r\n]*\r?\n){0,1000}?TRAILER'
                multiline: true
                remediation: r
            """);
        string near = "value=abcdefgh\n" + string.Concat(Enumerable.Repeat("filler line\n", 100)) + "TRAILER\n";
        Assert.Equal((1, 7), (Assert.Single(d.ScanText(near)).Line, Assert.Single(d.ScanText(near)).Column));
        string far = "value=abcdefgh\n" + string.Concat(Enumerable.Repeat("filler line\n", 400)) + "TRAILER\n";
        Assert.Empty(d.ScanText(far));
    }

    [Fact]
    public void Fingerprints_are_stable_across_line_moves_and_differ_by_file()
    {
        string t = Token(7);
        var a = Assert.Single(Pack.ScanText($"k={t}", "f.txt"));
        var b = Assert.Single(Pack.ScanText($"\n\n  k = {t}", "f.txt"));
        var c = Assert.Single(Pack.ScanText($"k={t}", "g.txt"));
        Assert.Equal(a.Fingerprint, b.Fingerprint);
        Assert.NotEqual(a.Fingerprint, c.Fingerprint);
        Assert.StartsWith("f.txt:huggingface-user-token:", a.Fingerprint, StringComparison.Ordinal);
        Assert.DoesNotContain(t, a.Fingerprint, StringComparison.Ordinal);
    }

    [Fact]
    public void Scanning_text_without_keywords_allocates_nothing() =>
        AssertScanAllocatesNothing(string.Concat(Enumerable.Repeat("int main(void) { return 0; }\n", 2000)), "main.c");

    [Fact]
    public void Keyword_lines_whose_matches_cannot_pass_the_entropy_test_allocate_nothing()
    {
        // Each line holds a keyword of the generic assignment rule; where its regex matches, the
        // match has too few distinct characters for 3.5 bits of entropy, so no Match is built.
        string[] lines = ["if (token == NULL)", "pwd: *base,", "secret: 0", "tok->token = 27;", "api_key = \"\""];
        AssertScanAllocatesNothing(string.Concat(Enumerable.Repeat(string.Join('\n', lines) + "\n", 200)), "tok.c");
    }

    [Fact]
    public void Matches_whose_secret_the_entropy_test_or_an_allowlist_rejects_allocate_nothing()
    {
        // Enough distinct characters in each match to need the secret itself: its span comes from
        // the rule's SecretBounds patterns, and entropy and allowlists run on the window's chars.
        // Decoded text (base64 of prose, a percent-escaped line) is written into the scratch's buffer.
        string[] lines =
        [
            "static unsigned int rtas_getchar_token = RTAS_UNKNOWN_SERVICE;",
            "\t\trtas_putchar_token = *basep;",
            "\"NuGet.Credentials\": \"7.9.0-rc.42413\",",
            ".compute_shared_secret = curve25519_compute_shared_secret,",
            "msg = \"" + Convert.ToBase64String(Encoding.ASCII.GetBytes("a sentence of plain words, Nothing to see")) + "\"",
            "url = \"https://example.com/a%3Db%20c\"",
        ];
        AssertScanAllocatesNothing(string.Concat(Enumerable.Repeat(string.Join('\n', lines) + "\n", 100)), "rtas.c");
    }

    /// <summary>A second scan of <paramref name="text"/> (after one to warm up) finds nothing and allocates nothing.</summary>
    private static void AssertScanAllocatesNothing(string text, string path)
    {
        var scratch = Pack.CreateScratch();
        var findings = new List<Finding>();
        var chunk = new Chunk(Encoding.UTF8.GetBytes(text), path);
        Pack.Scan(chunk, scratch, findings); // warm up
        long before = GC.GetAllocatedBytesForCurrentThread();
        Pack.Scan(chunk, scratch, findings);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.Empty(findings);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_entropy_bound_rejects_only_windows_where_every_secret_fails_the_entropy_test()
    {
        // Assignments of values over alphabets of 2 to 20 characters, 1 to 40 long: whenever the bound
        // says no match can pass, the groups of every match (the allocating path) agree.
        var rule = Pack.RuleSet.Rules.Single(r => r.Id == "generic-secret-assignment");
        Assert.True(rule.SecretWithinMatch);
        double min = rule.Entropy!.Value;
        var random = new Random(11);
        const string pool = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789+/=_.-";
        int rejected = 0, passed = 0;
        for (int round = 0; round < 3000; round++)
        {
            string alphabet = new([.. pool.OrderBy(_ => random.Next()).Take(random.Next(2, 21))]);
            string value = new([.. Enumerable.Range(0, random.Next(1, 41)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            string key = new[] { "password", "token", "secret", "api_key" }[random.Next(4)];
            string line = random.Next(2) == 0 ? $"{key} = \"{value}\"" : $"x.{key}: {value} # {key}={value[..(value.Length / 2)]}";
            bool bound = Detector.EveryMatchFailsEntropy(rule.Regex, line, 0, min);
            var secrets = rule.Regex.Matches(line).Select(m => m.Groups[Rule.SecretGroup]).Where(g => g.Success && g.Length > 0).Select(g => g.Value).ToList();
            if (bound)
            {
                Assert.All(secrets, x => Assert.True(Entropy.Shannon(x) < min, $"{line}: {x}"));
                rejected++;
            }
            else
            {
                passed++;
            }
        }
        Assert.True(rejected > 300 && passed > 300, $"{rejected} rejected by the bound, {passed} not");
    }

    [Theory]
    [InlineData("(?<secret>ab)(?=cd)", false)]
    [InlineData("(?<=x)(?<secret>ab)", false)]
    [InlineData("(?<!x)(?<secret>ab)", false)]
    [InlineData("x(?!y)(?<secret>ab)", false)]
    [InlineData("(?(x)y|z)(?<secret>ab)", false)]
    [InlineData("(?i)k(?:ey)?=(?<secret>[a-z]{8})", true)]
    public void A_lookaround_means_the_secret_may_lie_outside_the_match(string pattern, bool within)
    {
        var rule = new Rule("r", "p", "d", ["k"], pattern, 3.0, false, false, Allowlist.Empty, "fix", RuleExamples.None, new SourceLocation("t.yaml", 1, 1));
        Assert.Equal(within, rule.SecretWithinMatch);
    }
}
