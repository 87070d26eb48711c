"""nrqb.widgets: the live explorers, without a browser.

Two halves of one widget are tested here. The Python half (``Explorer``: traits, validation, buttons, readout) is
driven directly and compared with nrqb. The front end's logic (``explorers.mjs``: what each view computes, the
buttons, what each slider shows) is driven under node by 1,000 random slider sequences; every step must keep its
promises (no exception, nothing non-finite plotted, slider ranges untouched, a slider's text showing its true value),
agree with the Python half on what is valid, and its readout must equal nrqb's for the parameters it shows. A
kernel test checks that traits set in Python reach the widget state the book's build stores, ``_esm`` included.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import numpy as np
import pytest
import traitlets

import nrqb
from nrqb.analysis import peak_power, rate_scales
from nrqb.widgets import SLIDERS, VIEWS, Explorer, slider_specs, starting_values

REPO = Path(__file__).resolve().parents[1]
STATIC = REPO / "nrqb" / "widgets" / "static"
RUNNER = REPO / "tests" / "js" / "run_explorer.mjs"
N_SEQUENCES = 1000
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is not installed: run `make js-deps` (tools/js/install.sh installs it with apt)")
    return path


def expected_readout(p: nrqb.Params, t_max: float) -> dict[str, float]:
    ss, peak = nrqb.steady_state(p), peak_power(p, t_max=t_max)
    return {"E_B_inf": float(ss.E_B), "eta_inf": float(ss.eta), "P_peak": peak.P, "t_peak": peak.t}


def assert_readout(
    readout: dict, expected: dict, rtol: float = 1e-10, what: str = "", p: nrqb.Params | None = None
) -> None:
    """Every entry of ``expected`` to ``rtol``; t_peak to 1e-7 (Brent stops within sqrt(eps)|t| of a flat maximum),
    or, given ``p``, as good a maximiser: nrqb's P at the readout's t_peak equals nrqb's P_peak to 1e-9."""
    for key, value in expected.items():
        got = readout[key]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            assert got is None, f"{what} {key}: expected none, got {got}"
            continue
        if key in ("t_peak", "Jt_peak"):
            if got == pytest.approx(value, rel=1e-7) or key == "Jt_peak":
                continue
            assert p is not None, f"{what} {key}: {got} != {value}"
            P_there = float(nrqb.evolve(p, [readout["t_peak"]]).P[0])
            assert P_there == pytest.approx(expected["P_peak"], rel=1e-9), f"{what} t_peak: {got} != {value}"
            continue
        assert got == pytest.approx(value, rel=rtol, abs=1e-12), f"{what} {key}: {got} != {value}"
    if p is not None and expected.get("Jt_peak") is not None:
        assert readout["Jt_peak"] == pytest.approx(abs(float(np.real(p.J))) * readout["t_peak"], rel=1e-12)


def spec_ranges(ex: Explorer) -> list[tuple]:
    return [(s["name"], s["min"], s["max"], s["step"]) for s in ex.sliders]


# ------------------------------------------------------------------ the Python half


def test_default_explorer_reads_out_the_paper_parameters():
    ex = Explorer()
    assert ex.message == "" and ex.view == "charging"
    assert_readout(ex.readout, expected_readout(nrqb.paper_params(), 250.0))
    # the paper's Eq. (10), corrected: E_B(inf) = 16 eps^2 Gamma^2 / (Lambda_a^2 Lambda_b^2) at r = 1, resonance
    assert ex.readout["E_B_inf"] == pytest.approx(16 * 0.1**2 * 0.04**2 / 0.043**4, rel=1e-12)
    assert [s["name"] for s in ex.sliders] == list(VIEWS["charging"])


def test_setting_a_trait_recomputes_with_nrqb():
    ex = Explorer()
    ex.Gamma = 0.05
    ex.r = 10.0
    assert ex.message == ""
    p = nrqb.paper_params(Gamma=0.05, J=0.02, kappa_b=0.03)
    assert_readout(ex.readout, expected_readout(p, 250.0))
    assert ex.update(Delta=0.01, epsilon=0.05, t_max=600.0, phi=1.0)
    assert_readout(ex.readout, expected_readout(p.replace(Delta_b=0.01, epsilon=0.05, phi=1.0), 600.0))
    ex.kappa_b = 0.0012
    assert ex.r == pytest.approx(0.4) and ex.params().kappa_b == pytest.approx(0.0012, rel=1e-15)


@pytest.mark.parametrize(
    "p",
    [
        nrqb.paper_params(J=-0.02),  # the explorer once showed |J| here
        nrqb.paper_params(kappa_b=0.0),  # a lossless battery: r = 0, below the log slider's range
        nrqb.paper_params(Delta_a=0.03, Delta_b=0.05, omega=2.0),
        nrqb.paper_params(epsilon=-0.2, phi=4.0, J=0.5),  # outside the default slider ranges
    ],
)
def test_explorer_shows_exactly_the_parameters_it_is_given(p):
    ex = Explorer(p)
    shown = ex.params()
    for name in ("Gamma", "kappa_a", "kappa_b", "epsilon", "phi", "J", "Delta_a", "Delta_b", "omega"):
        assert getattr(shown, name) == pytest.approx(getattr(p, name), rel=1e-15, abs=1e-18), name
    assert_readout(ex.readout, expected_readout(p, 250.0))
    for spec in ex.sliders:  # ranges widened to contain the starting values (a log slider cannot reach 0)
        value = getattr(ex, spec["name"])
        x = math.log10(value) if spec["kind"] == "log" and value > 0 else value
        assert spec["min"] <= x <= spec["max"] or (spec["kind"] == "log" and value == 0), spec


def test_negative_J_is_not_turned_into_its_modulus():
    ex = Explorer(nrqb.paper_params(J=-0.02))
    assert ex.J == -0.02
    assert ex.readout["E_B_inf"] == pytest.approx(float(nrqb.steady_state(nrqb.paper_params(J=-0.02)).E_B), rel=1e-10)
    assert ex.readout["E_B_inf"] < 1e-20  # J = -Gamma/2 blocks the forward path instead of the backward one


@pytest.mark.parametrize(
    ("p", "view", "needle"),
    [
        (nrqb.paper_params(kappa_a=0.0), "charging", "kappa_a"),  # kappa_b was once zeroed with it
        (nrqb.paper_params(J=0.02 + 0.01j), "charging", "complex"),
        (nrqb.paper_params(n_th_b=0.5), "charging", "thermal"),
        (nrqb.paper_params(kappa_b=np.array([0.003, 0.03])), "charging", "scalar"),
        (nrqb.paper_params(phi=1.0), "ep", "phi = pi/2"),
        (nrqb.paper_params(Gamma=0.0, kappa_a=1e-3, kappa_b=0.0, J=0.0), "charging", "cannot be shown"),
    ],
)
def test_explorer_refuses_what_it_cannot_show_exactly(p, view, needle):
    with pytest.raises(ValueError, match=re.escape(needle)):
        Explorer(p, view=view)


def test_unknown_view_is_refused():
    with pytest.raises(ValueError, match="view must be one of"):
        Explorer(view="three_mode")


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"Gamma": -0.1}, "Gamma"),
        ({"epsilon": float("nan")}, "finite"),
        ({"t_max": 0.0}, "t_max"),
        ({"Gamma": 0.0, "kappa_a": 0.0}, "kappa"),
        ({"colour": 1.0}, "unknown"),
        ({"J": "abc"}, "real number"),
        ({"quantity": "E_C"}, "quantity"),
    ],
)
def test_a_failed_update_explains_and_never_raises(changes, needle):
    ex = Explorer()
    readout, ranges = ex.readout, spec_ranges(ex)
    assert ex.update(**changes) is False
    assert needle in ex.message and "last valid" in ex.message
    assert ex.readout == readout and spec_ranges(ex) == ranges
    # the buttons still work afterwards and never raise
    ex.set_nonreciprocal()
    ex.set_exceptional_point()
    assert spec_ranges(ex) == ranges


def test_buttons_after_an_invalid_gamma_do_not_raise():
    ex = Explorer()
    assert not ex.update(Gamma=-0.1)
    assert ex.set_nonreciprocal() is False and "Gamma" in ex.message
    assert ex.set_exceptional_point() is False and "J is unchanged" in ex.message
    assert ex.J == 0.02


def test_non_finite_traits_are_refused_by_name():
    ex = Explorer()
    with pytest.raises(traitlets.TraitError, match="kappa_a must be a finite number"):
        ex.kappa_a = float("inf")


def test_exceptional_point_button_sets_J_to_exceptional_coupling():
    ex = Explorer()
    assert ex.update(r=10.0)
    assert ex.set_exceptional_point() and "Exceptional point" in ex.message
    p = ex.params()
    assert ex.J == pytest.approx(float(nrqb.exceptional_coupling(p)), rel=1e-14)
    assert ex.J == pytest.approx(0.5 * math.sqrt(0.04**2 + (0.003 - 0.03) ** 2 / 4), rel=1e-12)
    lam = nrqb.eigenvalues(p)
    assert abs(lam[0] - lam[1]) < 1e-6 * abs(lam[0])  # the eigenvalues coalesce
    # far outside the J slider's range: the value is set, the range is not stretched (it used to grow to 25)
    ranges = spec_ranges(ex)
    assert ex.update(r=1000.0, kappa_a=0.05) and ex.set_exceptional_point()
    assert ex.J > SLIDERS["J"].hi and spec_ranges(ex) == ranges


def test_nonreciprocal_button_restores_full_nonreciprocity():
    ex = Explorer()
    ex.update(phi=1.0, J=0.07, Gamma=0.05)
    assert ex.set_nonreciprocal()
    assert (ex.phi, ex.J) == pytest.approx((math.pi / 2, 0.025))
    assert abs(nrqb.analysis.backward_coupling(ex.params())) < 1e-15


def test_damping_and_ep_views_read_out_nrqb():
    ex = Explorer(nrqb.paper_params(kappa_b=0.03), view="damping", Jt_max=4.0)
    p = nrqb.paper_params(kappa_b=0.03)
    assert_readout(ex.readout, expected_readout(p, 4.0 / 0.02))
    assert not ex.update(J=0.0) and "Jt" in ex.message
    ep = Explorer(nrqb.paper_params(kappa_b=0.03, Delta_b=0.05), view="ep")
    r10 = nrqb.paper_params(kappa_b=0.03)
    detuned = nrqb.paper_params(Delta_b=0.05)  # r = 1, |Delta| > Gamma: no EP
    assert_readout(
        ep.readout,
        {
            "J_EP_r": float(nrqb.exceptional_coupling(r10)),
            "E_nor_r": float(nrqb.steady_state(r10).E_B),
            "E_EP_r": float(nrqb.steady_state(nrqb.at_exceptional_point(r10)).E_B),
            "J_EP_Delta": None,
            "E_nor_Delta": float(nrqb.steady_state(detuned).E_B),
            "E_EP_Delta": None,
        },
    )


def test_widget_state_carries_the_bundled_front_end():
    ex = Explorer()
    state = ex.get_state()
    assert state["_esm"] == (STATIC / "explorer.js").read_text(encoding="utf-8")
    assert "uPlot" in state["_esm"] and "Permission is hereby granted" in state["_esm"]  # uPlot's licence
    assert "no real J" in state["_esm"]  # explorers.mjs is in it (its messages survive minification)
    assert "a mode of the drift matrix is undamped" in state["_esm"]  # ... and physics.mjs
    assert state["Gamma"] == 0.04 and state["view"] == "charging"
    assert state["_css"].startswith("/* uPlot")


def test_bundle_is_up_to_date_with_its_sources():
    build = REPO / "tools" / "js" / "build.mjs"
    if not (REPO / "tools" / "js" / "node_modules" / "esbuild").is_dir():
        pytest.fail("tools/js/node_modules is missing: run `make js-deps`")
    proc = subprocess.run([node(), str(build), "--check"], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr + proc.stdout


def test_colour_map_is_matplotlibs_viridis():
    import matplotlib

    text = (REPO / "nrqb" / "widgets" / "colormap.mjs").read_text()
    hexes = "".join(re.findall(r'"([0-9a-f]+)"', text))
    table = np.array([int(hexes[i : i + 2], 16) for i in range(0, len(hexes), 2)]).reshape(-1, 3)
    expected = np.asarray(matplotlib.colormaps["viridis"](np.linspace(0, 1, 256)))[:, :3] * 255
    assert table.shape == (256, 3) and np.max(np.abs(table - expected)) <= 0.5


def test_physics_does_not_import_the_widgets():
    code = "import sys, nrqb; nrqb.evolve(nrqb.paper_params(), [1.0]); sys.exit(int('anywidget' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0


# ------------------------------------------------------------------ with a kernel


def test_traits_driven_in_a_kernel_reach_the_stored_widget_state(tmp_path):
    """The build (nbclient inside myst-nb) stores the widget state; Python-side trait changes must reach it."""
    from nbclient import NotebookClient

    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell("from nrqb.widgets import Explorer\nex = Explorer()\nex"),
        nbformat.v4.new_code_cell("ex.Gamma = 0.05\nex.update(r=10.0, Delta=0.01)"),
    ]
    NotebookClient(nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    state = nb.metadata["widgets"][WIDGET_STATE]["state"]
    (model,) = [m["state"] for m in state.values() if m["model_name"] == "AnyModel"]
    assert (model["Gamma"], model["r"], model["Delta"]) == (0.05, 10.0, 0.01)
    assert model["_esm"] == (STATIC / "explorer.js").read_text(encoding="utf-8")
    view = nb.cells[0].outputs[-1]["data"]["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] in state


# ------------------------------------------------------------------ the front end's logic, under node


def run_sequences(sequences: list[dict], tmp_path: Path) -> list[dict]:
    src, dst = tmp_path / "sequences.json", tmp_path / "results.json"
    src.write_text(json.dumps(sequences))
    proc = subprocess.run([node(), str(RUNNER), str(src), str(dst)], capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return json.loads(dst.read_text())


def random_start(rng: np.random.Generator, view: str, ex: Explorer) -> dict:
    """Random valid starting values for ``view``, set on ``ex`` (one Python explorer per view serves every sequence)."""
    while True:
        overrides = {
            "Gamma": 10 ** rng.uniform(-2.5, -0.8),
            "kappa_a": 10 ** rng.uniform(-3.5, -1.5),
            "kappa_b": 10 ** rng.uniform(-4, -1),
            "epsilon": rng.uniform(0.01, 0.4),
            "Delta_b": rng.choice([0.0, rng.uniform(-0.1, 0.1)]),
        }
        if view != "ep":
            overrides.update(phi=rng.uniform(0, np.pi), J=rng.uniform(0.002, 0.15))
        values = {**starting_values(nrqb.paper_params(**overrides), view), "t_max": float(rng.uniform(50, 1500))}
        if ex.update(**values, Jt_max=5.0, quantity="E_B", time_axis="t"):
            return ex._all_values()


def random_step(rng: np.random.Generator, sliders: list[dict], view: str) -> dict:
    u = rng.random()
    spec = sliders[rng.integers(len(sliders))]
    name = spec["name"]
    if view == "charging" and u < 0.12:
        return {"click": str(rng.choice(["nonreciprocal", "exceptional"]))}
    if u < 0.16:
        choice = {"charging": ("time_axis", ["t", "Jt"]), "damping": ("quantity", ["E_B", "eta", "P"])}.get(view)
        if choice:
            return {"set": {choice[0]: str(rng.choice(choice[1]))}}
    if u < 0.32:  # a value a notebook could set: out of range, zero, negative, large
        value = float(rng.choice([0.0, -0.05, 1e-7, 3.0, 1e4, -2.0]))
        return {"set": {name: value}}
    # a reader's move: a thumb position on the slider's step grid
    n_steps = round((spec["max"] - spec["min"]) / spec["step"])
    position = spec["min"] + spec["step"] * int(rng.integers(n_steps + 1))
    return {"set": {name: 10**position if spec["kind"] == "log" else position}}


def apply_python(ex: Explorer, step: dict) -> bool:
    if "click" in step:
        return ex.set_nonreciprocal() if step["click"] == "nonreciprocal" else ex.set_exceptional_point()
    return ex.update(**step["set"])


def leading_number(text: str) -> float:
    match = re.match(r"[-+]?(\d+\.?\d*|\.\d+)(e[-+]?\d+)?", text)
    assert match, text
    return float(match.group(0))


def python_readout(ex: Explorer, values: dict) -> dict:
    saved = ex._valid
    ex._valid = {**ex._all_values(), **values}
    try:
        return ex.readout
    finally:
        ex._valid = saved


def test_random_slider_sequences_keep_every_promise(tmp_path):
    rng = np.random.default_rng(20261202)
    views = rng.choice(["charging", "damping", "ep"], size=N_SEQUENCES, p=[0.55, 0.2, 0.25])
    explorers = {view: Explorer(view=view) for view in VIEWS}
    sequences, pythons = [], []
    for view in views:
        ex = explorers[str(view)]
        start = random_start(rng, str(view), ex)
        sliders = slider_specs(ex.view, start)
        steps, flags, ends = [], [], []
        for _ in range(int(rng.integers(3, 8))):
            step = random_step(rng, sliders, ex.view)
            steps.append(step)
            flags.append(apply_python(ex, step))
        ends = {name: getattr(ex, name) for name in ("J", "phi")}
        valid = ex.valid_values
        sequences.append({"view": str(view), "sliders": sliders, "values": start, "steps": steps})
        pythons.append((ex, flags, ends, valid, python_readout(ex, valid)))
    results = run_sequences(sequences, tmp_path)
    assert len(results) == N_SEQUENCES
    n_invalid = n_outside = 0
    for (ex, flags, ends, valid, readout), seq, res in zip(pythons, sequences, results, strict=True):
        what = f"{seq['view']} {seq['steps']}"
        assert "escaped" not in res, f"{what}: an exception escaped: {res.get('escaped')}"
        steps = res["steps"]
        assert steps[0]["valid"], f"{what}: the starting values failed in the browser: {steps[0]['message']}"
        for k, (snap, flag) in enumerate(zip(steps[1:], flags, strict=True)):
            at = f"{what} step {k}"
            assert snap["returned"] == flag, f"{at}: browser {snap['returned']} ({snap['message']}), python {flag}"
            assert not snap["notFinite"], f"{at}: non-finite numbers reach the plot: {snap['notFinite']}"
            assert snap["sliders"] == seq["sliders"], f"{at}: slider ranges changed"
            assert snap["readout"] is not None and (snap["valid"] or snap["message"]), at
            n_invalid += not snap["valid"]
            for spec in seq["sliders"]:
                name, shown = spec["name"], snap["displays"][spec["name"]]
                # the text is the true value (4 significant digits), never a clamped one
                assert leading_number(shown["text"]) == pytest.approx(snap["values"][name], rel=5e-4), f"{at}: {shown}"
                n_outside += shown["outside"]
        final = steps[-1]
        for name, value in ends.items():  # the buttons set the same J and phi as nrqb's
            assert final["values"][name] == pytest.approx(value, rel=1e-12, abs=1e-15), f"{what}: {name}"
        assert final["validValues"] == pytest.approx(valid, rel=1e-12, abs=1e-15), what  # the same last valid state
        p = ex.params(valid)
        # Both routes are exact to rounding at any rate ratio; 1e-10 leaves room for where Brent stops on t_peak.
        assert_readout(final["readout"], readout, 1e-10, what, p if seq["view"] != "ep" else None)
    assert n_invalid > 100 and n_outside > 100  # both rules were exercised


def test_plotted_data_equals_nrqb(tmp_path):
    """What the charging, damping and EP views plot, for a few states, against nrqb's own arrays."""
    cases = [
        Explorer(nrqb.paper_params(Delta_b=0.01, phi=1.2), t_max=400.0),
        Explorer(nrqb.paper_params(kappa_b=0.0, J=0.03), time_axis="Jt"),
        Explorer(nrqb.paper_params(), view="damping", quantity="P"),
        Explorer(nrqb.paper_params(J=0.05, phi=2.0, Delta_b=-0.02), view="damping", quantity="eta", Jt_max=8.0),
        Explorer(nrqb.paper_params(Gamma=0.06, kappa_a=0.01), view="ep"),
    ]
    sequences = [
        {"view": ex.view, "sliders": ex.sliders, "values": ex._all_values(), "steps": [{"set": {}}], "keep": True}
        for ex in cases
    ]
    for ex, res in zip(cases, run_sequences(sequences, tmp_path), strict=True):
        arrays = res["steps"][-1]["arrays"]
        p = ex.params()
        if ex.view == "charging":
            t = np.asarray(arrays["t"])
            assert t.size == 2000 and t[-1] == ex.t_max
            tr = nrqb.evolve(p, t)
            for key in ("E_B", "E_A", "eta", "P"):
                np.testing.assert_allclose(arrays[key], getattr(tr, key), rtol=1e-10, atol=1e-12)
        elif ex.view == "damping":
            r, Jt = np.asarray(arrays["r"]), np.asarray(arrays["Jt"])
            assert r.size == Jt.size == 200
            grid = p.replace(kappa_b=p.kappa_a * r[:, None])
            tr = nrqb.evolve(grid, Jt[None, :] / abs(p.J))
            np.testing.assert_allclose(
                np.reshape(arrays["map"], (200, 200)), getattr(tr, ex.quantity), rtol=1e-10, atol=1e-12
            )
            ss = nrqb.steady_state(p.replace(kappa_b=p.kappa_a * r))
            np.testing.assert_allclose(arrays["E_B_inf"], ss.E_B, rtol=1e-10)
            np.testing.assert_allclose(arrays["eta_inf"], ss.eta, rtol=1e-10)
        else:
            r, d = np.asarray(arrays["r"]), np.asarray(arrays["Delta"])
            for axis, base in (
                ("byR", p.replace(Delta_b=p.Delta_a, kappa_b=p.kappa_a * r)),
                ("byDelta", p.replace(kappa_b=p.kappa_a, Delta_b=p.Delta_a + d)),
            ):
                E_nor = nrqb.steady_state(base.replace(J=p.Gamma / 2)).E_B
                np.testing.assert_allclose(arrays[f"{axis}.E_nor"], E_nor, rtol=1e-10)
                J_ep = nrqb.exceptional_coupling(base, missing="nan")
                got = np.array([np.nan if x is None else x for x in arrays[f"{axis}.E_EP"]])
                exists = np.isfinite(J_ep)
                assert np.array_equal(np.isfinite(got), exists)
                E_ep = nrqb.steady_state(base.replace(J=np.where(exists, J_ep, 0.0))).E_B
                np.testing.assert_allclose(got[exists], E_ep[exists], rtol=1e-9)
            assert not np.all(np.isfinite(got)), "the Delta cut crosses |Delta| = Gamma, where the EP ends"


def test_module_examples_run():
    import doctest

    import nrqb.widgets.explorer as module

    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert result.attempted >= 6 and result.failed == 0


def test_browser_is_exact_at_widely_separated_rates(tmp_path):
    """Rates up to 1e14 apart: the views plot and read out nrqb's numbers to rounding, with no caution.

    (The browser once used a closed form that lost eps x fastest/slowest rate and flagged ratios above 1e7; it now
    ports nrqb's cancellation-free algorithms, which tests/test_physics_js.py holds against 50-digit mpmath.)
    """
    cases = [
        Explorer(nrqb.paper_params(kappa_a=1e-12, kappa_b=1e-12, phi=0.0, J=0.0), t_max=1e13),  # dark: 1e10
        Explorer(nrqb.Params(Gamma=0, kappa_a=1e6, kappa_b=1e-8, epsilon=0.1, phi=0, J=0.01), t_max=1e10),  # 1e14
        Explorer(
            nrqb.paper_params(kappa_a=1e-9, kappa_b=1e-9, phi=0.0, J=0.01), view="damping", quantity="E_B"
        ),  # nearly dark
    ]
    sequences = [
        {"view": ex.view, "sliders": ex.sliders, "values": ex._all_values(), "steps": [{"set": {}}], "keep": True}
        for ex in cases
    ]
    for ex, res in zip(cases, run_sequences(sequences, tmp_path), strict=True):
        final = res["steps"][-1]
        assert final["valid"] and final["message"] == "", final["message"]
        p = ex.params()
        fast, slow = rate_scales(p)
        assert fast / slow > 1e8
        # relative to each value: these steady states and peaks are well conditioned (no cancellation in them)
        assert_readout(final["readout"], ex.readout, 1e-12, ex.view, p)
        arrays = {k: np.asarray(v, dtype=float) for k, v in final["arrays"].items()}  # JSON gives big ints
        if ex.view == "charging":
            tr = nrqb.evolve(p, arrays["t"])
            for key in ("E_B", "E_A", "eta"):
                np.testing.assert_allclose(arrays[key], getattr(tr, key), rtol=1e-12, atol=0)
            # P = 2 omega Re(conj(b) db/dt): relative to the size of its terms, here its largest value
            np.testing.assert_allclose(arrays["P"], tr.P, rtol=1e-12, atol=1e-12 * np.abs(tr.P).max())
        else:
            r, Jt = arrays["r"], arrays["Jt"]
            tr = nrqb.evolve(p.replace(kappa_b=p.kappa_a * r[:, None]), Jt[None, :] / abs(p.J))
            np.testing.assert_allclose(arrays["map"].reshape(200, 200), tr.E_B, rtol=1e-12, atol=0)
            ss = nrqb.steady_state(p.replace(kappa_b=p.kappa_a * r))
            np.testing.assert_allclose(arrays["E_B_inf"], ss.E_B, rtol=1e-13)
            np.testing.assert_allclose(arrays["eta_inf"], ss.eta, rtol=1e-13)


def test_no_exceptional_point_where_the_drift_matrix_is_a_multiple_of_the_identity(tmp_path):
    """Gamma = 0, Delta = 0, kappa_a = kappa_b: delta = 0 only at J = 0, where M = mu I is not defective."""
    ex = Explorer(nrqb.paper_params(Gamma=0.0, J=0.01))
    assert ex.set_exceptional_point() is False and "multiple of the identity" in ex.message and ex.J == 0.01
    step = {"click": "exceptional"}
    (res,) = run_sequences(
        [{"view": "charging", "sliders": ex.sliders, "values": ex._all_values(), "steps": [step]}], tmp_path
    )
    final = res["steps"][-1]
    assert (
        final["returned"] is False and "multiple of the identity" in final["message"] and final["values"]["J"] == 0.01
    )
