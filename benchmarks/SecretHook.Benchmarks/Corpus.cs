using System.Text;

namespace SecretHook.Benchmarks;

/// <summary>
/// Benchmark inputs: real text files from the installed .NET SDK (XML docs, MSBuild targets, JSON)
/// when present, else generated source-like text; never any secret, so the no-finding path is measured.
/// </summary>
public static class Corpus
{
    /// <summary>About <paramref name="size"/> bytes of text.</summary>
    public static byte[] Text(int size)
    {
        var sb = new StringBuilder(size + 4096);
        foreach (var root in new[] { "/usr/share/dotnet/sdk", "/usr/lib/dotnet/sdk" })
        {
            if (!Directory.Exists(root))
            {
                continue;
            }
            foreach (var file in Directory.EnumerateFiles(root, "*.*", SearchOption.AllDirectories)
                .Where(f => f.EndsWith(".targets", StringComparison.Ordinal) || f.EndsWith(".props", StringComparison.Ordinal)
                    || f.EndsWith(".json", StringComparison.Ordinal) || f.EndsWith(".xml", StringComparison.Ordinal))
                .Order(StringComparer.Ordinal))
            {
                sb.Append(File.ReadAllText(file));
                if (sb.Length >= size)
                {
                    return Encoding.UTF8.GetBytes(sb.ToString(0, size));
                }
            }
        }
        string[] lines =
        [
            "def forward(self, input_ids, attention_mask=None, token_type_ids=None):",
            "    outputs = self.model(input_ids, attention_mask=attention_mask)",
            "static int parse_header(const char *buf, size_t len, struct header *out) {",
            "  \"dependencies\": { \"react\": \"^18.2.0\", \"lodash\": \"^4.17.21\" },",
            "    tokenizer = AutoTokenizer.from_pretrained(model_name)",
            "// Copyright (c) the authors. Licensed under the MIT license.",
        ];
        var random = new Random(1);
        while (sb.Length < size)
        {
            sb.Append(lines[random.Next(lines.Length)]).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }
}
