"""Property-based tests (Hypothesis): random valid parameters against independent routes, invariants of the model, and
invalid input always refused with a message that names the field.

Profiles: ``ci`` (the default, used by ``make test``) is deterministic (``derandomize``, no example database) and
short; ``fuzz`` (``make fuzz``, or ``NRQB_HYPOTHESIS_PROFILE=fuzz``) draws 2,000 random examples per property.

Stated tolerances:

* against 50-digit arithmetic (mpmath, the augmented-matrix exponential): ``1e-10`` relative, plus
  ``64 eps |lambda| t`` for the phase of each mode still alive and what a change of the time by ``64 eps`` moves
  the value (``_mpmath_reference.relative_errors``: the phases ``lambda t`` of long-lived oscillations are known
  no better), for rates spread over 12 decades and magnitudes 1e-145 to 1e145;
* against SciPy's matrix exponential in double precision (broadcast arrays, rates within three decades):
  ``1e-9 + 100 eps ||M|| t`` relative to the largest value of the trajectory (SciPy's scaling and squaring is
  accurate to about ``eps ||M t||`` relative to its largest entries);
* broadcasting against scalar calls: ``1e-14 + 16 eps |lambda| t`` relative (last bits, amplified by the phase);
* invariants hold to rounding (a few units of ``1e-16`` relative, on the scale of their terms), except the
  derivative by finite differences, whose own error is stated in its test.
"""

from __future__ import annotations

import math
import os

import numpy as np
import pytest
import scipy.linalg
from _mpmath_reference import relative_errors
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import nrqb
from nrqb.drift import decay_rates, drift_matrix, drive_vector
from nrqb.validation import RULES

settings.register_profile(
    "ci",
    derandomize=True,
    database=None,
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
    print_blob=True,
)
settings.register_profile(
    "fuzz", max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow], print_blob=True
)
settings.load_profile(os.environ.get("NRQB_HYPOTHESIS_PROFILE", "ci"))

RATE_FIELDS = ("Gamma", "kappa_a", "kappa_b", "Delta_a", "Delta_b", "J")


# --------------------------------------------------------------------------- strategies


def magnitude(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Log-uniform positive floats between 10**lo and 10**hi."""
    return st.floats(lo, hi, allow_nan=False).map(lambda e: 10.0**e)


def rate(lo: float = -6.0, hi: float = 1.0, zero: bool = True) -> st.SearchStrategy[float]:
    return st.one_of(st.just(0.0), magnitude(lo, hi)) if zero else magnitude(lo, hi)


def signed(lo: float = -6.0, hi: float = 1.0) -> st.SearchStrategy[float]:
    return st.one_of(
        st.just(0.0), st.tuples(st.sampled_from([-1.0, 1.0]), magnitude(lo, hi)).map(lambda s: s[0] * s[1])
    )


phases = st.one_of(st.sampled_from([0.0, math.pi / 2, -math.pi / 2, math.pi]), st.floats(-math.pi, math.pi))


def damped(p: nrqb.Params) -> bool:
    """Every mode decays (decay rate above its rounding bound), so the t -> inf limit exists."""
    rates, bounds = decay_rates(p)
    return bool(np.all(rates > bounds))


def valid_params(lo: float = -6.0, hi: float = 1.0) -> st.SearchStrategy[nrqb.Params]:
    """One scalar parameter set whose modes are all damped (so the steady state exists), rates over 10**lo..10**hi."""
    return any_params(lo, hi).filter(damped)


@st.composite
def any_params(draw: st.DrawFn, lo: float = -6.0, hi: float = 1.0) -> nrqb.Params:
    """One scalar parameter set, rates over 10**lo..10**hi (zeros included), sometimes at an operating point."""
    J = draw(signed(lo, hi))
    if draw(st.booleans()):
        J = J * complex(math.cos(draw(phases)), math.sin(draw(phases)))
    p = nrqb.Params(
        Gamma=draw(rate(lo, hi)),
        kappa_a=draw(rate(lo, hi, zero=False)),
        kappa_b=draw(rate(lo, hi)),
        epsilon=draw(magnitude(-3, 1)),
        phi=draw(phases),
        J=J,
        Delta_a=draw(signed(lo, hi)),
        Delta_b=draw(signed(lo, hi)),
        omega=draw(magnitude(-1, 1)),
    )
    if draw(st.booleans()):  # sit on an operating point of the paper half of the time
        point = draw(st.sampled_from(["nonreciprocal", "exceptional"]))
        if point == "nonreciprocal":
            p = p.replace(J=0.5j * p.Gamma * np.exp(-1j * p.phi))
        else:
            J_ep = nrqb.exceptional_coupling(p, missing="nan")
            if np.isfinite(J_ep):
                p = p.replace(J=float(J_ep))
    return p


def decay_and_speed(p: nrqb.Params) -> tuple[float, float]:
    """The slowest decay rate (from decay_rates: accurate even beside a large frequency) and the fastest rate."""
    return float(decay_rates(p)[0].min()), float(np.abs(nrqb.eigenvalues(p)).max())


def times_for(p: nrqb.Params, fractions: list[float]) -> np.ndarray:
    """Times from inside the fastest transient (fraction 0) to 30 slowest decay times (fraction 1), log-spaced."""
    slow, fast = decay_and_speed(p)
    lo, hi = math.log(1e-2 / fast), math.log(30 / slow)
    return np.exp(lo + (hi - lo) * np.asarray(fractions))


def scipy_trajectory(p: nrqb.Params, t: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """<a>, <b> from scipy.linalg.expm of the augmented matrix [[M, f], [0, 0]] t, one time at a time."""
    M, f = drift_matrix(p), drive_vector(p)
    aug = np.zeros((3, 3), complex)
    aug[:2, :2], aug[:2, 2] = M, f
    x = np.array([scipy.linalg.expm(aug * s)[:2, 2] for s in np.ravel(t)])
    return x[:, 0], x[:, 1]


# --------------------------------------------------------------------------- against independent routes


@settings(max_examples=settings().max_examples // 2 or 1)
@given(p=valid_params(lo=-6.0, hi=6.0), fractions=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=3))
def test_evolve_against_50_digit_arithmetic(p, fractions):
    """Rates over 12 decades, any phase, at the operating points too: 1e-10 relative (plus the time's last digit)."""
    assume(decay_and_speed(p)[0] > 0)
    t = times_for(p, fractions)
    errors = relative_errors(p, t, nrqb.evolve(p, t), rtol=1e-10)
    for name, err in errors.items():
        assert err.max() <= 1, f"{name}: {err.max():.3g} x the tolerance at t = {t[err.argmax()]:.4g}, p = {p}"


@settings(max_examples=settings().max_examples // 4 or 1)
@given(p=valid_params(lo=-3.0, hi=1.0), k=st.integers(-480, 480), fraction=st.floats(0.0, 1.0))
def test_extreme_magnitudes_against_50_digit_arithmetic(p, k, fraction):
    """The same physics with every rate, the drive and 1/t scaled by 2**k (magnitudes 1e-145 .. 1e145)."""
    assume(decay_and_speed(p)[0] > 0)
    s = 2.0**k
    q = p.replace(**{name: getattr(p, name) * s for name in RATE_FIELDS}, epsilon=p.epsilon * s)
    t = times_for(p, [fraction]) / s
    errors = relative_errors(q, t, nrqb.evolve(q, t), rtol=1e-10)
    assert max(err.max() for err in errors.values()) <= 1, (errors, q, t)


@st.composite
def broadcast_params(draw: st.DrawFn) -> tuple[nrqb.Params, list[nrqb.Params]]:
    """Params with two fields as arrays of shapes (n, 1) and (1, m) (moderate magnitudes), and the n*m scalar sets."""
    base = draw(valid_params(lo=-3.0, hi=0.0))
    first, second = draw(
        st.lists(
            st.sampled_from(["Gamma", "kappa_a", "kappa_b", "phi", "Delta_b", "J"]), min_size=2, max_size=2, unique=True
        )
    )
    n, m = draw(st.integers(1, 3)), draw(st.integers(1, 3))
    values = {}
    for name, size, axis_shape in ((first, n, (n, 1)), (second, m, (1, m))):
        strategy = phases if name == "phi" else signed(-3.0, 0.0) if name in ("Delta_b", "J") else rate(-3.0, 0.0)
        values[name] = np.array(draw(st.lists(strategy, min_size=size, max_size=size))).reshape(axis_shape)
    p = base.replace(**values)
    singles = [
        base.replace(**{first: values[first][i, 0], second: values[second][0, j]}) for i in range(n) for j in range(m)
    ]
    return p, singles


@given(case=broadcast_params(), fraction=st.floats(0.0, 1.0))
def test_broadcast_arrays_against_scipy_expm_and_scalar_calls(case, fraction):
    p, singles = case
    # SciPy's double-precision route loses digits on stiff problems (fast/slow rates far apart): test_precision
    # covers those against 50 digits; here the rates stay within three decades of each other.
    assume(all(0 < 1e3 * decay_and_speed(q)[0] > decay_and_speed(q)[1] for q in singles))
    slow = min(decay_and_speed(q)[0] for q in singles)
    t = np.array([0.0, fraction * 20 / slow, 20 / slow])
    tr = nrqb.evolve(p, t[:, None, None])
    assert tr.E_B.shape == (3, *p.shape)
    for k, q in enumerate(singles):
        i, j = divmod(k, p.shape[1])
        one = nrqb.evolve(q, t)
        # Broadcasting changes nothing but the last bits (numpy's vectorised loops round differently by length);
        # P = 2 omega Re(conj(b) db/dt) is compared on the scale of its two factors.
        phase = 16 * np.finfo(float).eps * decay_and_speed(q)[1] * t.max()  # rounding of lambda t, amplified
        np.testing.assert_allclose(tr.E_B[:, i, j], one.E_B, rtol=1e-14 + phase, atol=0)
        b_dot = np.abs(drift_matrix(q)[1, 0] * one.alpha) + np.abs(drift_matrix(q)[1, 1] * one.beta)
        P_scale = 2 * q.omega * np.abs(one.beta) * b_dot
        np.testing.assert_allclose(tr.P[:, i, j], one.P, rtol=0, atol=(1e-13 + phase) * P_scale.max() + 1e-300)
        a, b = scipy_trajectory(q, t)
        # SciPy's scaling-and-squaring is accurate to about eps ||M t|| relative to the largest values
        scale = max(np.abs(a).max(), np.abs(b).max()) ** 2 * q.omega
        tol = (1e-9 + 100 * np.finfo(float).eps * np.abs(drift_matrix(q)).max() * t.max()) * scale
        np.testing.assert_allclose(one.E_B, q.omega * np.abs(b) ** 2, rtol=0, atol=tol)
        np.testing.assert_allclose(one.E_A, q.omega * np.abs(a) ** 2, rtol=0, atol=tol)


# --------------------------------------------------------------------------- invariants


@given(p=valid_params(lo=-4.0, hi=1.0), fractions=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4))
def test_energies_are_non_negative_and_efficiency_is_a_fraction(p, fractions):
    tr = nrqb.evolve(p, times_for(p, fractions))
    assert np.all(tr.E_A >= 0) and np.all(tr.E_B >= 0)
    assert np.all((tr.eta >= 0) & (tr.eta <= 1))
    assert np.all(np.isfinite(tr.P))


@given(p=valid_params(lo=-4.0, hi=1.0), fractions=st.lists(st.floats(0.05, 1.0), min_size=1, max_size=4))
def test_energy_balance_and_power_from_the_equations_of_motion(p, fractions):
    """P = dE_B/dt with d<b>/dt = M_ba <a> + M_bb <b>; dE_A/dt + dE_B/dt = drive in - losses (an exact identity)."""
    t = times_for(p, fractions)
    tr = nrqb.evolve(p, t)
    M, f = drift_matrix(p), drive_vector(p)
    a_dot = M[0, 0] * tr.alpha + M[0, 1] * tr.beta + f[0]
    b_dot = M[1, 0] * tr.alpha + M[1, 1] * tr.beta
    P_B = 2 * p.omega * (np.conj(tr.beta) * b_dot).real
    size = 2 * p.omega * (np.abs(tr.beta) * (np.abs(M[1, 0] * tr.alpha) + np.abs(M[1, 1] * tr.beta)))
    np.testing.assert_allclose(tr.P, P_B, rtol=0, atol=1e-11 * size.max() + 1e-300)
    P_A = 2 * p.omega * (np.conj(tr.alpha) * a_dot).real
    losses = p.kappa_a * tr.n_a + p.kappa_b * tr.n_b + p.Gamma * np.abs(tr.alpha + np.exp(-1j * p.phi) * tr.beta) ** 2
    drive_in = 2 * (np.conj(tr.alpha) * f[0]).real
    budget = np.abs(P_A) + np.abs(P_B) + p.omega * (losses + np.abs(drive_in))
    np.testing.assert_allclose(P_A + P_B, p.omega * (drive_in - losses), rtol=0, atol=1e-11 * budget.max())


@given(p=valid_params(lo=-3.0, hi=0.0), fraction=st.floats(0.0, 1.0))
def test_power_is_the_time_derivative_of_the_battery_energy(p, fraction):
    """A central difference of E_B agrees with P to the difference's own error: step h = 1e-3 tau with
    tau = min(t, 1/fastest rate), truncation ~ (h/tau)^2 = 1e-6 of the scale |P| + E_B/tau, rounding ~ 1e3 eps."""
    _, fast = decay_and_speed(p)
    t = float(times_for(p, [fraction])[0])
    tau = min(t, 1 / fast)
    h = 1e-3 * tau
    assume(t * fast < 1e6)  # beyond, the step is lost against t itself (and phases lambda t are known to ~1e-10)
    tr = nrqb.evolve(p, np.array([t - h, t, t + h]))
    scale = abs(float(tr.P[1])) + float(tr.E_B[1]) / tau
    assert (tr.E_B[2] - tr.E_B[0]) / (2 * h) == pytest.approx(float(tr.P[1]), abs=1e-5 * scale)


@given(p=valid_params(lo=-4.0, hi=1.0))
def test_steady_state_is_the_long_time_limit(p):
    slow, _ = decay_and_speed(p)
    assume(slow > 0)
    late = nrqb.evolve(p, 60 / slow)  # transients are down by e^-60 ~ 1e-26 of the energy scale omega epsilon^2/slow^2
    ss = nrqb.steady_state(p)
    energy = p.omega * p.epsilon**2 / slow**2
    for name in ("E_A", "E_B"):
        assert float(getattr(late, name)) == pytest.approx(float(getattr(ss, name)), rel=1e-9, abs=1e-20 * energy)
    assert float(late.eta) == pytest.approx(float(ss.eta), rel=1e-9, abs=1e-12)
    assert float(late.P) == pytest.approx(0.0, abs=1e-20 * energy * abs(nrqb.eigenvalues(p)).max())


@given(p=valid_params(lo=-4.0, hi=1.0), fractions=st.lists(st.floats(0.0, 1.0), min_size=1, max_size=4))
def test_phase_and_detuning_mirror_symmetry(p, fractions):
    """(phi, Delta_a, Delta_b, J) -> (pi - phi, -Delta_a, -Delta_b, conj J) maps <a>, <b> to -conj<a>, conj<b>:
    M' = S conj(M) S with S = diag(1, -1) and f' = -conj(f), so every energy and the power are unchanged."""
    q = p.replace(phi=math.pi - p.phi, Delta_a=-p.Delta_a, Delta_b=-p.Delta_b, J=np.conj(p.J))
    t = times_for(p, fractions)
    a, b = nrqb.evolve(p, t), nrqb.evolve(q, t)
    # phi and pi - phi round differently (cos(pi/2) = 6e-17, not 0): a coupling that is exactly 0 in one is a
    # rounding error in the other, so values far below the energy scale omega epsilon^2 / slow^2 may differ.
    slow, fast = decay_and_speed(p)
    energy = p.omega * p.epsilon**2 / slow**2
    amplitude = p.epsilon / slow
    for name in ("E_A", "E_B"):
        np.testing.assert_allclose(getattr(b, name), getattr(a, name), rtol=1e-11, atol=1e-13 * energy)
    np.testing.assert_allclose(b.P, a.P, rtol=1e-10, atol=1e-13 * energy * fast)
    np.testing.assert_allclose(b.alpha, -np.conj(a.alpha), rtol=1e-10, atol=1e-13 * amplitude)
    np.testing.assert_allclose(b.beta, np.conj(a.beta), rtol=1e-10, atol=1e-13 * amplitude)


# --------------------------------------------------------------------------- invalid input

OWNERS = {"Params": nrqb.paper_params, "ThreeModeParams": None}
THREE_MODE = dict(
    g_a=0.1, g_b=0.1, gamma_m=10.0, Delta_c=0.0, kappa_a=0.003, kappa_b=0.003, epsilon=0.1, phi=1.0, J=0.0
)


def invalid_values(kind: str) -> st.SearchStrategy[object]:
    """Values a field of this kind must refuse."""
    bad: list[st.SearchStrategy[object]] = [
        st.sampled_from([float("nan"), float("inf"), -float("inf"), True, False, None, "0.1", [[0.1, 0.2], [0.3]]]),
        st.lists(st.sampled_from([0.1, float("nan")]), min_size=2, max_size=4).filter(
            lambda v: any(map(math.isnan, v))
        ),
    ]
    if kind in ("rate", "positive"):
        bad.append(st.floats(max_value=0.0, exclude_max=kind == "rate", allow_nan=False, allow_infinity=False))
    if kind != "complex":
        bad.append(st.floats(1e-300, 1e3).map(lambda x: complex(0.1, x)))
    return st.one_of(*bad)


@st.composite
def invalid_field(draw: st.DrawFn) -> tuple[str, str, object]:
    owner = draw(st.sampled_from(["Params", "ThreeModeParams"]))
    name = draw(st.sampled_from(sorted(RULES[owner])))
    return owner, name, draw(invalid_values(RULES[owner][name].kind))


@given(case=invalid_field())
def test_invalid_input_is_always_a_value_or_type_error_naming_the_field(case):
    owner, name, value = case
    with pytest.raises((ValueError, TypeError)) as info:
        if owner == "Params":
            nrqb.paper_params(**{name: value})
        else:
            nrqb.ThreeModeParams(**{**THREE_MODE, name: value})
    assert f"{owner}.{name}" in str(info.value)


@given(
    t=st.one_of(
        st.floats(max_value=-1e-300), st.sampled_from([float("nan"), float("inf"), True, "1", [[0.0], [1.0, 2.0]], 1j])
    )
)
def test_invalid_times_are_refused_naming_t(t):
    with pytest.raises((ValueError, TypeError), match=r"t \(time in units of 1/omega\)"):
        nrqb.evolve(nrqb.paper_params(), t)
