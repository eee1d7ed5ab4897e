r"""RealNVP (Dinh et al. 2017): a flow with a closed-form density, the base of the GEBM "reduction to EBM" check.

$x=f^{-1}(z)$, $z\sim\mathcal N(0,I)$; each affine coupling layer keeps the masked half $x_m$ and maps the rest by
$x_{\bar m}\mapsto x_{\bar m}\odot e^{s(x_m)}+t(x_m)$ ($s$ with tanh, $t$ with ReLU, as in the GEBM code), so
$\log g(x)=\log\mathcal N(f(x);0,I)+\sum\log|\det\partial f|$. Masks alternate between even and odd coordinates.
"""
from __future__ import annotations

import math

import torch
from torch import nn

__all__ = ["RealNVP"]


class _Coupling(nn.Module):
    def __init__(self, dim: int, hidden: int, mask: torch.Tensor):
        super().__init__()
        self.register_buffer("mask", mask)
        self.s = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                               nn.Linear(hidden, dim), nn.Tanh())
        self.t = nn.Sequential(nn.Linear(dim, hidden), nn.ReLU(), nn.Linear(hidden, hidden), nn.ReLU(),
                               nn.Linear(hidden, dim))

    def forward(self, x):                   # data -> latent direction; returns (y, log|det|)
        xm = x * self.mask
        s, t = self.s(xm) * (1 - self.mask), self.t(xm) * (1 - self.mask)
        return xm + (1 - self.mask) * (x - t) * torch.exp(-s), -s.sum(-1)

    def inverse(self, y):                   # latent -> data
        ym = y * self.mask
        s, t = self.s(ym) * (1 - self.mask), self.t(ym) * (1 - self.mask)
        return ym + (1 - self.mask) * (y * torch.exp(s) + t)


class RealNVP(nn.Module):
    """``layers`` affine couplings on ``dim`` coordinates; ``log_prob``, ``sample``, and the GEBM base interface."""

    def __init__(self, dim: int, layers: int = 3, hidden: int = 32, seed: int = 0):
        super().__init__()
        torch.manual_seed(seed)
        even = (torch.arange(dim) % 2 == 0).double()
        self.dim = dim
        self.couplings = nn.ModuleList(_Coupling(dim, hidden, even if i % 2 == 0 else 1 - even) for i in range(layers))
        self.double()

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        logdet = torch.zeros(x.shape[0], dtype=x.dtype, device=x.device)
        for c in self.couplings:
            x, ld = c(x)
            logdet = logdet + ld
        return -0.5 * (x**2).sum(-1) - 0.5 * self.dim * math.log(2 * math.pi) + logdet

    def forward(self, z: torch.Tensor) -> torch.Tensor:       # the GEBM base: latent -> sample
        for c in reversed(self.couplings):
            z = c.inverse(z)
        return z

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, self.dim, generator=generator, dtype=torch.float64)

