"""The synthetic and image experiments of Stein Bridging as cached runs shared by the chapter's pages.

Also the page API of the chapter's closed-form items: the 1-D and bilinear games (:mod:`paperlib.theory.dynamics`,
as ``dyn``) and the objectives of Table 1 / Fig. 1 (:mod:`paperlib.theory.objectives`).

One *run* trains one family of methods on one dataset with all its (method, seed) members batched
(:mod:`paperlib.nets`). Figs. 3, 4, 5 and Table 5 all read the same :func:`suite`, so the chapter
trains each model once; Fig. 7 adds runs whose members train on their own samples (noise ratios,
sample sizes) or switch the bridge on at their own iteration (warm-up). Every run is cached under
the hash of (dataset, members, settings, library code) and checkpointed while it trains.

The image items (Tables 2, 3, 6-7; Figs. 5 c-d, 6, 7 c, 8, 9, 11-13) read :func:`image_suite`: one cached
:func:`image_run` per (dataset, conditional, method), whose read-outs (IS, CEPC, FID, mean distances, energies of
held-out and out-of-distribution images, a ranked pool) are computed once after training; the digit classifier
behind the scores is one cached :func:`classifier`. Image models are not member-batched: one model per run
(a batched conv net would need grouped convolutions; each run already keeps both cores busy).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from paperlib.core.cache import Cache, compute_all
from paperlib.core.devices import place
from paperlib.core.settings import for_dataset
from paperlib.data import images as image_data
from paperlib.data import toy
from paperlib.estimators import image_metrics as im
from paperlib.methods import stein_bridging as mt
from paperlib.methods.sb_images import (ENERGY_OF, IMAGE_METHODS, ClassifierTrainer, ImageSettings,  # noqa: F401
                                        ImageTrainer)
from paperlib.methods.stein_bridging import ESTIMATORS  # noqa: F401 (page API)
from paperlib.nets.sb_dcgan import DigitClassifier
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
        progress: bool = True, device: str = "cpu", wait: bool = True) -> dict:
    """Train one family's ``members`` on ``dataset`` (cached, resumable) and return its results.

    ``variants`` gives each member its own training sample (``{"n": N}``, ``{"noise_ratio": r}``)
    and/or its own bridge start (``{"bridge_start": t}``); all members are evaluated on ``dataset``.
    The device is not part of the cache key: a run computed on a GPU serves a CPU reader. ``wait=False`` returns
    :data:`paperlib.core.cache.BUSY` while another process trains the same run.
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

    return (cache or Cache()).get_or_compute("sb-synthetic-run", config, compute, checkpoint=True, wait=wait)


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


def logged_panel(df: pd.DataFrame, run_: dict) -> list[tuple[int, pd.DataFrame]]:
    """(iteration, ``df`` with each metric replaced by the value logged then) per logged evaluation of a
    :func:`variant_panel` run (``df``'s rows are the run's members, in order)."""
    out = []
    for j, it in enumerate(run_["iteration"]):
        f = df.copy()
        for k, v in run_["history"].items():
            f[k] = np.asarray(v)[j]
        out.append((int(it), f))
    return out


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


def suite_members(params: dict[str, Any], seed: int = 0) -> dict[str, list[tuple[str, int]]]:
    """The (method, seed) members of each run: seeds ``seed .. seed+n_seeds-1`` for the main methods, EGAN and
    DGM; the +LR/+ER/+VA variants use the first ``variant_seeds`` of them. The adversarial members train in two
    runs, by critic: only the Wasserstein critics pay for the gradient penalty (1.17x faster than one run of all,
    ``benchmarks/synthetic.py``)."""
    seeds = list(range(seed, seed + params["n_seeds"]))
    adv = [(m, sd) for m in MAIN_METHODS for sd in seeds]
    adv += [(m, sd) for m in VARIANT_METHODS for sd in seeds[:params["variant_seeds"]]]
    wgan = [(m, sd) for m, sd in adv if mt.method(m).critic == "wgan"]
    return {"wgan": wgan, "gan": [m for m in adv if m not in wgan],
            "energy_gan": [(m, sd) for m in ENERGY_GAN_METHODS for sd in seeds]}


def suite(dataset: str, params: dict[str, Any], seed: int = 0, cache: Cache | None = None,
          progress: bool = True, device: str = "cpu") -> dict:
    """All generators and estimators of Table 5 on ``dataset`` (three cached runs: :func:`suite_members`)."""
    return suites(params, seed, device, cache, datasets=[dataset], progress=progress)[dataset]


def suites(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None,
           datasets: Sequence[str] = tuple(DATASETS), progress: bool = True) -> dict:
    """:func:`suite` on every dataset: ``{dataset: result}`` (what Figs. 3-5 and Table 5 read).

    The (dataset, family) runs go through :func:`paperlib.core.cache.compute_all`: pages executed in parallel
    train different runs, one core each, instead of waiting on the same one (issue 17: one process per run and
    one thread each gives about 1.7x the throughput of one process on two threads; ``benchmarks/synthetic.py``).
    """
    s = {d: settings(d, params) for d in datasets}
    members = suite_members(params, seed)
    jobs = [(d, family) for d in datasets for family in members]
    runs = compute_all(jobs, lambda d, family, wait: run(d, members[family], s[d], cache=cache, progress=progress,
                                                         device=device, wait=wait))
    return {d: merge([r for (dd, _), r in zip(jobs, runs) if dd == d]) for d in datasets}


def suites_frame(results: dict) -> pd.DataFrame:
    """:func:`frame` of every dataset's suite, concatenated."""
    return pd.concat([frame(r, d) for d, r in results.items()], ignore_index=True)


def logged_frames(results: dict) -> list[tuple[int, pd.DataFrame]]:
    """(iteration, :func:`suites_frame`) at each logged evaluation of the suites: the ``final`` column holds the
    value logged then (KL and JS on the evaluation mesh, ``eval_mesh``, not the final one). What a page's claims
    are judged on along the run (:func:`paperlib.core.claims.trained_claim`)."""
    its = next(iter(results.values()))["iteration"]
    out = []
    for j, it in enumerate(its):
        at = [frame({"members": r["members"], "final": {k: np.asarray(v)[j] for k, v in r["history"].items()}}, d)
              for d, r in results.items()]
        out.append((int(it), pd.concat(at, ignore_index=True)))
    return out


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


def fluctuation_frame(results: dict, upto: int | None = None) -> pd.DataFrame:
    """Long table (dataset, method, seed, metric="fluctuation", final) of :func:`fluctuation` of every member's MMD
    curve, using the first ``upto`` logged evaluations (all by default): the run as it stood then."""
    rows = []
    for d, r in results.items():
        n = len(r["iteration"]) if upto is None else upto
        fl = fluctuation(np.asarray(r["history"]["mmd"])[:n], np.asarray(r["iteration"])[:n])
        rows += [{"dataset": d, "method": m, "seed": s, "metric": "fluctuation", "final": fl[i]}
                 for i, (m, s) in enumerate(r["members"])]
    return pd.DataFrame(rows)


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


# ===================================================================================== images (§5.2-5.6)
# One cached run per (dataset, conditional, method, seed, settings): Tables 2, 3, 6-7 and Figs. 5 (c, d), 6, 7 (c),
# 8, 9 and 11-13 all read the same runs (the read-outs below are computed once, right after training).
IMAGE_KNOBS = ("datasets", "final_samples", "classifier_iterations", "warmup_fractions", "download",
               "ood_images", "rank_pool", "held_out")
UNCONDITIONAL = ["WGAN-GP", "WGAN-GP+LR", "WGAN-GP+ER", "WGAN-GP+VA", "DGM", "Joint-W"]
CONDITIONAL = ["DCGAN", "DCGAN+LR", "DCGAN+ER", "DCGAN+VA", "DGM", "Joint-JS"]
OOD_MODELS = ["Joint-W", "DEM", "EGAN", "DGM"]
RANKED_MODELS = ["Joint-JS", "DGM", "EGAN"]
PAPER_NAME = {"WGAN-GP+LR": "WGAN+LR", "WGAN-GP+ER": "WGAN+ER", "WGAN-GP+VA": "WGAN+VA"}   # Table 2/3 row labels
STAND_IN = ("the MNIST test set vendored in data/MNIST (10,000 real digits) split by a seeded permutation into "
            "8,000 training and 2,000 held-out digits, instead of the 60,000 MNIST training digits; CIFAR-10 and "
            "LSUN columns run under the paper profile when the data is supplied")


def image_settings(params: dict[str, Any], dataset: str, conditional: bool = False, **changes) -> ImageSettings:
    """The image runs' settings from a page's parameters (the page knobs of ``IMAGE_KNOBS`` set aside)."""
    s = ImageSettings.from_params({k: v for k, v in params.items() if k not in IMAGE_KNOBS})
    return replace(s, dataset=dataset, conditional=conditional, **changes)


def image_data_for(dataset: str, held_out: int = 2000, download: bool = False) -> dict[str, torch.Tensor]:
    """Training and held-out images/labels of ``dataset`` (stand-in | mnist | cifar10 | fake-mnist | fake-cifar10)."""
    if dataset == "stand-in":
        return image_data.stand_in(held_out)
    if dataset.startswith("fake-"):   # the paper-shaped dry run: FakeData in the real dataset's shape
        name = dataset[5:]
        x, y = image_data.fake(name, 2 * held_out)
        return {"train": x[held_out:], "train_labels": y[held_out:], "held_out": x[:held_out],
                "held_out_labels": y[:held_out]}
    x, y = image_data.load(dataset, "train", download=download)
    xt, yt = image_data.load(dataset, "test", download=download)
    return {"train": x, "train_labels": y, "held_out": xt[:held_out], "held_out_labels": yt[:held_out]}


def classifier(dataset: str, params: dict[str, Any], device: str = "cpu", cache: Cache | None = None) -> dict:
    """The 10-class classifier behind IS / CEPC / FID, trained once on ``dataset``'s training part (cached):
    ``{"state", "accuracy", "history"}``; :func:`classifier_net` rebuilds it."""
    config = {"dataset": dataset, "iterations": params["classifier_iterations"], "held_out": params["held_out"]}

    def compute(checkpoint):
        d = image_data_for(dataset, params["held_out"], params.get("download", False))
        tr = ClassifierTrainer(d["train"], d["train_labels"], (d["held_out"], d["held_out_labels"]), device=device)
        out = fit(tr, params["classifier_iterations"], max(1, params["classifier_iterations"] // 5),
                  checkpoint=checkpoint, progress=False)
        return {"state": {k: v.cpu() for k, v in tr.net.state_dict().items()}, "channels": d["train"].shape[1],
                "accuracy": float(out["final"]["accuracy"][0]), "history": out["history"]["accuracy"][:, 0],
                "iteration": out["iteration"]}

    return (cache or Cache()).get_or_compute("sb-image-classifier", config, compute, checkpoint=True)


def classifier_net(result: dict) -> DigitClassifier:
    net = DigitClassifier(result["channels"])
    net.load_state_dict(result["state"])
    return net.eval()


def classifier_for(dataset: str, params: dict[str, Any], device: str = "cpu", cache: Cache | None = None
                   ) -> DigitClassifier:
    """The cached classifier of ``dataset`` as a network on ``device`` in eval mode: the one every chapter's digit
    scores read (trained once for the book). ``params`` needs ``classifier_iterations``; ``held_out`` (2,000) and
    ``download`` (False) are read when present."""
    p = {"classifier_iterations": params["classifier_iterations"], "held_out": params.get("held_out", 2000),
         "download": params.get("download", False)}
    return place(classifier_net(classifier(dataset, p, device, cache)), device)


def classifier_logits(net: DigitClassifier, x: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
    """Class logits (on the CPU) of images scored on the classifier's device."""
    dev = next(net.parameters()).device
    with torch.no_grad():
        return torch.cat([net(place(c, dev)).cpu() for c in x.split(chunk)])


def image_run(dataset: str, method: str, params: dict[str, Any], conditional: bool = False, seed: int = 0,
              warmup_fraction: float = 0.0, device: str = "cpu", cache: Cache | None = None, wait: bool = True):
    """Train one image model (cached, checkpointed) and compute every read-out the pages need:

    Inception score (10 splits) and CEPC of ``final_samples`` samples, FID to the held-out images on the
    classifier's features, distances between the generated and training means (all and per class), 100 samples,
    the logged curves (IS, CEPC, fixed-noise classes and images); for a model with an energy, the energy of the
    held-out images and of the Fig. 8 negatives, and of a ranked pool of generated + held-out digits.
    """
    s = image_settings(params, dataset, conditional)
    config = {"method": method, "seed": seed, "settings": s.as_dict(), "warmup_fraction": warmup_fraction,
              "final_samples": params["final_samples"], "classifier": params["classifier_iterations"],
              "held_out": params["held_out"], "ood_images": params["ood_images"], "rank_pool": params["rank_pool"]}

    def compute(checkpoint):
        d = image_data_for(dataset, params["held_out"], params.get("download", False))
        net = classifier_for(dataset, params, device, cache)
        scorer = lambda x: classifier_logits(net, x)  # noqa: E731
        trainer = ImageTrainer(d["train"], d["train_labels"], method, seed, s, scorer=scorer, device=device)
        if warmup_fraction:
            trainer.s = replace(s, bridge_start=int(warmup_fraction * trainer.total))
        out = fit(trainer, trainer.total, s.eval_every, checkpoint=checkpoint, checkpoint_every=500)
        gen, labels = trainer.generate(params["final_samples"])
        logits = scorer(gen)
        classes = labels if conditional else logits.argmax(1)
        unit_gen, unit_real = im.crop_digits(image_data.to_unit_range(gen)), im.crop_digits(image_data.to_unit_range(d["train"]))
        is_mean, is_std = im.inception_score(logits)
        out.update(iterations=trainer.total, epochs=trainer.total / trainer.per_epoch,
                   inception_score=is_mean, inception_score_std=is_std, cepc=im.cepc(logits),
                   fid=im.fid(net, d["held_out"], gen), mean_distance=im.mean_distances(unit_gen, unit_real),
                   per_class_distance=im.per_class_mean_distances(unit_gen, classes, unit_real, d["train_labels"]),
                   confidence=logits.softmax(1).max(1).values.numpy(),
                   samples=gen[:100].half(), sample_labels=labels[:100])
        if dataset == "cifar10":   # the paper's Inception score (Inception-v3 from the torch hub cache)
            out["inception_v3_score"] = inception_v3_score(gen, device)
        if trainer.has_energy:
            n = params["ood_images"]
            pos, pos_y = d["held_out"][:n], d["held_out_labels"][:n]
            out["energy_held_out"] = trainer.energy(pos, pos_y)
            out["energy_negatives"] = {k: trainer.energy(v, pos_y) for k, v in
                                       image_data.ood_negatives(pos, pos_y, seed=0).items()}
            m = params["rank_pool"]
            pool_gen, pool_y = trainer.generate(m, seed=999)
            out["rank_generated"] = pool_gen.half()
            out["rank_generated_labels"] = pool_y
            out["energy_rank_generated"] = trainer.energy(pool_gen, pool_y)
            out["energy_rank_real"] = trainer.energy(d["held_out"][:m], d["held_out_labels"][:m])
        return out

    return (cache or Cache()).get_or_compute("sb-image-run", config, compute, checkpoint=True, wait=wait)


def inception_v3_score(images: torch.Tensor, device: str = "cpu") -> tuple[float, float]:
    """(mean, std) Inception score (10 splits) of images in [−1, 1] with Inception-v3 from the torch hub cache."""
    inc = place(im.inception_extractor(), device)
    with torch.no_grad():
        logits = torch.cat([inc(place(im.inception_bytes(c), device))[0].cpu()
                            for c in images.split(250)])
    return im.inception_score(logits)


def image_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Every model of Tables 2-3 and Figs. 8-11 on each dataset of ``params["datasets"]``:
    ``{(dataset, "conditional" | "unconditional"): {method: run}}`` (CIFAR-10: unconditional only).
    EGAN (unconditional) serves Figs. 8 and 13."""
    jobs = []
    for ds in params["datasets"]:
        for m in UNCONDITIONAL + ["EGAN"]:
            jobs.append((ds, "unconditional", m))
        if not ds.endswith("cifar10"):
            jobs += [(ds, "conditional", m) for m in CONDITIONAL]
    runs = compute_all(jobs, lambda ds, kind, m, wait: image_run(ds, m, params, kind == "conditional", seed,
                                                          device=device, cache=cache, wait=wait))
    out: dict = {}
    for (ds, kind, m), r in zip(jobs, runs):
        out.setdefault((ds, kind), {})[m] = r
    return out


def warmup_runs(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Joint-W on the first dataset with the bridge switched off for the first ``f`` of training, per ``f`` of
    ``warmup_fractions`` (Fig. 7 c)."""
    ds = params["datasets"][0]
    fr = list(params["warmup_fractions"])
    runs = compute_all([(f,) for f in fr], lambda f, wait: image_run(ds, "Joint-W", params, False, seed, warmup_fraction=f,
                                                              device=device, cache=cache, wait=wait))
    return dict(zip(fr, runs))


def real_scores(dataset: str, params: dict[str, Any], device: str = "cpu", cache: Cache | None = None) -> dict:
    """The classifier's held-out accuracy and the real held-out images' own IS and CEPC (the ceiling)."""
    c = classifier(dataset, params, device, cache)
    d = image_data_for(dataset, params["held_out"], params.get("download", False))
    logits = classifier_logits(classifier_net(c), d["held_out"])
    return {"accuracy": c["accuracy"], "inception_score": im.inception_score(logits)[0], "cepc": im.cepc(logits),
            "n": len(d["held_out"]), "train": len(d["train"])}


def class_flips(run_: dict) -> np.ndarray:
    """Share of the fixed-noise samples whose predicted class changes between consecutive evaluations."""
    c = np.asarray(run_["history"]["fixed_class"])[:, 0]
    return (c[1:] != c[:-1]).mean(1)


def energy_roc(run_: dict) -> dict[str, dict]:
    """ROC per negative set of Fig. 8, scoring by $-E_\\phi$ (high density = in-distribution)."""
    pos = -run_["energy_held_out"].numpy()
    return {k: im.ood_roc(pos, -v.numpy()) for k, v in run_["energy_negatives"].items()}


def ranked_pool(run_: dict, real: torch.Tensor) -> dict[str, torch.Tensor]:
    """Generated + real digits of the pool sorted by energy, ascending (highest density first)."""
    gen = run_["rank_generated"].float()
    real = real[:len(run_["energy_rank_real"])]
    energy = torch.cat([run_["energy_rank_generated"], run_["energy_rank_real"]])
    is_real = torch.cat([torch.zeros(len(gen), dtype=torch.bool), torch.ones(len(real), dtype=torch.bool)])
    order = torch.argsort(energy)
    return {"images": torch.cat([gen, real])[order], "energy": energy[order], "is_real": is_real[order]}


def energy_statistics(run_: dict, real: torch.Tensor) -> dict[str, tuple[float, float]]:
    """Spearman correlation (ρ, p) of the energy of the real pool digits with ink (thickness) and signed slant."""
    from scipy.stats import spearmanr

    real = image_data.to_unit_range(im.crop_digits(real[:len(run_["energy_rank_real"])]))
    st = im.image_statistics(real, real.mean(0), float(real.flatten(1).sum(1).median()))
    e = run_["energy_rank_real"].numpy()
    return {k: tuple(spearmanr(e, st[k])) for k in ("ink", "signed_slant", "slant")}


def image_params(profile: str) -> dict[str, Any]:
    """The image runs' budget of ``profile`` (what sb-fig05 c-d and sb-fig07 c read, so they share the runs of
    the image pages)."""
    from paperlib.core.profiles import item_parameters

    return item_parameters("sb-tab02", profile)


def column_key(dataset: str, kind: str) -> str:
    """The Table 2 column a (dataset, setting) run belongs to."""
    return "cifar10" if dataset.endswith("cifar10") else f"mnist_{kind}"


def scores(run_: dict, dataset: str) -> dict[str, float]:
    """IS (Inception-v3 for CIFAR-10, the classifier otherwise), CEPC and FID of one run."""
    is_ = run_["inception_v3_score"][0] if "inception_v3_score" in run_ else run_["inception_score"]
    return {"IS": float(is_), "CEPC": float(run_["cepc"]), "FID": float(run_["fid"])}


def table2(suite_: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reported-vs-ours rows of every Table 2 cell this profile ran, our scores per column and method)."""
    from paperlib.core import reported

    rep = reported.load("sb-tab02")
    cells, ours = [], []
    for (ds, kind), runs in suite_.items():
        col = column_key(ds, kind)
        paper = rep.tables[col]
        for m in (CONDITIONAL if kind == "conditional" else UNCONDITIONAL):
            sc = scores(runs[m], ds)
            ours.append({"column": col, "method": m, **sc})
            for q in ("IS", "CEPC"):
                cells.append(reported.compare(paper.loc[PAPER_NAME.get(m, m), q], sc[q],
                                              f"{rep.captions.get(col, col)} · {m} · {q}", "Table 2",
                                              better="higher" if q == "IS" else "lower"))
    return reported.comparison_table(cells), pd.DataFrame(ours)


def table2_along(suite_: dict) -> list[tuple[int, pd.DataFrame]]:
    """(iteration, our Table 2 scores as logged there) at each logged evaluation of the digit columns' runs, in
    :func:`table2`'s layout: the IS and CEPC of ``eval_samples`` samples under the digit classifier (the final
    scores use ``final_samples``), FID not logged (NaN). The CIFAR-10 column is left out: its final IS is
    Inception-v3's, its logged one the classifier's. Iterations at which some run has not logged are left out."""
    per: dict[int, list] = {}
    for (ds, kind), runs in suite_.items():
        if column_key(ds, kind) == "cifar10":
            continue
        for m in (CONDITIONAL if kind == "conditional" else UNCONDITIONAL):
            h = runs[m]["history"]
            for j, t in enumerate(runs[m]["iteration"]):
                per.setdefault(int(t), []).append({"column": column_key(ds, kind), "method": m, "IS": float(np.ravel(h["is"])[j]),
                                                   "CEPC": float(np.ravel(h["cepc"])[j]), "FID": np.nan})
    full = max((len(rows) for rows in per.values()), default=0)
    return [(t, pd.DataFrame(rows)) for t, rows in sorted(per.items()) if len(rows) == full]


def is_best(values: dict[str, float], winner: str, lower: bool) -> tuple[bool, str]:
    """Whether ``winner`` has the best value of ``values`` (strictly), with the evidence in words."""
    others = {m: v for m, v in values.items() if m != winner}
    ok = all((values[winner] < v) if lower else (values[winner] > v) for v in others.values())
    ranked = sorted(values.items(), key=lambda kv: kv[1], reverse=not lower)
    return ok, ", ".join(f"{m} {v:.3f}" for m, v in ranked)


def table3(suite_: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(reported-vs-ours rows of Table 3, our ℓ1/ℓ2 distances per dataset and method)."""
    from paperlib.core import reported

    rep = reported.load("sb-tab03").tables["mean_distance"]
    cells, ours = [], []
    for (ds, kind), runs in suite_.items():
        if kind != "unconditional":
            continue
        prefix = "CIFAR" if ds.endswith("cifar10") else "MNIST"
        for m in UNCONDITIONAL:
            l1, l2 = runs[m]["mean_distance"]
            ours.append({"dataset": prefix, "method": m, "l1": l1, "l2": l2})
            for norm, v in (("l1", l1), ("l2", l2)):
                cells.append(reported.compare(rep.loc[PAPER_NAME.get(m, m), f"{prefix} {norm}"], v,
                                              f"{prefix} · {m} · {norm}", "Table 3", better="lower"))
    return reported.comparison_table(cells), pd.DataFrame(ours)
