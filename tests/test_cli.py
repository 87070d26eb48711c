"""Tests of the command line ``python -m nrqb`` (summary and ledger; figures are tested with nrqb.plots.figures).

Each test runs the real entry point in a subprocess with this interpreter.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

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
    assert proc.stderr.count("\n") == 1 and "required: {summary,figures,ledger} (see --help)" in proc.stderr
    assert "Traceback" not in proc.stderr


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


# --- Every bad argument: one line on stderr, exit status 2, never a traceback (issue 13, item 9) ---


def run_in_process(capsys, *args: str) -> tuple[int, str, str]:
    """``main(args)`` in this process (fast), with argparse's own exits caught: (status, stdout, stderr)."""
    from nrqb.cli import main

    try:
        status = main(list(args))
    except SystemExit as exc:
        status = int(exc.code)
    out, err = capsys.readouterr()
    return status, out, err


def assert_one_line_error(capsys, *args: str, match: str) -> None:
    status, out, err = run_in_process(capsys, *args)
    assert status == 2, (args, status, err)
    assert len(err.splitlines()) == 1 and "Traceback" not in err, err
    assert re.search(match, err), err
    assert out == ""


@pytest.fixture
def a_file(tmp_path):
    path = tmp_path / "a_file.txt"
    path.write_text("not a directory")
    return path


def test_figures_outdir_that_is_not_a_writable_directory(capsys, a_file, tmp_path):
    assert_one_line_error(capsys, "figures", "--outdir", str(a_file), match=r"is a file, not a directory")
    assert_one_line_error(capsys, "figures", "--outdir", str(a_file / "sub"), match=r"lies under .*which is a file")
    assert_one_line_error(capsys, "figures", "--outdir", "", match=r"--outdir must name a directory")
    if Path("/proc/self").is_dir():  # exists, and no process may create files in it (root included)
        assert_one_line_error(
            capsys, "figures", "--outdir", "/proc/self", match=r"not a directory this process can write"
        )
    if os.geteuid() != 0:  # permission bits do not stop root
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o555)
        assert_one_line_error(
            capsys, "figures", "--outdir", str(locked), match=r"not a directory this process can write"
        )


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--dpi", "30000"], r"--dpi must be an integer in \[20, 1200\]; got 30000"),
        (["--dpi", "0"], r"--dpi must be an integer in \[20, 1200\]"),
        (["--n", "100000000"], r"--n 100000000 would need about .* GiB of memory for fig3a, over the budget of 2 GiB"),
        (["--panel", "fig3a", "--n", "100000"], r"about 1\.49e\+03 GiB .* fig3a"),
        (["--panel", "fig2a", "--n", "100000000"], r"about 48\.4 GiB .* fig2a"),
        (["--n", "1"], r"--n \(grid points per axis\) must be >= 2"),
        (["--format", "bogus"], r"invalid choice: 'bogus'"),
        (["--panel", "fig9z"], r"unknown panel\(s\) \['fig9z'\]"),
        (["--n", "many"], r"invalid int value"),
    ],
)
def test_figures_bad_arguments_are_refused_before_any_work(capsys, tmp_path, args, match):
    outdir = tmp_path / "out"
    assert_one_line_error(capsys, "figures", "--outdir", str(outdir), *args, match=match)
    assert not outdir.exists() or not any(outdir.iterdir())  # nothing written


def test_the_memory_budget_is_the_measured_estimate():
    from nrqb.cli import MEMORY_BUDGET
    from nrqb.plots.figures import working_memory

    assert working_memory("fig3a", 1000) == 1000 * 1000 * 160 < MEMORY_BUDGET  # today's largest maps pass
    assert working_memory("fig2a", 10**6) < MEMORY_BUDGET < working_memory("fig2a", 10**7)


@pytest.mark.parametrize(
    ("args", "match"),
    [
        (["--epsilon", "1e200"], r"overflows the float range.*epsilon"),
        (["--t-max", "inf"], r"--t-max .* must be finite and > 0; got inf"),
        (["--t-max", "nan"], r"--t-max .* must be finite and > 0; got nan"),
        (["--t-max", "0"], r"--t-max .* must be finite and > 0"),
        (["--Gamma", "1e400"], r"Params\.Gamma .* must be finite"),
        (["--phi", "x"], r"argument --phi: invalid float value"),
        (["--kappa-a", "0", "--kappa-b", "0", "--Gamma", "0"], r"no steady state.*undamped"),
        (["--bogus"], r"unrecognized arguments: --bogus"),
    ],
)
def test_summary_bad_arguments(capsys, args, match):
    assert_one_line_error(capsys, "summary", *args, match=match)


@pytest.mark.parametrize("t_max", ["1e6", "1e300"])
def test_summary_peak_power_on_long_windows(capsys, t_max):
    """Regression: --t-max 1e6 reported P_peak = 0.078 at t = 250 (true: 0.518 near t = 90), 1e300 reported 0."""
    status, out, err = run_in_process(capsys, "summary", "--json", "--t-max", t_max)
    assert status == 0 and err == ""
    report = json.loads(out)
    p = nrqb.paper_params()
    t = np.linspace(0, 300, 300_001)
    P = nrqb.evolve(p, t).P
    assert report["P_peak"] == pytest.approx(P.max(), rel=1e-9)
    assert report["t_peak"] == pytest.approx(t[P.argmax()], abs=2e-3)
    assert report["peak_resolved"] is True


def test_one_bad_argument_in_a_real_process_is_one_line():
    proc = run("figures", "--outdir", "/tmp", "--dpi", "30000")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
