"""nrqb.widgets: the Explorer's plotted data, readout and buttons against direct calls of the core."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest

import nrqb
from nrqb.drift import drift_matrix
from nrqb.widgets import SLIDERS, Explorer


def assert_plot_matches(ex: Explorer, p: nrqb.Params) -> None:
    """Every trace, steady level, peak marker and readout entry equals what the core gives for p."""
    t = ex.lines["E_B"].get_xdata()
    tr, ss = nrqb.evolve(p, t), nrqb.steady_state(p)
    for key in ("E_B", "E_A", "eta", "P"):
        np.testing.assert_allclose(ex.lines[key].get_ydata(), getattr(tr, key), rtol=1e-12, atol=1e-15)
        np.testing.assert_array_equal(ex.lines[key].get_xdata(), t)
    for key in ("E_B", "E_A", "eta"):
        assert ex.steady_lines[key].get_ydata()[0] == pytest.approx(float(getattr(ss, key)), rel=1e-12)
        assert ex.readout[f"{key}_inf"] == pytest.approx(float(getattr(ss, key)), rel=1e-12)
    k = int(np.argmax(tr.P))
    # The readout refines the maximum of the closed form; the plotted grid can only be at or below it.
    assert ex.readout["P_peak"] == pytest.approx(nrqb.analysis.peak_power(p, t_max=t[-1]).P, rel=1e-12)
    assert tr.P[k] <= ex.readout["P_peak"] <= tr.P[k] * (1 + 1e-3)
    assert abs(ex.readout["t_peak"] - t[k]) <= t[1] - t[0]
    assert ex.readout["Jt_peak"] == pytest.approx(abs(p.J) * ex.readout["t_peak"], rel=1e-12)
    assert tuple(ex.peak_marker.get_data()[1]) == pytest.approx((tr.P[k],))


def test_default_explorer_shows_the_paper_parameters():
    ex = Explorer()
    assert ex.message == ""
    assert_plot_matches(ex, nrqb.paper_params())
    assert ex.lines["E_B"].get_xdata()[-1] == 250.0
    # the paper's Eq. (10) corrected: E_B(inf) = 16 eps^2 Gamma^2 / (Lambda_a^2 Lambda_b^2)
    assert ex.readout["E_B_inf"] == pytest.approx(16 * 0.1**2 * 0.04**2 / 0.043**4, rel=1e-10)


def test_moving_sliders_changes_the_plotted_data_to_evolve():
    ex = Explorer()
    before = ex.lines["E_B"].get_ydata().copy()
    assert ex.update(Delta=0.01, r=10.0, epsilon=0.05, t_max=600.0)
    expected = nrqb.paper_params(Delta_b=0.01, kappa_b=0.03, epsilon=0.05)
    assert_plot_matches(ex, expected)
    assert ex.lines["E_B"].get_xdata()[-1] == 600.0
    assert not np.allclose(ex.lines["E_B"].get_ydata(), before)
    assert ex.update(phi=math.pi / 3, J=0.05, Gamma=0.06, kappa_a=0.001)
    assert_plot_matches(
        ex,
        nrqb.paper_params(Delta_b=0.01, kappa_a=0.001, kappa_b=0.01, epsilon=0.05, phi=math.pi / 3, J=0.05, Gamma=0.06),
    )


def test_kappa_b_is_an_alias_for_r():
    ex = Explorer()
    assert ex.update(kappa_b=0.0012)
    assert ex.values["r"] == pytest.approx(0.4)
    assert ex.params().kappa_b == pytest.approx(0.0012)


def test_exceptional_point_button_sets_J_to_exceptional_coupling():
    ex = Explorer()
    ex.update(r=10.0)
    assert ex.set_exceptional_point()
    p = ex.params()
    assert ex.values["J"] == pytest.approx(float(nrqb.exceptional_coupling(p)), rel=1e-12)
    # independent: closed form at Delta = 0, phi = pi/2
    assert ex.values["J"] == pytest.approx(0.5 * math.sqrt(0.04**2 + (0.003 - 0.03) ** 2 / 4), rel=1e-12)
    # ... and the eigenvalues of the drift matrix coalesce there
    lam = nrqb.eigenvalues(p)
    assert abs(lam[0] - lam[1]) < 1e-6 * abs(lam[0])
    assert_plot_matches(ex, p)
    assert "Exceptional point" in ex.message


def test_nonreciprocal_button_restores_full_nonreciprocity():
    ex = Explorer()
    ex.update(phi=1.0, J=0.07, Gamma=0.05)
    assert ex.set_nonreciprocal()
    p = ex.params()
    assert (ex.values["phi"], ex.values["J"]) == pytest.approx((math.pi / 2, 0.025))
    assert abs(drift_matrix(p)[0, 1]) < 1e-15  # no battery-to-charger coupling
    assert_plot_matches(ex, p)


def test_ep_where_none_exists_sets_message_and_keeps_working():
    ex = Explorer()
    assert ex.update(r=10.0, Delta=0.01)
    J_before, E_before = ex.values["J"], ex.lines["E_B"].get_ydata().copy()
    assert ex.set_exceptional_point() is False  # no exception
    assert "no real J" in ex.message and "J is unchanged" in ex.message
    assert ex.values["J"] == J_before
    np.testing.assert_array_equal(ex.lines["E_B"].get_ydata(), E_before)
    assert "no real J" in ex.readout_html()
    assert ex.update(Delta=0.0)  # still alive; the message clears
    assert ex.message == ""
    assert_plot_matches(ex, nrqb.paper_params(kappa_b=0.03))


@pytest.mark.parametrize(
    ("changes", "needle"),
    [
        ({"Gamma": -0.1}, "Gamma"),
        ({"epsilon": float("nan")}, "finite"),
        ({"t_max": 0.0}, "t_max"),
        ({"Gamma": 0.0, "kappa_a": 0.0}, "kappa"),  # undamped: singular drift matrix
        ({"colour": 1.0}, "unknown"),
        ({"J": "abc"}, "could not convert"),
    ],
)
def test_invalid_combinations_give_a_message_not_an_exception(changes, needle):
    ex = Explorer()
    before = {k: ln.get_ydata().copy() for k, ln in ex.lines.items()}
    readout = dict(ex.readout)
    assert ex.update(**changes) is False
    assert needle in ex.message and "last valid" in ex.message
    for k, ln in ex.lines.items():
        np.testing.assert_array_equal(ln.get_ydata(), before[k])
    assert ex.readout == readout


def test_png_is_an_image_of_the_current_state():
    ex = Explorer()
    a = ex.png()
    ex.update(Delta=0.05)
    b = ex.png()
    assert a.startswith(b"\x89PNG") and b.startswith(b"\x89PNG") and a != b


def test_widget_sliders_and_buttons_drive_the_explorer():
    ipywidgets = pytest.importorskip("ipywidgets")
    ex = Explorer()
    box = ex.widget()

    def walk(w):
        yield w
        for child in getattr(w, "children", ()):
            yield from walk(child)

    items = list(walk(box))
    sliders = {w.description: w for w in items if isinstance(w, ipywidgets.widgets.widget_float._Float)}
    buttons = {w.description: w for w in items if isinstance(w, ipywidgets.Button)}
    (image,) = [w for w in items if isinstance(w, ipywidgets.Image)]
    (readout,) = [w for w in items if isinstance(w, ipywidgets.HTML)]
    assert set(sliders) == {spec[0] for spec in SLIDERS.values()}
    assert set(buttons) == {"nonreciprocal J = Γ/2", "exceptional point"}

    png0 = image.value
    sliders[SLIDERS["Delta"][0]].value = 0.01
    assert ex.values["Delta"] == 0.01
    assert_plot_matches(ex, nrqb.paper_params(Delta_b=0.01))
    assert image.value != png0 and f"{ex.readout['E_B_inf']:.4g}" in readout.value

    sliders[SLIDERS["r"][0]].value = 10.0
    buttons["exceptional point"].click()  # none exists at r = 10, Delta = 0.01
    assert "no real J" in readout.value
    sliders[SLIDERS["Delta"][0]].value = 0.0
    buttons["exceptional point"].click()
    J_ep = float(nrqb.exceptional_coupling(ex.params()))
    assert sliders[SLIDERS["J"][0]].value == pytest.approx(J_ep, abs=1e-12)  # the slider follows the button
    buttons["nonreciprocal J = Γ/2"].click()
    assert sliders[SLIDERS["J"][0]].value == pytest.approx(0.02)


def test_physics_and_figures_do_not_import_ipywidgets():
    code = "import sys, nrqb, nrqb.widgets; nrqb.widgets.Explorer(); sys.exit(int('ipywidgets' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
    code = "import sys, nrqb; nrqb.evolve(nrqb.paper_params(), [1.0]); sys.exit(int('matplotlib' in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
