r"""Scores of energy models and the kernel Stein discrepancy (SB eq. 3, Liu et al. 2016).

For $p_\phi\propto e^{-E_\phi}$ the score is $s_\phi(x)=\nabla_x\log p_\phi(x)=-\nabla_xE_\phi(x)$ and needs no
normaliser. With an RBF kernel $k(x,x')=\exp(-\|x-x'\|^2/2h^2)$ the Stein kernel is

$$u_p(x,x')=s(x)^\top s(x')k+s(x)^\top\nabla_{x'}k+\nabla_xk^\top s(x')+\operatorname{tr}\nabla_x\nabla_{x'}k,$$

$\nabla_xk=-k\,(x-x')/h^2$, $\nabla_{x'}k=k\,(x-x')/h^2$, $\operatorname{tr}\nabla_x\nabla_{x'}k=k\,(d/h^2-\|x-x'\|^2/h^4)$,
and $\mathbb S_k(Q,p)=\mathbb E_{x,x'\sim Q}u_p(x,x')$. Everything broadcasts over leading (member) axes.
"""
from __future__ import annotations

from typing import Callable

import torch

from paperlib.estimators.kernels import gaussian_of_sqdist, sigma_from_bandwidth

Energy = Callable[[torch.Tensor], torch.Tensor]


def score(energy: Energy, x: torch.Tensor, create_graph: bool = True, density_quirk: bool = False,
          autograd: bool = False) -> torch.Tensor:
    r"""$s(x)=-\nabla_xE(x)$ (``create_graph`` keeps it differentiable for training).

    An energy with ``energy_and_grad`` (the member-batched MLP energies) gives $\nabla_xE$ by the chain rule
    written out, so training needs no double back-propagation; ``autograd=True`` takes the reference path,
    ``torch.autograd.grad`` (the two agree to float round-off: ``tests/nets/test_batched.py``).
    ``density_quirk`` reproduces quirk Q1 of the released training scripts, which used
    $\nabla_xe^{-E(x)}=e^{-E(x)}s(x)$ instead of the score.
    """
    if hasattr(energy, "energy_and_grad") and not autograd:
        with torch.enable_grad() if create_graph else torch.no_grad():
            e, grad = energy.energy_and_grad(x)
    else:
        if not x.requires_grad:
            x = x.detach().requires_grad_(True)
        e = energy(x)
        (grad,) = torch.autograd.grad(e.sum(), x, create_graph=create_graph)
    s = -grad
    return s * torch.exp(-e)[..., None] if density_quirk else s


def stein_kernel(x: torch.Tensor, s: torch.Tensor, bandwidth: float = 1.0) -> torch.Tensor:
    """The ``(..., n, n)`` matrix $u_p(x_i,x_j)$ for points ``x`` and scores ``s`` of shape ``(..., n, d)``."""
    d = x.shape[-1]
    h2 = bandwidth**2
    diff = x[..., :, None, :] - x[..., None, :, :]            # x_i - x_j
    r2 = (diff**2).sum(-1)
    k = gaussian_of_sqdist(r2, sigma_from_bandwidth(bandwidth))
    ss = s @ s.transpose(-1, -2)
    s_i_diff = (s[..., :, None, :] * diff).sum(-1)            # s(x_i)^T (x_i - x_j)
    diff_s_j = (diff * s[..., None, :, :]).sum(-1)            # (x_i - x_j)^T s(x_j)
    return k * (ss + (s_i_diff - diff_s_j) / h2 + d / h2 - r2 / h2**2)


def ksd(x: torch.Tensor, s: torch.Tensor, bandwidth: float = 1.0, statistic: str = "V") -> torch.Tensor:
    r"""Kernel Stein discrepancy of the sample ``x`` against the model whose scores at ``x`` are ``s``.

    ``"V"``: $\frac1{n^2}\sum_{ij}u_p$ (the released code's estimator, never negative);
    ``"U"``: $\frac1{n(n-1)}\sum_{i\ne j}u_p$ (unbiased).
    """
    u = stein_kernel(x, s, bandwidth)
    n = x.shape[-2]
    if statistic == "V":
        return u.mean((-1, -2))
    if statistic == "U":
        return (u.sum((-1, -2)) - u.diagonal(dim1=-2, dim2=-1).sum(-1)) / (n * (n - 1))
    raise ValueError(f"statistic must be 'U' or 'V', got {statistic!r}")
