"""The browser's physics (nrqb/widgets/physics.mjs, analysis.mjs) against nrqb and 50-digit mpmath, under node.

The explorers recompute in the reader's browser with these ES modules; here they are run by node on at least 1,000
random parameter sets plus the degenerate points of the closed form (exactly at an exceptional point and 1e-9
away, Lambda_a = Lambda_b, Lambda_b = Lambda_a/2, Gamma = 0, |Delta| >> Gamma), and every number is compared with
``nrqb.evolve`` / ``steady_state`` / ``exceptional_coupling`` / ``analysis.peak_power`` to 1e-10 relative
(1e-12 absolute near zero). Invalid parameters must fail in both, naming the same field.

Widely separated rates (issue 13 item 4, ported for issue 9): rate ratios up to 1e14, the degenerate points again
with rates 1e10 apart, and 300 random sets over 200 decades of overall scale, against mpmath (tests/_mpmath_reference)
and nrqb with the yardstick of tests/test_precision.py: 1e-12 of each value plus what a time known to its last digit
can move it (the conditioning of the problem, independent of the rate ratio)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from _mpmath_reference import eigenvalues as mp_eigenvalues
from _mpmath_reference import relative_errors, steady

import nrqb
from nrqb.analysis import peak_power

REPO = Path(__file__).resolve().parents[1]
RUNNER = REPO / "tests" / "js" / "run_physics.mjs"
RTOL, ATOL = 1e-10, 1e-12
FIELDS = ("Gamma", "kappa_a", "kappa_b", "epsilon", "phi", "J", "Delta_a", "Delta_b", "omega")
N_RANDOM = 1000


def node() -> str:
    path = shutil.which("node")
    if path is None:
        pytest.fail("node is not installed: run `make js-deps` (tools/js/install.sh installs it with apt)")
    return path


def run_js(cases: list[dict], tmp_path: Path) -> list[dict]:
    """Evaluate ``cases`` with the ES modules under node; results in the same order."""
    src, dst = tmp_path / "cases.json", tmp_path / "results.json"
    src.write_text(json.dumps(cases))
    proc = subprocess.run([node(), str(RUNNER), str(src), str(dst)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    results = json.loads(dst.read_text())
    unexpected = [r for r in results if r.get("unexpected")]
    assert not unexpected, f"the modules threw something other than a ParameterError: {unexpected[:3]}"
    return results


def as_float(x) -> float:
    return float(x) if not isinstance(x, str) else float(x.replace("Infinity", "inf"))


def as_dict(p: nrqb.Params) -> dict[str, float]:
    return {name: float(getattr(p, name)) for name in FIELDS}


def random_params(rng: np.random.Generator) -> nrqb.Params:
    """A random valid parameter set over the ranges the explorers offer and beyond (rates over four decades)."""
    gamma = 0.0 if rng.random() < 0.05 else 10 ** rng.uniform(-3, 0)
    return nrqb.Params(
        Gamma=gamma,
        kappa_a=10 ** rng.uniform(-4, -0.5),
        kappa_b=0.0 if rng.random() < 0.03 else 10 ** rng.uniform(-4, -0.5),
        epsilon=rng.uniform(-0.5, 0.5),
        phi=rng.uniform(0, 2 * np.pi),
        J=rng.uniform(-0.3, 0.3),
        Delta_a=rng.uniform(-0.3, 0.3),
        Delta_b=rng.uniform(-0.3, 0.3),
        omega=10 ** rng.uniform(-0.3, 0.3),
    )


def degenerate_params() -> list[tuple[str, nrqb.Params]]:
    """Points where the paper's closed forms divide by zero or the drift matrix is defective."""
    p = nrqb.paper_params()
    at_ep = nrqb.at_exceptional_point(p)
    r10 = nrqb.at_exceptional_point(p.replace(kappa_b=0.03))
    detuned = nrqb.at_exceptional_point(p.replace(Delta_b=0.01))
    cases = [
        ("paper", p),
        ("EP r=1", at_ep),
        ("EP r=1 +1e-9", at_ep.replace(J=at_ep.J * (1 + 1e-9))),
        ("EP r=1 -1e-9", at_ep.replace(J=at_ep.J * (1 - 1e-9))),
        ("EP r=10", r10),
        ("EP r=10 +1e-9", r10.replace(J=r10.J * (1 + 1e-9))),
        ("EP Delta=0.01", detuned),
        ("EP Delta=0.01 -1e-9", detuned.replace(J=detuned.J * (1 - 1e-9))),
        ("Lambda_a = Lambda_b", p.replace(kappa_b=p.kappa_a)),
        ("Lambda_a = Lambda_b, phi = 0.3", p.replace(kappa_a=0.01, kappa_b=0.01, phi=0.3)),
        ("Lambda_b = Lambda_a/2", p.replace(kappa_a=p.Gamma + 2 * 0.003, kappa_b=0.003)),
        ("Lambda_b = Lambda_a/2, J = 0.01", p.replace(kappa_a=p.Gamma + 2 * 0.003, kappa_b=0.003, J=0.01)),
        ("Gamma = 0", p.replace(Gamma=0.0, J=0.01)),
        ("Gamma = 0, J = 0", p.replace(Gamma=0.0, J=0.0)),
        ("|Delta| >> Gamma", p.replace(Delta_b=100 * p.Gamma)),
        ("|Delta| >> Gamma, negative", p.replace(Delta_a=0.5, Delta_b=-3.5)),
        ("J = 0", p.replace(J=0.0)),
        ("J < 0", p.replace(J=-0.02)),
        ("kappa_b = 0", p.replace(kappa_b=0.0)),
        ("epsilon = 0", p.replace(epsilon=0.0)),
        ("omega = 2", p.replace(omega=2.0)),
    ]
    return cases


def times_for(p: nrqb.Params, rng: np.random.Generator) -> np.ndarray:
    """A uniform grid over a few slowest decay times, plus random and very small times."""
    lam = nrqb.eigenvalues(p)
    slow = max(-float(lam[0].real), 1e-4)
    grid = np.linspace(0.0, rng.uniform(0.5, 8.0) / slow, 64)
    extra = np.concatenate([rng.uniform(0, 3 / slow, 8), [1e-9, 1e-6, 1e-3, 0.5, 1.0]])
    return np.concatenate([grid, extra])


def assert_close(actual, expected, what: str, rtol: float = RTOL, atol: float = ATOL) -> None:
    actual = np.asarray([as_float(x) for x in np.atleast_1d(actual)])
    expected = np.atleast_1d(np.asarray(expected, dtype=float))
    bad = ~(np.abs(actual - expected) <= atol + rtol * np.abs(expected))
    if np.any(bad):
        i = int(np.argmax(bad))
        raise AssertionError(
            f"{what}: {int(bad.sum())} of {bad.size} values differ; first at {i}: js {actual[i]!r}, nrqb {expected[i]!r}"
        )


@pytest.fixture(scope="module")
def parameter_sets() -> list[tuple[str, nrqb.Params]]:
    rng = np.random.default_rng(20261201)
    return degenerate_params() + [(f"random {i}", random_params(rng)) for i in range(N_RANDOM)]


def test_evolve_matches_nrqb(parameter_sets, tmp_path):
    rng = np.random.default_rng(7)
    cases, expected = [], []
    for name, p in parameter_sets:
        t = times_for(p, rng)
        cases.append({"fn": "evolve", "p": as_dict(p), "t": t.tolist(), "name": name})
        expected.append((name, nrqb.evolve(p, t)))
    results = run_js(cases, tmp_path)
    assert len(results) >= N_RANDOM + len(degenerate_params())
    for (name, tr), res in zip(expected, results, strict=True):
        assert res["ok"], f"{name}: {res['error']}"
        for key in ("E_A", "E_B", "eta", "P"):
            assert_close(res["value"][key], getattr(tr, key), f"{name} {key}")


def test_steady_state_and_eigenvalues_match_nrqb(parameter_sets, tmp_path):
    cases = []
    for _, p in parameter_sets:
        cases.append({"fn": "steadyState", "p": as_dict(p)})
        cases.append({"fn": "eigenvalues", "p": as_dict(p)})
    results = run_js(cases, tmp_path)
    for i, (name, p) in enumerate(parameter_sets):
        ss_js, lam_js = results[2 * i], results[2 * i + 1]
        try:
            ss = nrqb.steady_state(p)
        except ValueError as exc:
            assert not ss_js["ok"] and "no steady state" in ss_js["error"], f"{name}: nrqb says {exc}, js {ss_js}"
        else:
            assert ss_js["ok"], f"{name}: {ss_js['error']}"
            for key in ("E_A", "E_B", "eta"):
                assert_close(ss_js["value"][key], float(getattr(ss, key)), f"{name} steady {key}")
        lam = nrqb.eigenvalues(p)
        got = np.array([complex(as_float(re), as_float(im)) for re, im in lam_js["value"]])
        scale = float(np.max(np.abs(lam))) or 1.0
        # The splitting is sqrt(delta^2): 1e-8 relative of the rates is its rounding near an EP.
        tol = 1e-8 if "EP" in name else 1e-12
        assert np.max(np.abs(got - lam)) <= tol * scale, f"{name}: eigenvalues {got} vs {lam}"


def test_exceptional_coupling_matches_nrqb(parameter_sets, tmp_path):
    # Add the EP explorer's own cuts (paper Fig. 4): Delta across |Delta| = Gamma at r = 1, and r at Delta = 0.
    p0 = nrqb.paper_params()
    extra = [(f"Delta={d:.4f}", p0.replace(Delta_b=d)) for d in np.linspace(-0.08, 0.08, 41)]
    extra += [(f"r={r:.3g}", p0.replace(kappa_b=0.003 * r)) for r in np.logspace(-2, 3, 21)]
    extra += [(f"edge Delta=Gamma{s:+g}", p0.replace(Delta_b=p0.Gamma * (1 + s))) for s in (-1e-12, 0.0, 1e-12)]
    sets = parameter_sets + extra
    results = run_js([{"fn": "exceptionalCoupling", "p": as_dict(p)} for _, p in sets], tmp_path)
    n_none = 0
    for (name, p), res in zip(sets, results, strict=True):
        assert res["ok"], f"{name}: {res['error']}"
        expected = float(nrqb.exceptional_coupling(p, missing="nan"))
        if math.isnan(expected):
            n_none += 1
            assert res["value"] is None, f"{name}: nrqb finds no EP, js gives {res['value']}"
        else:
            assert res["value"] is not None, f"{name}: nrqb gives J_EP = {expected}, js none"
            assert_close(res["value"], expected, f"{name} J_EP")
    assert 0 < n_none < len(sets)  # both kinds of answer were exercised


def test_peak_power_matches_nrqb_on_any_window(parameter_sets, tmp_path):
    rng = np.random.default_rng(11)
    chosen = parameter_sets[: len(degenerate_params())] + parameter_sets[len(degenerate_params()) :: 5]
    cases, expected = [], []
    for name, p in chosen:
        # the paper's window Jt < 5 where J != 0, random windows, a huge one and the default (until settled)
        windows = [float(rng.uniform(1, 3000)), 1e6, None]
        if p.J != 0:
            windows.append(5 / abs(float(p.J)))
        for t_max in windows:
            cases.append({"fn": "peakPower", "p": as_dict(p), "tMax": t_max})
            expected.append((f"{name} t_max={t_max}", p, t_max))
    results = run_js(cases, tmp_path)
    for (what, p, t_max), res in zip(expected, results, strict=True):
        try:
            peak = peak_power(p, t_max=t_max)
        except ValueError as exc:
            assert not res["ok"], f"{what}: nrqb says {exc}, js gives {res['value']}"
            continue
        assert res["ok"], f"{what}: {res['error']}"
        got = res["value"]
        assert got["resolved"] == peak.resolved, what
        assert_close(got["P"], peak.P, f"{what} P_peak")
        # The maximum is flat: Brent stops within sqrt(eps)|t|, so t_peak agrees to about 1e-8 relative.
        assert_close(got["t"], peak.t, f"{what} t_peak", rtol=1e-7)


def test_invalid_parameters_fail_naming_the_field(tmp_path):
    p = as_dict(nrqb.paper_params())
    bad = [
        ("Gamma", -0.1, ">= 0"),
        ("kappa_a", -1e-3, ">= 0"),
        ("kappa_b", float("nan"), "finite"),
        ("epsilon", float("inf"), "finite"),
        ("omega", 0.0, "> 0"),
        ("J", "0.02", "number"),
    ]
    cases = []
    for name, value, _ in bad:
        q = dict(p)
        q[name] = value if isinstance(value, str) else (value if math.isfinite(value) else str(value))
        cases.append({"fn": "evolve", "p": q, "t": [0.0, 1.0]})
    # node's JSON has no NaN/inf: the runner receives strings for those, which are "not a number" errors too
    results = run_js(cases, tmp_path)
    for (name, value, needle), res in zip(bad, results, strict=True):
        assert not res["ok"] and res["param"] == name, (name, res)
        with pytest.raises((ValueError, TypeError), match=name):
            nrqb.evolve(nrqb.paper_params(**{name: value}), [0.0, 1.0])
        if isinstance(value, str) or math.isfinite(value):
            assert needle in res["error"], (name, res["error"])
    undamped = dict(p, Gamma=0.0, kappa_a=0.0, kappa_b=0.0, J=0.0)
    times = [{"fn": "evolve", "p": p, "t": [0.0, -1.0]}, {"fn": "steadyState", "p": undamped}]
    neg_t, no_ss = run_js(times, tmp_path)
    assert not neg_t["ok"] and neg_t["param"] == "t" and ">= 0" in neg_t["error"]
    assert not no_ss["ok"] and "no steady state" in no_ss["error"]
    with pytest.raises(ValueError, match="no steady state"):
        nrqb.steady_state(nrqb.Params(**undamped))


# ------------------------------------------------------------------ widely separated rates and broad magnitudes
#
# The browser module ports nrqb's cancellation-free algorithms, so it is held to the bar of tests/test_precision.py:
# against 50-digit mpmath, rtol 1e-12 of each value (of the size of its terms for P) plus what a time known to its
# last digit can move it (the phase lambda t of a long-lived oscillation; see _mpmath_reference.relative_errors).
# That yardstick is the conditioning of the problem, not of an algorithm; it does not grow with the rate ratio.

PRECISION_RTOL = 1e-12
EPS = float(np.finfo(float).eps)
ISSUE_TIMES = np.array([1e-3, 1.0, 100.0, 1e4, 1e8, 1e12])
RATIOS = [1e0, 1e2, 1e4, 1e6, 1e8, 1e10, 1e12, 1e14]
SEPARATED_BASES = [
    {"Gamma": 0.04, "J": 0.02, "phi": np.pi / 2},  # the paper's nonreciprocal point (Fig. 2)
    {"Gamma": 0.0, "J": 0.01, "phi": 0.0, "Delta_b": 0.003},  # coherent coupling only, detuned battery
    {"Gamma": 0.04, "J": 0.013, "phi": 1.1, "Delta_a": -0.002},  # a general phase (backflow)
]


def log_times(p: nrqb.Params, n: int = 7) -> np.ndarray:
    """Times from well inside the fastest transient to 30 slowest decay times (as tests/test_precision.py)."""
    lam = nrqb.eigenvalues(p)
    fast, slow = float(np.abs(lam).max()), float(-lam[..., 0].real)
    return np.geomspace(1e-3 / fast, 30 / slow, n)


def separated_params() -> list[tuple[str, nrqb.Params]]:
    """The issue's two examples, damping ratios 1 ... 1e14 both ways at three bases, and the EP at 1e4 ... 1e14."""
    cases = [
        (
            "issue: kappa_a 1e6, kappa_b 1e-8",
            nrqb.Params(Gamma=0, kappa_a=1e6, kappa_b=1e-8, epsilon=0.1, phi=0, J=0.01),
        ),
        ("issue: dark, kappa 1e-12", nrqb.paper_params(kappa_a=1e-12, kappa_b=1e-12, phi=0, J=0)),
    ]
    for b, base in enumerate(SEPARATED_BASES):
        for ratio in RATIOS:
            for kappa_a, kappa_b in ((0.003 * ratio, 0.003), (0.003, 0.003 / ratio)):
                p = nrqb.Params(kappa_a=kappa_a, kappa_b=kappa_b, epsilon=0.1, **base)
                cases.append((f"base {b} kappa_a/kappa_b {kappa_a / kappa_b:.0e}", p))
    for ratio in (1e4, 1e8, 1e14):
        p = nrqb.at_exceptional_point(nrqb.paper_params(Gamma=1e-3, kappa_a=1.0, kappa_b=1.0 / ratio))
        cases.append((f"EP kappa_a/kappa_b {ratio:.0e}", p))
    return cases


def rate_ratio(p: nrqb.Params) -> float:
    """Fastest over slowest eigenvalue modulus of the drift matrix (1 when both are 0)."""
    lam = np.abs(nrqb.eigenvalues(p))
    return float(lam.max() / lam.min()) if lam.min() > 0 else math.inf


def broad_params(rng: np.random.Generator) -> nrqb.Params:
    """Random parameters over broad magnitudes: an overall rate scale 1e-100 ... 1e100, each rate and coupling
    spread over 14 decades below it (some exactly 0), any phase, and a drive that keeps the energies finite."""
    scale = 10 ** rng.uniform(-100, 100)

    def rate(zero: float) -> float:
        return 0.0 if rng.random() < zero else scale * 10 ** rng.uniform(-14, 0)

    def signed(zero: float) -> float:
        return rate(zero) * rng.choice([-1.0, 1.0])

    return nrqb.Params(
        Gamma=rate(0.15),
        kappa_a=scale * 10 ** rng.uniform(-14, 0),  # one mode always damped: a steady state exists in most draws
        kappa_b=rate(0.1),
        epsilon=scale * 10 ** rng.uniform(-3, 1),
        phi=float(rng.choice([0.0, np.pi / 2, rng.uniform(0, 2 * np.pi)])),
        J=signed(0.1),
        Delta_a=signed(0.5),
        Delta_b=signed(0.4),
        omega=10 ** rng.uniform(-1, 1),
    )


def broad_times(p: nrqb.Params, rng: np.random.Generator, n: int) -> np.ndarray:
    """Times across every transient of ``p``: log-spaced from 1e-3/fastest to 30/slowest decay (or 1e6/fastest)."""
    lam = nrqb.eigenvalues(p)
    fast = float(np.abs(lam).max())
    slow = float(-lam[..., 0].real)
    end = 30 / slow if slow > 0 else 1e6 / fast
    return np.sort(np.geomspace(1e-3 / fast, end, n) * rng.uniform(0.9, 1.1, n))


def js_trajectories(cases: list[tuple[nrqb.Params, np.ndarray]], tmp_path: Path) -> list[SimpleNamespace]:
    results = run_js([{"fn": "evolve", "p": as_dict(p), "t": t.tolist()} for p, t in cases], tmp_path)
    out = []
    for (p, _), res in zip(cases, results, strict=True):
        assert res["ok"], f"{p}: {res['error']}"
        out.append(SimpleNamespace(**{k: np.array([as_float(x) for x in res["value"][k]]) for k in res["value"]}))
    return out


def errors_against_nrqb(p: nrqb.Params, t: np.ndarray, js: SimpleNamespace, rtol: float) -> dict[str, np.ndarray]:
    """Differences js - nrqb in units of the conditioning yardstick of _mpmath_reference.relative_errors.

    Here nrqb is the reference: ``rtol`` of each value (of the size of the terms of P, 2 omega |b| (|M_ba a| +
    |M_bb b|)), plus 64 eps |lambda| t of it for each mode not yet decayed by e^-50, plus what a change of t by
    64 eps moves it. Both routes are within one yardstick of the exact value, so within 2 of each other: <= 2 passes.
    """
    tr, nudged = nrqb.evolve(p, t), nrqb.evolve(p, t * (1 + 64 * EPS))
    lam = nrqb.eigenvalues(p)
    M = nrqb.drift.drift_matrix(p)
    b_dot = np.abs(M[1, 0] * tr.alpha) + np.abs(M[1, 1] * tr.beta)
    alive = [np.abs(lam[-lam.real * tk < 50]).max(initial=0.0) for tk in t]
    phase = 64 * EPS * np.asarray(alive) * t
    out = {}
    for name in ("E_A", "E_B", "eta", "P"):
        value, moved = getattr(tr, name), getattr(nudged, name)
        size = 2 * p.omega * np.abs(tr.beta) * b_dot if name == "P" else np.abs(value)
        yardstick = (rtol + phase) * size + np.abs(moved - value) + 1e-300
        out[name] = np.abs(getattr(js, name) - value) / yardstick
    return out


def assert_within(errors: dict[str, np.ndarray], limit: float, what: str, t: np.ndarray) -> None:
    for name, err in errors.items():
        k = int(np.argmax(err))
        assert err[k] <= limit, f"{what} {name}: error {err[k]:.2e} x the yardstick at t = {t[k]:.3g}"


def test_separated_rates_match_mpmath_and_nrqb(tmp_path):
    """Rate ratios up to 1e14 (issue 13 item 4): the browser's energies and power are exact to rounding."""
    cases = []
    for name, p in separated_params():
        times = ISSUE_TIMES if name.startswith("issue") else log_times(p)
        cases.append((name, p, times))
    trajectories = js_trajectories([(p, t) for _, p, t in cases], tmp_path)
    for (name, p, t), js in zip(cases, trajectories, strict=True):
        assert_within(relative_errors(p, t, js, PRECISION_RTOL), 1.0, f"{name} (vs mpmath)", t)
        assert_within(errors_against_nrqb(p, t, js, PRECISION_RTOL), 2.0, f"{name} (vs nrqb)", t)


def test_steady_state_and_eigenvalues_of_separated_rates_match_mpmath(tmp_path):
    sets = [
        *separated_params(),
        ("detuned, kappa_b 1e-14", nrqb.paper_params(kappa_b=1e-14, Delta_b=3.0)),
        ("Gamma 1e155", nrqb.paper_params(Gamma=1e155)),
        ("kappa_b 1e200", nrqb.paper_params(kappa_b=1e200)),
        ("J 1e300", nrqb.paper_params(J=1e300)),
        ("Gamma 1e-300", nrqb.paper_params(Gamma=1e-300)),
        (
            "kappa_b/kappa_a 1e-20 beside a detuning",
            nrqb.Params(Gamma=0.0, kappa_a=1.0, kappa_b=1e-20, epsilon=0.1, phi=0.0, J=1e-12, Delta_b=1.0),
        ),
    ]
    cases = [
        c for _, p in sets for c in ({"fn": "steadyState", "p": as_dict(p)}, {"fn": "eigenvalues", "p": as_dict(p)})
    ]
    results = run_js(cases, tmp_path)
    for i, (name, p) in enumerate(sets):
        ss, lam = results[2 * i], results[2 * i + 1]
        assert ss["ok"], f"{name}: {ss['error']}"
        E_A, E_B = steady(p)
        # x_ss = (-M_bb, M_ba) f_a / det M with det M written out: a few rounding errors of each energy
        assert as_float(ss["value"]["E_A"]) == pytest.approx(E_A, rel=1e-14, abs=1e-300), name
        assert as_float(ss["value"]["E_B"]) == pytest.approx(E_B, rel=1e-14, abs=1e-300), name
        assert ss["value"]["eta"] == pytest.approx(float(nrqb.steady_state(p).eta), rel=1e-14, abs=1e-300), name
        got = [complex(as_float(re), as_float(im)) for re, im in lam["value"]]
        # Each eigenvalue to a few units of rounding of its own modulus, however far apart the two are; at an EP
        # the splitting is sqrt(delta^2), so a rounding eps of delta^2 moves them by sqrt(eps) of the rates.
        tol = 1e-8 if name.startswith("EP") else 1e-14
        if rate_ratio(p) > 1e30:  # the reference's mu +- delta keeps 50 - log10(ratio) digits: not enough here
            continue
        for exact in mp_eigenvalues(p):
            closest = min(got, key=lambda z, exact=exact: abs(z - exact))
            assert abs(closest - exact) <= tol * abs(exact), f"{name}: {closest} vs {exact}"


def test_random_broad_magnitudes_match_nrqb_and_mpmath(tmp_path):
    """Random parameters over 200 decades of overall scale and 14 of spread, against nrqb (all) and mpmath (some)."""
    rng = np.random.default_rng(20261213)
    cases = []
    while len(cases) < 300:
        p = broad_params(rng)
        try:
            nrqb.evolve(p, [1.0])
        except ValueError:  # beyond double precision (nrqb names it; the browser's refusal is tested below)
            continue
        cases.append((p, broad_times(p, rng, 24)))
    trajectories = js_trajectories(cases, tmp_path)
    ratios = []
    for i, ((p, t), js) in enumerate(zip(cases, trajectories, strict=True)):
        ratios.append(rate_ratio(p))
        assert_within(errors_against_nrqb(p, t, js, PRECISION_RTOL), 2.0, f"random {i} {p}", t)
        if i % 10 == 0:  # 30 of them against 50 digits, 6 times each
            sub = t[::4]
            picked = SimpleNamespace(**{k: getattr(js, k)[::4] for k in ("E_A", "E_B", "P")})
            assert_within(relative_errors(p, sub, picked, PRECISION_RTOL), 1.0, f"random {i} {p} (vs mpmath)", sub)
    finite = np.asarray([r for r in ratios if math.isfinite(r)])
    # the draws did reach widely separated eigenvalues
    assert finite.max() > 1e12 and np.mean(finite > 1e6) > 0.1, np.percentile(finite, [50, 90, 100])


def test_exact_cases_at_separated_rates(tmp_path):
    """The degenerate points of the closed form, each also with rates 1e10 apart, against mpmath."""
    p = nrqb.paper_params()
    cases = [
        ("EP, r = 1, Gamma 1e10 above kappa", nrqb.at_exceptional_point(p.replace(kappa_a=4e-12, kappa_b=4e-12))),
        ("Lambda_a = Lambda_b, kappa 1e-12", p.replace(kappa_a=1e-12, kappa_b=1e-12, phi=0.3)),
        ("Lambda_b = Lambda_a/2, Gamma 1e-10", p.replace(Gamma=1e-10, kappa_a=2e-3 + 1e-10, kappa_b=1e-3, J=1e-11)),
        ("Gamma = 0, J 1e-10 kappa", p.replace(Gamma=0.0, kappa_a=1.0, kappa_b=1.0, J=1e-10)),
        ("Gamma = 0 degenerate, kappa_a = kappa_b", p.replace(Gamma=0.0, J=0.0)),
        ("small times at separated rates", p.replace(kappa_a=1e6, kappa_b=1e-8)),
    ]
    times = [np.concatenate([np.geomspace(1e-12, 1e-3, 4), log_times(q, 5)]) for _, q in cases]
    trajectories = js_trajectories([(q, t) for (_, q), t in zip(cases, times, strict=True)], tmp_path)
    for (name, q), t, js in zip(cases, times, trajectories, strict=True):
        assert_within(relative_errors(q, t, js, PRECISION_RTOL), 1.0, f"{name} (vs mpmath)", t)
        assert_within(errors_against_nrqb(q, t, js, PRECISION_RTOL), 2.0, f"{name} (vs nrqb)", t)


def test_beyond_double_precision_is_refused_naming_the_parameters(tmp_path):
    too_large = as_dict(nrqb.paper_params(Gamma=1.7e308, J=1.7e308, kappa_a=1e300, kappa_b=1e300))
    too_far = as_dict(nrqb.paper_params(Gamma=1e300, kappa_a=1e-20, kappa_b=1e-20, J=0.0, phi=0.0))
    overflow = as_dict(nrqb.paper_params(epsilon=1e200))
    cases = [
        {"fn": "evolve", "p": too_large, "t": [1.0]},
        {"fn": "evolve", "p": too_far, "t": [1.0]},
        {"fn": "evolve", "p": overflow, "t": [100.0]},
        {"fn": "steadyState", "p": overflow},
    ]
    large, far, evolve_overflow, steady_overflow = run_js(cases, tmp_path)
    assert not large["ok"] and "must stay below about 1e306" in large["error"], large
    assert not far["ok"] and "more than 1e290 apart" in far["error"], far
    for res in (evolve_overflow, steady_overflow):
        assert not res["ok"] and res["param"] == "epsilon" and "overflow" in res["error"], res
