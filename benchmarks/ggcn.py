"""Learning iterations per second of every GGCN-chapter model at the `cpu` profile's settings (or the paper's), in
one process, with the ratio to GCN, the Langevin share of a GCN iteration and the cost of the wGCN term.

    python benchmarks/ggcn.py                           # cpu settings on the stand-in digits
    python benchmarks/ggcn.py --profile paper --device cuda --channels 3     # the paper's shapes on FakeData
"""
from __future__ import annotations

import argparse
import time

import torch

from paperlib.core.profiles import item_parameters
from paperlib.data import images
from paperlib.experiments import ggcn as ex
from paperlib.methods.gcn import MODELS, GCNTrainer
from paperlib.sampling.langevin import image_langevin


def _sync(device: str) -> None:
    if device.startswith("cuda"):
        torch.cuda.synchronize()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--profile", default="cpu")
    ap.add_argument("--steps", type=int, default=5)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--channels", type=int, default=1, help="1: digits (stand-in); 3: FakeData in the CIFAR shape")
    args = ap.parse_args()
    p = item_parameters("ggcn-tab02", args.profile)
    s = ex.settings(p)
    if args.channels == 1:
        d = images.stand_in()
        x, y = d["train"], d["train_labels"]
    else:
        x, y = images.fake("cifar10", 1000)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, width x{s.width}, "
          f"{s.chains} chains, {s.langevin_steps} Langevin steps, {tuple(x.shape[1:])} images")
    times = {}
    for m in MODELS:
        tr = GCNTrainer(x, y, m, s, device=args.device)
        tr.step()                                     # warm-up
        _sync(args.device)
        t = time.perf_counter()
        for _ in range(args.steps):
            tr.step()
        _sync(args.device)
        times[m] = (time.perf_counter() - t) / args.steps
    for m, dt in times.items():
        print(f"{m:14s} {1000 * dt:9.1f} ms/iteration  x{dt / times['GCN']:5.2f} of GCN")
    tr = GCNTrainer(x, y, "GCN", s, device=args.device)
    x0 = tr.chains.to(args.device)
    t = time.perf_counter()
    image_langevin(tr._f(), x0, s.sigma, s.delta, s.langevin_steps, tr.rng)
    _sync(args.device)
    lang = time.perf_counter() - t
    print(f"one GCN iteration's Langevin chain alone: {1000 * lang:.1f} ms ({s.chains * s.langevin_steps / lang:.0f} "
          f"image-steps/s)")


if __name__ == "__main__":
    main()
