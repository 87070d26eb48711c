"""nrqb.studies.feasibility: unit conversions, elimination against the exact three-mode model for the paper's device,
closed-form checks of the design answers, optimality and constraints of the optimiser, and input validation."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nrqb
import nrqb.studies.feasibility as fz


def random_device(rng: np.random.Generator) -> fz.Device:
    return fz.Device(
        kappa_a=rng.uniform(0.01, 0.2),
        kappa_b=rng.uniform(0.01, 0.2),
        gamma_m=rng.uniform(2, 50),
        g=rng.uniform(0, 1),
        J=rng.uniform(-0.1, 0.1),
        phi=rng.uniform(0, 2 * np.pi),
        epsilon=rng.uniform(0.01, 0.3),
        Delta=rng.uniform(-0.1, 0.1),
        Delta_c=rng.uniform(-1, 1),
        f_cavity=rng.uniform(3000, 8000),
    )


def test_unit_conversions_round_trip(rng):
    nu = rng.uniform(0, 10, 20)
    np.testing.assert_allclose(fz.to_mhz(fz.to_code_rate(nu)), nu, rtol=1e-15)
    assert fz.to_code_rate(1.0) == pytest.approx(2 * np.pi)  # 1 MHz = 2 pi rad/us
    for _ in range(10):
        d = random_device(rng)
        back = fz.device_from_three_mode(fz.to_three_mode(d))
        for name in ("kappa_a", "kappa_b", "gamma_m", "g", "J", "phi", "epsilon", "Delta", "Delta_c", "f_cavity"):
            assert getattr(back, name) == pytest.approx(getattr(d, name), rel=1e-14, abs=1e-15)


def test_energy_and_power_units(rng):
    d = fz.paper_device(epsilon=0.2)
    perf = fz.performance(d, "effective")
    ss = nrqb.steady_state(fz.to_effective(d))
    quantum = fz.H_PLANCK * 5e9  # J per photon at 5 GHz
    assert perf.n_B == pytest.approx(abs(ss.beta) ** 2, rel=1e-12)  # photon number = |<b>|^2
    assert perf.E_B == pytest.approx(perf.n_B * quantum, rel=1e-12)
    assert perf.P_peak_watts == pytest.approx(perf.P_peak * 1e6 * quantum, rel=1e-12)
    # energies scale as epsilon^2, ratios and times do not
    half = fz.performance(d.replace(epsilon=0.1), "effective")
    assert half.n_B == pytest.approx(perf.n_B / 4, rel=1e-12)
    assert half.t90 == pytest.approx(perf.t90, rel=1e-9) and half.eta == pytest.approx(perf.eta, rel=1e-12)


def test_gamma_by_each_formula_and_the_effective_model():
    d = fz.paper_device()
    gv = fz.gamma_values(d)
    assert gv["lindblad"] == pytest.approx(4 * 0.33**2 / 5.0, rel=1e-14)
    assert gv["paper_sec2"] == pytest.approx(gv["lindblad"] / 2, rel=1e-14)
    assert gv["paper_sec5"] == pytest.approx(gv["lindblad"] / 4, rel=1e-14)
    assert gv["paper_sec5"] == pytest.approx(0.02, abs=0.002)  # the paper's "Gamma/2pi ~ 0.02 MHz"
    p = fz.to_effective(d)
    assert p.Gamma == pytest.approx(2 * np.pi * gv["lindblad"], rel=1e-14)
    assert fz.to_effective(d, gamma="paper_sec5").Gamma == pytest.approx(2 * np.pi * gv["paper_sec5"], rel=1e-14)
    # the paper's J = 0.01 MHz is Gamma/2 only in the Sec. 5 convention
    assert d.J == pytest.approx(gv["paper_sec5"] / 2, rel=0.1)
    assert d.J < 0.25 * gv["lindblad"]


def test_adiabatic_ratios_of_the_paper_device():
    r = fz.adiabatic_ratios(fz.paper_device())
    assert r["kappa_a/gamma_m"] == pytest.approx(0.016) and r["kappa_b/gamma_m"] == pytest.approx(0.012)
    assert r["g/(gamma_m/2)"] == pytest.approx(0.132)
    assert r["g/(gamma_m/2)"] == pytest.approx(fz.to_three_mode(fz.paper_device()).adiabaticity)


@pytest.mark.parametrize("J", [0.01, None])  # the paper's J, and the nonreciprocal J = Gamma/2
def test_effective_model_matches_three_mode_for_the_paper_device(J):
    d = fz.paper_device()
    d = d.replace(J=0.5 * d.Gamma) if J is None else d
    exact, eff = fz.performance(d, "three-mode"), fz.performance(d, "effective")
    small = fz.adiabatic_ratios(d)["g/(gamma_m/2)"] ** 2  # 0.017
    # Delta_c = 0: the steady state of the linear problem is reproduced exactly by the elimination
    for name in ("n_A", "n_B", "ratio", "eta"):
        assert getattr(eff, name) == pytest.approx(getattr(exact, name), rel=1e-10)
    # transients differ at the order of the adiabatic parameter
    for name in ("t90", "P_peak", "t_peak"):
        assert getattr(eff, name) == pytest.approx(getattr(exact, name), rel=small)


def test_transient_discrepancy_shrinks_with_a_faster_reservoir():
    """Keep Gamma = 4 g^2/gamma_m fixed and raise gamma_m: the three-mode peak power converges to the effective one."""
    d = fz.paper_device()
    d = d.replace(J=0.5 * d.Gamma)
    errors = []
    for factor in (1, 4, 16):
        dd = d.replace(gamma_m=d.gamma_m * factor, g=d.g * math.sqrt(factor))
        assert dd.Gamma == pytest.approx(d.Gamma, rel=1e-12)
        exact, eff = fz.performance(dd, "three-mode"), fz.performance(dd, "effective")
        errors.append(abs(exact.P_peak / eff.P_peak - 1))
    assert errors[0] > 2 * errors[1] > 4 * errors[2]


def test_charging_time_against_a_fine_grid():
    p = fz.to_effective(fz.paper_device())
    t90 = fz.charging_time(p)
    t = np.linspace(0, 2 * t90, 200_001)
    E = nrqb.evolve(p, t).E_B
    first = t[np.argmax(E >= 0.9 * nrqb.steady_state(p).E_B)]
    assert t90 == pytest.approx(first, abs=2 * (t[1] - t[0]))
    with pytest.raises(ValueError, match="level"):
        fz.charging_time(p, level=1.2)


def test_required_g_against_the_closed_form():
    """At the NR point E_B/E_A = 4 Gamma^2/Lambda_b^2 = R, so Gamma = sqrt(R) kappa_b/(2 - sqrt(R)), g = sqrt(Gamma gamma_m)/2."""
    d = fz.paper_device()
    target = fz.headline()["eta"]
    R = target / (1 - target)
    Gamma = math.sqrt(R) * d.kappa_b / (2 - math.sqrt(R))
    g = fz.required_g(d, target)
    assert g == pytest.approx(math.sqrt(Gamma * d.gamma_m) / 2, rel=1e-9)
    assert fz.headline()["ratio"] == pytest.approx(R, rel=1e-12)
    with pytest.raises(ValueError, match="eta_target"):
        fz.required_g(d, 0.85)


def test_minimum_gamma_m_makes_the_required_coupling_adiabatic():
    Gamma = 0.8
    gm = fz.minimum_gamma_m(Gamma, 0.1)
    g = math.sqrt(Gamma * gm) / 2
    assert g == pytest.approx(0.1 * gm, rel=1e-12)
    assert fz.gamma_values(fz.Device(g=g, gamma_m=gm))["lindblad"] == pytest.approx(Gamma, rel=1e-12)


@pytest.mark.parametrize("objective", ["E_B", "P_peak"])
def test_optimiser_returns_a_feasible_local_optimum(objective):
    d = fz.paper_device()
    res = fz.optimise_design(d, objective)
    assert res.success
    g, J, phi = res.device.g, res.device.J, res.device.phi
    eta_min, g_max = res.constraints["eta_min"], res.constraints["g_max"]
    assert g_max == pytest.approx(0.1 * d.gamma_m)
    assert -1e-12 <= g <= g_max + 1e-12
    assert res.eta >= eta_min - 1e-8
    value, _ = fz.design_objective(d, g, J, phi, objective)
    assert float(value) == pytest.approx(res.value, rel=1e-12)
    # the exact three-mode model gives the same value (steady state exact; peak within the adiabatic error)
    exact = fz.performance(res.device, "three-mode")
    assert (exact.n_B if objective == "E_B" else exact.P_peak) == pytest.approx(res.value, rel=1e-3)
    # no feasible perturbation improves the objective
    rng = np.random.default_rng(0)
    steps = rng.normal(size=(60, 3)) * np.array([1e-3 * g_max, 1e-3 * d.gamma_m / 10, 1e-3])
    gs, Js, phis = np.clip(g + steps[:, 0], 0, g_max), J + steps[:, 1], phi + steps[:, 2]
    values, etas = fz.design_objective(d, gs, Js, phis, objective)
    feasible = etas >= eta_min
    assert feasible.sum() >= 10
    assert np.all(values[feasible] <= res.value * (1 + 1e-7))


def test_optimiser_without_efficiency_constraint_is_not_worse():
    d = fz.paper_device()
    free = fz.optimise_design(d, "E_B", eta_min=0.0)
    constrained = fz.optimise_design(d, "E_B")
    assert free.value >= constrained.value * (1 - 1e-9)
    # the unconstrained steady-state optimum of the linear pair: E_B <= epsilon^2/(kappa_a kappa_b)
    assert free.value == pytest.approx(d.epsilon**2 / (d.kappa_a * d.kappa_b), rel=1e-4)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kappa_a", -0.01),
        ("kappa_b", float("nan")),
        ("gamma_m", 0.0),
        ("g", -0.3),
        ("J", "strong"),
        ("phi", float("inf")),
        ("f_cavity", -5.0),
    ],
)
def test_invalid_device_parameters_raise_value_error_naming_them(field, value):
    with pytest.raises(ValueError, match=rf"Device\.{field}\b"):
        fz.Device(**{field: value})


def test_other_invalid_inputs():
    d = fz.paper_device()
    with pytest.raises(ValueError, match="gamma"):
        fz.to_effective(d, gamma="paper_sec9")
    with pytest.raises(ValueError, match="objective"):
        fz.optimise_design(d, "joy")
    with pytest.raises(ValueError, match="model"):
        fz.performance(d, "four-mode")
    with pytest.raises(ValueError, match="g_a == g_b"):
        fz.device_from_three_mode(fz.to_three_mode(d).replace(g_b=1.0))
