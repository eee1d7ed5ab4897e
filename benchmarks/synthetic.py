"""Speed of the Stein Bridging synthetic trainers against the machine's limit (report only, never a test).

    python benchmarks/synthetic.py                 # the report below (about 3 minutes on 2 cores)
    python benchmarks/synthetic.py --chapter       # + the chapter's cpu profile, cold then warm cache (long)

For each trainer of the suite (the 18-member adversarial run, the 6-member EGAN/DGM run) it reports:

* the floating-point work of one outer iteration per member, counted by dispatching every aten op of a real
  step through ``torch.utils.flop_counter``'s formulas (the matrix products; element-wise work is not counted);
* the machine's dense ``bmm`` rate at the trainer's own shapes, measured here, one thread;
* milliseconds per member-iteration and the achieved fraction of that rate;
* levers, each as a ratio measured in this run: the chain-rule input gradients against the autograd reference
  (double back-propagation), a ``torch.compile``-d critic step against eager, two processes with one thread each
  (one run each, what :func:`paperlib.experiments.stein_bridging.suites` does when pages run in parallel)
  against one process with two threads, and the evaluation's share of a run at the profile's ``eval_every``.

Targets (issue 17): <= 5 ms per member-iteration on 2 cores for the adversarial suite (machine throughput:
wall time / (members x iterations) with both cores busy).
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace

import torch
from torch.utils._python_dispatch import TorchDispatchMode
from torch.utils.flop_counter import flop_registry

from paperlib.core import profiles
from paperlib.data import toy
from paperlib.experiments import stein_bridging as synthetic
from paperlib.methods import stein_bridging as mt


class FlopCount(TorchDispatchMode):
    """Counts the FLOPs of every op with a formula in ``torch.utils.flop_counter`` (``FlopCounterMode`` itself
    cannot be used: its module hooks break ``autograd.grad`` inside the reference path)."""

    def __init__(self):
        super().__init__()
        self.flops = Counter()

    def __torch_dispatch__(self, func, types, args=(), kwargs=None):
        kwargs = kwargs or {}
        out = func(*args, **kwargs)
        formula = flop_registry.get(func._overloadpacket)
        if formula is not None:
            self.flops[str(func._overloadpacket)] += formula(*args, **kwargs, out_val=out)
        return out


def members(family: str, params) -> list[tuple[str, int]]:
    """``adversarial``: the suite's 18 adversarial members in one run (how it trained before issue 17);
    otherwise a run of :func:`paperlib.experiments.stein_bridging.suite_members`."""
    runs = synthetic.suite_members(params)
    return runs["wgan"] + runs["gan"] if family == "adversarial" else runs[family]


def trainer(dataset: str, family: str, params, **changes):
    s = replace(synthetic.settings(dataset, params), **changes)
    return mt.make_trainer(toy.dataset(dataset), members(family, params), s)


def ms_per_step(tr, steps: int) -> float:
    for _ in range(3):
        tr.step()
    t0 = time.perf_counter()
    for _ in range(steps):
        tr.step()
    return (time.perf_counter() - t0) / steps * 1e3


def bmm_rate(m: int, b: int, h: int, reps: int = 50) -> float:
    """GFLOP/s of ``bmm`` at (m, b, h) x (m, h, h), the trainers' hidden layer."""
    a, w = torch.randn(m, b, h), torch.randn(m, h, h)
    for _ in range(5):
        torch.bmm(a, w)
    t0 = time.perf_counter()
    for _ in range(reps):
        torch.bmm(a, w)
    return 2 * m * b * h * h * reps / (time.perf_counter() - t0) / 1e9


def _worker(args) -> float:
    dataset, family, threads, steps = args
    torch.set_num_threads(threads)
    params = profiles.item_parameters("sb-tab05", "cpu")
    return ms_per_step(trainer(dataset, family, params), steps)


def side_by_side(jobs, steps: int) -> float:
    """Machine throughput, ms per member-iteration, of ``jobs`` (dataset, run) in processes of one thread each."""
    params = profiles.item_parameters("sb-tab05", "cpu")
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        times = pool.map(_worker, [(d, f, 1, steps) for d, f in jobs])
    return 1 / sum(len(members(f, params)) / t for (_, f), t in zip(jobs, times))


def processes_lever(steps: int) -> None:
    """One process with 2 threads against two processes with one thread each, side by side (the pages' case),
    both on the 18-member run; then every lever together: the wgan and gan runs side by side."""
    n = len(members("adversarial", profiles.item_parameters("sb-tab05", "cpu")))
    with mp.get_context("spawn").Pool(1) as pool:
        (one,) = pool.map(_worker, [("two_circle", "adversarial", 2, steps)])
    two = side_by_side([(d, "adversarial") for d in synthetic.DATASETS], steps)
    print(f"  18-member run, 1 process x 2 threads: {one / n:.2f} ms per member-iteration; 2 processes x 1 thread "
          f"side by side: {two:.2f} ms per member-iteration of the machine; speed-up {one / n / two:.2f}x")
    both = side_by_side([("two_circle", "wgan"), ("two_circle", "gan")], steps)
    print(f"all levers (wgan and gan runs, one process and thread each, side by side): {both:.2f} ms per "
          f"member-iteration of the machine; {one / n / both:.2f}x the 18-member run on 2 threads")


def compile_lever(params) -> None:
    """One WGAN-GP critic loss + backward, eager against ``torch.compile`` (the chain-rule form compiles; double
    back-propagation does not)."""
    tr = trainer("two_circle", "adversarial", params)
    real, fake, u = tr.real_batch(), tr.generator(tr.noise()).detach(), tr.rand(tr.M, tr.B, 1)

    def loss(real, fake, u):
        xh = u * fake + (1 - u) * real
        g = tr.critic.forward_and_input_grad(xh)[1]
        w = tr.critic(fake).mean((1, 2)) - tr.critic(real).mean((1, 2)) + (g.norm(dim=-1) - 1).relu().mean(1)
        return (tr.is_wgan * w).sum()

    def timed(fn, reps=20):
        for _ in range(3):
            fn(real, fake, u).backward()
        t0 = time.perf_counter()
        for _ in range(reps):
            fn(real, fake, u).backward()
        return (time.perf_counter() - t0) / reps * 1e3

    t0 = time.perf_counter()
    compiled = torch.compile(loss)
    compiled(real, fake, u).backward()
    first = time.perf_counter() - t0
    eager, comp = timed(loss), timed(compiled)
    print(f"  critic loss + backward ({tr.M} members): eager {eager:.1f} ms, compiled {comp:.1f} ms "
          f"({eager / comp:.2f}x; compilation {first:.0f} s)")


def calibrating_report() -> None:
    """The Calibrating-EBGAN 2-D energy-GAN run (EGAN-Const, -Ent-VI, -Ent-NN batched; batch 500): FLOPs, ms per
    member-iteration, fraction of the bmm rate, and the kNN lever (the search for the one member that uses it,
    not all three) as a ratio of the search alone."""
    from paperlib.estimators.entropy import knn_score
    from paperlib.methods import energy_gan as eg

    params = profiles.item_parameters("ce-tab02", "cpu")
    s = eg.settings("four_gaussians", params)
    tr = eg.EnergyGANTrainer(toy.dataset("four_gaussians"), [(m, 0) for m in eg.ENERGY_GANS], s, rng_seed=1000)
    tr.step()
    counter = FlopCount()
    with counter:
        tr.step()
    flops = sum(counter.flops.values()) / tr.M
    rate = bmm_rate(tr.M, tr.B, s.hidden)
    ms = ms_per_step(tr, 20) / tr.M
    print(f"calibrating-ebgan energy GANs ({tr.M} members, batch {tr.B}): {flops / 1e6:.0f} MFLOP per "
          f"member-iteration; {ms:.2f} ms per member-iteration = {flops / (ms * 1e-3) / 1e9:.0f} GFLOP/s, "
          f"{flops / (ms * 1e-3) / 1e9 / rate:.0%} of the {rate:.0f} GFLOP/s bmm rate")
    x, used = torch.randn(tr.M, tr.B, 2), tr.w_knn > 0

    def timed(fn, reps=20):
        fn()
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        return (time.perf_counter() - t0) / reps * 1e3

    every, only = timed(lambda: knn_score(x, s.knn_k)), timed(lambda: knn_score(x, s.knn_k, used))
    print(f"  kNN entropy search: all {tr.M} members {every:.1f} ms, the {int(used.sum())} that use it {only:.1f} ms "
          f"({every / only:.2f}x; per step {every - only:.1f} ms saved of {ms * tr.M:.1f})")


def trainer_report() -> None:
    params = profiles.item_parameters("sb-tab05", "cpu")
    torch.set_num_threads(1)
    print(f"torch {torch.__version__}; one thread unless said; profile cpu, Two-Circle")
    per_member = {}
    for family in ("adversarial", "wgan", "gan", "energy_gan"):
        tr = trainer("two_circle", family, params)
        tr.step()
        counter = FlopCount()
        with counter:
            tr.step()
        flops = sum(counter.flops.values()) / tr.M
        h = tr.s.hidden
        rate = bmm_rate(tr.M, tr.B, h)
        fast = per_member[family] = ms_per_step(tr, 10) / tr.M
        line = (f"{family} ({tr.M} members, batch {tr.B}): {flops / 1e6:.0f} MFLOP per member-iteration; bmm at "
                f"({tr.M}, {tr.B}, {h}) x ({tr.M}, {h}, {h}) {rate:.0f} GFLOP/s; {fast:.2f} ms per member-iteration"
                f" = {flops / (fast * 1e-3) / 1e9:.0f} GFLOP/s, {flops / (fast * 1e-3) / 1e9 / rate:.0%} of the rate "
                f"(limit {flops / rate / 1e6:.2f} ms)")
        print(line)
        if family == "adversarial":
            ref = ms_per_step(trainer("two_circle", family, params, autograd_input_grads=True), 10) / tr.M
            print(f"  input gradients: autograd reference {ref:.2f} ms, chain rule {fast:.2f} ms per member-iteration "
                  f"({ref / fast:.2f}x)")
        if family == "gan":
            split = (per_member["wgan"] * len(members("wgan", params)) + fast * tr.M) / len(members("adversarial", params))
            print(f"  split by critic (wgan + gan runs): {split:.2f} ms per member-iteration "
                  f"({per_member['adversarial'] / split:.2f}x the 18-member run)")
        t0 = time.perf_counter()
        tr.evaluate()
        ev = time.perf_counter() - t0
        run = tr.s.iterations * fast * tr.M / 1e3
        share = ev * tr.s.iterations / tr.s.eval_every / (run + ev * tr.s.iterations / tr.s.eval_every)
        print(f"  evaluation {ev * 1e3:.0f} ms; every {tr.s.eval_every} of {tr.s.iterations} iterations: {share:.1%} "
              "of the run")
    compile_lever(params)
    processes_lever(steps=40)
    calibrating_report()


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
