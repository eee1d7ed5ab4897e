r"""What the GEBM and KALE pages call (spec Part A): the divergences, particle flows, GEBM training and density
fits of the library, and the read-outs the pages share. Every function that computes takes ``device``."""
from __future__ import annotations

from typing import Any, Iterable

import numpy as np
import pandas as pd
import torch

from paperlib.data.tabular import banana_log_prob, load, split, uci_wine  # noqa: F401 (page API)
from paperlib.estimators.divergences import (  # noqa: F401
    js_grid,
    kale,
    kale_neural,
    kl_gaussian,
    kl_grid,
    kl_lower_bound,
    median_sigma,
    mmd,
    mmd2,
    mmd2_gaussians,
    mmd2_weighted,
    mmd_witness,
)
from paperlib.methods.flow_density import DENSITY_METHODS, cached_fit, mvn_test_nll  # noqa: F401
from paperlib.methods.gebm import GEBM, CircleBase, mlp_energy, train  # noqa: F401
from paperlib.sampling.particle_flows import (  # noqa: F401
    STUDENT_TEACHER_METHODS,
    cached_flow,
    heart_and_spiral,
    mog_square,
    nearest_distance,
    sinkhorn,
    student_teacher_data,
    student_teacher_flow,
    three_rings,
)


def two_lines_divergences(theta: float, cells: int = 400) -> tuple[float, float]:
    """KL and JS between $P$ (the segment $\\{0\\}\\times[0,1]$) and $Q_\\theta$ (the segment at $x=\\theta$) on a
    [-1.5, 1.5] x [0, 1] grid, each segment filling one column of cells (the talk's parallel-lines example)."""
    xs = np.linspace(-1.5, 1.5, cells + 1)
    col = lambda v: np.minimum(np.searchsorted(xs, v, side="right") - 1, cells - 1)  # noqa: E731
    P, Q = np.zeros((cells, 50)), np.zeros((cells, 50))
    P[col(0.0)] = 1 / 50
    Q[col(theta)] += 1 / 50
    return kl_grid(P.ravel(), Q.ravel()), js_grid(P.ravel(), Q.ravel())


def stuck_share(points: torch.Tensor, modes: torch.Tensor, radius: float = 0.5) -> float:
    """Share of particles farther than ``radius`` from every mode (between modes or outside)."""
    d = ((points[:, None, :] - modes[None]) ** 2).sum(-1).sqrt().min(1).values
    return float((d > radius).double().mean())


def ring_readout(points: torch.Tensor, target: torch.Tensor, radius: float) -> dict[str, float]:
    """Coverage (share of target points with a particle within ``radius``) and the share of particles off the
    support (farther than ``radius`` from every target point)."""
    return {"coverage": float((nearest_distance(target, points) < radius).double().mean()),
            "off support": float((nearest_distance(points, target) > radius).double().mean())}


def student_teacher_runs(data, methods: Iterable[str], n: int, common: dict[str, Any], cache=None,
                         device: str = "cpu") -> dict[str, tuple[list, list]]:
    """:func:`student_teacher_flow` of each method, cached per (method, n, settings)."""
    from paperlib.core.cache import Cache

    cache = cache or Cache()
    return {m: cache.get_or_compute("student-teacher", {"method": m, "n": n, **common},
                                    lambda m=m: student_teacher_flow(data, m, **common, device=device))
            for m in methods}


def realnvp_sweep(datasets: Iterable[str], seeds: Iterable[int], steps: int, gebm_steps: int, n_banana: int,
                  fit_args: dict[str, Any], device: str = "cpu") -> tuple[pd.DataFrame, dict]:
    """Every (dataset, seed): the MVN baseline, the true density (banana), and each RealNVP method (cached).
    Returns the long table (dataset, method, seed, test NLL, base alone, best step) and the validation curves."""
    rows, curves = [], {}
    for name in datasets:
        for s in seeds:
            sp = split(load(name, seed=s, n=n_banana), seed=s)
            rows.append({"dataset": name, "method": "MVN", "seed": s, "test NLL": mvn_test_nll(sp)})
            if name == "banana":                    # the true density on the same test points (its cross-entropy)
                x = sp.test.numpy() * sp.std + sp.mean
                rows.append({"dataset": name, "method": "true density", "seed": s,
                             "test NLL": float(-banana_log_prob(x).mean()) - sp.log_std_sum})
            for m in DENSITY_METHODS:               # cached per (dataset, method, seed, settings)
                r = cached_fit(name, m, gebm_steps if m in ("donsker", "kale") else steps, seed=s,
                               n_banana=n_banana, device=device, **fit_args)
                curves[(name, m, s)] = r.pop("curve")
                rows.append({"dataset": name, "method": m, "seed": s, **r})
    return pd.DataFrame(rows), curves


def realnvp_along(runs: pd.DataFrame, curves: dict) -> list[tuple[int, pd.DataFrame]]:
    """``runs`` as shorter runs would have reported it: after each logged step $t$ of the maximum-likelihood flow,
    every trained model's test NLL (and its base's) at its best validation NLL among its evaluations in the first
    $t/T_{ml}$ of its run (a GEBM's run is cut at the same fraction of its own length; a GEBM's logged NLL uses the
    validation evaluation's Monte-Carlo normaliser, smaller than the final read-out's). The untrained rows (MVN,
    true density) are the same at every $t$."""
    fixed = runs[~runs.method.isin(DENSITY_METHODS)]
    per = {k: np.array(c, dtype=float) for k, c in curves.items()}
    fraction = {k: c[:, 0] / c[-1, 0] for k, c in per.items()}       # the last evaluation is the end of a run
    ml = next(c for k, c in per.items() if k[1] == "ml")[:, 0]
    out = []
    for t in ml:
        if any((f > t / ml[-1] + 1e-9).all() for f in fraction.values()):
            continue                                                    # a model has no evaluation yet
        rows = []
        for k, c in per.items():
            seen = c[fraction[k] <= t / ml[-1] + 1e-9]
            best = seen[np.argmin(seen[:, 1])]
            rows.append({"dataset": k[0], "method": k[1], "seed": k[2], "test NLL": best[2], "base alone": best[3],
                         "best step": int(best[0])})
        out.append((int(t), pd.concat([fixed, pd.DataFrame(rows)], ignore_index=True)))
    return out


def circle_target(n: int, kappa: float, seed: int) -> torch.Tensor:
    """The energy demo's $P$ (spec A.10 reconstruction): ``n`` points on the unit circle from an equal mixture of
    two von Mises bumps (concentration ``kappa``) at angles 0 and $\\pi$."""
    from scipy.stats import vonmises

    rng = np.random.RandomState(seed)
    angle = np.where(rng.rand(n) < 0.5, vonmises.rvs(kappa, loc=0, size=n, random_state=rng),
                     vonmises.rvs(kappa, loc=np.pi, size=n, random_state=rng))
    return torch.tensor(np.stack([np.cos(angle), np.sin(angle)], 1))


# ------------------------------------------------------------------------------------------- images (spec A.11-A.13)
# One GEBM (base + energy, KALE) trained once per (data, settings) and cached; each KLA chain set (beta, friction,
# chains, steps) is cached on top of it. Pages gebm-kla-modes, gebm-relative-fid and gebm-kla-between share them.
GEBM_IMAGE_STAND_IN = ("the MNIST test set vendored in data/MNIST (8,000 training / 2,000 held-out digits, 32×32) "
                       "instead of CIFAR-10, ImageNet32, LSUN and CelebA; FID on the digit classifier's features "
                       "instead of Inception-v3's")


def image_params(profile: str) -> dict[str, Any]:
    """The image GEBM's budget of ``profile`` (shared by the three image pages)."""
    from paperlib.core.profiles import item_parameters

    return item_parameters("gebm-kla-modes", profile)


def _model_config(params: dict[str, Any], seed: int) -> dict[str, Any]:
    keys = ("dataset", "held_out", "base_width", "energy_width", "latent_dim", "steps", "batch", "energy_steps",
            "lr", "penalty", "eval_every")
    return {k: params[k] for k in keys} | {"seed": seed}


def image_model(params: dict[str, Any], seed: int = 0, device: str = "cpu", cache=None) -> dict:
    """Train the image GEBM of spec A.0.3 / Part D (cached, checkpointed): ``{"state", "kale", "seconds", ...}``."""
    from paperlib.core.cache import Cache
    from paperlib.experiments import stein_bridging as sb
    from paperlib.methods.gebm import GEBMTrainer, image_gebm
    from paperlib.training import fit

    config = _model_config(params, seed)

    def compute(checkpoint):
        d = sb.image_data_for(params["dataset"], params["held_out"], params.get("download", False))
        model = image_gebm(d["train"].shape[1], d["train"].shape[-1], params["base_width"], params["energy_width"],
                           params["latent_dim"], seed)
        model.init_log_partition(1000, torch.Generator().manual_seed(seed))
        tr = GEBMTrainer(model, d["train"], params["batch"], params["energy_steps"], params["lr"],
                         params["penalty"], seed=seed, device=device)
        out = fit(tr, params["steps"], params["eval_every"], checkpoint=checkpoint, checkpoint_every=1000,
                  progress=False)
        return {"state": {k: v.cpu() for k, v in model.state_dict().items()},
                "kale": np.asarray(out["history"]["kale"], dtype=float).ravel(), "kale_at": out["iteration"], "seconds": out["seconds"], "steps": params["steps"],
                "base_steps": tr.base_steps, "channels": d["train"].shape[1], "size": d["train"].shape[-1]}

    return (cache or Cache()).get_or_compute("gebm-image-model", config, compute, checkpoint=True)


def load_image_model(result: dict, params: dict[str, Any], device: str = "cpu"):
    """The trained :class:`GEBM` of :func:`image_model`, in eval mode on ``device``."""
    from paperlib.core.devices import place
    from paperlib.methods.gebm import image_gebm

    model = image_gebm(result["channels"], result["size"], params["base_width"], params["energy_width"],
                       params["latent_dim"])
    model.load_state_dict(result["state"])
    return place(model, device).eval()


def kla_chains(params: dict[str, Any], beta: float, friction: float, chains: int, steps: int, keep_every: int,
               seed: int = 0, device: str = "cpu", cache=None, fid: bool = False, decay_every: int | None = None,
               wait: bool = True) -> dict:
    r"""KLA on the tempered latent posterior $\nu_\beta(z)\propto\eta(z)e^{-\beta E(B(z))}$ (spec A.0.3) from
    ``chains`` fixed prior latents (seed 0, as the GEBM code), decoded by the base every ``keep_every`` steps
    (and at $t=0$, the base alone). Read-outs per kept step: classifier classes and confidence of every chain, mean
    energy, pixel diversity, the first ``show`` images, and with ``fid`` the FID to the held-out images on the
    classifier's features, or Inception-v3's with ``params["fid_features"] == "inception"`` (the chains' images at
    $t=0$ are $B$'s samples, so rFID$(t)$ = FID$(t)$/FID$(0)$).
    The step size is ``kla_step``, multiplied by 0.1 every ``decay_every`` steps (default ``kla_decay_every``; 0:
    constant)."""
    from paperlib.core.cache import Cache
    from paperlib.core.devices import place
    from paperlib.estimators.image_metrics import InceptionFeatures, diversity, fid_curve
    from paperlib.experiments import stein_bridging as sb
    from paperlib.sampling.langevin import kla, latent_potential_grad

    decay_every = params["kla_decay_every"] if decay_every is None else decay_every
    config = {"model": _model_config(params, seed), "beta": beta, "friction": friction, "chains": chains,
              "steps": steps, "keep_every": keep_every, "step_size": params["kla_step"],
              "decay_every": decay_every, "show": params["show"], "fid": fid and params["fid_features"],
              "classifier": params["classifier_iterations"]}

    def compute():
        model = load_image_model(image_model(params, seed, device, cache), params, device)
        net = sb.classifier_for(params["dataset"], params, device, cache)
        z0 = place(torch.randn(chains, params["latent_dim"], generator=torch.Generator().manual_seed(0)), device)
        grad = latent_potential_grad(model.energy, model.base, beta)
        _, kept = kla(grad, z0, params["kla_step"], friction, steps, torch.Generator().manual_seed(seed + 1),
                      keep_every, decay_every)
        out = {"t": np.arange(len(kept) + 1) * keep_every, "classes": [], "confidence": [], "energy": [],
               "diversity": [], "images": []}
        decoded = []
        with torch.no_grad():
            for z in [z0] + kept:
                x = torch.cat([model.base(c).cpu() for c in z.split(500)])
                logits = sb.classifier_logits(net, x)
                out["classes"].append(logits.argmax(1).numpy().astype(np.int8))
                out["confidence"].append(float(logits.softmax(1).max(1).values.mean()))
                out["energy"].append(float(torch.cat([model.energy(place(c, device)).cpu() for c in x.split(500)]).mean()))
                out["diversity"].append(diversity(x[:256]))
                out["images"].append(x[:params["show"]].half())
                if fid:
                    decoded.append(x)
        out["classes"] = np.stack(out["classes"], 1)            # (chains, kept steps)
        out["images"] = torch.stack(out["images"], 1)            # (show, kept steps, C, H, W)
        if fid:
            d = sb.image_data_for(params["dataset"], params["held_out"], params.get("download", False))
            features = place(InceptionFeatures(), device) if params["fid_features"] == "inception" else net
            out["fid"] = fid_curve(features, d["held_out"], decoded)
        return out

    return (cache or Cache()).get_or_compute("gebm-kla", config, compute, wait=wait)


def class_switches(classes: np.ndarray) -> dict[str, float]:
    """Along each chain (rows of ``classes``, the predicted class at each kept step): the mean number of distinct
    classes visited and of class changes between consecutive kept steps."""
    distinct = np.array([len(np.unique(row)) for row in classes])
    changes = (classes[:, 1:] != classes[:, :-1]).sum(1)
    return {"distinct classes": float(distinct.mean()), "class changes": float(changes.mean())}


def chain_strips(run: dict, chains: int, columns: int) -> tuple[torch.Tensor, np.ndarray]:
    """The first ``chains`` chains at ``columns`` kept steps spread evenly from $t=0$ to the end, as images
    (chains·columns, C, H, W) in row order (one chain per row) for a grid of ``columns`` per row, and the times."""
    idx = np.unique(np.linspace(0, len(run["t"]) - 1, columns).round().astype(int))
    images = run["images"][:chains, idx].float()
    return images.reshape(-1, *images.shape[2:]), run["t"][idx]


def chain_readout(runs: dict, key_name: str) -> pd.DataFrame:
    """Per run (keyed by beta or friction): confidence, energy and diversity at $t=0$ and at the end of the chain."""
    rows = []
    for k, r in runs.items():
        rows.append({key_name: k, "confidence t=0": r["confidence"][0], "confidence end": r["confidence"][-1],
                     "energy t=0": r["energy"][0], "energy end": r["energy"][-1],
                     "diversity t=0": r["diversity"][0], "diversity end": r["diversity"][-1]})
    return pd.DataFrame(rows).set_index(key_name)
