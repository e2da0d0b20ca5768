#!/usr/bin/env bash
# The engine benchmarks (BenchmarkDotNet, one thread, [MemoryDiagnoser]) on the corpora they are
# meant to measure: installs what Corpus.Dense samples — Debian's linux-source-6.1 (extracted once to
# $BENCH_WORK/linux, the tree compare.sh uses) and python3-sklearn / python3-scipy — then runs
#   benchmarks/engine.sh                 # --filter '*' --job medium (~7 minutes on 2 cores)
#   benchmarks/engine.sh --job short     # any BenchmarkDotNet arguments replace --job medium
# Without those packages Corpus.Dense falls back to generated lines and says FALLBACK.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${BENCH_WORK:-/tmp/secrethook-bench}
need=()
ls /usr/src/linux-source-6.1.tar.* >/dev/null 2>&1 || need+=(linux-source-6.1)
[ -d /usr/lib/python3/dist-packages/sklearn ] || need+=(python3-sklearn)
[ -d /usr/lib/python3/dist-packages/scipy ] || need+=(python3-scipy)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -qq "${need[@]}" >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq "${need[@]}" >/dev/null; }
fi
if [ ! -f "$work/linux/Makefile" ]; then
  mkdir -p "$work/linux"
  tar -xf "$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)" -C "$work/linux" --strip-components=1
fi
args=("$@")
[ ${#args[@]} -gt 0 ] || args=(--job medium)
SECRETHOOK_BENCH_LINUX="$work/linux" dotnet run -c Release --project "$root/benchmarks/SecretHook.Benchmarks" -- --filter '*' "${args[@]}"
