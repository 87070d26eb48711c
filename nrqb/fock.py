r"""Full quantum check: the Lindblad master equation in a truncated Fock space (QuTiP).

The rest of :mod:`nrqb` works with the mean amplitudes and the second moments, which is
exact for this linear (quadratic-Hamiltonian, linear-jump-operator) model. This module
checks that claim by brute force: it builds the density-matrix master equation of the
effective model (paper Eqs. 2--4) and of the three-mode model (paper Eq. 1) in a truncated
Fock space and integrates it with :func:`qutip.mesolve`, starting from the vacuum.

Effective model (:func:`effective_master_equation`)

.. math::

    \dot\rho = -i[H, \rho] + \sum_k \gamma_k (n_k + 1) D[L_k]\rho + \gamma_k n_k D[L_k^\dagger]\rho,

    H = \Delta_a a^\dagger a + \Delta_b b^\dagger b + J a^\dagger b + J^* b^\dagger a + \varepsilon (a + a^\dagger),

with :math:`(\gamma_k, n_k, L_k) \in \{(\kappa_a, n_a, a), (\kappa_b, n_b, b), (\Gamma, n_c, a + e^{-i\phi} b)\}`
and :math:`D[L]\rho = L\rho L^\dagger - \tfrac12\{L^\dagger L, \rho\}` (paper Eq. 4).

Three-mode model (:func:`three_mode_master_equation`): paper Eq. (1) with the bad cavity's
:math:`-i\gamma_m/2\, c^\dagger c` written as the Lindblad term :math:`\gamma_m D[c]` (thermal as above).

Truncation: the photon numbers scale as :math:`\varepsilon^2`, so a weak drive keeps the
occupations small and a few Fock levels per mode suffice; compare :math:`E/\varepsilon^2` with
the strong-drive numbers of the mean field. :func:`convergence` shows the dependence on the
truncation, and every result carries ``top_population``, the largest population of the highest
kept Fock level of each mode (a direct measure of the truncation error).

QuTiP is imported lazily inside the functions: the rest of the package does not need it.

Examples
--------
With a weak drive, eight Fock levels per mode reproduce the mean-field battery energy of
:func:`nrqb.evolve` while charging:

>>> import numpy as np, nrqb
>>> p = nrqb.paper_params(epsilon=0.01)
>>> t = np.linspace(0.0, 200.0, 5)
>>> tr = effective_master_equation(p, t, n_max=8)
>>> bool(tr.top_population.max() < 1e-5)
True
>>> bool(np.allclose(tr.E_B, nrqb.evolve(p, t).E_B, rtol=1e-4, atol=1e-8))
True
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .params import Params
from .three_mode import ThreeModeParams
from .validation import check_times, require_scalar

__all__ = [
    "DEFAULT_OPTIONS",
    "Convergence",
    "FockTrajectory",
    "convergence",
    "effective_master_equation",
    "effective_steady_state",
    "three_mode_master_equation",
]

#: Integrator settings for :func:`qutip.mesolve`: tight tolerances, so the integration error
#: (~1e-9 relative) stays far below the agreement that the tests demand.
DEFAULT_OPTIONS: dict[str, Any] = {"atol": 1e-11, "rtol": 1e-9, "nsteps": 200_000, "progress_bar": False}


@dataclass(frozen=True, eq=False)
class FockTrajectory:
    r"""Result of the Fock-space master equation; arrays have the shape of ``t``.

    Attributes
    ----------
    t : ndarray
        Times in units of ``1/omega`` (``inf`` for a steady state).
    alpha, beta : complex ndarray
        :math:`\langle a\rangle, \langle b\rangle`.
    n_a, n_b : ndarray
        :math:`\langle a^\dagger a\rangle, \langle b^\dagger b\rangle`.
    g2_b : ndarray
        Battery's :math:`g^{(2)}(0) = \langle b^{\dagger 2} b^2\rangle / \langle b^\dagger b\rangle^2`
        (NaN where :math:`\langle b^\dagger b\rangle = 0`); 1 for a coherent state, 2 for a thermal one.
    top_population : ndarray, shape ``(n_modes,)``
        For each mode, the largest (over ``t``) population of its highest kept Fock level.
    dims : tuple of int
        Fock levels kept per mode (charger, battery[, bad cavity]).
    params : Params or ThreeModeParams
    c, n_c : complex ndarray, ndarray or None
        :math:`\langle c\rangle, \langle c^\dagger c\rangle` of the bad cavity (three-mode model only).
    states : tuple of qutip.Qobj or None
        Density matrices at each time, when requested with ``store_states=True``.
    """

    t: NDArray
    alpha: NDArray
    beta: NDArray
    n_a: NDArray
    n_b: NDArray
    g2_b: NDArray
    top_population: NDArray
    dims: tuple[int, ...]
    params: Any
    c: NDArray | None = None
    n_c: NDArray | None = None
    states: tuple | None = None

    @property
    def E_A(self) -> NDArray:
        r"""Charger energy :math:`\omega\langle a^\dagger a\rangle`."""
        return self.params.omega * self.n_a

    @property
    def E_B(self) -> NDArray:
        r"""Battery energy :math:`\omega\langle b^\dagger b\rangle`."""
        return self.params.omega * self.n_b

    def battery_state(self, index: int = -1) -> Any:
        r"""Reduced density matrix :math:`\rho_B = \mathrm{Tr}_{a(,c)}\,\rho` at time ``t[index]`` (a ``qutip.Qobj``).

        Raises
        ------
        ValueError
            If the states were not stored (call the solver with ``store_states=True``).
        """
        if self.states is None:
            raise ValueError("states were not stored; call the solver with store_states=True")
        return self.states[index].ptrace(1)

    def purity_b(self) -> NDArray:
        r"""Purity :math:`\mathrm{Tr}\,\rho_B^2` of the battery at every stored time (1 for a coherent state)."""
        if self.states is None:
            raise ValueError("states were not stored; call the solver with store_states=True")
        return np.array([float(np.real((s.ptrace(1) ** 2).tr())) for s in self.states])

    def wigner_b(self, xvec: ArrayLike, index: int = -1) -> NDArray:
        r"""Wigner function :math:`W(x, p)` of the battery at ``t[index]`` on the grid ``xvec x xvec``.

        Uses QuTiP's convention :math:`b = (x + ip)/\sqrt{2}` (``g=sqrt(2)``), so a coherent state
        :math:`|\beta\rangle` is a Gaussian of variance 1/2 centred at :math:`\sqrt{2}(\mathrm{Re}\,\beta, \mathrm{Im}\,\beta)`.
        Returns an array indexed ``[p, x]``.
        """
        import qutip

        xvec = np.asarray(xvec, dtype=float)
        return qutip.wigner(self.battery_state(index), xvec, xvec)


@dataclass(frozen=True, eq=False)
class Convergence:
    """Result of :func:`convergence`: the observables for each truncation.

    Attributes
    ----------
    n_max : ndarray of int, shape (k,)
        Fock levels kept per driven mode.
    t : ndarray, shape (T,)
    n_a, n_b : ndarray, shape (k, T)
    top_population : ndarray, shape (k, n_modes)
    """

    n_max: NDArray
    t: NDArray
    n_a: NDArray
    n_b: NDArray
    top_population: NDArray

    @property
    def change(self) -> NDArray:
        r"""Max over t of :math:`|n_b^{(k)} - n_b^{(\text{last})}|` relative to :math:`\max_t n_b^{(\text{last})}`, shape (k,)."""
        ref = self.n_b[-1]
        return np.max(np.abs(self.n_b - ref), axis=-1) / np.max(np.abs(ref))


def _check_levels(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 2:
        raise ValueError(f"{name} (Fock levels kept per mode) must be an integer >= 2; got {value!r}")
    return int(value)


def _baths(rate: float, n_th: float, L: Any) -> list[Any]:
    """Collapse operators of a bath of rate ``rate`` and occupation ``n_th`` acting through ``L``."""
    ops = []
    if rate * (n_th + 1) > 0:
        ops.append(np.sqrt(rate * (n_th + 1)) * L)
    if rate * n_th > 0:
        ops.append(np.sqrt(rate * n_th) * L.dag())
    return ops


def _modes(dims: Sequence[int]) -> list:
    """Annihilation operators of each mode on the tensor product of ``dims``."""
    import qutip

    ops = []
    for k, n in enumerate(dims):
        factors = [qutip.qeye(m) for m in dims]
        factors[k] = qutip.destroy(n)
        ops.append(qutip.tensor(factors))
    return ops


def _top_projectors(dims: Sequence[int]) -> list:
    import qutip

    out = []
    for k, n in enumerate(dims):
        factors = [qutip.qeye(m) for m in dims]
        factors[k] = qutip.fock_dm(n, n - 1)
        out.append(qutip.tensor(factors))
    return out


def _effective_operators(p: Params, dims: tuple[int, ...]) -> tuple[Any, list[Any], list[Any]]:
    a, b = _modes(dims)
    J = complex(p.J)
    H = p.Delta_a * a.dag() * a + p.Delta_b * b.dag() * b
    H += J * a.dag() * b + np.conj(J) * b.dag() * a + p.epsilon * (a + a.dag())
    L = a + np.exp(-1j * p.phi) * b
    c_ops = _baths(p.kappa_a, p.n_th_a, a) + _baths(p.kappa_b, p.n_th_b, b) + _baths(p.Gamma, p.n_th_c, L)
    return H, c_ops, [a, b]


def _three_mode_operators(p: ThreeModeParams, dims: tuple[int, ...]) -> tuple[Any, list[Any], list[Any]]:
    a, b, c = _modes(dims)
    phase = np.exp(1j * p.phi)
    H = p.Delta_a * a.dag() * a + p.Delta_b * b.dag() * b + p.Delta_c * c.dag() * c
    H += p.g_a * (phase * a * c.dag() + np.conj(phase) * a.dag() * c) + p.g_b * (b * c.dag() + b.dag() * c)
    H += p.J * (a.dag() * b + b.dag() * a) + p.epsilon * (a + a.dag())
    c_ops = _baths(p.kappa_a, p.n_th_a, a) + _baths(p.kappa_b, p.n_th_b, b) + _baths(p.gamma_m, p.n_th_c, c)
    return H, c_ops, [a, b, c]


def _solve(
    H: Any,
    c_ops: list[Any],
    modes: list[Any],
    dims: tuple[int, ...],
    times: NDArray,
    params: Params | ThreeModeParams,
    store_states: bool,
    options: dict[str, Any] | None,
) -> FockTrajectory:
    import qutip

    b = modes[1]
    e_ops = [*modes, *(m.dag() * m for m in modes), b.dag() * b.dag() * b * b, *_top_projectors(dims)]
    rho0 = qutip.tensor([qutip.basis(n, 0) for n in dims])
    opts = {**DEFAULT_OPTIONS, **(options or {}), "store_states": bool(store_states)}
    res = qutip.mesolve(H, rho0, times, c_ops, e_ops=e_ops, options=opts)
    expect = [np.asarray(e) for e in res.expect]
    return _package(expect, len(modes), times, dims, params, tuple(res.states) if store_states else None)


def _package(
    expect: list[NDArray],
    n_modes: int,
    times: NDArray,
    dims: tuple[int, ...],
    params: Params | ThreeModeParams,
    states: tuple[Any, ...] | None,
) -> FockTrajectory:
    means = expect[:n_modes]
    numbers = [np.real(e) for e in expect[n_modes : 2 * n_modes]]
    pair = np.real(expect[2 * n_modes])
    tops = np.array([np.max(np.real(e)) for e in expect[2 * n_modes + 1 :]])
    n_b = numbers[1]
    with np.errstate(divide="ignore", invalid="ignore"):
        g2 = np.where(n_b > 0, pair / n_b**2, np.nan)
    return FockTrajectory(
        t=np.asarray(times, dtype=float),
        alpha=np.asarray(means[0], dtype=complex),
        beta=np.asarray(means[1], dtype=complex),
        n_a=numbers[0],
        n_b=n_b,
        g2_b=g2,
        top_population=tops,
        dims=tuple(dims),
        params=params,
        c=np.asarray(means[2], dtype=complex) if n_modes == 3 else None,
        n_c=numbers[2] if n_modes == 3 else None,
        states=states,
    )


def _levels(n_max: int | Sequence[int], count: int) -> tuple[int, ...]:
    if isinstance(n_max, (int, np.integer)):  # a bool is refused by _check_levels
        return (_check_levels("n_max", n_max),) * count
    levels = tuple(n_max)
    if len(levels) != count:
        raise ValueError(f"n_max must be an integer or a sequence of {count} integers; got {n_max!r}")
    return tuple(_check_levels(f"n_max[{k}]", v) for k, v in enumerate(levels))


def effective_master_equation(
    p: Params,
    t: ArrayLike,
    n_max: int | Sequence[int] = 8,
    *,
    store_states: bool = False,
    options: dict[str, Any] | None = None,
) -> FockTrajectory:
    r"""Integrate the effective two-mode master equation from the vacuum in a truncated Fock space.

    Parameters
    ----------
    p : Params
        Scalar parameters (``p.shape == ()``), including the thermal occupations
        ``n_th_a, n_th_b, n_th_c``. Use a weak drive so that the occupations stay well below ``n_max``.
    t : array_like
        Increasing times :math:`\ge 0` in units of ``1/omega``; the first is the initial time
        at which the state is the vacuum (normally 0).
    n_max : int or (int, int), default 8
        Fock levels kept for the charger and the battery.
    store_states : bool, default False
        Keep the density matrices (for purity and Wigner functions).
    options : dict, optional
        Overrides of :data:`DEFAULT_OPTIONS` passed to :func:`qutip.mesolve`.

    Returns
    -------
    FockTrajectory

    Raises
    ------
    ValueError
        For array-valued parameters, invalid times or a truncation below 2 levels.

    Notes
    -----
    The dissipators are those of paper Eqs. (3)--(5) (with the collective one :math:`\Gamma D[a + e^{-i\phi}b]`
    that reproduces the paper's Eq. 5), each thermal bath adding
    :math:`\gamma(n+1) D[L] + \gamma n D[L^\dagger]`. The mean field :func:`nrqb.evolve` is exact for
    this model; the truncation error of this route is set by ``top_population``.
    """
    require_scalar(p, "effective_master_equation", Params)
    times = check_times(t)
    dims = _levels(n_max, 2)
    H, c_ops, modes = _effective_operators(p, dims)
    return _solve(H, c_ops, modes, dims, times, p, store_states, options)


def effective_steady_state(p: Params, n_max: int | Sequence[int] = 8) -> FockTrajectory:
    """Steady state of the effective master equation (:func:`qutip.steadystate`, a direct solve).

    Parameters
    ----------
    p : Params
        Scalar parameters.
    n_max : int or (int, int), default 8
        Fock levels kept per mode.

    Returns
    -------
    FockTrajectory
        With ``t = [inf]``; every array has shape ``(1,)`` and ``states`` holds the steady state.
    """
    import qutip

    require_scalar(p, "effective_steady_state", Params)
    dims = _levels(n_max, 2)
    H, c_ops, modes = _effective_operators(p, dims)
    rho = qutip.steadystate(H, c_ops)
    b = modes[1]
    e_ops = [*modes, *(m.dag() * m for m in modes), b.dag() * b.dag() * b * b, *_top_projectors(dims)]
    expect = [np.array([qutip.expect(op, rho)]) for op in e_ops]
    return _package(expect, 2, np.array([np.inf]), dims, p, (rho,))


def three_mode_master_equation(
    p3: ThreeModeParams,
    t: ArrayLike,
    n_max: int | Sequence[int] = (6, 6, 3),
    *,
    store_states: bool = False,
    options: dict[str, Any] | None = None,
) -> FockTrajectory:
    r"""Integrate the three-mode master equation (paper Eq. 1) from the vacuum in a truncated Fock space.

    Parameters
    ----------
    p3 : ThreeModeParams
        Scalar parameters. The bad cavity is barely populated
        (:math:`\langle c\rangle \approx -(g_a e^{i\phi}\langle a\rangle + g_b\langle b\rangle)/(\Delta_c - i\gamma_m/2)`),
        so few levels suffice for it.
    t : array_like
        Increasing times :math:`\ge 0` in units of ``1/omega``.
    n_max : int or (int, int, int), default (6, 6, 3)
        Fock levels kept for charger, battery and bad cavity.
    store_states : bool, default False
    options : dict, optional
        Overrides of :data:`DEFAULT_OPTIONS`.

    Returns
    -------
    FockTrajectory
        With ``c`` and ``n_c`` filled in.

    Notes
    -----
    The bad cavity's energy decay :math:`\gamma_m` (the paper's :math:`-i\gamma_m/2\, c^\dagger c`) enters as
    :math:`\gamma_m (n_c+1) D[c] + \gamma_m n_c D[c^\dagger]`; no adiabatic elimination is made, so this
    checks :func:`nrqb.evolve_three_mode` (exact for the same model), and through it :func:`nrqb.eliminate`.
    """
    require_scalar(p3, "three_mode_master_equation", ThreeModeParams)
    times = check_times(t)
    dims = _levels(n_max, 3)
    H, c_ops, modes = _three_mode_operators(p3, dims)
    return _solve(H, c_ops, modes, dims, times, p3, store_states, options)


def convergence(
    p: Params | ThreeModeParams,
    t: ArrayLike,
    n_values: Sequence[int] = (3, 4, 6, 8),
    *,
    n_c: int = 3,
    options: dict[str, Any] | None = None,
) -> Convergence:
    """Solve the master equation for several truncations and collect :math:`n_a(t), n_b(t)`.

    Parameters
    ----------
    p : Params or ThreeModeParams
        Scalar parameters; a :class:`ThreeModeParams` selects :func:`three_mode_master_equation`.
    t : array_like
        Times in units of ``1/omega``.
    n_values : sequence of int, default (3, 4, 6, 8)
        Fock levels kept for the charger and the battery, in increasing order.
    n_c : int, default 3
        Levels kept for the bad cavity (three-mode model only).
    options : dict, optional
        Overrides of :data:`DEFAULT_OPTIONS`.

    Returns
    -------
    Convergence
        ``change`` gives, per truncation, the deviation from the largest one.

    Raises
    ------
    ValueError
        If ``n_values`` is empty or not increasing.
    """
    levels = [_check_levels("n_values entry", n) for n in n_values]
    if not levels or any(b <= a for a, b in itertools.pairwise(levels)):
        raise ValueError(f"n_values must be a non-empty increasing sequence of integers >= 2; got {n_values!r}")
    runs = []
    for n in levels:
        if isinstance(p, ThreeModeParams):
            runs.append(three_mode_master_equation(p, t, (n, n, n_c), options=options))
        else:
            runs.append(effective_master_equation(p, t, n, options=options))
    return Convergence(
        n_max=np.array(levels),
        t=runs[0].t,
        n_a=np.array([r.n_a for r in runs]),
        n_b=np.array([r.n_b for r in runs]),
        top_population=np.array([r.top_population for r in runs]),
    )
