r"""The image networks of Stein Bridging (spec A.1.6, the released CIFAR code ``CIFAR/model.py``) for 32×32
images with 1 or 3 channels; ``width`` scales every channel count (1 = the code's).

* :class:`Generator`: $z\in\mathbb R^{100}$ → transposed conv 4×4 "valid" → 256 (4×4) → 128 (8×8) → 64 (16×16)
  → $C$ (32×32), batch norm *without* learned affine, ReLU, tanh output, no biases.
* :class:`Critic`: conv 4×4/2 64 lReLU(0.2) → 128 BN lReLU → 256 BN lReLU → conv 4×4 "valid" → ``out``
  features. With ``out=1`` it is the W critic (or the JS discriminator's logit).
* :class:`Energy`: the critic trunk with 128 output features, $E_\phi(x)=\mathrm{softplus}(\frac1{128}\sum_j h_j(x))$.
* :class:`SteinCritic`: the code's scalar Stein critic (trunk → 1, tanh); :class:`VectorSteinCritic` the
  cleaner $f_\omega:\mathbb R^d\to\mathbb R^d$ of the companion [recon] (three 3×3 convolutions, same size).

Conditional variants [recon] (MNIST has no released code, spec A.5 SB-Table2): the one-hot label is
concatenated to $z$ and broadcast as ``n_classes`` extra input channels of the critic, energy and Stein critic.
MNIST digits are padded from 28 to 32 pixels (:func:`paperlib.data.images.to_model_range`).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


def _ch(width: float, c: int) -> int:
    return max(1, int(round(c * width)))


def label_planes(y: torch.Tensor | None, n_classes: int, size: int) -> torch.Tensor | None:
    """One-hot labels broadcast to (N, n_classes, size, size) (None for an unconditional net)."""
    if not n_classes:
        return None
    return F.one_hot(y, n_classes).float()[:, :, None, None].expand(-1, -1, size, size)


class Generator(nn.Module):
    """Spec A.1.6 generator; ``affine_bn=True`` gives the batch norm a learned scale (DGM's entropy term)."""

    def __init__(self, channels: int = 3, width: float = 1.0, noise_dim: int = 100, n_classes: int = 0,
                 affine_bn: bool = False):
        super().__init__()
        c1, c2, c3 = _ch(width, 256), _ch(width, 128), _ch(width, 64)
        self.noise_dim, self.n_classes = noise_dim, n_classes
        bn = lambda c: nn.BatchNorm2d(c, affine=affine_bn)  # noqa: E731
        self.net = nn.Sequential(
            nn.ConvTranspose2d(noise_dim + n_classes, c1, 4, 1, 0, bias=False), bn(c1), nn.ReLU(),
            nn.ConvTranspose2d(c1, c2, 4, 2, 1, bias=False), bn(c2), nn.ReLU(),
            nn.ConvTranspose2d(c2, c3, 4, 2, 1, bias=False), bn(c3), nn.ReLU(),
            nn.ConvTranspose2d(c3, channels, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            z = torch.cat([z, F.one_hot(y, self.n_classes).float()], 1)
        return self.net(z[:, :, None, None])

    def bn_log_scale(self) -> torch.Tensor:
        r"""$\sum\log|\gamma|$ over the batch-norm scales: DGM's entropy surrogate (Kim & Bengio 2016) [recon]."""
        return sum(m.weight.abs().clamp_min(1e-8).log().sum() for m in self.net if isinstance(m, nn.BatchNorm2d))


class Critic(nn.Module):
    """Spec A.1.6 critic trunk with ``out`` output features (1: the W critic / JS logit)."""

    def __init__(self, channels: int = 3, width: float = 1.0, out: int = 1, n_classes: int = 0):
        super().__init__()
        c1, c2, c3 = _ch(width, 64), _ch(width, 128), _ch(width, 256)
        self.n_classes = n_classes
        act = lambda: nn.LeakyReLU(0.2)  # noqa: E731
        self.net = nn.Sequential(
            nn.Conv2d(channels + n_classes, c1, 4, 2, 1), act(),
            nn.Conv2d(c1, c2, 4, 2, 1), nn.BatchNorm2d(c2), act(),
            nn.Conv2d(c2, c3, 4, 2, 1), nn.BatchNorm2d(c3), act(),
            nn.Conv2d(c3, out, 4, 1, 0), nn.Flatten())

    def features(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        planes = label_planes(y, self.n_classes, x.shape[-1])
        return self.net(x if planes is None else torch.cat([x, planes], 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return self.features(x, y).squeeze(-1)

    def hidden(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        """The last hidden layer (before the 4×4 read-out convolution), flattened: the linear probe's features."""
        planes = label_planes(y, self.n_classes, x.shape[-1])
        return self.net[:-2](x if planes is None else torch.cat([x, planes], 1)).flatten(1)


class Energy(nn.Module):
    r"""$E_\phi(x)=\mathrm{softplus}\big(\frac1{128}\sum_{j=1}^{128}h_{\phi,j}(x)\big)$ (spec A.1.1, the CIFAR code)."""

    def __init__(self, channels: int = 3, width: float = 1.0, n_classes: int = 0, features: int = 128):
        super().__init__()
        self.trunk = Critic(channels, width, out=features, n_classes=n_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return F.softplus(self.trunk.features(x, y).mean(1))


class SteinCritic(nn.Module):
    """The code's scalar Stein critic $f_\\omega(x)=\\tanh(\\text{trunk}(x))$, tiled to every coordinate."""

    def __init__(self, channels: int = 3, width: float = 1.0, n_classes: int = 0):
        super().__init__()
        self.trunk = Critic(channels, width, out=1, n_classes=n_classes)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.tanh(self.trunk(x, y))


class VectorSteinCritic(nn.Module):
    r"""$f_\omega:\mathbb R^{C\times32\times32}\to\mathbb R^{C\times32\times32}$ [recon]: three 3×3 convolutions (SiLU)."""

    def __init__(self, channels: int = 3, width: float = 1.0, n_classes: int = 0):
        super().__init__()
        c = _ch(width, 64)
        self.n_classes = n_classes
        self.net = nn.Sequential(nn.Conv2d(channels + n_classes, c, 3, 1, 1), nn.SiLU(),
                                 nn.Conv2d(c, c, 3, 1, 1), nn.SiLU(), nn.Conv2d(c, channels, 3, 1, 1))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        planes = label_planes(y, self.n_classes, x.shape[-1])
        return self.net(x if planes is None else torch.cat([x, planes], 1))


class Denoiser(nn.Module):
    r"""A small denoising auto-encoder $r_\sigma$ (+LR / +ER): $\nabla_x\log p(x)\approx(r_\sigma(x)-x)/\sigma^2$
    (Alain & Bengio 2014) [recon: the paper does not give its network]."""

    def __init__(self, channels: int = 3, width: float = 1.0):
        super().__init__()
        c = _ch(width, 64)
        self.net = nn.Sequential(nn.Conv2d(channels, c, 4, 2, 1), nn.ReLU(), nn.Conv2d(c, c, 3, 1, 1), nn.ReLU(),
                                 nn.ConvTranspose2d(c, channels, 4, 2, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.net(x)


class DigitClassifier(nn.Module):
    """The 10-class classifier behind the MNIST Inception score, CEPC and FID features [recon: the paper's
    classifier is unknown]: two conv blocks and a 128-unit feature layer (``features``) before the logits."""

    num_features = 128   # torchmetrics reads this instead of probing a 299×299 input

    def __init__(self, channels: int = 1, n_classes: int = 10):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(channels, 32, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2),
                                  nn.Conv2d(32, 64, 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(),
                                  nn.Linear(64 * 8 * 8, 128), nn.ReLU())
        self.head = nn.Linear(128, n_classes)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.body(x)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.body(x))
