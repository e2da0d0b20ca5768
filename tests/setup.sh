#!/bin/sh
# Installs what the test suite needs beyond the .NET SDK and git: the pre-commit framework
# (Debian package 'pre-commit'), used by the pre-commit-framework install test. Idempotent: does
# nothing when the program is already on PATH. Needs root (CI runs as root) and Debian's registry.
set -eu

if command -v pre-commit >/dev/null 2>&1; then
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "tests/setup.sh: 'pre-commit' is missing; run as root or install the Debian package 'pre-commit'" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y -q pre-commit >/dev/null 2>&1; then
    apt-get update -q >/dev/null
    apt-get install -y -q pre-commit >/dev/null
fi
command -v pre-commit >/dev/null
