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


def circle_target(n: int, kappa: float, seed: int) -> torch.Tensor:
    """The energy demo's $P$ (spec A.10 reconstruction): ``n`` points on the unit circle from an equal mixture of
    two von Mises bumps (concentration ``kappa``) at angles 0 and $\\pi$."""
    from scipy.stats import vonmises

    rng = np.random.RandomState(seed)
    angle = np.where(rng.rand(n) < 0.5, vonmises.rvs(kappa, loc=0, size=n, random_state=rng),
                     vonmises.rvs(kappa, loc=np.pi, size=n, random_state=rng))
    return torch.tensor(np.stack([np.cos(angle), np.sin(angle)], 1))
