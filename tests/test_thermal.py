"""Thermal baths and ergotropy (no QuTiP; the Fock-space cross-check is in test_fock.py).

Independent routes used here:
* ergotropy by diagonalising a Fock-space density matrix built with numpy/scipy,
* the second-moment equations written out component by component (paper Eq. 20 with
  noise terms) and integrated with solve_ivp,
* closed forms derived by hand (and with SymPy in chapters/thermal.md),
* exact physical statements: detailed balance (all baths at one temperature), linearity
  (heat and work add), and the decoupling of the charger at the nonreciprocal point.
"""

from __future__ import annotations

import numpy as np
import pytest
import scipy.linalg
from scipy.integrate import solve_ivp

import nrqb
from nrqb.observables import gaussian_ergotropy

RNG_SEED = 515


def random_thermal_params(rng: np.random.Generator, size: int) -> nrqb.Params:
    """Random parameters (general phase, complex J, detunings) with warm baths, as arrays."""
    return nrqb.Params(
        Gamma=rng.uniform(0.005, 0.08, size),
        kappa_a=rng.uniform(0.001, 0.03, size),
        kappa_b=rng.uniform(0.001, 0.03, size),
        epsilon=rng.uniform(0.01, 0.2, size),
        phi=rng.uniform(-np.pi, np.pi, size),
        J=rng.uniform(0.0, 0.06, size) * np.exp(1j * rng.uniform(-np.pi, np.pi, size)),
        Delta_a=rng.uniform(-0.05, 0.05, size),
        Delta_b=rng.uniform(-0.05, 0.05, size),
        omega=rng.uniform(0.5, 2.0, size),
        n_th_a=rng.uniform(0.0, 3.0, size),
        n_th_b=rng.uniform(0.0, 3.0, size),
        n_th_c=rng.uniform(0.0, 3.0, size),
    )


# --- the Gaussian ergotropy formula --------------------------------------------------------


def test_thermal_state_has_no_ergotropy():
    n = np.array([0.0, 0.1, 1.0, 7.5, 100.0])
    assert np.all(np.abs(gaussian_ergotropy(0.0, n)) < 1e-14 * (1 + n))  # zero up to rounding


def test_coherent_and_displaced_thermal_states():
    rng = np.random.default_rng(RNG_SEED)
    beta = rng.normal(size=50) + 1j * rng.normal(size=50)
    omega = rng.uniform(0.5, 2.0, 50)
    np.testing.assert_allclose(gaussian_ergotropy(beta, 0.0, 0.0, omega), omega * np.abs(beta) ** 2, rtol=1e-14)
    # displaced thermal: the heat is not extractable, the displacement is, whatever the temperature
    n = rng.uniform(0, 10, 50)
    np.testing.assert_allclose(gaussian_ergotropy(beta, n, 0.0, omega), omega * np.abs(beta) ** 2, rtol=1e-12)


def gaussian_moments(n_th, r, theta):
    """<db^dag db>, <db db> of a squeezed thermal state S(xi) rho_th S(xi)^dag, xi = r e^{i theta}."""
    n = (n_th + 0.5) * np.cosh(2 * r) - 0.5
    m = -(n_th + 0.5) * np.exp(1j * theta) * np.sinh(2 * r)
    return n, m


def test_ergotropy_bounds_for_random_gaussian_states():
    rng = np.random.default_rng(RNG_SEED + 1)
    size = 2000
    beta = rng.normal(size=size) + 1j * rng.normal(size=size)
    n_th, r, theta = rng.uniform(0, 5, size), rng.uniform(0, 1.5, size), rng.uniform(0, 2 * np.pi, size)
    n, m = gaussian_moments(n_th, r, theta)
    energy = np.abs(beta) ** 2 + n
    erg = gaussian_ergotropy(beta, n, m)
    assert np.all(erg >= np.abs(beta) ** 2 - 1e-9)  # the displacement is always extractable ...
    assert np.all(erg <= energy + 1e-9)  # ... and never more than the energy
    np.testing.assert_allclose(erg, energy - n_th, rtol=1e-9, atol=1e-9)  # passive state: thermal with n_th
    # pure Gaussian states (n_th = 0): all energy is extractable
    n0, m0 = gaussian_moments(0.0, r, theta)
    np.testing.assert_allclose(gaussian_ergotropy(beta, n0, m0), np.abs(beta) ** 2 + n0, rtol=1e-10)


def fock_ergotropy(beta: complex, n_th: float, r: float, theta: float, omega: float, dim: int = 90):
    """Ergotropy of D(beta) S(xi) rho_th S(xi)^dag D(beta)^dag by diagonalising it in a Fock space.

    Returns (ergotropy, mean, n_fluct, m_fluct), the moments measured on the same matrix.
    The operators are built in ``dim + 40`` levels and the state is cut to ``dim`` afterwards.
    """
    big = dim + 40
    b = np.diag(np.sqrt(np.arange(1, big)), 1)
    q = n_th / (n_th + 1)
    rho = np.diag((1 - q) * q ** np.arange(big))
    xi = r * np.exp(1j * theta)
    S = scipy.linalg.expm(0.5 * (np.conj(xi) * b @ b - xi * b.T @ b.T))
    Dop = scipy.linalg.expm(beta * b.T - np.conj(beta) * b)
    U = Dop @ S
    rho = (U @ rho @ U.conj().T)[:dim, :dim]
    rho = 0.5 * (rho + rho.conj().T)
    b = b[:dim, :dim]
    number = np.arange(dim)
    mean = np.trace(rho @ b)
    energy = omega * np.real(np.trace(rho @ np.diag(number)))
    n_fluct = np.real(np.trace(rho @ b.T @ b)) - abs(mean) ** 2
    m_fluct = np.trace(rho @ b @ b) - mean**2
    probs = np.sort(np.linalg.eigvalsh(rho))[::-1]  # passive state: largest population lowest
    ergotropy = energy - omega * probs @ number
    return ergotropy, mean, n_fluct, m_fluct, float(np.real(np.trace(rho)))


@pytest.mark.parametrize(
    ("beta", "n_th", "r", "theta", "omega"),
    [(0.8 - 0.3j, 0.3, 0.35, 1.1, 1.0), (0.0, 0.6, 0.5, -0.4, 1.7), (1.2j, 0.0, 0.25, 2.0, 0.8)],
)
def test_squeezed_ergotropy_against_fock_space_diagonalisation(beta, n_th, r, theta, omega):
    erg, mean, n_fl, m_fl, trace = fock_ergotropy(beta, n_th, r, theta, omega)
    assert abs(trace - 1) < 1e-10  # the cut keeps the whole state
    n_exp, m_exp = gaussian_moments(n_th, r, theta)
    assert abs(mean - beta) < 1e-8 and abs(n_fl - n_exp) < 1e-8 and abs(m_fl - m_exp) < 1e-8
    assert abs(gaussian_ergotropy(mean, n_fl, m_fl, omega) - erg) < 1e-8
    if r > 0:  # squeezing adds extractable work beyond omega |beta|^2
        assert erg > omega * abs(beta) ** 2 + 0.01


# --- evolve / steady_state with thermal baths ------------------------------------------------


def test_zero_temperature_ergotropy_equals_energy():
    rng = np.random.default_rng(RNG_SEED + 2)
    p = random_thermal_params(rng, 200).replace(n_th_a=0.0, n_th_b=0.0, n_th_c=0.0)
    t = np.linspace(0, 500, 60)[:, None]
    tr = nrqb.evolve(p, t)
    np.testing.assert_allclose(tr.ergotropy_B, tr.E_B, rtol=1e-12, atol=0)
    np.testing.assert_allclose(tr.eta_ergotropy, tr.eta, rtol=1e-12, atol=0)


def test_thermal_ergotropy_is_the_coherent_energy_and_does_not_depend_on_temperature():
    rng = np.random.default_rng(RNG_SEED + 3)
    p = random_thermal_params(rng, 200)
    t = np.linspace(0, 500, 60)[:, None]
    warm = nrqb.evolve(p, t)
    cold = nrqb.evolve(p.replace(n_th_a=0.0, n_th_b=0.0, n_th_c=0.0), t)
    np.testing.assert_allclose(warm.ergotropy_B, p.omega * np.abs(warm.beta) ** 2, rtol=1e-10)
    np.testing.assert_allclose(warm.ergotropy_B, cold.E_B, rtol=1e-10, atol=1e-14)  # noise does not touch <b>
    assert np.all(warm.ergotropy_B >= 0)
    assert np.all(warm.ergotropy_B <= warm.E_B * (1 + 1e-12))
    assert np.all(warm.E_B[1:] > cold.E_B[1:])  # heat adds energy, not work
    assert np.all(warm.eta_ergotropy <= warm.eta + 1e-12)


def test_thermal_steady_state_is_the_long_time_limit():
    rng = np.random.default_rng(RNG_SEED + 4)
    p = random_thermal_params(rng, 300)
    rate = -np.max(nrqb.eigenvalues(p).real, axis=-1)  # slowest amplitude decay rate
    t_long = 40 / rate  # e^{-40}: far below rounding
    tr = nrqb.evolve(p, t_long)
    ss = nrqb.steady_state(p)
    for name in ("n_a", "n_b", "E_A", "E_B", "eta", "ergotropy_B", "eta_ergotropy"):
        np.testing.assert_allclose(getattr(tr, name), getattr(ss, name), rtol=1e-9, err_msg=name)
    np.testing.assert_allclose(tr.P, 0, atol=1e-12)


def moment_equations(p: nrqb.Params):
    """Right-hand side of paper Eq. (20) (G = 0, complex J) plus the thermal noise terms.

    y = (<a>, <b>, <a^dag a>, <b^dag b>, <a^dag b>), written out from the master equation
    with baths gamma (n+1) D[L] + gamma n D[L^dag]: each adds gamma n u_i conj(u_j) to d<v_i^dag v_j>/dt.
    """
    J, e = complex(p.J), np.exp(1j * p.phi)
    La, Lb = p.Lambda_a, p.Lambda_b
    ab = -1j * J - 0.5 * p.Gamma / e  # <a> <- <b>
    ba = -1j * np.conj(J) - 0.5 * p.Gamma * e  # <b> <- <a>

    def rhs(_t, y):
        a, b, na, nb, adb = y
        return [
            (-1j * p.Delta_a - La / 2) * a + ab * b - 1j * p.epsilon,
            (-1j * p.Delta_b - Lb / 2) * b + ba * a,
            -La * na + 2 * (ab * adb).real - 2 * p.epsilon * a.imag + p.kappa_a * p.n_th_a + p.Gamma * p.n_th_c,
            -Lb * nb + 2 * (ba * np.conj(adb)).real + p.kappa_b * p.n_th_b + p.Gamma * p.n_th_c,
            (1j * (p.Delta_a - p.Delta_b) - (La + Lb) / 2) * adb
            + 1j * p.epsilon * b
            + ba * na
            + np.conj(ab) * nb
            + p.Gamma * p.n_th_c * e,
        ]

    return rhs


@pytest.mark.parametrize("seed", range(3))
def test_evolve_matches_component_moment_equations_with_noise(seed):
    rng = np.random.default_rng(RNG_SEED + 10 + seed)
    p = random_thermal_params(rng, 1)
    p = nrqb.Params(**{k: np.asarray(getattr(p, k)).item() for k in nrqb.params._RULES})
    t = np.linspace(0, 300, 31)
    sol = solve_ivp(moment_equations(p), (0, t[-1]), np.zeros(5, complex), t_eval=t, rtol=1e-11, atol=1e-13)
    tr = nrqb.evolve(p, t)
    np.testing.assert_allclose(sol.y[2].real, tr.n_a, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sol.y[3].real, tr.n_b, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(sol.y[1], tr.beta, rtol=1e-8, atol=1e-10)


# --- closed forms and physical laws -------------------------------------------------------


def thermal_battery_occupation_nonreciprocal(p: nrqb.Params):
    """Thermal <b^dag b> at J = Gamma/2, phi = pi/2, epsilon = 0 (derived in chapters/thermal.md).

    N_aa = (kappa_a n_a + Gamma n_c)/Lambda_a,
    N_bb = [kappa_b n_b + Gamma n_c - Gamma^2 (n_c - N_aa)(Lambda_a + Lambda_b)/((Lambda_a + Lambda_b)^2/4 + Delta^2)]/Lambda_b.
    """
    La, Lb, S = p.Lambda_a, p.Lambda_b, p.Lambda_a + p.Lambda_b
    N_aa = (p.kappa_a * p.n_th_a + p.Gamma * p.n_th_c) / La
    lorentz = S / (S**2 / 4 + p.Delta**2)
    N_bb = (p.kappa_b * p.n_th_b + p.Gamma * p.n_th_c - p.Gamma**2 * (p.n_th_c - N_aa) * lorentz) / Lb
    return N_aa, N_bb


def test_thermal_only_occupations_match_the_closed_form():
    rng = np.random.default_rng(RNG_SEED + 5)
    p = random_thermal_params(rng, 500)
    p = p.replace(epsilon=0.0, phi=np.pi / 2, J=p.Gamma / 2)  # nonreciprocal, detuned, thermal only
    ss = nrqb.steady_state(p)
    N_aa, N_bb = thermal_battery_occupation_nonreciprocal(p)
    np.testing.assert_allclose(ss.n_a, N_aa, rtol=1e-10)
    np.testing.assert_allclose(ss.n_b, N_bb, rtol=1e-10)
    assert np.all(np.abs(ss.ergotropy_B) < 1e-14 * (1 + ss.E_B))  # undriven: pure heat, zero up to rounding
    # resonance, only the charger's bath: 4 Gamma^2 kappa_a n_a / (Lambda_a Lambda_b (Lambda_a + Lambda_b))
    q = nrqb.paper_params(epsilon=0.0, n_th_a=1.0)
    expected = 4 * q.Gamma**2 * q.kappa_a / (q.Lambda_a * q.Lambda_b * (q.Lambda_a + q.Lambda_b))
    assert abs(nrqb.steady_state(q).n_b - expected) < 1e-12


def test_detailed_balance_all_baths_at_one_temperature():
    """One temperature everywhere: the steady state is the Gibbs state of the total number, N = n I."""
    rng = np.random.default_rng(RNG_SEED + 6)
    p = random_thermal_params(rng, 300)
    n = rng.uniform(0, 4, 300)
    warm = p.replace(n_th_a=n, n_th_b=n, n_th_c=n)
    ss = nrqb.steady_state(warm.replace(epsilon=0.0))
    np.testing.assert_allclose(ss.n_a, n, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(ss.n_b, n, rtol=1e-10, atol=1e-13)
    # with the drive on, heat and work add (linearity): E_B = omega (|<b>|^2_{T=0} + n)
    driven = nrqb.steady_state(warm)
    cold = nrqb.steady_state(p.replace(n_th_a=0.0, n_th_b=0.0, n_th_c=0.0))
    np.testing.assert_allclose(driven.E_B, cold.E_B + p.omega * n, rtol=1e-10)
    np.testing.assert_allclose(driven.ergotropy_B, cold.E_B, rtol=1e-10)


def test_power_is_the_derivative_of_the_thermal_energy():
    """Energy balance of the battery with noise: P = dE_B/dt (central differences)."""
    rng = np.random.default_rng(RNG_SEED + 7)
    p = random_thermal_params(rng, 20)
    t = np.linspace(1.0, 300.0, 40)[:, None]
    h = 1e-3
    fd = (nrqb.evolve(p, t + h).E_B - nrqb.evolve(p, t - h).E_B) / (2 * h)
    tr = nrqb.evolve(p, t)
    scale = np.max(np.abs(tr.P), axis=0)
    assert np.max(np.abs(fd - tr.P) / scale) < 1e-6


def test_nonreciprocity_shields_the_charger_not_the_battery():
    """At J = Gamma/2, phi = pi/2: the charger never feels the battery's bath; the battery feels the charger's."""
    t = np.linspace(0, 600, 61)
    p = nrqb.paper_params(epsilon=0.0)
    from_b = nrqb.evolve(p.replace(n_th_b=1.0), t)
    from_a = nrqb.evolve(p.replace(n_th_a=1.0), t)
    # exactly zero up to the rounding of cos(pi/2) ~ 6e-17 in M[0, 1]: the charger's equations decouple
    assert np.all(from_b.n_a < 1e-25)
    assert from_a.n_b[-1] > 0.1  # the charger's noise is carried to the battery
    # away from the nonreciprocal phase the charger heats up through the battery
    off = nrqb.evolve(p.replace(n_th_b=1.0, phi=1.2), t)
    assert off.n_a[-1] > 1e-3
    # and with the drive on, the charger's energy is independent of n_th_b at every time
    driven = nrqb.paper_params()
    np.testing.assert_allclose(nrqb.evolve(driven.replace(n_th_b=2.0), t).E_A, nrqb.evolve(driven, t).E_A, rtol=1e-13)
