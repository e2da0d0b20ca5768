#!/usr/bin/env bash
# Whole-run benchmark and false-positive survey on real trees (docs/precision.md records the verdicts).
#
#   benchmarks/scripts/real-trees.sh [TREE...]
#
# With no arguments it prepares the reference trees, each only if it is missing (so re-running is
# cheap and changes nothing):
#   linux    Debian's Linux kernel source package, extracted under $BENCH_WORK
#   python   /usr/lib/python3/dist-packages with Debian's Python/ML packages (torch, scikit-learn,
#            scipy, pandas, botocore/boto3, Django, Twisted, Tornado, paramiko, oauthlib…), without
#            ansible_collections, which is surveyed on its own:
#   ansible  the Ansible collections (infrastructure code full of password and token parameters)
#   npm      node_modules of aws-sdk v2, openai, @anthropic-ai/sdk, @huggingface/{hub,inference,
#            transformers}, langchain and @langchain/{community,openai}, typescript, and the SDKs of the
#            third survey (stripe, twilio, @octokit/rest, firebase-admin, @azure/identity, @aws-sdk v3…)
#   dotnet   the .NET SDK folder; nuget: the NuGet package caches (~/.nuget/packages, /opt/nuget/packages)
#   go, ruby, pascal, rust   Debian's Go sources (golang-src), Ruby's standard library and gems
#            (ruby), Free Pascal's sources (fpc-source), Rust's library sources (rust-src):
#            languages with their own declaration syntax
#   gocode   Go libraries from Debian (aws-sdk-go, golang.org/x/{crypto,net,oauth2}, gokrb5, lib/pq,
#            go-sql-driver/mysql): SDK examples and crypto test vectors
# It publishes the native binary, then for every tree prints: size (files, MB of files under 10 MB),
# findings, findings per MB and per rule, and the findings themselves (redacted) so that each one can
# be inspected; unless BENCH_TIMING=0 it also times secrethook against reading every file (cat, the
# page-cache floor) and ripgrep searching the same keywords. A summary table closes the run.
# Run it from anywhere; it works in the repository root. Environment: BENCH_WORK (default
# /tmp/secrethook-bench), BENCH_TIMING (1), BENCH_LIST (findings lines listed per tree, 400).
set -euo pipefail
cd "$(dirname "$0")/../.."
work=${BENCH_WORK:-/tmp/secrethook-bench}
timing=${BENCH_TIMING:-1}
list=${BENCH_LIST:-400}
mkdir -p "$work"

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'ok installed'; }
python_pkgs=(python3-torch python3-sklearn python3-scipy python3-pandas python3-boto3 python3-django
  python3-twisted python3-tornado python3-paramiko python3-requests-oauthlib python3-jwt python3-future ansible
  golang-src ruby fpc-source rust-src golang-github-aws-aws-sdk-go-dev golang-golang-x-oauth2-dev
  golang-github-lib-pq-dev golang-github-go-sql-driver-mysql-dev)
npm_pkgs=(typescript aws-sdk@2 openai @anthropic-ai/sdk @huggingface/hub @huggingface/inference
  @huggingface/transformers@3 langchain @langchain/community @langchain/openai
  stripe twilio @octokit/rest firebase-admin @azure/identity @aws-sdk/client-s3 @aws-sdk/credential-providers
  @slack/web-api @sendgrid/mail mailgun.js @google-cloud/storage)

need=()
if [ "$timing" != 0 ]; then
  command -v hyperfine >/dev/null || need+=(hyperfine)
  command -v rg >/dev/null || need+=(ripgrep)
fi
if [ $# -eq 0 ]; then
  ls /usr/src/linux-source-*.tar.xz >/dev/null 2>&1 || need+=(linux-source)
  for p in "${python_pkgs[@]}"; do installed "$p" || need+=("$p"); done
fi
if [ ${#need[@]} -gt 0 ]; then
  echo "== installing ${need[*]}" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

echo "== publishing the native binary" >&2
dotnet publish src/SecretHook.Cli -c Release -o "$work/bin" -nologo -v quiet >/dev/null
bin="$work/bin/secrethook"

# Trees as "label|path|excluded subfolder (optional)".
trees=()
if [ $# -eq 0 ]; then
  tarball=$(ls /usr/src/linux-source-*.tar.xz | head -n 1)
  kernel="$work/$(basename "$tarball" .tar.xz)"
  if [ ! -d "$kernel" ]; then
    echo "== extracting $tarball" >&2
    tar -xf "$tarball" -C "$work"
  fi
  npmdir="$work/npm"
  mkdir -p "$npmdir"
  [ -f "$npmdir/package.json" ] || (cd "$npmdir" && npm init -y >/dev/null)
  missing=()
  for p in "${npm_pkgs[@]}"; do
    name=${p%@[0-9]*}
    [ -f "$npmdir/node_modules/$name/package.json" ] || missing+=("$p")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    # --ignore-scripts: no install script may download binaries (onnxruntime); sources are what we scan.
    echo "== installing npm packages: ${missing[*]}" >&2
    (cd "$npmdir" && npm install --silent --no-audit --no-fund --ignore-scripts --legacy-peer-deps "${missing[@]}" >/dev/null)
  fi
  dotnetroot=$(dirname "$(readlink -f "$(command -v dotnet)")")
  [ -d "$dotnetroot/sdk" ] || dotnetroot=/usr/share/dotnet
  pydist=/usr/lib/python3/dist-packages
  trees+=("linux|$kernel|" "python|$pydist|ansible_collections" "ansible|$pydist/ansible_collections|"
    "npm|$npmdir/node_modules|" "dotnet|$dotnetroot|")
  for go in /usr/share/go-*; do [ -d "$go/src" ] && trees+=("go|$go|") && break; done
  trees+=("ruby|/usr/lib/ruby|")
  [ -d /usr/share/fpcsrc ] && trees+=("pascal|/usr/share/fpcsrc|")
  for rust in /usr/src/rustc-*; do [ -d "$rust" ] && trees+=("rust|$rust|") && break; done
  trees+=("gocode|/usr/share/gocode|")
  [ -d "$HOME/.nuget/packages" ] && trees+=("nuget|$HOME/.nuget/packages|")
  [ -d /opt/nuget/packages ] && trees+=("nuget-opt|/opt/nuget/packages|")
else
  for t in "$@"; do trees+=("$(basename "$t")|$t|"); done
fi

if [ "$timing" != 0 ]; then
  # The keywords of the rule pack, for ripgrep's fixed-string search of the same literals.
  "$bin" rules --format json | python3 -c 'import json,sys; print("\n".join(sorted({k for r in json.load(sys.stdin)["rules"] for k in r["keywords"]})))' > "$work/keywords.txt"
fi

summary=()
for spec in "${trees[@]}"; do
  IFS='|' read -r label tree exclude <<< "$spec"
  tree=$(cd "$tree" && pwd)
  prune=() scanx=()
  if [ -n "$exclude" ]; then
    prune=(-path "$tree/$exclude" -prune -o)
    scanx=(--exclude "$exclude/**")
  fi
  bytes=$(find "$tree" "${prune[@]}" -type f -size -10M -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  files=$(find "$tree" "${prune[@]}" -type f -print | wc -l)
  mb=$(awk -v b="$bytes" 'BEGIN {printf "%.1f", b/1048576}')
  echo
  echo "== $label: $tree${exclude:+ (without $exclude)}: $files files, $mb MB"
  if [ "$timing" != 0 ]; then
    find "$tree" "${prune[@]}" -type f -size -10M -print0 | xargs -0 cat > /dev/null # warm the page cache
    hyperfine --warmup 1 --runs 3 --style basic \
      -n cat "find '$tree' ${prune[*]} -type f -size -10M -print0 | xargs -0 -P2 cat > /dev/null" \
      -n ripgrep "rg -i -F -c -f '$work/keywords.txt' --no-ignore --hidden -j2 ${exclude:+-g '!$exclude/**'} '$tree' > /dev/null || true" \
      -n secrethook "'$bin' scan '$tree' --no-ignore -q -f json ${scanx[*]} > /dev/null || [ \$? -eq 1 ]" 2>&1 | grep -E "Time|±|cat|ripgrep|secrethook" || true
  fi
  "$bin" scan "$tree" --no-ignore -q -f json "${scanx[@]}" > "$work/findings-$label.json" || [ $? -eq 1 ]
  n=$(grep -c '"ruleId"' "$work/findings-$label.json" || true)
  per=$(awk -v n="$n" -v b="$bytes" 'BEGIN {printf "%.3f", (b > 0 ? n/(b/1048576) : 0)}')
  echo "findings: $n ($per per MB)"
  grep -o '"ruleId": "[^"]*"' "$work/findings-$label.json" | cut -d'"' -f4 | sort | uniq -c | sort -rn | sed 's/^/  /' || true
  "$bin" scan "$tree" --no-ignore -q --no-color "${scanx[@]}" 2>/dev/null | head -n "$list" || true
  summary+=("$(printf '%-10s %8s files %9s MB %6s findings %8s per MB' "$label" "$files" "$mb" "$n" "$per")")
done

echo
echo "== summary"
printf '%s\n' "${summary[@]}"
