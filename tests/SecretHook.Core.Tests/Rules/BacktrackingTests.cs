using System.Text.RegularExpressions;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

/// <summary>
/// Built-in rules run on the backtracking interpreter first. Each one must stay fast on adversarial
/// windows — long runs of the characters its classes accept, right after its keyword, with no valid
/// ending — so the linear-time fallback is a safety net, never the normal path. The inputs are 4x the
/// longest single-line window and the limit is a full second, so a loaded machine never fails it and
/// cubic or exponential backtracking always does (quadratic passes: 4 KiB of it measured 111 ms, and a
/// real window is at most 1 KiB).
/// </summary>
public sealed class BacktrackingTests
{
    private static readonly Lazy<RuleSet> Pack = new(() => RuleLoader.Load(BuiltInRules.Sources(), compileRegexes: false, vetted: true).RuleSet!);

    public static TheoryData<string> RuleIds()
    {
        var data = new TheoryData<string>();
        foreach (var rule in Pack.Value.Rules)
        {
            data.Add(rule.Id);
        }
        return data;
    }

    private static readonly string[] Fills =
    [
        "a", "A1", "aB3+/=", "0", "-_", " ", "a.b", "\"a:", "=", "x\\n", "Ab1!@#$%", "a@b:", "/", "%2F", "{",
    ];

    [Theory]
    [MemberData(nameof(RuleIds))]
    public void Vetted_regex_finishes_quickly_on_adversarial_windows(string id)
    {
        var rule = Pack.Value.Find(id)!;
        Assert.True(rule.Vetted);
        int length = rule.Multiline ? Detector.MultilineWindow : 8 * Detector.LineWindow;
        var regex = new Regex(rule.Pattern, Rule.VettedOptions, TimeSpan.FromSeconds(1));
        var slow = new List<string>();
        foreach (var keyword in rule.Keywords)
        {
            foreach (var fill in Fills)
            {
                foreach (var lead in new[] { "", " = \"", ": ", "://user:" })
                {
                    string body = string.Concat(Enumerable.Repeat(fill, length / fill.Length + 1))[..length];
                    if (rule.Multiline)
                    {
                        body = string.Join("\n", body.Chunk(64).Select(c => new string(c)));
                    }
                    string text = "key " + keyword + lead + body;
                    try
                    {
                        _ = regex.Matches(text).Count;
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        slow.Add($"over 1 s: keyword '{keyword}', lead '{lead}', fill '{fill}'");
                    }
                }
            }
        }
        Assert.True(slow.Count == 0, $"{id} backtracks badly:\n{string.Join("\n", slow)}");
    }
}
