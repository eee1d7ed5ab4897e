"""Particle-steps per second of the MMD and KALE flows (report only; issue 6).

    python benchmarks/flows.py                  # N in {240, 1000, 4000} on the CPU
    python benchmarks/flows.py --device cuda    # the same on a GPU

N source particles flow toward N target samples of the MoG square (spec A.16); a step of the KALE flow
solves its dual by warm-started Newton (N x N system), so it grows like N^3 where the MMD flow grows like N^2.
"""
from __future__ import annotations

import argparse
import time

import torch

from paperlib.sampling import particle_flows as flows


def rate(fn, n: int, steps: int) -> float:
    fn(2)                                     # warm-up (allocations, the first dual solve)
    t0 = time.perf_counter()
    fn(steps)
    return n * steps / (time.perf_counter() - t0)


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--sizes", type=int, nargs="*", default=[240, 1000, 4000])
    args = ap.parse_args()
    print(f"device {args.device}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    print(f"{'N':>6} {'MMD flow':>18} {'KALE flow λ=0.1':>18}   (particle-steps / s)")
    for n in args.sizes:
        _, x, y0 = flows.mog_square(n, n)
        steps = max(3, 40_000 // n)
        mmd = rate(lambda s: flows.mmd_flow(y0, x, 0.5, 1e-2, s, snapshots=1, device=args.device), n, steps)
        kale = rate(lambda s: flows.kale_flow(y0, x, 0.1, 0.5, 1e-2, s, snapshots=1, device=args.device), n, max(2, steps // 4))
        print(f"{n:>6} {mmd:>18,.0f} {kale:>18,.0f}")
