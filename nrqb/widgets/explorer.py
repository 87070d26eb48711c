r"""Live explorers for the results chapters: anywidgets whose front end computes the physics itself.

:class:`Explorer` is an `anywidget <https://anywidget.dev>`_ with one trait per parameter. Its front end
(``static/explorer.js``, bundled from ``widget.mjs``, ``explorers.mjs``, ``physics.mjs``, ``analysis.mjs`` and uPlot
by ``tools/js/build.mjs``) recomputes the closed form of :mod:`nrqb.linear` in the reader's browser, so the same
widget is live in JupyterLab, in Binder and in the book's static HTML, where no kernel runs: the build stores the
widget's state, front end included, in the page.

Three views, each a figure of its chapter:

* ``"charging"`` (paper Fig. 2): :math:`E_B, E_A, \eta, P` against time (or :math:`Jt`), the steady levels, the power
  peak; sliders :math:`\Gamma, \kappa_a, r, \varepsilon, \phi, J, \Delta` and the time window; buttons
  "nonreciprocal J = Γ/2" and "exceptional point"; readout :math:`E_B(\infty), \eta(\infty)`, peak power and when.
* ``"damping"`` (paper Fig. 3): the :math:`(r, Jt)` map of :math:`E_B`, :math:`\eta` or :math:`P` on 200 x 200
  points beside :math:`E_B(\infty)` and :math:`\eta(\infty)` against :math:`r`; readout at the cursor's :math:`r`.
* ``"ep"`` (paper Fig. 4): :math:`E^{\rm nor}` and :math:`E^{\rm EP}` against :math:`r` (:math:`\Delta = 0`) and
  against :math:`\Delta` (:math:`r = 1`), the region without an exceptional point shaded.

In Python the same rules hold, computed with nrqb itself, so the logic is testable without a browser:

>>> from nrqb.widgets import Explorer
>>> ex = Explorer()
>>> ex.Gamma = 0.05          # moves the slider in the front end, which redraws
>>> ex.update(Delta=0.01, r=10.0)
True
>>> ex.set_exceptional_point()    # none at r != 1 with Delta != 0 (phi = pi/2) ...
False
>>> "J is unchanged" in ex.message   # ... so J stays and the message says why
True
>>> ex.update(Gamma=-0.1)     # invalid: the values are kept, the readout stays at the last valid state
False

An explorer shows exactly the parameters it is given or refuses them with a ``ValueError``: array fields, thermal
baths (the browser computes at zero temperature), a complex :math:`J`, :math:`\kappa_a = 0` (the slider
:math:`r = \kappa_b/\kappa_a` needs :math:`\kappa_a > 0`), or, for the EP view, :math:`\phi \ne \pi/2`. Slider
ranges are fixed when the explorer is made (widened only to contain its starting values); a value outside a
range keeps the thumb at the end while its text and ``aria-valuetext`` show the true value.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import anywidget
import numpy as np
import traitlets

from ..analysis import peak_power
from ..dynamics import evolve, steady_state
from ..exceptional import exceptional_coupling
from ..params import Params, paper_params

__all__ = ["SLIDERS", "VIEWS", "Explorer", "Slider", "slider_specs", "starting_values"]

STATIC = Path(__file__).with_name("static")


@dataclass(frozen=True)
class Slider:
    r"""One slider of an explorer: what it sets, how it is labelled and its range.

    Attributes
    ----------
    name : str
        The trait it sets (a :class:`~nrqb.Params` field name, ``"r"``, ``"Delta"`` for :math:`\Delta_b-\Delta_a`,
        ``"t_max"`` or ``"Jt_max"``); the slider's ``data-param``.
    label : str
        Visible label (HTML).
    description : str
        What the parameter is (the label's tooltip).
    unit : str
        The parameter's unit as shown after its value ("ω", "rad", "1/ω", or "" when dimensionless).
    kind : {"lin", "log"}
        Linear, or logarithmic in base 10 (then ``lo``, ``hi`` and ``step`` are exponents).
    lo, hi, step : float
        Range and step of the thumb.
    """

    name: str
    label: str
    description: str
    unit: str
    kind: str
    lo: float
    hi: float
    step: float

    def containing(self, value: float) -> Slider:
        """This slider with its range widened (outward, to whole steps) to contain ``value``, if it can."""
        if self.kind == "log":
            if not value > 0:
                return self
            x = math.log10(value)
            return replace(self, lo=min(self.lo, math.floor(x)), hi=max(self.hi, math.ceil(x)))
        lo = min(self.lo, math.floor(value / self.step) * self.step)
        hi = max(self.hi, math.ceil(value / self.step) * self.step)
        return replace(self, lo=lo, hi=hi)

    def spec(self) -> dict[str, Any]:
        """The JSON the front end builds the slider from."""
        return {
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "unit": self.unit,
            "kind": self.kind,
            "min": self.lo,
            "max": self.hi,
            "step": self.step,
        }


#: Every slider of the explorers, by trait name (ranges in the parameter's units; log sliders: exponents).
SLIDERS: dict[str, Slider] = {
    s.name: s
    for s in (
        Slider("Gamma", "Γ", "collective (reservoir-mediated) damping rate", "ω", "lin", 0.0, 0.2, 0.001),
        Slider("kappa_a", "κ<sub>a</sub>", "charger's local damping rate (log slider)", "ω", "log", -4.0, -1.0, 0.05),
        Slider("r", "r = κ<sub>b</sub>/κ<sub>a</sub>", "damping ratio (log slider)", "", "log", -2.0, 3.0, 0.05),
        Slider("epsilon", "ε", "drive amplitude on the charger", "ω", "lin", 0.0, 0.5, 0.005),
        Slider("phi", "φ", "phase of the dissipative coupling", "rad", "lin", 0.0, math.pi, math.pi / 48),
        Slider("J", "J", "coherent charger-battery coupling", "ω", "lin", 0.0, 0.2, 0.0005),
        Slider("Delta", "Δ = Δ<sub>b</sub> − Δ<sub>a</sub>", "battery-charger detuning", "ω", "lin", -0.2, 0.2, 0.0005),
        Slider("t_max", "time window", "the plots run from t = 0 to this time", "1/ω", "lin", 10.0, 2000.0, 10.0),
        Slider("Jt_max", "Jt window", "the map runs from Jt = 0 to this scaled time", "", "lin", 1.0, 20.0, 0.5),
    )
}

#: The sliders of each view, in the order shown (the same lists as VIEW_SLIDERS in explorers.mjs).
VIEWS: dict[str, tuple[str, ...]] = {
    "charging": ("Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "t_max"),
    "damping": ("Gamma", "kappa_a", "epsilon", "phi", "J", "Delta", "r", "Jt_max"),
    "ep": ("Gamma", "kappa_a", "epsilon", "r", "Delta"),
}

_FLOATS = ("Gamma", "kappa_a", "r", "epsilon", "phi", "J", "Delta", "t_max", "Jt_max", "Delta_a", "omega")
_CHOICES = {"quantity": ("E_B", "eta", "P"), "time_axis": ("t", "Jt")}
# Axes of the damping and EP views (explorers.mjs: R_AXIS, N_MAP, N_CUT).
_R_AXIS = np.logspace(-2, 3, 200)
_R_CUT = np.logspace(-2, 3, 201)
_LAST_VALID = " — the plot still shows the last valid parameters."


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text.splitlines()[0]


def slider_specs(view: str, values: dict[str, Any]) -> list[dict[str, Any]]:
    """The sliders of ``view`` as the front end gets them, ranges widened to contain the starting ``values``."""
    return [SLIDERS[name].containing(values[name]).spec() for name in VIEWS[view]]


def starting_values(p: Params, view: str) -> dict[str, float]:
    """The traits for ``p``, or a ValueError saying why the explorer cannot show ``p`` exactly."""
    if not isinstance(p, Params) or p.shape != ():
        raise ValueError("p must be an nrqb.Params with scalar fields (one parameter set)")
    if p.is_thermal:
        raise ValueError(
            "the explorers compute at zero temperature in the browser; these parameters have thermal baths "
            f"(n_th_a={p.n_th_a}, n_th_b={p.n_th_b}, n_th_c={p.n_th_c}): use nrqb.evolve for them"
        )
    if isinstance(p.J, complex) and p.J.imag != 0:
        raise ValueError(f"the explorers vary a real coupling J; got the complex J = {p.J!r}")
    if not p.kappa_a > 0:
        raise ValueError(
            f"kappa_a = {p.kappa_a!r}: the explorers' slider r = kappa_b/kappa_a needs kappa_a > 0 "
            "(use nrqb.evolve for kappa_a = 0)"
        )
    if view == "ep" and abs(p.phi - math.pi / 2) > 1e-12:
        raise ValueError(
            f"the EP view is the paper's Fig. 4 at phi = pi/2 (where the nonreciprocal J = Gamma/2 is real); "
            f"got phi = {p.phi!r}"
        )
    return {
        "Gamma": float(p.Gamma),
        "kappa_a": float(p.kappa_a),
        "r": float(p.kappa_b) / float(p.kappa_a),
        "epsilon": float(p.epsilon),
        "phi": float(p.phi),
        "J": float(np.real(p.J)),
        "Delta": float(p.Delta_b) - float(p.Delta_a),
        "Delta_a": float(p.Delta_a),
        "omega": float(p.omega),
    }


class Explorer(anywidget.AnyWidget):
    r"""A live explorer of the charger--battery model (one of three views), in Jupyter and in static HTML.

    Parameters
    ----------
    p : Params, optional
        Starting parameters (scalar fields; default :func:`nrqb.paper_params`). Shown exactly, or refused with a
        ``ValueError`` (see the module notes). The explorer varies :math:`\Gamma, \kappa_a, r = \kappa_b/\kappa_a,
        \varepsilon, \phi, J` and :math:`\Delta = \Delta_b - \Delta_a`; ``Delta_a`` and ``omega`` stay as given.
    view : {"charging", "damping", "ep"}
        Which chapter figure it shows (paper Figs. 2, 3, 4).
    t_max : float
        Time window of the charging view, units of :math:`1/\omega` (default 250: :math:`Jt \le 5` at
        :math:`J = 0.02`).
    Jt_max : float
        End of the damping view's scaled-time axis :math:`Jt` (default 5, as the paper's Fig. 3).
    quantity : {"E_B", "eta", "P"}
        What the damping view's map shows.
    time_axis : {"t", "Jt"}
        The charging view's time axis: :math:`t` in units of :math:`1/\omega`, or :math:`|J|t`.

    Attributes
    ----------
    Gamma, kappa_a, r, epsilon, phi, J, Delta, t_max, Jt_max, quantity, time_axis : traits
        The values the reader or the notebook set (``ex.Gamma = 0.05`` moves the slider). Non-finite numbers are
        refused with a ``TraitError``; out-of-range values are accepted and explained in :attr:`message`.
    message : str
        Empty when the current values are valid; otherwise why not (the front end shows the same rule's message).
    readout : dict
        For the last valid values, computed with nrqb: ``E_B_inf, E_A_inf, eta_inf, P_peak, t_peak, Jt_peak``
        (charging; damping at the cursor's r, with :func:`nrqb.analysis.peak_power` on :math:`Jt \le` ``Jt_max``) or
        ``J_EP_r, E_nor_r, E_EP_r, J_EP_Delta, E_nor_Delta, E_EP_Delta`` (EP view; ``None`` where no EP exists).

    Raises
    ------
    ValueError
        For parameters it cannot show exactly, an unknown view, or starting values that cannot be computed.
    """

    _esm = STATIC / "explorer.js"
    _css = STATIC / "explorer.css"

    view = traitlets.Enum(tuple(VIEWS), default_value="charging").tag(sync=True)
    sliders = traitlets.List(traitlets.Dict()).tag(sync=True)
    Gamma = traitlets.Float(0.04).tag(sync=True)
    kappa_a = traitlets.Float(0.003).tag(sync=True)
    r = traitlets.Float(1.0).tag(sync=True)
    epsilon = traitlets.Float(0.1).tag(sync=True)
    phi = traitlets.Float(math.pi / 2).tag(sync=True)
    J = traitlets.Float(0.02).tag(sync=True)
    Delta = traitlets.Float(0.0).tag(sync=True)
    t_max = traitlets.Float(250.0).tag(sync=True)
    Jt_max = traitlets.Float(5.0).tag(sync=True)
    Delta_a = traitlets.Float(0.0).tag(sync=True)
    omega = traitlets.Float(1.0).tag(sync=True)
    quantity = traitlets.Enum(_CHOICES["quantity"], default_value="E_B").tag(sync=True)
    time_axis = traitlets.Enum(_CHOICES["time_axis"], default_value="t").tag(sync=True)

    def __init__(
        self,
        p: Params | None = None,
        *,
        view: str = "charging",
        t_max: float = 250.0,
        Jt_max: float = 5.0,
        quantity: str = "E_B",
        time_axis: str = "t",
    ) -> None:
        if view not in VIEWS:
            raise ValueError(f"view must be one of {sorted(VIEWS)}; got {view!r}")
        self._ready = False
        self.message = ""
        self._valid: dict[str, Any] | None = None
        self._readout: tuple[tuple, dict] | None = None
        values: dict[str, Any] = starting_values(paper_params() if p is None else p, view)
        values.update(t_max=t_max, Jt_max=Jt_max, quantity=quantity, time_axis=time_axis)
        super().__init__(view=view, sliders=slider_specs(view, values), **values)
        self._ready = True
        if not self._check():
            raise ValueError(f"the starting parameters cannot be shown: {self.message.removesuffix(_LAST_VALID)}")

    # ------------------------------------------------------------------ state

    @traitlets.validate(*_FLOATS)
    def _finite(self, proposal: dict) -> float:
        value = proposal["value"]
        if not math.isfinite(value):
            raise traitlets.TraitError(f"{proposal['trait'].name} must be a finite number; got {value!r}")
        return value

    @traitlets.observe(*_FLOATS, *_CHOICES)
    def _on_change(self, change: dict) -> None:
        if self._ready:
            self._check()

    @property
    def values(self) -> dict[str, Any]:
        """The current values of this view's sliders and choices (what the reader or the notebook set)."""
        names = (
            *VIEWS[self.view],
            "Delta_a",
            "omega",
            *{"charging": ("time_axis",), "damping": ("quantity",)}.get(self.view, ()),
        )
        return {name: getattr(self, name) for name in names}

    @property
    def kappa_b(self) -> float:
        r"""The battery's damping :math:`\kappa_b = r\kappa_a`; setting it sets :math:`r`."""
        return self.r * self.kappa_a

    @kappa_b.setter
    def kappa_b(self, value: float) -> None:
        r"""Set :math:`r = \kappa_b/\kappa_a` (``kappa_a`` stays)."""
        self.r = value / self.kappa_a

    def params(self, values: dict[str, Any] | None = None) -> Params:
        """The :class:`~nrqb.Params` of ``values`` (default: the current ones): kappa_b = r kappa_a, Delta_b = Delta_a + Delta.

        Raises
        ------
        ValueError
            For values that are not valid parameters.
        """
        v = self._all_values() if values is None else values
        return Params(
            Gamma=v["Gamma"],
            kappa_a=v["kappa_a"],
            kappa_b=v["r"] * v["kappa_a"],
            epsilon=v["epsilon"],
            phi=v["phi"],
            J=v["J"],
            Delta_a=v["Delta_a"],
            Delta_b=v["Delta_a"] + v["Delta"],
            omega=v["omega"],
        )

    def _all_values(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in (*_FLOATS, *_CHOICES)}

    def _check(self) -> bool:
        """Validate the current values for this view (the rules of explorers.mjs, with nrqb); set message."""
        values = self._all_values()
        try:
            _VALIDATORS[self.view](self, values)
        except (ValueError, TypeError, ArithmeticError) as exc:
            self.message = _first_line(exc) + _LAST_VALID
            return False
        self._valid = values
        self.message = ""
        return True

    @property
    def valid_values(self) -> dict[str, Any]:
        """The last values that could be computed (what the plot and the readout show)."""
        assert self._valid is not None  # set by __init__, which refuses invalid starting values
        return dict(self._valid)

    @property
    def readout(self) -> dict[str, float | None]:
        """The readout for :attr:`valid_values`, computed with nrqb (cached)."""
        values = self.valid_values
        key = tuple(sorted(values.items()))
        if self._readout is None or self._readout[0] != key:
            self._readout = (key, _READOUTS[self.view](self, values))
        return dict(self._readout[1])

    # ------------------------------------------------------------------ actions

    def update(self, **changes: Any) -> bool:
        """Set some values at once (one message to the front end) and return whether they can be computed.

        Keys are trait names (``kappa_b`` is accepted and sets ``r``). Never raises: an unknown name, a value that
        is not a finite number or not a valid choice leaves every value unchanged; values that are not valid
        parameters are kept as requested, with the plot and :attr:`readout` at the last valid state; either way
        :attr:`message` explains and False is returned.
        """
        try:
            clean = self._clean(changes)
        except (ValueError, TypeError) as exc:
            self.message = _first_line(exc) + _LAST_VALID
            return False
        self._ready = False
        try:
            with self.hold_sync():
                for name, value in clean.items():
                    setattr(self, name, value)
        finally:
            self._ready = True
        return self._check()

    def _clean(self, changes: dict[str, Any]) -> dict[str, Any]:
        known = (*_FLOATS, *_CHOICES, "kappa_b")
        unknown = sorted(set(changes) - set(known))
        if unknown:
            raise ValueError(f"unknown parameter(s) {unknown}; the explorer has {', '.join(known)}")
        clean: dict[str, Any] = {}
        for name, value in changes.items():
            if name in _CHOICES:
                if value not in _CHOICES[name]:
                    raise ValueError(f"{name} must be one of {_CHOICES[name]}; got {value!r}")
                clean[name] = value
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
                raise TypeError(f"{name} must be a real number; got {value!r}")
            number = float(value)
            if not math.isfinite(number):
                raise ValueError(f"{name} must be finite; got {number!r}")
            if name == "kappa_b":
                kappa_a = float(clean.get("kappa_a", self.kappa_a))
                if not kappa_a > 0:
                    raise ValueError("kappa_b can only be set through r = kappa_b/kappa_a when kappa_a > 0")
                name, number = "r", number / kappa_a
            clean[name] = number
        return clean

    def set_nonreciprocal(self) -> bool:
        r"""Full nonreciprocity: :math:`\phi = \pi/2` and :math:`J = \Gamma/2` (paper Sec. 2). Never raises."""
        if not self.Gamma >= 0:
            self.message = f"Full nonreciprocity needs a valid Gamma >= 0; got {self.Gamma!r}. J and phi are unchanged."
            return False
        ok = self.update(phi=math.pi / 2, J=0.5 * self.Gamma)
        if ok:
            self.message = "Full nonreciprocity: φ = π/2, J = Γ/2 (the battery cannot push energy back)."
        return ok

    def set_exceptional_point(self) -> bool:
        r"""Set :math:`J` to :func:`nrqb.exceptional_coupling` for the other current values. Never raises.

        Where no real exceptional coupling exists (e.g. :math:`\Delta \ne 0` with :math:`r \ne 1` at
        :math:`\phi = \pi/2`) or the values are invalid, :math:`J` is left unchanged, :attr:`message` says why and
        False is returned.
        """
        try:
            J_ep = float(exceptional_coupling(self.params({**self._all_values(), "J": 0.0}), missing="nan"))
        except (ValueError, TypeError) as exc:
            self.message = f"No exceptional point: {_first_line(exc)} J is unchanged."
            return False
        if math.isnan(J_ep) and self.Gamma == 0 and self.r == 1 and self.Delta == 0:
            self.message = (
                "No exceptional point here: with Γ = 0, Δ = 0 and κa = κb the only root, J = 0, leaves the drift "
                "matrix a multiple of the identity (its eigenvalues coincide, but it is not defective). J is unchanged."
            )
            return False
        if math.isnan(J_ep):
            self.message = (
                "No exceptional point here: no real J ≥ 0 makes the drift matrix defective for these parameters "
                "(at φ = π/2 an EP needs Δ = 0, or r = 1 with |Δ| ≤ Γ). J is unchanged."
            )
            return False
        ok = self.update(J=J_ep)
        if ok:
            self.message = f"Exceptional point: J = J_EP = {J_ep:.5g} ω (the eigenvalues of M coalesce)."
        return ok


# ---------------------------------------------------------------------- the views' rules, with nrqb


def _require_positive(values: dict[str, Any], name: str, what: str) -> None:
    if not values[name] > 0:
        raise ValueError(f"{name} ({what}) must be > 0; got {values[name]!r}")


def _validate_charging(ex: Explorer, v: dict[str, Any]) -> None:
    _require_positive(v, "t_max", "time window, units of 1/omega")
    p = ex.params(v)
    evolve(p, [0.0, v["t_max"]])
    steady_state(p)


def _axis_params(ex: Explorer, v: dict[str, Any], r: np.ndarray) -> Params:
    return ex.params(v).replace(kappa_b=r * v["kappa_a"])


def _validate_damping(ex: Explorer, v: dict[str, Any]) -> None:
    _require_positive(v, "Jt_max", "end of the scaled time axis Jt")
    _require_positive(v, "r", "damping ratio kappa_b/kappa_a of the cursor")
    if v["J"] == 0:
        raise ValueError("J = 0: the map's time axis is Jt, which needs a coupling J != 0")
    grid = _axis_params(ex, v, _R_AXIS)
    evolve(grid, [0.0])
    steady_state(grid)
    steady_state(ex.params(v))


def _ep_base(ex: Explorer, v: dict[str, Any]) -> Params:
    return ex.params({**v, "phi": math.pi / 2, "J": 0.0})


def _ep_energies(base: Params) -> tuple[Any, Any, Any]:
    """E^nor, E^EP (NaN where no EP exists) and J_EP (NaN likewise) for every entry of ``base``."""
    E_nor = steady_state(base.replace(J=0.5 * base.Gamma)).E_B
    J_ep = np.asarray(exceptional_coupling(base, missing="nan"))
    exists = np.isfinite(J_ep)
    E_ep = np.where(exists, steady_state(base.replace(J=np.where(exists, J_ep, 0.0))).E_B, np.nan)
    return E_nor, E_ep, J_ep


def _validate_ep(ex: Explorer, v: dict[str, Any]) -> None:
    _require_positive(v, "r", "damping ratio kappa_b/kappa_a of the cursor")
    # Both cuts and both cursors in one broadcast call: r at Delta = 0, then Delta at r = 1.
    half = max(1.25 * v["Gamma"], 1.1 * abs(v["Delta"]), 1e-3)
    n = _R_CUT.size
    kappa_b = np.concatenate([_R_CUT, np.ones(n), [v["r"], 1.0]]) * v["kappa_a"]
    Delta = np.concatenate([np.zeros(n), np.linspace(-half, half, n), [0.0, v["Delta"]]])
    _ep_energies(_ep_base(ex, v).replace(kappa_b=kappa_b, Delta_b=v["Delta_a"] + Delta))


def _peak_readout(p: Params, t_max: float) -> dict[str, float | None]:
    ss = steady_state(p)
    peak = peak_power(p, t_max=t_max)
    J = abs(float(np.real(p.J)))
    return {
        "E_B_inf": float(ss.E_B),
        "E_A_inf": float(ss.E_A),
        "eta_inf": float(ss.eta),
        "P_peak": float(peak.P),
        "t_peak": float(peak.t),
        "Jt_peak": J * float(peak.t) if J > 0 else None,
    }


def _readout_charging(ex: Explorer, v: dict[str, Any]) -> dict[str, float | None]:
    return _peak_readout(ex.params(v), v["t_max"])


def _readout_damping(ex: Explorer, v: dict[str, Any]) -> dict[str, float | None]:
    return _peak_readout(ex.params(v), v["Jt_max"] / abs(v["J"]))


def _readout_ep(ex: Explorer, v: dict[str, Any]) -> dict[str, float | None]:
    base = _ep_base(ex, v)
    out: dict[str, float | None] = {}
    for suffix, p in (("r", base.replace(Delta_b=v["Delta_a"])), ("Delta", base.replace(kappa_b=v["kappa_a"]))):
        E_nor, E_ep, J_ep = (float(x) for x in _ep_energies(p))
        out[f"J_EP_{suffix}"] = None if math.isnan(J_ep) else J_ep
        out[f"E_nor_{suffix}"] = E_nor
        out[f"E_EP_{suffix}"] = None if math.isnan(E_ep) else E_ep
    return out


_VALIDATORS = {"charging": _validate_charging, "damping": _validate_damping, "ep": _validate_ep}
_READOUTS = {"charging": _readout_charging, "damping": _readout_damping, "ep": _readout_ep}
