using System.Globalization;
using Tomlyn.Parsing;
using Tomlyn.Syntax;

namespace SecretHook.Core.Migration;

/// <summary>A TOML value with the 1-based line and column it was written at.</summary>
internal sealed record TomlValue(object Value, int Line, int Column)
{
    /// <summary>The value as a string, if it is one.</summary>
    public string? AsString => Value as string;

    /// <summary>The value as a table, if it is one.</summary>
    public TomlNode? AsTable => Value as TomlNode;

    /// <summary>The value as a list (an array, or an array of tables), if it is one.</summary>
    public List<TomlValue>? AsList => Value as List<TomlValue>;

    /// <summary>The value as a number (integer or float), if it is one.</summary>
    public double? AsNumber => Value switch { long l => l, double d => d, _ => null };

    /// <summary>A short description of the value's type for messages.</summary>
    public string TypeName => Value switch
    {
        string => "a string",
        long => "an integer",
        double => "a float",
        bool => "a boolean",
        TomlNode => "a table",
        List<TomlValue> => "an array",
        _ => "a date or time",
    };
}

/// <summary>A TOML table: keys in the order written, each with its value and position.</summary>
internal sealed class TomlNode(int line, int column)
{
    /// <summary>The items, in the order written.</summary>
    public Dictionary<string, TomlValue> Items { get; } = new(StringComparer.Ordinal);

    /// <summary>Where the table was opened (1-based).</summary>
    public int Line { get; } = line;

    /// <summary>Where the table was opened (1-based).</summary>
    public int Column { get; } = column;

    /// <summary>The value under <paramref name="key"/>, if any.</summary>
    public TomlValue? Get(string key) => Items.GetValueOrDefault(key);
}

/// <summary>
/// Builds a <see cref="TomlNode"/> tree from Tomlyn's lossless syntax tree (<see cref="SyntaxParser"/>),
/// which is AOT-safe: no reflection-based deserialization is involved. Tomlyn validates the document
/// (duplicate keys, redefined tables); its diagnostics are returned as errors with 1-based positions.
/// </summary>
internal static class TomlTree
{
    /// <summary>Parses <paramref name="text"/>; on failure returns null and the errors.</summary>
    public static TomlNode? Parse(string text, string file, List<(int Line, int Column, string Message)> errors)
    {
        DocumentSyntax document;
        try
        {
            document = SyntaxParser.Parse(text, file, true);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            errors.Add((1, 1, $"invalid TOML: {e.Message}"));
            return null;
        }
        if (document.HasErrors)
        {
            foreach (var d in document.Diagnostics)
            {
                if (d.Kind == DiagnosticMessageKind.Error)
                {
                    errors.Add((d.Span.Start.Line + 1, d.Span.Start.Column + 1, $"invalid TOML: {d.Message}"));
                }
            }
            return null;
        }
        var root = new TomlNode(1, 1);
        try
        {
            foreach (var kv in document.KeyValues)
            {
                AddKeyValue(root, kv);
            }
            foreach (var table in document.Tables)
            {
                var path = KeyParts(table.Name!);
                var (line, column) = Position(table);
                var parent = Walk(root, path.Take(path.Count - 1), line, column);
                string last = path[^1];
                TomlNode target;
                if (table is TableArraySyntax)
                {
                    if (parent.Get(last) is not { Value: List<TomlValue> list })
                    {
                        list = [];
                        parent.Items[last] = new TomlValue(list, line, column);
                    }
                    target = new TomlNode(line, column);
                    list.Add(new TomlValue(target, line, column));
                }
                else
                {
                    if (parent.Get(last) is { Value: TomlNode existing })
                    {
                        target = existing;
                    }
                    else
                    {
                        target = new TomlNode(line, column);
                        parent.Items[last] = new TomlValue(target, line, column);
                    }
                }
                foreach (var kv in table.Items)
                {
                    AddKeyValue(target, kv);
                }
            }
        }
        catch (TomlShapeException e)
        {
            errors.Add((e.Line, e.Column, $"invalid TOML: {e.Message}"));
            return null;
        }
        return root;
    }

    private sealed class TomlShapeException(int line, int column, string message) : Exception(message)
    {
        public int Line { get; } = line;

        public int Column { get; } = column;
    }

    private static (int Line, int Column) Position(SyntaxNode node) => (node.Span.Start.Line + 1, node.Span.Start.Column + 1);

    private static TomlNode Walk(TomlNode root, IEnumerable<string> parts, int line, int column)
    {
        var node = root;
        foreach (var part in parts)
        {
            switch (node.Get(part)?.Value)
            {
                case null:
                    var created = new TomlNode(line, column);
                    node.Items[part] = new TomlValue(created, line, column);
                    node = created;
                    break;
                case TomlNode table:
                    node = table;
                    break;
                case List<TomlValue> { Count: > 0 } list when list[^1].Value is TomlNode lastTable:
                    node = lastTable; // [[a]] then [a.b]: b belongs to the last element of a
                    break;
                default:
                    throw new TomlShapeException(line, column, $"key '{part}' is not a table");
            }
        }
        return node;
    }

    private static void AddKeyValue(TomlNode table, KeyValueSyntax kv)
    {
        var parts = KeyParts(kv.Key!);
        var (line, column) = Position(kv);
        var parent = Walk(table, parts.Take(parts.Count - 1), line, column);
        parent.Items[parts[^1]] = Convert(kv.Value!);
    }

    private static List<string> KeyParts(KeySyntax key)
    {
        var parts = new List<string> { Part(key.Key!) };
        if (key.DotKeys is { } dots)
        {
            foreach (var dot in dots)
            {
                parts.Add(Part(dot.Key!));
            }
        }
        return parts;
    }

    private static string Part(BareKeyOrStringValueSyntax part) => part switch
    {
        BareKeySyntax bare => bare.Key?.Text ?? "",
        StringValueSyntax s => s.Value ?? "",
        _ => part.ToString()?.Trim() ?? "",
    };

    private static TomlValue Convert(ValueSyntax value)
    {
        var (line, column) = Position(value);
        object converted = value switch
        {
            StringValueSyntax s => s.Value ?? "",
            IntegerValueSyntax i => i.Value,
            FloatValueSyntax f => f.Value,
            BooleanValueSyntax b => b.Value,
            ArraySyntax a => a.Items.Select(item => Convert(item.Value!)).ToList(),
            InlineTableSyntax t => Inline(t, line, column),
            _ => value.ToString()?.Trim() ?? "",
        };
        return new TomlValue(converted, line, column);
    }

    private static TomlNode Inline(InlineTableSyntax syntax, int line, int column)
    {
        var node = new TomlNode(line, column);
        foreach (var item in syntax.Items)
        {
            if (item.KeyValue is { } kv)
            {
                AddKeyValue(node, kv);
            }
        }
        return node;
    }

    /// <summary>Formats a number for messages.</summary>
    public static string Format(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
