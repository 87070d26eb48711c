r"""The scheme of the paper's Fig. 1, drawn with matplotlib (no copied images).

Left panel (:func:`draw_scheme` with ``effective=False``): the three-mode model of paper
Eq. (1): charger ``a`` and battery ``b`` coupled coherently by :math:`J`, both coupled to the
bad cavity ``c`` (:math:`g_a e^{i\phi}`, :math:`g_b`), the local damping rates
:math:`\kappa_a, \kappa_b, \gamma_m` and the drive :math:`\varepsilon` on the charger.

Right panel (``effective=True``): after the bad cavity is eliminated, ``a`` and ``b`` are coupled
directly, with different forward (:math:`a \to b`) and backward (:math:`b \to a`) rates
(paper Eq. 2 / Fig. 1 right).

This is a figure module: it draws and never solves an equation. Every label is a
``matplotlib.text.Text`` whose ``gid`` names what it labels (``"label-a"``, ``"label-J"``,
``"label-forward"`` ...), so tests and readers can find the artists.

Examples
--------
>>> import matplotlib.pyplot as plt
>>> fig = draw_scheme(effective=True)
>>> sorted(t.get_gid() for t in fig.axes[0].texts if t.get_gid()) == sorted(LABELS_EFFECTIVE)
True
>>> LABELS_EFFECTIVE["label-backward"]  # the b -> a coupling that vanishes at J = Gamma/2, phi = pi/2
'$J_- - i\\Gamma e^{-i\\phi}$'
>>> plt.close(fig)
"""

from __future__ import annotations

from typing import Any, Literal

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle, FancyArrowPatch

from .style import ROLES, new_figure

__all__ = ["LABELS_EFFECTIVE", "LABELS_FULL", "draw_scheme", "scheme_figure"]

# The book's colour roles (Okabe--Ito), shared with the figures, the explorers and the chapters.
_BLUE = ROLES["charger"]
_ORANGE = ROLES["battery"]
_GREY = ROLES["reservoir"]
_GREEN = ROLES["coherent"]
_VERMILION = ROLES["dissipation"]
_PURPLE = ROLES["drive"]
_INK = ROLES["ink"]
_RADIUS = 0.55
#: A point (x, y) or a pair of limits, in data units of the schematic's axes.
Point = tuple[float, float]

#: gid -> mathtext of every label of the three-mode panel.
LABELS_FULL: dict[str, str] = {
    "label-a": r"$a$",
    "label-b": r"$b$",
    "label-c": r"$c$",
    "label-J": r"$J$",
    "label-g_a": r"$g_a e^{i\phi}$",
    "label-g_b": r"$g_b$",
    "label-kappa_a": r"$\kappa_a$",
    "label-kappa_b": r"$\kappa_b$",
    "label-gamma_m": r"$\gamma_m$",
    "label-epsilon": r"$\varepsilon,\ \omega_L$",
}

_EFFECTIVE_COUPLINGS: dict[str, tuple[str, str]] = {
    # convention -> (forward a->b, backward b->a)
    "paper": (r"$J_+ - i\Gamma e^{i\phi}$", r"$J_- - i\Gamma e^{-i\phi}$"),
    "book": (r"$J_+ - i(\Gamma/2) e^{i\phi}$", r"$J_- - i(\Gamma/2) e^{-i\phi}$"),
}

#: gid -> mathtext of every label of the effective panel (paper's convention for Gamma).
LABELS_EFFECTIVE: dict[str, str] = {
    "label-a": r"$a$",
    "label-b": r"$b$",
    "label-forward": _EFFECTIVE_COUPLINGS["paper"][0],
    "label-backward": _EFFECTIVE_COUPLINGS["paper"][1],
    "label-kappa_a": r"$\kappa_a$",
    "label-kappa_b": r"$\kappa_b$",
    "label-epsilon": r"$\varepsilon,\ \omega_L$",
}


def _mode(ax: Axes, xy: Point, name: str, colour: str, caption: str, *, side: bool = False) -> None:
    """A cavity mode: a filled circle, its operator name inside and a caption below (or to the right)."""
    ax.add_patch(Circle(xy, _RADIUS, facecolor=colour, edgecolor=_INK, linewidth=1.5, alpha=0.9, zorder=3))
    ax.text(*xy, f"${name}$", ha="center", va="center", fontsize=20, color="white", zorder=4, gid=f"label-{name}")
    if side:
        ax.text(xy[0] + _RADIUS + 0.15, xy[1], caption, ha="left", va="center", fontsize=10, color=_INK, zorder=4)
    else:
        ax.text(xy[0], xy[1] - _RADIUS - 0.22, caption, ha="center", va="top", fontsize=10, color=_INK, zorder=4)


def _arrow(
    ax: Axes, start: Point, end: Point, colour: str, *, both: bool = False, rad: float = 0.0, **kw: Any
) -> FancyArrowPatch:
    style = "<|-|>" if both else "-|>"
    arrow = FancyArrowPatch(
        start,
        end,
        arrowstyle=style,
        mutation_scale=16,
        color=colour,
        linewidth=kw.pop("linewidth", 2.0),
        connectionstyle=f"arc3,rad={rad}",
        shrinkA=0,
        shrinkB=0,
        zorder=2,
        **kw,
    )
    ax.add_patch(arrow)
    return arrow


def _label(ax: Axes, xy: Point, text: str, gid: str, colour: str = _INK, **kw: Any) -> None:
    kw.setdefault("ha", "center")
    kw.setdefault("va", "center")
    kw.setdefault("fontsize", 14)
    ax.text(xy[0], xy[1], text, color=colour, gid=gid, zorder=5, **kw)


def _edge_point(centre: Point, towards: Point, extra: float = 0.0) -> Point:
    """Point on the circle around ``centre`` (radius + extra) in the direction of ``towards``."""
    dx, dy = towards[0] - centre[0], towards[1] - centre[1]
    norm = (dx * dx + dy * dy) ** 0.5
    scale = (_RADIUS + extra) / norm
    return centre[0] + dx * scale, centre[1] + dy * scale


def _damping(
    ax: Axes,
    centre: Point,
    direction: Point,
    text: str,
    gid: str,
    *,
    length: float = 0.75,
    width: float = 2.0,
    beside: bool = False,
) -> None:
    """An outgoing (loss) arrow from a mode with its rate label (beyond its tip, or beside it)."""
    dx, dy = direction
    start = (centre[0] + dx * (_RADIUS + 0.05), centre[1] + dy * (_RADIUS + 0.05))
    end = (start[0] + dx * length, start[1] + dy * length)
    _arrow(ax, start, end, _VERMILION, linewidth=width, linestyle=(0, (3, 2)))
    if beside:
        where = (0.5 * (start[0] + end[0]) + 0.22, 0.5 * (start[1] + end[1]))
        _label(ax, where, text, gid, _VERMILION, ha="left")
    else:
        _label(ax, (end[0] + dx * 0.28, end[1] + dy * 0.28), text, gid, _VERMILION)


def _drive(ax: Axes, centre: Point) -> None:
    """The coherent drive entering the charger from the left, drawn as a wavy arrow."""
    start = (centre[0] - _RADIUS - 1.25, centre[1])
    end = (centre[0] - _RADIUS - 0.05, centre[1])
    _arrow(ax, start, end, _PURPLE, linewidth=2.2, rad=0.0)
    _label(ax, (start[0] + 0.55, centre[1] + 0.32), LABELS_FULL["label-epsilon"], "label-epsilon", _PURPLE)


def _prepare(ax: Axes | None, xlim: Point, ylim: Point, title: str) -> tuple[Figure, Axes]:
    if ax is None:
        _, ax = new_figure((5.2, 4.2))
        ax.grid(False)
    fig = ax.get_figure(root=True)
    if fig is None:
        raise ValueError("ax must belong to a matplotlib figure")
    ax.set_facecolor("white")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xticks([])
    ax.set_yticks([])
    for spine in ax.spines.values():
        spine.set_visible(False)
    ax.set_title(title, fontsize=12, color=_INK)
    return fig, ax


def _draw_full(ax: Axes) -> None:
    a, b, c = (0.0, 0.0), (3.2, 0.0), (1.6, 2.3)
    _mode(ax, a, "a", _BLUE, "charger")
    _mode(ax, b, "b", _ORANGE, "battery")
    _mode(ax, c, "c", _GREY, "bad cavity", side=True)
    # coherent coupling J (a <-> b)
    _arrow(ax, _edge_point(a, b, 0.08), _edge_point(b, a, 0.08), _GREEN, both=True)
    _label(ax, (1.6, 0.28), LABELS_FULL["label-J"], "label-J", _GREEN)
    # couplings to the bad cavity
    _arrow(ax, _edge_point(a, c, 0.08), _edge_point(c, a, 0.08), _GREY, both=True)
    _label(ax, (0.35, 1.45), LABELS_FULL["label-g_a"], "label-g_a", _INK, ha="right")
    _arrow(ax, _edge_point(b, c, 0.08), _edge_point(c, b, 0.08), _GREY, both=True)
    _label(ax, (2.9, 1.45), LABELS_FULL["label-g_b"], "label-g_b", _INK, ha="left")
    # losses: strong for the bad cavity, weak for a and b
    _damping(ax, c, (0.0, 1.0), LABELS_FULL["label-gamma_m"], "label-gamma_m", length=0.7, width=3.5, beside=True)
    _damping(ax, a, (-0.6, -0.8), LABELS_FULL["label-kappa_a"], "label-kappa_a", length=0.55, width=1.2)
    _damping(ax, b, (0.6, -0.8), LABELS_FULL["label-kappa_b"], "label-kappa_b", length=0.55, width=1.2)
    _drive(ax, a)


def _draw_effective(ax: Axes, convention: str) -> None:
    a, b = (0.0, 0.0), (3.2, 0.0)
    forward, backward = _EFFECTIVE_COUPLINGS[convention]
    _mode(ax, a, "a", _BLUE, "charger")
    _mode(ax, b, "b", _ORANGE, "battery")
    # forward a -> b (upper arc, solid) and backward b -> a (lower arc, dashed: suppressed at nonreciprocity)
    _arrow(ax, _edge_point(a, (1.0, 1.0), 0.05), _edge_point(b, (2.2, 1.0), 0.05), _GREEN, rad=-0.45)
    _label(ax, (1.6, 1.25), forward, "label-forward", _GREEN)
    _arrow(
        ax,
        _edge_point(b, (2.2, -1.0), 0.05),
        _edge_point(a, (1.0, -1.0), 0.05),
        _VERMILION,
        rad=-0.45,
        linestyle=(0, (4, 3)),
    )
    _label(ax, (1.6, -1.3), backward, "label-backward", _VERMILION)
    _damping(ax, a, (-0.6, -0.8), LABELS_FULL["label-kappa_a"], "label-kappa_a", length=0.55, width=1.2)
    _damping(ax, b, (0.6, -0.8), LABELS_FULL["label-kappa_b"], "label-kappa_b", length=0.55, width=1.2)
    _drive(ax, a)


def draw_scheme(
    ax: Axes | None = None, *, effective: bool = False, convention: Literal["paper", "book"] = "paper"
) -> Figure:
    r"""Draw one panel of the paper's Fig. 1.

    Parameters
    ----------
    ax : matplotlib Axes, optional
        Where to draw; a new figure (white background) is created when omitted.
    effective : bool, default False
        ``False``: the three-mode model of paper Eq. (1) (modes a, b, c; couplings :math:`J`,
        :math:`g_a e^{i\phi}`, :math:`g_b`; damping :math:`\kappa_a, \kappa_b, \gamma_m`; drive
        :math:`\varepsilon` at frequency :math:`\omega_L`). ``True``: the effective two-mode model
        after eliminating ``c``, with forward coupling :math:`J_+ - i\Gamma e^{i\phi}` (a to b) and
        backward coupling :math:`J_- - i\Gamma e^{-i\phi}` (b to a), paper Fig. 1 (right).
    convention : {"paper", "book"}, default "paper"
        Only for ``effective=True``. ``"paper"`` prints the labels of the paper's Fig. 1, where
        :math:`\Gamma` is the Sec. 2 rate :math:`g^2\gamma/(\Delta_c^2+\gamma^2)`; ``"book"``
        prints :math:`\Gamma/2` in place of :math:`\Gamma`, the form that goes with this book's
        Lindblad rate :math:`\Gamma` (paper Eq. 5), for which the backward coupling vanishes at
        :math:`J = \Gamma/2`, :math:`\phi = \pi/2`.

    Returns
    -------
    matplotlib.figure.Figure
        The figure that holds ``ax``.

    Raises
    ------
    ValueError
        If ``convention`` is not ``"paper"`` or ``"book"``.

    Notes
    -----
    Every label is a text artist whose ``gid`` is a key of :data:`LABELS_FULL` or
    :data:`LABELS_EFFECTIVE` (e.g. ``"label-J"``). The axes background is white, so the
    drawing reads the same in light and dark page themes.
    """
    if convention not in _EFFECTIVE_COUPLINGS:
        raise ValueError(f"convention must be 'paper' or 'book'; got {convention!r}")
    if effective:
        fig, ax = _prepare(ax, (-2.3, 4.5), (-2.2, 1.9), "effective model (c eliminated)")
        _draw_effective(ax, convention)
    else:
        fig, ax = _prepare(ax, (-2.3, 4.5), (-1.8, 3.8), "three-mode model, Eq. (1)")
        _draw_full(ax)
    return fig


def scheme_figure(*, convention: Literal["paper", "book"] = "paper", figsize: Point = (10.0, 4.4)) -> Figure:
    """Both panels of the paper's Fig. 1 side by side (three-mode model left, effective model right).

    Parameters
    ----------
    convention : {"paper", "book"}
        Labels of the effective panel; see :func:`draw_scheme`.
    figsize : tuple of float
        Figure size in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, (left, right) = new_figure(figsize, 1, 2)
    left.grid(False)
    right.grid(False)
    draw_scheme(left)
    draw_scheme(right, effective=True, convention=convention)
    return fig
