r"""Generalized energy-based models: an energy on top of a base generator, trained with KALE (spec A.0.3).

$Q_{\theta,E}(dx)\propto e^{-E(x)}G_\theta(dx)$, $G_\theta=(B_\theta)_\#\mathcal N(0,I)$ (or any latent law the base samples).
Energy step (minimise, learned log-partition $A$):
$\frac1b\sum_x(E(x)+A)+\frac1{b'}\sum_ze^{-(E(B(z))+A)}-1+\lambda_{pen}\,\mathbb E\|\nabla_xE(\hat x)\|^2$, $\hat x=ux+(1-u)B(z)$;
base step (minimise): $-\frac1b\sum_xE(x)-\log\frac1{b'}\sum_ze^{-E(B_\theta(z))}$ (the empirical KALE at fixed $E$);
``energy_steps`` energy steps per base step. As in the GEBM code: Adam with betas (0.5, 0.999) and the
element-wise soft clipping $g\leftarrow2g/(1+g^2)$ of the energy's gradients.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import torch
from torch import nn

from paperlib.core.devices import place
from paperlib.training import fit

__all__ = ["GEBM", "energy_loss", "base_loss", "GEBMTrainer", "train", "TrainLog", "CircleBase", "mlp_energy", "log_density",
           "ImageBase", "Truncated", "image_gebm"]


class GEBM(nn.Module):
    """Energy network, base (a module ``latent -> x`` with a ``sample_latent(n, generator)`` method) and $A$."""

    def __init__(self, energy: nn.Module, base: nn.Module):
        super().__init__()
        self.energy, self.base = energy, base
        self.log_partition = nn.Parameter(torch.zeros(()))

    @torch.no_grad()
    def init_log_partition(self, n: int = 10_000, generator: torch.Generator | None = None) -> None:
        r"""$A_0=\log\frac1n\sum e^{-E(B(z))}$ (Monte Carlo, as ``initialize_log_partition``)."""
        device = self.log_partition.device
        e = self.energy(self.base(self.base.sample_latent(n, generator).to(device))).squeeze(-1)
        self.log_partition.copy_(torch.logsumexp(-e, 0) - math.log(n))


def energy_loss(model: GEBM, x: torch.Tensor, y: torch.Tensor, penalty: float = 1.0,
                generator: torch.Generator | None = None, donsker_varadhan: bool = False) -> torch.Tensor:
    r"""The energy step's loss at data ``x`` and base samples ``y`` (detached). With ``donsker_varadhan`` the learned
    $A$ is replaced by the batch $\log\frac1{b'}\sum e^{-E(y)}$ (KALE-DV; the default is KALE-Fenchel)."""
    e_x, e_y = model.energy(x).squeeze(-1), model.energy(y).squeeze(-1)
    if donsker_varadhan:
        loss = e_x.mean() + torch.logsumexp(-e_y, 0) - math.log(len(e_y))
    else:
        A = model.log_partition
        loss = (e_x + A).mean() + torch.exp(-(e_y + A)).mean() - 1
    if penalty:
        u = torch.rand(len(x), *[1] * (x.dim() - 1), generator=generator, dtype=x.dtype).to(x.device)
        xh = (u * x + (1 - u) * y[: len(x)]).requires_grad_(True)
        (g,) = torch.autograd.grad(model.energy(xh).sum(), xh, create_graph=True)
        loss = loss + penalty * g.flatten(1).pow(2).sum(1).mean()
    return loss


def base_loss(model: GEBM, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """The base step's loss: the empirical KALE at fixed energy (Donsker-Varadhan form, batch log-mean-exp)."""
    e_y = model.energy(y).squeeze(-1)
    return -model.energy(x).squeeze(-1).mean() - (torch.logsumexp(-e_y, 0) - math.log(len(y)))


@dataclass
class TrainLog:
    kale: list = field(default_factory=list)          # 1 - mean(E(x)+A) - mean exp(-(E(y)+A)) (spec A.0.4 monitor)
    base_steps: int = 0


def _soft_clip(params) -> None:
    for p in params:
        if p.grad is not None:
            p.grad.copy_(2 * p.grad / (1 + p.grad.pow(2)))


class GEBMTrainer:
    """Energy steps, and one base step after every ``energy_steps`` of them (when ``learn_base``); the
    :class:`paperlib.training.Trainer` protocol. ``evaluate`` reports the KALE monitor of the last batch and,
    with ``validate`` (a function of the model returning named numbers, e.g. ``{"valid": ...}``), those."""

    def __init__(self, model: GEBM, data: torch.Tensor, batch: int = 128, energy_steps: int = 5, lr: float = 1e-3,
                 penalty: float = 1.0, learn_base: bool = True, seed: int = 0, donsker_varadhan: bool = False,
                 validate=None, device: str = "cpu"):
        self.name, self.members, self.iteration = "gebm", [("GEBM", seed)], 0
        self.device = torch.device(device)
        self.model, self.data = place(model, self.device), place(data, self.device)
        self.batch, self.energy_steps, self.penalty, self.learn_base = batch, energy_steps, penalty, learn_base
        self.donsker_varadhan, self.validate = donsker_varadhan, validate
        self.g = torch.Generator().manual_seed(seed)   # draws on the CPU: the same run on every device
        self.opt_e = torch.optim.Adam([*model.energy.parameters(), model.log_partition], lr=lr, betas=(0.5, 0.999))
        self.opt_b = torch.optim.Adam(model.base.parameters(), lr=lr, betas=(0.5, 0.999)) if learn_base else None
        self.base_steps, self._last = 0, None

    def modules(self) -> dict[str, nn.Module]:
        return {"model": self.model}

    def step(self) -> dict[str, torch.Tensor]:
        model, g, batch = self.model, self.g, self.batch
        self.iteration += 1
        x = self.data[torch.randint(0, len(self.data), (batch,), generator=g)]
        with torch.no_grad():
            y = model.base(model.base.sample_latent(batch, g).to(self.device))
        loss = energy_loss(model, x, y, self.penalty, g, self.donsker_varadhan)
        out = {"energy": loss.detach().reshape(1)}
        if not torch.isfinite(loss):   # stop before the optimiser spreads it; fit names the loss
            return out
        self.opt_e.zero_grad(set_to_none=True)
        loss.backward()
        _soft_clip(model.energy.parameters())
        self.opt_e.step()
        if self.learn_base and self.iteration % self.energy_steps == 0:
            y = model.base(model.base.sample_latent(batch, g).to(self.device))
            lb = base_loss(model, x, y)
            self.opt_b.zero_grad(set_to_none=True)
            lb.backward(inputs=list(model.base.parameters()))
            self.opt_b.step()
            self.base_steps += 1
            out["base"] = lb.detach().reshape(1)
        self._last = (x, y.detach())
        return out

    @torch.no_grad()
    def evaluate(self, final: bool = False) -> dict[str, float]:
        x, y = self._last
        A, m = self.model.log_partition, self.model
        out = {"kale": float(1 - (m.energy(x).squeeze(-1) + A).mean() - torch.exp(-(m.energy(y).squeeze(-1) + A)).mean())}
        if self.validate is not None:
            out |= self.validate(self.model)
        return out

    def state_dict(self) -> dict:
        st = {"iteration": self.iteration, "rng": self.g.get_state(), "base_steps": self.base_steps,
              "model": self.model.state_dict(), "opt_e": self.opt_e.state_dict()}
        if self.opt_b is not None:
            st["opt_b"] = self.opt_b.state_dict()
        return st

    def load_state_dict(self, st: dict) -> None:
        self.iteration, self.base_steps = st["iteration"], st["base_steps"]
        self.g.set_state(st["rng"])
        self.model.load_state_dict(st["model"])
        self.opt_e.load_state_dict(st["opt_e"])
        if self.opt_b is not None:
            self.opt_b.load_state_dict(st["opt_b"])


def train(model: GEBM, data: torch.Tensor, steps: int, batch: int = 128, energy_steps: int = 5, lr: float = 1e-3,
          penalty: float = 1.0, learn_base: bool = True, seed: int = 0, log_every: int = 50,
          donsker_varadhan: bool = False, device: str = "cpu") -> TrainLog:
    """``steps`` steps of :class:`GEBMTrainer` by :func:`paperlib.training.fit`; the KALE monitor every ``log_every``."""
    tr = GEBMTrainer(model, data, batch, energy_steps, lr, penalty, learn_base, seed, donsker_varadhan, device=device)
    out = fit(tr, steps, log_every, progress=False)
    model.cpu()   # the caller reads the trained model out on the CPU
    return TrainLog(kale=[float(v) for v in out["history"]["kale"]], base_steps=tr.base_steps)


# ------------------------------------------------------------------------------------------- 2-D toys (spec A.10)
class CircleBase(nn.Module):
    r"""$B_\theta(\phi)=c+r(\cos\phi,\sin\phi)$, $\phi\sim U[0,2\pi)$: a generator supported on a circle whose
    centre $c$ and radius $r$ are learnable (the base-learning extension of the talk's demo)."""

    def __init__(self, centre=(0.0, 0.0), radius: float = 1.0):
        super().__init__()
        self.centre = nn.Parameter(torch.tensor(centre, dtype=torch.float64))
        self.log_radius = nn.Parameter(torch.tensor(math.log(radius), dtype=torch.float64))

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return 2 * math.pi * torch.rand(n, 1, generator=generator, dtype=torch.float64)

    def forward(self, phi: torch.Tensor) -> torch.Tensor:
        return self.centre + self.log_radius.exp() * torch.cat([torch.cos(phi), torch.sin(phi)], -1)


def mlp_energy(hidden: int = 64, seed: int = 0, dim: int = 2) -> nn.Module:
    """dim → hidden → hidden → 1 with softplus activations, float64, seeded."""
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(dim, hidden), nn.Softplus(), nn.Linear(hidden, hidden), nn.Softplus(),
                         nn.Linear(hidden, 1)).double()


@torch.no_grad()
def log_density(model: GEBM, x: torch.Tensor, base_log_prob, n_mc: int = 20_000, seed: int = 0) -> torch.Tensor:
    r"""$\log q(x)=-E(x)+\log g(x)-\log Z$, $Z=\mathbb E_{z}e^{-E(B(z))}$ by Monte Carlo: the density of a GEBM whose
    base has a closed-form density $g$ (the "reduction to EBM" case, spec A.15)."""
    g = torch.Generator().manual_seed(seed)
    e_y = model.energy(model.base(model.base.sample_latent(n_mc, g).to(x.device))).squeeze(-1)
    log_z = torch.logsumexp(-e_y, 0) - math.log(n_mc)
    return -model.energy(x).squeeze(-1) + base_log_prob(x) - log_z


# ------------------------------------------------------------------------------------------- images (spec A.11-A.13)
class ImageBase(nn.Module):
    r"""$B_\theta(z)$, $z\sim\mathcal N(0,I_{d_z})$: the DCGAN generator of the image pages (the GEBM code's
    ``sngan`` base has the same deconv-BN-ReLU shape; spec A.11). Sampling reads it in eval mode (batch-norm
    running statistics), so that chains do not interact through batch statistics."""

    def __init__(self, channels: int = 1, width: float = 1.0, latent_dim: int = 100):
        super().__init__()
        from paperlib.nets.sb_dcgan import Generator

        self.latent_dim = latent_dim
        self.net = Generator(channels, width, latent_dim)

    def sample_latent(self, n: int, generator: torch.Generator | None = None) -> torch.Tensor:
        return torch.randn(n, self.latent_dim, generator=generator)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class Truncated(nn.Module):
    r"""$E(x)=\max(E_{raw}(x),\,e_{min})$, the GEBM code's truncation from below (default $-10$, spec A.0.3). Without it
    the image GEBM diverges at once: the data term pushes every energy down while the soft-clipped gradient of
    $e^{-(E(y)+A)}$ vanishes as it explodes (measured: the KALE monitor at $-10^{25}$ after 400 steps)."""

    def __init__(self, energy: nn.Module, floor: float = -10.0):
        super().__init__()
        self.raw, self.floor = energy, floor

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.raw(x).clamp_min(self.floor)


def image_gebm(channels: int = 1, size: int = 32, base_width: float = 1.0, energy_width: float = 1.0,
               latent_dim: int = 100, seed: int = 0) -> GEBM:
    """A GEBM on images: :class:`ImageBase` and the bottom-up conv energy of the GGCN pages (no batch norm, so
    the gradient penalty and $\nabla_xE$ are per image; the GEBM code uses a spectrally normalised ConvNet),
    :class:`Truncated` at $-10$ as the code."""
    from paperlib.nets.gcn import ConvEnergy

    torch.manual_seed(seed)
    return GEBM(Truncated(ConvEnergy(channels, size, energy_width)), ImageBase(channels, base_width, latent_dim))
