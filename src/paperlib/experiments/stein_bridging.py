"""The synthetic experiments of Stein Bridging as cached runs shared by the chapter's pages.

Also the page API of the chapter's closed-form items: the 1-D and bilinear games (:mod:`paperlib.theory.dynamics`,
as ``dyn``) and the objectives of Table 1 / Fig. 1 (:mod:`paperlib.theory.objectives`).

One *run* trains one family of methods on one dataset with all its (method, seed) members batched
(:mod:`paperlib.nets`). Figs. 3, 4, 5 and Table 5 all read the same :func:`suite`, so the chapter
trains each model once; Fig. 7 adds runs whose members train on their own samples (noise ratios,
sample sizes) or switch the bridge on at their own iteration (warm-up). Every run is cached under
the hash of (dataset, members, settings, library code) and checkpointed while it trains.
"""
from __future__ import annotations

from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from paperlib.core.cache import Cache
from paperlib.core.settings import for_dataset
from paperlib.data import toy
from paperlib.methods import stein_bridging as mt
from paperlib.methods.stein_bridging import ESTIMATORS  # noqa: F401 (page API)
from paperlib.theory import dynamics as dyn  # noqa: F401 (page API)
from paperlib.theory.objectives import STEIN_BRIDGING, TABLE1  # noqa: F401 (page API)
from paperlib.training import fit

LOWER_IS_BETTER = {"mmd": True, "hsr": False, "kl": True, "js": True, "auc": False, "cover": False}
GENERATOR_METRICS = ["mmd", "hsr"]
ESTIMATOR_METRICS = ["kl", "js", "auc", "cover"]
MAIN_METHODS = ["GAN", "WGAN-GP", "Joint-JS", "Joint-W"]
VARIANT_METHODS = ["GAN+LR", "GAN+ER", "GAN+VA", "WGAN-GP+LR", "WGAN-GP+ER", "WGAN-GP+VA"]
ENERGY_GAN_METHODS = ["EGAN", "DGM"]
DATASETS = {"two_circle": "Two-Circle", "two_spiral": "Two-Spiral"}
GENERATOR_ORDER = ["GAN", "GAN+LR", "GAN+ER", "GAN+VA", "WGAN-GP", "WGAN-GP+LR", "WGAN-GP+ER", "WGAN-GP+VA",
                   "DGM", "Joint-JS", "Joint-W"]
ESTIMATOR_ORDER = ["DEM", "EGAN", "DGM", "Joint-JS", "Joint-W"]


# page parameters of the suites that are not training settings
KNOBS = ("n_seeds", "variant_seeds", "noise_ratios", "sizes", "warmup_fractions")


def settings(dataset: str, params: dict[str, Any]) -> mt.TrainSettings:
    """TrainSettings for ``dataset`` (precedence: :mod:`paperlib.core.settings`); the paper trains Two-Circle
    1e6 and Two-Spiral 5e5 iterations (``iterations_<dataset>``)."""
    return for_dataset(mt.TrainSettings, dataset, mt.DATASET_SETTINGS, params, KNOBS)


def run(dataset: str, members: Sequence[tuple[str, int]], s: mt.TrainSettings,
        variants: Sequence[dict] | None = None, data_seed: int = 0, cache: Cache | None = None,
        progress: bool = True, device: str = "cpu") -> dict:
    """Train one family's ``members`` on ``dataset`` (cached, resumable) and return its results.

    ``variants`` gives each member its own training sample (``{"n": N}``, ``{"noise_ratio": r}``)
    and/or its own bridge start (``{"bridge_start": t}``); all members are evaluated on ``dataset``.
    The device is not part of the cache key: a run computed on a GPU serves a CPU reader.
    """
    members = [tuple(m) for m in members]
    config = {"dataset": dataset, "members": members, "settings": s.as_dict(),
              "variants": list(variants) if variants else None, "data_seed": data_seed}

    def compute(checkpoint):
        ds = toy.dataset(dataset, data_seed=data_seed)
        member_data = bridge_starts = None
        if variants:
            if len(variants) != len(members):
                raise ValueError("one variant per member")
            member_data = [toy.dataset(dataset, n=v.get("n"), noise_ratio=v.get("noise_ratio", 0.0),
                                       data_seed=data_seed).data for v in variants]
            bridge_starts = [v.get("bridge_start", s.bridge_start) for v in variants]
        torch.manual_seed(data_seed)
        trainer = mt.make_trainer(ds, members, s, rng_seed=1000 + data_seed,
                                  member_data=member_data, bridge_starts=bridge_starts, device=device)
        out = fit(trainer, s.iterations, s.eval_every, checkpoint=checkpoint, progress=progress)
        n_samples = ds.data.shape[0]
        out["samples"] = trainer.sample(n_samples).float()
        _, _, pts = ds.mesh(s.final_mesh)
        out["log_density"] = trainer.log_density(pts).float().reshape(len(members), s.final_mesh, s.final_mesh)
        return out

    return (cache or Cache()).get_or_compute("sb-synthetic-run", config, compute, checkpoint=True)


def variant_panel(dataset: str, params: dict[str, Any], seeds: Sequence[int], values: Sequence, key: str,
                  methods: Sequence[str], device: str = "cpu") -> tuple[pd.DataFrame, dict]:
    """One batched run of Fig. 7: members = methods x ``values`` of the variant ``key`` (``noise_ratio``, ``n``,
    ``bridge_start``) x seeds. Returns the long table of final metrics (method, key, seed, metrics) and the run."""
    s = settings(dataset, params)
    grid = [(m, v, sd) for m in methods for v in values for sd in seeds]
    run_ = run(dataset, [(m, sd) for m, _, sd in grid], s, variants=[{key: v} for _, v, _ in grid], device=device)
    rows = [{"method": m, key: v, "seed": sd, **{k: float(run_["final"][k][i]) for k in run_["final"]}}
            for i, (m, v, sd) in enumerate(grid)]
    return pd.DataFrame(rows), run_


def merge(runs: Sequence[dict]) -> dict:
    """Concatenate the member axes of runs that share their evaluation schedule."""
    out = {"members": [m for r in runs for m in r["members"]],
           "final": {k: np.concatenate([r["final"][k] for r in runs]) for k in runs[0]["final"]},
           "samples": torch.cat([r["samples"] for r in runs]),
           "log_density": torch.cat([r["log_density"] for r in runs]),
           "seconds": sum(r["seconds"] for r in runs), "runs": len(runs)}
    its = [r["iteration"] for r in runs]
    if all(len(i) == len(its[0]) and (i == its[0]).all() for i in its):
        out["iteration"] = its[0]
        out["history"] = {k: np.concatenate([r["history"][k] for r in runs], axis=1) for k in runs[0]["history"]}
    return out


def suite(dataset: str, params: dict[str, Any], seed: int = 0, cache: Cache | None = None,
          progress: bool = True, device: str = "cpu") -> dict:
    """All generators and estimators of Table 5 on ``dataset`` (two cached runs, one per family).

    Seeds ``seed .. seed+n_seeds-1`` for the main methods, EGAN and DGM; the +LR/+ER/+VA variants
    use the first ``variant_seeds`` of them.
    """
    s = settings(dataset, params)
    seeds = list(range(seed, seed + params["n_seeds"]))
    adv = [(m, sd) for m in MAIN_METHODS for sd in seeds]
    adv += [(m, sd) for m in VARIANT_METHODS for sd in seeds[:params["variant_seeds"]]]
    ebg = [(m, sd) for m in ENERGY_GAN_METHODS for sd in seeds]
    return merge([run(dataset, adv, s, cache=cache, progress=progress, device=device),
                  run(dataset, ebg, s, cache=cache, progress=progress, device=device)])


def suites(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """:func:`suite` on every dataset: ``{dataset: result}`` (what Figs. 3-5 and Table 5 read)."""
    return {d: suite(d, params, seed=seed, cache=cache, device=device) for d in DATASETS}


def suites_frame(results: dict) -> pd.DataFrame:
    """:func:`frame` of every dataset's suite, concatenated."""
    return pd.concat([frame(r, d) for d, r in results.items()], ignore_index=True)


# ------------------------------------------------------------------------------------- summaries
def best_so_far(result: dict) -> dict[str, np.ndarray]:
    """Best logged value of each metric per member, as the released code's log reports it."""
    return {k: (v.min(0) if LOWER_IS_BETTER[k] else v.max(0)) for k, v in result["history"].items()}


def frame(result: dict, dataset: str) -> pd.DataFrame:
    """Long table: dataset, method, seed, metric, final, best."""
    best = best_so_far(result) if "history" in result else {}
    rows = []
    for i, (m, sd) in enumerate(result["members"]):
        for k, v in result["final"].items():
            rows.append({"dataset": dataset, "method": m, "seed": sd, "metric": k, "final": float(v[i]),
                         "best": float(best[k][i]) if k in best else np.nan})
    return pd.DataFrame(rows)


def estimator_rows(df: pd.DataFrame) -> pd.DataFrame:
    """Rows of the estimators, renamed (the WGAN-GP member's energy is DEM)."""
    inv = {v: k for k, v in mt.ESTIMATORS.items()}
    out = df[df.method.isin(inv) & df.metric.isin(ESTIMATOR_METRICS)].copy()
    out["method"] = out.method.map(inv)
    return out


def generator_rows(df: pd.DataFrame) -> pd.DataFrame:
    return df[df.method.isin(mt.GENERATORS) & df.metric.isin(GENERATOR_METRICS)].copy()


def mean_sd(df: pd.DataFrame, value: str = "final", order: Sequence[str] | None = None) -> pd.DataFrame:
    """``mean ± sd (n)`` per (method) × (dataset, metric)."""
    g = df.groupby(["method", "dataset", "metric"])[value]
    stats = g.agg(["mean", "std", "count"])
    txt = stats.apply(lambda r: f"{r['mean']:.4f}" + (f" ± {r['std']:.4f}" if r["count"] > 1 else "")
                      + f" ({int(r['count'])})", axis=1)
    table = txt.unstack(["dataset", "metric"])
    if order is not None:
        table = table.reindex([m for m in order if m in table.index])
    return table


def means(df: pd.DataFrame, value: str = "final") -> pd.Series:
    """Mean over seeds, indexed by (dataset, metric, method)."""
    return df.groupby(["dataset", "metric", "method"])[value].mean()


def best_method(df: pd.DataFrame, dataset: str, metric: str, value: str = "final") -> str:
    s = means(df, value).loc[(dataset, metric)]
    return str(s.idxmin() if LOWER_IS_BETTER[metric] else s.idxmax())


def beats(df: pd.DataFrame, dataset: str, metric: str, winner: str, others: Sequence[str],
          value: str = "final") -> tuple[bool, str]:
    """Whether ``winner``'s seed-mean is better than every one of ``others`` (and the evidence)."""
    s = means(df, value).loc[(dataset, metric)]
    lower = LOWER_IS_BETTER[metric]
    ok = all((s[winner] < s[o]) if lower else (s[winner] > s[o]) for o in others if o in s)
    worse = [o for o in others if o in s and not ((s[winner] < s[o]) if lower else (s[winner] > s[o]))]
    ev = f"{dataset} {metric}: {winner} {s[winner]:.4f}; " + ", ".join(f"{o} {s[o]:.4f}" for o in others if o in s)
    return ok, ev + (f" — not better than {', '.join(worse)}" if worse else "")


def fluctuation(history: np.ndarray, iterations: np.ndarray) -> np.ndarray:
    """Std of the step-to-step change of a logged metric over the second half of training, per member."""
    half = iterations >= iterations[-1] / 2
    h = history[half]
    return np.diff(h, axis=0).std(0) if h.shape[0] > 2 else np.full(h.shape[1], np.nan)


def worst(df: pd.DataFrame, dataset: str, metric: str, loser: str, among: Sequence[str],
          value: str = "final") -> tuple[bool, str]:
    """Whether ``loser``'s seed-mean is the worst of ``among``."""
    s = means(df, value).loc[(dataset, metric)].reindex(list(among)).dropna()
    w = s.idxmax() if LOWER_IS_BETTER[metric] else s.idxmin()
    return w == loser, f"{dataset} {metric}: " + ", ".join(f"{m} {v:.4f}" for m, v in s.items()) + f"; worst: {w}"


def spiral_split(result: dict, method: str, seed: int, radius: float = 1.0) -> float:
    """Share of the model's near-data mass on the less-covered of the two spirals (0.5 = balanced).

    Mesh nodes within ``radius`` of a mean count for the spiral of their nearest mean (means 0-49
    form spiral A, 50-99 spiral B); the model density is normalised on the mesh.
    """
    ds = toy.dataset("two_spiral")
    i = result["members"].index((method, seed))
    logq = result["log_density"][i].double().reshape(-1)
    _, _, pts = ds.mesh(result["log_density"].shape[-1])
    dist = torch.cdist(pts, ds.means)
    near, which = dist.min(1)
    q = torch.softmax(logq, 0)
    a = float(q[(near < radius) & (which < 50)].sum())
    b = float(q[(near < radius) & (which >= 50)].sum())
    return min(a, b) / (a + b) if a + b > 0 else float("nan")


def uniform_kl(dataset: str, size: int) -> float:
    """Grid KL(true ‖ uniform): the reference value of a density estimator that learned nothing."""
    from paperlib.estimators import metrics
    t = toy.dataset(dataset).true_density_mesh(size)
    return metrics.grid_kl_js(t, torch.ones_like(t))[0]
