"""Benchmark: the closed-form ``nrqb.evolve`` against SciPy's ``solve_ivp`` on the Fig. 3 grid.

A 400 x 400 grid of damping ratios r = kappa_b/kappa_a (log-spaced 1e-2 ... 1e3) and scaled times
Jt in [0, 5], at the paper's other parameters. ``evolve`` computes the whole grid in one broadcast
call; ``solve_ivp`` (RK45, rtol=1e-8, atol=1e-10) integrates one trajectory per r, evaluated at the same
times. Prints the wall time of each, the speed-up per trajectory and the largest disagreement.

Usage: ``python benchmarks/bench_evolve.py [--n-r 400] [--n-t 400] [--ivp-trajectories 400]``
(``make benchmark``). Timing is reported, never asserted: tests check correctness, this checks speed.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
from scipy.integrate import solve_ivp
from timing import best_of

import nrqb
from nrqb.drift import drift_matrix, drive_vector


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-r", type=int, default=400)
    parser.add_argument("--n-t", type=int, default=400)
    parser.add_argument("--ivp-trajectories", type=int, default=400, help="how many r values solve_ivp integrates")
    args = parser.parse_args()

    base = nrqb.paper_params()
    r = np.logspace(-2, 3, args.n_r)
    t = np.linspace(0, 5 / base.J, args.n_t)
    grid_params = base.replace(kappa_b=base.kappa_a * r[:, None])

    t_closed, grid = best_of(3, lambda: nrqb.evolve(grid_params, t[None, :]))

    picks = np.linspace(0, args.n_r - 1, min(args.ivp_trajectories, args.n_r)).astype(int)
    worst = 0.0
    start = time.perf_counter()
    for i in picks:
        p = base.replace(kappa_b=base.kappa_a * r[i])
        M, f = drift_matrix(p), drive_vector(p)
        sol = solve_ivp(
            lambda _, x, M=M, f=f: M @ x + f, (0, t[-1]), np.zeros(2, complex), t_eval=t, rtol=1e-8, atol=1e-10
        )
        E_B = p.omega * np.abs(sol.y[1]) ** 2
        worst = max(worst, float(np.abs(E_B - grid.E_B[i]).max() / np.abs(grid.E_B[i]).max()))
    t_ivp = time.perf_counter() - start

    per_closed = t_closed / args.n_r
    per_ivp = t_ivp / len(picks)
    print(f"grid: {args.n_r} damping ratios x {args.n_t} times ({args.n_r * args.n_t} points)")
    print(
        f"nrqb.evolve (closed form, one call): {t_closed * 1e3:9.2f} ms total, {per_closed * 1e6:9.1f} us per trajectory"
    )
    print(
        f"scipy solve_ivp RK45 rtol=1e-8     : {t_ivp * 1e3:9.2f} ms for {len(picks)} trajectories, "
        f"{per_ivp * 1e6:9.1f} us per trajectory"
    )
    print(f"speed-up per trajectory            : {per_ivp / per_closed:9.0f} x")
    print(f"largest relative difference in E_B : {worst:.2e}")


if __name__ == "__main__":
    main()
