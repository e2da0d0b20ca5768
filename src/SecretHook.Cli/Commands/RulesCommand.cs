using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using McMaster.Extensions.CommandLineUtils;
using SecretHook.Cli.Infrastructure;
using SecretHook.Cli.Settings;

namespace SecretHook.Cli.Commands;

/// <summary><c>secrethook rules</c>: lists the rules (id, provider, description) as text or JSON.</summary>
public static class RulesCommand
{
    /// <summary>Registers the command on <paramref name="app"/>.</summary>
    public static void Register(CommandLineApplication app, CliEnvironment env)
    {
        app.Command("rules", cmd =>
        {
            cmd.Description = "List the detection rules.";
            var format = cmd.Option("-f|--format <FORMAT>", "text (default) or json.", CommandOptionType.SingleValue);
            var options = ScanOptions.Register(cmd, OptionGroups.Rules);
            cmd.HelpOption("-h|--help");
            cmd.Command("import-gitleaks", import =>
            {
                import.Description = "Convert a gitleaks configuration (.gitleaks.toml) into .secrethook.yaml: YAML on standard output, what could not be converted on standard error.";
                // No IsRequired(): McMaster builds its validation attribute by reflection, which native AOT trims.
                var file = import.Argument("FILE", "The gitleaks TOML file.");
                import.HelpOption("-h|--help");
                import.OnExecute(() => ImportGitleaks(file.Value ?? throw new UsageException("give the gitleaks configuration file (e.g. .gitleaks.toml)"), env));
            });
            cmd.OnExecute(() =>
            {
                string f = format.Value() ?? "text";
                if (f is not ("text" or "json"))
                {
                    throw new UsageException($"unknown format '{f}' (expected text or json)");
                }
                var set = SettingsBuilder.Build(options.Read(), InputKind.None, env).Rules;
                var ordered = set.Rules.OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
                if (f == "json")
                {
                    using var w = new Utf8JsonWriter(env.Stdout, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
                    w.WriteStartObject();
                    w.WriteNumber("version", 1);
                    w.WriteStartArray("rules");
                    foreach (var r in ordered)
                    {
                        w.WriteStartObject();
                        w.WriteString("id", r.Id);
                        w.WriteString("provider", r.Provider);
                        w.WriteString("description", r.Description);
                        w.WriteStartArray("keywords");
                        foreach (var k in r.Keywords)
                        {
                            w.WriteStringValue(k);
                        }
                        w.WriteEndArray();
                        w.WriteEndObject();
                    }
                    w.WriteEndArray();
                    w.WriteEndObject();
                    w.Flush();
                    env.Stdout.WriteByte((byte)'\n');
                }
                else
                {
                    int idWidth = ordered.Max(r => r.Id.Length);
                    int providerWidth = ordered.Max(r => r.Provider.Length);
                    var sb = new StringBuilder();
                    foreach (var r in ordered)
                    {
                        sb.Append(r.Id.PadRight(idWidth + 2)).Append(r.Provider.PadRight(providerWidth + 2)).Append(r.Description).Append('\n');
                    }
                    sb.Append($"{ordered.Count} rules\n");
                    env.Stdout.Write(Encoding.UTF8.GetBytes(sb.ToString()));
                }
                env.Stdout.Flush();
                return ExitCodes.Clean;
            });
        });
    }

    private static int ImportGitleaks(string given, CliEnvironment env)
    {
        string path = env.Resolve(given);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read {given}: {e.Message}");
        }
        var reserved = SecretHook.Pack.CompiledRulePack.Load().Rules.Select(r => r.Id).ToList();
        var result = Core.Migration.GitleaksImporter.Convert(text, given, reserved);
        foreach (var error in result.Errors)
        {
            env.Stderr.WriteLine(error.ToString());
        }
        if (result.Yaml is null)
        {
            return ExitCodes.Error;
        }
        env.Stdout.Write(Encoding.UTF8.GetBytes(result.Yaml));
        env.Stdout.Flush();
        foreach (var issue in result.Unconverted)
        {
            env.Stderr.WriteLine($"not converted: {issue}");
        }
        foreach (var note in result.Notes)
        {
            env.Stderr.WriteLine($"note: {note}");
        }
        env.Stderr.WriteLine($"secrethook: converted {result.RulesConverted} of {result.RulesTotal} rules from {given}");
        return ExitCodes.Clean;
    }
}
