"""Benchmark: how long one slider move of the explorer takes (compute + redraw).

For a sequence of slider moves (detuning, damping ratio, phase, coupling, time window) it
times separately: the recomputation (``Explorer.update``: one ``nrqb.evolve`` on the time grid
plus ``nrqb.steady_state`` and updating the line data), the Agg redraw (``canvas.draw``) and the
PNG encoding that the widget sends to the browser. The aim is under 50 ms for compute + redraw.

Usage: ``python benchmarks/bench_widgets.py [--moves 40] [--n 400]``. Timing is reported, never
asserted (the machine may be shared); tests check correctness.
"""

from __future__ import annotations

import argparse
import io
import os
import time

import numpy as np
import PIL.Image

from nrqb.widgets import Explorer

AIM_MS = 50.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=40, help="number of slider moves to time")
    parser.add_argument("--n", type=int, default=400, help="time points per trace")
    args = parser.parse_args()

    ex = Explorer(n=args.n)
    ex.draw()  # first draw caches fonts and mathtext
    moves = [
        {"Delta": 0.01},
        {"r": 10.0},
        {"phi": 1.2},
        {"J": 0.03},
        {"t_max": 800.0},
        {"Delta": 0.0, "r": 1.0, "phi": np.pi / 2, "J": 0.02, "t_max": 250.0},
    ]
    compute, draw, encode = [], [], []
    for i in range(args.moves):
        start = time.perf_counter()
        ok = ex.update(**moves[i % len(moves)])
        mid = time.perf_counter()
        ex.draw()
        end = time.perf_counter()
        canvas = ex.figure.canvas
        PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            io.BytesIO(), format="png", compress_level=1
        )
        encode.append(time.perf_counter() - end)
        assert ok, ex.message
        compute.append(mid - start)
        draw.append(end - mid)

    ms = {name: 1e3 * np.asarray(v) for name, v in (("compute", compute), ("redraw", draw), ("png", encode))}
    total = ms["compute"] + ms["redraw"]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"Explorer update, {args.moves} slider moves, {args.n} time points, load average {load:.1f}")
    for name, v in ms.items():
        print(f"  {name:>8}: median {np.median(v):6.1f} ms   best {v.min():6.1f} ms")
    verdict = "meets" if np.median(total) < AIM_MS else "misses"
    print(
        f"  compute + redraw: median {np.median(total):.1f} ms, best {total.min():.1f} ms ({verdict} the {AIM_MS:.0f} ms aim)"
    )


if __name__ == "__main__":
    main()
