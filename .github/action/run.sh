#!/usr/bin/env bash
# The shell logic of the secrethook GitHub Action (action.yml at the repository root), kept here so it
# can be run and tested outside GitHub with simulated GITHUB_* variables.
#
#   run.sh cache-key   hash of the sources the binary is built from -> "hash=..." in $GITHUB_OUTPUT
#   run.sh build       dotnet publish the native binary into $SECRETHOOK_BUILD_DIR
#   run.sh scan        secrethook ci --format sarif -o FILE; outputs sarif-file and exit-code
#
# Variables (set by action.yml from its inputs; defaults in brackets):
#   SECRETHOOK_ACTION_PATH   the action's own checkout [the directory above .github/action]
#   SECRETHOOK_BUILD_DIR     where build puts the binary [$RUNNER_TEMP/secrethook-bin]
#   SECRETHOOK_BIN           the binary scan runs [$SECRETHOOK_BUILD_DIR/secrethook]
#   INPUT_SARIF_FILE         the report, relative to the working directory [secrethook.sarif]
#   INPUT_WORKING_DIRECTORY  the repository to scan, relative to $GITHUB_WORKSPACE [.]
#   INPUT_EXIT_CODE          the step's exit code when secrets are found [1]; 0 reports without failing.
#                            Errors (secrethook's exit 2, a missing report) always fail the step.
#   INPUT_ARGS               more arguments for 'secrethook ci', split on whitespace [none]
#   GITHUB_OUTPUT, GITHUB_STEP_SUMMARY, GITHUB_WORKSPACE, RUNNER_TEMP: as GitHub Actions sets them.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
action_path=${SECRETHOOK_ACTION_PATH:-$(cd "$here/../.." && pwd)}
build_dir=${SECRETHOOK_BUILD_DIR:-${RUNNER_TEMP:-/tmp}/secrethook-bin}

output() { # name value
    if [ -n "${GITHUB_OUTPUT:-}" ]; then
        printf '%s=%s\n' "$1" "$2" >> "$GITHUB_OUTPUT"
    fi
}

summary() {
    if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
        printf '%s\n' "$1" >> "$GITHUB_STEP_SUMMARY"
    fi
}

cache_key() {
    # Every file the binary is built from (sources, rule pack, hook scripts, build settings), by path
    # and content; build output is left out. The action's checkout is a tarball, not a git clone, so
    # this hashes files rather than asking git.
    local hash
    hash=$(cd "$action_path" &&
        find src patterns hooks Directory.Build.props Directory.Packages.props \
            \( -name bin -o -name obj \) -prune -o -type f -print0 2>/dev/null |
        LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-64)
    output hash "$hash"
    echo "secrethook: source hash $hash"
}

build() {
    dotnet publish "$action_path/src/SecretHook.Cli" -c Release -o "$build_dir" --nologo
    "$build_dir/secrethook" --version
}

scan() {
    local bin=${SECRETHOOK_BIN:-$build_dir/secrethook}
    local workspace=${GITHUB_WORKSPACE:-$PWD}
    local dir
    dir=$(cd "$workspace/${INPUT_WORKING_DIRECTORY:-.}" && pwd) || {
        echo "::error title=secrethook::working-directory '${INPUT_WORKING_DIRECTORY:-.}' does not exist in $workspace"
        exit 2
    }
    local sarif=${INPUT_SARIF_FILE:-secrethook.sarif}
    local on_findings=${INPUT_EXIT_CODE:-1}
    case $on_findings in
    '' | *[!0-9]*) echo "::error title=secrethook::input exit-code must be a number, not '$on_findings'"; exit 2 ;;
    esac
    case $sarif in
    /*) ;;
    *) sarif=$dir/$sarif ;;
    esac
    local -a extra=()
    if [ -n "${INPUT_ARGS:-}" ]; then
        read -r -a extra <<< "$INPUT_ARGS"
    fi
    mkdir -p "$(dirname "$sarif")"
    rm -f "$sarif"

    local code=0
    (cd "$dir" && "$bin" ci --format sarif --output "$sarif" "${extra[@]}") || code=$?
    output exit-code "$code"
    if [ "$code" -ge 2 ] || [ ! -s "$sarif" ]; then
        echo "::error title=secrethook::the scan could not complete (secrethook exited $code); see the log above"
        summary "**secrethook**: the scan could not complete (exit $code)."
        exit $(( code >= 2 ? code : 2 ))
    fi
    output sarif-file "$sarif"
    if [ "$code" -eq 1 ]; then
        echo "::error title=secrethook::secrets found in the commits of this run; the SARIF report is $sarif"
        summary "**secrethook**: secrets found. Upload $sarif with github/codeql-action/upload-sarif to see them in code scanning; rotate every secret listed."
        exit "$on_findings"
    fi
    summary "**secrethook**: no secrets found in the commits of this run."
    exit 0
}

case ${1:-} in
cache-key) cache_key ;;
build) build ;;
scan) scan ;;
*) echo "usage: $0 cache-key|build|scan" >&2; exit 2 ;;
esac
