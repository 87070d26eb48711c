"""Tests of the command line ``python -m nrqb`` (summary and ledger; figures are tested with nrqb.plots.figures).

Each test runs the real entry point in a subprocess with this interpreter.
"""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

import nrqb

LEDGER_KEYS = {"key", "quantity", "where", "paper", "ours", "rel_diff", "verdict", "note"}


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "nrqb", *args], capture_output=True, text=True, timeout=120, check=False
    )


@pytest.fixture(scope="module")
def ledger_json() -> list[dict]:
    proc = run("ledger", "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def test_help_lists_subcommands():
    proc = run("--help")
    assert proc.returncode == 0, proc.stderr
    for sub in ("summary", "figures", "ledger"):
        assert sub in proc.stdout


def test_missing_subcommand_is_a_usage_error():
    proc = run()
    assert proc.returncode == 2
    assert "usage" in proc.stderr.lower() and "Traceback" not in proc.stderr


def test_ledger_json_rows(ledger_json):
    from nrqb.studies.ledger import VERDICTS

    assert isinstance(ledger_json, list) and len(ledger_json) >= 25
    for row in ledger_json:
        assert set(row) == LEDGER_KEYS
        assert isinstance(row["paper"], float) and isinstance(row["ours"], float)
        assert row["verdict"] in VERDICTS
    # One row checked against the core: the steady battery energy of Fig. 2(a).
    row = next(r for r in ledger_json if r["key"] == "fig2a.E_B_inf.Delta=0")
    assert row["ours"] == pytest.approx(float(nrqb.steady_state(nrqb.paper_params()).E_B), rel=1e-12)
    assert row["paper"] == nrqb.paper.value("fig2a.E_B_inf.Delta=0")


def test_ledger_table(ledger_json):
    proc = run("ledger")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    header = lines[0].split()
    assert header == ["#", "where", "quantity", "paper", "ours", "rel.diff", "verdict"]
    for i, row in enumerate(ledger_json, start=1):
        line = lines[1 + i]
        assert line.split()[0] == str(i) and line.rstrip().endswith(row["verdict"])
    assert any(line.startswith("verdicts:") for line in lines)


@pytest.mark.parametrize("extra", [[], ["--kappa-b", "0.03", "--Delta-b", "0.01"]])
def test_summary_json_matches_steady_state(extra):
    proc = run("summary", "--json", *extra)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    overrides = {"kappa_b": 0.03, "Delta_b": 0.01} if extra else {}
    p = nrqb.paper_params(**overrides)
    ss = nrqb.steady_state(p)
    assert out["E_A_inf"] == pytest.approx(float(ss.E_A), rel=1e-12)
    assert out["E_B_inf"] == pytest.approx(float(ss.E_B), rel=1e-12)
    assert out["eta_inf"] == pytest.approx(float(ss.eta), rel=1e-12)
    t = np.linspace(0, 400, 40001)
    P = nrqb.evolve(p, t).P
    assert out["P_peak"] == pytest.approx(P.max(), rel=1e-4)
    assert out["Jt_peak"] == pytest.approx(float(p.J) * out["t_peak"])
    assert out["t_peak"] == pytest.approx(t[np.argmax(P)], abs=0.2)


def test_summary_table():
    proc = run("summary")
    assert proc.returncode == 0, proc.stderr
    names = [line.split("=")[0].strip() for line in proc.stdout.splitlines()]
    assert names == ["E_A_inf", "E_B_inf", "eta_inf", "P_peak", "t_peak", "Jt_peak", "peak_resolved"]


@pytest.mark.parametrize(
    ("args", "name"),
    [(["--kappa-a", "-1"], "kappa_a"), (["--Gamma", "nan"], "Gamma"), (["--t-max", "-5"], "--t-max")],
)
def test_bad_parameter_exits_cleanly(args, name):
    proc = run("summary", *args)
    assert proc.returncode == 2
    assert name in proc.stderr and "nrqb: error:" in proc.stderr
    assert "Traceback" not in proc.stderr and proc.stdout == ""
