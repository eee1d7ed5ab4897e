"""Metrics of the synthetic experiments (spec A.4), written from the released code's definitions.

All functions take torch tensors; generated samples may carry a leading member axis ``(M, m, 2)``.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

from paperlib.estimators.grids import (  # noqa: F401 (re-export)
    CE_EPS,
    energy_pmf,
    grid_histogram,
    grid_kl,
    grid_kl_js,
)
from paperlib.estimators.kernels import sigma_from_bandwidth


def _rbf_sum(a: torch.Tensor, b: torch.Tensor, bandwidth: float, rows: int = 128) -> torch.Tensor:
    r"""$\sum_{ij}k(a_i,b_j)$ with the Stein Bridging code's Gaussian $\exp(-d^2/(2h^2))$ (:mod:`.kernels`).

    In blocks of ``rows`` rows, each computed in place: the blocks stay in the CPU cache, which makes the
    evaluation's MMD about 5x faster than one (m, n) matrix (``benchmarks/synthetic.py``); only the order of the
    float64 summation differs.
    """
    scale = -1.0 / sigma_from_bandwidth(bandwidth)
    return sum(torch.cdist(c, b).pow_(2).mul_(scale).exp_().sum() for c in a.split(rows))


_KERNEL_SUMS: dict[tuple[str, float], float] = {}


def kernel_sum(x: torch.Tensor, bandwidth: float = 1.0) -> float:
    r"""$\sum_{ij}k(x_i,x_j)$ in float64, memoised on the bytes of ``x`` (the training data is scored
    against thousands of sample sets; its 25M-entry kernel is computed once per process)."""
    import hashlib

    x = x.detach().double().contiguous()
    key = (hashlib.sha1(x.numpy().tobytes()).hexdigest(), float(bandwidth))
    if key not in _KERNEL_SUMS:
        _KERNEL_SUMS[key] = float(_rbf_sum(x, x, bandwidth))
    return _KERNEL_SUMS[key]


def mmd(x: torch.Tensor, y: torch.Tensor, bandwidth: float = 1.0, estimator: str = "code",
        data_kernel_sum: float | None = None) -> torch.Tensor:
    r"""Squared MMD with an RBF kernel between data ``x`` (n, d) and samples ``y`` (..., m, d).

    ``"code"``: the released estimator, sums *including* the diagonal divided by $n(n-1)$ and $m(m-1)$;
    ``"unbiased"``: the U-statistic of Gretton et al. (diagonals excluded).
    ``data_kernel_sum`` = $\sum_{ij}k(x_i,x_j)$ (diagonal included) may be passed to skip recomputing it
    when the same data is scored many times during training.
    """
    if estimator not in ("code", "unbiased"):
        raise ValueError(f"estimator must be 'code' or 'unbiased', got {estimator!r}")
    x = x.double()
    ys = y.double().reshape(-1, *y.shape[-2:])
    n = x.shape[0]
    kxx = torch.tensor(kernel_sum(x, bandwidth) if data_kernel_sum is None else data_kernel_sum, dtype=torch.float64)
    if estimator == "unbiased":
        kxx = kxx - n
    out = []
    for yy in ys:
        m = yy.shape[0]
        kyy = _rbf_sum(yy, yy, bandwidth) - (m if estimator == "unbiased" else 0)
        out.append(kxx / (n * (n - 1)) + kyy / (m * (m - 1)) - 2 * _rbf_sum(x, yy, bandwidth) / (n * m))
    return torch.stack(out).reshape(y.shape[:-2])


def nearest_mean_sqdist(y: torch.Tensor, means: torch.Tensor) -> torch.Tensor:
    return torch.cdist(y.double(), means.double()).pow(2).min(-1).values


def hsr(y: torch.Tensor, means: torch.Tensor, threshold: float) -> torch.Tensor:
    """High-quality sample rate: share of samples within squared distance ``threshold`` of a mean."""
    return (nearest_mean_sqdist(y, means) < threshold).double().mean(-1)


def box_negatives(means: torch.Tensor, half_side: float, per_mean: int, generator: torch.Generator) -> torch.Tensor:
    """``per_mean`` points uniform in the axis-aligned square of half-side ``half_side`` around each mean."""
    u = torch.rand(means.shape[0], per_mean, means.shape[1], generator=generator, dtype=torch.float64)
    return (means.double()[:, None, :] + (2 * u - 1) * half_side).reshape(-1, means.shape[1])


def means_vs_boxes_auc(log_density, means: torch.Tensor, half_side: float, per_mean: int = 10,
                       seed: int = 0):
    """AUC of the model density ranking every mixture mean above nearby box points (spec A.4).

    ``log_density`` maps (n, 2) points to unnormalised log densities of shape (n,) or, for a stack of
    models, (M, n); ranking is all that matters. Returns a float, or an (M,) array for a stack.
    Ties count one half (scikit-learn's trapezoidal ROC).
    """
    neg = box_negatives(means, half_side, per_mean, torch.Generator().manual_seed(seed))
    pos_s = torch.as_tensor(log_density(means.double())).detach().double()
    neg_s = torch.as_tensor(log_density(neg)).detach().double()
    scores = torch.cat([pos_s, neg_s], dim=-1).numpy()
    labels = np.r_[np.ones(pos_s.shape[-1]), np.zeros(neg_s.shape[-1])]
    if scores.ndim == 1:
        return float(roc_auc_score(labels, scores))
    return np.array([roc_auc_score(labels, row) for row in scores])


def coverage(log_density_at_means: torch.Tensor, log_density_mesh: torch.Tensor, fraction: float) -> float:
    """Share of means whose model density exceeds ``fraction`` × the model's maximum on the mesh."""
    top = torch.maximum(log_density_mesh.max(), log_density_at_means.max())
    return float((log_density_at_means >= top + np.log(fraction)).double().mean())
