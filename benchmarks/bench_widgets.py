"""Benchmark: the live explorers in headless Chromium, on the built book (``make book`` first).

For each explorer page (charging: 2,000 time points x 4 panels; optimal damping: the 200 x 200 map and the steady
curves; the EP battery: two cuts of 201 points) it presses arrow keys on a slider ``--moves`` times (default 240)
and measures, inside the page, the time from the slider's ``input`` event to the end of the next painted frame (a
task posted from the first animation frame after the event runs once that frame has been rendered); it reports the
median and 95th percentile, and the explorer's own recomputation time (``ExplorerState.recompute``), beside the
probe's floor: the same key presses on a bare range input that does no work (about one display frame). It also
reports each page's weight (every response body, raw and gzip-compressed, without and with the chapter's own
figures) against a text page, and the first contentful paint.

Usage: ``python benchmarks/bench_widgets.py [--moves 240] [--html _build/html]``. Timing is reported, never
asserted (the machine may be shared); tests/test_browser_explorers.py checks correctness.
"""

from __future__ import annotations

import argparse
import gzip
import os
import re
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "browser"))
import offline  # noqa: E402  (tools/browser/offline.py)

PAGES = {
    "charging": ("chapters/charging", "Gamma"),
    "damping": ("chapters/optimal_damping", "Gamma"),
    "ep": ("chapters/ep_battery", "Gamma"),
}
TEXT_PAGE = "chapters/notation"
AIM_MEDIAN_MS, AIM_P95_MS = 16.0, 33.0

# In-page probe: the input event's time, then the end of the first frame painted after it.
PROBE = """() => {
  window.__frames = [];
  document.addEventListener('input', (event) => {
    const t0 = event.timeStamp;
    requestAnimationFrame(() => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => window.__frames.push(performance.now() - t0);
      channel.port2.postMessage(0);
    });
  }, true);
}"""


def measure_moves(page, slider: str, moves: int) -> np.ndarray:
    return measure_input(page, f".nrqb-explorer input[data-param={slider}]", moves)


def measure_input(page, selector: str, moves: int) -> np.ndarray:
    """Input -> painted frame times (ms) of ``moves`` arrow-key presses on the range input ``selector``."""
    page.evaluate(PROBE)
    handle = page.locator(selector)
    handle.focus()
    for i in range(moves):
        # right then left in runs of 10, so the value stays inside the range
        page.keyboard.press("ArrowRight" if (i // 10) % 2 == 0 else "ArrowLeft")
        page.wait_for_function("n => window.__frames.length > n", arg=i)
    return np.asarray(page.evaluate("() => window.__frames"))


def measure_floor(browser, base_url: str, moves: int) -> np.ndarray:
    """The probe's floor: the same key presses on a bare range input that does no work (on the text page).

    An input event waits for the next frame and the probe for that frame to be painted, so even a slider that
    computes nothing shows about one display frame (16.7 ms at 60 Hz); an explorer's excess over this floor is
    the time its update adds."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(base_url + TEXT_PAGE + ".html", wait_until="load")
    page.evaluate(
        """() => { const s = document.createElement('input'); s.type = 'range'; s.id = 'nrqb-floor';
            s.min = 0; s.max = 100; s.value = 50; document.querySelector('.bd-article').prepend(s); }"""
    )
    frames = measure_input(page, "#nrqb-floor", moves)
    context.close()
    return frames


def measure_compute(page, repeats: int = 40) -> np.ndarray:
    return np.asarray(
        page.evaluate(
            """n => { const s = document.querySelector('.nrqb-explorer').nrqbExplorer, out = [];
                for (let i = 0; i < n; i++) { s.values.Gamma = 0.04 + 1e-5 * i; const t = performance.now();
                    s.recompute(); out.push(performance.now() - t); }
                s.values.Gamma = 0.04; s.recompute(); return out; }""",
            repeats,
        )
    )


def page_weight(browser, base_url: str, page_name: str, html_dir: Path) -> dict[str, float]:
    context = browser.new_context()
    offsite: list[str] = []
    offline.refuse_offsite(context, base_url, offsite.append)
    page = context.new_page()
    bodies: list[tuple[str, bytes]] = []
    page.on("response", lambda resp: bodies.append((resp.url, resp.body())) if resp.ok else None)
    page.goto(base_url + page_name + ".html", wait_until="load")
    page.wait_for_load_state("networkidle")
    fcp = page.evaluate(
        "() => (performance.getEntriesByName('first-contentful-paint')[0] || {startTime: NaN}).startTime"
    )
    context.close()
    if offsite:
        raise RuntimeError(f"{page_name} requested files from other hosts: {offsite}")
    images = {u for u, _ in bodies if re.search(r"\.(png|jpe?g|svg|gif)(\?|$)", u) and "/_images/" in u}
    raw = sum(len(b) for _, b in bodies)
    raw_images = sum(len(b) for u, b in bodies if u in images)
    gz = sum(len(gzip.compress(b, 6)) for _, b in bodies)
    gz_images = sum(len(gzip.compress(b, 6)) for u, b in bodies if u in images)
    return {"raw": raw, "gzip": gz, "raw_no_fig": raw - raw_images, "gzip_no_fig": gz - gz_images, "fcp": fcp}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=240, help="slider moves per explorer (at least 200)")
    parser.add_argument("--html", type=Path, default=Path(os.environ.get("NRQB_HTML_DIR", REPO / "_build" / "html")))
    args = parser.parse_args()
    if not (args.html / "index.html").is_file():
        sys.exit(f"no built book in {args.html}: run `make book` first")
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    with offline.serve(args.html) as base_url, offline.chromium() as browser:
        print(f"Explorers in headless Chromium ({browser.version}), {args.moves} moves each, load average {load:.1f}")
        print(f"  {'explorer':<10}{'input->painted frame: median':>30}{'p95':>9}{'max':>9}{'recompute median':>19}")
        for view, (page_name, slider) in PAGES.items():
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            offsite: list[str] = []
            offline.refuse_offsite(context, base_url, offsite.append)
            page = context.new_page()
            page.goto(base_url + page_name + ".html", wait_until="load")
            page.wait_for_selector(".nrqb-explorer input[type=range]")
            page.locator(".nrqb-explorer").scroll_into_view_if_needed()
            frames = measure_moves(page, slider, args.moves)
            compute = measure_compute(page)
            context.close()
            if offsite:
                raise RuntimeError(f"{page_name} requested files from other hosts: {offsite}")
            median, p95 = np.median(frames), np.percentile(frames, 95)
            verdict = "meets" if median < AIM_MEDIAN_MS and p95 < AIM_P95_MS else "misses"
            print(
                f"  {view:<10}{median:>27.1f} ms{p95:>6.1f} ms{frames.max():>6.1f} ms{np.median(compute):>16.2f} ms"
                f"   ({verdict} {AIM_MEDIAN_MS:.0f}/{AIM_P95_MS:.0f} ms)"
            )
        floor = measure_floor(browser, base_url, args.moves)
        print(
            f"  {'(floor)':<10}{np.median(floor):>27.1f} ms{np.percentile(floor, 95):>6.1f} ms{floor.max():>6.1f} ms"
            f"{'':>19}   (a bare range input that does no work: the probe's own latency)"
        )
        print("Page weight (every response body; 'no figures' leaves out the chapter's own images)")
        print(f"  {'page':<28}{'raw':>10}{'gzip':>10}{'raw, no figures':>17}{'gzip, no figures':>18}{'FCP':>9}")
        text = page_weight(browser, base_url, TEXT_PAGE, args.html)
        rows = [(TEXT_PAGE, text)] + [(p, page_weight(browser, base_url, p, args.html)) for p, _ in PAGES.values()]
        for name, w in rows:
            print(
                f"  {name:<28}{w['raw'] / 1e6:>8.2f}MB{w['gzip'] / 1e6:>8.2f}MB{w['raw_no_fig'] / 1e6:>15.2f}MB"
                f"{w['gzip_no_fig'] / 1e6:>16.2f}MB{w['fcp']:>7.0f}ms"
            )
        for name, w in rows[1:]:
            extra = (w["raw_no_fig"] - text["raw_no_fig"]) / 1e6
            print(f"  {name}: {extra:+.3f} MB raw over the text page without figures (aim: at most +0.5 MB)")


if __name__ == "__main__":
    main()
