using System.Globalization;
using SecretHook.Core.Rules;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SecretHook.Core.Verification;

/// <summary>
/// The verification settings of the user's <em>own</em> configuration file (for example
/// <c>$XDG_CONFIG_HOME/secrethook/config.yaml</c>): whether to verify by default, the per-request
/// timeout, and hosts beyond the built-in ones that the user's custom rules may send secrets to.
/// A repository's <c>.secrethook.yaml</c> must never be read with this: these settings decide where
/// secrets go.
/// </summary>
/// <param name="Verify"><c>verify:</c> — verify by default (the command line's <c>--verify</c> still wins), or null when unset.</param>
/// <param name="Timeout"><c>verify-timeout:</c> — per-request timeout, or null for the default.</param>
/// <param name="AllowHosts"><c>verify-allow-hosts:</c> — extra hosts custom rules may name (lower-case DNS names).</param>
public sealed record UserVerificationSettings(bool? Verify, TimeSpan? Timeout, IReadOnlyList<string> AllowHosts)
{
    /// <summary>Nothing set.</summary>
    public static UserVerificationSettings None { get; } = new(null, null, []);

    /// <summary>The host policy these settings give: built-in hosts, plus <see cref="AllowHosts"/>.</summary>
    public VerificationHostPolicy HostPolicy =>
        AllowHosts.Count == 0 ? VerificationHostPolicy.BuiltInOnly : VerificationHostPolicy.AllowingCustomHosts(AllowHosts);
}

/// <summary>
/// Reads <see cref="UserVerificationSettings"/> from YAML (YamlDotNet's representation model, no
/// reflection) and reports every problem as <c>file:line:col: message</c>. Pure: it takes text, the
/// caller finds and reads the file.
/// </summary>
public static class UserVerificationConfig
{
    /// <summary>The keys this reads.</summary>
    public static IReadOnlyList<string> Keys { get; } = ["verify", "verify-timeout", "verify-allow-hosts"];

    /// <summary>
    /// Parses a file holding only <see cref="Keys"/> (an unknown key is an error). Use
    /// <see cref="Read"/> instead when these keys are part of a larger user configuration.
    /// </summary>
    public static (UserVerificationSettings? Settings, IReadOnlyList<RuleLoadError> Errors) Load(string file, string text)
    {
        var errors = new List<RuleLoadError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            errors.Add(Error(file, e.Start, $"invalid YAML: {e.Message}"));
            return (null, errors);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return (UserVerificationSettings.None, errors);
        }
        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            errors.Add(Error(file, stream.Documents[0].RootNode.Start, $"the configuration must be a mapping with keys {string.Join(", ", Keys)}"));
            return (null, errors);
        }
        foreach (var key in root.Children.Keys)
        {
            if (key is not YamlScalarNode { Value: { } name } || !Keys.Contains(name))
            {
                errors.Add(Error(file, key.Start, $"unknown key '{(key as YamlScalarNode)?.Value}' (expected one of: {string.Join(", ", Keys)})"));
            }
        }
        var settings = Read(file, root, errors);
        return errors.Count > 0 ? (null, errors) : (settings, errors);
    }

    /// <summary>Reads <see cref="Keys"/> from <paramref name="root"/>, ignoring other keys, adding problems to <paramref name="errors"/>.</summary>
    public static UserVerificationSettings Read(string file, YamlMappingNode root, List<RuleLoadError> errors)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(errors);
        bool? verify = null;
        if (Child(root, "verify") is { } v)
        {
            if (v is YamlScalarNode { Value: "true" or "false" } b)
            {
                verify = b.Value == "true";
            }
            else
            {
                errors.Add(Error(file, v.Start, "'verify' must be true or false"));
            }
        }
        TimeSpan? timeout = null;
        if (Child(root, "verify-timeout") is { } t)
        {
            if (t is YamlScalarNode { Value: { } text } && TryParseTimeout(text, out var value))
            {
                timeout = value;
            }
            else
            {
                errors.Add(Error(file, t.Start, "'verify-timeout' must be a duration from 1 ms to 5 min: seconds (5, 2.5) or with ms, s or m (500ms, 5s, 1m)"));
            }
        }
        var hosts = new List<string>();
        if (Child(root, "verify-allow-hosts") is { } h)
        {
            if (h is YamlSequenceNode seq)
            {
                foreach (var item in seq)
                {
                    if (item is YamlScalarNode { Value: { } host } && VerificationHostPolicy.IsValidHost(host))
                    {
                        hosts.Add(host);
                    }
                    else
                    {
                        errors.Add(Error(file, item.Start, "'verify-allow-hosts' entries must be lower-case DNS host names (no scheme, port or path)"));
                    }
                }
            }
            else
            {
                errors.Add(Error(file, h.Start, "'verify-allow-hosts' must be a list of host names"));
            }
        }
        return new UserVerificationSettings(verify, timeout, hosts);
    }

    /// <summary>
    /// Parses a timeout as <c>--verify-timeout</c> and <c>verify-timeout:</c> take it: a number of seconds
    /// (<c>5</c>, <c>2.5</c>) or a number with <c>ms</c>, <c>s</c> or <c>m</c>; from 1 ms to 5 minutes.
    /// </summary>
    public static bool TryParseTimeout(string text, out TimeSpan value)
    {
        value = default;
        ArgumentNullException.ThrowIfNull(text);
        string t = text.Trim().ToLowerInvariant();
        double unit = 1000;
        if (t.EndsWith("ms", StringComparison.Ordinal))
        {
            unit = 1;
            t = t[..^2];
        }
        else if (t.EndsWith('s'))
        {
            t = t[..^1];
        }
        else if (t.EndsWith('m'))
        {
            unit = 60_000;
            t = t[..^1];
        }
        if (!double.TryParse(t, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out double n))
        {
            return false;
        }
        double ms = n * unit;
        if (ms is < 1 or > 300_000)
        {
            return false;
        }
        value = TimeSpan.FromMilliseconds(ms);
        return true;
    }

    private static YamlNode? Child(YamlMappingNode map, string key) =>
        map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;

    private static RuleLoadError Error(string file, Mark mark, string message) =>
        new(new SourceLocation(file, (int)mark.Line, (int)mark.Column), null, message);
}
