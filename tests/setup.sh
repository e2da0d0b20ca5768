#!/bin/sh
# Installs what the test suite needs beyond the .NET SDK:
#   - git and the pre-commit framework (Debian packages 'git', 'pre-commit'), for the git and
#     pre-commit-framework tests;
#   - the SARIF Multitool (npm package @microsoft/sarif-multitool, installed globally), which the SARIF
#     tests run as GitHub code scanning would: 'validate --rule-kind "Gh;Sarif"'.
# Idempotent: installs only what is missing. Needs root (CI runs as root), Debian's registry and npm's.
set -eu

multitool_version=5.7.0

missing=
command -v git >/dev/null 2>&1 || missing="$missing git"
command -v pre-commit >/dev/null 2>&1 || missing="$missing pre-commit"
command -v npm >/dev/null 2>&1 || missing="$missing npm"

if [ -n "$missing" ]; then
    if [ "$(id -u)" != 0 ]; then
        echo "tests/setup.sh: missing:$missing; run as root or install these Debian packages" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    # Wait for another apt run (unattended upgrades, a parallel install) instead of failing at once.
    apt="apt-get -o DPkg::Lock::Timeout=600 -y -q"
    # shellcheck disable=SC2086
    if ! $apt install $missing >/dev/null 2>&1; then
        $apt update >/dev/null
        # shellcheck disable=SC2086
        $apt install $missing >/dev/null
    fi
fi

# The Multitool's npm wrapper runs the platform binary through a shell, which splits "Gh;Sarif" at
# the ';', so the tests run the binary itself (SarifMultitool.cs finds it below 'npm root -g').
root=$(npm root -g)
find_tool() { find "$root/@microsoft" -path '*/sarif-multitool-linux/Sarif.Multitool' -type f 2>/dev/null | head -n 1; }
tool=$(find_tool)
if [ -z "$tool" ] || ! grep -qs "\"version\": *\"$multitool_version\"" "${tool%/*}/package.json"; then
    npm install -g --no-audit --no-fund --loglevel=error "@microsoft/sarif-multitool@$multitool_version" >/dev/null
    tool=$(find_tool)
fi
# Its postinstall step (chmod u+x) does not run when npm skips install scripts.
[ -n "$tool" ] && chmod u+x "$tool"

command -v pre-commit >/dev/null
[ -x "$tool" ]
