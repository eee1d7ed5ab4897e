r"""The Gaussian kernel, in one convention with named converters.

$k_\sigma(x,y)=\exp(-\|x-y\|^2/\sigma)$, $\sigma$ a *squared* length-scale with no factor 2 (the KALE-flow
code's convention, used by the GEBM chapter). A textbook bandwidth $h$ (``exp(-d^2/(2h^2))``, the Stein Bridging
code's MMD and KSD) is $\sigma=2h^2$: :func:`sigma_from_bandwidth`, :func:`bandwidth_from_sigma`.
"""
from __future__ import annotations

import math

import torch

from paperlib.core.devices import place

__all__ = ["sigma_from_bandwidth", "bandwidth_from_sigma", "gaussian_of_sqdist", "gaussian_kernel", "median_sigma"]


def sigma_from_bandwidth(h: float) -> float:
    r"""$\sigma=2h^2$."""
    return 2 * h**2


def bandwidth_from_sigma(sigma: float) -> float:
    r"""$h=\sqrt{\sigma/2}$."""
    return math.sqrt(sigma / 2)


def gaussian_of_sqdist(d2: torch.Tensor, sigma: float) -> torch.Tensor:
    r"""$\exp(-d^2/\sigma)$ of squared distances ``d2``."""
    return torch.exp(-d2 / sigma)


def as_2d(x, device: str | torch.device | None = None) -> torch.Tensor:
    """``x`` as a float64 (n, d) tensor (1-D input: d = 1), on ``device`` when given."""
    x = torch.as_tensor(x, dtype=torch.float64)
    x = x[:, None] if x.ndim == 1 else x
    return x if device is None else place(x, device)


def gaussian_kernel(x, y, sigma: float = 1.0) -> torch.Tensor:
    r"""$k(x,y)=\exp(-\|x-y\|^2/\sigma)$ between the rows of ``x`` (n, d) and ``y`` (m, d) (1-D input: d = 1)."""
    x, y = as_2d(x), as_2d(y)
    return gaussian_of_sqdist(torch.cdist(x, y).pow(2), sigma)


def median_sigma(x, y) -> float:
    r"""The median heuristic in this convention: $\sigma=\mathrm{median}\|z_i-z_j\|^2$ over the pooled sample."""
    z = torch.cat([as_2d(x), as_2d(y)])
    d2 = torch.cdist(z, z).pow(2)
    return float(d2[torch.triu_indices(len(z), len(z), 1).unbind()].median())


