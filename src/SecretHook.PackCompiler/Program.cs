using SecretHook.Core.Configuration;
using SecretHook.Core.Detection;
using SecretHook.Core.Rules;
using SecretHook.PackCompiler;

// Usage: SecretHook.PackCompiler OUTPUT [AUTOMATON [REGEX_SOURCE]]
// Loads the YAML pack embedded in SecretHook.Core with every regex compiled, so a broken rule fails
// the build with file:line:col errors, and writes the binary pack to OUTPUT. With AUTOMATON, also
// writes the keyword automaton a detector builds for the pack as the executable loads it with the
// default configuration, so that a start reads it instead of computing it (KeywordAutomatonBuilder.OfferPrebuilt).
// With REGEX_SOURCE, also writes a C# file declaring every vetted pattern of that pack as a
// [GeneratedRegex] plus a lookup by pattern text (Rule.OfferPrebuiltRegexes): the regex source
// generator then compiles them with the program, so they run at compiled speed under native AOT.
if (args.Length is not (1 or 2 or 3))
{
    Console.Error.WriteLine("usage: SecretHook.PackCompiler OUTPUT [AUTOMATON [REGEX_SOURCE]]");
    return 2;
}
var result = RuleLoader.Load(BuiltInRules.Sources(), compileRegexes: true);
if (!result.Success)
{
    foreach (var error in result.Errors)
    {
        // MSBuild shows "file(line,col): error CODE: message" lines as build errors.
        Console.Error.WriteLine($"{error.Location.File}({error.Location.Line},{error.Location.Column}): error SH0001: {(error.RuleId is null ? "" : $"rule {error.RuleId}: ")}{error.Message}");
    }
    return 1;
}
string output = Path.GetFullPath(args[0]);
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
using (var stream = File.Create(output))
{
    RulePackSerializer.Write(result.RuleSet!, stream);
}
Console.WriteLine($"rule pack: {result.RuleSet!.Rules.Count} rules -> {output}");
if (args.Length >= 2)
{
    // The rules exactly as the executable sees them: read back from the binary form, composed with the default configuration.
    RuleSet shipped;
    using (var stream = File.OpenRead(output))
    {
        shipped = RulePackSerializer.Read(stream);
    }
    var composed = ConfigLoader.Compose(shipped, null, ScanConfig.Default).RuleSet!;
    var automaton = new Detector(composed).Automaton;
    string automatonOutput = Path.GetFullPath(args[1]);
    using (var stream = File.Create(automatonOutput))
    {
        automaton.Write(stream);
    }
    Console.WriteLine($"keyword automaton: {automaton.KeywordCount} keywords, {automaton.StateCount} states -> {automatonOutput}");
    if (args.Length == 3)
    {
        var patterns = GeneratedRegexSource.VettedPatterns(shipped, composed);
        string sourceOutput = Path.GetFullPath(args[2]);
        string text = GeneratedRegexSource.Write(patterns, "SecretHook.Pack", "GeneratedPatterns");
        // Rewritten only when it changes, so an unchanged pack does not recompile the assembly.
        if (!File.Exists(sourceOutput) || File.ReadAllText(sourceOutput) != text)
        {
            File.WriteAllText(sourceOutput, text);
        }
        Console.WriteLine($"generated regexes: {patterns.Count} patterns -> {sourceOutput}");
    }
}
return 0;
