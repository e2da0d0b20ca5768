using System.Diagnostics;
using System.Text.RegularExpressions;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;

namespace SecretHook.Core.Tests.Rules;

/// <summary>
/// Built-in rules run on the backtracking interpreter first. Each one must stay fast on adversarial
/// windows — long runs of the characters its classes accept, right after its keyword, with no valid
/// ending — so the linear-time fallback is a safety net, never the normal path.
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
        int length = rule.Multiline ? Detector.MultilineWindow : 2 * Detector.LineWindow;
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
                    var clock = Stopwatch.StartNew();
                    try
                    {
                        _ = rule.Regex.Matches(text).Count;
                    }
                    catch (RegexMatchTimeoutException)
                    {
                        slow.Add($"timed out: keyword '{keyword}', lead '{lead}', fill '{fill}'");
                        continue;
                    }
                    if (clock.ElapsedMilliseconds > 50)
                    {
                        slow.Add($"{clock.ElapsedMilliseconds} ms: keyword '{keyword}', lead '{lead}', fill '{fill}'");
                    }
                }
            }
        }
        Assert.True(slow.Count == 0, $"{id} backtracks badly:\n{string.Join("\n", slow)}");
    }
}
