using System.Text.RegularExpressions;
using Microsoft.Extensions.FileSystemGlobbing;
using SecretHook.Core.Configuration;
using SecretHook.Core.Migration;

namespace SecretHook.Cli.Tests.Integrations;

/// <summary>
/// A gitleaks path allowlist regex and the <c>allowlist.paths</c> globs the importer makes of it select
/// exactly the same paths, as the CLI matches globs (FileSystemGlobbing, ordinal, as FindingFilter
/// does) and as gitleaks matches regexes (unanchored search on the slash-separated path).
/// </summary>
public sealed class GitleaksPathGlobTests
{
    private static readonly string[] Paths =
    [
        "testdata/a.txt", "src/testdata/x/y.txt", "src/mytestdata/a.txt", "testdata", "src/testdata",
        "Cargo.lock", "sub/dir/yarn.lock", "lock", "a.lock.txt", "a.lockfile",
        "node_modules/pkg/index.js", "web/node_modules/x.js", "node_modules", "my_node_modules/x", "node_modulesx/y",
        "docs/api.md", "docs/api.mdx", "x/docs/api.md", "vendor/a/b.go", "vendor", "vendored/a.go", "src/vendor/a.go",
        "gitleaks.toml", "config/gitleaks.toml", "gitleaks.toml.bak", "a/gitleaks.toml/b",
        "img/a.png", "img/a.jpg", "img/a.jpeg", "img/a.jpg.txt", "img/a.PNG", "a.txt", "b.txt", "c/a.txt",
    ];

    public static TheoryData<string> Regexes => new()
    {
        @"(?:^|/)testdata/",
        @"\.lock$",
        @"(?:^|/)node_modules(?:/.*)?$",
        @"^docs/api\.md$",
        @"^vendor/",
        @"gitleaks\.toml",
        @"\.(?:jpe?g|png)$",
        @"^a\.txt$|^b\.txt$",
    };

    [Theory]
    [MemberData(nameof(Regexes))]
    public void Globs_select_the_same_paths_as_the_regex(string regex)
    {
        string toml = $"[allowlist]\npaths = ['''{regex}''']\n";
        var result = GitleaksImporter.Convert(toml, ".gitleaks.toml");
        Assert.Empty(result.Unconverted);
        var config = ConfigLoader.Load(ConfigLoader.FileName, result.Yaml!).Config!;
        var matcher = new Matcher(StringComparison.Ordinal);
        foreach (var glob in config.AllowPaths)
        {
            matcher.AddInclude(glob);
        }
        var re = new Regex(regex, RegexOptions.CultureInvariant);

        var mismatches = Paths.Where(p => re.IsMatch(p) != matcher.Match(p).HasMatches).ToList();

        Assert.True(mismatches.Count == 0, $"globs {string.Join(", ", config.AllowPaths)} differ from {regex} on: {string.Join(", ", mismatches)}");
        Assert.Contains(Paths, p => re.IsMatch(p)); // the table exercises each regex
    }
}
