"""nrqb.plots.figures: every panel plots what the core computes (and closed forms confirm), files and CLI output."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.collections import QuadMesh
from matplotlib.colors import to_hex

import nrqb
import nrqb.plots.figures as nf
from nrqb.cli import main as cli_main

P0 = nrqb.paper_params()
J0 = P0.J
N = 41  # reduced resolution keeps the module fast


def line(fig, gid, ax=0):
    """The Line2D with this gid on axes ``ax`` (exactly one)."""
    found = [ln for ln in fig.axes[ax].get_lines() if ln.get_gid() == gid]
    assert len(found) == 1, (gid, [ln.get_gid() for ln in fig.axes[ax].get_lines()])
    return found[0]


def mesh(fig):
    (m,) = [c for c in fig.axes[0].collections if isinstance(c, QuadMesh)]
    return m


def closed_form_steady(p):
    """Resonant, nonreciprocal steady state from the paper's Eq. (10) (simplified): E_A, E_B."""
    E_A = 4 * p.epsilon**2 / p.Lambda_a**2
    E_B = 16 * p.epsilon**2 * p.Gamma**2 / (p.Lambda_a**2 * p.Lambda_b**2)
    return E_A, E_B


# --------------------------------------------------------------------------- Fig. 2


@pytest.mark.parametrize(("panel", "field"), [("fig2a", "E_B"), ("fig2b", "eta"), ("fig2d", "P")])
def test_fig2_lines_equal_evolve_for_each_detuning(panel, field):
    deltas = (0.0, 0.01, 0.1)
    fig = nf.PANELS[panel](deltas=deltas, Jt_max=5.0, n=N)
    for d in deltas:
        ln = line(fig, f"{field}[Delta={d:g}]")
        Jt = ln.get_xdata()
        np.testing.assert_allclose(Jt, np.linspace(0, 5, N))
        expected = getattr(nrqb.evolve(P0.replace(Delta_b=d), Jt / J0), field)
        np.testing.assert_allclose(ln.get_ydata(), expected, rtol=1e-12, atol=1e-12)


def test_fig2a_steady_markers_equal_steady_state_and_eq10():
    fig = nf.fig2a(n=N)
    for d in (0.0, 0.01, 0.1):
        (y,) = line(fig, f"steady:E_B[Delta={d:g}]").get_ydata()
        assert y == pytest.approx(float(nrqb.steady_state(P0.replace(Delta_b=d)).E_B), rel=1e-12)
    (y0,) = line(fig, "steady:E_B[Delta=0]").get_ydata()
    assert y0 == pytest.approx(closed_form_steady(P0)[1], rel=1e-10)
    assert "74.9" in nf.alt_text(fig)  # the alt text reports the plotted steady value


def test_fig2b_steady_efficiency_equals_closed_form():
    fig = nf.fig2b(n=N)
    (y,) = line(fig, "steady:eta[Delta=0]").get_ydata()
    E_A, E_B = closed_form_steady(P0)
    assert y == pytest.approx(E_B / (E_A + E_B), rel=1e-10)


def test_fig2c_phases_and_symmetry():
    phis = (math.pi / 2, math.pi / 4, 3 * math.pi / 4)
    fig = nf.fig2c(phis=phis, Jt_max=8.0, n=N)
    data = {}
    for phi in phis:
        ln = line(fig, f"E_B[phi={phi:.6g}]")
        data[phi] = ln.get_ydata()
        np.testing.assert_allclose(data[phi], nrqb.evolve(P0.replace(phi=phi), ln.get_xdata() / J0).E_B, rtol=1e-12)
    # phi and pi - phi give the same battery energy (complex conjugate drift matrix); pi/4 differs from pi/2
    np.testing.assert_allclose(data[math.pi / 4], data[3 * math.pi / 4], rtol=1e-9)
    assert np.max(np.abs(data[math.pi / 4] - data[math.pi / 2])) > 1.0
    labels = [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    assert r"$\phi = \pi/2$" in labels and r"$\phi = 3\pi/4$" in labels


def test_fig2d_peak_markers_sit_on_the_maxima():
    fig = nf.fig2d(n=400)
    for d in (0.0, 0.01, 0.1):
        ln = line(fig, f"P[Delta={d:g}]")
        (x,), (y,) = line(fig, f"peak:P[Delta={d:g}]").get_data()
        k = int(np.argmax(ln.get_ydata()))
        assert (x, y) == (ln.get_xdata()[k], ln.get_ydata()[k])
        # independent check: a central difference of E_B reproduces the plotted peak power
        Jt = np.linspace(x - 1e-3, x + 1e-3, 3)
        E = nrqb.evolve(P0.replace(Delta_b=d), Jt / J0).E_B
        assert (E[2] - E[0]) / (Jt[2] - Jt[0]) * J0 == pytest.approx(y, rel=1e-5)


# --------------------------------------------------------------------------- Fig. 3


@pytest.mark.parametrize(
    ("panel", "field", "cmap"), [("fig3a", "E_B", "viridis"), ("fig3b", "eta", "cividis"), ("fig3e", "P", "viridis")]
)
def test_fig3_maps_hold_evolve_on_the_grid(panel, field, cmap):
    fig = nf.PANELS[panel](n_r=11, n_t=13)
    m = mesh(fig)
    assert m.get_cmap().name == cmap and cmap in nf.SEQUENTIAL_CMAPS
    Z = np.asarray(m.get_array()).reshape(11, 13)
    r = np.logspace(-2, 3, 11)
    Jt = np.linspace(0, 5, 13)
    for i in (0, 4, 10):  # spot checks by independent scalar calls
        expected = getattr(nrqb.evolve(P0.replace(kappa_b=P0.kappa_a * r[i]), Jt / J0), field)
        np.testing.assert_allclose(Z[i], expected, rtol=1e-12, atol=1e-14)
    ax = fig.axes[0]
    assert ax.get_yscale() == "log"
    assert ax.get_xlabel() and ax.get_ylabel() and fig.axes[1].get_ylabel()  # colour bar labelled


def test_fig3a_reproduces_the_text_numbers_at_Jt_4():
    """At Jt = 4 (a grid column) the map holds E_B for r = 0.01 and r = 10 (the paper quotes 87 and 14.8)."""
    fig = nf.fig3a(r_range=(0.01, 10.0), n_r=4, n_t=6)  # r = 0.01, 0.1, 1, 10; Jt = 0, 1, ..., 5
    Z = np.asarray(mesh(fig).get_array()).reshape(4, 6)
    for i, r in ((0, 0.01), (3, 10.0)):
        assert Z[i, 4] == pytest.approx(float(nrqb.evolve(P0.replace(kappa_b=0.003 * r), [4 / J0]).E_B[0]), rel=1e-12)
    assert Z[0, 4] > Z[3, 4]  # smaller r stores more, as the paper says


@pytest.mark.parametrize(("panel", "field"), [("fig3c", "E_B"), ("fig3d", "eta")])
def test_fig3cd_steady_lines_equal_closed_form(panel, field):
    fig = nf.PANELS[panel](n=51)
    ln = line(fig, f"{field}_inf(r)")
    r = ln.get_xdata()
    np.testing.assert_allclose(r, np.logspace(-2, 3, 51))
    E_A, E_B = closed_form_steady(P0.replace(kappa_b=P0.kappa_a * r))
    expected = E_B if field == "E_B" else E_B / (E_A + E_B)
    np.testing.assert_allclose(ln.get_ydata(), expected, rtol=1e-10)
    assert fig.axes[0].get_xscale() == "log"
    assert np.all(np.diff(ln.get_ydata()) < 0)  # monotone decrease with r (paper Fig. 3(c, d))


def test_fig3f_lines_and_colours():
    fig = nf.fig3f(n=N)
    colours = []
    for r in (0.1, 1.0, 10.0):
        ln = line(fig, f"P[r={r:g}]")
        np.testing.assert_allclose(ln.get_ydata(), nrqb.evolve(P0.replace(kappa_b=0.003 * r), ln.get_xdata() / J0).P)
        colours.append(to_hex(ln.get_color()).upper())
    assert colours == [nf.OKABE_ITO[k] for k in ("blue", "vermillion", "orange")]


# --------------------------------------------------------------------------- Fig. 4


def test_fig4a_ep_curve_uses_closed_form_ep_and_curves_coincide_at_r1():
    fig = nf.fig4a(n=51)  # log grid through r = 1 (index 20)
    nor, ep = line(fig, "E_nor(r)"), line(fig, "E_EP(r)")
    r = nor.get_xdata()
    assert r[20] == pytest.approx(1.0)
    kb = P0.kappa_a * r
    J_ep = 0.5 * np.sqrt(P0.Gamma**2 + (P0.kappa_a - kb) ** 2 / 4)  # EP condition at Delta = 0, phi = pi/2
    np.testing.assert_allclose(ep.get_ydata(), nrqb.steady_state(P0.replace(kappa_b=kb, J=J_ep)).E_B, rtol=1e-10)
    np.testing.assert_allclose(nor.get_ydata(), closed_form_steady(P0.replace(kappa_b=kb))[1], rtol=1e-10)
    assert ep.get_ydata()[20] == pytest.approx(nor.get_ydata()[20], rel=1e-12)
    np.testing.assert_allclose(line(fig, "ratio(r)", ax=1).get_ydata(), ep.get_ydata() / nor.get_ydata())


def test_fig4b_ep_exists_only_for_small_detuning_and_boundary_is_marked():
    G = P0.Gamma
    fig = nf.fig4b(Delta_max=1.5 * G, n=61)
    nor, ep = line(fig, "E_nor(Delta)"), line(fig, "E_EP(Delta)")
    d = nor.get_xdata()
    E_ep = ep.get_ydata()
    inside = np.abs(d) < G * (1 - 1e-9)
    outside = np.abs(d) > G * (1 + 1e-9)  # (points exactly at |Delta| = Gamma may go either way by rounding)
    assert np.all(np.isnan(E_ep[outside])) and np.all(np.isfinite(E_ep[inside]))
    J_ep = 0.5 * np.sqrt(G**2 - d[inside] ** 2)  # EP at r = 1, phi = pi/2
    np.testing.assert_allclose(E_ep[inside], nrqb.steady_state(P0.replace(Delta_b=d[inside], J=J_ep)).E_B, rtol=1e-9)
    np.testing.assert_allclose(nor.get_ydata(), nrqb.steady_state(P0.replace(Delta_b=d)).E_B, rtol=1e-12)
    assert E_ep[30] == pytest.approx(nor.get_ydata()[30], rel=1e-12)  # Delta = 0: the curves coincide
    xs = sorted(ln.get_xdata()[0] for ln in fig.axes[0].get_lines() if ln.get_gid() == "EP boundary")
    assert xs == pytest.approx([-G, G], abs=1.01 * 3 * G / 60)  # within one grid spacing


def test_fig4_rejects_phase_without_real_ep():
    with pytest.raises(ValueError, match="no real J"):
        nf.fig4a(nrqb.paper_params(phi=1.0), n=5)


# --------------------------------------------------------------------------- every panel


@pytest.mark.parametrize("name", list(nf.PANELS))
def test_every_panel_is_labelled_white_and_accessible(name):
    kwargs = {"n_r": 7, "n_t": 7} if name in ("fig3a", "fig3b", "fig3e") else {"n": 9}
    fig = nf.PANELS[name](**kwargs)
    assert to_hex(fig.get_facecolor()) == "#ffffff"
    data_axes = [ax for ax in fig.axes if ax.get_label() != "<colorbar>"]
    for ax in data_axes:
        assert ax.get_ylabel().strip()
        assert to_hex(ax.get_facecolor()) == "#ffffff"
    assert data_axes[-1].get_xlabel().strip()
    for label in (lab for ax in fig.axes for lab in (ax.get_xlabel(), ax.get_ylabel())):
        if any(word in label for word in ("energy", "power", "detuning", "E_B(")):
            assert "units of" in label, label
        if "time" in label:
            assert "dimensionless" in label, label
    okabe = set(nf.OKABE_ITO.values())
    for ax in data_axes:
        for ln in ax.get_lines():
            if not str(ln.get_gid()).startswith(("r=", "EP boundary")) and ln.get_gid() is not None:
                assert to_hex(ln.get_color()).upper() in okabe, (name, ln.get_gid())
    for m in (c for ax in fig.axes for c in ax.collections if isinstance(c, QuadMesh)):
        assert m.get_cmap().name in nf.SEQUENTIAL_CMAPS
    assert len(nf.alt_text(fig)) > 80


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: nf.fig2a(nrqb.paper_params(kappa_b=[0.001, 0.002])), "scalar fields"),
        (lambda: nf.fig2a(nrqb.paper_params(J=0.0)), "p.J"),
        (lambda: nf.fig2a(n=1), "n "),
        (lambda: nf.fig2a(Jt_max=-1), "Jt_max"),
        (lambda: nf.fig3c(r_range=(1.0, 0.1)), "r_range"),
        (lambda: nf.fig2a(deltas=()), "deltas"),
    ],
)
def test_bad_input_raises_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


# --------------------------------------------------------------------------- files and CLI

MAGIC = {"png": b"\x89PNG", "svg": b"<?xml", "pdf": b"%PDF"}


@pytest.mark.parametrize("fmt", nf.FORMATS)
def test_write_all_writes_every_panel(tmp_path, fmt):
    out = tmp_path / "deep" / "figs"
    paths = nf.write_all(out, fmt=fmt, n=7, dpi=40)
    assert [p.name for p in paths] == [f"{k}.{fmt}" for k in nf.PANELS]
    for path in paths:
        assert path.read_bytes().startswith(MAGIC[fmt])
    if fmt == "svg":  # the alt text travels with the file
        text = (out / "fig2a.svg").read_text()
        assert "Battery energy E_B" in text and "<dc:description>" in text


def test_to_png_carries_the_alt_text():
    fig = nf.fig3c(n=9)
    data = nf.to_png(fig, dpi=30)
    assert data.startswith(MAGIC["png"]) and nf.alt_text(fig)[:40].encode() in data


def test_write_all_rejects_unknown_format_and_panel_before_writing(tmp_path):
    with pytest.raises(ValueError, match="fmt"):
        nf.write_all(tmp_path / "a", fmt="jpg")
    with pytest.raises(ValueError, match="fig9z"):
        nf.write_all(tmp_path / "b", panels=["fig2a", "fig9z"])
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_cli_single_panel_in_process(tmp_path, capsys):
    assert cli_main(["figures", "--outdir", str(tmp_path), "--format", "pdf", "--panel", "fig3c"]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fig3c.pdf"]
    assert capsys.readouterr().out.strip().endswith("fig3c.pdf")
    assert cli_main(["figures", "--outdir", str(tmp_path), "--panel", "nope"]) == 2


def test_cli_writes_every_file(tmp_path):
    """`python -m nrqb figures` in a fresh interpreter writes one file per panel and prints its path."""
    res = subprocess.run(
        [sys.executable, "-m", "nrqb", "figures", "--outdir", str(tmp_path), "--format", "png"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(f"{k}.png" for k in nf.PANELS)
    assert res.stdout.split() == [str(tmp_path / f"{k}.png") for k in nf.PANELS]


def test_figures_module_leaves_pyplot_alone():
    code = "import sys, nrqb.plots.figures as f; f.fig3c(n=5); sys.exit('matplotlib.pyplot' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], timeout=120).returncode == 0
