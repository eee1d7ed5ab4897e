r"""Divergences between densities tabulated on a grid, in the three conventions the papers' codes use.

* :func:`grid_kl_js` — Stein Bridging's test scripts: model density rescaled to the true mass, both clipped;
* :func:`grid_kl` — Dai et al. Table 2: probability vectors with $\varepsilon=10^{-8}$ inside the logs;
* :func:`kl_grid` / :func:`js_grid` — exact: $+\infty$ where $q=0<p$ (the GEBM chapter's disjoint supports).

Also the nearest-node histogram and the energy pmf that Table 2 compares.
"""
from __future__ import annotations

import math

import numpy as np
import torch

__all__ = ["grid_kl_js", "CE_EPS", "grid_histogram", "energy_pmf", "grid_kl", "kl_grid", "js_grid"]


def grid_kl_js(true_density: torch.Tensor, model_density: torch.Tensor, clip=(1e-7, 1e7)) -> tuple[float, float]:
    r"""KL(true‖model) and JS between grid-normalised densities, as the released test scripts do.

    $q=f\,\sum t/\sum f$, both clipped to [1e-7, 1e7];
    $\mathrm{KL}=\frac1{\sum t}\sum t\log\frac tq$, $\mathrm{JS}=\frac1{\sum t}\frac12\sum[t\log\frac tm+q\log\frac qm]$, $m=\frac{t+q}2$.
    """
    t = true_density.double().reshape(-1)
    f = model_density.double().reshape(-1)
    q = (f * t.sum() / f.sum()).clamp(*clip)
    t = t.clamp(*clip)
    m = (t + q) / 2
    kl = (t * torch.log(t / q)).sum() / t.sum()
    js = 0.5 * (t * torch.log(t / m) + q * torch.log(q / m)).sum() / t.sum()
    return float(kl), float(js)


CE_EPS = 1e-8


def grid_histogram(points: torch.Tensor, canvas: tuple[float, float, float, float], size: int) -> torch.Tensor:
    r"""Normalised histogram of ``points`` (..., n, 2) on the ``size``×``size`` node grid of ``canvas``.

    Each point goes to its nearest node, $\mathrm{round}((x-x_{\min})/\Delta)$ per axis; points outside the
    canvas go to the border node. The flat index is ``iy * size + ix``, the order of
    :meth:`ToyDataset.mesh` points. Written by hand (``torch.bincount``) because the binning must be
    nearest-node, not numpy's left-closed edges.
    """
    x0, x1, y0, y1 = canvas
    p = points.double()
    ix = torch.round((p[..., 0] - x0) / ((x1 - x0) / (size - 1))).clamp(0, size - 1).long()
    iy = torch.round((p[..., 1] - y0) / ((y1 - y0) / (size - 1))).clamp(0, size - 1).long()
    flat = (iy * size + ix).reshape(-1, p.shape[-2])
    h = torch.stack([torch.bincount(f, minlength=size * size) for f in flat]).double()
    return (h / h.sum(-1, keepdim=True)).reshape(*points.shape[:-2], size * size)


def energy_pmf(energy: torch.Tensor) -> torch.Tensor:
    r"""$p_{disc}(x)=e^{-c(x)}/\sum_{x'}e^{-c(x')}$ over the grid nodes (assumes $\mu^*=0$, spec B.5)."""
    return torch.softmax(-energy.double(), dim=-1)


def grid_kl(p: torch.Tensor, q: torch.Tensor, eps: float = CE_EPS) -> torch.Tensor:
    r"""$\mathrm{KL}(P\|Q)=\sum_gP_g[\log(P_g+\varepsilon)-\log(Q_g+\varepsilon)]$, $\varepsilon=10^{-8}$, on probability vectors.

    The convention of Table 2 of Dai et al. (inferred in spec B.5: it reproduces all six data-only
    values of the table's header). Without ε, KL($p_{data}\|p_{emp}$) is infinite (empty cells).
    """
    p, q = p.double(), q.double()
    return (p * (torch.log(p + eps) - torch.log(q + eps))).sum(-1)


def kl_grid(p, q, cell: float = 1.0) -> float:
    r"""$\int p\log(p/q)$ for densities tabulated on a regular grid (cell volume ``cell``); $+\infty$ when $q=0<p$."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    on = p > 0
    if np.any(q[on] <= 0):
        return math.inf
    return float(np.sum(p[on] * np.log(p[on] / q[on])) * cell)


def js_grid(p, q, cell: float = 1.0) -> float:
    r"""$\mathrm{JS}=\tfrac12\mathrm{KL}(P\|M)+\tfrac12\mathrm{KL}(Q\|M)$, $M=\tfrac12(P+Q)$; at most $\log2$ (disjoint supports)."""
    p, q = np.asarray(p, float), np.asarray(q, float)
    m = 0.5 * (p + q)
    return 0.5 * kl_grid(p, m, cell) + 0.5 * kl_grid(q, m, cell)
