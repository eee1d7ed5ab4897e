r"""Langevin samplers: one ULA and one KLA, for every potential of the book.

* GEBM (spec A.0.3; GEBM code ``samplers.py``): the tempered latent posterior
  $\nu_\beta(z)\propto\eta(z)e^{-\beta E(B(z))}$ has the potential $U_\beta(z)=\tfrac12\|z\|^2+\beta E(B(z))$;
  a sample is $x=B(z)$ (:func:`latent_potential_grad`).
* GCN / FRAME (spec B.0.1): $p_\theta(x)\propto e^{f_\theta(x)}\mathcal N(x;0,\sigma^2I)$ has
  $U(x)=\|x\|^2/2\sigma^2-f_\theta(x)$, and the paper's update
  $x\leftarrow x-\tfrac{\delta^2}2(x/\sigma^2-\nabla_xf_\theta(x))+\delta\epsilon$ *is* :func:`ula` with step
  $\gamma=\delta^2/2$ (:func:`image_potential_grad`, :func:`image_langevin`).

Chains are batched along the first axis. The noise is always on: there is no flag that could turn it off.
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

import torch

__all__ = ["latent_potential_grad", "image_potential_grad", "image_langevin", "ula", "kla", "ReplayBuffer"]

Grad = Callable[[torch.Tensor], torch.Tensor]


def latent_potential_grad(energy: Callable, base: Callable, beta: float = 1.0) -> Grad:
    r"""$\nabla U_\beta(z)=z+\beta\nabla_z E(B(z))$ by autograd."""
    def grad(z: torch.Tensor) -> torch.Tensor:
        z = z.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(energy(base(z)).sum(), z)
        return z.detach() + beta * g
    return grad


def image_potential_grad(f: Callable, sigma: float, y: torch.Tensor | None = None, clip: float = 0.0,
                         stats: dict | None = None) -> Grad:
    r"""$\nabla U(x)=x/\sigma^2-\nabla_xf_\theta(x)$ by autograd (``f(x, y)`` returns one value per image).
    ``clip`` > 0 rescales each image's $\nabla_xf$ to norm at most ``clip`` (the multigrid code clips at 1);
    ``stats`` collects the mean input-gradient norm of the last call (a stability signal)."""
    def grad(x: torch.Tensor) -> torch.Tensor:
        x = x.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(f(x, y).sum(), x)
        norm = g.flatten(1).norm(dim=1).clamp_min(1e-12)
        if stats is not None:
            stats["grad_norm"] = float(norm.mean())
        if clip:
            g = g * (clip / norm).clamp(max=1.0).view(-1, *([1] * (g.dim() - 1)))
        return x.detach() / sigma ** 2 - g
    return grad


def image_langevin(f: Callable, x0: torch.Tensor, sigma: float, delta: float, steps: int,
                   generator: torch.Generator | None = None, y: torch.Tensor | None = None, clip: float = 0.0,
                   stats: dict | None = None) -> torch.Tensor:
    r"""``steps`` Langevin steps of spec B.0.1 from ``x0`` under $p_\theta$ (:func:`ula` with $\gamma=\delta^2/2$)."""
    x, _ = ula(image_potential_grad(f, sigma, y, clip, stats), x0, delta ** 2 / 2, steps, generator)
    return x


def ula(grad_u: Grad, z0: torch.Tensor, step: float, steps: int, generator: torch.Generator | None = None,
        keep_every: int = 0, keep_at: Iterable[int] = ()) -> tuple[torch.Tensor, list[torch.Tensor]]:
    r"""Unadjusted Langevin: $z\leftarrow z-\gamma\nabla U(z)+\sqrt{2\gamma}\,\xi$. Returns (final z, kept states):
    the state after every ``keep_every`` steps, and after ``t`` steps for each ``t`` in ``keep_at`` (0 = ``z0``)."""
    keep_at = set(keep_at)
    z, kept = z0.clone(), ([z0.clone()] if 0 in keep_at else [])
    for t in range(steps):
        z = z - step * grad_u(z) + math.sqrt(2 * step) * torch.randn(z.shape, generator=generator, dtype=z.dtype).to(z.device)
        if (keep_every and (t + 1) % keep_every == 0) or (t + 1) in keep_at:
            kept.append(z.clone())
    return z, kept


def kla(grad_u: Grad, z0: torch.Tensor, step: float, friction: float, steps: int,
        generator: torch.Generator | None = None, keep_every: int = 0, decay_every: int = 0,
        decay: float = 0.1) -> tuple[torch.Tensor, list[torch.Tensor]]:
    r"""Kinetic (underdamped) Langevin, one gradient per step, as the GEBM code: with $s=2\sqrt\gamma$,
    $c=e^{-\kappa s}$, $d=\sqrt{1-e^{-2\kappa s}}$: $z_{1/2}=z+\tfrac s2v$; $g=\nabla U(z_{1/2})$; $v\leftarrow c(v-\tfrac s2g)+d\,\xi-\tfrac s2g$;
    $z\leftarrow z_{1/2}+\tfrac s2v$; $v_0=0$. Low friction $\kappa$ keeps momentum (moves between modes).
    ``decay_every`` > 0 multiplies $\gamma$ by ``decay`` after every ``decay_every`` steps (the GEBM code's
    sampling protocol: ×0.1 every 200 steps)."""
    z, v, kept = z0.clone(), torch.zeros_like(z0), []
    for t in range(steps):
        if t == 0 or (decay_every and t % decay_every == 0):
            s = 2 * math.sqrt(step * decay ** (t // decay_every if decay_every else 0))
            c, d = math.exp(-friction * s), math.sqrt(1 - math.exp(-2 * friction * s))
        z_half = z + s / 2 * v
        g = grad_u(z_half)
        v = c * (v - s / 2 * g) + d * torch.randn(z.shape, generator=generator, dtype=z.dtype).to(z.device) - s / 2 * g
        z = z_half + s / 2 * v
        if keep_every and (t + 1) % keep_every == 0:
            kept.append(z.clone())
    return z, kept


class ReplayBuffer:
    """A ring buffer of past synthesised images (the DQN-style replay of GGCN, spec B.0.5): ``push`` stores a
    batch, ``sample`` draws stored images uniformly with a seeded generator. Its tensors are the state."""

    def __init__(self, capacity: int, shape: tuple[int, ...]):
        self.capacity = capacity
        self.images = torch.zeros((capacity, *shape))
        self.count = 0

    def push(self, x: torch.Tensor) -> None:
        x = x.detach().cpu()[: self.capacity]
        idx = (self.count + torch.arange(len(x))) % self.capacity
        self.images[idx] = x
        self.count += len(x)

    def __len__(self) -> int:
        return min(self.count, self.capacity)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        return self.images[torch.randint(0, len(self), (n,), generator=generator)]

    def state_dict(self) -> dict:
        return {"images": self.images.clone(), "count": self.count}

    def load_state_dict(self, st: dict) -> None:
        self.images, self.count = st["images"].clone(), int(st["count"])
