"""Headless-Chromium check of the built book (``make browser``; needs ``make browser-deps`` and a built book).

Every page listed in ``_toc.yml`` is loaded from a local HTTP server in Debian's Chromium, driven by Playwright for
Python, with no internet: the book is self-contained (MathJax and the widget front ends are served from its own
``_static``), so any request that leaves 127.0.0.1 is aborted and fails the page. Per page it checks: HTTP 200, no
console errors or uncaught exceptions, no failed or off-site requests,
MathJax rendered every equation without TeX errors, every ``<img>`` loaded with a non-zero size and has real alt
text, widget pages show their sliders, notebook pages carry Binder/Colab launch buttons (and no Thebe) derived from
``repository.url``, and light and dark screenshots are written to ``_build/screenshots/<page>-{light,dark}.png``. What a reader sees
(``_check_reader_view``): at 1366 px no display equation needs horizontal scrolling; at 390 px one that does not
fit scrolls inside its own box and the page itself does not scroll sideways; no line of a shown (unfolded) code
cell is longer than 88 characters; no output is a bare number, an ``array(`` or a dict repr; figure captions start
with the chapter's own number (Fig. 7.2 on chapter 7); the landing, model, charging, ledger and thermal pages are
also shot at both widths in both modes (``<page>-<width>-<mode>.png``).

Environment variables: ``NRQB_BOOK_ROOT`` (book with ``_toc.yml`` and ``_config.yml``; default: the repository),
``NRQB_HTML_DIR`` (default ``<book root>/_build/html``), ``NRQB_SCREENSHOT_DIR`` (default
``<repository>/_build/screenshots``), ``NRQB_CHROMIUM`` (default ``/usr/bin/chromium``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlparse

import pytest
import yaml
from _bookfiles import is_notebook, page_source, toc_pages
from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools" / "browser"))
import offline  # tools/browser/offline.py: the flags every browser check launches Chromium with

pytestmark = pytest.mark.browser

REPO = Path(__file__).resolve().parents[1]
BOOK_ROOT = Path(os.environ.get("NRQB_BOOK_ROOT", REPO)).resolve()
HTML_DIR = Path(os.environ.get("NRQB_HTML_DIR", BOOK_ROOT / "_build" / "html")).resolve()
SHOTS_DIR = Path(os.environ.get("NRQB_SCREENSHOT_DIR", REPO / "_build" / "screenshots")).resolve()
CHROMIUM = os.environ.get("NRQB_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = offline.CHROMIUM_FLAGS  # one list of flags for every browser check (tools/browser/offline.py)
PAGE_TIMEOUT_MS = 30_000  # on an idle machine; every limit is scaled by slowdown() and by the page's work


def slowdown() -> float:
    """How much slower than an idle machine the check runs: ``NRQB_BROWSER_SLOWDOWN``, else the 1-minute load
    average per CPU (1 to 8). Time limits scale with it, so a busy CI machine waits longer instead of failing."""
    if os.environ.get("NRQB_BROWSER_SLOWDOWN"):
        return max(1.0, float(os.environ["NRQB_BROWSER_SLOWDOWN"]))
    return min(max(1.0, os.getloadavg()[0] / (os.cpu_count() or 1)), 8.0)


def budget_ms(base_ms: float, per_item_ms: float = 0.0, items: int = 0) -> float:
    """A time limit for ``items`` pieces of work (equations, images, widgets) on this machine right now."""
    return (base_ms + per_item_ms * items) * slowdown()


# Resolves once the page has settled: loaded, fonts ready, MathJax's startup promise resolved (typesetting done),
# every image loaded or failed, every live explorer has drawn its first frame, and two frames painted.
_SETTLED_JS = """async () => {
    if (document.readyState !== 'complete') {
        await new Promise(r => window.addEventListener('load', r, {once: true}));
    }
    await document.fonts.ready;
    if (window.MathJax && MathJax.startup && MathJax.startup.promise) { await MathJax.startup.promise; }
    await Promise.all(Array.from(document.images).filter(i => !i.complete).map(i => new Promise(r => {
        i.addEventListener('load', r, {once: true});
        i.addEventListener('error', r, {once: true});
    })));
    while (Array.from(document.querySelectorAll('.nrqb-explorer')).some(e => !(Number(e.dataset.frame) >= 1))) {
        await new Promise(r => setTimeout(r, 50));
    }
    await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
    return true;
}"""


def _wait_until_settled(page, report: PageReport, timeout_ms: float) -> None:
    """Wait for the concrete conditions of ``_SETTLED_JS`` (not for network idle, which a busy machine can miss)."""
    try:
        page.wait_for_function(_SETTLED_JS, timeout=timeout_ms)
    except PlaywrightError as exc:
        report.add(f"the page did not settle within {timeout_ms / 1000:.0f} s: {str(exc).splitlines()[0]}")


def _next_frames(page) -> None:
    """Two painted frames: what a style change (theme, viewport) needs before a measurement or a screenshot."""
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


WIDGET_STATE_MIME = "application/vnd.jupyter.widget-state+json"
SLIDER_SELECTOR = ".widget-slider, .jupyter-widget-slider, input[type=range]"
# Jupyter Book/myst-nb fall back to the image path when no alt text is given: that is not alt text.
FILENAME_ALT = re.compile(r"(^|/)[^/\s]+\.(png|jpe?g|svg|gif|webp)$", re.IGNORECASE)


def repository_slug() -> tuple[str, str]:
    """``("owner/name", branch)`` from ``repository`` in ``_config.yml``: the one setting launch links derive from."""
    repo = yaml.safe_load((BOOK_ROOT / "_config.yml").read_text())["repository"]
    return urlparse(repo["url"]).path.strip("/").removesuffix(".git"), repo.get("branch", "main")


PAGES = toc_pages(BOOK_ROOT / "_toc.yml")


@dataclass
class PageReport:
    """What one page load showed; ``problems`` is empty when the page passes."""

    page: str
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def add(self, problem: str) -> None:
        self.problems.append(problem)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def base_url():
    """Serve the built HTML on 127.0.0.1 at a free port for the module's tests."""
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book in {HTML_DIR}: run `make book` first (or set NRQB_HTML_DIR)")
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(HTML_DIR)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium driven by Playwright (never Playwright's own browser download)."""
    if not Path(CHROMIUM).is_file():
        pytest.fail(f"{CHROMIUM} not found: run `make browser-deps` (tools/browser/install.sh)")
    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


def _route_handler(base_url: str, report: PageReport):
    """Serve the book's own files; abort, and fail the page on, every request that leaves 127.0.0.1."""

    def handle(route) -> None:
        url = route.request.url
        if url.startswith(base_url) or url.startswith(("data:", "blob:")):
            route.continue_()
            return
        report.add(f"requests {url}, which is not one of the book's own files (a page must not leave 127.0.0.1)")
        route.abort()

    return handle


def _check_math(page, report: PageReport) -> None:
    n_math = page.locator(".math").count()
    if n_math == 0:
        return
    try:
        page.wait_for_function(
            "() => window.MathJax && MathJax.startup && MathJax.startup.promise", timeout=budget_ms(10_000)
        )
        # typesetting time grows with the number of equations
        page.wait_for_function("() => MathJax.startup.promise.then(() => true)", timeout=budget_ms(10_000, 50, n_math))
    except PlaywrightError as exc:
        report.add(f"MathJax did not start ({n_math} equations left as TeX): {str(exc).splitlines()[0]}")
        return
    stats = page.evaluate(
        """() => {
            const math = Array.from(document.querySelectorAll('.math'));
            return {
                unrendered: math.filter(m => !m.querySelector('mjx-container'))
                                .slice(0, 3).map(m => m.textContent.trim().slice(0, 80)),
                n_unrendered: math.filter(m => !m.querySelector('mjx-container')).length,
                containers: document.querySelectorAll('mjx-container').length,
                errors: Array.from(document.querySelectorAll('mjx-merror'))
                             .slice(0, 3).map(e => e.getAttribute('data-mjx-error') || e.textContent),
                n_errors: document.querySelectorAll('mjx-merror').length,
                undefined_macros: Array.from(document.querySelectorAll('mjx-container mjx-mtext'))
                             .filter(t => (t.getAttribute('style') || '').includes('red'))
                             .slice(0, 3).map(t => t.textContent),
            };
        }"""
    )
    if stats["containers"] == 0:
        report.add(f"MathJax rendered nothing: no mjx-container for {n_math} equations")
    if stats["n_unrendered"]:
        report.add(f"{stats['n_unrendered']} of {n_math} equations not rendered by MathJax, e.g. {stats['unrendered']}")
    if stats["n_errors"]:
        report.add(f"{stats['n_errors']} MathJax TeX errors, e.g. {stats['errors']}")
    if stats["undefined_macros"]:
        report.add(f"undefined TeX macros shown in red: {stats['undefined_macros']}")


def _check_images(page, report: PageReport) -> None:
    limit = budget_ms(5_000, 500, page.locator("img").count())
    try:
        page.wait_for_function("() => Array.from(document.images).every(i => i.complete)", timeout=limit)
    except PlaywrightError:
        report.add(f"some images were still loading after {limit / 1000:.0f} s")
    images = page.evaluate(
        """() => Array.from(document.images).map(i => ({
            src: i.getAttribute('src'), alt: i.getAttribute('alt'),
            widget: i.closest('.jupyter-widgets, .widget-image') !== null,
            section: (i.closest('section[id]') || {}).id,
            w: i.naturalWidth, h: i.naturalHeight}))"""
    )
    for img in images:
        if not (img["w"] > 0 and img["h"] > 0):
            report.add(f"image {img['src']} has zero natural size (not loaded)")
        alt = (img["alt"] or "").strip()
        where = "#" + (img["section"] or "?")
        if img["widget"]:
            # ipywidgets' Image has no alt trait (and a tooltip breaks its view in controls 5.0); the static
            # figure that precedes every widget carries the description instead (checked in _check_widgets).
            continue
        if not alt:
            report.add(f"image {img['src']} (section {where}) has no alt text")
        elif FILENAME_ALT.search(alt):
            report.add(
                f"image {img['src']} (section {where}) has only its file name as alt text: give the code cell "
                "`mystnb: {image: {alt: ...}}` metadata, or use {glue:figure} with :alt:"
            )


def _check_widgets(page, html: str, report: PageReport) -> None:
    if WIDGET_STATE_MIME not in html:
        return
    sliders_in_state = len(re.findall(r'"_model_name":\s*"\w*SliderModel"', html))
    n_views = html.count("application/vnd.jupyter.widget-view+json")
    try:
        page.wait_for_selector(SLIDER_SELECTOR, timeout=budget_ms(15_000, 2_000, n_views))
    except PlaywrightError:
        if sliders_in_state:
            report.add(f"has widget state with {sliders_in_state} slider models but no slider was rendered")
        elif page.locator(".jupyter-widgets, .widget-inline-hbox").count() == 0 and n_views:
            report.add(f"has widget state and {n_views} widget views but no widget was rendered")
        return
    if page.locator(".jupyter-widgets-view .widget-error, .jupyter-widgets.widget-error").count():
        report.add("a widget failed to render (widget-error element present)")
    static_figures = page.evaluate(
        "() => Array.from(document.querySelectorAll('.bd-article img')).filter(i => "
        "!i.closest('.jupyter-widgets, .widget-image') && (i.getAttribute('alt') || '').trim()).length"
    )
    if static_figures == 0:
        report.add("widget page without a static figure (with alt text) showing the widget's default view")


def _check_launch_buttons(page, page_name: str, report: PageReport) -> None:
    """Binder and Colab open the page's executed notebook from the notebooks branch; no Thebe (it cannot work)."""
    slug, _ = repository_slug()
    branch = yaml.safe_load((BOOK_ROOT / "_config.yml").read_text())["launch_buttons"]["notebooks_branch"]
    links = page.evaluate("() => Array.from(document.querySelectorAll('.dropdown-launch-buttons a')).map(a => a.href)")
    binder = [u for u in links if "/v2/gh/" in u]
    colab = [u for u in links if "colab.research.google.com" in u]
    if not binder:
        report.add("no Binder launch button")
    elif f"/v2/gh/{slug}/{branch}" not in binder[0] or f"{page_name}.ipynb" not in binder[0]:
        report.add(f"Binder link {binder[0]} does not open {page_name}.ipynb from {slug}@{branch}")
    if not colab:
        report.add("no Colab launch button")
    elif not colab[0].endswith(f"/github/{slug}/blob/{branch}/{page_name}.ipynb"):
        report.add(f"Colab link {colab[0]} does not open {page_name}.ipynb from {slug}@{branch}")
    if page.locator(".btn-launch-thebe").count():
        report.add("a Thebe (Live Code) button, which cannot run the hidden setup cells")


def _screenshots(page, page_name: str, report: PageReport) -> None:
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    stem = page_name.replace("/", "__")
    backgrounds = {}
    for mode in ("light", "dark"):
        page.evaluate(
            "mode => { document.documentElement.dataset.theme = mode; document.documentElement.dataset.mode = mode; }",
            mode,
        )
        _next_frames(page)
        backgrounds[mode] = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
        page.screenshot(path=str(SHOTS_DIR / f"{stem}-{mode}.png"), full_page=True)
    if backgrounds["light"] == backgrounds["dark"]:
        report.add(f"dark mode does not change the page background ({backgrounds['dark']})")


# --- what a reader sees (issue 15): equations that fit, short shown code, labelled outputs, chapter numbering ---

DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}
MAX_SHOWN_LINE = 88
# Pages whose screenshots are also taken at both widths (<page>-<width>-<mode>.png), to look at.
SCREENSHOT_WIDTH_PAGES = {
    "chapters/index",
    "chapters/model",
    "chapters/charging",
    "chapters/ledger",
    "chapters/thermal",
}
_DISPLAY_MATH_JS = """() => Array.from(document.querySelectorAll(
        '.bd-article div.math, .bd-article .cell_output mjx-container[display="true"]'))
    .filter(m => m.querySelector('mjx-container') || m.matches('mjx-container'))
    .map(m => {
        const box = m.matches('mjx-container') ? m : m.querySelector('mjx-container');
        let scroller = null;
        for (let e = box; e && !e.matches('.bd-article'); e = e.parentElement) {
            const o = getComputedStyle(e).overflowX;
            if ((o === 'auto' || o === 'scroll') && e.scrollWidth > e.clientWidth + 1) { scroller = e; break; }
        }
        const article = document.querySelector('.bd-article').getBoundingClientRect();
        const r = (scroller || box).getBoundingClientRect();
        return {tex: m.textContent.trim().replace(/\\s+/g, ' ').slice(0, 60),
                content: box.scrollWidth, width: box.clientWidth,
                scrolls: scroller !== null, inside: r.left >= article.left - 1 && r.right <= article.right + 1};
    })"""


def _check_equations_fit(page, report: PageReport) -> None:
    """At desktop width every display equation fits its column: nothing to scroll, nothing cut off."""
    wide = [m for m in page.evaluate(_DISPLAY_MATH_JS) if m["content"] > m["width"] + 1]
    for m in wide[:5]:
        report.add(
            f"at {DESKTOP['width']} px a display equation needs {m['content']} px in a {m['width']} px "
            f"column (break it over lines): {m['tex']!r}"
        )


def _check_equations_scroll(page, report: PageReport) -> None:
    """At phone width an equation that does not fit scrolls inside its own box, and the page does not."""
    for m in page.evaluate(_DISPLAY_MATH_JS):
        if m["content"] > m["width"] + 1 and not (m["scrolls"] and m["inside"]):
            report.add(
                f"at {PHONE['width']} px the equation {m['tex']!r} ({m['content']} px) is cut off instead "
                "of scrolling inside its own box"
            )
    page_width = page.evaluate("() => document.documentElement.scrollWidth")
    if page_width > PHONE["width"] + 1:
        report.add(f"at {PHONE['width']} px the page itself scrolls sideways ({page_width} px wide)")


def _check_shown_code(page, report: PageReport) -> None:
    """No line of a code cell shown to the reader (not folded) is longer than MAX_SHOWN_LINE characters."""
    long_lines = page.evaluate(
        """max => Array.from(document.querySelectorAll('.bd-article .cell_input pre'))
            .filter(pre => !pre.closest('details'))
            .flatMap(pre => pre.textContent.split('\\n')).filter(line => line.length > max)""",
        MAX_SHOWN_LINE,
    )
    for line in long_lines[:5]:
        report.add(f"shown code line of {len(line)} characters (at most {MAX_SHOWN_LINE}): {line[:60]!r}...")


_BARE_NUMBER = re.compile(r"^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*(np\.)?float64\(.*\)\s*$")


def _check_outputs(page, report: PageReport) -> None:
    """Every output a reader sees is a table, a figure or a sentence: no bare number, array or dict repr."""
    texts = page.evaluate(
        """() => Array.from(document.querySelectorAll(
                '.bd-article .cell_output .output.text_plain, .bd-article .cell_output .output.stream'))
            .map(o => o.textContent.trim())"""
    )
    for text in texts:
        if _BARE_NUMBER.match(text):
            report.add(f"an output is a bare number with no label: {text[:60]!r}")
        elif "array(" in text:
            report.add(f"an output is a raw array repr: {text[:60]!r}")
        elif re.match(r"^\{['\"]", text):
            report.add(f"an output is a raw dict repr: {text[:60]!r}")


def _check_caption_numbers(page, report: PageReport) -> None:
    """Figure captions carry the chapter's own number (Fig. 7.2 on chapter 7); unnumbered pages number none."""
    info = page.evaluate(
        """() => ({chapter: ((document.querySelector('.bd-article h1 .section-number') || {}).textContent || '')
                        .trim().replace(/\\.$/, ''),
                   captions: Array.from(document.querySelectorAll('.bd-article figcaption'))
                        .map(c => c.textContent.trim().replace(/\\s+/g, ' ').slice(0, 40))})"""
    )
    chapter = info["chapter"]
    for caption in info["captions"]:
        number = re.match(r"Fig\. (\d+(?:\.\d+)*)", caption)
        if chapter and not (number and number.group(1).startswith(chapter + ".")):
            report.add(f"figure caption {caption!r} does not start with the chapter's number (Fig. {chapter}.n)")
        elif not chapter and number:
            report.add(f"figure caption {caption!r} is numbered on a page without a chapter number")


def _check_reader_view(page, page_name: str, report: PageReport) -> None:
    """The checks of what a reader sees, at desktop and phone width (screenshots of a few pages at both)."""
    stem = page_name.replace("/", "__")
    for viewport, checks in ((DESKTOP, (_check_equations_fit,)), (PHONE, (_check_equations_scroll,))):
        page.set_viewport_size(viewport)
        _next_frames(page)
        for check in checks:
            check(page, report)
        if page_name in SCREENSHOT_WIDTH_PAGES:
            SHOTS_DIR.mkdir(parents=True, exist_ok=True)
            for mode in ("light", "dark"):
                page.evaluate(
                    "m => { document.documentElement.dataset.theme = m; document.documentElement.dataset.mode = m; }",
                    mode,
                )
                _next_frames(page)
                page.screenshot(path=str(SHOTS_DIR / f"{stem}-{viewport['width']}-{mode}.png"), full_page=True)
    _check_shown_code(page, report)
    _check_outputs(page, report)
    _check_caption_numbers(page, report)


def check_page(browser, base_url: str, page_name: str) -> PageReport:
    """Load one page and collect everything wrong with it."""
    import time

    start = time.perf_counter()
    report = PageReport(page_name)
    html_file = HTML_DIR / f"{page_name}.html"
    if not html_file.is_file():
        report.add(f"{html_file.relative_to(HTML_DIR.parent)} was not built")
        return report
    html = html_file.read_text(encoding="utf-8")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.route("**/*", _route_handler(base_url, report))
    page = context.new_page()
    page.set_default_timeout(budget_ms(PAGE_TIMEOUT_MS))
    page.on("console", lambda msg: msg.type == "error" and report.add(f"console error: {msg.text}"))
    page.on("pageerror", lambda exc: report.add(f"uncaught exception: {exc}"))
    page.on(
        "response",
        lambda resp: resp.status >= 400 and report.add(f"HTTP {resp.status} for {resp.url}"),
    )
    try:
        response = page.goto(base_url + f"{page_name}.html", wait_until="load")
        if response is None or response.status != 200:
            report.add(f"HTTP status {None if response is None else response.status}")
        _check_math(page, report)
        _check_images(page, report)
        _check_widgets(page, html, report)
        source = page_source(BOOK_ROOT, page_name)
        if source is not None and is_notebook(source.read_text(encoding="utf-8")):  # an executed notebook page
            _check_launch_buttons(page, page_name, report)
        _wait_until_settled(page, report, budget_ms(PAGE_TIMEOUT_MS))
        _screenshots(page, page_name, report)
        _check_reader_view(page, page_name, report)
    finally:
        context.close()
    report.seconds = time.perf_counter() - start
    return report


@pytest.mark.parametrize("page_name", PAGES)
def test_page_renders(browser, base_url, page_name):
    report = check_page(browser, base_url, page_name)
    assert not report.problems, f"{page_name} ({report.seconds:.1f} s):\n  - " + "\n  - ".join(report.problems)


def test_every_notebook_page_has_launch_buttons():
    """At least the executed chapters carry launch buttons (the per-page check only looks at notebook pages)."""
    notebooks = [p for p in PAGES if is_notebook(page_source(BOOK_ROOT, p).read_text(encoding="utf-8"))]
    missing = [p for p in notebooks if "dropdown-launch-buttons" not in (HTML_DIR / f"{p}.html").read_text()]
    assert notebooks, "no notebook pages in _toc.yml"
    assert not missing, f"notebook pages without launch buttons: {missing}"


def test_pages_name_no_file_from_another_host():
    """No script, stylesheet, font, image or frame of any page comes from another host (the book reads offline)."""
    resource = re.compile(r"<(script|link|img|iframe|source)\b[^>]*\b(src|href)=\"(https?:)?//[^\"]+\"[^>]*>", re.I)
    offsite = {}
    for page_name in PAGES:
        html = (HTML_DIR / f"{page_name}.html").read_text(encoding="utf-8")
        tags = [m.group(0) for m in resource.finditer(html)]
        # <link rel="canonical|prev|next|search"> and the like are navigation, not resources the page loads
        tags = [
            t for t in tags if not t.lower().startswith("<link") or "stylesheet" in t.lower() or "preload" in t.lower()
        ]
        if tags:
            offsite[page_name] = tags[:3]
    assert not offsite, f"pages load files from other hosts: {offsite}"
