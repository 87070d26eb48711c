"""Tests of nrqb.studies.fit: the JSON contract, every fitted value recomputed at the fitted parameters by an
independent route (closed forms, dense grids, solve_ivp written out here), and what the fit claims about the quotes.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys

import numpy as np
import pytest
from scipy.integrate import solve_ivp

import nrqb
from nrqb import paper
from nrqb.studies import fit
from nrqb.studies.ledger import compute_ledger, row_by_key

UNEXPLAINED = {"fig2b.E_B_over_E_A", "fig2d.eta.Jt=2", "fig3a.E_B.Jt=4.r=10", "fig3a.E_B.Jt=4.r=0.01"}


@pytest.fixture(scope="module")
def result() -> fit.FitResult:
    return fit.fit_paper_parameters()


@pytest.fixture(scope="module")
def cli_json() -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "nrqb", "ledger", "--fit", "--json"], capture_output=True, text=True, timeout=600
    )
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def independent(p: nrqb.Params, key: str) -> float:
    """The quantity of one quote at p, by routes that do not use nrqb.studies (closed forms, solve_ivp, grids)."""
    G, ka, kb, eps = p.Gamma, p.kappa_a, p.kappa_b, p.epsilon
    J = G / 2

    def M(kappa_b, Delta=0.0):
        return np.array([[-(G + ka) / 2, 0], [-1j * G, -1j * Delta - (G + kappa_b) / 2]])  # J = Gamma/2, phi = pi/2

    def trajectory(kappa_b, Delta, t):
        A, f = M(kappa_b, Delta), np.array([-1j * eps, 0])

        def rhs(_, y):
            dx = A @ (y[:2] + 1j * y[2:]) + f
            return np.concatenate([dx.real, dx.imag])

        sol = solve_ivp(rhs, (0, t[-1]), np.zeros(4), t_eval=t, rtol=1e-11, atol=1e-13, method="DOP853")
        x = sol.y[:2] + 1j * sol.y[2:]
        P = 2 * (np.conj(x[1]) * (A @ x + f[:, None])[1]).real
        return np.abs(x[0]) ** 2, np.abs(x[1]) ** 2, P

    E_B0 = 16 * eps**2 * G**2 / ((G + ka) ** 2 * (G + kb) ** 2)
    lorentz = {d: (G + kb) ** 2 / ((G + kb) ** 2 + 4 * d**2) for d in (0.01, 0.1)}
    if key in fit.PARAMETER_QUOTES:
        return float(getattr(p, fit.PARAMETER_QUOTES[key]))
    closed = {
        "fig2a.E_B_inf.Delta=0": E_B0,
        "fig2a.E_B_inf.Delta=0.01": E_B0 * lorentz[0.01],
        "fig2a.E_B_inf.Delta=0.1": E_B0 * lorentz[0.1],
        "fig2b.E_B_over_E_A": 4 * G**2 / (G + kb) ** 2,
        "fig2b.eta_inf": 4 * G**2 / (4 * G**2 + (G + kb) ** 2),
    }
    if key in closed:
        return closed[key]
    t = np.linspace(0, 5 / J, 20001)
    if key.startswith("fig2d.P_peak"):
        return float(trajectory(kb, {"0": 0.0, "0.01": 0.01, "0.1": 0.1}[key.split("=")[1]], t)[2].max())
    E_A, E_B, P = trajectory(kb, 0.0, t)
    k = int(np.argmax(P))
    if key == "fig2d.Jt_peak.Delta=0":
        return float(J * t[k])
    if key == "fig2d.eta.Jt=2":
        return float(E_B[k] / (E_A[k] + E_B[k]))
    if key.startswith("fig3a.E_B.Jt=4"):
        r = float(key.split("r=")[1])
        return float(trajectory(r * ka, 0.0, np.linspace(0, 4 / J, 41))[1][-1])
    if key == "fig3e.P.red":
        return float(trajectory(0.01 * ka, 0.0, t[(J * t >= 0.5) & (J * t <= 3.5)] - 0.0)[2].max())
    raise KeyError(key)


def test_json_shape_is_the_contract(cli_json):
    assert list(cli_json) == ["params", "stated", "residuals"]
    assert list(cli_json["params"]) == list(cli_json["stated"]) == list(fit.KNOBS)
    assert all(name in nrqb.Params.__dataclass_fields__ for name in fit.KNOBS)
    assert [r["key"] for r in cli_json["residuals"]] == list(fit.fit_quotes())
    for r in cli_json["residuals"]:
        assert list(r) == ["key", "paper", "stated", "fitted"]
        assert r["paper"] == paper.value(r["key"]) and all(math.isfinite(r[k]) for k in ("stated", "fitted"))


def test_every_fitted_value_is_what_nrqb_computes_at_the_fitted_params(cli_json):
    p = nrqb.paper_params(**cli_json["params"])
    again = fit.quote_values(p, [r["key"] for r in cli_json["residuals"]])
    for r in cli_json["residuals"]:
        assert r["fitted"] == pytest.approx(again[r["key"]], rel=1e-12, abs=1e-15), r["key"]
        assert r["fitted"] == pytest.approx(independent(p, r["key"]), rel=2e-4), r["key"]


def test_stated_values_are_the_ledgers_ours(cli_json):
    rows = compute_ledger()
    for r in cli_json["residuals"]:
        if r["key"] in fit.PARAMETER_QUOTES:
            assert r["stated"] == cli_json["stated"][fit.PARAMETER_QUOTES[r["key"]]]
        else:
            assert r["stated"] == pytest.approx(row_by_key(rows, r["key"]).ours, rel=1e-12), r["key"]


def test_fitted_set_lies_within_the_printed_precision_of_the_stated_set(result):
    for key, field in fit.PARAMETER_QUOTES.items():
        q = paper.quote(key)
        assert abs(result.params[field] - q.value) <= q.tolerance
        assert 0 < result.sigma[field] < q.tolerance
    C = result.correlation
    assert np.allclose(C, C.T) and np.allclose(np.diag(C), 1) and np.all(np.linalg.eigvalsh(C) > -1e-12)


def test_the_fit_explains_more_and_names_what_it_cannot(result):
    stated_ok = sum(abs(r.z_stated) <= 1 for r in result.residuals)
    assert len(result.explained) > stated_ok
    assert set(result.unexplained) == UNEXPLAINED
    for key in ("fig2a.E_B_inf.Delta=0", "fig2a.E_B_inf.Delta=0.01", "fig2d.P_peak.Delta=0.01"):
        assert abs(result.residual(key).z_stated) > 1 >= abs(result.residual(key).z_fitted)
    for key in result.unexplained:  # forcing it breaks some explained quote: no single set explains it with them
        broken, _ = result.forced[key]
        assert broken and set(broken) <= set(result.explained)


def test_uncertainties_match_a_finite_difference_profile(result):
    """Moving one knob by its sd (others refit on the explained quotes) raises sum(3 z^2) by about 1."""
    keys = result.explained
    p0 = result.fitted_params()

    def chi2(values):
        return sum(3 * ((values[k] - paper.value(k)) / paper.quote(k).tolerance) ** 2 for k in keys)

    base = chi2(fit.quote_values(p0, keys))
    name = "Gamma"
    others = [k for k in fit.KNOBS if k != name]
    shifted = result.params[name] + result.sigma[name]
    from scipy.optimize import minimize

    def profile(x):
        knobs = dict(zip(others, np.exp(x), strict=True)) | {name: shifted}
        return chi2(fit.quote_values(nrqb.paper_params(**knobs), keys))

    start = np.log([result.params[k] for k in others])
    best = minimize(profile, start, method="Nelder-Mead", options={"xatol": 1e-7, "fatol": 1e-9, "maxiter": 600})
    assert best.fun - base == pytest.approx(1.0, abs=0.35)


def test_text_report_lists_every_quote(result):
    text = fit.as_text(result)
    for r in result.residuals:
        assert r.key in text
    assert text.count("unexplained") == len(result.unexplained)
    assert "forcing fig3a.E_B.Jt=4.r=10" in text


def test_unknown_quote_is_refused():
    with pytest.raises(KeyError, match="fig9"):
        fit.quote_values(nrqb.paper_params(), ["fig9.nothing"])


def test_cli_bad_argument_is_a_usage_error():
    proc = subprocess.run(
        [sys.executable, "-m", "nrqb", "ledger", "--fit=yes"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and proc.stdout == ""
