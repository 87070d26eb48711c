"""nrqb.plots.schematic: the redrawn Fig. 1 has every labelled artist, nothing overlaps, light background."""

from __future__ import annotations

import itertools

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.colors import to_rgba
from matplotlib.patches import Circle

import nrqb
from nrqb.plots.schematic import LABELS_EFFECTIVE, LABELS_FULL, draw_scheme, scheme_figure


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _labels(where) -> dict[str, str]:
    """gid -> text of every labelled text artist in a figure (one panel) or an axes."""
    found: dict[str, str] = {}
    for text in where.findobj(matplotlib.text.Text):
        gid = text.get_gid()
        if gid and gid.startswith("label-"):
            assert gid not in found, f"label {gid} drawn twice"
            found[gid] = text.get_text()
    return found


def test_three_mode_panel_has_every_label_of_eq1():
    fig = draw_scheme()
    assert isinstance(fig, matplotlib.figure.Figure)
    assert _labels(fig) == LABELS_FULL
    # the symbols the paper's Fig. 1 shows, by their mathtext
    texts = " ".join(LABELS_FULL.values())
    for symbol in (r"$a$", r"$b$", r"$c$", r"$J$", r"g_a e^{i\phi}", r"$g_b$", r"\kappa_a", r"\kappa_b", r"\gamma_m"):
        assert symbol in texts
    assert r"\varepsilon" in LABELS_FULL["label-epsilon"]
    # three cavities
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 3


def test_effective_panel_has_forward_and_backward_couplings_only_two_modes():
    fig = draw_scheme(effective=True)
    labels = _labels(fig)
    assert labels == LABELS_EFFECTIVE
    assert labels["label-forward"] == r"$J_+ - i\Gamma e^{i\phi}$"
    assert labels["label-backward"] == r"$J_- - i\Gamma e^{-i\phi}$"
    assert not {"label-c", "label-J", "label-g_a", "label-g_b", "label-gamma_m"} & set(labels)
    assert len([p for p in fig.axes[0].patches if isinstance(p, Circle)]) == 2


def test_book_convention_labels_match_the_drift_matrix():
    """With Gamma/2 the backward label is the b->a entry of M (times i): zero at the paper's point."""
    labels = _labels(draw_scheme(effective=True, convention="book"))
    assert r"(\Gamma/2)" in labels["label-backward"] and r"e^{-i\phi}" in labels["label-backward"]
    assert r"(\Gamma/2)" in labels["label-forward"] and r"e^{i\phi}" in labels["label-forward"]
    # evaluate the book-convention labels at a random point and compare with nrqb.drift (G = 0, J_+- = J)
    p = nrqb.paper_params(J=0.013, phi=0.7, Gamma=0.05)
    M = nrqb.drift.drift_matrix(p)
    backward = p.J - 1j * (p.Gamma / 2) * np.exp(-1j * p.phi)
    forward = p.J - 1j * (p.Gamma / 2) * np.exp(1j * p.phi)
    assert M[0, 1] == pytest.approx(-1j * backward)
    assert M[1, 0] == pytest.approx(-1j * forward)


def test_draws_into_given_axes_and_returns_its_figure():
    fig, (left, right) = plt.subplots(1, 2)
    assert draw_scheme(left) is fig
    assert draw_scheme(right, effective=True) is fig
    assert _labels(left) == LABELS_FULL
    assert _labels(right) == LABELS_EFFECTIVE


def test_both_panels_side_by_side():
    fig = scheme_figure()
    assert len(fig.axes) == 2
    assert _labels(fig.axes[0]) == LABELS_FULL
    assert _labels(fig.axes[1]) == LABELS_EFFECTIVE


@pytest.mark.parametrize("effective", [False, True])
def test_labels_do_not_overlap_and_stay_inside_the_figure(effective):
    fig = draw_scheme(effective=effective)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = {t.get_gid(): t.get_window_extent(renderer) for t in fig.axes[0].texts if t.get_gid()}
    page = fig.bbox
    for gid, box in boxes.items():
        assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1, gid
    for (g1, b1), (g2, b2) in itertools.combinations(boxes.items(), 2):
        assert not b1.overlaps(b2), f"{g1} overlaps {g2}"


def test_light_background_for_dark_mode_pages():
    fig = draw_scheme()
    assert to_rgba(fig.get_facecolor()) == to_rgba("white")
    assert to_rgba(fig.axes[0].get_facecolor()) == to_rgba("white")


def test_bad_convention_raises():
    with pytest.raises(ValueError, match="convention"):
        draw_scheme(effective=True, convention="lindblad")
