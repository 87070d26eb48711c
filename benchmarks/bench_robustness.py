"""Timing of the robustness Monte Carlo (nrqb.studies.robustness) on the vectorised core.

Usage: ``python benchmarks/bench_robustness.py [--samples 100000] [--peak-samples 10000] [--repeat 3] [--json]``

Reports the best-of-``repeat`` wall time of

* the steady-state statistics (draw, J re-tuning, ``nrqb.steady_state``, mean/std/percentile) for both
  operating points, per regime and definition, at ``--samples`` samples (the target: well under 1 s
  for 1e5 samples);
* the peak charging power (coarse (sample, t) grid in memory-bounded chunks, then golden-section
  refinement) at ``--peak-samples`` samples.
"""

from __future__ import annotations

import argparse
import json

import numpy as np
from timing import best_of

import nrqb.studies.robustness as rb


def run(samples: int, peak_samples: int, repeat: int) -> list[dict]:
    rows = []
    for regime in ("damping", "detuning"):
        points = rb.operating_points(regime)
        for definition in ("fixed", "feedback"):
            steady, res = best_of(
                repeat,
                lambda points=points, definition=definition: rb.robustness(
                    points, 0.1, samples, np.random.default_rng(0), definition=definition, peak=False
                ),
            )
            peak, _ = best_of(
                repeat,
                lambda points=points, definition=definition: rb.robustness(
                    points, 0.1, peak_samples, np.random.default_rng(0), definition=definition
                ),
            )
            rows.append(
                {
                    "regime": regime,
                    "definition": definition,
                    "samples": samples,
                    "steady_seconds": steady,
                    "peak_samples": peak_samples,
                    "peak_seconds": peak,
                    "E_B_rel_std_EP": res.exceptional.stats["E_B"].rel_std,
                }
            )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=100_000)
    parser.add_argument("--peak-samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    rows = run(args.samples, args.peak_samples, args.repeat)
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print(f"{'regime':>9} {'definition':>10} {'steady (s)':>12} {'peak P (s)':>12}")
    for r in rows:
        print(
            f"{r['regime']:>9} {r['definition']:>10} {r['steady_seconds']:>8.3f} ({r['samples']:.0e})"
            f" {r['peak_seconds']:>6.2f} ({r['peak_samples']:.0e})"
        )


if __name__ == "__main__":
    main()
