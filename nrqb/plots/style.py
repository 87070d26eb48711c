r"""The one plotting style of the book: colours, line styles, figure factory and the glue helpers for chapters.

Used by :mod:`nrqb.plots.figures`, :mod:`nrqb.plots.schematic`, the widgets' static fallbacks and every chapter;
no chapter defines a palette or changes matplotlib's global ``rcParams``.

* Lines: the Okabe--Ito palette (Okabe & Ito 2008), distinguishable under the common colour-vision deficiencies,
  always paired with distinct line styles (:func:`line_style`), so a figure reads in greyscale too.
* Maps: perceptually uniform, colour-blind-safe ``viridis`` and ``cividis`` (:data:`SEQUENTIAL_CMAPS`).
* Figures have an opaque white face (:func:`new_figure`), so they stay legible in the book's dark mode.
* :func:`new_figure` uses matplotlib's object API with an Agg canvas: no pyplot, no backend selection, no global
  state; a chapter shows a figure with :func:`show` (a PNG with alt text in its metadata) or glues it with
  :func:`glue_figure`.

Examples
--------
>>> from nrqb.plots import style
>>> fig, ax = style.new_figure()
>>> _ = ax.plot([0, 1], [0, 1], **style.line_style(0))
>>> style.line_style(1)["color"] == style.OKABE_ITO["vermillion"]
True
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = [
    "CYCLE",
    "LINESTYLES",
    "OKABE_ITO",
    "ROLES",
    "SEQUENTIAL_CMAPS",
    "alt_text",
    "glue_figure",
    "glue_paper",
    "glue_paper_quotes",
    "latex_terms",
    "line_style",
    "markdown_table",
    "new_figure",
    "parameter_table",
    "set_alt_text",
    "show",
    "show_equation",
    "table",
    "to_png",
]

#: Okabe--Ito colours, by name.
OKABE_ITO: dict[str, str] = {
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "green": "#009E73",
    "orange": "#E69F00",
    "purple": "#CC79A7",
    "sky": "#56B4E9",
    "yellow": "#F0E442",
    "black": "#000000",
}

#: The order in which lines take colours (yellow is left out: too pale on white).
CYCLE: tuple[str, ...] = ("blue", "vermillion", "green", "orange", "purple", "sky", "black")

#: Line styles paired with :data:`CYCLE`, so curves differ in more than colour.
LINESTYLES: tuple[Any, ...] = ("-", ":", "-.", "--", (0, (5, 1, 1, 1, 1, 1)), (0, (1, 1)), (0, (8, 2)))

#: Colours with a fixed meaning across the book (the schematic, the explorers and the chapters agree on them).
ROLES: dict[str, str] = {
    "charger": OKABE_ITO["blue"],
    "battery": OKABE_ITO["orange"],
    "reservoir": "#555555",
    "coherent": OKABE_ITO["green"],
    "dissipation": OKABE_ITO["vermillion"],
    "drive": OKABE_ITO["purple"],
    "nonreciprocal": OKABE_ITO["blue"],
    "exceptional": OKABE_ITO["vermillion"],
    "ink": "#111111",
    "grid": "0.88",
    "muted": "0.45",
}

#: Colour maps for the map panels: perceptually uniform and colour-blind safe.
SEQUENTIAL_CMAPS: frozenset[str] = frozenset({"viridis", "cividis"})


def line_style(i: int, *, linewidth: float = 1.8) -> dict[str, Any]:
    """Keyword arguments for the ``i``-th line of a figure: colour, line style and width (cycling)."""
    return {
        "color": OKABE_ITO[CYCLE[i % len(CYCLE)]],
        "linestyle": LINESTYLES[i % len(LINESTYLES)],
        "linewidth": linewidth,
    }


def new_figure(
    figsize: tuple[float, float] = (5.2, 3.6),
    nrows: int = 1,
    ncols: int = 1,
    *,
    sharex: bool | Literal["none", "all", "row", "col"] = False,
    sharey: bool | Literal["none", "all", "row", "col"] = False,
    **gridspec: Any,
) -> tuple[Figure, Any]:
    """A white, constrained-layout figure with an Agg canvas (no pyplot) and its axes (an array if more than one).

    Parameters
    ----------
    figsize : (float, float)
        Width and height in inches.
    nrows, ncols : int
        Grid of axes.
    sharex, sharey : bool or str
        As for :meth:`matplotlib.figure.Figure.subplots`.
    **gridspec
        Passed as ``gridspec_kw`` (e.g. ``height_ratios``).
    """
    fig = Figure(figsize=figsize, facecolor="white", layout="constrained")
    FigureCanvasAgg(fig)
    axes = fig.subplots(nrows, ncols, sharex=sharex, sharey=sharey, squeeze=True, gridspec_kw=gridspec or None)
    for ax in np.atleast_1d(axes).ravel():
        ax.set_facecolor("white")
        ax.grid(True, color=ROLES["grid"], linewidth=0.6)
    return fig, axes


def set_alt_text(fig: Figure, alt: str, title: str = "") -> Figure:
    """Attach a descriptive alternative text (and a title for file metadata) to ``fig``; returns ``fig``."""
    fig._nrqb_alt = alt  # type: ignore[attr-defined]
    fig._nrqb_title = title  # type: ignore[attr-defined]
    return fig


def alt_text(fig: Figure) -> str:
    """The alternative text attached to ``fig`` ("" if none)."""
    return str(getattr(fig, "_nrqb_alt", ""))


def _metadata(fmt: str, fig: Figure) -> dict[str, Any]:
    title = str(getattr(fig, "_nrqb_title", ""))
    if fmt == "pdf":
        return {"Title": title, "Subject": alt_text(fig), "Creator": "nrqb", "CreationDate": None, "ModDate": None}
    if fmt == "svg":
        return {"Title": title, "Description": alt_text(fig), "Creator": "nrqb", "Date": None}
    return {"Title": title, "Description": alt_text(fig), "Software": "nrqb"}


def to_png(fig: Figure, dpi: int = 130) -> bytes:
    """``fig`` as PNG bytes with its alternative text in the metadata (independent of the matplotlib backend)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, facecolor="white", metadata=_metadata("png", fig))
    return buf.getvalue()


def glue_figure(name: str, fig: Figure, *, alt: str | None = None, dpi: int = 130) -> None:
    """Glue ``fig`` as a PNG under ``name`` and its alt text (Markdown) under ``name + "_alt"`` (myst-nb).

    A chapter then shows it with a ``{glue:figure}`` directive whose caption can include ``{glue:md}`name_alt```.
    """
    from IPython.display import Image, Markdown
    from myst_nb import glue

    if alt is not None:
        set_alt_text(fig, alt, str(getattr(fig, "_nrqb_title", "")))
    glue(name, Image(to_png(fig, dpi=dpi)), display=False)
    glue(name + "_alt", Markdown(alt_text(fig)), display=False)


def show(fig: Figure, dpi: int = 130) -> Any:
    """``fig`` as an IPython PNG image, for a chapter cell to display (no pyplot needed).

    The cell's ``mystnb: image: alt:`` metadata gives the image its alternative text in the book.
    """
    from IPython.display import Image

    return Image(to_png(fig, dpi=dpi))


def glue_paper(name: str, key: str) -> None:
    r"""Glue the number the paper prints under ``key`` (:mod:`nrqb.paper`), exactly as printed, under ``name``.

    A chapter shows it with ``{glue:md}`name``` ("the paper reports ..."), so that no chapter types a paper number.
    A percentage is glued as its printed digits (a printed "40 %" as ``40``): the prose writes the unit.
    """
    from IPython.display import Markdown
    from myst_nb import glue

    from .. import paper

    glue(name, Markdown(paper.quote(key).printed_digits), display=False)


def glue_paper_quotes(prefix: str = "paper.") -> None:
    r"""Glue every number the paper prints, as :func:`glue_paper` does, under ``prefix + key``.

    For chapters that quote many of them: ``{glue:md}`paper.fig2a.E_B_inf.Delta=0``` shows the printed digits.
    """
    from .. import paper

    for key in paper.QUOTES:
        glue_paper(prefix + key, key)


def _visible_length(tex: str) -> int:
    """Rough width of LaTeX in characters as rendered: a command counts as one symbol, markup as nothing."""
    return len(re.sub(r"[{}^_ ]|\\(left|right)", "", re.sub(r"\\[a-zA-Z]+", "x", tex)))


def latex_terms(lhs: str, expr: Any, *, max_chars: int = 48, order: Sequence[Any] | None = None) -> str:
    r"""LaTeX for ``lhs = expr`` with the terms of the sum ``expr`` broken over aligned lines.

    A SymPy sum printed on one line is often wider than a page; this keeps every line to about ``max_chars``
    rendered symbols (a LaTeX command such as ``\\Delta`` counts as one; a longer term gets a line of its own),
    so that it fits the book's column at desktop width.

    Parameters
    ----------
    lhs : str
        LaTeX of the left-hand side.
    expr : sympy expression
        Its terms (``expr.as_ordered_terms()``, or ``order`` if given) are the units that are never split.
    max_chars : int
        Budget of rendered symbols per line (about 48 fit the book's column at display size).
    order : sequence of sympy expressions, optional
        The terms in the order to print them.

    Examples
    --------
    >>> import sympy as sp
    >>> x, y, z = sp.symbols("x y z")
    >>> latex_terms("f", x + y - z, max_chars=4)
    '\\begin{aligned} f &= x + y \\\\ &\\quad - z \\end{aligned}'
    """
    import sympy as sp

    terms = list(order) if order is not None else (expr.as_ordered_terms() if isinstance(expr, sp.Add) else [expr])
    lines: list[str] = []
    current = ""
    for i, term in enumerate(terms):
        tex = sp.latex(term)
        piece = tex if i == 0 else (f"- {tex[1:].lstrip()}" if tex.startswith("-") else f"+ {tex}")
        if current and _visible_length(current) + _visible_length(piece) > max_chars:
            lines.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    lines.append(current)
    body = r" \\ &\quad ".join(lines)
    return rf"\begin{{aligned}} {lhs} &= {body} \end{{aligned}}"


def show_equation(lhs: Any, rhs: Any, *, max_chars: int = 48) -> None:
    r"""Display ``lhs = rhs`` in a notebook as MathJax, a long sum broken over lines (:func:`latex_terms`).

    ``lhs`` is LaTeX (a str) or a SymPy expression; ``rhs`` a SymPy expression. Used by the chapters instead of
    ``display(Math(...))`` so that no SymPy result is wider than the page.
    """
    import sympy as sp
    from IPython.display import Math, display

    left = lhs if isinstance(lhs, str) else sp.latex(lhs)
    right = sp.latex(rhs)
    if isinstance(rhs, sp.Add) and _visible_length(right) > max_chars:
        display(Math(latex_terms(left, rhs, max_chars=max_chars)))
    else:
        display(Math(f"{left} = {right}"))


def markdown_table(
    header: Sequence[str], rows: Sequence[Sequence[Any]], formats: Mapping[int, str] | None = None
) -> str:
    """A Markdown table; column ``j`` of each row is formatted with ``formats[j]`` (e.g. ``"{:.3f}"``) if given."""
    formats = dict(formats or {})

    def cell(j: int, value: Any) -> str:
        return formats[j].format(value) if j in formats else str(value)

    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines += ["| " + " | ".join(cell(j, v) for j, v in enumerate(row)) + " |" for row in rows]
    return "\n".join(lines)


def table(header: Sequence[str], rows: Sequence[Sequence[Any]], formats: Mapping[int, str] | None = None) -> Any:
    """:func:`markdown_table` as an IPython Markdown object: a chapter cell ending in it shows a table."""
    from IPython.display import Markdown

    return Markdown(markdown_table(header, rows, formats))


# How each parameter field is written in the text (the paper's symbols).
SYMBOLS = {
    "Gamma": r"\Gamma",
    "kappa_a": r"\kappa_a",
    "kappa_b": r"\kappa_b",
    "epsilon": r"\varepsilon",
    "phi": r"\phi",
    "J": "J",
    "Delta_a": r"\Delta_a",
    "Delta_b": r"\Delta_b",
    "Delta_c": r"\Delta_c",
    "omega": r"\omega",
    "g_a": "g_a",
    "g_b": "g_b",
    "gamma_m": r"\gamma_m",
    "n_th_a": r"n_{\mathrm{th},a}",
    "n_th_b": r"n_{\mathrm{th},b}",
    "n_th_c": r"n_{\mathrm{th},c}",
}


def parameter_table(p: Any, digits: int = 6) -> Any:
    r"""A parameter set (:class:`nrqb.Params`, :class:`nrqb.ThreeModeParams`) as a table: symbol, value, meaning.

    Instead of the dataclass's one-line repr, which a reader must scroll sideways. Scalars are shown to ``digits``
    significant digits (a phase also as a multiple of :math:`\pi` where it is one); array fields by their shape
    and range. The meanings (with units) are :data:`nrqb.validation.RULES`' descriptions.
    """
    import numpy as np

    from ..validation import RULES

    def value(name: str) -> str:
        v = np.asarray(getattr(p, name))
        if v.ndim:
            size, what = (np.abs(v), "modulus ") if np.iscomplexobj(v) else (v, "")
            return f"array of shape {v.shape}, {what}{size.min():.{digits}g} to {size.max():.{digits}g}"
        x = v.item()
        text = f"{x:.{digits}g}" if not isinstance(x, complex) else f"{x.real:.{digits}g}{x.imag:+.{digits}g}i"
        if name == "phi" and x and (k := round(x / np.pi * 4)) and abs(x - k * np.pi / 4) < 1e-12:
            multiple = {1: r"\pi/4", 2: r"\pi/2", 3: r"3\pi/4", 4: r"\pi"}.get(abs(k), rf"{abs(k)}\pi/4")
            text += f" $= {'-' if k < 0 else ''}{multiple}$"
        return text

    rules = RULES[type(p)._owner]
    meaning = {name: rule.what.replace("units of omega", r"units of $\omega$") for name, rule in rules.items()}
    rows = [(f"${SYMBOLS.get(name, name)}$", value(name), meaning[name]) for name in rules]
    return table([f"`{type(p).__name__}`", "value", "meaning"], rows)
