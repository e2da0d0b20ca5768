using System.Text;

namespace SecretHook.Benchmarks;

/// <summary>
/// Benchmark inputs, never containing a secret, so the no-finding path is measured:
/// <list type="bullet">
/// <item><see cref="Sparse"/>: real text files from the installed .NET SDK (XML docs, MSBuild targets,
///   JSON), filled up with generated lines when the SDK holds less — the original benchmark input;</item>
/// <item><see cref="Dense"/>: keyword-dense real source — half a deterministic sample of Linux kernel
///   <c>.c</c>/<c>.h</c> files (the tree benchmarks/compare.sh extracts from Debian's
///   <c>linux-source-6.1</c>), half Python ML code from <c>/usr/lib/python3/dist-packages</c>
///   (scikit-learn, SciPy: <c>apt-get install python3-sklearn python3-scipy</c>).</item>
/// </list>
/// When the installed inputs are missing, each falls back to generated source-like lines and says so
/// on the console (<see cref="Describe"/>), so a run never silently measures something else.
/// </summary>
public static class Corpus
{
    /// <summary>Where the kernel tree is looked for: $SECRETHOOK_BENCH_LINUX, else compare.sh's cache.</summary>
    public static string KernelRoot =>
        Environment.GetEnvironmentVariable("SECRETHOOK_BENCH_LINUX") is { Length: > 0 } dir ? dir : "/tmp/secrethook-bench/linux";

    private static readonly string[] PythonRoots =
        ["/usr/lib/python3/dist-packages/sklearn", "/usr/lib/python3/dist-packages/scipy"];

    private static readonly List<string> Notes = [];

    /// <summary>What the corpora were built from (printed by the benchmark's setup).</summary>
    public static string Describe() => string.Join("; ", Notes);

    /// <summary>
    /// About <paramref name="size"/> bytes of SDK text, filled up with generated source-like lines when
    /// the SDK holds less (the benchmark as it always was).
    /// </summary>
    public static byte[] Sparse(int size)
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
                    break;
                }
            }
            break;
        }
        int sdk = Math.Min(sb.Length, size);
        var bytes = new MemoryStream(size);
        bytes.Write(Encoding.UTF8.GetBytes(sb.ToString(0, sdk)));
        if (bytes.Length < size)
        {
            bytes.Write(Generated((int)(size - bytes.Length)));
        }
        Notes.Add(sdk >= size
            ? "sparse: .NET SDK text"
            : $"sparse: {sdk} chars of .NET SDK text, then generated source-like lines (keyword-rich: 'token' on most lines)");
        var result = bytes.ToArray();
        return result.Length > size ? result[..size] : result;
    }

    /// <summary>
    /// About <paramref name="size"/> bytes of real source: kernel C first half, Python second half.
    /// Files are taken in ordinal path order, every <c>stride</c>-th one, so the sample spans the
    /// whole tree and is the same on every machine with the same packages.
    /// </summary>
    public static byte[] Dense(int size)
    {
        var output = new MemoryStream(size + 65536);
        int half = size / 2;
        Sample(output, [KernelRoot], [".c", ".h"], half, 37, "kernel C");
        Sample(output, PythonRoots, [".py"], size, 3, "Python (scikit-learn, SciPy)");
        if (output.Length < size)
        {
            var fill = Generated((int)(size - output.Length));
            output.Write(fill);
            Notes.Add($"dense: FALLBACK {fill.Length} bytes of generated lines (kernel tree or Python packages missing)");
        }
        var bytes = output.ToArray();
        return bytes.Length > size ? bytes[..size] : bytes;
    }

    private static void Sample(MemoryStream output, string[] roots, string[] extensions, int upTo, int stride, string label)
    {
        long before = output.Length;
        var files = roots.Where(Directory.Exists)
            .SelectMany(r => Directory.EnumerateFiles(r, "*", SearchOption.AllDirectories))
            .Where(f => extensions.Any(e => f.EndsWith(e, StringComparison.Ordinal)))
            .Order(StringComparer.Ordinal)
            .ToList();
        for (int pass = 0; pass < stride && output.Length < upTo && files.Count > 0; pass++)
        {
            for (int i = pass; i < files.Count && output.Length < upTo; i += stride)
            {
                var bytes = File.ReadAllBytes(files[i]);
                int take = (int)Math.Min(bytes.Length, upTo - output.Length);
                output.Write(bytes, 0, take);
            }
        }
        Notes.Add(output.Length > before
            ? $"dense: {output.Length - before} bytes of {label} from {string.Join(", ", roots.Where(Directory.Exists))}"
            : $"dense: no {label} found under {string.Join(", ", roots)}");
    }

    private static byte[] Generated(int size)
    {
        string[] lines =
        [
            "def forward(self, input_ids, attention_mask=None, token_type_ids=None):",
            "    outputs = self.model(input_ids, attention_mask=attention_mask)",
            "static int parse_header(const char *buf, size_t len, struct header *out) {",
            "  \"dependencies\": { \"react\": \"^18.2.0\", \"lodash\": \"^4.17.21\" },",
            "    tokenizer = AutoTokenizer.from_pretrained(model_name)",
            "// Copyright (c) the authors. Licensed under the MIT license.",
        ];
        var sb = new StringBuilder(size + 256);
        var random = new Random(1);
        while (sb.Length < size)
        {
            sb.Append(lines[random.Next(lines.Length)]).Append('\n');
        }
        return Encoding.UTF8.GetBytes(sb.ToString(0, size));
    }
}
