"""The DCGAN-style digit networks of Dai et al. (spec B.3.3, the NIST code), channel widths scaled by ``width``
(1 = the paper's)."""
from __future__ import annotations

import torch
from torch import nn


def _ch(width: float, c: int) -> int:
    return max(1, int(round(c * width)))


class DigitGenerator(nn.Module):
    """``noise_dim`` → dense 512·7·7 BN ReLU → deconv 4×4/2 256 BN ReLU → deconv 4×4/2 128 BN ReLU → deconv 3×3 1 → sigmoid."""

    def __init__(self, noise_dim: int = 10, width: float = 1.0):
        super().__init__()
        c0, c1, c2 = _ch(width, 512), _ch(width, 256), _ch(width, 128)
        self.c0 = c0
        self.dense = nn.Linear(noise_dim, c0 * 49, bias=False)
        self.net = nn.Sequential(
            nn.BatchNorm1d(c0 * 49), nn.ReLU(), nn.Unflatten(1, (c0, 7, 7)),
            nn.ConvTranspose2d(c0, c1, 4, 2, 1, bias=False), nn.BatchNorm2d(c1), nn.ReLU(),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1, bias=False), nn.BatchNorm2d(c2), nn.ReLU(),
            nn.ConvTranspose2d(c2, 1, 3, 1, 1), nn.Sigmoid())

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(self.dense(z))


class DigitDiscriminator(nn.Module):
    """conv 3×3 64 BN lReLU → conv 4×4/2 128 BN lReLU → conv 4×4/2 256 BN lReLU → flatten → linear energy."""

    def __init__(self, width: float = 1.0):
        super().__init__()
        c0, c1, c2 = _ch(width, 64), _ch(width, 128), _ch(width, 256)
        act = nn.LeakyReLU(0.2)
        self.trunk = nn.Sequential(
            nn.Conv2d(1, c0, 3, 1, 1, bias=False), nn.BatchNorm2d(c0), act,
            nn.Conv2d(c0, c1, 4, 2, 1, bias=False), nn.BatchNorm2d(c1), act,
            nn.Conv2d(c1, c2, 4, 2, 1, bias=False), nn.BatchNorm2d(c2), act, nn.Flatten())
        self.head = nn.Linear(c2 * 49, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.trunk(x)).squeeze(-1)


def normal_init(module: nn.Module, conv_std: float, dense_std: float, seed: int) -> None:
    r"""Weights $\sim\mathcal N(0, \mathrm{std}^2)$ from a generator seeded with ``seed`` (convolutions ``conv_std``,
    dense layers ``dense_std``), biases zero: the NIST code's initialisation."""
    g = torch.Generator().manual_seed(seed)
    for m in module.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            std = dense_std if isinstance(m, nn.Linear) else conv_std
            with torch.no_grad():
                m.weight.copy_(torch.randn(m.weight.shape, generator=g) * std)
                if m.bias is not None:
                    m.bias.zero_()
