"""Shared fixtures: random parameter sets drawn reproducibly, covering the model's regimes.

`make unit` runs the tests in parallel (pytest-xdist): every worker is its own process, draws its own random numbers
from the fixed seed below, and writes only under ``tmp_path``, so no test depends on another's side effects or order.
"""

from __future__ import annotations

import os

# Before numpy is imported: one BLAS thread per worker (two workers on two cores would otherwise each start two),
# and figures drawn off-screen, unless the caller chose otherwise.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")
os.environ.setdefault("MPLBACKEND", "Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import nrqb  # noqa: E402


def random_params(rng: np.random.Generator, *, complex_J: bool = False) -> nrqb.Params:
    """One physically sensible random parameter set (rates ~ 1e-3 .. 1e-1 omega)."""
    J = rng.uniform(0.0, 0.06)
    if complex_J:
        J = J * np.exp(1j * rng.uniform(-np.pi, np.pi))
    return nrqb.Params(
        Gamma=rng.uniform(0.005, 0.08),
        kappa_a=rng.uniform(0.0005, 0.03),
        kappa_b=rng.uniform(0.0005, 0.03),
        epsilon=rng.uniform(0.01, 0.2),
        phi=rng.uniform(-np.pi, np.pi),
        J=J,
        Delta_a=rng.uniform(-0.05, 0.05),
        Delta_b=rng.uniform(-0.05, 0.05),
        omega=rng.uniform(0.5, 2.0),
    )


def random_three_mode(rng: np.random.Generator, *, equal_couplings: bool = False) -> nrqb.ThreeModeParams:
    """One random three-mode model (paper Eq. 1) with a moderately bad cavity."""
    g_a = rng.uniform(0.05, 0.5)
    return nrqb.ThreeModeParams(
        g_a=g_a,
        g_b=g_a if equal_couplings else rng.uniform(0.05, 0.5),
        gamma_m=rng.uniform(1, 20),
        Delta_c=rng.uniform(-1, 1),
        kappa_a=rng.uniform(0, 0.01),
        kappa_b=rng.uniform(0, 0.01),
        epsilon=0.1,
        phi=rng.uniform(-np.pi, np.pi),
        J=rng.uniform(0, 0.05),
        Delta_a=rng.uniform(-0.02, 0.02),
        Delta_b=rng.uniform(-0.02, 0.02),
    )


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)
