#!/usr/bin/env bash
# Install what `make pdf` and tests/test_pdf.py need beyond the browser check's Chromium: Debian's poppler-utils
# (pdftotext, pdfinfo, pdfimages). Safe to run again.
set -euo pipefail
if command -v pdftotext >/dev/null 2>&1 && command -v pdfimages >/dev/null 2>&1; then
    exit 0
fi
sudo_cmd=()
if [ "$(id -u)" != 0 ]; then sudo_cmd=(sudo); fi
echo "pdf-deps: installing Debian's poppler-utils"
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq poppler-utils
