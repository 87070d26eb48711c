"""The browser's physics (nrqb/widgets/physics.mjs, analysis.mjs) against nrqb, under node.

The explorers recompute in the reader's browser with these ES modules; here they are run by node on at least 1,000
random parameter sets plus the degenerate points of the closed form (exactly at an exceptional point and 1e-9
away, Lambda_a = Lambda_b, Lambda_b = Lambda_a/2, Gamma = 0, |Delta| >> Gamma), and every number is compared with
``nrqb.evolve`` / ``steady_state`` / ``exceptional_coupling`` / ``analysis.peak_power`` to 1e-10 relative
(1e-12 absolute near zero). Invalid parameters must fail in both, naming the same field.
"""

from __future__ import annotations

import json
import math
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest

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
