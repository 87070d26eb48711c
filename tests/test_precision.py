"""Exact to rounding for widely separated rates and at any magnitude: evolve, steady_state and eigenvalues against
mpmath at 50 digits (issue 13, items 4 and 5).

The yardstick of :func:`_mpmath_reference.relative_errors` is ``rtol |Q| + |Q(t (1 + 64 eps)) - Q(t)|``: relative
error ``rtol`` of the value, plus what a time known to its last digit can move it.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest
from _mpmath_reference import eigenvalues as mp_eigenvalues
from _mpmath_reference import relative_errors, steady

import nrqb
from nrqb.drift import decay_rates

RTOL = 1e-12


def log_times(p: nrqb.Params, n: int = 7) -> np.ndarray:
    """Times from well inside the fastest transient to 30 slowest decay times."""
    lam = nrqb.eigenvalues(p)
    fast, slow = float(np.abs(lam).max()), float(-lam[..., 0].real)
    return np.geomspace(1e-3 / fast, 30 / slow, n)


def assert_matches_mpmath(p: nrqb.Params, times: np.ndarray, rtol: float = RTOL) -> None:
    errors = relative_errors(p, times, nrqb.evolve(p, times), rtol)
    for name, err in errors.items():
        assert err.max() <= 1, f"{name}: error {err.max():.2e} x the yardstick at t = {times[err.argmax()]:.3g}"


def test_the_issues_separated_rates_example_is_exact():
    """Regression: E_B was 9e-4 off (rates 1e6 and 1e-8), and steady_state said 'no steady state'."""
    p = nrqb.Params(Gamma=0, kappa_a=1e6, kappa_b=1e-8, epsilon=0.1, phi=0, J=0.01)
    assert_matches_mpmath(p, np.array([1e-3, 1.0, 100.0, 1e4, 1e8, 1e12]))
    E_A, E_B = steady(p)
    ss = nrqb.steady_state(p)
    assert ss.E_B == pytest.approx(E_B, rel=1e-14) and ss.E_A == pytest.approx(E_A, rel=1e-14)


def test_the_issues_dark_example_is_exact():
    """Regression: paper_params(kappa_a=kappa_b=1e-12, phi=0, J=0) was 2e-6 off (Gamma^2 cancelled in det M)."""
    p = nrqb.paper_params(kappa_a=1e-12, kappa_b=1e-12, phi=0, J=0)
    assert_matches_mpmath(p, np.array([1e-3, 1.0, 100.0, 1e4, 1e8, 1e12]))
    E_A, E_B = steady(p)
    ss = nrqb.steady_state(p)
    assert ss.E_B == pytest.approx(E_B, rel=1e-14) and ss.E_A == pytest.approx(E_A, rel=1e-14)
    slow = nrqb.eigenvalues(p)[0]
    with mp.workdps(40):
        exact = -(mp.mpf(0.04) * 2e-12 + mp.mpf(1e-12) ** 2) / 4 / (mp.mpf(0.04) + mp.mpf(1e-12))  # det / lambda_fast
    assert slow.real == pytest.approx(float(exact), rel=1e-14) and slow.imag == 0


@pytest.mark.parametrize("ratio", [1e0, 1e2, 1e4, 1e6, 1e8, 1e10, 1e12, 1e14])
@pytest.mark.parametrize(
    "base",
    [
        {"Gamma": 0.04, "J": 0.02, "phi": np.pi / 2},  # the paper's nonreciprocal point (Fig. 2)
        {"Gamma": 0.0, "J": 0.01, "phi": 0.0, "Delta_b": 0.003},  # coherent coupling only, detuned battery
        {"Gamma": 0.04, "J": 0.013, "phi": 1.1, "Delta_a": -0.002},  # a general phase (backflow)
    ],
)
def test_separated_damping_rates_up_to_1e14_against_mpmath(ratio, base):
    for kappa_a, kappa_b in ((0.003 * ratio, 0.003), (0.003, 0.003 / ratio)):
        p = nrqb.Params(kappa_a=kappa_a, kappa_b=kappa_b, epsilon=0.1, **base)
        assert_matches_mpmath(p, log_times(p))


@pytest.mark.parametrize("ratio", [1e4, 1e8, 1e14])
def test_separated_coupling_and_damping_at_the_exceptional_point(ratio):
    """At J_EP with kappa_a >> kappa_b the charger settles far below its transient scale: no cancellation."""
    p = nrqb.at_exceptional_point(nrqb.paper_params(Gamma=1e-3, kappa_a=1.0, kappa_b=1.0 / ratio))
    assert_matches_mpmath(p, log_times(p))


def test_small_times_keep_relative_accuracy():
    """E_B grows as t^4 from the vacuum: the value at t = 1e-9 is right to rounding, not to 1e-16 absolute."""
    for p in (nrqb.paper_params(), nrqb.paper_params(kappa_b=0.3, Delta_b=0.01, phi=0.4)):
        assert_matches_mpmath(p, np.geomspace(1e-9, 1.0, 7))
        tr = nrqb.evolve(p, 1e-9)
        leading = p.omega * (p.epsilon * abs(nrqb.drift.drift_matrix(p)[1, 0]) / 2) ** 2 * 1e-36  # |f M_ba t^2/2|^2
        assert float(tr.E_B) == pytest.approx(leading, rel=1e-8)


@pytest.mark.parametrize("scale", [2.0**-500, 2.0**-60, 2.0**60, 2.0**500])
def test_a_common_scale_of_all_rates_is_exact(scale):
    """Rates s*x and times t/s give the same amplitudes (a power of two: exactly representable)."""
    p = nrqb.paper_params(kappa_b=0.01, Delta_b=0.004, phi=1.0, J=0.015)
    t = np.geomspace(1e-3, 3e3, 40)
    q = p.replace(**{k: getattr(p, k) * scale for k in ("Gamma", "kappa_a", "kappa_b", "Delta_a", "Delta_b", "J")})
    q = q.replace(epsilon=p.epsilon * scale)
    a, b = nrqb.evolve(p, t), nrqb.evolve(q, t / scale)
    np.testing.assert_allclose(b.E_B, a.E_B, rtol=1e-14)
    np.testing.assert_allclose(b.E_A, a.E_A, rtol=1e-14)
    np.testing.assert_allclose(b.P / scale, a.P, rtol=1e-12, atol=1e-14 * np.abs(a.P).max())
    np.testing.assert_allclose(nrqb.steady_state(q).E_B, nrqb.steady_state(p).E_B, rtol=1e-14)


@pytest.mark.parametrize("overrides", [{"Gamma": 1e155}, {"kappa_b": 1e200}, {"J": 1e300}, {"Gamma": 1e-300}])
def test_extreme_magnitudes_are_not_singular(overrides):
    """Regression: these said 'the drift matrix is singular' (an internal square overflowed)."""
    p = nrqb.paper_params(**overrides)
    t = log_times(p, 5)
    assert_matches_mpmath(p, t)
    E_A, E_B = steady(p)
    ss = nrqb.steady_state(p)
    assert ss.E_A == pytest.approx(E_A, rel=1e-13, abs=1e-300)
    assert ss.E_B == pytest.approx(E_B, rel=1e-13, abs=1e-300)


def test_energies_beyond_the_float_range_are_an_error_naming_epsilon():
    """Regression: summary --epsilon 1e200 printed inf and nan."""
    with pytest.raises(ValueError, match=r"E_A overflows.*epsilon"):
        nrqb.evolve(nrqb.paper_params(epsilon=1e200), [100.0])
    with pytest.raises(ValueError, match=r"overflows.*epsilon"):
        nrqb.steady_state(nrqb.paper_params(epsilon=1e200))


def test_rates_at_the_ends_of_the_float_range_are_named():
    with pytest.raises(ValueError, match=r"\(Gamma, kappa_a, .*\) must stay below about 1e306"):
        nrqb.evolve(nrqb.paper_params(Gamma=1.7e308, J=1.7e308, kappa_a=1e300, kappa_b=1e300), [1.0])
    with pytest.raises(ValueError, match="more than 1e290 apart"):
        nrqb.evolve(nrqb.paper_params(Gamma=1e300, kappa_a=1e-20, kappa_b=1e-20, J=0.0, phi=0.0), [1.0])


def test_steady_state_decides_damping_from_the_decay_rates_not_from_a_threshold():
    """A battery with kappa_b/kappa_a = 1e-20 beside a detuning: damped (tiny but exact); a dark state: not."""
    p = nrqb.Params(Gamma=0.0, kappa_a=1.0, kappa_b=1e-20, epsilon=0.1, phi=0.0, J=1e-12, Delta_b=1.0)
    rates, bounds = decay_rates(p)
    # kappa_b/2 plus the charger's share J^2 (kappa_a/2)/((kappa_a/2)^2 + Delta_b^2) = 4e-25
    assert rates.min() == pytest.approx(0.5e-20 + 4e-25, rel=1e-10) and np.all(rates > bounds)
    _, E_B = steady(p)
    assert nrqb.steady_state(p).E_B == pytest.approx(E_B, rel=1e-12)
    # phi = pi in floating point leaves a - b dark to rounding (sin(fl(pi)) = 1.2e-16): refused.
    dark = nrqb.Params(Gamma=0.04, kappa_a=0.0, kappa_b=0.0, epsilon=0.1, phi=np.pi, J=0.01)
    with pytest.raises(ValueError, match="zero to rounding"):
        nrqb.steady_state(dark)


def test_eigenvalues_of_widely_separated_modes_against_mpmath():
    for p in (
        nrqb.Params(Gamma=0, kappa_a=1e6, kappa_b=1e-8, epsilon=0.1, phi=0, J=0.01),
        nrqb.paper_params(kappa_a=1e-12, kappa_b=1e-12, phi=0, J=0),
        nrqb.paper_params(kappa_b=1e-14, Delta_b=3.0),
        nrqb.paper_params(Gamma=1e155),
    ):
        ours = nrqb.eigenvalues(p)
        for lam in mp_eigenvalues(p):
            closest = ours[np.argmin(np.abs(ours - lam))]
            assert abs(closest - lam) <= 1e-14 * abs(lam), (p, closest, lam)
