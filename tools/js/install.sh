#!/usr/bin/env bash
# Install the book's pinned JavaScript toolchain; safe to run again (`make js-deps`).
#  1. node and npm if missing (Debian's packages, apt-get);
#  2. `npm ci` in tools/js from package.json + package-lock.json: esbuild (bundles the explorers' front end),
#     uplot (their charts, inlined in the bundle) and mathjax (served from the book's own _static folder).
# Nothing here is fetched at page-load time: the built book loads no file from another host.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    echo "js-deps: installing node and npm (apt-get)"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq nodejs npm
fi

stamp="$here/node_modules/.nrqb-installed"
if [ ! -f "$stamp" ] || [ "$here/package-lock.json" -nt "$stamp" ] || [ "$here/package.json" -nt "$stamp" ]; then
    echo "js-deps: npm ci (pinned in tools/js/package-lock.json)"
    # --ignore-scripts: esbuild's binary comes in its @esbuild/<platform> package, no install script is needed.
    (cd "$here" && npm ci --no-audit --no-fund --ignore-scripts --loglevel=error)
    touch "$stamp"
fi
echo "js-deps: ok (node $(node --version))"
