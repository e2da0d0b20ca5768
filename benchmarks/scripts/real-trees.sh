#!/usr/bin/env bash
# Whole-run benchmark and false-positive survey on real trees.
#
#   benchmarks/scripts/real-trees.sh [TREE...]
#
# With no arguments it prepares the reference trees from Debian and npm packages (the Linux kernel
# source, the .NET SDK folder, a few large npm packages' sources), publishes the native binary, then
# for every tree prints: size, secrethook wall time and MB/s, the time to read every file (cat, the
# disk/page-cache floor) and ripgrep searching the same keywords, findings per MB, and the findings
# themselves (redacted) so each one can be inspected. Run it from the repository root.
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${BENCH_WORK:-/tmp/secrethook-bench}
mkdir -p "$work"

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v rg >/dev/null || need+=(ripgrep)
if [ $# -eq 0 ] && ! ls /usr/src/linux-source-*.tar.xz >/dev/null 2>&1; then need+=(linux-source); fi
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== publishing the native binary" >&2
dotnet publish src/SecretHook.Cli -c Release -o "$work/bin" -nologo -v quiet >/dev/null
bin="$work/bin/secrethook"

trees=("$@")
if [ ${#trees[@]} -eq 0 ]; then
  tarball=$(ls /usr/src/linux-source-*.tar.xz | head -n 1)
  kernel="$work/$(basename "$tarball" .tar.xz)"
  if [ ! -d "$kernel" ]; then
    echo "== extracting $tarball" >&2
    tar -xf "$tarball" -C "$work"
  fi
  npmdir="$work/npm"
  if [ ! -d "$npmdir/node_modules" ]; then
    echo "== installing npm packages" >&2
    mkdir -p "$npmdir" && (cd "$npmdir" && npm init -y >/dev/null && npm install --silent --no-audit --no-fund \
      typescript@5 @angular/core@17 three@0.160 aws-sdk@2 @huggingface/transformers@3 >/dev/null)
  fi
  trees=("$kernel" "$(dirname "$(command -v dotnet)")/../share/dotnet" "$npmdir/node_modules")
  [ -d "${trees[1]}" ] || trees[1]=/usr/share/dotnet
fi

# The keywords of the rule pack, for ripgrep's fixed-string search of the same literals.
"$bin" rules --format json | python3 -c 'import json,sys; print("\n".join(sorted({k for r in json.load(sys.stdin)["rules"] for k in r["keywords"]})))' > "$work/keywords.txt"

for tree in "${trees[@]}"; do
  tree=$(cd "$tree" && pwd)
  bytes=$(find "$tree" -type f -size -10M -printf '%s\n' | awk '{s+=$1} END {print s}')
  files=$(find "$tree" -type f | wc -l)
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}')
  echo
  echo "== $tree: $files files, $mb MB"
  find "$tree" -type f -size -10M -print0 | xargs -0 cat > /dev/null # warm the page cache
  hyperfine --warmup 1 --runs 3 --style basic --export-json "$work/run.json" \
    -n cat "find '$tree' -type f -size -10M -print0 | xargs -0 -P2 cat > /dev/null" \
    -n ripgrep "rg -i -F -c -f '$work/keywords.txt' --no-ignore --hidden -j2 '$tree' > /dev/null || true" \
    -n secrethook "'$bin' scan '$tree' --no-ignore -q -f json > /dev/null || [ \$? -eq 1 ]" 2>&1 | grep -E "Time|±|cat|ripgrep|secrethook" || true
  "$bin" scan "$tree" --no-ignore -q -f json > "$work/findings.json" || true
  n=$(grep -c '"ruleId"' "$work/findings.json" || true)
  echo "findings: $n ($(awk -v n="$n" -v b="$bytes" 'BEGIN {printf "%.3f", n/(b/1048576)}') per MB)"
  "$bin" scan "$tree" --no-ignore -q --no-color 2>/dev/null | head -n 400 || true
done
