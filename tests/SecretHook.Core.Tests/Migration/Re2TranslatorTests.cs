using System.Text.RegularExpressions;
using SecretHook.Core.Migration;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Migration;

/// <summary>Go RE2 → .NET translation, required-literal (keyword) derivation and path-regex → glob conversion.</summary>
public sealed class Re2TranslatorTests
{
    public static TheoryData<string, string, int?, string> Translations => new()
    {
        { "named group becomes the secret group", @"key=(?P<tok>[a-z]{4})", 1, @"key=(?<secret>[a-z]{4})" },
        { "other named groups keep their names", @"(?P<a>x)(?P<b>y)", 2, @"(?<a>x)(?<secret>y)" },
        { "numbered group, counting named ones", @"(?P<a>x)-(y)", 2, @"(?<a>x)-(?<secret>y)" },
        { "secretGroup 0 takes the first group", @"k(v)", 0, @"k(?<secret>v)" },
        { "secretGroup 0 without groups wraps the match", @"ab|cd", 0, @"(?<secret>ab|cd)" },
        { "non-capturing and flag groups are not counted", @"(?i)(?:a|b)(?s:.)(c)", 1, @"(?i)(?:a|b)(?s:.)(?<secret>c)" },
        { "ASCII shorthands", @"\d\w\s\D\W\S", null, @"[0-9][0-9A-Za-z_][\t\n\f\r ][^0-9][^0-9A-Za-z_][^\t\n\f\r ]" },
        { "shorthands inside a class", @"[\d\w.-]", null, @"[0-90-9A-Za-z_.-]" },
        { "POSIX classes", @"[[:alpha:][:digit:]_]", null, @"[A-Za-z0-9_]" },
        { "a literal [ in a class is escaped", @"[a[b]", null, @"[a\[b]" },
        { "a leading ] in a class is a literal", @"[]a]", null, @"[\]a]" },
        { "one-letter Unicode classes get braces", @"\pL\PN\p{Lu}\p{^Ll}", null, @"\p{L}\P{N}\p{Lu}\P{Ll}" },
        { "hex escapes with braces", @"\x{41}\x42", null, @"\u0041\x42" },
        { "quoted literals", @"\Qa.b*c\E+", null, @"a\.b\*c+" },
        { "a group named secret that is not the secret group", @"(?P<secret>a)(b)", 2, @"(?<gitleaks_secret>a)(?<secret>b)" },
        { "anchors and word boundaries", @"\A\bx\B\z", null, @"\A\bx\B\z" },
    };

    [Theory]
    [MemberData(nameof(Translations))]
    public void Translates(string name, string re2, int? secretGroup, string expected)
    {
        var t = Re2Translator.Translate(re2, secretGroup);

        Assert.True(t.Success, $"{name}: {t.Error}");
        Assert.Equal(expected, t.Pattern);
    }

    public static TheoryData<string, string, int?, string> Rejections => new()
    {
        { "ungreedy flag", @"(?U)a+", null, "(?U)" },
        { "any byte", @"a\Cb", null, @"\C" },
        { "script class", @"\p{Greek}+", null, "script" },
        { "astral code point", @"\x{1F600}", null, "above U+FFFF" },
        { "octal escape", @"\101", null, "octal" },
        { "lookahead is not RE2", @"a(?=b)", null, "lookarounds" },
        { "missing secret group", @"(a)", 3, "only 1 capturing group" },
        { "negated POSIX class in a class", @"[[:^alpha:]]", null, "negated POSIX" },
        { "unterminated class", @"[abc", null, "unterminated" },
        { "negated shorthand in a class", @"[\S]", null, @"\S inside" },
    };

    [Theory]
    [MemberData(nameof(Rejections))]
    public void Rejects_with_a_reason(string name, string re2, int? secretGroup, string reason)
    {
        var t = Re2Translator.Translate(re2, secretGroup);

        Assert.False(t.Success, name);
        Assert.Contains(reason, t.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Translated_ascii_classes_do_not_match_unicode_digits_or_spaces()
    {
        var t = Re2Translator.Translate(@"^\d+\s\w+$", null);
        var regex = new Regex(t.Pattern!, Rule.Options);

        Assert.Matches(regex, "123 abc_9");
        Assert.DoesNotMatch(regex, "١٢٣ abc"); // Arabic-Indic digits: \d in .NET, not in RE2
        Assert.DoesNotMatch(regex, "123\u00A0abc"); // no-break space: \s in .NET, not in RE2
        Assert.DoesNotMatch(regex, "123 abcé");
    }

    [Fact]
    public void Several_groups_without_secretGroup_are_noted()
    {
        var t = Re2Translator.Translate(@"(a)|(b)", 0);

        Assert.True(t.Success);
        Assert.Contains(t.Notes, n => n.Contains("first non-empty", StringComparison.Ordinal));
    }

    public static TheoryData<string, string[]> Literals => new()
    {
        { @"ghp_[0-9a-zA-Z]{36}", ["ghp_"] },
        { @"(?i)\b(sk-live-[a-z0-9]{24})\b", ["sk-live-"] },
        { @"(?:xoxb|xoxp)-[0-9]+", ["xoxb", "xoxp"] },
        { @"(?:xox[bp])-[0-9]+", ["xox"] },
        { @"abc?def", ["def"] },
        { @"ab+cdef", ["bcdef"] },
        { @"(?:ab)?cdef", ["cdef"] },
        { @"(?:foo|)barz", ["barz"] },
        { @"(?:foo|b)x", [] },
        { @"[a-f0-9]{40}", [] },
        { @"api\.example\.com/v1/[a-z]+", ["api.example.com/v1/"] },
        { @"\Qkey.id\E=[0-9]+", ["key.id="] },
        { @"(?P<n>token)_[a-z]{8}", ["token_"] },
        { @"ab", [] },
    };

    [Theory]
    [MemberData(nameof(Literals))]
    public void Required_literals(string re2, string[] expected)
    {
        Assert.Equal(expected, Re2Translator.RequiredLiterals(re2, 3));
    }

    [Fact]
    public void Every_match_contains_a_derived_literal()
    {
        // Random strings built from each pattern's pieces: whenever the regex matches, a literal is there.
        (string Pattern, string Alphabet)[] cases =
        [
            (@"(?:xoxb|xoxp)-[0-9]{2}", "xobp-0123"),
            (@"ab+cdef", "abcdef"),
            (@"abc?def", "abcdef"),
            (@"(?:ab)?cdef", "abcdef"),
        ];
        var random = new Random(7);
        foreach (var (pattern, alphabet) in cases)
        {
            var literals = Re2Translator.RequiredLiterals(pattern, 3);
            var regex = new Regex(Re2Translator.Translate(pattern, null).Pattern!, Rule.Options);
            Assert.NotEmpty(literals);
            for (int i = 0; i < 20000; i++)
            {
                var s = new string([.. Enumerable.Range(0, random.Next(3, 12)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
                if (regex.IsMatch(s))
                {
                    Assert.Contains(literals, l => s.Contains(l, StringComparison.OrdinalIgnoreCase));
                }
            }
        }
    }

    public static TheoryData<string, string[]> Globs => new()
    {
        { @"(?:^|/)testdata/", ["**/testdata/*", "**/testdata/*/**"] },
        { @"\.lock$", ["**/*.lock"] },
        { @"^docs/api\.md$", ["docs/api.md"] },
        { @"^vendor/", ["vendor/*", "vendor/*/**"] },
        { @"gitleaks\.toml", ["**/*gitleaks.toml*", "**/*gitleaks.toml*/**"] },
        { @"(?:^|/)node_modules(?:/.*)?$", ["**/node_modules", "**/node_modules/**"] },
        { @"\.(?:jpe?g|png)$", ["**/*.jpeg", "**/*.jpg", "**/*.png"] },
        { @"^a\.txt$|^b\.txt$", ["a.txt", "b.txt"] },
    };

    [Theory]
    [MemberData(nameof(Globs))]
    public void Path_regexes_become_globs(string re2, string[] expected)
    {
        Assert.Equal(expected, Re2Translator.PathGlobs(re2, out var reason));
        Assert.Null(reason);
    }

    [Theory]
    [InlineData(@"(?i)\.png$")]
    [InlineData(@"^test/.*\.py$")]
    [InlineData(@"[a-z]+\.lock$")]
    [InlineData(@"^/etc/passwd$")]
    [InlineData(@"^$")]
    [InlineData(@"a*b")]
    public void Other_path_regexes_have_no_glob(string re2)
    {
        Assert.Null(Re2Translator.PathGlobs(re2, out var reason));
        Assert.False(string.IsNullOrEmpty(reason));
    }
}
