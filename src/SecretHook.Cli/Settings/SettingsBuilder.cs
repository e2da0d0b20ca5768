using System.Globalization;
using SecretHook.Cli.Configuration;
using SecretHook.Cli.Infrastructure;
using SecretHook.Core.Configuration;
using SecretHook.Core.Paths;
using SecretHook.Core.Rules;
using SecretHook.Core.Suppression;
using SecretHook.Core.Verification;
using SecretHook.Pack;

namespace SecretHook.Cli.Settings;

/// <summary>
/// The one place raw flags, the environment and the files they name become <see cref="ScanSettings"/>.
/// It reads each file once (configuration, <c>--rules</c> files, ignore file, baseline), checks every
/// value, and reports every problem together (<see cref="SettingsException"/>, exit 2) instead of
/// stopping at the first: a run either starts with all of its settings valid or does not start.
/// </summary>
public static class SettingsBuilder
{
    /// <summary>The default <c>--max-decode-depth</c> (<see cref="Core.Detection.Detector.DefaultDecodeDepth"/>).</summary>
    public const int DefaultDecodeDepth = Core.Detection.Detector.DefaultDecodeDepth;

    /// <summary>The largest <c>--max-decode-depth</c> (<see cref="Core.Detection.Detector.MaxDecodeDepth"/>).</summary>
    public const int MaxDecodeDepth = Core.Detection.Detector.MaxDecodeDepth;

    /// <summary>The default <c>--max-file-size</c>: 10 MiB.</summary>
    public const long DefaultMaxFileSize = 10L * 1024 * 1024;

    /// <summary>
    /// Twice the CPUs: a worker waiting on the disk leaves its CPU idle. On the Linux 6.1 tree (2 CPUs)
    /// a cold-cache scan took 7.1 s with 2 workers and 5.4 s with 4; a warm one 1.60 s and 1.66 s.
    /// </summary>
    public static int DefaultThreads => Math.Min(64, 2 * Environment.ProcessorCount);

    /// <summary>Builds the settings of a command whose input is <paramref name="input"/>.</summary>
    /// <exception cref="SettingsException">Anything is wrong; every problem is listed.</exception>
    public static ScanSettings Build(RawOptions raw, InputKind input, CliEnvironment env)
    {
        var problems = new List<string>();
        var warnings = new List<string>();

        string format = raw.Format ?? "text";
        if (!ScanOptions.Formats.Contains(format))
        {
            problems.Add($"unknown format '{format}' (expected one of: {string.Join(", ", ScanOptions.Formats)})");
        }
        int threads = DefaultThreads;
        if (raw.Threads is { } t && !(int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out threads) && threads is > 0 and <= 1024))
        {
            problems.Add($"invalid value '{t}' for --threads (a whole number from 1 to 1024)");
            threads = 1;
        }
        int findingsExit = 1;
        if (raw.ExitCode is { } ec && !(int.TryParse(ec, NumberStyles.None, CultureInfo.InvariantCulture, out findingsExit) && findingsExit is >= 0 and <= 125 && findingsExit != 2))
        {
            problems.Add($"invalid value '{ec}' for --exit-code (a whole number from 0 to 125 other than 2, which means an error)");
            findingsExit = 1;
        }
        int? decodeDepth = Parse<int>(raw.MaxDecodeDepth, ConfigLoader.TryParseDecodeDepth, problems,
            d => $"invalid value '{d}' for --max-decode-depth (a whole number from 0 to {MaxDecodeDepth})");
        long? maxSize = Parse<long>(raw.MaxFileSize, ConfigLoader.TryParseSize, problems,
            m => $"invalid size '{m}' for --max-file-size (e.g. 1048576, 512K, 10M; at most 2G)");

        // What is scanned, and so where the project root is.
        var targets = new List<ScanTarget>();
        bool stdin = false;
        string start = env.WorkingDirectory;
        if (input == InputKind.Paths)
        {
            var given = raw.Paths.Count == 0 ? ["."] : raw.Paths;
            if (given.Contains("-"))
            {
                if (given.Count > 1)
                {
                    problems.Add("'-' (standard input) cannot be combined with other paths");
                }
                stdin = true;
            }
            else
            {
                foreach (var g in given)
                {
                    string full = env.Resolve(g);
                    if (Directory.Exists(full))
                    {
                        targets.Add(new ScanTarget(g, Path.TrimEndingDirectorySeparator(full), true));
                    }
                    else if (File.Exists(full))
                    {
                        targets.Add(new ScanTarget(g, full, false));
                    }
                    else
                    {
                        problems.Add($"no such file or directory: {g}");
                    }
                }
                if (targets.Count > 0)
                {
                    // The scan root: the directory given, a file's directory, or what several have in common.
                    start = targets.Select(t => t.IsDirectory ? t.FullPath : Path.GetDirectoryName(t.FullPath)!).Aggregate(CommonDirectory);
                }
            }
        }
        string? topLevel = ConfigDiscovery.GitTopLevel(start, env);
        string projectRoot = topLevel ?? ConfigDiscovery.FindConfigRoot(start, env.WorkingDirectory, env);

        // The user's own settings (never the repository's): verification and the hosts it may reach.
        var user = LoadUserSettings(env, problems);
        var verifyTimeout = user.Timeout ?? Verification.VerificationOptions.DefaultTimeout;
        if (raw.VerifyTimeout is { } vt)
        {
            if (UserVerificationConfig.TryParseTimeout(vt, out var parsed))
            {
                verifyTimeout = parsed;
            }
            else
            {
                problems.Add($"invalid value '{vt}' for --verify-timeout (e.g. 5, 2.5s, 500ms, 1m)");
            }
        }

        // Configuration (read once), rules, path allowlist.
        var config = ScanConfig.Default;
        string configRoot = projectRoot;
        if (raw.ConfigFile is { } explicitConfig)
        {
            string path = env.Resolve(explicitConfig);
            configRoot = Path.GetDirectoryName(path)!;
            if (!File.Exists(path))
            {
                problems.Add($"no such configuration file: {explicitConfig}");
            }
            else
            {
                config = LoadConfig(path, env, problems) ?? config;
            }
        }
        else if (Path.Combine(projectRoot, ConfigLoader.FileName) is var defaultPath && File.Exists(defaultPath))
        {
            config = LoadConfig(defaultPath, env, problems) ?? config;
        }
        var rules = LoadRules(raw.RuleFiles, config, env, problems, user.HostPolicy);
        var allowPaths = ParseGlobs(config.AllowPaths, $"{config.File}: allowlist.paths", problems);
        var include = ParseGlobs(raw.Include, "--include", problems);
        var exclude = ParseGlobs(raw.Exclude, "--exclude", problems);

        // Suppressions: the ignore file beside the configuration, the baseline.
        IgnoreFile? ignore = null;
        string ignorePath = Path.Combine(configRoot, IgnoreFile.FileName);
        if (File.Exists(ignorePath))
        {
            var parsed = IgnoreFile.Parse(ConfigDiscovery.DisplayName(ignorePath, env), ReadText(ignorePath, problems) ?? "");
            ignore = parsed.File;
            problems.AddRange(parsed.Errors.Select(e => e.ToString()));
        }
        Baseline? baseline = null;
        if (raw.Baseline is { } baselineGiven)
        {
            string full = env.Resolve(baselineGiven);
            if (!File.Exists(full))
            {
                problems.Add($"no such baseline file: {baselineGiven}");
            }
            else if (ReadText(full, problems) is { } text)
            {
                baseline = Baseline.Parse(text, out string? error);
                if (baseline is null)
                {
                    problems.Add($"{baselineGiven}: {error}");
                }
            }
        }

        string? outputPath = null;
        if (raw.Output is { } output)
        {
            outputPath = env.Resolve(output);
            if (OutputFile.Check(outputPath) is { } why)
            {
                problems.Add($"cannot write {output}: {why}");
            }
        }

        if (problems.Count > 0)
        {
            throw new SettingsException(problems);
        }
        bool color = outputPath is null && env.StdoutIsTerminal && !raw.NoColor && string.IsNullOrEmpty(env.GetVariable("NO_COLOR"));
        return new ScanSettings
        {
            ProjectRoot = projectRoot,
            InWorkTree = topLevel is not null,
            Rules = rules!,
            Config = config,
            AllowPaths = allowPaths,
            Ignore = ignore,
            Baseline = baseline,
            Targets = targets,
            Stdin = stdin,
            Include = include,
            Exclude = exclude,
            NoIgnore = raw.NoIgnore,
            MaxFileSize = maxSize ?? config.MaxFileSize ?? DefaultMaxFileSize,
            DecodeDepth = decodeDepth ?? config.DecodeDepth ?? DefaultDecodeDepth,
            Threads = threads,
            Format = format,
            OutputPath = outputPath,
            OutputShown = raw.Output,
            Color = color,
            Redact = !raw.NoRedact,
            Quiet = raw.Quiet,
            FindingsExitCode = findingsExit,
            Verbose = raw.Verbose && !raw.Quiet,
            Progress = env.StderrIsTerminal && !raw.Quiet && string.IsNullOrEmpty(env.GetVariable("CI")),
            ReportStale = raw.ReportStale,
            Warnings = warnings,
            InlineMarkers = config.InlineMarkers,
            Verify = raw.Verify || raw.OnlyVerified || user.Verify == true,
            OnlyVerified = raw.OnlyVerified,
            VerifyOptions = new Verification.VerificationOptions { Timeout = verifyTimeout, Hosts = user.HostPolicy },
        };
    }

    /// <summary>The deepest directory that holds both <paramref name="a"/> and <paramref name="b"/> (absolute paths).</summary>
    internal static string CommonDirectory(string a, string b)
    {
        var x = a.Split('/');
        var y = b.Split('/');
        int n = 0;
        while (n < x.Length && n < y.Length && x[n] == y[n])
        {
            n++;
        }
        string common = string.Join('/', x[..n]);
        return common.Length == 0 ? "/" : common;
    }

    private static ScanConfig? LoadConfig(string path, CliEnvironment env, List<string> problems)
    {
        if (ReadText(path, problems) is not { } text)
        {
            return null;
        }
        var result = ConfigLoader.Load(ConfigDiscovery.DisplayName(path, env), text);
        problems.AddRange(result.Errors.Select(e => e.ToString()));
        return result.Config;
    }

    /// <summary>
    /// The user's own configuration file: <c>$XDG_CONFIG_HOME/secrethook/config.yaml</c>, else
    /// <c>~/.config/secrethook/config.yaml</c> (or <c>$SECRETHOOK_USER_CONFIG</c>). Only it may turn
    /// verification on by default or allow verification hosts beyond the built-in ones.
    /// </summary>
    public static string? UserConfigPath(CliEnvironment env)
    {
        if (env.GetVariable("SECRETHOOK_USER_CONFIG") is { Length: > 0 } explicitPath)
        {
            return explicitPath;
        }
        string? baseDir = env.GetVariable("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg
            : env.GetVariable("HOME") is { Length: > 0 } home ? Path.Combine(home, ".config") : null;
        return baseDir is null ? null : Path.Combine(baseDir, "secrethook", "config.yaml");
    }

    private static UserVerificationSettings LoadUserSettings(CliEnvironment env, List<string> problems)
    {
        if (UserConfigPath(env) is not { } path || !File.Exists(path) || ReadText(path, problems) is not { } text)
        {
            return UserVerificationSettings.None;
        }
        var (settings, errors) = UserVerificationConfig.Load(path, text);
        problems.AddRange(errors.Select(e => e.ToString()));
        return settings ?? UserVerificationSettings.None;
    }

    /// <summary>The built-in pack plus <c>--rules</c> files, composed with the configuration; null on errors (added to <paramref name="problems"/>).</summary>
    private static RuleSet? LoadRules(IReadOnlyList<string> ruleFiles, ScanConfig config, CliEnvironment env, List<string> problems,
        Core.Verification.VerificationHostPolicy hosts)
    {
        var extra = new List<RuleSource>();
        foreach (var given in ruleFiles)
        {
            string full = env.Resolve(given);
            IEnumerable<string> files = Directory.Exists(full)
                ? Directory.EnumerateFiles(full, "*.yaml").Order(StringComparer.Ordinal)
                : File.Exists(full) ? [full] : [];
            if (!Directory.Exists(full) && !File.Exists(full))
            {
                problems.Add($"no such rule file: {given}");
            }
            foreach (var f in files)
            {
                if (ReadText(f, problems) is { } text)
                {
                    extra.Add(new RuleSource(Path.GetRelativePath(env.WorkingDirectory, f), text));
                }
            }
        }
        RuleSet? user = null;
        if (extra.Count > 0)
        {
            // User files are compiled now (linear-time engine); the built-in pack stays lazy.
            var loaded = RuleLoader.Load(extra, compileRegexes: true, verifyHosts: hosts);
            problems.AddRange(loaded.Errors.Select(e => e.ToString()));
            user = loaded.RuleSet;
            if (user is null)
            {
                return null;
            }
        }
        var composed = ConfigLoader.Compose(CompiledRulePack.Load(), user, config);
        problems.AddRange(composed.Errors.Select(e => e.ToString()));
        return composed.RuleSet;
    }

    private delegate bool TryParser<T>(string text, out T value);

    /// <summary>An option's value parsed by <paramref name="parse"/>; null when not given or invalid (then a problem is added).</summary>
    private static T? Parse<T>(string? text, TryParser<T> parse, List<string> problems, Func<string, string> problem)
        where T : struct
    {
        if (text is null)
        {
            return null;
        }
        if (parse(text, out T value))
        {
            return value;
        }
        problems.Add(problem(text));
        return null;
    }

    private static List<PathGlob> ParseGlobs(IEnumerable<string> patterns, string what, List<string> problems)
    {
        var globs = new List<PathGlob>();
        foreach (var p in patterns)
        {
            if (PathGlob.TryParse(p, out string? error) is { } glob)
            {
                globs.Add(glob);
            }
            else
            {
                problems.Add($"invalid {what} glob '{p}': {error}");
            }
        }
        return globs;
    }

    private static string? ReadText(string path, List<string> problems)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problems.Add($"cannot read {path}: {e.Message}");
            return null;
        }
    }
}
