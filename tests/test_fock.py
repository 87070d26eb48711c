"""Fock-space master equation (QuTiP) against the closed-form moments of nrqb.

The two routes share nothing but the model: nrqb solves the linear equations for the means
and second moments (drift matrix M, noise matrix D); nrqb.fock integrates the density matrix
in a truncated Fock space. Agreement is stated as the maximal deviation over the trajectory
relative to the trajectory's maximum. At a weak drive the truncation error is far below the
tolerances (checked through ``top_population``, the population of the highest kept level).
"""

from __future__ import annotations

import numpy as np
import pytest

import nrqb

qutip = pytest.importorskip("qutip")
from nrqb import fock  # noqa: E402

T = np.linspace(0.0, 400.0, 81)  # 1/omega; the paper's Jt = 0 ... 8
RTOL = 1e-6  # zero temperature, n_max = 8: observed <= 1e-7
RTOL_THERMAL = 1e-5  # thermal baths (n_th = 0.1), n_max = 10: observed <= 3e-6


def rel_dev(x: np.ndarray, ref: np.ndarray) -> float:
    """max_t |x - ref| / max_t |ref|."""
    return float(np.max(np.abs(x - ref)) / np.max(np.abs(ref)))


def weak(p: nrqb.Params, n_peak: float = 0.2) -> nrqb.Params:
    """Rescale the drive so that the larger mode holds at most ``n_peak`` photons along T."""
    tr = nrqb.evolve(p, T)
    peak = max(tr.n_a.max(), tr.n_b.max())
    return p.replace(epsilon=p.epsilon * np.sqrt(n_peak / peak))


def zero_temperature_cases() -> dict[str, nrqb.Params]:
    rng = np.random.default_rng(5)
    cases = {
        "nonreciprocal": nrqb.paper_params(),
        "detuned_phase_complexJ": nrqb.paper_params(Delta_b=0.01, phi=1.2, J=0.013 + 0.004j, kappa_b=0.006),
        "exceptional_point": nrqb.at_exceptional_point(nrqb.paper_params(Delta_b=0.02)),
    }
    for k in range(2):
        cases[f"random{k}"] = nrqb.Params(
            Gamma=rng.uniform(0.01, 0.06),
            kappa_a=rng.uniform(0.002, 0.02),
            kappa_b=rng.uniform(0.002, 0.02),
            epsilon=0.01,
            phi=rng.uniform(-np.pi, np.pi),
            J=rng.uniform(0.0, 0.04) * np.exp(1j * rng.uniform(-np.pi, np.pi)),
            Delta_a=rng.uniform(-0.03, 0.03),
            Delta_b=rng.uniform(-0.03, 0.03),
            omega=rng.uniform(0.5, 2.0),
        )
    return {name: weak(p) for name, p in cases.items()}


ZERO_T = zero_temperature_cases()


@pytest.mark.parametrize("name", list(ZERO_T))
def test_fock_matches_mean_field_at_zero_temperature(name):
    p = ZERO_T[name]
    res = fock.effective_master_equation(p, T, 8)
    tr = nrqb.evolve(p, T)
    assert res.top_population.max() < 1e-7  # truncation error negligible
    assert rel_dev(res.n_b, tr.n_b) < RTOL
    assert rel_dev(res.n_a, tr.n_a) < RTOL
    assert rel_dev(res.beta, tr.beta) < RTOL
    assert rel_dev(res.alpha, tr.alpha) < RTOL
    assert rel_dev(res.E_B, tr.E_B) < RTOL  # energies carry omega


def test_weak_drive_energies_scale_as_epsilon_squared():
    """E/epsilon^2 from the weakly driven master equation = the paper's strongly driven mean field."""
    p_paper = nrqb.paper_params()  # epsilon = 0.1: E_B(inf) ~ 75, out of reach of a small Fock space
    p_weak = weak(p_paper)
    res = fock.effective_master_equation(p_weak, T, 8)
    tr = nrqb.evolve(p_paper, T)
    assert rel_dev(res.E_B / p_weak.epsilon**2, tr.E_B / p_paper.epsilon**2) < RTOL
    assert rel_dev(res.E_A / p_weak.epsilon**2, tr.E_A / p_paper.epsilon**2) < RTOL


def test_battery_stays_coherent_at_zero_temperature():
    """g2(0) = 1 and purity 1: the state is a product of coherent states, so the mean field is exact."""
    p = ZERO_T["detuned_phase_complexJ"]
    res = fock.effective_master_equation(p, T, 8, store_states=True)
    tr = nrqb.evolve(p, T)
    filled = tr.n_b > 0.05 * tr.n_b.max()  # g2 is 0/0 at t = 0 (and limited by the integrator's atol just after)
    assert np.all(np.abs(res.g2_b[filled] - 1) < 1e-5)
    assert np.all(np.abs(res.purity_b() - 1) < 1e-6)
    # The Wigner function at the end is the coherent-state Gaussian centred at sqrt(2) <b>.
    x = np.linspace(-1.5, 1.5, 41)
    W = res.wigner_b(x)
    X, P = np.meshgrid(x, x)
    beta = tr.beta[-1] * np.sqrt(2)
    W_coherent = np.exp(-((X - beta.real) ** 2) - (P - beta.imag) ** 2) / np.pi
    assert np.max(np.abs(W - W_coherent)) < 1e-5


def test_steady_state_matches():
    p = ZERO_T["random0"]
    ss = fock.effective_steady_state(p, 8)
    ref = nrqb.steady_state(p)
    assert abs(ss.n_b[0] - ref.n_b) < RTOL * ref.n_b
    assert abs(ss.beta[0] - ref.beta) < RTOL * abs(ref.beta)


# --- thermal baths: this checks nrqb.drift.noise_matrix and the Lyapunov solution ------------


def thermal_case(bath: str) -> nrqb.Params:
    base = nrqb.paper_params(phi=1.0, Delta_b=0.01, kappa_b=0.005, J=0.015)
    return weak(base).replace(**{bath: 0.1})


@pytest.mark.slow
@pytest.mark.parametrize("bath", ["n_th_a", "n_th_b", "n_th_c"])
def test_fock_matches_lyapunov_with_one_thermal_bath(bath):
    p = thermal_case(bath)
    res = fock.effective_master_equation(p, T, 10)
    tr = nrqb.evolve(p, T)
    assert res.top_population.max() < 1e-6
    # The thermal part must be resolved: it is not a small correction here.
    assert (tr.n_b - np.abs(tr.beta) ** 2)[-1] > 0.01 * tr.n_b[-1] or bath == "n_th_a"
    assert rel_dev(res.n_b, tr.n_b) < RTOL_THERMAL
    assert rel_dev(res.n_a, tr.n_a) < RTOL_THERMAL
    assert rel_dev(res.beta, tr.beta) < RTOL_THERMAL  # the means do not feel the noise
    # g2 of a displaced thermal state with N = <db^dag db>: (|b|^4 + 4|b|^2 N + 2 N^2) / (|b|^2 + N)^2.
    b2 = np.abs(tr.beta) ** 2
    N = tr.n_b - b2
    late = T > 100
    g2 = (b2**2 + 4 * b2 * N + 2 * N**2)[late] / tr.n_b[late] ** 2
    assert np.max(np.abs(res.g2_b[late] - g2)) < 1e-4


@pytest.mark.slow
def test_thermal_steady_state_and_ergotropy_from_the_density_matrix():
    """Fock-space steady state with all three baths warm; ergotropy by diagonalising rho_B."""
    p = weak(nrqb.paper_params(phi=2.0, Delta_a=0.005, kappa_a=0.004), n_peak=0.1)
    p = p.replace(n_th_a=0.05, n_th_b=0.03, n_th_c=0.04)
    ss = fock.effective_steady_state(p, 8)
    ref = nrqb.steady_state(p)
    assert ss.top_population.max() < 1e-7
    assert abs(ss.n_a[0] - ref.n_a) < 1e-6 * ref.n_a
    assert abs(ss.n_b[0] - ref.n_b) < 1e-6 * ref.n_b
    rho_b = ss.battery_state(0).full()
    probs = np.sort(np.linalg.eigvalsh(rho_b))[::-1]  # largest population into the lowest level
    energies = p.omega * np.arange(len(probs))
    ergotropy = p.omega * np.real(np.trace(rho_b @ np.diag(np.arange(len(probs))))) - probs @ energies
    assert abs(ergotropy - ref.ergotropy_B) < 1e-6 * ref.ergotropy_B
    assert ref.ergotropy_B < 0.9 * ref.E_B  # heat is not extractable work


def test_nonreciprocity_shields_the_charger_from_the_battery_bath():
    """At J = Gamma/2, phi = pi/2 the charger is untouched by the battery's bath (QuTiP route)."""
    p = weak(nrqb.paper_params())
    cold = fock.effective_master_equation(p, T, 8)
    warm = fock.effective_master_equation(p.replace(n_th_b=0.1), T, 8)
    assert np.max(np.abs(warm.n_a - cold.n_a)) < 1e-9
    assert np.max(warm.n_b - cold.n_b) > 0.005  # while the battery does heat up


# --- three-mode model --------------------------------------------------------------------


@pytest.mark.slow
def test_three_mode_master_equation_matches_exact_moments():
    p = nrqb.paper_params(epsilon=0.002, phi=1.3, Delta_b=0.005)
    p3 = nrqb.three_mode_from_effective(p, gamma_m=20.0)
    res = fock.three_mode_master_equation(p3, T, (4, 4, 2))
    tr3 = nrqb.evolve_three_mode(p3, T)
    assert res.top_population.max() < 5e-5
    assert rel_dev(res.n_b, tr3.n_b) < 1e-4
    assert rel_dev(res.n_a, tr3.n_a) < 1e-4
    assert rel_dev(res.n_c, tr3.n_c) < 1e-4
    # and the elimination error (~Gamma/gamma_m) is visible beyond the truncation error
    assert 1e-4 < rel_dev(res.n_b, nrqb.evolve(p, T).n_b) < 1e-2


@pytest.mark.slow
def test_three_mode_master_equation_thermal():
    p = nrqb.paper_params(epsilon=0.002, phi=1.1)
    p3 = nrqb.three_mode_from_effective(p, gamma_m=2.0).replace(n_th_a=0.02, n_th_b=0.02, n_th_c=0.02)
    res = fock.three_mode_master_equation(p3, T, (4, 4, 4))
    tr3 = nrqb.evolve_three_mode(p3, T)
    assert rel_dev(res.n_b, tr3.n_b) < 1e-3
    assert rel_dev(res.n_a, tr3.n_a) < 1e-3
    assert rel_dev(res.n_c, tr3.n_c) < 1e-3


# --- helpers and validation --------------------------------------------------------------


def test_convergence_improves_with_truncation():
    p = weak(nrqb.paper_params(), n_peak=0.5)
    conv = fock.convergence(p, T[::4], (3, 5, 7, 9))
    change = conv.change
    assert change[-1] == 0
    assert np.all(np.diff(change[:-1]) < 0)  # monotonically better
    assert np.all(np.diff(conv.top_population[:, 1]) < 0)
    assert change[0] > 1e-3  # three levels are visibly too few at 0.5 photons
    assert rel_dev(conv.n_b[-1], nrqb.evolve(p, T[::4]).n_b) < 1e-5


def test_validation():
    with pytest.raises(ValueError, match="n_max"):
        fock.effective_master_equation(nrqb.paper_params(), T, 1)
    with pytest.raises(ValueError, match="scalar fields"):
        fock.effective_master_equation(nrqb.paper_params(kappa_b=np.array([0.001, 0.002])), T)
    with pytest.raises(ValueError, match="t "):
        fock.effective_master_equation(nrqb.paper_params(), [-1.0, 0.0])
    with pytest.raises(ValueError, match="increasing"):
        fock.convergence(nrqb.paper_params(), T, (6, 4))
    with pytest.raises(ValueError, match="states were not stored"):
        fock.effective_master_equation(weak(nrqb.paper_params()), T[:3]).purity_b()
    with pytest.raises(TypeError, match="ThreeModeParams"):
        fock.three_mode_master_equation(nrqb.paper_params(), T)
