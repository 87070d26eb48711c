"""nrqb.analysis: peak power, first crossings and the operating-point couplings against independent routes."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import nrqb
from nrqb.analysis import (
    backward_coupling,
    charging_summary,
    first_crossing,
    nonreciprocal_coupling,
    peak_power,
    time_grid,
)
from nrqb.drift import drift_matrix, drive_vector


def power_by_ode(p: nrqb.Params, t: np.ndarray) -> np.ndarray:
    """P = d|<b>|^2/dt from a stiff ODE solve of paper Eq. (13) (zero temperature)."""
    M, f = drift_matrix(p), drive_vector(p)
    sol = solve_ivp(lambda _, x: M @ x + f, (0, t[-1]), np.zeros(2, complex), t_eval=t, rtol=1e-11, atol=1e-13)
    x = sol.y
    dx = M @ x + f[:, None]
    return 2 * np.real(np.conj(x[1]) * dx[1]) * p.omega


@pytest.mark.parametrize(
    "changes",
    [{}, {"Delta_b": 0.01}, {"Delta_b": 0.1}, {"kappa_b": 0.03}, {"phi": 0.5}, {"J": 0.05, "Gamma": 0.01}],
)
def test_peak_power_is_the_maximum_of_an_ode_solution(changes):
    p = nrqb.paper_params(**changes)
    t_max = 5 / abs(p.J)
    peak = peak_power(p, t_max=t_max)
    t = np.linspace(0, t_max, 20001)
    P = power_by_ode(p, t)
    assert peak.resolved
    assert peak.P >= P.max() - 1e-9  # no grid point of an independent solution is higher
    assert peak.P == pytest.approx(P.max(), rel=1e-6)
    assert abs(peak.t - t[np.argmax(P)]) <= 2 * (t[1] - t[0])
    assert peak.Jt == pytest.approx(abs(p.J) * peak.t)


@pytest.mark.parametrize("seed", range(6))
def test_peak_power_is_as_high_as_brent_finds_and_where_the_power_is_stationary(seed):
    """The dense-grid refinement against bounded Brent on the closed form, around random parameters' peaks."""
    from scipy.optimize import minimize_scalar

    rng = np.random.default_rng(seed)
    p = nrqb.paper_params(
        Gamma=10 ** rng.uniform(-3, 0),
        kappa_a=10 ** rng.uniform(-4, -1),
        kappa_b=10 ** rng.uniform(-4, -1),
        phi=rng.uniform(0, np.pi),
        J=10 ** rng.uniform(-3, 0),
        Delta_b=rng.normal(0, 0.05),
    )
    peak = peak_power(p)
    t, _ = time_grid(p, None)
    k = int(np.searchsorted(t, peak.t))
    lo, hi = t[max(k - 2, 0)], t[min(k + 2, t.size - 1)]
    brent = minimize_scalar(lambda x: -float(nrqb.evolve(p, x).P), bounds=(lo, hi), method="bounded")
    assert peak.P >= -brent.fun * (1 - 1e-13)
    assert peak.t == pytest.approx(brent.x, rel=1e-5)
    if peak.t > 0:  # an interior maximum: the power is stationary there (dP/dt = 0 to the resolution in t)
        h = 1e-4 * peak.t
        before, after = nrqb.evolve(p, np.array([peak.t - h, peak.t + h])).P
        assert max(before, after) <= peak.P


@pytest.mark.parametrize("t_max", [1e3, 1e6, 1e12, 1e300])
def test_peak_power_does_not_depend_on_a_long_window(t_max):
    """Regression: on long windows a fixed 4001-point grid reported 0.078 at t = 250 (1e6) or 0 at t = 0 (1e300)."""
    p = nrqb.paper_params()
    reference = peak_power(p, t_max=400.0)
    peak = peak_power(p, t_max=t_max)
    assert peak.P == pytest.approx(reference.P, rel=1e-10)
    assert peak.t == pytest.approx(reference.t, rel=1e-6)
    assert time_grid(p, t_max)[0].size < 10_000


def test_charging_summary_finds_the_peak_a_coarse_grid_misses():
    p = nrqb.paper_params()
    coarse = nrqb.evolve(p, np.linspace(0.0, 1e6, 4001))  # spacing 250/omega: the peak near t = 90 is invisible
    summary = charging_summary(coarse, nrqb.steady_state(p))
    assert coarse.P.max() < 0.2
    assert summary["P_peak"] == pytest.approx(peak_power(p, t_max=400.0).P, rel=1e-10)
    assert summary["peak_resolved"] is True


def test_fixed_grid_mode_agrees_with_the_resolved_mode_for_many_parameter_sets():
    rng = np.random.default_rng(7)
    kappa_b = 0.003 * 10 ** rng.uniform(-1, 1, 25)
    p = nrqb.paper_params(kappa_b=kappa_b)
    fixed = peak_power(p, t_max=300.0, n_grid=256, refine=40)
    for i, kb in enumerate(kappa_b):
        assert fixed.P[i] == pytest.approx(peak_power(nrqb.paper_params(kappa_b=kb), t_max=300.0).P, rel=1e-9)


def test_widely_separated_rates_are_resolved_on_a_multiscale_grid():
    p = nrqb.Params(Gamma=0.0, kappa_a=1e3, kappa_b=1e-6, epsilon=0.1, phi=0.0, J=0.01)
    t, resolved = time_grid(p)
    assert resolved and t.size < 20_000
    assert t[1] - t[0] < 1e-4 and t[-1] > 1e7
    peak = peak_power(p)
    # The charger settles in ~1e-3/omega, the battery fills over ~1/kappa_b = 1e6/omega: the peak is late.
    dense = np.concatenate([np.linspace(0, 0.05, 50001), np.geomspace(0.05, 1e8, 200001)])
    P = nrqb.evolve(p, dense).P
    assert peak.P >= P.max() * (1 - 1e-12)
    assert peak.P == pytest.approx(P.max(), rel=1e-6)
    assert peak.t > 1e5


def test_an_undamped_fast_oscillation_is_flagged_not_silently_resolved():
    p = nrqb.paper_params(kappa_a=1e-9, kappa_b=1e-9, Gamma=1e-9, J=1.0, Delta_b=1.0, phi=0.3)
    assert time_grid(p)[1] is False
    assert peak_power(p, t_max=1e12).resolved is False
    assert peak_power(p, t_max=100.0).resolved is True


@pytest.mark.parametrize(("quantity", "level"), [("eta", 0.75), ("E_B", 14.8), ("E_A", 10.0), ("eta", 0.5)])
def test_first_crossing_against_a_dense_grid(quantity, level):
    p = nrqb.paper_params(kappa_b=0.03) if level == 14.8 else nrqb.paper_params()
    t_cross = first_crossing(p, level, quantity)
    t = np.linspace(0, 2 * t_cross, 200001)
    values = getattr(nrqb.evolve(p, t), quantity)
    k = int(np.argmax(values >= level))
    assert t[k - 1] <= t_cross <= t[k]
    assert getattr(nrqb.evolve(p, t_cross), quantity) == pytest.approx(level, rel=1e-10)


def test_first_crossing_is_nan_when_the_level_is_never_reached():
    p = nrqb.paper_params()
    assert math.isnan(first_crossing(p, 2 * float(nrqb.steady_state(p).E_B), "E_B"))
    with pytest.raises(ValueError, match="quantity"):
        first_crossing(p, 1.0, "bogus")  # type: ignore[arg-type]


def test_nonreciprocal_coupling_cancels_the_backward_element():
    rng = np.random.default_rng(3)
    for phi, gamma in zip(rng.uniform(0, 2 * np.pi, 20), rng.uniform(0.001, 0.3, 20), strict=True):
        p = nrqb.paper_params(Gamma=gamma, phi=phi)
        J = nonreciprocal_coupling(p)
        assert float(backward_coupling(p.replace(J=J))) <= 1e-15 * gamma
        assert float(backward_coupling(p.replace(J=abs(J) * 1.1))) > 1e-3 * gamma
    assert nonreciprocal_coupling(nrqb.paper_params()) == 0.02
    arr = nonreciprocal_coupling(nrqb.paper_params(phi=np.array([0.1, np.pi / 2])))
    assert arr.shape == (2,) and arr[1] == pytest.approx(0.02)


def test_scalar_guards_name_the_caller():
    with pytest.raises(ValueError, match="peak_power: p must have scalar fields"):
        peak_power(nrqb.paper_params(kappa_b=np.array([0.003, 0.03])))
    with pytest.raises(TypeError, match=r"first_crossing: p must be an nrqb\.Params"):
        first_crossing(object(), 1.0)  # type: ignore[arg-type]
