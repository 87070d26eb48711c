"""Serve a built book on 127.0.0.1 and drive Debian's Chromium at it with nothing allowed off the machine.

Shared by the explorers' browser tests (tests/test_browser_explorers.py) and their benchmark
(benchmarks/bench_widgets.py). Chromium is Debian's (``make browser-deps``), driven by Playwright for Python with
``executable_path``: no browser is downloaded.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Callable, Iterator
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

CHROMIUM = os.environ.get("NRQB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 at a free port; yields the base URL (ending in ``/``)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextlib.contextmanager
def chromium() -> Iterator[Any]:
    """A headless Debian Chromium (Playwright ``Browser``); fails with the fix when it is not installed."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).is_file():
        raise FileNotFoundError(f"{CHROMIUM} not found: run `make browser-deps` (tools/browser/install.sh)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        try:
            yield browser
        finally:
            browser.close()


def refuse_offsite(context: Any, base_url: str, offsite: Callable[[str], None]) -> None:
    """Let ``context`` load only ``base_url``'s files (and data:/blob: URLs); abort the rest, reporting each URL."""

    def handle(route: Any) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            offsite(url)
            route.abort()

    context.route("**/*", handle)
