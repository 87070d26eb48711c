"""An independent high-precision route for the tests: the effective model in mpmath (50 significant digits).

The trajectory from the vacuum is the last column of the exponential of the augmented 3x3 matrix
``[[M, f], [0, 0]] t`` (no inverse, no eigen-decomposition, so it is exact at exceptional points and for any
separation of rates), evaluated by mpmath's own ``expm`` at the float parameters given, converted exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import mpmath as mp
import numpy as np

import nrqb

DIGITS = 50


@dataclass(frozen=True)
class Reference:
    """One time point: amplitudes, energies, powers ``dE/dt`` of charger and battery."""

    alpha: complex
    beta: complex
    E_A: float
    E_B: float
    P_A: float
    P_B: float
    P_scale: float  # 2 omega |<b>| |d<b>/dt|: the size of the terms of P_B = 2 omega Re(conj(b) db/dt)


def _matrices(p: nrqb.Params) -> tuple[mp.matrix, mp.mpf]:
    G, ka, kb = (mp.mpf(float(v)) for v in (p.Gamma, p.kappa_a, p.kappa_b))
    Da, Db, eps = (mp.mpf(float(v)) for v in (p.Delta_a, p.Delta_b, p.epsilon))
    J = mp.mpc(complex(p.J))
    phase = mp.expj(mp.mpf(float(p.phi)))
    M = mp.matrix(
        [
            [-1j * Da - (G + ka) / 2, -1j * J - G / 2 / phase, -1j * eps],
            [-1j * mp.conj(J) - G / 2 * phase, -1j * Db - (G + kb) / 2, 0],
            [0, 0, 0],
        ]
    )
    return M, eps


def trajectory(p: nrqb.Params, times: np.ndarray) -> list[Reference]:
    """The reference at each time of ``times`` (scalar ``p``, zero temperature)."""
    with mp.workdps(DIGITS):
        M, eps = _matrices(p)
        omega = mp.mpf(float(p.omega))
        out = []
        for t in np.asarray(times, dtype=float).ravel():
            E = mp.expm(M * mp.mpf(float(t)))
            a, b = E[0, 2], E[1, 2]
            a_dot, b_dot = E[0, 0] * (-1j * eps), E[1, 0] * (-1j * eps)
            out.append(
                Reference(
                    alpha=complex(a),
                    beta=complex(b),
                    E_A=float(omega * abs(a) ** 2),
                    E_B=float(omega * abs(b) ** 2),
                    P_A=float(2 * omega * mp.re(mp.conj(a) * a_dot)),
                    P_B=float(2 * omega * mp.re(mp.conj(b) * b_dot)),
                    P_scale=float(2 * omega * abs(b) * abs(b_dot)),
                )
            )
        return out


def steady(p: nrqb.Params) -> tuple[float, float]:
    r"""``(E_A, E_B)`` of the steady state, :math:`x = -M^{-1} f = (-M_{bb}, M_{ba})\,f_a/\det M`, in high precision."""
    with mp.workdps(DIGITS):
        M, eps = _matrices(p)
        det = M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]
        a, b = -M[1, 1] * (-1j * eps) / det, M[1, 0] * (-1j * eps) / det
        omega = mp.mpf(float(p.omega))
        return float(omega * abs(a) ** 2), float(omega * abs(b) ** 2)


def eigenvalues(p: nrqb.Params) -> list[complex]:
    """The two eigenvalues of the drift matrix built from the float parameters in high precision."""
    with mp.workdps(DIGITS):
        M, _ = _matrices(p)
        mu = (M[0, 0] + M[1, 1]) / 2
        delta = mp.sqrt(((M[0, 0] - M[1, 1]) / 2) ** 2 + M[0, 1] * M[1, 0])
        return [complex(mu + delta), complex(mu - delta)]


def _quantities(ref: Reference) -> dict[str, float]:
    return {"E_A": ref.E_A, "E_B": ref.E_B, "P": ref.P_B}


def relative_errors(p: nrqb.Params, times: np.ndarray, tr: nrqb.Trajectory, rtol: float) -> dict[str, np.ndarray]:
    r"""Errors of ``tr`` against the reference, in units of what a float evaluation can promise at ``rtol``.

    The promise: ``rtol`` of the value (of the size of its terms for ``P``), plus ``64 eps |lambda| t`` of it for
    the fastest mode not yet decayed by ``e^-50`` (its phase ``lambda t`` is known to a few units of rounding of
    itself), plus what a change of ``t`` by ``64 eps`` moves the value.

    For a quantity :math:`Q(t)` the yardstick is :math:`\text{rtol}\,|Q| + |Q(t(1 + 64\epsilon)) - Q(t)|`: besides the
    relative tolerance (for ``P``, of the size of its terms), a time known to its last digit moves :math:`Q` by about that much (the phases
    :math:`\lambda t` of long-lived oscillations, where the rates times the times are large), so the test allows for
    it instead of demanding the impossible. A returned value <= 1 passes.
    """
    times = np.asarray(times, dtype=float).ravel()
    lam = nrqb.eigenvalues(p)
    ref = trajectory(p, times)
    # 64 eps: the eigenvalues carry a few units of rounding each, so lambda t is known to a few eps of itself
    nudged = trajectory(p, times * (1 + 64 * np.finfo(float).eps))
    out: dict[str, list[float]] = {"E_A": [], "E_B": [], "P": []}
    for k in range(times.size):
        at, moved = _quantities(ref[k]), _quantities(nudged[k])
        for name, value in at.items():
            ours = float(np.ravel(getattr(tr, name))[k])
            # P is a real part of a product: measured on the size of its terms, which it may cancel far below
            size = ref[k].P_scale if name == "P" else abs(value)
            # ... and the phase lambda t of each mode still alive carries a few eps of its own size
            alive = lam[-lam.real * times[k] < 50]
            phase = 64 * np.finfo(float).eps * float(np.abs(alive).max(initial=0.0)) * times[k]
            yardstick = (rtol + phase) * size + abs(moved[name] - value) + 1e-300
            out[name].append(abs(ours - value) / yardstick)
    return {name: np.asarray(v) for name, v in out.items()}
