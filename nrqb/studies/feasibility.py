r"""Experimental feasibility: the paper's Sec. 5 circuit-QED device in physical units.

Units
-----
A :class:`Device` is specified the way experiments quote it: every frequency, rate and coupling
as :math:`\nu = \omega/2\pi` in MHz (``kappa_a = 0.08`` means :math:`\kappa_a/2\pi = 0.08` MHz).
For the numerics the reference frequency is :data:`OMEGA_REF` :math:`= 10^6\ \mathrm{rad\,s^{-1}}`, so

* a rate :math:`\nu` [MHz] enters :class:`nrqb.Params` / :class:`nrqb.ThreeModeParams` as
  :math:`2\pi\nu` (rad/µs), see :func:`to_code_rate`;
* code times are **microseconds** (:math:`t\,\omega_{ref} = t/\mathrm{µs}`);
* the ``omega`` field is the cavity frequency :math:`2\pi f_{cav}` in rad/µs (default
  :math:`f_{cav} = 5` GHz), so the code energies :math:`E = \omega\langle n\rangle` are in units of
  :math:`\hbar\omega_{ref}` and ``E / omega`` is the photon number; :math:`E = \hbar\omega_{cav} n` keeps its
  meaning. Powers are reported in photons/µs and in attowatts (:math:`\hbar\omega_{cav}\cdot` photons/s).

The drive :math:`\varepsilon` is not given in the paper; energies and powers scale as
:math:`\varepsilon^2`, ratios (:math:`E_B/E_A`, :math:`\eta`) and times do not.

The paper's Sec. 5 numbers (:math:`\kappa_a/2\pi`, :math:`\kappa_b/2\pi`, :math:`\gamma_m/2\pi`, :math:`g/2\pi`
and :math:`J/2\pi` in MHz, read from :data:`nrqb.paper.SEC5_MHZ`) are the defaults. With the
Lindblad rate :math:`\Gamma = 4g^2/\gamma_m` that the three-mode model confirms
(:func:`nrqb.gamma_conventions`), :math:`\Gamma/2\pi = 0.087` MHz, so the nonreciprocal coupling is
:math:`J = \Gamma/2 = 2\pi \times 0.044` MHz, not the paper's :math:`2\pi \times 0.01` MHz (which is
:math:`\Gamma/2` only for the paper's :math:`\Gamma = g^2/\gamma_m`).

Examples
--------
The three conventions for :math:`\Gamma` at the paper's device differ by the factors 2 and 4:

>>> d = paper_device()
>>> rates = gamma_values(d)
>>> round(rates["lindblad"] / rates["paper_sec2"], 12), round(rates["lindblad"] / rates["paper_sec5"], 12)
(2.0, 4.0)

The effective model and the three-mode model agree on the steady state (where :math:`\dot c = 0` holds
exactly), and the bad cavity is fast enough for the elimination:

>>> full, effective = performance(d), performance(d, "effective")
>>> bool(abs(effective.eta - full.eta) < 1e-9 * full.eta)
True
>>> max(adiabatic_ratios(d).values()) < 0.2
True
"""

from __future__ import annotations

import dataclasses
import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.optimize import OptimizeResult, brentq, minimize, minimize_scalar

from ..analysis import peak_power
from ..dynamics import SteadyState, evolve, steady_state
from ..paper import SEC5_MHZ
from ..params import Params, paper_params
from ..three_mode import (
    AdiabaticityWarning,
    ThreeModeParams,
    ThreeModeTrajectory,
    eliminate,
    evolve_three_mode,
    gamma_conventions,
    steady_state_three_mode,
)
from ..validation import RULES, require_scalar, validate_field

__all__ = [
    "H_PLANCK",
    "OMEGA_REF",
    "DesignResult",
    "Device",
    "Performance",
    "adiabatic_ratios",
    "charging_time",
    "design_objective",
    "device_from_three_mode",
    "gamma_values",
    "headline",
    "minimum_gamma_m",
    "optimise_design",
    "paper_device",
    "performance",
    "required_g",
    "to_code_rate",
    "to_effective",
    "to_mhz",
    "to_three_mode",
]

#: Reference angular frequency (rad/s): code rates are in rad/µs and code times in µs.
OMEGA_REF: float = 1e6
#: Planck constant (J s), for energies and powers in SI units.
H_PLANCK: float = 6.62607015e-34

_TWO_PI = 2 * math.pi


@dataclass(frozen=True)
class Device:
    r"""A three-mode charger--battery--reservoir device in laboratory units (all :math:`\nu = \omega/2\pi` in MHz).

    Parameters
    ----------
    kappa_a, kappa_b : float, default: the paper's Sec. 5 values (``nrqb.paper`` keys ``sec5.kappa_a``, ``sec5.kappa_b``)
        Local damping of charger and battery, :math:`\kappa/2\pi` (paper Sec. 5, ref. [41]).
    gamma_m : float, default: the paper's ``sec5.gamma_m``
        Energy decay of the shared (bad) cavity, :math:`\gamma_m/2\pi`.
    g : float, default: the paper's ``sec5.g``
        Coupling of charger and battery to the shared cavity, :math:`g_a/2\pi = g_b/2\pi`.
    J : float, default: the paper's ``sec5.J``
        Direct coherent charger--battery coupling :math:`J/2\pi`.
    phi : float, default :math:`\pi/2`
        Phase of the charger--reservoir coupling (radians).
    epsilon : float, default 0.1
        Drive amplitude :math:`\varepsilon/2\pi` on the charger (not in the paper; energies scale as
        :math:`\varepsilon^2`).
    Delta, Delta_c : float, default 0
        Battery detuning :math:`\Delta/2\pi` (the charger is driven on resonance) and bad-cavity detuning.
    f_cavity : float, default 5000
        Charger and battery frequency :math:`\omega/2\pi` (5 GHz), which converts photon numbers to energy.

    Raises
    ------
    ValueError
        For a non-finite value, an array, a negative rate or coupling, or a non-positive ``gamma_m`` or
        ``f_cavity``; the message names the field (the rules are :data:`nrqb.validation.RULES` ``["Device"]``).
    TypeError
        For a ``bool``.
    """

    kappa_a: float = SEC5_MHZ["kappa_a"]
    kappa_b: float = SEC5_MHZ["kappa_b"]
    gamma_m: float = SEC5_MHZ["gamma_m"]
    g: float = SEC5_MHZ["g"]
    J: float = SEC5_MHZ["J"]
    phi: float = math.pi / 2
    epsilon: float = 0.1
    Delta: float = 0.0
    Delta_c: float = 0.0
    f_cavity: float = 5000.0

    def __post_init__(self) -> None:
        # The same validator and rule table as nrqb.Params (nrqb.validation.RULES["Device"]); fields are scalars.
        for name in RULES["Device"]:
            object.__setattr__(self, name, validate_field("Device", name, getattr(self, name), scalar=True))

    def replace(self, **changes: Any) -> Device:
        """A copy with some fields changed (validated again); ``TypeError`` for an unknown field."""
        unknown = set(changes) - set(RULES["Device"])
        if unknown:
            raise TypeError(f"Device has no field(s) {sorted(unknown)}; valid fields are {sorted(RULES['Device'])}")
        return dataclasses.replace(self, **changes)

    @property
    def Gamma(self) -> float:
        r"""Collective Lindblad rate :math:`\Gamma/2\pi = 2g^2\gamma/(\Delta_c^2+\gamma^2)`, :math:`\gamma = \gamma_m/2` (MHz)."""
        return float(gamma_values(self)["lindblad"])


def paper_device(**changes: Any) -> Device:
    """The paper's Sec. 5 device (the :class:`Device` defaults), with optional changes."""
    return Device(**changes)


def to_code_rate(nu_mhz: ArrayLike) -> NDArray | float:
    r""":math:`\nu` in MHz to the code's angular rate :math:`2\pi\nu` in rad/µs (units of :data:`OMEGA_REF`)."""
    out = _TWO_PI * np.asarray(nu_mhz, dtype=float)
    return float(out) if out.ndim == 0 else out


def to_mhz(rate: ArrayLike) -> NDArray | float:
    r"""Inverse of :func:`to_code_rate`: a code rate (rad/µs) to :math:`\nu = \omega/2\pi` in MHz."""
    out = np.asarray(rate, dtype=float) / _TWO_PI
    return float(out) if out.ndim == 0 else out


def to_three_mode(d: Device) -> ThreeModeParams:
    r"""The device as :class:`nrqb.ThreeModeParams` (paper Eq. 1) in code units (rad/µs, µs, :math:`\hbar\omega_{ref}`)."""
    r = to_code_rate
    return ThreeModeParams(
        g_a=r(d.g),
        g_b=r(d.g),
        gamma_m=r(d.gamma_m),
        Delta_c=r(d.Delta_c),
        kappa_a=r(d.kappa_a),
        kappa_b=r(d.kappa_b),
        epsilon=r(d.epsilon),
        phi=d.phi,
        J=r(d.J),
        Delta_a=0.0,
        Delta_b=r(d.Delta),
        omega=r(d.f_cavity),
    )


def device_from_three_mode(p: ThreeModeParams) -> Device:
    r"""Inverse of :func:`to_three_mode` (scalar parameters, :math:`g_a = g_b`, :math:`\Delta_a = 0`).

    Raises
    ------
    ValueError
        If ``p`` is not scalar, ``g_a != g_b`` or ``Delta_a != 0``.
    """
    require_scalar(p, "device_from_three_mode", ThreeModeParams)
    if not math.isclose(p.g_a, p.g_b, rel_tol=1e-12) or p.Delta_a != 0:
        raise ValueError(f"p must have g_a == g_b and Delta_a == 0; got g_a={p.g_a}, g_b={p.g_b}, Delta_a={p.Delta_a}")

    def m(rate: float) -> float:
        return float(to_mhz(rate))

    return Device(
        kappa_a=m(p.kappa_a),
        kappa_b=m(p.kappa_b),
        gamma_m=m(p.gamma_m),
        g=m(p.g_a),
        J=m(p.J),
        phi=p.phi,
        epsilon=m(p.epsilon),
        Delta=m(p.Delta_b),
        Delta_c=m(p.Delta_c),
        f_cavity=m(p.omega),
    )


def gamma_values(d: Device) -> dict[str, float]:
    r""":math:`\Gamma/2\pi` in MHz by each formula of :func:`nrqb.gamma_conventions`.

    ``"lindblad"`` (:math:`4g^2/\gamma_m` at :math:`\Delta_c = 0`, confirmed by the three-mode model),
    ``"paper_sec2"`` (:math:`2g^2/\gamma_m`), ``"paper_sec5"`` (:math:`g^2/\gamma_m`). The formulas are
    homogeneous of degree one in the rates, so they hold for :math:`\nu = \omega/2\pi` directly.
    """
    return {k: float(v) for k, v in gamma_conventions(d.g, d.gamma_m, d.Delta_c).items()}


def to_effective(d: Device, gamma: Literal["lindblad", "paper_sec2", "paper_sec5"] = "lindblad") -> Params:
    r"""The effective two-mode :class:`nrqb.Params` of the device (code units).

    Parameters
    ----------
    d : Device
    gamma : {"lindblad", "paper_sec2", "paper_sec5"}
        Which :math:`\Gamma` to use. ``"lindblad"`` is :func:`nrqb.eliminate` of :func:`to_three_mode`
        (the correct one); the others reproduce what the paper's formulas would predict.

    Raises
    ------
    ValueError
        For an unknown ``gamma`` convention.
    """
    conventions = gamma_values(d)
    if gamma not in conventions:
        raise ValueError(f"gamma must be one of {sorted(conventions)}; got {gamma!r}")
    p = eliminate(to_three_mode(d))
    return p.replace(Gamma=to_code_rate(conventions[gamma])) if gamma != "lindblad" else p


def adiabatic_ratios(d: Device) -> dict[str, float]:
    r"""Small parameters of the adiabatic elimination (paper Sec. 2 and Sec. 5), as ratios.

    Returns
    -------
    dict
        ``"kappa_a/gamma_m"``, ``"kappa_b/gamma_m"`` (:math:`\gamma_m \gg \kappa`),
        ``"g/(gamma_m/2)"`` (:math:`\gamma_m/2 \gg g`, the paper's :math:`|\Delta_c + i\gamma_m| \gg g` with
        :math:`\gamma = \gamma_m/2`; equals :attr:`nrqb.ThreeModeParams.adiabaticity` at :math:`\Delta_c = 0`),
        ``"Gamma/gamma_m"`` and ``"J/gamma_m"`` (the effective dynamics must be slow on :math:`1/\gamma_m`).
    """
    gm = d.gamma_m
    return {
        "kappa_a/gamma_m": d.kappa_a / gm,
        "kappa_b/gamma_m": d.kappa_b / gm,
        "g/(gamma_m/2)": float(abs(d.g) / abs(complex(d.Delta_c, -gm / 2))),
        "Gamma/gamma_m": d.Gamma / gm,
        "J/gamma_m": abs(d.J) / gm,
    }


@dataclass(frozen=True)
class Performance:
    r"""Battery figures of merit of a device in laboratory units.

    Attributes
    ----------
    model : str
        ``"three-mode"`` (exact, paper Eq. 1) or ``"effective"`` (after elimination).
    n_A, n_B : float
        Steady-state photon numbers of charger and battery.
    E_A, E_B : float
        Steady-state energies :math:`\hbar\omega_{cav} n` in joules.
    ratio : float
        :math:`E_B/E_A` (steady state).
    eta : float
        :math:`\eta(\infty) = E_B/(E_A+E_B)` (paper Eq. 11).
    t90 : float
        Charging time: first time (µs) at which :math:`E_B(t) = 0.9\,E_B(\infty)`.
    P_peak : float
        Peak charging power, photons per µs (paper Eq. 12 divided by :math:`\hbar\omega_{cav}`).
    P_peak_watts : float
        The same in watts.
    t_peak : float
        Time of the peak power (µs).
    eta_at_peak : float
        :math:`\eta(t_{peak})`.
    """

    model: str
    n_A: float
    n_B: float
    E_A: float
    E_B: float
    ratio: float
    eta: float
    t90: float
    P_peak: float
    P_peak_watts: float
    t_peak: float
    eta_at_peak: float


def _window(p: Params | ThreeModeParams) -> float:
    """Time window (µs) that holds the charging transient: 30 slow decay times of the effective model."""
    with warnings.catch_warnings():  # only a time scale: the elimination's validity does not matter here
        warnings.simplefilter("ignore", AdiabaticityWarning)
        q = eliminate(p) if isinstance(p, ThreeModeParams) else p
    return 30.0 / min(q.Lambda_a, q.Lambda_b)


def _trajectory_fn(p: Params | ThreeModeParams) -> Callable[[ArrayLike], Any]:
    return (lambda t: evolve_three_mode(p, t)) if isinstance(p, ThreeModeParams) else (lambda t: evolve(p, t))


def charging_time(p: Params | ThreeModeParams, level: float = 0.9, *, n_grid: int = 801) -> float:
    r"""First time at which :math:`E_B(t) = \text{level}\times E_B(\infty)` (code units: µs for a device).

    Parameters
    ----------
    p : Params or ThreeModeParams
        Scalar parameters.
    level : float, default 0.9
        Fraction of the steady-state battery energy, in (0, 1).
    n_grid : int
        Grid on which the first crossing is bracketed before :func:`scipy.optimize.brentq`.

    Raises
    ------
    ValueError
        For ``level`` outside (0, 1), or when the crossing is not inside the window.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1); got {level!r}")
    traj = _trajectory_fn(p)
    E_inf = float(steady_state_three_mode(p).E_B if isinstance(p, ThreeModeParams) else steady_state(p).E_B)
    t = np.linspace(0.0, _window(p), n_grid)
    above = np.nonzero(traj(t).E_B >= level * E_inf)[0]
    if above.size == 0:
        raise ValueError("charging_time: E_B does not reach the requested level inside the time window")
    k = int(above[0])
    return float(brentq(lambda s: float(traj(s).E_B) - level * E_inf, t[k - 1], t[k], xtol=1e-12 * t[-1]))


def _peak(p: Params | ThreeModeParams) -> tuple[float, float]:
    if isinstance(p, Params):
        peak = peak_power(p, _window(p) / 3, n_grid=512)
        return float(peak.P), float(peak.t)
    traj = _trajectory_fn(p)
    t = np.linspace(0.0, _window(p) / 3, 401)
    k = int(np.argmax(traj(t).P))
    res = minimize_scalar(
        lambda s: -float(traj(s).P), bounds=(t[max(k - 1, 0)], t[min(k + 1, t.size - 1)]), method="bounded"
    )
    return (-float(res.fun), float(res.x)) if -res.fun > traj(t[k]).P else (float(traj(t[k]).P), float(t[k]))


def performance(d: Device, model: Literal["three-mode", "effective"] = "three-mode", **options: Any) -> Performance:
    """Steady state, charging time and peak power of device ``d`` by the three-mode or the effective model.

    Parameters
    ----------
    d : Device
    model : {"three-mode", "effective"}
    **options
        ``gamma=`` convention for the effective model (see :func:`to_effective`).

    Returns
    -------
    Performance
    """
    if model not in ("three-mode", "effective"):
        raise ValueError(f"model must be 'three-mode' or 'effective'; got {model!r}")
    p: ThreeModeParams | Params
    ss: ThreeModeTrajectory | SteadyState
    if model == "three-mode":
        p = to_three_mode(d)
        ss = steady_state_three_mode(p)
    else:
        p = to_effective(d, **options)
        ss = steady_state(p)
    omega = float(to_code_rate(d.f_cavity))
    n_A, n_B = float(ss.E_A) / omega, float(ss.E_B) / omega
    quantum = H_PLANCK * d.f_cavity * 1e6  # J per photon
    P, tp = _peak(p)
    return Performance(
        model=model,
        n_A=n_A,
        n_B=n_B,
        E_A=n_A * quantum,
        E_B=n_B * quantum,
        ratio=n_B / n_A,
        eta=float(ss.eta),
        t90=charging_time(p),
        P_peak=P / omega,
        P_peak_watts=P / omega * 1e6 * quantum,
        t_peak=tp,
        eta_at_peak=float(_trajectory_fn(p)(tp).eta),
    )


def headline() -> dict[str, float]:
    r"""The paper's headline figures at its Fig. 2 parameters, computed (not copied) with :mod:`nrqb`.

    ``"eta"``: :math:`\eta(\infty)`; ``"ratio"``: :math:`E_B/E_A`; ``"Gamma_over_kappa"``: :math:`\Gamma/\kappa`.
    """
    p = paper_params()
    ss = steady_state(p)
    return {"eta": float(ss.eta), "ratio": float(ss.E_B / ss.E_A), "Gamma_over_kappa": p.Gamma / p.kappa_a}


def _nonreciprocal(d: Device, g: float) -> Device:
    r"""``d`` with coupling ``g`` and the nonreciprocal :math:`J = \Gamma/2`, :math:`\phi = \pi/2`."""
    d = d.replace(g=g, phi=math.pi / 2)
    return d.replace(J=0.5 * d.Gamma)


def required_g(d: Device, eta_target: float) -> float:
    r"""Smallest :math:`g/2\pi` (MHz) that reaches :math:`\eta(\infty) \ge` ``eta_target`` at the nonreciprocal point.

    On the nonreciprocal line (:math:`J = \Gamma/2`, :math:`\phi = \pi/2`, :math:`\Delta = 0`) the
    effective model gives :math:`E_B/E_A = 4\Gamma^2/\Lambda_b^2`, increasing in :math:`\Gamma = 4g^2/\gamma_m`;
    the root is found with :func:`scipy.optimize.brentq` on the effective model.

    Raises
    ------
    ValueError
        If ``eta_target`` is not in (0, 0.8): at the nonreciprocal point :math:`\eta \to 4/5` as
        :math:`\Gamma \to \infty`.
    """
    if not 0 < eta_target < 0.8:
        raise ValueError(f"eta_target must be in (0, 0.8) (0.8 is the Gamma -> inf limit); got {eta_target!r}")

    def gap(g: float) -> float:
        with warnings.catch_warnings():  # the elimination is exact for the steady state, adiabatic or not
            warnings.simplefilter("ignore", AdiabaticityWarning)
            return float(steady_state(to_effective(_nonreciprocal(d, g))).eta) - eta_target

    hi = max(d.g, 1e-3)
    while gap(hi) < 0:
        hi *= 2
    return float(brentq(gap, 1e-9, hi, xtol=1e-12))


def minimum_gamma_m(Gamma: float, g_max_ratio: float = 0.1) -> float:
    r"""Smallest :math:`\gamma_m` that gives the Lindblad rate ``Gamma`` with :math:`g \le` ``g_max_ratio`` :math:`\gamma_m`.

    From :math:`\Gamma = 4g^2/\gamma_m` (:math:`\Delta_c = 0`): :math:`g = \sqrt{\Gamma\gamma_m}/2 \le r\gamma_m`
    :math:`\Leftrightarrow \gamma_m \ge \Gamma/(4r^2)`, i.e. :math:`25\,\Gamma` for :math:`r = 0.1`. Units: those of ``Gamma``.
    """
    if not (Gamma >= 0 and g_max_ratio > 0):
        raise ValueError(f"Gamma must be >= 0 and g_max_ratio > 0; got Gamma={Gamma!r}, g_max_ratio={g_max_ratio!r}")
    return Gamma / (4 * g_max_ratio**2)


@dataclass(frozen=True)
class DesignResult:
    r"""Optimal device found by :func:`optimise_design`.

    Attributes
    ----------
    objective : str
        ``"E_B"`` (steady-state photons in the battery) or ``"P_peak"`` (peak power, photons/µs).
    device : Device
        The optimum (``g``, ``J``, ``phi`` changed; everything else as given).
    value : float
        Objective at the optimum (effective model).
    eta : float
        :math:`\eta(\infty)` at the optimum (effective model).
    constraints : dict[str, float]
        ``"eta_min"``, ``"g_max"`` (MHz), with the slack of each at the optimum.
    success : bool
        SLSQP's convergence flag.
    """

    objective: str
    device: Device
    value: float
    eta: float
    constraints: dict[str, float]
    success: bool


def design_objective(d: Device, g: ArrayLike, J: ArrayLike, phi: ArrayLike, objective: str) -> tuple[NDArray, NDArray]:
    r"""Objective of :func:`optimise_design` and :math:`\eta(\infty)`, vectorised over ``g, J, phi``.

    Parameters
    ----------
    d : Device
        Fixed quantities; its ``g``, ``J``, ``phi`` are replaced by the arrays given.
    g, J, phi : array_like
        :math:`g/2\pi`, :math:`J/2\pi` (MHz) and :math:`\phi` (rad); broadcast together.
    objective : {"E_B", "P_peak"}
        Steady-state battery photons, or the peak power in photons/µs (effective model).

    Returns
    -------
    value, eta : ndarray of the broadcast shape
    """
    g, J, phi = np.broadcast_arrays(*(np.asarray(x, dtype=float) for x in (g, J, phi)))
    shape = g.shape
    rate = to_code_rate(g.ravel())
    p3 = to_three_mode(d)
    p = eliminate(p3.replace(g_a=rate, g_b=rate, J=to_code_rate(J.ravel()), phi=phi.ravel()))
    ss = steady_state(p)
    if objective == "E_B":
        value = ss.E_B / p3.omega
    else:
        value = peak_power(p, _window(to_effective(d)) / 3, n_grid=256).P / p3.omega
    return np.reshape(value, shape), np.reshape(ss.eta, shape)


def optimise_design(
    d: Device,
    objective: Literal["E_B", "P_peak"] = "E_B",
    *,
    eta_min: float | None = None,
    g_max_ratio: float = 0.1,
    J_max: float | None = None,
    grid: int = 9,
) -> DesignResult:
    r"""Best ``g``, ``J``, ``phi`` for a device whose damping rates are fixed by the hardware.

    Maximises ``objective`` of the effective model at fixed drive over
    :math:`0 \le g \le` ``g_max_ratio`` :math:`\gamma_m` (adiabatic elimination valid),
    :math:`|J| \le` ``J_max`` and :math:`\phi \in [0, 2\pi]`, subject to :math:`\eta(\infty) \ge` ``eta_min``.
    A vectorised grid (``grid`` points per variable, one call of the core) picks the best feasible
    start; :func:`scipy.optimize.minimize` (SLSQP) polishes it.

    Parameters
    ----------
    d : Device
        Supplies the fixed quantities (``kappa_a``, ``kappa_b``, ``gamma_m``, ``epsilon``, ``Delta``, ...).
    objective : {"E_B", "P_peak"}
        Steady-state battery photons, or peak charging power in photons/µs.
    eta_min : float, optional
        Efficiency constraint; default the paper's headline :math:`\eta(\infty)` (:func:`headline`).
    g_max_ratio : float, default 0.1
        Adiabaticity constraint :math:`g \le` ``g_max_ratio`` :math:`\gamma_m`.
    J_max : float, optional
        Bound on :math:`|J|/2\pi` (MHz); default ``gamma_m / 10`` (the coherent coupling must stay slow
        on the reservoir's time scale too).
    grid : int, default 9
        Grid points per variable for the starting point.

    Returns
    -------
    DesignResult

    Raises
    ------
    ValueError
        For an unknown objective, ``g_max_ratio <= 0``, ``eta_min`` outside (0, 1), or no feasible grid point.
    """
    if objective not in ("E_B", "P_peak"):
        raise ValueError(f"objective must be 'E_B' or 'P_peak'; got {objective!r}")
    if not g_max_ratio > 0:
        raise ValueError(f"g_max_ratio must be > 0; got {g_max_ratio!r}")
    eta_min = headline()["eta"] if eta_min is None else eta_min
    if not 0 <= eta_min < 1:
        raise ValueError(f"eta_min must be in [0, 1); got {eta_min!r}")
    g_max = g_max_ratio * d.gamma_m
    J_max = d.gamma_m / 10 if J_max is None else J_max
    scale = np.array([g_max, J_max, np.pi])
    x0 = _best_grid_point(d, objective, scale, eta_min, grid)
    res, best, eta_best = _polish(d, objective, x0 / scale, scale, eta_min)
    g, J, phi = (float(v) for v in res.x * scale)
    return DesignResult(
        objective=objective,
        device=d.replace(g=g, J=J, phi=phi),
        value=best,
        eta=eta_best,
        constraints={"eta_min": eta_min, "eta_slack": eta_best - eta_min, "g_max": g_max, "g_slack": g_max - g},
        success=bool(res.success),
    )


def _best_grid_point(d: Device, objective: str, scale: NDArray, eta_min: float, grid: int) -> NDArray:
    """The best feasible ``(g, J, phi)`` of a vectorised grid on ``[0, g_max] x [-J_max, J_max] x [0, 2 pi)``."""
    g_max, J_max, _ = scale
    gs = np.linspace(0, g_max, grid)
    Js = np.linspace(-J_max, J_max, 2 * grid - 1)
    phis = np.linspace(0, 2 * np.pi, 2 * grid - 1)[:-1]
    G, JJ, PH = np.meshgrid(gs, Js, phis, indexing="ij")
    value, eta = design_objective(d, G, JJ, PH, objective)
    feasible = eta >= eta_min
    if not np.any(feasible):
        raise ValueError(f"optimise_design: no grid point reaches eta(inf) >= eta_min = {eta_min}")
    k = np.unravel_index(np.argmax(np.where(feasible, value, -np.inf)), value.shape)
    return np.array([G[k], JJ[k], PH[k]])


def _polish(
    d: Device, objective: str, y0: NDArray, scale: NDArray, eta_min: float
) -> tuple[OptimizeResult, float, float]:
    """SLSQP from ``y0`` in scaled variables ``y = (g, J, phi) / scale``: the result, its value and its eta."""

    def evaluate(y: NDArray) -> tuple[float, float]:
        g, J, phi = y * scale
        v, e = design_objective(d, g, J, phi, objective)
        return float(v), float(e)

    value0 = evaluate(y0)[0]

    def loss(y: NDArray) -> float:
        return -evaluate(y)[0] / value0

    def eta_slack(y: NDArray) -> float:
        return evaluate(y)[1] - eta_min

    res = minimize(
        loss,
        y0,
        method="SLSQP",
        bounds=[(0, 1), (-1, 1), (0, 2)],
        constraints=[{"type": "ineq", "fun": eta_slack}],
        options={"ftol": 1e-12, "maxiter": 200},
    )
    best, eta_best = evaluate(res.x)
    return res, best, eta_best
