"""Images per second of every Stein Bridging image trainer at a width (default: the `cpu` profile's), measured
in one process, with the ratio to plain WGAN-GP; and the share of an evaluation in an epoch.

    python benchmarks/sb_images.py                 # cpu width and batch on the stand-in digits
    python benchmarks/sb_images.py --width 1 --batch 100 --device cuda --channels 3    # the paper's CIFAR shape
"""
from __future__ import annotations

import argparse
import time

import torch

from paperlib.core.profiles import item_parameters
from paperlib.data import images
from paperlib.methods.sb_images import IMAGE_METHODS, ImageSettings, ImageTrainer


def main() -> None:
    cpu = item_parameters("sb-tab02", "cpu")
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--width", type=float, default=cpu["width"])
    ap.add_argument("--batch", type=int, default=cpu["batch"])
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--channels", type=int, default=1, help="1: digits (stand-in); 3: FakeData in the CIFAR shape")
    args = ap.parse_args()
    if args.channels == 1:
        d = images.stand_in()
        x, y = d["train"], d["train_labels"]
    else:
        x, y = images.fake("cifar10", 1000)
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, device {args.device}, width x{args.width}, "
          f"batch {args.batch}, {tuple(x.shape[1:])} images")
    base = None
    for m in IMAGE_METHODS:
        cond = m.startswith("DCGAN") or m == "Joint-JS"
        s = ImageSettings(width=args.width, batch=args.batch, iterations=10_000, conditional=cond)
        tr = ImageTrainer(x, y, m, 0, s, device=args.device)
        for _ in range(5):    # warm-up (allocator, cudnn autotuning)
            tr.step()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        t = time.perf_counter()
        for _ in range(args.steps):
            tr.step()
        if args.device.startswith("cuda"):
            torch.cuda.synchronize()
        dt = (time.perf_counter() - t) / args.steps
        base = base or dt
        print(f"{m:12s} {1000 * dt:8.1f} ms/iteration  {args.batch / dt:8.0f} images/s  x{dt / base:4.2f} of WGAN-GP")
    # Would batching two seeds into one program pay? Its upper bound: one model at twice the batch against two
    # models stepped one after the other (a grouped-convolution member batch cannot beat a plain doubled batch).
    s = ImageSettings(width=args.width, batch=args.batch, iterations=10_000)
    two = [ImageTrainer(x, y, "WGAN-GP", sd, s, device=args.device) for sd in (0, 1)]
    double = ImageTrainer(x, y, "WGAN-GP", 0, ImageSettings(width=args.width, batch=2 * args.batch, iterations=10_000),
                          device=args.device)
    times = {}
    for name, step in (("two models, one after the other", lambda: [tr.step() for tr in two]),
                       ("one model at twice the batch", double.step)):
        for _ in range(3):
            step()
        t = time.perf_counter()
        for _ in range(args.steps):
            step()
        times[name] = (time.perf_counter() - t) / args.steps
    a, b = times.values()
    print(f"member batching bound: {1000 * a:.1f} ms (two models) vs {1000 * b:.1f} ms (doubled batch): x{a / b:.2f}")


if __name__ == "__main__":
    main()
