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

__all__ = ["GEBM", "energy_loss", "base_loss", "train", "TrainLog", "CircleBase", "mlp_energy", "log_density"]


class GEBM(nn.Module):
    """Energy network, base (a module ``latent -> x`` with a ``sample_latent(n, generator)`` method) and $A$."""

    def __init__(self, energy: nn.Module, base: nn.Module):
        super().__init__()
        self.energy, self.base = energy, base
        self.log_partition = nn.Parameter(torch.zeros(()))

    @torch.no_grad()
    def init_log_partition(self, n: int = 10_000, generator: torch.Generator | None = None) -> None:
        r"""$A_0=\log\frac1n\sum e^{-E(B(z))}$ (Monte Carlo, as ``initialize_log_partition``)."""
        e = self.energy(self.base(self.base.sample_latent(n, generator))).squeeze(-1)
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
        u = torch.rand(len(x), 1, generator=generator, dtype=x.dtype)
        xh = (u * x + (1 - u) * y[: len(x)]).requires_grad_(True)
        (g,) = torch.autograd.grad(model.energy(xh).sum(), xh, create_graph=True)
        loss = loss + penalty * g.pow(2).sum(-1).mean()
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


def train(model: GEBM, data: torch.Tensor, steps: int, batch: int = 128, energy_steps: int = 5, lr: float = 1e-3,
          penalty: float = 1.0, learn_base: bool = True, seed: int = 0, log_every: int = 50,
          donsker_varadhan: bool = False, on_log=None) -> TrainLog:
    """``steps`` energy steps; after every ``energy_steps`` of them one base step (when ``learn_base``).
    The base must provide ``sample_latent(n, generator)`` and map latents to samples. ``on_log(t)`` is called
    every ``log_every`` steps (e.g. for validation-based model selection)."""
    g = torch.Generator().manual_seed(seed)
    opt_e = torch.optim.Adam([*model.energy.parameters(), model.log_partition], lr=lr, betas=(0.5, 0.999))
    opt_b = torch.optim.Adam(model.base.parameters(), lr=lr, betas=(0.5, 0.999)) if learn_base else None
    log = TrainLog()
    for t in range(1, steps + 1):
        x = data[torch.randint(0, len(data), (batch,), generator=g)]
        with torch.no_grad():
            y = model.base(model.base.sample_latent(batch, g))
        loss = energy_loss(model, x, y, penalty, g, donsker_varadhan)
        if not torch.isfinite(loss):
            raise FloatingPointError(f"GEBM energy loss is {float(loss)} at step {t}; lower lr or raise the penalty")
        opt_e.zero_grad(set_to_none=True)
        loss.backward()
        _soft_clip(model.energy.parameters())
        opt_e.step()
        if learn_base and t % energy_steps == 0:
            y = model.base(model.base.sample_latent(batch, g))
            lb = base_loss(model, x, y)
            opt_b.zero_grad(set_to_none=True)
            lb.backward(inputs=list(model.base.parameters()))
            opt_b.step()
            log.base_steps += 1
        if t % log_every == 0 or t == steps:
            with torch.no_grad():
                A, y = model.log_partition, y.detach()
                log.kale.append(float(1 - (model.energy(x).squeeze(-1) + A).mean()
                                      - torch.exp(-(model.energy(y).squeeze(-1) + A)).mean()))
            if on_log is not None:
                on_log(t)
    return log


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
    e_y = model.energy(model.base(model.base.sample_latent(n_mc, g))).squeeze(-1)
    log_z = torch.logsumexp(-e_y, 0) - math.log(n_mc)
    return -model.energy(x).squeeze(-1) + base_log_prob(x) - log_z
