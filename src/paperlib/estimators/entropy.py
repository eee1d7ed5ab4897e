r"""Entropy-gradient estimators for energy-based GANs (Dai et al. 2017, §4; spec B.2).

The generator of an energy GAN minimises $\mathbb E_z c(g_\theta(z))-w\,H(p_{gen})$. Both estimators are used
as *surrogate losses with a stop-gradient*: if $d_i\approx\nabla_x\log p_{gen}(x_i)$, the surrogate
$\sum_i\mathrm{sg}[d_i]^\top x_i$ has the $\theta$-gradient $\sum_iJ_i^\top d_i=-\nabla_\theta H$ (eq. 9).
"""
from __future__ import annotations

import torch

__all__ = ["knn_indices", "knn_score", "knn_unit_direction", "gaussian_nll"]


def knn_indices(x: torch.Tensor, k: int) -> torch.Tensor:
    """Indices of each row's ``k`` nearest rows of ``x`` (..., n, d), the row itself first."""
    return torch.cdist(x, x).topk(k + 1, largest=False).indices


def knn_unit_direction(x: torch.Tensor, k: int) -> torch.Tensor:
    r"""$(\mu_i-x_i)/\|\mu_i-x_i\|$ for a batch of images (N, ...) flattened, $\mu_i$ the mean of the $k$ nearest
    other images (eqs. 10-11 as the NIST code: unit-normalised, self excluded)."""
    flat = x.flatten(1)
    idx = knn_indices(flat, k)[:, 1:]
    d = flat[idx].mean(1) - flat
    return (d / (d.norm(dim=1, keepdim=True) + 1e-12)).view_as(x)


def knn_score(x: torch.Tensor, k: int = 20, members: torch.Tensor | None = None) -> torch.Tensor:
    r"""Nearest-neighbour score estimate $d_i=(\mu_i-x_i)\oslash v_i$ of the batch density (eqs. 10-11, synthetic code).

    $\mu_i$ is the mean of the $k$ nearest neighbours of $x_i$ in its batch (itself excluded), $v_i$ the
    per-coordinate variance of $x_i$ and those neighbours. For a neighbourhood of radius $r$ in 2-D the mean
    shift is $\approx\tfrac{r^2}{4}\nabla\log p$ and the variance $\approx\tfrac{r^2}{4}$, so $d_i\approx\nabla\log p(x_i)$
    (spec B.2.1). ``x`` is (M, B, D), one batch per member; returns (M, B, D). ``torch.cdist`` rather than
    scikit-learn's kNN: the batch is small, on the training device, and needs no copy to numpy. ``members``
    (bool, (M,)) restricts the search to the members whose loss uses it (zeros elsewhere): in a batched run of
    several methods the search is a large share of a step.
    """
    if members is not None:
        out = torch.zeros_like(x)
        if bool(members.any()):
            out[members] = knn_score(x[members], k)
        return out
    idx = knn_indices(x, k)                                                # itself first
    nb = torch.gather(x[:, None].expand(-1, x.shape[1], -1, -1), 2,
                      idx[..., None].expand(-1, -1, -1, x.shape[-1]))      # (M, B, k+1, D)
    mu = nb[:, :, 1:].mean(2)
    var = nb.var(2, unbiased=False) + 1e-8
    return (mu - x) / var


def gaussian_nll(z: torch.Tensor, mu: torch.Tensor, log_sigma: torch.Tensor, half_log_sigma: bool = False) -> torch.Tensor:
    r"""$-\log q(z|x)$ up to a constant, $q=\mathcal N(\mu(x),\operatorname{diag}\sigma^2(x))$: the variational bound of eq. 16.

    $\sum_j\log\sigma_j+\tfrac12\sum_j\big((z_j-\mu_j)/(10^{-6}+\sigma_j)\big)^2$, summed over the last axis. With
    ``half_log_sigma`` the first term is $\tfrac12\sum_j\log\sigma_j$, as in the released code (spec B.2.2).
    """
    sigma = log_sigma.exp()
    coef = 0.5 if half_log_sigma else 1.0
    return coef * log_sigma.sum(-1) + 0.5 * ((z - mu) / (1e-6 + sigma)).pow(2).sum(-1)
