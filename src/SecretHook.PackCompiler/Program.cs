using SecretHook.Core.Rules;

// Usage: SecretHook.PackCompiler OUTPUT
// Loads the YAML pack embedded in SecretHook.Core with every regex compiled, so a broken rule fails
// the build with file:line:col errors, and writes the binary pack to OUTPUT.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: SecretHook.PackCompiler OUTPUT");
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
return 0;
