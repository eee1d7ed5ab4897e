r"""What the Calibrating-EBGAN pages call (Dai et al. 2017): the cached 2-D runs of the four models and their Table 2
read-outs (spec B.2-B.6), the digit-1 ranking runs (spec B.3.3, B.6), and the finite-space theory of §3.

A run is cached under the hash of (dataset, members, settings, library code) and checkpointed while it trains;
parallel pages train different runs through non-blocking cache locks (:func:`suites`). The image items
(Tables 1, 3, Fig. 6; spec B.3.3-B.3.5, B.6) train the Stein Bridging DCGAN nets with Dai et al.'s energy games
(:func:`image_suite`).
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from paperlib.core.cache import BUSY, Cache, compute_all
from paperlib.core.devices import place
from paperlib.data import digits, toy
from paperlib.data import images as sb_image_data
from paperlib.estimators.image_metrics import fid, image_statistics, inception_score, linear_probe  # noqa: F401
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
from paperlib.experiments import stein_bridging as sb
from paperlib.methods.sb_images import ImageSettings, ImageTrainer
from paperlib.nets.sb_dcgan import Critic
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


def seed_means(results: dict[str, dict]) -> pd.Series:
    """Seed-mean of every final metric, indexed by (dataset, method, metric)."""
    return frame(results).groupby(["dataset", "method", "metric"]).value.mean()


def logged_results(results: dict[str, dict]) -> list[tuple[int, dict[str, dict]]]:
    """(iteration, results) at each logged iteration of the suites: every run's ``final`` replaced by what it logged
    last at or before that iteration (the GAN baseline may train fewer iterations than the energy GANs, spec B.3.2),
    so :func:`frame` and :func:`table2` read it unchanged; what a page's claims are judged on along the run
    (:func:`paperlib.core.claims.trained_claim`). Logged values use ``eval_samples`` generated points, not
    ``final_samples``."""
    its = sorted({int(t) for res in results.values() for r in res["runs"].values() for t in r["iteration"]})
    out = []
    for t in its:
        at = {}
        for d, res in results.items():
            runs = {}
            for k, r in res["runs"].items():
                j = int(np.searchsorted(r["iteration"], t, side="right")) - 1
                if j >= 0:
                    runs[k] = {**r, "final": {m: np.asarray(v)[j] for m, v in r["history"].items()}}
            at[d] = {**res, "runs": runs}
        if all(len(a["runs"]) == len(results[d]["runs"]) for d, a in at.items()):
            out.append((t, at))
    return out


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
    """Train ``method`` (cached, checkpointed), then score the ranked pool: 500 generated + 500 real images. Every
    evaluation logs the energies of the real pool images (``history["energy_pool"]``)."""
    config = {"method": method, "seed": seed, "settings": s.as_dict()}

    def compute(checkpoint):
        d = digit_data(s, download)
        torch.manual_seed(seed)
        trainer = DigitTrainer(d["train"], method, seed, s, device, monitor=d["pool"])
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


def logged_correlations(result: dict, pool: torch.Tensor, mean_image: torch.Tensor, reference_ink: float
                        ) -> list[tuple[int, dict]]:
    """(iteration, :func:`rank_correlations`) with the real pool's energies logged at each evaluation."""
    return [(int(it), rank_correlations({"energy_real": torch.as_tensor(e)}, pool, mean_image, reference_ink))
            for it, e in zip(result["iteration"], result["history"]["energy_pool"])]


# ------------------------------------------------------------------------------------------- images (Tables 1, 3; Fig. 6)
# Dai et al.'s image models are the Stein Bridging DCGAN nets (``ImageTrainer``): Table 3 probes the NIST code's
# schedule (gap-driven updates), Table 1 and Fig. 6 the CIFAR code's (every net every step, energy lr 2e-5;
# spec B.3.3-B.3.4). One cached run per (dataset, method, table, settings).
CE_IMAGE_KNOBS = ("probe_dataset", "is_dataset", "face_dataset", "final_samples", "classifier_iterations",
                  "held_out", "probe_seeds", "probe_subsample", "face_epochs", "cifar_code", "download")
PROBE_MODELS = ["EGAN-Ent-NN", "EGAN-Const", "GAN"]        # Table 3's trained columns (then "Random")
IS_MODELS = ["EGAN-Ent-VI", "EGAN-Const"]                  # Table 1's computed rows
TRAINED_AS = {"GAN": "DCGAN"}                              # the GAN baseline is the DCGAN of the image pages
CE_STAND_IN = ("the MNIST test set vendored in data/MNIST (8,000 training / 2,000 held-out digits) instead of "
               "MNIST (Table 3) and CIFAR-10 (Table 1, Fig. 6a); scikit-image's lfw_subset faces (100 faces and "
               "their mirror images, 32×32 grey) instead of CelebA (Fig. 6b)")


def image_params(profile: str) -> dict[str, Any]:
    """The image runs' budget of ``profile`` (shared by ce-tab01, ce-tab03 and ce-fig06)."""
    from paperlib.core.profiles import item_parameters

    return item_parameters("ce-tab03", profile)


def image_settings(params: dict[str, Any], dataset: str, table: str, **changes) -> ImageSettings:
    """Settings of a Table 3 (``"tab03"``: the NIST schedule) or Table 1 / Fig. 6 (``"tab01"``: the CIFAR code's
    ``cifar_code`` changes) run on ``dataset``."""
    s = ImageSettings.from_params({k: v for k, v in params.items() if k not in CE_IMAGE_KNOBS})
    if table == "tab01":
        s = replace(s, **params["cifar_code"])
    return replace(s, dataset=dataset, **changes)


def image_data(dataset: str, params: dict[str, Any]) -> dict[str, torch.Tensor]:
    """Training / held-out images and labels: the Stein Bridging sets, or ``faces`` / ``celeba`` (Fig. 6b: no labels,
    no held-out part, no classifier)."""
    if dataset in ("faces", "celeba"):
        if dataset == "faces":
            x = sb_image_data.lfw_faces(32)
            x = torch.cat([x, x.flip(-1)])           # 100 faces and their mirror images
        else:
            x = sb_image_data.load("celeba", "train", download=params.get("download", False))[0]
        return {"train": x, "train_labels": torch.zeros(len(x), dtype=torch.long)}
    return sb.image_data_for(dataset, params["held_out"], params.get("download", False))


def probe_features(net: torch.nn.Module, images: torch.Tensor, device: str, chunk: int = 500) -> np.ndarray:
    """The frozen critic's last hidden layer (:meth:`Critic.hidden`) of ``images``, as float64 numpy."""
    net.eval()
    with torch.no_grad():
        out = torch.cat([net.hidden(place(c, device)).cpu() for c in images.split(chunk)])
    net.train()
    return out.double().numpy()


def _probe(net: torch.nn.Module, d: dict, params: dict[str, Any], device: str) -> dict:
    train, test = probe_features(net, d["train"], device), probe_features(net, d["held_out"], device)
    errors = linear_probe(train, d["train_labels"].numpy(), test, d["held_out_labels"].numpy(),
                          seeds=params["probe_seeds"], subsample=params["probe_subsample"])
    return {"probe_errors": errors, "probe_features": train.shape[1]}


def ce_image_run(dataset: str, method: str, params: dict[str, Any], table: str, seed: int = 0, device: str = "cpu",
                 cache: Cache | None = None, wait: bool = True) -> dict:
    """Train one image model (cached, checkpointed) and read out: the Inception score (10 splits; the classifier's,
    Inception-v3's on CIFAR-10) and the classifier-feature FID of ``final_samples`` samples (labelled data), 100 samples, and for Table 3 the linear-probe test errors
    on the frozen critic's features (energy net of an energy GAN, discriminator of the GAN)."""
    s = image_settings(params, dataset, table)
    if dataset == "faces":
        s = replace(s, epochs=params["face_epochs"])
    config = {"dataset": dataset, "method": method, "table": table, "seed": seed, "settings": s.as_dict(),
              "final_samples": params["final_samples"], "classifier": params["classifier_iterations"],
              "held_out": params["held_out"], "probe": [list(params["probe_seeds"]), params["probe_subsample"]]}

    def compute(checkpoint):
        d = image_data(dataset, params)
        labelled = "held_out" in d
        net = sb.classifier_for(dataset, params, device, cache) \
            if labelled else None
        scorer = (lambda x: sb.classifier_logits(net, x)) if labelled else None
        trainer = ImageTrainer(d["train"], d["train_labels"], TRAINED_AS.get(method, method), seed, s,
                               scorer=scorer, device=device)
        out = fit(trainer, trainer.total, s.eval_every, checkpoint=checkpoint, checkpoint_every=500)
        gen, _ = trainer.generate(params["final_samples"] if labelled else 100)
        out.update(iterations=trainer.total, epochs=trainer.total / trainer.per_epoch, samples=gen[:100].half())
        if labelled:
            is_mean, is_std = inception_score(scorer(gen))
            out.update(inception_score=is_mean, inception_score_std=is_std, fid=fid(net, d["held_out"], gen))
        if dataset == "cifar10":   # Table 1's score: Inception-v3 from the torch hub cache
            out["inception_score"], out["inception_score_std"] = sb.inception_v3_score(gen, device)
        if table == "tab03":
            out.update(_probe(trainer.E if trainer.has_energy else trainer.D, d, params, device))
        return out

    return (cache or Cache()).get_or_compute("ce-image-run", config, compute, checkpoint=True, wait=wait)


def random_probe(dataset: str, params: dict[str, Any], seed: int = 0, device: str = "cpu",
                 cache: Cache | None = None) -> dict:
    """Table 3's "Random" column: the probe on an untrained critic of the same architecture (seeded init)."""
    s = image_settings(params, dataset, "tab03")
    config = {"dataset": dataset, "seed": seed, "width": s.width, "held_out": params["held_out"],
              "probe": [list(params["probe_seeds"]), params["probe_subsample"]]}

    def compute():
        d = image_data(dataset, params)
        torch.manual_seed(seed)
        return _probe(place(Critic(d["train"].shape[1], s.width, 1), device), d, params, device)

    return (cache or Cache()).get_or_compute("ce-random-probe", config, compute)


def image_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Every image run of Tables 1, 3 and Fig. 6: ``{(table, method): run}`` (``("fig06b", "EGAN-Ent-VI")`` is the
    faces run), trained in parallel across pages (:func:`paperlib.core.cache.compute_all`)."""
    jobs = [("tab03", params["probe_dataset"], m) for m in PROBE_MODELS]
    jobs += [("tab01", params["is_dataset"], m) for m in IS_MODELS]
    jobs += [("fig06b", params["face_dataset"], "EGAN-Ent-VI")]
    runs = compute_all(jobs, lambda table, ds, m, wait: ce_image_run(
        ds, m, params, "tab01" if table == "fig06b" else table, seed, device, cache, wait))
    return {(table, m): r for (table, _, m), r in zip(jobs, runs)}


def table3(suite_: dict, random: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(Min / Mean / Std. of the probe errors per column as in Table 3, the reported-vs-ours rows)."""
    from paperlib.core import reported

    errors = {m: suite_[("tab03", m)]["probe_errors"] for m in PROBE_MODELS} | {"Random": random["probe_errors"]}
    ours = pd.DataFrame({m: {"Min": e.min(), "Mean": e.mean(), "Std.": e.std(ddof=1) if len(e) > 1 else np.nan}
                         for m, e in errors.items()})
    paper = reported.load("ce-tab03").tables["linear_probe"]
    cells = [reported.compare(paper.loc["Mean", m], ours.loc["Mean", m], f"{m} · mean test error (%)", "Table 3",
                              better="lower") for m in ours.columns]
    return ours, reported.comparison_table(cells)


def real_scores(params: dict[str, Any], device: str = "cpu") -> dict:
    """The classifier's held-out accuracy and the held-out real images' own IS (the ceiling of Table 1's score)."""
    return sb.real_scores(params["is_dataset"], params, device)


def table1(suite_: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(this run's IS ± std and FID per Table 1 model, the reported-vs-ours rows)."""
    from paperlib.core import reported

    ours = pd.DataFrame({m: {"IS": suite_[("tab01", m)]["inception_score"],
                             "std": suite_[("tab01", m)]["inception_score_std"],
                             "FID": suite_[("tab01", m)]["fid"]} for m in IS_MODELS}).T
    paper = reported.load("ce-tab01").tables["inception"]
    cells = [reported.compare(paper.loc[m, "IS"], ours.loc[m, "IS"], f"{m} · Inception score", "Table 1",
                              better="higher") for m in IS_MODELS]
    return ours, reported.comparison_table(cells)


def table1_along(suite_: dict) -> list[tuple[int, pd.DataFrame]]:
    """(iteration, Table 1 as logged there) at each logged evaluation of the Table 1 runs: the ``IS`` column is the
    logged score (one split of ``eval_samples`` samples), ``std`` is 0 (one split has no spread), so the page's
    claim is judged by the sign of the gap along the run (:func:`paperlib.core.claims.trained_claim`)."""
    runs = {m: suite_[("tab01", m)] for m in IS_MODELS}
    its = [int(t) for t in runs[IS_MODELS[0]]["iteration"]]
    if any([int(t) for t in r["iteration"]] != its for r in runs.values()):
        raise ValueError("the Table 1 runs were logged at different iterations")
    return [(t, pd.DataFrame({m: {"IS": float(np.ravel(r["history"]["is"])[j]), "std": 0.0}
                              for m, r in runs.items()}).T) for j, t in enumerate(its)]


def _fig06_runs(params: dict[str, Any]) -> list[tuple[tuple[str, str], str]]:
    return [(("tab01", "EGAN-Ent-VI"), params["is_dataset"]), (("fig06b", "EGAN-Ent-VI"), params["face_dataset"])]


def _training_diversity(ds: str, params: dict[str, Any]) -> float:
    from paperlib.estimators.image_metrics import diversity

    train = image_data(ds, params)["train"]
    g = torch.Generator().manual_seed(0)
    return diversity(train[torch.randperm(len(train), generator=g)[:100]])


def sample_diversity(suite_: dict, params: dict[str, Any]) -> pd.DataFrame:
    """Fig. 6's two runs: the pixel diversity (:func:`diversity`) of 100 samples beside 100 training images'."""
    from paperlib.estimators.image_metrics import diversity

    return pd.DataFrame({ds: {"samples": diversity(suite_[key]["samples"].float()),
                              "training images": _training_diversity(ds, params)}
                         for key, ds in _fig06_runs(params)}).T


def sample_diversity_along(suite_: dict, params: dict[str, Any]) -> list[tuple[int, pd.DataFrame]]:
    """(iteration, :func:`sample_diversity` as logged there) at each logged evaluation of Fig. 6's two runs, the
    samples' diversity being that of the ``eval_samples`` samples scored there (evaluations the two runs do not
    share are left out)."""
    runs = _fig06_runs(params)
    real = {ds: _training_diversity(ds, params) for _, ds in runs}
    logged = [{int(t): float(d) for t, d in zip(suite_[key]["iteration"], np.ravel(suite_[key]["history"]["diversity"]))}
              for key, _ in runs]
    return [(t, pd.DataFrame({ds: {"samples": at[t], "training images": real[ds]}
                              for at, (_, ds) in zip(logged, runs)}).T)
            for t in sorted(set(logged[0]).intersection(*logged[1:]))]
