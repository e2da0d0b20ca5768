using System.Text;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Detection;

/// <summary>
/// The windowed detector against a reference that runs every rule's regex over the whole chunk (no
/// keyword prefilter, no windows), then the same entropy, allowlist and fallback checks done the
/// obvious O(n²) way: on generated inputs whose lines are shorter than the window, both must report
/// exactly the same findings. Also the projection of non-ASCII bytes.
/// </summary>
public sealed class DifferentialTests
{
    private static readonly RuleSet Rules = BuiltInRules.Load();
    // Windows against whole chunks: decoding (a separate pass, EncodedTextTests) is left out.
    private static readonly Detector Engine = new(Rules) { DecodeDepth = 0 };

    /// <summary>Lines made of rule templates, look-alikes, noise and non-ASCII text, from a seed.</summary>
    private static string Generate(int seed)
    {
        var random = new Random(seed);
        var singleLine = Rules.Rules.Where(r => !r.Multiline && r.Examples.Positive.Count > 0).ToList();
        var sb = new StringBuilder();
        int lines = random.Next(5, 40);
        for (int i = 0; i < lines; i++)
        {
            switch (random.Next(6))
            {
                case 0:
                case 1:
                    var rule = singleLine[random.Next(singleLine.Count)];
                    sb.Append(TemplateExpander.Expand(rule.Examples.Positive[random.Next(rule.Examples.Positive.Count)], random));
                    break;
                case 2:
                    var other = singleLine[random.Next(singleLine.Count)];
                    if (other.Examples.Negative.Count > 0)
                    {
                        sb.Append(other.Examples.Negative[random.Next(other.Examples.Negative.Count)]);
                    }
                    break;
                case 3:
                    sb.Append("password = \"é").Append(TestText.Random(random, 24)).Append("ü\" # token: ").Append(TestText.Random(random, 30));
                    break;
                case 4:
                    // two tokens on a line, one rule's template glued to another's
                    var a = singleLine[random.Next(singleLine.Count)];
                    var b = singleLine[random.Next(singleLine.Count)];
                    sb.Append(TemplateExpander.Expand(a.Examples.Positive[0], random)).Append(" , ").Append(TemplateExpander.Expand(b.Examples.Positive[0], random));
                    break;
                default:
                    sb.Append("x = 1 # ").Append(TestText.Random(random, random.Next(0, 60)));
                    break;
            }
            sb.Append(random.Next(4) == 0 ? "\r\n" : "\n");
            if (Encoding.UTF8.GetByteCount(sb.ToString().Split('\n')[^2]) >= Detector.LineWindow)
            {
                // Lines longer than the window are windowed by design; keep the comparison to the contract.
                int cut = sb.ToString().TrimEnd('\n').LastIndexOf('\n') + 1;
                sb.Length = cut;
            }
        }
        return sb.ToString();
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int s = 0; s < 60; s++)
        {
            data.Add(1000 + s);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Windowed_detector_equals_whole_chunk_reference(int seed)
    {
        string text = Generate(seed);
        var bytes = Encoding.UTF8.GetBytes(text);
        Assert.All(text.Split('\n'), line => Assert.True(Encoding.UTF8.GetByteCount(line) < Detector.LineWindow, "lines fit the window"));
        var actual = Engine.ScanText(text).Select(f => (f.RuleId, f.Line, f.Column, f.Secret)).Order().ToList();
        var expected = Reference(bytes).Order().ToList();
        Assert.Equal(expected, actual);
    }

    /// <summary>Every rule over the whole text; the same checks; fallbacks decided pair by pair.</summary>
    private static List<(string, int, int, string)> Reference(byte[] bytes)
    {
        var chars = new char[bytes.Length];
        Detector.Project(bytes, chars);
        string all = new(chars);
        var raw = new List<(int Rule, int Start, int End, string Secret)>();
        for (int r = 0; r < Rules.Rules.Count; r++)
        {
            var rule = Rules.Rules[r];
            if (rule.Multiline)
            {
                continue; // multi-line windows start at a line up to 4 KiB back: a different contract
            }
            // Rules only run where a keyword occurs on the line: that is the prefilter's contract.
            int lineStart = 0;
            foreach (var line in all.Split('\n'))
            {
                if (rule.Keywords.Any(k => line.Contains(k, StringComparison.OrdinalIgnoreCase)))
                {
                    for (var m = rule.LinearRegex.Match(line); m.Success; m = m.NextMatch())
                    {
                        var g = m.Groups[Rule.SecretGroup];
                        if (!g.Success || g.Length == 0)
                        {
                            continue;
                        }
                        int start = lineStart + g.Index;
                        string secret = Encoding.UTF8.GetString(bytes, start, g.Length);
                        if (rule.Entropy is { } min && Entropy.Shannon(secret) < min)
                        {
                            continue;
                        }
                        if (rule.Allowlist.Allows(secret) || Rules.GlobalAllowlist.Allows(secret))
                        {
                            continue;
                        }
                        raw.Add((r, start, start + g.Length, secret));
                    }
                }
                lineStart += line.Length + 1;
            }
        }
        raw = [.. raw.Distinct()];
        var kept = raw.Where(m => !raw.Any(o => o.Rule != m.Rule && o.Start < m.End && m.Start < o.End && Outranks(o.Rule, m.Rule))).ToList();
        var text = Encoding.UTF8.GetString(bytes);
        return [.. kept.Select(m =>
        {
            int line = 1 + bytes.AsSpan(0, m.Start).Count((byte)'\n');
            int ls = bytes.AsSpan(0, m.Start).LastIndexOf((byte)'\n') + 1;
            int col = Encoding.UTF8.GetCharCount(bytes, ls, m.Start - ls) + 1;
            return (Rules.Rules[m.Rule].Id, line, col, m.Secret);
        })];
    }

    private static bool Outranks(int other, int index)
    {
        var o = Rules.Rules[other];
        var r = Rules.Rules[index];
        if (!r.Fallback)
        {
            return false;
        }
        if (!o.Fallback)
        {
            return true;
        }
        return o.Priority != r.Priority ? o.Priority > r.Priority : other < index;
    }

    [Fact]
    public void Non_ascii_bytes_are_neither_word_nor_space_characters()
    {
        // Latin-1 would turn the bytes of "é" (C3 A9) into letters and NBSP (C2 A0) into a space.
        var bytes = Encoding.UTF8.GetBytes("aé\u00a0\u0085b");
        var chars = new char[bytes.Length];
        Detector.Project(bytes, chars);
        Assert.Equal('a', chars[0]);
        Assert.Equal('b', chars[^1]);
        foreach (char c in chars[1..^1])
        {
            Assert.Equal(Detector.NonAsciiByte, c);
            Assert.DoesNotMatch(@"[\w\s]", c.ToString());
        }
    }

    [Fact]
    public void A_utf8_letter_does_not_extend_a_token()
    {
        // "…" after a token boundary must end it like any other non-word character.
        string token = "hf_" + "QvWxKpLmNoRqTsVuXwZyBaDcFeHgJiLkMn"[..34];
        Assert.Single(Engine.ScanText($"t=é{token}é"), f => f.RuleId == "huggingface-user-token");
    }
}

/// <summary>Random printable ASCII for test noise.</summary>
internal static class TestText
{
    private const string Alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 _-=:./";

    public static string Random(Random random, int n)
    {
        var sb = new StringBuilder(n);
        for (int i = 0; i < n; i++)
        {
            sb.Append(Alphabet[random.Next(Alphabet.Length)]);
        }
        return sb.ToString();
    }
}
