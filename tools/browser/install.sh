#!/usr/bin/env bash
# Install what the offline browser checks (tests/test_browser*.py) need; safe to run again.
# Debian's chromium (apt-get): Playwright for Python drives it with executable_path=/usr/bin/chromium, so no browser
# is downloaded. Nothing else: the built book serves MathJax and its widget front ends from its own files
# (tools/js, make js-deps), and the checks abort every request that leaves 127.0.0.1.
set -euo pipefail
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi

if [ ! -x /usr/bin/chromium ]; then
    echo "browser-deps: installing Debian's chromium"
    "${sudo_cmd[@]}" apt-get update -qq
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq chromium
fi
echo "browser-deps: ok ($(/usr/bin/chromium --version 2>/dev/null | head -1))"
