"""nrqb: the nonreciprocal quantum battery of Lin, Ye, Li, Su and Wu, reproduced and extended.

Exact, vectorised numerics for the effective charger--battery model (paper Eqs. 2--15)
and the full three-mode model with the bad cavity (paper Eq. 1).

Examples
--------
>>> import numpy as np, nrqb
>>> p = nrqb.paper_params()                      # the paper's Fig. 2 parameters
>>> tr = nrqb.evolve(p, np.linspace(0, 400, 5))  # times in units of 1/omega
>>> ss = nrqb.steady_state(p)
>>> bool(abs(tr.E_B[-1] - ss.E_B) < 1)
True
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _installed_version

from . import paper as paper  # the paper's printed numbers: nrqb.paper.value(key)
from .analysis import charging_summary
from .dynamics import SteadyState, Trajectory, evolve, steady_state
from .exceptional import at_exceptional_point, eigenvalues, exceptional_coupling, exceptional_couplings
from .params import PAPER_VALUES, Params, paper_params
from .three_mode import (
    AdiabaticityWarning,
    ThreeModeParams,
    ThreeModeTrajectory,
    eliminate,
    evolve_three_mode,
    gamma_conventions,
    steady_state_three_mode,
    three_mode_from_effective,
)
from .versions import about

try:  # the one version number is in pyproject.toml; the installed metadata carries it
    __version__ = _installed_version("nrqb")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "PAPER_VALUES",
    "AdiabaticityWarning",
    "Params",
    "SteadyState",
    "ThreeModeParams",
    "ThreeModeTrajectory",
    "Trajectory",
    "about",
    "at_exceptional_point",
    "charging_summary",
    "eigenvalues",
    "eliminate",
    "evolve",
    "evolve_three_mode",
    "exceptional_coupling",
    "exceptional_couplings",
    "gamma_conventions",
    "paper_params",
    "steady_state",
    "steady_state_three_mode",
    "three_mode_from_effective",
]
