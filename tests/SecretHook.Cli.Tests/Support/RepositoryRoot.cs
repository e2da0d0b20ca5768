namespace SecretHook.Cli.Tests.Support;

/// <summary>Locates this repository's root (the folder holding SecretHook.sln) from the test binaries.</summary>
public static class RepositoryRoot
{
    /// <summary>The repository root.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "SecretHook.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("SecretHook.sln not found above " + AppContext.BaseDirectory);
    }
}

/// <summary>Tests that run `dotnet publish`/`pack` share one collection so they never build at the same time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DotnetBuildCollection
{
    /// <summary>The collection name.</summary>
    public const string Name = "dotnet-build";
}
