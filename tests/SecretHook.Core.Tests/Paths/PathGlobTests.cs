using SecretHook.Core.Paths;

namespace SecretHook.Core.Tests.Paths;

/// <summary>.gitignore semantics for <c>--include</c>, <c>--exclude</c> and <c>allowlist.paths</c>.</summary>
public sealed class PathGlobTests
{
    [Theory]
    [InlineData("*.py", "a.py", true)]
    [InlineData("*.py", "pkg/mod/a.py", true)]
    [InlineData("*.py", "a.pyc", false)]
    [InlineData("/*.py", "a.py", true)]
    [InlineData("/*.py", "pkg/a.py", false)]
    [InlineData("docs/*.md", "docs/x.md", true)]
    [InlineData("docs/*.md", "docs/sub/x.md", false)]
    [InlineData("docs/*.md", "other/docs/x.md", false)]
    [InlineData("**/testdata/**", "a/testdata/b/c.txt", true)]
    [InlineData("**/testdata/**", "testdata/c.txt", true)]
    [InlineData("**/testdata/**", "testdatax/c.txt", false)]
    [InlineData("src/**/*.ts", "src/a.ts", true)]
    [InlineData("src/**/*.ts", "src/x/y/a.ts", true)]
    [InlineData("build/", "build/out.js", true)]
    [InlineData("build/", "a/build/out.js", true)]
    [InlineData("build", "a/build/out.js", true)]
    [InlineData("vendor", "vendors/x", false)]
    [InlineData("file?.txt", "file1.txt", true)]
    [InlineData("file?.txt", "file/.txt", false)]
    [InlineData("[ab]*.txt", "b1.txt", true)]
    [InlineData("[!ab]*.txt", "b1.txt", false)]
    [InlineData("[a-c].txt", "c.txt", true)]
    [InlineData("\\*.txt", "*.txt", true)]
    [InlineData("\\*.txt", "a.txt", false)]
    [InlineData("a\\b.txt", "ab.txt", true)]
    [InlineData("./config/app.yaml", "config/app.yaml", true)]
    [InlineData("*.yaml", "config/app.yaml", true)]
    [InlineData("weird name (1).txt", "x/weird name (1).txt", true)]
    public void Matches_like_gitignore(string pattern, string path, bool expected)
    {
        var glob = PathGlob.TryParse(pattern, out string? error);
        Assert.True(glob is not null, error);
        Assert.Equal(expected, glob!.IsMatch(path));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("a[b")]
    [InlineData("x\\")]
    [InlineData("")]
    [InlineData("/")]
    public void Malformed_patterns_are_rejected_with_a_reason(string pattern)
    {
        Assert.Null(PathGlob.TryParse(pattern, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void Canonical_paths_are_relative_to_the_root_and_tidy()
    {
        Assert.Equal("sub/a.py", CanonicalPath.Of("/repo", "/repo/sub/a.py"));
        Assert.Equal("/elsewhere/a.py", CanonicalPath.Of("/repo", "/elsewhere/a.py"));
        Assert.Equal("sub/a.py", CanonicalPath.Join("./sub/", "a.py"));
        Assert.Equal("a.py", CanonicalPath.Join(".", "a.py"));
        Assert.Equal("/abs/a.py", CanonicalPath.Join("/abs", "a.py"));
        Assert.Equal("a\\b.txt", CanonicalPath.Of("/repo", "/repo/a\\b.txt"));
    }

    [Theory]
    [InlineData("/repo", "/repo", true)]
    [InlineData("/repo", "/repo/sub", true)]
    [InlineData("/repo", "/repo/sub/deeper", true)]
    [InlineData("/", "/", true)]
    [InlineData("/", "/srv/x", true)]
    [InlineData("/repo", "/elsewhere", false)]
    [InlineData("/repo", "/repository", false)]
    [InlineData("/repo", "/", false)]
    [InlineData("/repo/sub", "/repo", false)] // an ancestor of the root: "sub/a.py" below it is inside
    public void A_walks_prefix_and_a_relative_path_make_the_files_canonical_path(string root, string directory, bool below)
    {
        string? prefix = CanonicalPath.PrefixBelow(root, directory);
        Assert.Equal(below, prefix is not null);
        foreach (string rel in new[] { "a.py", "x/y/b.txt", "sub/a.py", "..c", ".hidden/d", "a\\b.txt", "sp ace/é.md" })
        {
            string expected = CanonicalPath.Of(root, System.IO.Path.Combine(directory, rel));
            if (prefix is not null)
            {
                Assert.Equal(expected, prefix + rel);
            }
        }
    }
}
