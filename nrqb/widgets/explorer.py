r"""Interactive explorers for the results chapters (ipywidgets, imported lazily).

:class:`Explorer` holds the parameter values, one matplotlib figure with four panels
(:math:`E_B`, :math:`E_A`, :math:`\eta`, :math:`P` against time) and a readout
(:math:`E_B(\infty)`, :math:`\eta(\infty)`, the peak power and when it occurs). Its logic is plain
Python, testable without a browser or a kernel:

>>> from nrqb.widgets import Explorer
>>> ex = Explorer()
>>> ex.update(Delta=0.01)
True
>>> round(ex.readout["E_B_inf"], 2)
61.56
>>> ex.update(kappa_b=0.03, Delta=0.01)   # no exceptional point for r != 1 and Delta != 0 ...
True
>>> ex.set_exceptional_point()            # ... so this leaves J alone and explains why
False
>>> "no real J" in ex.message
True

:meth:`Explorer.widget` wraps it in sliders (:math:`\Gamma`, :math:`\kappa_a`, :math:`r`,
:math:`\varepsilon`, :math:`\phi`, :math:`J`, :math:`\Delta`, time window), two buttons
("nonreciprocal J = Γ/2" and "exceptional point"), the figure as a PNG image and the
readout. A slider move recomputes with :func:`nrqb.evolve` / :func:`nrqb.steady_state` on
one time grid (about a millisecond), updates the existing lines' data and redraws the Agg
canvas; no figure is re-created. Every callback is wrapped: an invalid combination shows a
message in the widget and the explorer keeps working (the plot keeps the last valid state).

This module does not import ipywidgets until :meth:`Explorer.widget` is called, and the
physics modules never import it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from ..analysis import charging_summary, nonreciprocal_coupling
from ..dynamics import evolve, steady_state
from ..exceptional import exceptional_coupling
from ..params import Params, paper_params
from ..plots.style import OKABE_ITO

__all__ = ["SLIDERS", "Explorer"]

#: Slider specification: name -> (label, kind, min, max, step); ``log`` sliders use base-10 exponents.
SLIDERS: dict[str, tuple[str, str, float, float, float]] = {
    "Gamma": ("Γ (ω)", "lin", 0.0, 0.2, 0.001),
    "kappa_a": ("κa (ω)", "log", -4.0, -1.0, 0.05),
    "r": ("r = κb/κa", "log", -2.0, 3.0, 0.05),
    "epsilon": ("ε (ω)", "lin", 0.0, 0.5, 0.005),
    "phi": ("φ (rad)", "lin", 0.0, math.pi, math.pi / 48),
    "J": ("J (ω)", "lin", 0.0, 0.2, 0.0005),
    "Delta": ("Δ = Δb−Δa (ω)", "lin", -0.2, 0.2, 0.0005),
    "t_max": ("t window (1/ω)", "lin", 10.0, 2000.0, 10.0),
}

# Values the explorer understands; kappa_b is an alias that sets r = kappa_b / kappa_a.
_NAMES = (*SLIDERS, "kappa_b")

_PANELS = (
    ("E_B", r"$E_B$ (units of $\omega$)", "blue"),
    ("E_A", r"$E_A$ (units of $\omega$)", "vermillion"),
    ("eta", r"$\eta = E_B/(E_A+E_B)$", "green"),
    ("P", r"$P = dE_B/dt$ (units of $\omega^2$)", "purple"),
)


class Explorer:
    r"""Parameters, a four-panel charging plot and a readout that update together.

    Parameters
    ----------
    p : Params, optional
        Starting parameters (scalar fields; default :func:`nrqb.paper_params`). The explorer
        varies :math:`\Gamma, \kappa_a, r = \kappa_b/\kappa_a, \varepsilon, \phi, J` and
        :math:`\Delta = \Delta_b - \Delta_a` (with :math:`\Delta_a` fixed at ``p.Delta_a``); the
        other fields (``omega``, thermal occupations) stay as given.
    t_max : float
        Time window in units of :math:`1/\omega` (default 250, i.e. :math:`Jt = 5` at :math:`J = 0.02`).
    n : int
        Number of time points (default 400).

    Attributes
    ----------
    values : dict
        Current values (keys of :data:`SLIDERS`).
    figure : matplotlib.figure.Figure
        The plot (Agg canvas); its lines are updated in place.
    lines : dict of Line2D
        ``"E_B"``, ``"E_A"``, ``"eta"``, ``"P"``: the time traces. ``steady_lines`` holds the
        dashed :math:`t\to\infty` levels of ``E_B``, ``E_A`` and ``eta``; ``peak_marker`` the peak of P.
    caption : str
        The parameters of the plotted state, in words (shown under the readout).
    readout : dict
        ``E_B_inf``, ``E_A_inf``, ``eta_inf`` (from :func:`nrqb.steady_state`), ``P_peak``,
        ``t_peak`` (units of :math:`1/\omega`) and ``Jt_peak`` (from :func:`nrqb.evolve` on the grid).
    message : str
        Empty when the last action succeeded; otherwise what went wrong and what the plot shows.
    """

    def __init__(self, p: Params | None = None, *, t_max: float = 250.0, n: int = 400) -> None:
        p = paper_params() if p is None else p
        if not isinstance(p, Params) or p.shape != ():
            raise ValueError("p must be an nrqb.Params with scalar fields (one parameter set)")
        if not (isinstance(n, int) and n >= 2):
            raise ValueError(f"n (number of time points) must be an integer >= 2; got {n!r}")
        self._base = p
        self._n = n
        self.values: dict[str, float] = {
            "Gamma": float(p.Gamma),
            "kappa_a": float(p.kappa_a),
            "r": float(p.kappa_b / p.kappa_a) if p.kappa_a > 0 else 1.0,
            "epsilon": float(p.epsilon),
            "phi": float(p.phi),
            "J": float(abs(p.J)),
            "Delta": float(p.Delta),
            "t_max": float(t_max),
        }
        self.message = ""
        self.readout: dict[str, float] = {}
        self.listeners: list[Callable[[Explorer], None]] = []
        self._build_figure()
        if not self.update():
            raise ValueError(f"the starting parameters are invalid: {self.message}")

    # ------------------------------------------------------------------ model

    def params(self, values: dict[str, float] | None = None) -> Params:
        """The :class:`~nrqb.Params` for ``values`` (default: the current values); validated."""
        v = self.values if values is None else values
        return self._base.replace(
            Gamma=v["Gamma"],
            kappa_a=v["kappa_a"],
            kappa_b=v["r"] * v["kappa_a"],
            epsilon=v["epsilon"],
            phi=v["phi"],
            J=v["J"],
            Delta_b=self._base.Delta_a + v["Delta"],
        )

    def times(self) -> np.ndarray:
        r"""The time grid, in units of :math:`1/\omega`."""
        return np.linspace(0.0, self.values["t_max"], self._n)

    # ------------------------------------------------------------------ actions

    def update(self, **changes: float) -> bool:
        """Change some values and recompute; return True on success.

        Keys are those of :data:`SLIDERS` (``kappa_b`` is accepted and converted to ``r``).
        On any error (unknown name, invalid or non-finite value, no steady state) the values
        are kept as requested, the plot and readout keep the last valid state, :attr:`message`
        explains, and False is returned. Never raises.
        """
        try:
            new = dict(self.values)
            unknown = sorted(set(changes) - set(_NAMES))
            if unknown:
                raise ValueError(f"unknown parameter(s) {unknown}; the explorer varies {', '.join(_NAMES)}")
            for name, value in changes.items():
                value = float(value)
                if not math.isfinite(value):
                    raise ValueError(f"{name} must be finite; got {value!r}")
                if name == "kappa_b":
                    if not new["kappa_a"] > 0:
                        raise ValueError("kappa_b can only be set through r = kappa_b/kappa_a when kappa_a > 0")
                    name, value = "r", value / new["kappa_a"]
                new[name] = value
            self.values = new
            if not new["t_max"] > 0:
                raise ValueError(f"the time window t_max must be > 0 (units of 1/omega); got {new['t_max']!r}")
            if not new["r"] >= 0:
                raise ValueError(f"r = kappa_b/kappa_a must be >= 0; got {new['r']!r}")
            self._recompute(self.params(new))
            self.message = ""
            ok = True
        except Exception as exc:  # the widget must never show a traceback
            self.message = f"{_first_line(exc)} — the plot still shows the last valid parameters."
            ok = False
        self._notify()
        return ok

    def set_nonreciprocal(self) -> bool:
        r"""Full nonreciprocity: :math:`\phi = \pi/2` and :math:`J = \Gamma/2` (paper Sec. 2)."""
        p = self._base.replace(Gamma=self.values["Gamma"], phi=math.pi / 2)
        ok = self.update(phi=math.pi / 2, J=float(np.real(nonreciprocal_coupling(p))))
        if ok:
            self.message = "Full nonreciprocity: φ = π/2, J = Γ/2 (the battery cannot push energy back)."
            self._notify()
        return ok

    def set_exceptional_point(self) -> bool:
        r"""Set :math:`J` to :func:`nrqb.exceptional_coupling` for the other current values.

        Where no real exceptional coupling exists (e.g. :math:`\Delta \neq 0` with
        :math:`r \neq 1` at :math:`\phi = \pi/2`), :math:`J` is left unchanged, :attr:`message`
        says why and False is returned.
        """
        try:
            J_ep = float(exceptional_coupling(self.params()))
        except Exception as exc:
            self.message = f"No exceptional point here: {_first_line(exc)} J is unchanged."
            self._notify()
            return False
        ok = self.update(J=J_ep)
        if ok:
            self.message = f"Exceptional point: J = J_EP = {J_ep:.5g} ω (eigenvalues of M coalesce)."
            self._notify()
        return ok

    # ------------------------------------------------------------------ drawing

    def _build_figure(self) -> None:
        # Fixed margins instead of a layout engine: re-running constrained layout on every redraw
        # would double the update time, and the tick labels here have bounded width.
        fig = Figure(figsize=(8.0, 5.2), dpi=80, facecolor="white")
        FigureCanvasAgg(fig)
        axes = fig.subplots(2, 2)  # x limits are set together in _recompute (sharex costs redraw time)
        fig.subplots_adjust(left=0.09, right=0.98, bottom=0.1, top=0.97, wspace=0.28, hspace=0.12)
        self.axes: dict[str, Any] = {}
        self.lines: dict[str, Any] = {}
        self.steady_lines: dict[str, Any] = {}
        for ax, (key, label, colour) in zip(axes.ravel(), _PANELS, strict=True):
            ax.set_facecolor("white")
            ax.grid(True, color="0.88", linewidth=0.6)
            ax.set_ylabel(label)
            ax.xaxis.set_major_locator(MaxNLocator(5))
            ax.yaxis.set_major_locator(MaxNLocator(5))
            (self.lines[key],) = ax.plot([], [], color=OKABE_ITO[colour], linewidth=1.8, gid=key)
            if key != "P":
                self.steady_lines[key] = ax.axhline(
                    np.nan, color=OKABE_ITO[colour], linewidth=0.9, linestyle="--", gid=f"steady:{key}"
                )
            self.axes[key] = ax
        (self.peak_marker,) = self.axes["P"].plot([], [], "o", color=OKABE_ITO["black"], markersize=5, gid="peak:P")
        for ax in axes[0]:
            ax.tick_params(labelbottom=False)
        for ax in axes[1]:
            ax.set_xlabel(r"time $t$ (units of $1/\omega$)")
        self.axes["eta"].set_ylim(0, 1)
        self.figure = fig

    def _recompute(self, p: Params) -> None:
        t = self.times()
        tr = evolve(p, t)
        ss = steady_state(p)
        data = {"E_B": tr.E_B, "E_A": tr.E_A, "eta": tr.eta, "P": tr.P}
        if not all(np.all(np.isfinite(y)) for y in data.values()):
            raise ValueError("the trajectory is not finite for these parameters")
        readout = charging_summary(tr, ss)
        k = int(np.argmax(tr.P))
        J = abs(p.J)
        # all computed: now change the plot
        for key, y in data.items():
            self.lines[key].set_data(t, y)
        for key in ("E_B", "E_A", "eta"):
            self.steady_lines[key].set_ydata([readout[f"{key}_inf"]] * 2)
        self.peak_marker.set_data([t[k]], [tr.P[k]])
        for key, ax in self.axes.items():
            ax.set_xlim(0.0, t[-1])
            if key != "eta":
                ax.relim()
                ax.autoscale_view(scalex=False)
        self.readout = readout
        self.caption = (
            f"Γ = {p.Gamma:.4g}, κa = {p.kappa_a:.4g}, κb = {p.kappa_b:.4g}, ε = {p.epsilon:.4g}, φ = {p.phi:.4g} rad, "
            f"J = {J:.4g}, Δ = {float(p.Delta):.4g} (units of ω)"
        )

    def draw(self) -> None:
        """Render the figure on its Agg canvas."""
        self.figure.canvas.draw()

    def png(self) -> bytes:
        """The current figure as PNG bytes (what the widget shows): one Agg draw, fast PNG encoding."""
        self.draw()
        canvas = self.figure.canvas
        image = PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
        buf = io.BytesIO()
        image.save(buf, format="png", compress_level=1)
        return buf.getvalue()

    def readout_html(self) -> str:
        """The readout (and message, if any) as a small HTML snippet."""
        r = self.readout
        html = (
            f"<b>E<sub>B</sub>(∞)</b> = {r['E_B_inf']:.4g} ω &nbsp; <b>E<sub>A</sub>(∞)</b> = {r['E_A_inf']:.4g} ω "
            f"&nbsp; <b>η(∞)</b> = {r['eta_inf']:.4f} &nbsp; <b>peak P</b> = {r['P_peak']:.4g} ω² at "
            f"t = {r['t_peak']:.4g}/ω (Jt = {r['Jt_peak']:.3f})"
        )
        html += f"<br><small>{_escape(self.caption)}</small>"
        if self.message:
            html += f"<br><span style='color:#D55E00'>{_escape(self.message)}</span>"
        return html

    def _notify(self) -> None:
        for listener in list(self.listeners):
            try:
                listener(self)
            except Exception as exc:  # a broken view must not break the model
                self.message = f"display error: {_first_line(exc)}"

    # ------------------------------------------------------------------ widget

    def widget(self) -> Any:
        """Sliders, buttons, the plot (PNG image) and the readout, wired to this explorer.

        Returns
        -------
        ipywidgets.VBox
            Live in Jupyter or Binder; in the static HTML of the book only the initial state shows.

        Raises
        ------
        ImportError
            If ipywidgets is not installed (``pip install nrqb[widgets]``).
        """
        import ipywidgets as w

        sliders: dict[str, Any] = {}
        style = {"description_width": "120px"}
        for name, (label, kind, lo, hi, step) in SLIDERS.items():
            cls = w.FloatLogSlider if kind == "log" else w.FloatSlider
            kwargs = {"base": 10} if kind == "log" else {"readout_format": ".4g"}
            sliders[name] = cls(
                value=self.values[name], min=lo, max=hi, step=step, description=label, continuous_update=False,
                style=style, layout=w.Layout(width="98%"), **kwargs,
            )  # fmt: skip
        nonrec = w.Button(description="nonreciprocal J = Γ/2", layout=w.Layout(width="200px"))
        ep = w.Button(description="exceptional point", layout=w.Layout(width="200px"))
        image = w.Image(value=self.png(), format="png")
        readout = w.HTML(self.readout_html())
        syncing = {"on": False}

        def refresh(_: Explorer) -> None:
            syncing["on"] = True
            try:
                for name, s in sliders.items():
                    value = self.values[name]
                    if SLIDERS[name][1] == "log":
                        value = max(value, 10**s.min) if value > 0 else 10**s.min
                        if math.log10(value) > s.max:
                            s.max = math.ceil(math.log10(value))
                    elif value > s.max:
                        s.max = value
                    elif value < s.min:
                        s.min = value
                    if s.value != value:
                        s.value = value
            finally:
                syncing["on"] = False
            image.value = self.png()
            readout.value = self.readout_html()

        def on_slider(change: dict) -> None:
            if syncing["on"]:
                return
            try:
                self.update(**{change["owner"]._nrqb_name: change["new"]})
            except Exception as exc:  # update never raises; belt and braces for the UI
                self.message = _first_line(exc)
                readout.value = self.readout_html()

        def safe(action: Callable[[], bool]) -> Callable[[Any], None]:
            def click(_: Any) -> None:
                try:
                    action()
                except Exception as exc:
                    self.message = _first_line(exc)
                    readout.value = self.readout_html()

            return click

        for name, s in sliders.items():
            s._nrqb_name = name
            s.observe(on_slider, names="value")
        nonrec.on_click(safe(self.set_nonreciprocal))
        ep.on_click(safe(self.set_exceptional_point))
        self.listeners.append(refresh)
        names = list(sliders)
        column = w.Layout(width="50%", min_width="300px")
        left = w.VBox([sliders[k] for k in names[:4]], layout=column)
        right = w.VBox([sliders[k] for k in names[4:]], layout=column)
        image.layout = w.Layout(max_width="100%", height="auto")
        return w.VBox(
            [w.HBox([left, right], layout=w.Layout(flex_flow="row wrap")), w.HBox([nonrec, ep]), readout, image]
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
