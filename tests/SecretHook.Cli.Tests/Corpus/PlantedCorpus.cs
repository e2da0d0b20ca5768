using System.Text;
using SecretHook.Core.Rules;

namespace SecretHook.Cli.Tests.Corpus;

/// <summary>A secret planted in the corpus: its family, the file, the 1-based lines it spans, and its value.</summary>
public sealed record Planted(string Family, string File, int FirstLine, int LastLine, string Value);

/// <summary>
/// Builds a tree of realistic source and config files with real-format secrets (from templates, with a
/// fixed seed) planted at known lines, in many file types and quoting styles, some with CRLF endings,
/// mixed with look-alikes that are not secrets. The tree is made at test time, never committed.
/// </summary>
public static class PlantedCorpus
{
    /// <summary>Secret families and value templates (the formats the built-in pack must catch).</summary>
    public static readonly (string Family, string Template)[] Families =
    [
        ("huggingface", "hf_${alpha:34}"),
        ("huggingface", "hf_${alnum:34}"),
        ("huggingface-org", "api_org_${alpha:34}"),
        ("aws", "AKIA${b32:16}"),
        ("aws", "ASIA${b32:16}"),
        ("github", "ghp_${alnum:36}"),
        ("github", "gho_${alnum:36}"),
        ("github", "github_pat_${alnum:22}_${alnum:59}"),
        ("gitlab", "glpat-${alnum:20}"),
        ("slack", "xoxb-${digit:12}-${digit:13}-${alnum:24}"),
        ("slack", "xoxp-${digit:12}-${digit:12}-${digit:13}-${hex:32}"),
        ("slack-webhook", "https://hooks.slack.com/services/T${upper:8}/B${upper:10}/${alnum:24}"),
        ("stripe", "sk_live_${alnum:24}"),
        ("stripe", "rk_live_${alnum:99}"),
        ("openai", "sk-proj-${base64url:74}T3BlbkFJ${base64url:74}"),
        ("openai", "sk-${alnum:20}T3BlbkFJ${alnum:20}"),
        ("anthropic", "sk-ant-api03-${base64url:93}AA"),
        ("google", "AIza${base64url:35}"),
        ("npm", "npm_${alnum:36}"),
        ("pypi", "pypi-AgEIcHlwaS5vcmc${base64url:70}"),
        ("url-credentials", "postgres://app:${alnum:18}@db.internal:5432/app"),
        ("url-credentials", "https://deploy:${alnum:22}@git.example.org/team/repo.git"),
    ];

    /// <summary>Strings that look like secrets to a careless scanner but are not.</summary>
    public static readonly string[] LookAlikes =
    [
        "from huggingface_hub import hf_hub_download, snapshot_download",
        "path = hf_hub_download(repo_id=\"bert-base-uncased\", filename=\"config.json\")",
        "HF_TOKEN = os.environ[\"HF_TOKEN\"]",
        "token = os.getenv(\"HUGGINGFACE_TOKEN\")",
        "tokenizer = AutoTokenizer.from_pretrained(model_id, token=hf_token)",
        "outputs = model.generate(**inputs, max_new_tokens=256, pad_token_id=tokenizer.eos_token_id)",
        "tokenizer.add_special_tokens({\"pad_token\": \"[PAD]\"})",
        "aws_access_key_id = AKIA" + "IOSFODNN7EXAMPLE", // AWS's documented example, split so the tree holds no key-shaped string
        "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        "commit = \"3f786850e387550fdab836ed7e6dc881de23001b\"",
        "sha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
        "id = \"123e4567-e89b-12d3-a456-426614174000\"",
        "\"integrity\": \"sha512-v2kDEe57lecTulaDIuNTPy3Ry4gLGJ6Z1O3vE1krgXZNrsQ+LFTGHVxVjcXPs17LhbZVGedAJv8XZ1tvj5FvSg==\"",
        "golang.org/x/text v0.14.0 h1:ScX5w1eTa3QqT8oi6+ziP7dTV1S2+ALU0bI+0zXKWiQ=",
        "const apiKey = process.env.OPENAI_API_KEY;",
        "password: ${DB_PASSWORD}",
        "password = \"<your-password>\"",
        "HF_TOKEN=hf_xxxxxxxxxxxx",
        "huggingface-cli login --token $HF_TOKEN",
        "url = \"postgres://app:${PGPASSWORD}@localhost/app\"",
        "token: {{ .Values.token }}",
        "img = \"data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\"",
        "Secret = settings.SECRET_KEY",
        "-----BEGIN RSA PRIVATE KEY-----   (see docs/keys.md)",
        "git clone https://huggingface.co/meta-llama/Llama-2-7b-hf",
    ];

    private static readonly (string Ext, Func<string, string> Line)[] Contexts =
    [
        (".py", s => $"API_KEY = \"{s}\""),
        (".py", s => $"client = Client(token='{s}', timeout=30)"),
        (".js", s => $"const key = '{s}';"),
        (".ts", s => $"export const token: string = `{s}`;"),
        (".env", s => $"SERVICE_TOKEN={s}"),
        (".env", s => $"export SERVICE_TOKEN=\"{s}\""),
        (".yaml", s => $"  token: {s}"),
        (".yml", s => $"  api_key: \"{s}\""),
        (".json", s => $"  \"credentials\": {{\"token\": \"{s}\"}},"),
        (".ipynb", s => $"    \"client = connect(token=\\\"{s}\\\")\\n\","),
        (".sh", s => $"curl -s -H \"Authorization: Bearer {s}\" https://api.example.org/v1/me"),
        (".go", s => $"var apiToken = \"{s}\""),
        (".java", s => $"    private static final String TOKEN = \"{s}\";"),
        (".cs", s => $"    var token = @\"{s}\";"),
        (".tf", s => $"  token = \"{s}\""),
        (".toml", s => $"token = '{s}'"),
        (".xml", s => $"  <add key=\"token\" value=\"{s}\" />"),
        (".md", s => $"Use `{s}` to authenticate."),
        (".properties", s => $"service.token={s}"),
        (".rb", s => $"TOKEN = %q({s})"),
    ];

    private static readonly string[] Filler =
    [
        "import os",
        "def handler(event, context):",
        "    return {\"statusCode\": 200}",
        "for (let i = 0; i < items.length; i++) { total += items[i]; }",
        "// TODO: handle retries with exponential backoff",
        "logger.info(\"request %s took %d ms\", request_id, elapsed)",
        "    timeout: 30",
        "SELECT id, name FROM users WHERE id = $1;",
        "func main() { fmt.Println(\"hello\") }",
        "if err != nil { return err }",
        "",
        "<dependency><groupId>org.slf4j</groupId></dependency>",
    ];

    /// <summary>Writes the corpus under <paramref name="root"/> and returns what was planted.</summary>
    public static List<Planted> Write(string root, int seed, int filesPerFamily)
    {
        var random = new Random(seed);
        var planted = new List<Planted>();
        int n = 0;
        foreach (var (family, template) in Families)
        {
            for (int k = 0; k < filesPerFamily; k++, n++)
            {
                var (ext, line) = Contexts[random.Next(Contexts.Length)];
                string value = TemplateExpander.Expand(template, random);
                string file = $"{family}/f{n:D4}{ext}";
                var lines = new List<string>();
                for (int i = random.Next(0, 25); i > 0; i--)
                {
                    lines.Add(Filler[random.Next(Filler.Length)]);
                }
                lines.Add(LookAlikes[random.Next(LookAlikes.Length)]);
                planted.Add(new Planted(family, file, lines.Count + 1, lines.Count + 1, value));
                lines.Add(line(value));
                for (int i = random.Next(0, 25); i > 0; i--)
                {
                    lines.Add(Filler[random.Next(Filler.Length)]);
                }
                lines.Add(LookAlikes[random.Next(LookAlikes.Length)]);
                WriteLines(root, file, lines, crlf: random.Next(4) == 0);
            }
        }
        // A PEM private key in a few shapes.
        for (int k = 0; k < filesPerFamily; k++, n++)
        {
            string kind = (k % 3) switch { 0 => "RSA PRIVATE KEY", 1 => "PRIVATE KEY", _ => "OPENSSH PRIVATE KEY" };
            var lines = new List<string> { "# deploy key", $"-----BEGIN {kind}-----" };
            for (int i = 0; i < 12; i++)
            {
                lines.Add(TemplateExpander.Expand("${base64:64}", random));
            }
            lines.Add(TemplateExpander.Expand("${base64:20}==", random));
            lines.Add($"-----END {kind}-----");
            string file = $"private-key/id_{n:D4}.pem";
            planted.Add(new Planted("private-key", file, 2, lines.Count, lines[1]));
            WriteLines(root, file, lines, crlf: k % 2 == 1);
        }
        // Files of look-alikes only.
        for (int k = 0; k < 10; k++)
        {
            WriteLines(root, $"clean/c{k}.py", [.. LookAlikes.OrderBy(_ => random.Next())], crlf: k % 3 == 0);
        }
        return planted;
    }

    private static void WriteLines(string root, string file, List<string> lines, bool crlf)
    {
        string full = Path.Combine(root, file);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        string nl = crlf ? "\r\n" : "\n";
        File.WriteAllText(full, string.Join(nl, lines) + nl, new UTF8Encoding(false));
    }
}
