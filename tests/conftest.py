"""Shared fixtures: random parameter sets drawn reproducibly, covering the model's regimes."""

from __future__ import annotations

import numpy as np
import pytest

import nrqb


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


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261125)
