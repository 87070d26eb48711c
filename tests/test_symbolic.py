"""nrqb.symbolic: SymPy derivations checked against the independent numerics of nrqb."""

from __future__ import annotations

import numpy as np
import pytest
import sympy as sp
from conftest import random_params, random_three_mode
from sympy.physics.quantum import Dagger

import nrqb
import nrqb.symbolic as S
from nrqb.drift import drift_matrix as numeric_drift
from nrqb.drift import drive_vector, noise_matrix

SYM = S.effective_model()[2]  # Params names (and Lambda_a, Lambda_b, omega) -> SymPy symbols


# ---------------------------------------------------------------- operator algebra
def test_normal_ordering_and_commutators():
    a, b = S.a, S.b
    assert S.commutator(a, Dagger(a)) == 1
    assert S.commutator(a, Dagger(b)) == 0
    # [a, (a^dagger)^2 a] = 2 a^dagger a  (derivation rule, computed independently by hand)
    assert sp.expand(S.commutator(a, Dagger(a) * Dagger(a) * a) - 2 * Dagger(a) * a) == 0
    # a a^dagger b^dagger b -> a^dagger b^dagger a b + b^dagger b
    ordered = S.normal_order(a * Dagger(a) * Dagger(b) * b)
    assert sp.expand(ordered - Dagger(a) * Dagger(b) * a * b - Dagger(b) * b) == 0


def test_moment_symbols_pair_adjoints():
    assert S.moment("b", "a") == sp.conjugate(S.m_ab)
    assert S.moment("a") == sp.conjugate(S.mean_a)
    assert S.n_a.is_real and not S.m_ab.is_real
    assert S.expect(S.a * Dagger(S.a)) == S.n_a + 1


def test_adjoint_lindblad_damps_a_single_mode():
    kappa = sp.Symbol("kappa", positive=True)
    rhs = S.expect(S.adjoint_lindblad(0, Dagger(S.a) * S.a, [(kappa, S.a)]))
    assert sp.expand(rhs + kappa * S.n_a) == 0


# ---------------------------------------------------------------- drift matrix vs numerics
def test_drift_matrix_contract_and_numeric_agreement(rng):
    M, f, symbols = S.drift_matrix()
    assert set(symbols) == {"Gamma", "kappa_a", "kappa_b", "epsilon", "phi", "J", "Delta_a", "Delta_b"}
    assert M.shape == (2, 2) and f.shape == (2, 1)
    for complex_J in (False, True):
        for _ in range(5):
            p = random_params(rng, complex_J=complex_J)
            subs = {sym: getattr(p, name) for name, sym in symbols.items()}
            M_num = np.array(M.subs(subs).evalf(), dtype=complex)
            f_num = np.array(f.subs(subs).evalf(), dtype=complex)[:, 0]
            np.testing.assert_allclose(M_num, numeric_drift(p), rtol=1e-12, atol=1e-15)
            np.testing.assert_allclose(f_num, drive_vector(p), rtol=1e-12, atol=1e-15)


def test_drift_matrix_equals_paper_eq5():
    M, f, _ = S.drift_matrix()
    M5, f5 = S.paper_eq5()
    assert S.is_zero(M - M5) and S.is_zero(f - f5)


def test_evaluate_drift_matrix_matches(rng):
    M, _, _ = S.drift_matrix()
    p = random_params(rng, complex_J=True)
    np.testing.assert_allclose(np.array(S.evaluate(M, p), dtype=complex), numeric_drift(p), rtol=1e-12)
    with pytest.raises(ValueError, match="depends on t"):
        S.evaluate(S.closed_form_solutions().alpha, nrqb.paper_params())


# ---------------------------------------------------------------- second moments
def test_second_moments_satisfied_by_coherent_states_paper_eq6_is_not():
    assert all(r == 0 for r in S.coherent_residuals(S.second_moment_equations()).values())
    assert all(r == 0 for r in S.coherent_residuals(S.paper_eq20()).values())
    residual6 = S.coherent_residuals(S.paper_eq6())
    assert residual6[S.n_b] == 0 and residual6[S.m_ab] == 0
    assert residual6[S.n_a] != 0
    # the n_a line of Eq. (6) is the correct one with the coupling term's sign flipped
    eq, eq6 = S.second_moment_equations()[S.n_a], S.paper_eq6()[S.n_a]
    coupling = sp.expand(eq.subs({S.mean_a: 0, S.n_a: 0}))
    assert coupling != 0 and S.is_zero(eq6 - (eq - 2 * coupling))


def test_second_moments_vs_finite_differences_of_evolve(rng):
    eqs = S.second_moment_equations()
    for _ in range(3):
        p = random_params(rng, complex_J=True).replace(omega=1.0)
        t = np.linspace(5.0, 60.0, 12)
        h = 1e-3
        tr, tr_p, tr_m = nrqb.evolve(p, t), nrqb.evolve(p, t + h), nrqb.evolve(p, t - h)
        values = {
            S.mean_a: tr.alpha,
            S.mean_b: tr.beta,
            S.n_a: tr.n_a,
            S.n_b: tr.n_b,
            S.m_ab: np.conj(tr.alpha) * tr.beta,
        }
        for key, field in ((S.n_a, "n_a"), (S.n_b, "n_b")):
            fd = (getattr(tr_p, field) - getattr(tr_m, field)) / (2 * h)
            rhs = S.evaluate(eqs[key], p, values=values)
            np.testing.assert_allclose(np.real(rhs), fd, rtol=1e-5, atol=1e-8)
        # and the derived n_b equation reproduces evolve's exact power P = dE_B/dt
        np.testing.assert_allclose(np.real(S.evaluate(eqs[S.n_b], p, values=values)), tr.P, rtol=1e-9, atol=1e-12)


def test_paper_eq6_na_line_fails_numerically():
    p = nrqb.paper_params()
    tr = nrqb.evolve(p, np.array([50.0]))
    values = {S.mean_a: tr.alpha, S.mean_b: tr.beta, S.n_a: tr.n_a, S.n_b: tr.n_b, S.m_ab: np.conj(tr.alpha) * tr.beta}
    good = np.real(S.evaluate(S.second_moment_equations()[S.n_a], p, values=values))
    bad = np.real(S.evaluate(S.paper_eq6()[S.n_a], p, values=values))
    # at full nonreciprocity the coupling term vanishes, so the sign error is invisible there ...
    np.testing.assert_allclose(good, bad, atol=1e-12)
    # ... but not away from it (phi = pi/4)
    q = p.replace(phi=np.pi / 4)
    tr = nrqb.evolve(q, np.array([50.0]))
    values = {S.mean_a: tr.alpha, S.mean_b: tr.beta, S.n_a: tr.n_a, S.n_b: tr.n_b, S.m_ab: np.conj(tr.alpha) * tr.beta}
    good = np.real(S.evaluate(S.second_moment_equations()[S.n_a], q, values=values))
    bad = np.real(S.evaluate(S.paper_eq6()[S.n_a], q, values=values))
    assert abs(good - bad) > 1e-3 * abs(good)


# ---------------------------------------------------------------- elimination
@pytest.mark.filterwarnings("ignore::nrqb.AdiabaticityWarning")  # an identity of formulas, any regime
def test_elimination_matches_nrqb_eliminate(rng):
    el = S.eliminate_bad_cavity()
    s = el.symbols
    for _ in range(5):
        p3 = random_three_mode(rng, equal_couplings=True)
        p = nrqb.eliminate(p3)
        num = {sym: getattr(p3, name) for name, sym in s.items()}

        def val(e, num=num):
            return complex(sp.N(e.subs(num)))

        assert val(el.Gamma) == pytest.approx(p.Gamma, rel=1e-12)
        assert val(el.Gamma_a) == pytest.approx(p.Gamma, rel=1e-12)
        assert val(el.J_minus) == pytest.approx(p.J, rel=1e-12, abs=1e-15)
        assert val(el.Delta_a_eff) == pytest.approx(p.Delta_a, rel=1e-12, abs=1e-15)
        assert val(el.Delta_b_eff) == pytest.approx(p.Delta_b, rel=1e-12, abs=1e-15)
        # the whole eliminated drift equals the effective model's drift matrix
        drift = np.array(el.drift.subs(num).evalf(), dtype=complex)
        np.testing.assert_allclose(drift, numeric_drift(p), rtol=1e-12, atol=1e-15)
        # eliminated input noise = the collective dissipator's noise (nrqb's thermal D with n_th_c = 1)
        noise = np.array(el.noise.subs(num).evalf(), dtype=complex)
        np.testing.assert_allclose(noise.T, noise_matrix(p.replace(n_th_c=1.0)), rtol=1e-12, atol=1e-15)


def test_elimination_gamma_is_four_g2_over_gamma_m():
    el = S.eliminate_bad_cavity()
    s = el.symbols
    g = sp.Symbol("g", positive=True)
    at_res = {s["Delta_c"]: 0, s["g_a"]: g, s["g_b"]: g}
    assert sp.simplify(el.Gamma.subs(at_res) - 4 * g**2 / s["gamma_m"]) == 0
    conv = nrqb.gamma_conventions(0.3, 7.0)
    value = float(el.Gamma.subs(at_res).subs({g: 0.3, s["gamma_m"]: 7.0}))
    assert value == pytest.approx(conv["lindblad"], rel=1e-12)
    assert value == pytest.approx(2 * conv["paper_sec2"], rel=1e-12)
    assert value == pytest.approx(4 * conv["paper_sec5"], rel=1e-12)


def test_elimination_vs_three_mode_dynamics_improves_with_gamma_m():
    p = nrqb.paper_params()
    t = np.linspace(0, 400, 201)
    E_eff = nrqb.evolve(p, t).E_B
    errors = []
    for gamma_m in (5.0, 50.0):
        E3 = nrqb.evolve_three_mode(nrqb.three_mode_from_effective(p, gamma_m), t).E_B
        errors.append(np.max(np.abs(E3 - E_eff)) / np.max(E_eff))
    assert errors[0] < 2e-2 and errors[1] < errors[0] / 5


def test_projection_route_reproduces_eq18_as_amplitude_rates():
    pr = S.projection_operator_route()
    assert S.is_zero(pr.H_eff - S.paper_eq18())
    el = S.eliminate_bad_cavity()
    s = el.symbols
    # -i H_eff is exactly the eliminated drift without local damping ...
    assert S.is_zero(pr.amplitude_drift - el.drift.subs({s["kappa_a"]: 0, s["kappa_b"]: 0}))
    # ... so the paper's Gamma is half the Lindblad rate
    assert S.is_zero(el.Gamma - 2 * pr.Gamma_paper)


# ---------------------------------------------------------------- nonreciprocity, closed forms
def test_nonreciprocity_condition():
    cond = S.nonreciprocity_condition()
    G, phi = SYM["Gamma"], SYM["phi"]
    assert sp.simplify(cond["J"] - sp.I * G / 2 * sp.exp(-sp.I * phi)) == 0
    J_real = sp.Symbol("J", real=True)
    assert {(sol[J_real], sol[phi]) for sol in cond["real"]} == {
        (-G / 2, 3 * sp.pi / 2),
        (G / 2, sp.pi / 2),
    }
    p = nrqb.paper_params()  # J = Gamma/2, phi = pi/2
    assert abs(numeric_drift(p)[0, 1]) < 1e-15


def test_closed_forms_two_routes_and_paper_where_defined():
    cf = S.closed_form_solutions()
    assert S.is_zero(cf.n_b_moments - cf.n_b)
    assert S.is_zero(cf.m_ab_moments - cf.m_ab)
    assert S.is_zero(cf.n_a - S.paper_eq7())
    assert S.is_zero(cf.beta - S.paper_eq22())
    assert S.is_zero(cf.n_b - S.paper_eq8())
    assert S.is_zero(cf.m_ab - S.paper_eq9())
    E_A, E_B = S.paper_eq10()
    w = SYM["omega"]
    assert S.is_zero(E_A - w * cf.n_a_ss) and S.is_zero(E_B - w * cf.n_b_ss)
    assert S.is_zero(S.steady_state_ratio() - 4 * SYM["Gamma"] ** 2 / SYM["Lambda_b"] ** 2)


def test_paper_eq8_undefined_at_equal_rates_and_its_limit():
    cf = S.closed_form_solutions()
    La, Lb = (SYM[k] for k in ("Lambda_a", "Lambda_b"))
    assert S.paper_eq8().subs(Lb, La) is sp.nan
    assert S.is_zero(sp.limit(S.paper_eq8(), Lb, La) - cf.n_b_equal)


def test_closed_forms_vs_evolve(rng):
    cf = S.closed_form_solutions()
    t = np.linspace(0, 600, 61)
    for _ in range(3):
        G = rng.uniform(0.01, 0.08)
        phi = rng.uniform(-np.pi, np.pi)
        p = nrqb.Params(
            Gamma=G,
            kappa_a=rng.uniform(0.001, 0.02),
            kappa_b=rng.uniform(0.001, 0.02),
            epsilon=rng.uniform(0.05, 0.2),
            phi=phi,
            J=0.5j * G * np.exp(-1j * phi),
        )
        tr = nrqb.evolve(p, t)
        np.testing.assert_allclose(S.evaluate(cf.alpha, p, t), tr.alpha, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(S.evaluate(cf.beta, p, t), tr.beta, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(np.real(S.evaluate(cf.n_b, p, t)), tr.n_b, rtol=1e-8, atol=1e-9)
        ss = nrqb.steady_state(p)
        assert complex(S.evaluate(cf.ratio, p)) == pytest.approx(ss.E_B / ss.E_A, rel=1e-12)
    # the paper's own parameters (Lambda_a = Lambda_b): only the limit works
    p = nrqb.paper_params()
    tr = nrqb.evolve(p, t)
    np.testing.assert_allclose(np.real(S.evaluate(cf.n_b_equal, p, t)), tr.n_b, rtol=1e-10, atol=1e-10)
    with np.errstate(divide="ignore", invalid="ignore"):
        assert np.all(np.isnan(S.evaluate(S.paper_eq8(), p, t[1:])))


def test_detuned_charger_and_paper_eq21_sign():
    cf = S.closed_form_solutions()
    alpha21, n21 = S.paper_eq21()
    p = nrqb.paper_params(Delta_a=0.02, J=0.0, Gamma=0.0)  # charger alone, Lambda_a = kappa_a
    p = p.replace(kappa_a=0.01)
    t = np.linspace(0, 300, 31)
    tr = nrqb.evolve(p, t)
    np.testing.assert_allclose(S.evaluate(cf.alpha_detuned, p, t), tr.alpha, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(np.real(S.evaluate(n21, p, t)), tr.n_a, rtol=1e-10, atol=1e-12)
    # Eq. (21)'s prefactor has the sign of the detuning flipped: |<a>| is right, the phase is not
    assert np.max(np.abs(S.evaluate(alpha21, p, t) - tr.alpha)) > 0.1 * np.max(np.abs(tr.alpha))
    assert S.is_zero(alpha21.subs(SYM["Delta_a"], 0) - cf.alpha)
