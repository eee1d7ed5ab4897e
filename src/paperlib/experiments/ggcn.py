r"""What the GGCN pages call (spec Part B): cached runs of the energy ConvNets on the chapter's data, and the
read-outs the pages share. Every function that computes takes ``device``.

Data (``source`` of a run; the ``cpu`` stand-ins are named on each page):

* ``digits`` — the vendored MNIST test set (8,000 training digits, labels): the CIFAR-10 / Tiny ImageNet stand-in;
* ``faces`` — scikit-image's ``lfw_subset`` faces at 32×32: the CelebA stand-in;
* ``few-digits`` / ``few-faces`` / ``few-textures`` — few-sample sets (``few_images`` images, subset ``k``) of
  digits, faces and scikit-image's textures (the LSUN-bedroom stand-in of Fig. 5);
* ``photos`` — crops of four scikit-image photographs (the SUN stand-in of Fig. 10);
* ``rocket`` — scikit-image's rocket photograph, one 32×32 image (the "spaceship" of Fig. 1);
* ``cifar10`` / ``celeba`` / ``lsun`` (and their few-sample sets ``few-cifar10`` …) under ``paper``; SUN and the
  paper's spaceship image are not downloadable, so ``photos`` and ``rocket`` stay; ``fake-*`` (``FakeData``) in
  the paper-shaped dry run.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Any, Sequence

import numpy as np
import pandas as pd
import torch

from paperlib.core.cache import Cache, compute_all
from paperlib.core.devices import place
from paperlib.data import images as image_data
from paperlib.estimators import image_metrics as im
from paperlib.experiments import stein_bridging as sb
from paperlib.methods.gcn import (COMPONENT_NAMES, FAMILIES, MODELS, SETTING_NAMES, GCNSettings,  # noqa: F401
                                  GCNTrainer, InpaintingTrainer, MASKS, components_table, make_mask)
from paperlib.nets.gcn import (TABLE_IV_SURVIVING, AutoEncoderGenerator, ConvEnergy, DeconvGenerator,  # noqa: F401
                              architecture_table)
from paperlib.sampling.langevin import image_langevin
from paperlib.training import fit

STAND_IN = {
    "digits": "the vendored MNIST test set (8,000 training digits) instead of CIFAR-10 / Tiny ImageNet; the Inception "
              "score is the digit classifier's",
    "faces": "scikit-image's lfw_subset (100 grey 25×25 faces, resized to 32×32) instead of CelebA",
    "textures": "crops of scikit-image's brick, grass and gravel textures instead of LSUN bedrooms",
    "photos": "crops of four scikit-image photographs (astronaut, coffee, chelsea, rocket) instead of SUN images",
    "rocket": "scikit-image's rocket photograph (centre crop, 32×32) instead of the paper's spaceship image",
}
FEW = {"few-digits": "digits", "few-faces": "faces", "few-textures": "textures", "few-cifar10": "cifar10",
       "few-celeba": "celeba", "few-lsun": "lsun"}
PAGE_KNOBS = {"lr_factors", "few_subsets", "few_images", "classifier_iterations", "final_samples", "dcgan_iterations",
              "digit_dcgan_iterations",
              "dcgan_width",
              "data", "download", "particles", "particle_iterations", "particle_steps", "mask_seed",
              "digit_iterations", "face_iterations", "inpainting_iterations"}
# the paper's data for each stand-in (``data: paper``); SUN and the spaceship image are not downloadable
PAPER_SOURCE = {"digits": "cifar10", "faces": "celeba", "few-digits": "few-cifar10", "few-faces": "few-celeba",
                "few-textures": "few-lsun", "photos": "photos", "rocket": "rocket"}


def source(params: dict[str, Any], name: str) -> str:
    """The data a page's ``name`` (a stand-in) stands for under the run's ``data`` knob (stand-in | paper | fake)."""
    kind = params.get("data", "stand-in")
    if kind == "paper":
        return PAPER_SOURCE[name]
    if kind == "fake":
        return {"digits": "fake-cifar10", "faces": "fake-mnist"}.get(name, name)
    return name


def settings(params: dict[str, Any], **changes) -> GCNSettings:
    """The run settings from a page's parameters (page knobs set aside)."""
    s = GCNSettings.from_params({k: v for k, v in params.items() if k not in PAGE_KNOBS})
    return replace(s, **changes)


def data(source: str, few_images: int = 8, subset: int = 0, download: bool = False,
         limit: int | None = None) -> dict[str, torch.Tensor]:
    """Training images (and labels) of ``source`` (module docstring); ``limit`` caps a paper dataset's size."""
    if source == "digits":
        d = image_data.stand_in(2000)
        return {"train": d["train"], "labels": d["train_labels"], "held_out": d["held_out"],
                "held_out_labels": d["held_out_labels"]}
    if source == "faces":
        x = image_data.lfw_faces()
        return {"train": x[:80], "labels": None, "held_out": x[80:]}
    if source in FEW:
        base = FEW[source]
        if base == "textures":
            names = image_data.TEXTURES
            x = image_data.crops(names[subset % len(names)], few_images, seed=subset)
        else:   # a seeded draw of ``few_images`` from the first 10,000 images of the base set
            pool = data(base, download=download, limit=10000)["train"]
            g = torch.Generator().manual_seed(1000 + subset)
            x = pool[torch.randperm(len(pool), generator=g)[:few_images]]
        return {"train": x, "labels": None}
    if source == "photos":
        x = torch.cat([image_data.crops(n, 1, scale=6, seed=subset) for n in image_data.PHOTOS])
        return {"train": x, "labels": None}
    if source == "rocket":
        return {"train": image_data.centre_crop("rocket"), "labels": None}
    if source.startswith("fake-"):
        x, y = image_data.fake(source[5:], 200)
        return {"train": x, "labels": y, "held_out": x[:50], "held_out_labels": y[:50]}
    if source in ("cifar10", "celeba", "lsun"):
        x, y = image_data.load(source, "train", download=download, limit=limit)
        xt, yt = image_data.load(source, "test", download=download, limit=10000)
        return {"train": x, "labels": y if bool((y >= 0).all()) else None, "held_out": xt, "held_out_labels": yt}
    raise KeyError(f"unknown GGCN data source {source!r}; available: digits, faces, few-digits, few-faces, "
                   f"few-textures, photos, rocket, cifar10, celeba, lsun, few-cifar10, few-celeba, few-lsun, "
                   f"fake-mnist, fake-cifar10")


def run(source: str, model: str, params: dict[str, Any], seed: int = 0, subset: int = 0, device: str = "cpu",
        cache: Cache | None = None, wait: bool = True, **changes) -> dict:
    """One model of :data:`MODELS` (or ``"DCGAN"``) trained on ``source`` (cached, checkpointed), with its
    read-outs: the logged curves, ``final_samples`` samples, their collapse and artefact shares, sharpness, response distance
    to the training images, nearest-training-image MSE; on digits the classifier's IS (one split) and
    confidence; for generator models a 10-frame latent interpolation (8 midpoints, Fig. 12)."""
    s = settings(params, **changes)
    config = {"source": source, "model": model, "seed": seed, "subset": subset, "settings": s.as_dict(),
              "few_images": params.get("few_images", 8), "final_samples": params["final_samples"],
              "classifier": params["classifier_iterations"] if source in ("digits",) else 0,
              "dcgan": (params["dcgan_iterations"], params["dcgan_width"]) if model == "DCGAN" else None}

    def compute(checkpoint):
        d = data(source, params.get("few_images", 8), subset, params.get("download", False))
        x, y = d["train"], d["labels"]
        scorer = None
        if source == "digits":   # the digit classifier of the Stein Bridging pages (the same cached entry)
            net = sb.classifier_for("stand-in", {"classifier_iterations": params["classifier_iterations"]}, device, cache)
            scorer = lambda v: sb.classifier_logits(net, v)  # noqa: E731
        n = params["final_samples"]
        if model == "DCGAN":
            return _dcgan(x, y, s, params, seed, scorer, checkpoint, device)
        tr = GCNTrainer(x, y if s.conditional else None, model, s, seed, scorer=scorer, device=device,
                        name=f"{source}/{model}{'-cond' if s.conditional else ''}")
        out = fit(tr, s.iterations, s.eval_every, checkpoint=checkpoint, checkpoint_every=50)
        samples, labels = tr.sample(n)
        out.update(_readouts(samples, labels, x, tr.filters, s, scorer))
        if MODELS[model].NLU:
            out["interpolation"] = interpolate(tr, seed)
        out["model"], out["train_images"] = model, x[:16].half()
        return out

    return (cache or Cache()).get_or_compute("ggcn-run", config, compute, checkpoint=True, wait=wait)


def _readouts(samples, labels, train, filters, s: GCNSettings, scorer) -> dict:
    out = {"samples": samples[:100].half(), "sample_labels": labels if labels is None else labels[:100],
           "collapse_final": im.collapse_share(samples, s.collapse_std),
           "artefacts_final": im.artefact_share(samples, s.collapse_std),
           "sharpness": float(im.sharpness(samples).mean()), "diversity": im.diversity(samples),
           "finite_share": float(torch.isfinite(samples.flatten(1)).all(1).double().mean()),
           "response_final": im.response_distance(train, samples, filters),
           "nearest_mse": nearest_mse(samples, train)}
    if scorer is not None:
        logits = scorer(samples)
        out["inception_score"] = im.inception_score(logits, splits=1)[0]
        out["confidence"] = float(logits.softmax(1).max(1).values.mean())
        if labels is not None:
            out["label_accuracy"] = float((logits.argmax(1) == labels).float().mean())
    return out


def _dcgan(x, y, s: GCNSettings, params, seed, scorer, checkpoint, device) -> dict:
    """The DCGAN baseline (Radford et al.; the Stein Bridging image code's nets and Adam 2e-4, β₁ 0.5) on the same
    images; a few-sample set is duplicated to 10,000 images as in Fig. 10."""
    from paperlib.methods.sb_images import ImageSettings, ImageTrainer

    if len(x) < 1000:
        reps = -(-10000 // len(x))
        x = x.repeat(reps, 1, 1, 1)[:10000]
        y = None if y is None else y.repeat(reps)[:10000]
    labels = y if y is not None else torch.zeros(len(x), dtype=torch.long)
    its = params["dcgan_iterations"]
    st = ImageSettings(dataset="ggcn", conditional=s.conditional, width=params["dcgan_width"],
                       batch=64, iterations=its, eval_every=max(1, its // 5), eval_samples=100, fixed_noise=16)
    tr = ImageTrainer(x, labels, "DCGAN", seed, st, scorer=scorer, device=device)
    out = fit(tr, its, st.eval_every, checkpoint=checkpoint, checkpoint_every=500)
    samples, gl = tr.generate(params["final_samples"])
    out.update(_readouts(samples, gl if s.conditional else None, x, im_filters(s, x.shape[1]), s, scorer))
    out["model"], out["train_images"] = "DCGAN", x[:16].half()
    return out


def im_filters(s: GCNSettings, channels: int):
    from paperlib.methods.gcn import response_filters

    return response_filters(s.filters, channels)


def nearest_mse(samples: torch.Tensor, train: torch.Tensor) -> float:
    """Mean over samples of the pixel MSE to the nearest training image (how close samples stay to the data)."""
    d = torch.cdist(samples.flatten(1).float(), train.flatten(1).float()) ** 2 / samples[0].numel()
    return float(d.min(1).values.mean())


@torch.no_grad()
def interpolate(tr: GCNTrainer, seed: int, frames: int = 10) -> torch.Tensor:
    r"""Fig. 12 (spec B.12): two hidden vectors drawn as the run's new samples, clipped to $[-1,1]$, and the
    generator's images along $z_k=(1-t_k)z_a+t_kz_b$, $t_k=k/9$ — 8 midpoints, 10 columns (the caption's count)."""
    g = torch.Generator().manual_seed(seed + 12)
    z = torch.randn(2, tr.s.z_dim, generator=g)
    if tr.codes is not None:
        z = tr.codes.mean(0) + tr.codes.std(0) * z
    z = z.clamp(-1, 1)
    t = torch.linspace(0, 1, frames)[:, None]
    path = (1 - t) * z[0] + t * z[1]
    tr.G.eval()
    y = torch.zeros(frames, dtype=torch.long) if tr.s.conditional else None
    out = tr.G(place(path, tr.device), None if y is None else place(y, tr.device)).cpu()
    tr.G.train()
    return out.half()


def step_distances(frames: torch.Tensor) -> np.ndarray:
    """Root-mean-square pixel distance between consecutive interpolation frames."""
    f = frames.float().flatten(1)
    return (f[1:] - f[:-1]).pow(2).mean(1).sqrt().numpy()


def runs(jobs: Sequence[tuple], params: dict[str, Any], seed: int = 0, device: str = "cpu",
         cache: Cache | None = None) -> list[dict]:
    """:func:`run` for each ``(source, model, subset, changes)`` job, skipping entries another page is computing
    and coming back to them (:func:`paperlib.core.cache.compute_all`)."""
    return compute_all([tuple(j) for j in jobs],
                       lambda src, m, k, ch, wait: run(src, m, params, seed, k, device, cache, wait, **dict(ch)))


# a final read-out of :func:`run` -> the logged curve that holds it (the energy models' name, then DCGAN's)
LOGGED = {"inception_score": ("inception_score", "is"), "confidence": ("confidence",),
          "artefacts_final": ("artefacts",), "sharpness": ("sharpness",), "response_final": ("response_distance",)}


def along(results: dict) -> list[tuple[int, dict]]:
    r"""The runs of a suite as they were at each logged evaluation: ``[(t, {key: read-outs}), ...]``, so that a page
    judges its claims along the run (:func:`paperlib.core.claims.trained_claim`) with the same check as at the end.

    The axis is the energy models' logged iterations $t$ (they share one budget). Each run is read at its latest
    evaluation within the same fraction $t/T$ of its own run (DCGAN has a budget of its own); points before
    every run has logged once are left out. The read-outs (:data:`LOGGED`) are those of that evaluation: the
    score, confidence, artefact share, sharpness and response distance of the iteration's synthesis (DCGAN: of
    ``eval_samples`` new samples), where the final read-outs use ``final_samples`` new samples; a read-out a
    run does not log is NaN."""
    axis = next(r for r in results.values() if r["model"] != "DCGAN")["iteration"]
    out = []
    for t in axis:
        at = {}
        for key, r in results.items():
            its = np.asarray(r["iteration"])
            j = int(np.searchsorted(its / its[-1], t / axis[-1] + 1e-9, side="right")) - 1
            if j < 0:
                break
            at[key] = _logged(r["history"], j)
        else:
            out.append((int(t), at))
    return out


def _logged(history: dict, j: int) -> dict[str, float]:
    out = {}
    for name, keys in LOGGED.items():
        k = next((k for k in keys if k in history), None)
        out[name] = float(np.ravel(history[k])[j]) if k else np.nan
    return out


def curve(result: dict, key: str) -> np.ndarray:
    return np.asarray(result["history"][key])[:, 0].astype(float)


def auc(result: dict, key: str = "response_distance") -> float:
    """Mean of a logged curve over the run (the area under it divided by its length)."""
    return float(np.mean(curve(result, key)))


# ------------------------------------------------------------------ Fig. 1 (a): particles in two dimensions
def well_energy(x: torch.Tensor) -> torch.Tensor:
    r"""The 2-D target's potential $U(x)=-\log\sum_k\mathcal N(x;\mu_k,0.3^2I)$ with four modes on a square of
    side 3 (up to a constant): the contour map the particles move on [recon: the paper's map is not given]."""
    mu = torch.tensor([[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5]], dtype=x.dtype)
    d2 = ((x[:, None, :] - mu[None]) ** 2).sum(-1) / (2 * 0.3 ** 2)
    return -torch.logsumexp(-d2, 1)


def particle_evolution(model: str, n: int, iterations: int, steps: int, seed: int = 0, lr: float = 1e-2,
                       sigma: float = 3.0, delta: float = 0.1, rho: float = 0.2, keep: int = 20) -> dict:
    """Fig. 1 (a) reconstruction: an MLP energy $f_\\theta$ learned by Langevin MLE (GCN) or MLE + the JKO term
    (wGCN [infer]) from samples of the four-mode target, with ``n`` persistent particles; returns the particles'
    trajectory (every iteration, the first ``keep`` particles) and their mean true potential along the run."""
    from paperlib.nets.batched import MLP

    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    modes = torch.tensor([[-1.5, -1.5], [-1.5, 1.5], [1.5, -1.5], [1.5, 1.5]])
    target = modes[torch.randint(0, 4, (2000,), generator=g)] + 0.3 * torch.randn(2000, 2, generator=g)
    net = MLP([seed], [2, 64, 64, 1], "leaky_relu", "energy")
    f = lambda x, y=None: net(x[None])[0, :, 0]  # noqa: E731
    opt = torch.optim.Adam(net.parameters(), lr=lr, betas=(0.5, 0.999))
    x = sigma * 0.3 * torch.randn(n, 2, generator=g)
    path, energy = [x[:keep].clone()], [float(well_energy(x).mean())]
    for _ in range(iterations):
        start = x
        x = image_langevin(f, x, sigma, delta, steps, g)
        obs = target[torch.randint(0, len(target), (n,), generator=g)]
        loss = -(f(obs).mean() - f(x).mean())
        if MODELS[model].JKO:
            z = torch.cat([start, x]).requires_grad_(True)
            (gr,) = torch.autograd.grad(f(z).sum(), z, create_graph=True)
            g0, g1 = gr.chunk(2)
            loss = loss + rho * (g1 - g0).pow(2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        x = x.detach()
        path.append(x[:keep].clone())
        energy.append(float(well_energy(x).mean()))
    return {"path": torch.stack(path).numpy(), "energy": np.array(energy), "final": x.numpy(),
            "target": target[:500].numpy()}


def inpainting(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 11 / Table III (spec B.11): the auto-encoder generator trained with the GGCN+AMS loop on masked training
    faces (masks of all three kinds), then scored on the held-out faces per mask: MSE, PSNR, SSIM (pixels in
    [−1, 1]); FID needs the paper's Inception features on CelebA and is not computed on the stand-in."""
    its = params["inpainting_iterations"]
    s = settings(params, iterations=its, eval_every=max(1, its // 10))
    src = source(params, "faces")
    config = {"source": src, "settings": s.as_dict(), "seed": seed, "mask_seed": params["mask_seed"]}

    def compute(checkpoint):
        d = data(src, download=params.get("download", False))
        tr = InpaintingTrainer(d["train"], s, seed, device=device)
        out = fit(tr, s.iterations, s.eval_every, checkpoint=checkpoint, checkpoint_every=50)
        held = d["held_out"]
        out["scores"], out["examples"] = {}, {}
        for kind in MASKS:
            mask = make_mask(kind, held.shape, params["mask_seed"])
            restored = tr.restore(held, mask)
            out["scores"][kind] = im.inpainting_scores(restored, held)
            out["scores"][kind]["MSE in hole"] = float(((restored - held) ** 2 * (1 - mask)).sum() / (1 - mask).sum()
                                                       / held.shape[1])
            out["examples"][kind] = torch.stack([held[:6] * mask[:6] - (1 - mask[:6]), restored[:6]]).half()
        out["originals"] = held[:6].half()
        return out

    return (cache or Cache()).get_or_compute("ggcn-inpainting", config, compute, checkpoint=True)


def table2_rows(results: dict[tuple[str, str], dict]) -> pd.DataFrame:
    """Our digit-classifier IS per (setting, model) beside Table II's Inception score."""
    from paperlib.core import reported

    rep = reported.load("ggcn-tab02").tables
    rows = []
    for (setting, m), r in results.items():
        t = rep.get(setting)
        paper = t.loc[m, "IS"] if t is not None and m in t.index else np.nan
        rows.append({"setting": setting, "model": m, "IS paper (CIFAR-10)": paper,
                     "IS ours (digits)": r["inception_score"], "artefact share": r["artefacts_final"]})
    return pd.DataFrame(rows)


def text_checks() -> pd.DataFrame:
    """The paper's text against its own Table II and captions (spec B.13, Part E 8)."""
    from paperlib.core import reported

    t = reported.load("ggcn-tab02").tables
    u, c = t["unconditional"]["IS"], t["conditional"]["IS"]
    rows = [("unconditional gain of GGCN+AMS over GCN", 2.61, u["GGCN+AMS"] - u["GCN"]),
            ("conditional gain of GGCN over GCN", 1.55, c["GGCN"] - c["GCN"]),
            ("conditional gain of GGCN over DCGAN ('around 0.6')", 0.6, c["GGCN"] - c["DCGAN"]),
            ("interpolation: points in the text vs midpoints in the caption", 10, 8)]
    df = pd.DataFrame(rows, columns=["statement", "text says", "table / caption gives"])
    df["consistent"] = np.isclose(df["text says"], df["table / caption gives"], atol=0.005)
    return df


# ------------------------------------------------------------------ the page-level suites
UNCONDITIONAL = ["GCN", "wGCN", "wFRAME", "GGCN+AMS", "GGCN", "DCGAN"]
CONDITIONAL = ["GCN", "wGCN", "wFRAME", "MGCN", "DCGAN", "GGCN+AMS", "GGCN"]
FACE_MODELS = ["MGCN", "wMGCN", "GGCN-LHS+AMS", "GGCN+AMS"]
FEW_SOURCES = ["few-digits", "few-faces", "few-textures"]
DATA_NAMES = {"few-faces": "faces (CelebA stand-in)", "few-textures": "textures (LSUN stand-in)",
              "few-digits": "digits (CIFAR-10 stand-in)", "few-celeba": "CelebA", "few-lsun": "LSUN bedroom",
              "few-cifar10": "CIFAR-10"}


def digit_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Table II and Figs. 7-9: ``{("unconditional" | "conditional", model): run}`` on the digits."""
    src, its = source(params, "digits"), params["digit_iterations"]
    params = {**params, "dcgan_iterations": params["digit_dcgan_iterations"]}   # this suite's DCGAN budget
    ev = max(1, its // 10)
    jobs = [(src, m, 0, (("iterations", its), ("eval_every", ev), ("conditional", False))) for m in UNCONDITIONAL]
    jobs += [(src, m, 0, (("iterations", its), ("eval_every", ev), ("conditional", True))) for m in CONDITIONAL]
    out = runs(jobs, params, seed, device, cache)
    return {("conditional" if dict(j[3])["conditional"] else "unconditional", j[1]): r for j, r in zip(jobs, out)}


def face_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 6 and Fig. 12: the four ablation models on the faces."""
    its = params["face_iterations"]
    jobs = [(source(params, "faces"), m, 0, (("iterations", its), ("eval_every", max(1, its // 10))))
            for m in FACE_MODELS]
    return dict(zip(FACE_MODELS, runs(jobs, params, seed, device, cache)))


def few_sample_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 5: GCN and wGCN on ``few_subsets`` few-sample sets of each stand-in: ``{(source, k, model): run}``."""
    jobs = [(source(params, s), m, k, ()) for s in FEW_SOURCES for k in range(params["few_subsets"])
            for m in ("GCN", "wGCN")]
    return {(j[0], j[2], j[1]): r for j, r in zip(jobs, runs(jobs, params, seed, device, cache))}


def lr_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 4: GCN and wGCN on the first few-sample digit set at each learning-rate factor: ``{(factor, model): run}``
    (factor 1 is Fig. 5's run: the same cache entry)."""
    jobs = [(source(params, "few-digits"), m, 0, (("lr", params["lr"] * f),) if f != 1.0 else ())
            for f in params["lr_factors"] for m in ("GCN", "wGCN")]
    keys = [(f, m) for f in params["lr_factors"] for m in ("GCN", "wGCN")]
    return dict(zip(keys, runs(jobs, params, seed, device, cache)))


def few_sun_suite(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 10: DCGAN (on the crops duplicated to 10,000), wFRAME, wGCN and GGCN on the photo crops."""
    models = ["DCGAN", "wFRAME", "wGCN", "GGCN"]
    jobs = [(source(params, "photos"), m, 0, ()) for m in models]
    return dict(zip(models, runs(jobs, params, seed, device, cache)))


def single_image(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache: Cache | None = None) -> dict:
    """Fig. 1 (b): GCN and wGCN on the one rocket image, with every evaluation's synthesis kept."""
    jobs = [(source(params, "rocket"), m, 0, (("eval_every", max(1, params["iterations"] // 20)),))
            for m in ("GCN", "wGCN")]
    return dict(zip(("GCN", "wGCN"), runs(jobs, params, seed, device, cache)))


def particle_runs(params: dict[str, Any], seed: int = 0, cache: Cache | None = None) -> dict:
    """Fig. 1 (a): :func:`particle_evolution` for GCN and wGCN (cached)."""
    cfg = {"n": params["particles"], "iterations": params["particle_iterations"], "steps": params["particle_steps"],
           "seed": seed, "rho": params["rho"]}
    return {m: (cache or Cache()).get_or_compute(
        "ggcn-particles", {"model": m, **cfg},
        lambda m=m: particle_evolution(m, cfg["n"], cfg["iterations"], cfg["steps"], seed, rho=cfg["rho"]))
        for m in ("GCN", "wGCN")}
