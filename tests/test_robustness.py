"""nrqb.studies.robustness against a slow, independent per-sample loop (hand-built drift matrix, numpy.linalg.solve,
adaptive ODE integration, brute-force EP search), plus limits, reproducibility and input validation."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import solve_ivp
from scipy.optimize import minimize_scalar

import nrqb
import nrqb.studies.robustness as rb

N_SLOW = 6


def hand_drift(Gamma, kappa_a, kappa_b, phi, J, Delta_b):
    """Paper Eq. (13) written out by hand (Delta_a = 0, real J)."""
    return np.array(
        [
            [-(Gamma + kappa_a) / 2, -1j * J - Gamma / 2 * np.exp(-1j * phi)],
            [-1j * J - Gamma / 2 * np.exp(1j * phi), -1j * Delta_b - (Gamma + kappa_b) / 2],
        ]
    )


def hand_samples(nominal: nrqb.Params, noise: float, seed: int, n: int) -> list[dict]:
    """The documented noise model, re-implemented: one (5, n) normal draw, rows kappa_a, kappa_b, Delta, J, phi."""
    xi = np.random.default_rng(seed).standard_normal((5, n))
    out = []
    for i in range(n):
        out.append(
            {
                "Gamma": nominal.Gamma,
                "kappa_a": nominal.kappa_a * max(1 + noise * xi[0, i], 0.0),
                "kappa_b": nominal.kappa_b * max(1 + noise * xi[1, i], 0.0),
                "Delta_b": nominal.Delta_b + noise * nominal.Gamma * xi[2, i],
                "J": nominal.J * (1 + noise * xi[3, i]),
                "phi": nominal.phi + noise * xi[4, i],
            }
        )
    return out


def splitting_of(q: dict, J: float) -> float:
    lam = np.linalg.eigvals(hand_drift(q["Gamma"], q["kappa_a"], q["kappa_b"], q["phi"], J, q["Delta_b"]))
    return abs(lam[0] - lam[1])


def brute_force_ep(q: dict) -> float:
    """Real J >= 0 minimising the eigenvalue splitting: grid scan, then a bounded scalar search."""
    grid = np.linspace(0.0, 4 * q["Gamma"], 4001)
    values = [splitting_of(q, J) for J in grid]
    k = int(np.argmin(values))
    res = minimize_scalar(
        lambda J: splitting_of(q, J),
        bounds=(max(grid[k] - grid[1], 0.0), grid[k] + grid[1]),
        method="bounded",
        options={"xatol": 1e-13},
    )
    return res.x


def slow_figures(q: dict, epsilon: float, t_max: float) -> tuple[float, float, float]:
    """E_B(inf), eta(inf) by numpy.linalg.solve; peak P by DOP853 on a fine grid plus a bounded search."""
    M = hand_drift(q["Gamma"], q["kappa_a"], q["kappa_b"], q["phi"], q["J"], q["Delta_b"])
    f = np.array([-1j * epsilon, 0])
    alpha, beta = np.linalg.solve(M, -f)
    E_A, E_B = abs(alpha) ** 2, abs(beta) ** 2

    def power(t):
        sol = solve_ivp(lambda _, x: M @ x + f, (0, t), [0j, 0j], method="DOP853", rtol=1e-12, atol=1e-13)
        x = sol.y[:, -1]
        return 2 * (np.conj(x[1]) * (M @ x + f)[1]).real

    t = np.linspace(0, t_max, 801)
    sol = solve_ivp(lambda _, x: M @ x + f, (0, t_max), [0j, 0j], t_eval=t, method="DOP853", rtol=1e-12, atol=1e-13)
    P = 2 * (np.conj(sol.y[1]) * (M @ sol.y + f[:, None])[1]).real
    k = int(np.argmax(P))
    res = minimize_scalar(lambda s: -power(s), bounds=(t[max(k - 1, 0)], t[min(k + 1, len(t) - 1)]), method="bounded")
    return E_B, E_B / (E_A + E_B), max(-res.fun, P[k])


@pytest.mark.parametrize("regime", ["damping", "detuning"])
@pytest.mark.parametrize("definition", ["fixed", "feedback"])
def test_statistics_match_slow_independent_loop(regime, definition):
    seed, noise = 7, 0.15
    points = rb.operating_points(regime)
    res = rb.robustness(points, noise, N_SLOW, np.random.default_rng(seed), definition=definition)
    t_max = rb.default_t_max(points.nonreciprocal)
    for name in ("nonreciprocal", "exceptional"):
        nominal = getattr(points, name)
        samples = hand_samples(nominal, noise, seed, N_SLOW)
        values = {"E_B": [], "eta": [], "P_peak": []}
        for i, q in enumerate(samples):
            if definition == "feedback":
                q["J"] = q["Gamma"] / 2 * np.sin(q["phi"]) if name == "nonreciprocal" else brute_force_ep(q)
            assert res.point(name).J[i] == pytest.approx(q["J"], rel=1e-6, abs=1e-9)
            E_B, eta, P = slow_figures(q, nominal.epsilon, t_max)
            values["E_B"].append(E_B)
            values["eta"].append(eta)
            values["P_peak"].append(P)
        for key, vals in values.items():
            vals = np.array(vals)
            np.testing.assert_allclose(getattr(res.point(name), key), vals, rtol=1e-6)
            st = res.point(name).stats[key]
            assert st.mean == pytest.approx(vals.mean(), rel=1e-6)
            assert st.std == pytest.approx(vals.std(), rel=1e-5)
            assert st.p10 == pytest.approx(np.percentile(vals, 10), rel=1e-6)


def test_nominal_values_match_steady_state_and_exceptional_coupling():
    points = rb.operating_points("detuning", Delta=0.03)
    res = rb.robustness(points, 0.1, 50, np.random.default_rng(0), peak=False)
    assert points.exceptional.J == pytest.approx(0.5 * np.sqrt(0.04**2 - 0.03**2), rel=1e-12)
    for name in ("nonreciprocal", "exceptional"):
        ss = nrqb.steady_state(getattr(points, name))
        st = res.point(name).stats
        assert st["E_B"].nominal == pytest.approx(ss.E_B, rel=1e-12)
        assert st["eta"].nominal == pytest.approx(ss.eta, rel=1e-12)
        assert st["E_B"].rel_loss_p10 == pytest.approx(1 - np.percentile(res.point(name).E_B, 10) / ss.E_B)


@pytest.mark.parametrize("definition", ["fixed", "feedback"])
@pytest.mark.parametrize("regime", ["damping", "detuning"])
def test_zero_noise_gives_zero_spread(regime, definition):
    res = rb.robustness(rb.operating_points(regime), 0.0, 20, np.random.default_rng(1), definition=definition)
    assert res.ep_fraction == 1.0
    for name in ("nonreciprocal", "exceptional"):
        for st in res.point(name).stats.values():
            assert st.std <= 1e-12 * abs(st.nominal)
            assert st.mean == pytest.approx(st.nominal, rel=1e-10)
            assert abs(st.rel_loss_p10) < 1e-10


def test_noise_produces_spread_that_grows_with_level():
    points = rb.operating_points("detuning")
    spreads = [
        rb.robustness(points, s, 2000, np.random.default_rng(2), peak=False).exceptional.stats["E_B"].std
        for s in (0.01, 0.05, 0.2)
    ]
    assert 0 < spreads[0] < spreads[1] < spreads[2]


def test_same_seed_reproduces_and_different_seed_differs():
    points = rb.operating_points("damping")
    a = rb.robustness(points, 0.1, 200, np.random.default_rng(5), definition="feedback", peak=False)
    b = rb.robustness(points, 0.1, 200, np.random.default_rng(5), definition="feedback", peak=False)
    c = rb.robustness(points, 0.1, 200, np.random.default_rng(6), definition="feedback", peak=False)
    np.testing.assert_array_equal(a.exceptional.E_B, b.exceptional.E_B)
    np.testing.assert_array_equal(a.nonreciprocal.J, b.nonreciprocal.J)
    assert a.exceptional.stats["E_B"] == b.exceptional.stats["E_B"]
    assert not np.array_equal(a.exceptional.E_B, c.exceptional.E_B)


def test_draw_fluctuations_follows_the_documented_noise_model():
    p = rb.operating_points("detuning").nonreciprocal
    q = rb.draw_fluctuations(p, 0.1, 200_000, np.random.default_rng(3), which=("kappa_a", "Delta", "phi"))
    assert np.std(q.kappa_a / p.kappa_a) == pytest.approx(0.1, rel=0.01)
    assert np.std(q.Delta_b - p.Delta_b) == pytest.approx(0.1 * p.Gamma, rel=0.01)
    assert np.std(q.phi - p.phi) == pytest.approx(0.1, rel=0.01)
    assert np.ndim(q.kappa_b) == 0 and q.kappa_b == p.kappa_b
    assert np.ndim(q.J) == 0 and q.J == p.J
    big = rb.draw_fluctuations(p, 3.0, 1000, np.random.default_rng(3))
    assert np.all(big.kappa_a >= 0) and np.any(big.kappa_a == 0)  # clipped at zero, documented


def test_closest_exceptional_coupling_equals_exact_ep_where_one_exists():
    p = nrqb.paper_params(kappa_b=0.003 * np.logspace(-2, 3, 41))  # Delta = 0: an EP for every r
    J, split = rb.closest_exceptional_coupling(p)
    np.testing.assert_allclose(J, 0.5 * np.sqrt(0.04**2 + (0.003 - p.kappa_b) ** 2 / 4), rtol=1e-12)
    assert np.all(split < 1e-6 * 0.04)
    p = nrqb.paper_params(Delta_b=np.linspace(-0.04, 0.04, 41))  # r = 1: an EP for |Delta| <= Gamma
    J, split = rb.closest_exceptional_coupling(p)
    np.testing.assert_allclose(J, nrqb.exceptional_coupling(p), rtol=1e-10, atol=1e-14)
    assert np.all(split < 1e-6 * 0.04)


def test_closest_exceptional_coupling_minimises_splitting_where_no_ep_exists():
    rng = np.random.default_rng(11)
    for _ in range(8):
        q = {
            "Gamma": 0.04,
            "kappa_a": rng.uniform(0, 0.06),
            "kappa_b": rng.uniform(0, 0.06),
            "Delta_b": rng.normal(0, 0.03),
            "phi": np.pi / 2 + rng.normal(0, 0.5),
        }
        p = nrqb.paper_params(**{k: v for k, v in q.items()})
        J, split = rb.closest_exceptional_coupling(p)
        J_ref = brute_force_ep(q)
        assert split == pytest.approx(splitting_of(q, J), rel=1e-6)
        assert split <= splitting_of(q, J_ref) * (1 + 1e-9) + 1e-15
        assert split > 1e-6 * 0.04  # generic parameters: no exact EP for a real J


def test_nonreciprocal_feedback_minimises_backflow():
    p = nrqb.paper_params(phi=np.pi / 2 + np.linspace(-0.6, 0.6, 7))
    q = rb.retune(p, "nonreciprocal")
    for i, phi in enumerate(p.phi):
        backflow = lambda J, phi=phi: abs(hand_drift(0.04, 0.003, 0.003, phi, J, 0.0)[0, 1])  # noqa: E731
        ref = minimize_scalar(backflow, bounds=(-0.1, 0.1), method="bounded", options={"xatol": 1e-12}).x
        assert q.J[i] == pytest.approx(ref, abs=1e-8)


def test_peak_power_matches_fine_grid_and_chunking_is_invisible():
    p = nrqb.paper_params(Delta_b=np.array([0.0, 0.01, 0.1]), kappa_b=np.array([0.003, 0.03, 0.003]))
    P, tp = rb.peak_power(p, 300.0)
    P_small, _ = rb.peak_power(p, 300.0, chunk_elements=64)  # one sample per chunk
    # Equal to rounding: numpy's vectorised complex loops may round the last bit differently for other lengths.
    np.testing.assert_allclose(P, P_small, rtol=1e-15, atol=0)
    t = np.linspace(0, 300, 300_001)
    tr = nrqb.evolve(p.replace(Delta_b=p.Delta_b[:, None], kappa_b=p.kappa_b[:, None]), t)
    np.testing.assert_allclose(P, tr.P.max(axis=1), rtol=1e-8)
    np.testing.assert_allclose(tp, t[tr.P.argmax(axis=1)], atol=2e-3)
    assert rb.peak_power(nrqb.paper_params(), 300.0)[0] == pytest.approx(P[0], rel=1e-12)


def test_robustness_of_the_paper_point_itself():
    """At the paper's own point (r = 1, Delta = 0) the EP *is* the NR point: identical statistics."""
    base = nrqb.paper_params()
    points = rb.OperatingPoints("paper", base, nrqb.at_exceptional_point(base))
    res = rb.robustness(points, 0.1, 300, np.random.default_rng(4), peak=False)
    np.testing.assert_allclose(res.exceptional.E_B, res.nonreciprocal.E_B, rtol=1e-12)


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"noise": -0.1}, "noise"),
        ({"noise": float("nan")}, "noise"),
        ({"noise": "0.1"}, "noise"),  # a string is not a noise level (numpy's isfinite raised TypeError on it)
        ({"noise": 0.1j}, "noise"),
        ({"n": 0}, "n"),
        ({"rng": 42}, "rng"),
        ({"definition": "magic"}, "definition"),
        ({"which": ("kappa_a", "Gamma")}, "which"),
    ],
)
def test_invalid_input_raises_value_error_naming_it(kwargs, name):
    args = {"noise": 0.1, "n": 10, "rng": np.random.default_rng(0)} | kwargs
    points = rb.operating_points("damping")
    with pytest.raises(ValueError, match=rf"^{name}\b"):
        rb.robustness(points, args.pop("noise"), args.pop("n"), args.pop("rng"), peak=False, **args)


def test_invalid_operating_points_raise():
    with pytest.raises(ValueError, match="regime"):
        rb.operating_points("resonant")
    with pytest.raises(ValueError, match="r "):
        rb.operating_points("damping", r=-1)
    with pytest.raises(ValueError, match="Delta"):
        rb.operating_points("detuning", Delta=0.05)  # |Delta| > Gamma: no EP
    with pytest.raises(ValueError, match="noise"):
        rb.draw_fluctuations(nrqb.paper_params(), -1.0, 5, np.random.default_rng(0))


# ---------------------------------------------------------------------------------------------
# Uncertainty of the comparison: paired bootstrap and the detuning / noise sweep
# ---------------------------------------------------------------------------------------------


def test_paired_bootstrap_matches_a_slow_loop_with_the_same_draws():
    res = rb.robustness(rb.operating_points("detuning"), 0.1, 500, np.random.default_rng(3), peak=False)
    cmp = rb.compare_losses(res, "E_B", np.random.default_rng(9), n_boot=400)
    idx = np.random.default_rng(9).integers(0, 500, size=(400, 500))  # one chunk: the same draws
    nr, ep = res.nonreciprocal, res.exceptional
    loss = {
        name: np.array([1 - np.percentile(pt.E_B[i], 10) / pt.stats["E_B"].nominal for i in idx])
        for name, pt in (("nr", nr), ("ep", ep))
    }
    gap = loss["ep"] - loss["nr"]
    assert cmp.gap.low == pytest.approx(np.percentile(gap, 2.5), rel=1e-12)
    assert cmp.gap.high == pytest.approx(np.percentile(gap, 97.5), rel=1e-12)
    assert cmp.exceptional.estimate == pytest.approx(ep.stats["E_B"].rel_loss_p10, rel=1e-12)
    assert cmp.gap.estimate == pytest.approx(ep.stats["E_B"].rel_loss_p10 - nr.stats["E_B"].rel_loss_p10)
    for interval in (cmp.nonreciprocal, cmp.exceptional, cmp.gap):
        assert interval.low <= interval.estimate <= interval.high and interval.level == 0.95


def test_identical_points_have_a_zero_gap_and_intervals_shrink_with_samples():
    base = nrqb.paper_params()
    same = rb.OperatingPoints("paper", base, nrqb.at_exceptional_point(base))
    res = rb.robustness(same, 0.1, 400, np.random.default_rng(4), peak=False)
    gap = rb.compare_losses(res, "eta", np.random.default_rng(5)).gap
    assert abs(gap.low) < 1e-12 and abs(gap.high) < 1e-12 and not gap.excludes_zero
    pts = rb.operating_points("detuning")
    widths = []
    for n in (1000, 8000):
        res = rb.robustness(pts, 0.1, n, np.random.default_rng(6), peak=False)
        g = rb.compare_losses(res, "E_B", np.random.default_rng(7)).gap
        widths.append(g.high - g.low)
    assert 0.2 < widths[1] / widths[0] < 0.6  # about 1/sqrt(8)


def test_detuning_sweep_finds_a_small_significant_gap_in_the_middle_only():
    sweep = rb.detuning_sweep([0.1, 0.5], [0.02, 0.1], 3000, np.random.default_rng(11), n_boot=300)
    assert [(c.Delta_over_Gamma, c.noise) for c in sweep] == [(0.1, 0.02), (0.1, 0.1), (0.5, 0.02), (0.5, 0.1)]
    near_resonance, middle = sweep[0].comparison.gap, sweep[3].comparison.gap
    assert not near_resonance.excludes_zero and abs(near_resonance.estimate) < 0.002
    assert middle.excludes_zero and 0.005 < middle.low < middle.estimate < middle.high < 0.05


def test_compare_losses_refuses_bad_input():
    res = rb.robustness(rb.operating_points("damping"), 0.1, 200, np.random.default_rng(0), peak=False)
    rng = np.random.default_rng(1)
    with pytest.raises(ValueError, match=r"peak=True"):
        rb.compare_losses(res, "P_peak", rng)
    with pytest.raises(ValueError, match=r"^quantity"):
        rb.compare_losses(res, "power", rng)
    with pytest.raises(ValueError, match=r"^n_boot"):
        rb.compare_losses(res, "E_B", rng, n_boot=10)
    with pytest.raises(ValueError, match=r"^level"):
        rb.compare_losses(res, "E_B", rng, level=1.5)
    with pytest.raises(ValueError, match=r"^rng"):
        rb.compare_losses(res, "E_B", 42)
