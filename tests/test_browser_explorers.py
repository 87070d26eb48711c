"""The live explorers in headless Chromium, on the built book, with every request that leaves 127.0.0.1 aborted.

For each explorer page (charging, optimal damping, the EP battery) it checks that the widget renders from the page's
own files with no console error; that every slider is a labelled native range input carrying the markup contract
(``data-param``, ``data-value``, an ``aria-valuetext`` starting with the value in its units); that moving a slider
with the keyboard changes the plotted data and the readout, and that the new readout equals nrqb's for the
parameters now shown (to 1e-6 from the text, 1e-9 from ``data-value``); that "exceptional point" sets J to
``nrqb.exceptional_coupling`` and explains when there is none; that an invalid value shows a message inside the
widget and keeps the last plot; that the widget fits a 390 px phone and follows dark mode; and that a widget page
weighs at most 0.5 MB more than a text page, with its own scripts deferred. Needs ``make book`` and
``make browser-deps``; run by ``make browser``.
"""

from __future__ import annotations

import math
import os
import re
import sys
from pathlib import Path

import pytest

import nrqb
from nrqb.widgets import VIEWS, Explorer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tools" / "browser"))
import offline  # noqa: E402  (tools/browser/offline.py: the 127.0.0.1 server and Chromium)

pytestmark = pytest.mark.browser

HTML_DIR = Path(os.environ.get("NRQB_HTML_DIR", REPO / "_build" / "html")).resolve()
SHOTS_DIR = Path(os.environ.get("NRQB_SCREENSHOT_DIR", REPO / "_build" / "screenshots")).resolve()
PAGES = {"charging": "chapters/charging", "damping": "chapters/optimal_damping", "ep": "chapters/ep_battery"}
TEXT_PAGE = "chapters/notation"
READOUTS = {
    "charging": ("E_B_inf", "eta_inf", "P_peak", "t_peak"),
    "damping": ("E_B_inf", "eta_inf", "P_peak", "t_peak"),
    "ep": ("J_EP_r", "E_nor_r", "E_EP_r", "J_EP_Delta", "E_nor_Delta", "E_EP_Delta"),
}
UNITS = {"ω", "rad", "1/ω", ""}
WIDGET_TIMEOUT_MS = 30_000


@pytest.fixture(scope="module")
def base_url():
    if not (HTML_DIR / "index.html").is_file():
        pytest.fail(f"no built book in {HTML_DIR}: run `make book` first (or set NRQB_HTML_DIR)")
    with offline.serve(HTML_DIR) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    try:
        with offline.chromium() as chromium:
            yield chromium
    except FileNotFoundError as exc:
        pytest.fail(str(exc))


class Page:
    """One loaded explorer page, collecting console errors and off-site requests."""

    def __init__(self, browser, base_url: str, view: str, width: int = 1280, dark: bool = False) -> None:
        self.problems: list[str] = []
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, color_scheme="dark" if dark else "light"
        )
        offline.refuse_offsite(self.context, base_url, lambda url: self.problems.append(f"off-site request {url}"))
        self.page = self.context.new_page()
        self.page.set_default_timeout(WIDGET_TIMEOUT_MS)
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console error: {m.text}"))
        self.page.on("pageerror", lambda exc: self.problems.append(f"uncaught exception: {exc}"))
        self.view = view
        self.page.goto(base_url + PAGES[view] + ".html", wait_until="load")
        self.page.wait_for_selector(".nrqb-explorer input[type=range]")
        self.page.wait_for_function("() => Number(document.querySelector('.nrqb-explorer').dataset.frame) >= 1")
        self.root = self.page.locator(".nrqb-explorer")

    def close(self) -> None:
        self.context.close()

    def values(self) -> dict[str, float]:
        return self.page.evaluate(
            "() => Object.fromEntries(Array.from(document.querySelectorAll('.nrqb-explorer input[type=range]'))"
            ".map(i => [i.dataset.param, Number(i.dataset.value)]))"
        )

    def readout(self) -> dict[str, tuple[str, str]]:
        return self.page.evaluate(
            "() => Object.fromEntries(Array.from(document.querySelectorAll('[data-readout]'))"
            ".map(e => [e.dataset.readout, [e.textContent, e.dataset.value]]))"
        )

    def frame(self) -> int:
        return int(self.page.evaluate("() => Number(document.querySelector('.nrqb-explorer').dataset.frame)"))

    def plotted(self) -> list[float]:
        """A fingerprint of what is plotted: the current (last valid) arrays and cursor positions."""
        return self.page.evaluate(
            """() => { const s = document.querySelector('.nrqb-explorer').nrqbExplorer, r = s.result;
                const arrays = [r.E_B, r.map, r.E_B_inf, r.byR && r.byR.E_nor, r.byDelta && r.byDelta.E_nor]
                    .filter(a => a);
                const sums = arrays.map(a => Array.from(a).reduce((t, x, i) => t + (x || 0) * (1 + (i % 7)), 0));
                return [...sums, s.validValues.r, s.validValues.Delta]; }"""
        )

    def press(self, param: str, key: str, times: int = 1) -> None:
        """Focus a slider and press a key; wait until the widget has drawn the result."""
        slider = self.page.locator(f".nrqb-explorer input[data-param={param}]")
        slider.focus()
        for _ in range(times):
            before = self.frame()
            self.page.keyboard.press(key)
            self.page.wait_for_function(
                "n => Number(document.querySelector('.nrqb-explorer').dataset.frame) > n", arg=before
            )

    def click(self, action: str) -> None:
        before = self.frame()
        self.page.locator(f".nrqb-explorer button[data-action={action}]").click()
        self.page.wait_for_function(
            "n => Number(document.querySelector('.nrqb-explorer').dataset.frame) > n", arg=before
        )

    def message(self) -> str:
        return self.page.locator(".nrqb-explorer .nrqb-message").text_content() or ""


@pytest.fixture
def open_page(browser, base_url):
    pages = []

    def opener(view: str, **kwargs) -> Page:
        page = Page(browser, base_url, view, **kwargs)
        pages.append(page)
        return page

    yield opener
    for page in pages:
        problems = page.problems
        page.close()
        assert not problems, f"{page.view}: " + "; ".join(problems)


def nrqb_readout(view: str, values: dict[str, float], fixed: dict) -> dict:
    """nrqb's readout for the shown values (through Explorer's Python rules, which call nrqb)."""
    ex = Explorer(view=view)
    assert ex.update(**fixed, **values), ex.message
    return ex.readout


def assert_readout_matches(page: Page, fixed: dict | None = None) -> None:
    expected = nrqb_readout(page.view, page.values(), fixed or {})
    shown = page.readout()
    for key in READOUTS[page.view]:
        text, exact = shown[key]
        value = expected[key]
        if value is None:
            assert text == "—" and exact == "", f"{key}: expected none, shown {text!r}"
            continue
        assert re.fullmatch(r"-?\d+(\.\d+)?(e-?\d+)?", text), f"{key}: the text {text!r} is not a number"
        tol = 1e-6 if key != "t_peak" else 2e-6  # t at a flat maximum: Brent's tolerance plus 7-digit rounding
        assert float(text) == pytest.approx(value, rel=tol, abs=1e-12), f"{key}: shown {text}, nrqb {value}"
        assert float(exact) == pytest.approx(value, rel=1e-9 if key != "t_peak" else 1e-7), f"{key}: {exact} vs {value}"


# ------------------------------------------------------------------ rendering and markup


@pytest.mark.parametrize("view", list(PAGES))
def test_explorer_renders_with_its_markup_contract(open_page, view):
    page = open_page(view)
    sliders = page.page.evaluate(
        """() => Array.from(document.querySelectorAll('.nrqb-explorer input')).map(i => {
            const label = document.querySelector(`label[for="${i.id}"]`);
            const box = label ? label.getBoundingClientRect() : null;
            return {type: i.type, param: i.dataset.param, value: i.dataset.value, text: i.getAttribute('aria-valuetext'),
                    label: label ? label.textContent.trim() : '', labelVisible: !!box && box.width > 0 && box.height > 0};
        })"""
    )
    assert [s["param"] for s in sliders] == list(VIEWS[view])
    for s in sliders:
        assert s["type"] == "range" and s["label"] and s["labelVisible"], s
        value = float(s["value"])
        number, _, unit = s["text"].partition(" ")
        assert float(number) == pytest.approx(value, rel=5e-4, abs=1e-12) and unit.split(" (")[0] in UNITS, s
    canvases = page.page.evaluate(
        "() => Array.from(document.querySelectorAll('.nrqb-explorer canvas')).map(c => [c.width, c.height])"
    )
    assert canvases and all(w > 100 and h > 100 for w, h in canvases), canvases
    assert page.message() == ""
    assert_readout_matches(page)


# ------------------------------------------------------------------ the keyboard moves sliders, the readout follows


@pytest.mark.parametrize(
    ("view", "moves"),
    [
        (
            "charging",
            [("Delta", "ArrowRight", 4), ("r", "ArrowRight", 3), ("phi", "ArrowLeft", 5), ("t_max", "End", 1)],
        ),
        ("damping", [("r", "ArrowRight", 6), ("kappa_a", "ArrowLeft", 2), ("J", "ArrowRight", 10)]),
        ("ep", [("Delta", "ArrowRight", 6), ("r", "ArrowLeft", 4), ("Gamma", "ArrowRight", 5)]),
    ],
)
def test_keyboard_moves_change_plot_and_readout_to_nrqb(open_page, view, moves):
    page = open_page(view)
    for param, key, times in moves:
        values, readout, plotted = page.values(), page.readout(), page.plotted()
        page.press(param, key, times)
        after = page.values()
        assert after[param] != values[param], f"{key} did not move {param}"
        assert {k: v for k, v in after.items() if k != param} == {k: v for k, v in values.items() if k != param}
        assert page.plotted() != plotted, f"moving {param} did not change the plotted data"
        assert page.readout() != readout, f"moving {param} did not change the readout"
        assert_readout_matches(page)
        assert page.message() == ""


def test_exceptional_point_button_sets_nrqbs_coupling(open_page):
    page = open_page("charging")
    page.press("r", "ArrowRight", 20)  # r = 10
    page.click("exceptional")
    values = page.values()
    p = nrqb.paper_params(kappa_b=values["r"] * values["kappa_a"], J=0.0)
    assert values["r"] == pytest.approx(10.0, rel=1e-12)
    assert values["J"] == pytest.approx(float(nrqb.exceptional_coupling(p)), rel=1e-12)
    assert "Exceptional point" in page.message()
    assert_readout_matches(page)
    # with r != 1 and Delta != 0 there is none: J stays, the plot stays, the message says why
    page.press("Delta", "ArrowRight", 10)
    J, plotted = page.values()["J"], page.plotted()
    page.click("exceptional")
    assert "No exceptional point here" in page.message() and page.values()["J"] == J and page.plotted() == plotted
    page.click("nonreciprocal")
    assert page.values()["J"] == pytest.approx(0.02) and page.values()["phi"] == pytest.approx(math.pi / 2)
    assert_readout_matches(page)


def test_invalid_value_shows_a_message_and_keeps_the_last_plot(open_page):
    page = open_page("damping")
    plotted, readout = page.plotted(), page.readout()
    page.press("J", "Home")  # J = 0: the map's axis Jt is undefined
    assert page.values()["J"] == 0
    assert "J = 0" in page.message() and "last valid" in page.message()
    assert page.plotted() == plotted and page.readout() == readout
    page.press("J", "ArrowRight", 30)  # J = 0.015
    assert page.message() == "" and page.plotted() != plotted
    assert_readout_matches(page)


# ------------------------------------------------------------------ phone width, dark mode


@pytest.mark.parametrize("view", list(PAGES))
def test_explorer_fits_a_phone_and_follows_dark_mode(open_page, view):
    page = open_page(view, width=390, dark=True)
    page.page.evaluate(
        "() => { document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'; }"
    )
    page.page.wait_for_timeout(200)
    fit = page.page.evaluate(
        """() => { const e = document.querySelector('.nrqb-explorer'); const r = e.getBoundingClientRect();
            return {scroll: e.scrollWidth, client: e.clientWidth, right: r.right, vw: document.documentElement.clientWidth,
                    colour: getComputedStyle(e).color}; }"""
    )
    assert fit["scroll"] <= fit["client"] + 1 and fit["right"] <= fit["vw"] + 1, fit
    r, g, b = (int(x) for x in re.findall(r"\d+", fit["colour"])[:3])
    assert 0.2126 * r + 0.7152 * g + 0.0722 * b > 140, f"text colour {fit['colour']} is not light in dark mode"
    SHOTS_DIR.mkdir(parents=True, exist_ok=True)
    page.root.screenshot(path=str(SHOTS_DIR / f"explorer-{view}-390-dark.png"))
    page.press(VIEWS[view][0], "ArrowRight")  # still operable at phone width
    assert_readout_matches(page)


# ------------------------------------------------------------------ weight and loading


def _page_bytes(browser, base_url: str, page_name: str) -> tuple[int, list[str]]:
    context = browser.new_context()
    offsite: list[str] = []
    offline.refuse_offsite(context, base_url, offsite.append)
    page = context.new_page()
    sizes: list[int] = []
    page.on("response", lambda resp: sizes.append(len(resp.body())) if resp.ok else None)
    page.goto(base_url + page_name + ".html", wait_until="load")
    page.wait_for_load_state("networkidle")
    context.close()
    return sum(sizes), offsite


def test_widget_pages_weigh_at_most_half_a_megabyte_more_than_a_text_page(browser, base_url):
    text_bytes, offsite = _page_bytes(browser, base_url, TEXT_PAGE)
    assert not offsite
    for view, page_name in PAGES.items():
        widget_bytes, offsite = _page_bytes(browser, base_url, page_name)
        assert not offsite, offsite
        # The chapters' own figures are not the widget's weight: count the widget page without its images.
        images = sum(p.stat().st_size for p in _images_of(page_name))
        assert widget_bytes - images - text_bytes <= 500_000, f"{view}: {widget_bytes - images} B vs {text_bytes} B"


def _images_of(page_name: str) -> list[Path]:
    html = (HTML_DIR / f"{page_name}.html").read_text(encoding="utf-8")
    base = (HTML_DIR / page_name).parent
    return [(base / src).resolve() for src in set(re.findall(r'<img[^>]+src="([^"]+)"', html)) if "://" not in src]


def test_widget_scripts_do_not_block_first_paint():
    text = (HTML_DIR / f"{TEXT_PAGE}.html").read_text(encoding="utf-8")
    common = set(re.findall(r"<script[^>]*\bsrc=\"([^\"]+)\"", text))
    for page_name in PAGES.values():
        html = (HTML_DIR / f"{page_name}.html").read_text(encoding="utf-8")
        for tag in re.findall(r"<script[^>]*\bsrc=\"[^\"]+\"[^>]*>", html):
            src = re.search(r'src="([^"]+)"', tag).group(1)
            if src not in common:
                assert re.search(r"\b(defer|async)\b", tag), f"{page_name}: {tag} blocks parsing"
        assert "html-manager" not in html and "require.js" not in html, f"{page_name} still loads the html-manager"


@pytest.mark.parametrize("view", list(PAGES))
def test_built_page_carries_the_front_end_in_its_widget_state(view):
    """The build's own execution stored the full widget state, _esm included, in the page (tests/test_widgets.py
    checks the same for a notebook executed by nbclient, as myst-nb does)."""
    import json

    bundle = (REPO / "nrqb" / "widgets" / "static" / "explorer.js").read_text(encoding="utf-8")
    html = (HTML_DIR / f"{PAGES[view]}.html").read_text(encoding="utf-8")
    match = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    assert match, f"{PAGES[view]} has no widget state"
    models = [m["state"] for m in json.loads(match.group(1))["state"].values() if m["model_name"] == "AnyModel"]
    assert any(m["view"] == view for m in models), [m["view"] for m in models]
    for model in models:  # every explorer the chapter made, shown or not (ep_battery's Checks make one more)
        assert model["_esm"] == bundle, f"{PAGES[view]} carries another front end: rebuild the book (make book)"
