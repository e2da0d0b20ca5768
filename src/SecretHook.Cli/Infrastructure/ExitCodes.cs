namespace SecretHook.Cli.Infrastructure;

/// <summary>The process exit codes, in one place: 0 clean, 1 findings, 2 could not scan.</summary>
public static class ExitCodes
{
    /// <summary>The scan completed and found nothing.</summary>
    public const int Clean = 0;

    /// <summary>The scan completed and found at least one secret.</summary>
    public const int Findings = 1;

    /// <summary>Bad usage, bad configuration, unreadable input, git failure or any internal error.</summary>
    public const int Error = 2;
}

/// <summary>An error to report on one line and exit with <see cref="ExitCodes.Error"/>.</summary>
public sealed class UsageException(string message) : Exception(message);
