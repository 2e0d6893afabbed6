#!/usr/bin/env bash
# Set up Knobs: create .venv (Python 3.11) if missing and install the pinned requirements.
#
#   bash scripts/setup.sh          runtime dependencies (requirements.txt)
#   bash scripts/setup.sh --dev    plus test/lint tools (requirements-dev.txt), Debian chromium
#                                  and nginx
#   bash scripts/setup.sh --nginx  runtime dependencies and Debian nginx (the classroom command)
#
# Idempotent: safe to run again; it only changes what is missing or out of date.
# Playwright's own browser download is never used; browser tests drive /usr/bin/chromium.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

dev=0
with_nginx=0
for arg in "$@"; do
    case "$arg" in
        --dev) dev=1 with_nginx=1 ;;
        --nginx) with_nginx=1 ;;
        -h | --help)
            sed -n '2,10p' "$0"
            exit 0
            ;;
        *)
            echo "setup.sh: unknown argument '$arg' (expected --dev or --nginx)" >&2
            exit 2
            ;;
    esac
done

venv=.venv
py="$venv/bin/python"

# A venv whose interpreter no longer runs (moved, or its base Python removed) is rebuilt.
if [[ -d "$venv" ]] && ! "$py" -c 'import sys' >/dev/null 2>&1; then
    echo "setup.sh: $venv is broken; recreating it" >&2
    rm -rf "$venv"
fi

if [[ ! -d "$venv" ]]; then
    base_python=""
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1; then
            base_python="$candidate"
            break
        fi
    done
    if [[ -z "$base_python" ]]; then
        echo "setup.sh: python3 (3.11) not found on PATH" >&2
        exit 1
    fi
    if ! "$base_python" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
        echo "setup.sh: $base_python is $("$base_python" --version 2>&1); Knobs needs Python 3.11" >&2
        exit 1
    fi
    echo "setup.sh: creating $venv with $("$base_python" --version 2>&1)"
    "$base_python" -m venv "$venv"
fi

export PIP_DISABLE_PIP_VERSION_CHECK=1
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

"$py" -m pip install --quiet --upgrade pip

if [[ "$dev" == 1 ]]; then
    "$py" -m pip install --quiet -r requirements-dev.txt
else
    "$py" -m pip install --quiet -r requirements.txt
fi

# Debian packages: chromium (browser tests) and nginx (the classroom command, scripts/serve.sh,
# which asks for it with --nginx; tests/test_serve.py runs it).
missing=()
binaries=()
if [[ "$dev" == 1 && ! -x /usr/bin/chromium ]]; then
    missing+=(chromium)
    binaries+=(/usr/bin/chromium)
fi
if [[ "$with_nginx" == 1 && ! -x /usr/sbin/nginx ]]; then
    missing+=(nginx)
    binaries+=(/usr/sbin/nginx)
fi
if [[ ${#missing[@]} -gt 0 ]]; then
    echo "setup.sh: installing Debian ${missing[*]} for the tests"
    if [[ "$(id -u)" == 0 ]]; then
        sudo=()
    elif command -v sudo >/dev/null 2>&1; then
        sudo=(sudo)
    else
        echo "setup.sh: ${missing[*]} missing and we are not root (no sudo either);" \
            "install with: apt-get install -y ${missing[*]}" >&2
        exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
    for binary in "${binaries[@]}"; do
        if [[ ! -x "$binary" ]]; then
            echo "setup.sh: apt-get install ${missing[*]} finished but $binary is still missing" >&2
            exit 1
        fi
    done
fi
