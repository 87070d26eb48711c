#!/usr/bin/env bash
# Install what the offline browser check (tests/test_browser.py) needs; safe to run again.
#  1. Debian's chromium (apt-get; Playwright drives it with executable_path=/usr/bin/chromium, no browser download);
#  2. node/npm if missing (apt-get);
#  3. with npm, into tools/browser/node_modules, the pinned copies of the scripts the built pages load from CDNs
#     (package.json; the URL -> file mapping is cdn_map.json).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

apt_updated=0
apt_install() {
    if [ "$apt_updated" = 0 ]; then
        "${sudo_cmd[@]}" apt-get update -qq
        apt_updated=1
    fi
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "$@"
}

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-deps: installing Debian's chromium"
    apt_install chromium
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "browser-deps: installing node and npm"
    apt_install nodejs npm
fi

stamp="$here/node_modules/.nrqb-installed"
if [ ! -f "$stamp" ] || [ "$here/package.json" -nt "$stamp" ]; then
    echo "browser-deps: npm install (pinned in tools/browser/package.json)"
    (cd "$here" && npm install --no-audit --no-fund --ignore-scripts --loglevel=error)
    touch "$stamp"
fi

# Every local copy named in cdn_map.json must exist.
python3 - "$here" <<'PY'
import json
import pathlib
import sys

here = pathlib.Path(sys.argv[1])
missing = []
for route in json.loads((here / "cdn_map.json").read_text())["routes"]:
    path = here / route["local"] / route["check"]
    if not path.is_file():
        missing.append(f"{route['prefix']} -> {path}")
if missing:
    sys.exit("browser-deps: local copies missing:\n  " + "\n  ".join(missing))
PY
echo "browser-deps: ok ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
