r"""What the Calibrating-EBGAN pages call (Dai et al. 2017): the cached 2-D runs of the four models and their Table 2
read-outs (spec B.2-B.6), the digit-1 ranking runs (spec B.3.3, B.6), and the finite-space theory of §3.

A run is cached under the hash of (dataset, members, settings, library code) and checkpointed while it trains;
parallel pages train different runs through non-blocking cache locks (:func:`suites`).
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import torch

from paperlib.core.cache import BUSY, Cache, compute_all
from paperlib.data import digits, toy
from paperlib.estimators.image_metrics import image_statistics  # noqa: F401 (page API)
from paperlib.methods.digit_gan import DIGIT_METHODS, DigitSettings, DigitTrainer  # noqa: F401 (page API)
from paperlib.methods.energy_gan import (  # noqa: F401
    CE_METHODS,
    COLUMNS,
    DATASETS,
    ENERGY_GANS,
    PAIRS,
    CESettings,
    EnergyGANTrainer,
    GANTrainer,
    Reference,
    calibration_slope,
    settings,
    table2_row,
)
from paperlib.theory.finite_space import dual_value, optimal_discriminator  # noqa: F401
from paperlib.training import fit


# ------------------------------------------------------------------------------------------- runs
def run(dataset: str, members: Sequence[tuple[str, int]], s: CESettings, cache: Cache | None = None,
        progress: bool = True, device: str = "cpu", wait: bool = True) -> dict:
    """Train ``members`` (all GAN, or all energy GANs) on ``dataset``; cached, checkpointed, resumable.

    With ``wait=False`` a run that another process is training returns :data:`paperlib.cache.BUSY`.
    """
    members = [tuple(m) for m in members]
    gan = {m for m, _ in members} == {"GAN"}
    iterations = s.gan_iterations if gan else s.iterations
    config = {"dataset": dataset, "members": members, "settings": s.as_dict(), "trainer": "gan" if gan else "egan"}

    def compute(checkpoint):
        ds = toy.dataset(dataset)
        torch.manual_seed(0)
        trainer = (GANTrainer if gan else EnergyGANTrainer)(ds, members, s, rng_seed=1000, device=device)
        out = fit(trainer, iterations, s.eval_every, checkpoint=checkpoint, progress=progress)
        out["energy"] = trainer.grid_energy().float().reshape(len(members), s.grid, s.grid)
        out["samples"] = trainer.sample(s.diagnostic_points).float()
        out["fields"] = trainer.gradient_fields()
        out["batches"] = trainer.batch_histograms()
        out["iterations"] = iterations
        return out

    return (cache or Cache()).get_or_compute("ce-synthetic-run", config, compute, checkpoint=True, wait=wait)


def suite(dataset: str, params: dict[str, Any], seed: int = 0, cache: Cache | None = None,
          progress: bool = True, device: str = "cpu", wait: bool = True) -> dict:
    """The four models of Table 2 on ``dataset`` with seeds ``seed .. seed+n_seeds-1`` (two cached runs).

    With ``wait=False``, runs that another process is training are skipped and BUSY is returned.
    """
    s = settings(dataset, params)
    seeds = list(range(seed, seed + int(params.get("n_seeds", 1))))
    runs = {"GAN": [("GAN", sd) for sd in seeds], "EGAN": [(m, sd) for m in ENERGY_GANS for sd in seeds]}
    out = {k: run(dataset, mem, s, cache, progress, device, wait) for k, mem in runs.items()}
    if any(r is BUSY for r in out.values()):
        return BUSY
    return {"dataset": dataset, "settings": s, "runs": out,
            "members": out["GAN"]["members"] + out["EGAN"]["members"]}


def suites(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None,
           datasets: Sequence[str] | None = None) -> dict[str, dict]:
    """:func:`suite` on every dataset (what Figs. 2, 3, 8 and Table 2 read).

    Pages executed in parallel share these runs: a run another page is training is skipped and
    revisited, so two pages train two different runs instead of waiting on the same one.
    """
    names = list(datasets or DATASETS)
    runs = compute_all([(d,) for d in names],
                       lambda d, wait: suite(d, params, seed=seed, cache=cache, device=device, wait=wait))
    return dict(zip(names, runs))


def member(result: dict, method: str, seed: int | None = None) -> tuple[dict, int]:
    """(run, index) of ``method``'s member in a suite (the first seed unless ``seed`` is given)."""
    run_ = result["runs"]["GAN" if method == "GAN" else "EGAN"]
    for i, (m, sd) in enumerate(run_["members"]):
        if m == method and (seed is None or sd == seed):
            return run_, i
    raise KeyError(f"{method} (seed {seed}) is not in this suite; members: {result['members']}")


def frame(results: dict[str, dict]):
    """Long table of the final metrics: dataset, method, seed, metric, value."""
    import pandas as pd

    rows = []
    for d, res in results.items():
        for run_ in res["runs"].values():
            for i, (m, sd) in enumerate(run_["members"]):
                for k, v in run_["final"].items():
                    rows.append({"dataset": d, "method": m, "seed": sd, "metric": k, "value": float(v[i])})
    return pd.DataFrame(rows)


def table2(results: dict[str, dict]):
    """Seed-mean of the ten KL columns: rows (dataset, method) in the paper's order."""
    df = frame(results)
    t = df[df.metric.isin(COLUMNS)].groupby(["dataset", "method", "metric"]).value.mean().unstack("metric")
    order = [(d, m) for d in results for m in CE_METHODS if (d, m) in t.index]
    return t.reindex(order)[COLUMNS]


# ------------------------------------------------------------------------------------------- figures (2-D)
def plot_models(results: dict[str, dict], models: Sequence[str], seed: int = 0, n_points: int = 2000):
    """Figs. 2 and 3: per dataset (rows) and model, the learned energy (15 quadratic contour levels) and
    ``n_points`` generated (blue) vs real (red) points, as the captions say (the code swaps the colours)."""
    import matplotlib.pyplot as plt

    from paperlib.plotting import energy_contours

    fig, axes = plt.subplots(len(results), 2 * len(models), figsize=(2.2 * 2 * len(models), 2.5 * len(results)),
                             squeeze=False)
    for row, (d, res) in enumerate(results.items()):
        ds = toy.dataset(d)
        ref = Reference(ds, res["settings"].grid)
        g = torch.Generator().manual_seed(0)
        real = ds.data[torch.randperm(ds.data.shape[0], generator=g)[:n_points]].numpy()
        for k, m in enumerate(models):
            run_, i = member(res, m, seed)
            energy_contours(axes[row, 2 * k], ref.X, ref.Y, run_["energy"][i], f"{m}\nenergy ({DATASETS[d]})")
            ax = axes[row, 2 * k + 1]
            gen = run_["samples"][i][:n_points].numpy()
            ax.scatter(real[:, 0], real[:, 1], s=2, alpha=0.3, color="red", linewidths=0, rasterized=True)
            ax.scatter(gen[:, 0], gen[:, 1], s=2, alpha=0.3, color="blue", linewidths=0, rasterized=True)
            x0, x1, y0, y1 = ds.canvas
            ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], aspect="equal", title=f"{m}\nsamples")
    fig.tight_layout()
    return fig


# ------------------------------------------------------------------------------------------- data
def digit_data(s: DigitSettings, download: bool = False) -> dict[str, torch.Tensor]:
    """Training images and the held-out real pool (disjoint when they come from one split)."""
    train = digits.digit(s.digit, s.source, s.train_split, download=download)
    if s.pool_split == s.train_split:
        train, pool = digits.split_pool(train, s.pool, seed=0)
    else:
        pool_all = digits.digit(s.digit, s.source, s.pool_split, download=download)
        pool = digits.split_pool(pool_all, s.pool, seed=0)[1]
    return {"train": train, "pool": pool}


# ------------------------------------------------------------------------------------------- runs
def digit_run(method: str, s: DigitSettings, seed: int = 0, cache: Cache | None = None, progress: bool = True,
        device: str = "cpu", download: bool = False) -> dict:
    """Train ``method`` (cached, checkpointed), then score the ranked pool: 500 generated + 500 real images."""
    config = {"method": method, "seed": seed, "settings": s.as_dict()}

    def compute(checkpoint):
        d = digit_data(s, download)
        torch.manual_seed(seed)
        trainer = DigitTrainer(d["train"], method, seed, s, device)
        out = fit(trainer, trainer.total, s.eval_every, checkpoint=checkpoint, checkpoint_every=200,
                     progress=progress)
        generated = trainer.generate(s.pool)
        out.update(generated=generated, energy_generated=trainer.energy(generated),
                   energy_real=trainer.energy(d["pool"]), iterations=trainer.total,
                   samples=trainer.generate(64, seed=1, uniform=False))
        return out

    return (cache or Cache()).get_or_compute("ce-digit-run", config, compute, checkpoint=True)


def mark_real(images: torch.Tensor) -> torch.Tensor:
    """The code's frame for real images: a white corner bracket at the top right (spec B.6, CE-Fig4)."""
    out = images.clone()
    out[:, :, 0:2, 20:] = 1.0
    out[:, :, 0:8, 26:28] = 1.0
    return out


def ranking(result: dict, pool: torch.Tensor) -> dict[str, torch.Tensor]:
    """The pool sorted by energy, ascending: images (real ones marked), energies and an is-real mask."""
    energy = torch.cat([result["energy_generated"], result["energy_real"]])
    is_real = torch.cat([torch.zeros(len(result["energy_generated"]), dtype=torch.bool),
                         torch.ones(len(result["energy_real"]), dtype=torch.bool)])
    images = torch.cat([result["generated"], mark_real(pool)])
    order = torch.argsort(energy)
    return {"images": images[order], "energy": energy[order], "is_real": is_real[order], "order": order}


def rank_correlations(result: dict, pool: torch.Tensor, mean_image: torch.Tensor, reference_ink: float):
    """Spearman correlation (and p-value) of the energy with each statistic over the 500 real pool images."""
    from scipy.stats import spearmanr

    st = image_statistics(pool, mean_image, reference_ink)
    e = result["energy_real"].numpy()
    return {k: spearmanr(e, st[k]) for k in ("distance_to_mean", "ink", "ink_departure", "slant")}
