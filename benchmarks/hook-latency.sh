#!/bin/sh
# Hook latency: what 'secrethook staged' (the pre-commit hook's work) costs on top of git itself.
#
# Builds the native-AOT executable, creates a realistic repository (a few hundred source files) with a
# typical staged change (5 files, 200 added lines), and times with hyperfine:
#   1. git diff --cached                 what git alone needs to produce the staged diff
#   2. git diff --cached (our options)   the exact diff secrethook asks git for (-U0, -M -C, ...)
#   3. secrethook staged                 the whole check: git rev-parse + git diff + parsing + detection
#   4. the installed pre-commit hook     the sh wrapper (SKIP parsing, binary lookup) plus 3
# and prints the ratio and difference of 3 against 1.
#
# Usage: [KEEP=1] [PLAIN=1] [SECRETHOOK_BIN=PATH] [SUMMARY=FILE] benchmarks/hook-latency.sh [FILES] [CHANGED_FILES] [LINES_PER_CHANGED_FILE]
# By default every added line holds a secret-like word ("api_key = ..."), the worst case for the
# generic rule; PLAIN=1 makes the same change without such words, like most commits.
# SECRETHOOK_BIN uses an already published executable instead of building one (benchmarks/compare.sh
# does); SUMMARY appends "git_ms staged_ms hook_ms staged_peak_kb git_cpu_ms staged_cpu_ms" (medians of
# wall time; means of user + system CPU time) as one line to FILE.
# Needs the .NET SDK, git and hyperfine (installed with apt-get when missing and running as root);
# the peak memory line needs /usr/bin/time (Debian package 'time').
set -eu

files=${1:-400}
changed=${2:-5}
lines=${3:-40}

root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/secrethook-bench.XXXXXX")
[ -n "${KEEP:-}" ] || trap 'rm -rf "$work"' EXIT   # KEEP=1 keeps the repository and binary for a closer look

if ! command -v hyperfine >/dev/null 2>&1; then
    echo "installing hyperfine..." >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q hyperfine >/dev/null 2>&1 || { apt-get update -q >/dev/null && apt-get install -y -q hyperfine >/dev/null; }
fi

if [ -n "${SECRETHOOK_BIN:-}" ]; then
    bin=$SECRETHOOK_BIN
else
    echo "building the native executable..." >&2
    dotnet publish "$root/src/SecretHook.Cli" -c Release -o "$work/bin" -nologo -v quiet >/dev/null
    bin="$work/bin/secrethook"
fi
[ -x "$bin" ] || { echo "no native executable at $bin" >&2; exit 2; }

echo "creating a repository with $files files..." >&2
repo="$work/repo"
mkdir -p "$repo"
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
git -C "$repo" init -q -b main
git -C "$repo" config user.email bench@example.com
git -C "$repo" config user.name bench

# Source-like files of 60-140 lines in 20 directories; deterministic content, no secrets.
awk -v files="$files" -v repo="$repo" 'BEGIN {
    srand(42);
    for (f = 0; f < files; f++) {
        dir = sprintf("%s/src/module%02d", repo, f % 20);
        system("mkdir -p " dir);
        path = sprintf("%s/file%03d.cs", dir, f);
        n = 60 + int(rand() * 80);
        printf "namespace Module%02d;\n\npublic sealed class Type%03d\n{\n", f % 20, f > path;
        for (i = 0; i < n; i++) {
            printf "    public int Method%d(int value) => value * %d + %d; // config key setting_%d\n", i, int(rand() * 1000), i, i > path;
        }
        printf "}\n" > path;
        close(path);
    }
}'
git -C "$repo" add -A
git -C "$repo" commit -q -m "initial import"

# The typical change: CHANGED files each get LINES new lines (plus one edited line).
i=0
for path in $(cd "$repo" && git ls-files | head -n "$changed"); do
    awk -v lines="$lines" -v seed="$i" -v plain="${PLAIN:-0}" 'NR == 3 { print "// edited"; next } { print } END {
        for (j = 0; j < lines; j++) printf "    public string Added%d%d() => \"value %d of the change\"; // %s(\"name%d\")\n", seed, j, j, (plain ? "lookup" : "api_key = settings.Get"), j;
    }' "$repo/$path" > "$repo/$path.new"
    mv "$repo/$path.new" "$repo/$path"
    i=$((i + 1))
done
git -C "$repo" add -A
echo "staged: $(git -C "$repo" diff --cached --shortstat)" >&2

cp "$root/hooks/pre-commit" "$repo/.git/hooks/pre-commit"
chmod +x "$repo/.git/hooks/pre-commit"

# The check must pass: hyperfine treats a non-zero exit as a failure.
(cd "$repo" && "$bin" staged --quiet) || { echo "secrethook staged found something in the benchmark repository" >&2; exit 2; }

opts="--no-ext-diff --no-textconv --no-color --src-prefix=a/ --dst-prefix=b/ -U0 --inter-hunk-context=0 --full-index --submodule=short --no-relative -M -C"
cd "$repo"
hyperfine -N --warmup 10 --min-runs 100 --export-csv "$work/results.csv" \
    -n "git diff --cached" "git diff --cached" \
    -n "git diff --cached (secrethook's options)" "git -c core.quotepath=off diff --cached $opts HEAD --" \
    -n "secrethook staged" "$bin staged --quiet" \
    -n "pre-commit hook (sh + secrethook staged)" "env SECRETHOOK_BIN=$bin sh .git/hooks/pre-commit"

peak=0
if [ -x /usr/bin/time ]; then
    peak=$(/usr/bin/time -v "$bin" staged --quiet 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/ { print $2 }')
fi

# hyperfine's CSV: command,mean,stddev,median,... (seconds); the medians are compared.
[ -z "${SUMMARY:-}" ] || awk -F, -v peak="$peak" 'NR > 1 { med[NR] = $4 * 1000; cpu[NR] = ($5 + $6) * 1000 } END { printf "%.3f %.3f %.3f %s %.3f %.3f\n", med[2], med[4], med[5], peak, cpu[2], cpu[4] }' "$work/results.csv" >> "$SUMMARY"

awk -F, 'NR > 1 { name[NR] = $1; mean[NR] = $2 * 1000 } END {
    printf "\n%-45s %10s\n", "command", "mean (ms)";
    for (i = 2; i <= NR; i++) printf "%-45s %10.2f\n", name[i], mean[i];
    printf "\nsecrethook staged / git diff --cached: %.2fx (+%.2f ms)\n", mean[4] / mean[2], mean[4] - mean[2];
    printf "pre-commit hook   / git diff --cached: %.2fx (+%.2f ms)\n", mean[5] / mean[2], mean[5] - mean[2];
}' "$work/results.csv"
[ "$peak" = 0 ] || echo "secrethook staged peak memory: $((peak / 1024)) MB ($peak KB)"
