r"""Digit-1 ranking by discriminator energy (Dai et al. 2017, Figs. 4, 5, 7 and 9; spec B.3.3, B.6).

A DCGAN-style generator and discriminator (spec B.3.3, channel widths scaled by ``width``) are trained on
images of the digit "1" as EGAN-Ent-NN (unit-normalised kNN entropy gradient in pixel space), EGAN-Const
(the same trainer without it) and a GAN. A pool of 500 generated images (noise $U(-1,1)^{10}$) and 500
held-out real ones is then ranked by each discriminator's energy, low energy (high density) first.
Claim 8 is read from image statistics of the ranked *real* images (:func:`image_statistics`).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from paperlib.core.devices import place
from paperlib.core.settings import from_params
from paperlib.estimators.entropy import knn_unit_direction
from paperlib.methods.common import gap_masks
from paperlib.nets.dcgan import DigitDiscriminator, DigitGenerator, normal_init

DIGIT_METHODS = ["EGAN-Ent-NN", "EGAN-Const", "GAN"]


@dataclass(frozen=True)
class DigitSettings:
    """Spec B.3.3 (NIST code); ``width`` scales every channel count (1 = the paper)."""

    source: str = "mnist"            # "mnist" (ships here: its test set) | "emnist" (NIST SD19 digits)
    train_split: str = "test"        # the digit-1 images trained on (minus the held-out pool when shared)
    pool_split: str = "test"         # where the 500 real images of the ranked pool come from
    digit: int = 1
    pool: int = 500
    width: float = 1.0
    batch: int = 200
    epochs: int = 20
    iterations: int = 0              # 0: epochs x batches per epoch; else the lr schedule is compressed
    noise_dim: int = 10
    lr: float = 1e-4                 # discriminator; Adam beta1 = 0
    gen_lr_factor: float = 25.0
    lr_decay: float = 0.8            # per epoch from epoch 1, floor 1e-7
    lr_floor: float = 1e-7
    knn_k: int = 20
    knn_alpha: float = 0.02          # on the batch *sum* of unit vectors (weight alpha * B per mean)
    gap_window: tuple = (-1.2, 0.1)
    init_std: tuple = (0.05, 0.005)  # (conv, dense)
    gan_lr: float = 2e-4             # [recon] the NIST GAN baseline is not released: DCGAN's Adam(2e-4, 0.5)
    gan_beta1: float = 0.5
    eval_every: int = 100

    @classmethod
    def from_params(cls, params: dict[str, Any]) -> "DigitSettings":
        """Typed settings from a page's parameters (``download`` is a page knob, not a setting)."""
        return from_params(cls, params, knobs=("download",))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class DigitTrainer:
    """One model (GAN or energy GAN) on digit images; the :class:`paperlib.methods.Trainer` protocol."""

    def __init__(self, images: torch.Tensor, method: str, seed: int, s: DigitSettings, device: str = "cpu",
                 monitor: torch.Tensor | None = None):
        if method not in DIGIT_METHODS:
            raise KeyError(f"unknown method {method!r}; digit-ranking methods: {', '.join(DIGIT_METHODS)}")
        if method == "EGAN-Ent-NN" and s.batch <= s.knn_k:
            raise ValueError(f"EGAN-Ent-NN needs a batch larger than knn_k={s.knn_k} (its neighbours come from the "
                             f"batch); got batch={s.batch}")
        self.s, self.method, self.device = s, method, torch.device(device)
        self.members, self.iteration = [(method, seed)], 0
        self.name = f"digit{s.digit}/{method}"
        self.images = images
        self.monitor = monitor          # images whose energies every evaluation logs (the ranked real pool)
        self.per_epoch = math.ceil(images.shape[0] / s.batch)
        self.total = s.iterations or s.epochs * self.per_epoch
        self.epoch_length = self.total / s.epochs             # the lr schedule follows the paper's epochs
        self.G = place(DigitGenerator(s.noise_dim, s.width), self.device)
        self.D = place(DigitDiscriminator(s.width), self.device)
        normal_init(self.G, *s.init_std, seed=2 * seed), normal_init(self.D, *s.init_std, seed=2 * seed + 1)
        self.rng = torch.Generator().manual_seed(10_000 + seed)
        if method == "GAN":
            betas = (s.gan_beta1, 0.999)
            self.opt_d = torch.optim.Adam(self.D.parameters(), lr=s.gan_lr, betas=betas)
            self.opt_g = torch.optim.Adam(self.G.parameters(), lr=s.gan_lr, betas=betas)
        else:
            self.opt_d = torch.optim.Adam(self.D.parameters(), lr=s.lr, betas=(0.0, 0.999))
            self.opt_g = torch.optim.Adam(self.G.parameters(), lr=s.gen_lr_factor * s.lr, betas=(0.0, 0.999))
        self.alpha = s.knn_alpha if method == "EGAN-Ent-NN" else 0.0
        self.gap = 0.0
        self._order, self._pos = None, 0

    def _batch(self) -> torch.Tensor:
        n = self.images.shape[0]
        if self._order is None or self._pos + self.s.batch > n:
            self._order, self._pos = torch.randperm(n, generator=self.rng), 0
        idx = self._order[self._pos:self._pos + self.s.batch]
        self._pos += self.s.batch
        return place(self.images[idx], self.device)

    def _set_lr(self) -> None:
        if self.method == "GAN":
            return
        epoch = int(self.iteration // self.epoch_length)
        lr = max(self.s.lr_floor, self.s.lr * self.s.lr_decay ** epoch)
        for g in self.opt_d.param_groups:
            g["lr"] = lr
        for g in self.opt_g.param_groups:
            g["lr"] = self.s.gen_lr_factor * lr

    def step(self) -> dict[str, torch.Tensor]:
        s = self.s
        self._set_lr()
        real = self._batch()
        z = place(torch.randn(real.shape[0], s.noise_dim, generator=self.rng), self.device)
        fake = self.G(z)
        if self.method == "GAN":   # P(real | x) = sigmoid(-c(x)); non-saturating generator loss
            loss_d = F.softplus(self.D(real)).mean() + F.softplus(-self.D(fake.detach())).mean()
            upd_d = upd_g = True
        else:
            loss_d = self.D(real).mean() - self.D(fake.detach()).mean()
            joint = self.iteration < self.epoch_length        # every step of epoch 0 is a joint step
            mask_d, mask_g = gap_masks(torch.tensor(self.gap, dtype=torch.float64), s.gap_window)
            upd_d, upd_g = joint or bool(mask_d), joint or bool(mask_g)
        if upd_d:
            self.opt_d.zero_grad(set_to_none=True)
            loss_d.backward()
            self.opt_d.step()
        if self.method == "GAN":
            loss_g = F.softplus(self.D(fake)).mean()
        else:
            loss_g = self.D(fake).mean()
            if self.alpha:
                with torch.no_grad():
                    d = knn_unit_direction(fake.detach(), s.knn_k)
                loss_g = loss_g + self.alpha * (d * fake).flatten(1).sum()   # batch sum, as the code
        if upd_g:
            self.opt_g.zero_grad(set_to_none=True)
            loss_g.backward(inputs=list(self.G.parameters()))
            self.opt_g.step()
        self.gap = float(loss_d.detach())
        self.iteration += 1
        return {"discriminator": loss_d.detach().reshape(1), "generator": loss_g.detach().reshape(1)}

    @torch.no_grad()
    def energy(self, x: torch.Tensor, chunk: int = 500) -> torch.Tensor:
        """Discriminator energy (eval-mode batch norm) of images (N, 1, 28, 28)."""
        self.D.eval()
        out = torch.cat([self.D(place(c, self.device)).cpu() for c in x.split(chunk)])
        self.D.train()
        return out

    @torch.no_grad()
    def generate(self, n: int, seed: int = 12345, uniform: bool = True) -> torch.Tensor:
        """``n`` images from noise $U(-1,1)^{10}$ (the ranked figure) or $\\mathcal N(0,I)$ (training)."""
        g = torch.Generator().manual_seed(seed)
        z = torch.rand(n, self.s.noise_dim, generator=g) * 2 - 1 if uniform else torch.randn(n, self.s.noise_dim, generator=g)
        self.G.eval()
        out = self.G(place(z, self.device)).cpu()
        self.G.train()
        return out

    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        real = self.images[:500]
        out = {"energy_real": np.array([float(self.energy(real).mean())]),
               "energy_generated": np.array([float(self.energy(self.generate(500, uniform=False)).mean())])}
        if self.monitor is not None:
            out["energy_pool"] = self.energy(self.monitor).numpy()
        return out

    def modules(self) -> dict[str, nn.Module]:
        return {"G": self.G, "D": self.D}

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "gap": self.gap, "rng": self.rng.get_state(), "order": self._order,
                "pos": self._pos, "G": self.G.state_dict(), "D": self.D.state_dict(),
                "opt_g": self.opt_g.state_dict(), "opt_d": self.opt_d.state_dict()}

    def load_state_dict(self, st: dict) -> None:
        self.iteration, self.gap, self._order, self._pos = st["iteration"], st["gap"], st["order"], st["pos"]
        self.rng.set_state(st["rng"])
        self.G.load_state_dict(st["G"]), self.D.load_state_dict(st["D"])
        self.opt_g.load_state_dict(st["opt_g"]), self.opt_d.load_state_dict(st["opt_d"])
