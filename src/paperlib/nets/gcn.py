r"""The networks of the GGCN chapter (spec B.0.1, B.0.3, B.0.5) for square images of 1 or 3 channels.

* :class:`ConvEnergy`: the bottom-up ConvNet $f_\theta(x)$ of GCN / wGCN / the GGCN synthesiser — ``depth``
  stride-2 convolutions (5×5 then 3×3) doubling the channels, LeakyReLU (slope 0.02, Table IV), one linear
  read-out [recon: the paper's kernel sizes and widths are stripped; spec Part D: 3 layers, 32-64-128].
* :class:`FrameEnergy`: FRAME / wFRAME — *fixed* filters $F_k$ (a Gabor bank here, VGG-16 filters in the paper),
  learned weights: $f(x)=\sum_k\lambda_k\sum_{pos}\mathrm{ReLU}(\langle F_k,x\rangle_{pos}+b_k)$ (spec B.0.1).
* :class:`DeconvGenerator`: Table IV block 1 — transposed convolutions (LeakyReLU 0.02) up to the image size,
  then one convolution with a sigmoid, mapped to $[-1, 1]$ [recon: the strides, maps and norms are stripped].
* :class:`AutoEncoderGenerator`: Table IV blocks 2 + 3 — a conv encoder (LeakyReLU) and a deconv decoder
  (LeakyReLU, conv + sigmoid): the inpainting generator of Fig. 11, whose input is the masked image.

Conditional nets [recon] take the one-hot label as extra input planes (energy) or concatenated to $z$
(generator). :func:`architecture_table` lists a net's layers as Table IV does, read from the modules.
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

SLOPE = 0.02   # Table IV: LeakyReLU slope 0.02


def _ch(width: float, c: int) -> int:
    return max(1, int(round(c * width)))


def _planes(y: torch.Tensor | None, n_classes: int, size: int) -> torch.Tensor | None:
    if not n_classes:
        return None
    return F.one_hot(y, n_classes).float()[:, :, None, None].expand(-1, -1, size, size)


class ConvEnergy(nn.Module):
    r"""$f_\theta(x)$ (higher = more likely): ``depth`` stride-2 convs of ``32·width·2^k`` channels, a linear read-out."""

    def __init__(self, channels: int = 1, size: int = 32, width: float = 1.0, depth: int = 3, n_classes: int = 0):
        super().__init__()
        self.n_classes, self.size = n_classes, size
        layers, c_in = [], channels + n_classes
        for k in range(depth):
            c = _ch(width, 32 * 2 ** k)
            layers += [nn.Conv2d(c_in, c, 5 if k == 0 else 3, 2, 2 if k == 0 else 1), nn.LeakyReLU(SLOPE)]
            c_in = c
        s = size
        for _ in range(depth):
            s = (s + 1) // 2
        self.body = nn.Sequential(*layers, nn.Flatten())
        self.head = nn.Linear(c_in * s * s, 1)

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            x = torch.cat([x, _planes(y, self.n_classes, x.shape[-1])], 1)
        return self.head(self.body(x)).squeeze(1)


def gabor_bank(channels: int = 1, scales: int = 4, orientations: int = 8, size: int = 11) -> torch.Tensor:
    r"""Zero-mean, unit-norm Gabor filters $(K, C, s, s)$ with $K$ = ``scales``·``orientations``·2 (even and odd
    phase): wavelengths $2\cdot2^{j/2}\cdot2$ pixels, envelope σ = wavelength / 2 — the FRAME-style fixed bank the
    ``cpu`` profile uses in place of VGG-16's first layers [recon: spec B.0.7 "offline substitute"]. Colour
    images get the same filter on every channel (a luminance filter)."""
    r = torch.arange(size, dtype=torch.float64) - (size - 1) / 2
    yy, xx = torch.meshgrid(r, r, indexing="ij")
    filters = []
    for j in range(scales):
        lam = 4.0 * 2 ** (j / 2)
        sig = lam / 2
        env = torch.exp(-(xx ** 2 + yy ** 2) / (2 * sig ** 2))
        for o in range(orientations):
            th = math.pi * o / orientations
            u = xx * math.cos(th) + yy * math.sin(th)
            for phase in (0.0, math.pi / 2):
                g = env * torch.cos(2 * math.pi * u / lam + phase)
                g = g - g.mean()
                filters.append(g / g.norm())
    bank = torch.stack(filters).float()[:, None] / math.sqrt(channels)
    return bank.expand(-1, channels, -1, -1).contiguous()


class FrameEnergy(nn.Module):
    r"""FRAME: $f(x)=\sum_k\lambda_k\sum_{pos}\mathrm{ReLU}(F_k*x+b_k)$ with the filters $F_k$ fixed (a buffer) and
    $\lambda, b$ learned; the sum over positions is a mean here (a rescaled λ) over every ``stride``-th position
    (2: a quarter of the positions, four times cheaper; [recon])."""

    def __init__(self, filters: torch.Tensor, n_classes: int = 0, stride: int = 2):
        super().__init__()
        self.register_buffer("filters", filters.clone())
        self.stride = stride
        self.n_classes = n_classes
        k = filters.shape[0]
        self.lam = nn.Parameter(torch.zeros(max(1, n_classes), k))
        self.bias = nn.Parameter(torch.zeros(k))

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        h = F.relu(F.conv2d(x, self.filters, self.bias, stride=self.stride,
                            padding=self.filters.shape[-1] // 2)).mean((2, 3))
        lam = self.lam[y] if self.n_classes else self.lam[0]
        return (h * lam).sum(1)


class DeconvGenerator(nn.Module):
    r"""Table IV block 1: $z$ (+ one-hot label) → linear to 4×4 → ``log2(size/4)`` deconvs 4×4/2 (LeakyReLU 0.02,
    batch norm [recon]) → conv 3×3 → sigmoid, mapped to $[-1, 1]$ ($2\,\mathrm{sigmoid}-1=\tanh(\cdot/2)$)."""

    def __init__(self, z_dim: int = 32, channels: int = 1, size: int = 32, width: float = 1.0, n_classes: int = 0):
        super().__init__()
        self.z_dim, self.n_classes = z_dim, n_classes
        n_up = int(round(math.log2(size / 4)))
        c = _ch(width, 32 * 2 ** n_up)
        self.fc = nn.Sequential(nn.Linear(z_dim + n_classes, c * 16), nn.LeakyReLU(SLOPE))
        self.c0 = c
        layers = []
        for _ in range(n_up):
            layers += [nn.ConvTranspose2d(c, c // 2, 4, 2, 1), nn.BatchNorm2d(c // 2), nn.LeakyReLU(SLOPE)]
            c //= 2
        layers += [nn.Conv2d(c, channels, 3, 1, 1), nn.Sigmoid()]
        self.net = nn.Sequential(*layers)

    def forward(self, z: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        if self.n_classes:
            z = torch.cat([z, F.one_hot(y, self.n_classes).float()], 1)
        return 2 * self.net(self.fc(z).view(len(z), self.c0, 4, 4)) - 1


class AutoEncoderGenerator(nn.Module):
    r"""Table IV blocks 2 + 3 (the inpainting generator, spec B.11): conv 4×4/2 encoder (LeakyReLU) down to
    4×4, deconv decoder back (LeakyReLU), conv 3×3 + sigmoid → $[-1, 1]$. Input: the masked image."""

    def __init__(self, channels: int = 1, size: int = 32, width: float = 1.0):
        super().__init__()
        n = int(round(math.log2(size / 4)))
        enc, c_in = [], channels
        for k in range(n):
            c = _ch(width, 32 * 2 ** k)
            enc += [nn.Conv2d(c_in, c, 4, 2, 1), nn.LeakyReLU(SLOPE)]
            c_in = c
        dec = []
        for k in reversed(range(n)):
            c = _ch(width, 32 * 2 ** max(k - 1, 0))
            dec += [nn.ConvTranspose2d(c_in, c, 4, 2, 1), nn.BatchNorm2d(c), nn.LeakyReLU(SLOPE)]
            c_in = c
        self.encoder = nn.Sequential(*enc)
        self.decoder = nn.Sequential(*dec, nn.Conv2d(c_in, channels, 3, 1, 1), nn.Sigmoid())

    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return 2 * self.decoder(self.encoder(x)) - 1


# What survives of the paper's Table IV ("GGCN v0"): kernel sizes, strides, maps and norms are stripped (spec B.0.5).
TABLE_IV_SURVIVING = [
    {"block": 1, "layers": "Deconv ×5", "activation": "LeakyReLU"},
    {"block": 1, "layers": "Conv ×1", "activation": "Sigmoid"},
    {"block": 2, "layers": "Conv ×5", "activation": "LeakyReLU"},
    {"block": 3, "layers": "Deconv ×5", "activation": "LeakyReLU"},
    {"block": 3, "layers": "Conv ×1", "activation": "Sigmoid"},
]


def architecture_table(net: nn.Module, block: str = "") -> list[dict]:
    """One row per layer of ``net`` in the columns of Table IV (block, layer, kernel, stride, maps, activation),
    read from the modules themselves (the activation is the one that follows the layer)."""
    rows: list[dict] = []
    for m in net.modules():
        if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear)):
            kind = "Deconv" if isinstance(m, nn.ConvTranspose2d) else ("Conv" if isinstance(m, nn.Conv2d) else "Linear")
            rows.append({"block": block, "layer": kind,
                         "kernel": "" if kind == "Linear" else f"{m.kernel_size[0]}×{m.kernel_size[1]}",
                         "stride": "" if kind == "Linear" else m.stride[0],
                         "maps": m.out_channels if kind != "Linear" else m.out_features,
                         "norm": "", "activation": "—"})
        elif isinstance(m, nn.BatchNorm2d) and rows:
            rows[-1]["norm"] = "batch norm"
        elif isinstance(m, (nn.LeakyReLU, nn.Sigmoid, nn.ReLU, nn.Tanh)) and rows:
            rows[-1]["activation"] = (f"LeakyReLU ({m.negative_slope})" if isinstance(m, nn.LeakyReLU)
                                      else type(m).__name__)
    return rows
