"""Throughput of the Stein Bridging synthetic trainers and wall time of the chapter (report only).

    python benchmarks/synthetic.py                 # outer iterations per second, 1 vs 3 batched seeds
    python benchmarks/synthetic.py --chapter       # + the chapter's cpu profile, cold then warm cache

Targets (issue 4): 3 batched seeds cost <= 1.5x one seed; the chapter's cpu profile <= 60 min on
2 cores with a cold cache and <= 1 min with a warm one.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time

import torch

from paperlib.core import profiles
from paperlib.data import toy
from paperlib.experiments import stein_bridging as synthetic
from paperlib.methods import stein_bridging as mt


def seconds_per_iteration(dataset: str, members, settings, steps: int = 20) -> float:
    tr = mt.make_trainer(toy.dataset(dataset), members, settings)
    for _ in range(3):  # warm-up
        tr.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        tr.step()
    return (time.perf_counter() - t0) / steps


def trainer_report() -> None:
    params = profiles.item_parameters("sb-tab05", "cpu")
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads")
    for d in synthetic.DATASETS:
        s = synthetic.settings(d, params)
        one = seconds_per_iteration(d, [("Joint-W", 0)], s)
        three = seconds_per_iteration(d, [("Joint-W", k) for k in range(3)], s)
        suite = [(m, k) for m in synthetic.MAIN_METHODS for k in range(3)] + [(m, 0) for m in synthetic.VARIANT_METHODS]
        full = seconds_per_iteration(d, suite, s, steps=10)
        print(f"{d}: Joint-W outer iteration, 1 seed: {one * 1e3:.1f} ms ({1 / one:.1f} it/s); "
              f"3 seeds batched: {three * 1e3:.1f} ms ({three / one:.2f}x one seed); "
              f"the {len(suite)}-member adversarial suite: {full * 1e3:.0f} ms ({full / one / len(suite):.2f}x "
              "one member per member)")


def chapter_report() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "PAPERLIB_CACHE": f"{tmp}/cache", "PAPERLIB_RESULTS": f"{tmp}/results",
               "PAPERLIB_BOOK": f"{tmp}/book"}
        for label in ("cold", "warm"):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-m", "paperlib.build.cli", "run", "--chapter", "stein_bridging",
                            "--profile", "cpu", "--timeout", "7200"], env=env, check=True)
            print(f"chapter stein_bridging, cpu profile, {label} cache: {(time.perf_counter() - t0) / 60:.1f} min")


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chapter", action="store_true", help="also time the chapter's cpu profile (long)")
    args = ap.parse_args()
    trainer_report()
    if args.chapter:
        chapter_report()
