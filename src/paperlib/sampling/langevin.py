r"""Langevin samplers of a GEBM's latent posterior (spec A.0.3; GEBM code ``samplers.py``).

The tempered latent posterior $\nu_\beta(z)\propto\eta(z)e^{-\beta E(B(z))}$ has the potential
$U_\beta(z)=\tfrac12\|z\|^2+\beta E(B(z))$; a sample is $x=B(z)$. Chains are batched: ``z`` is (chains, d).
"""
from __future__ import annotations

import math
from typing import Callable, Iterable

import torch

__all__ = ["latent_potential_grad", "ula", "kla"]

Grad = Callable[[torch.Tensor], torch.Tensor]


def latent_potential_grad(energy: Callable, base: Callable, beta: float = 1.0) -> Grad:
    r"""$\nabla U_\beta(z)=z+\beta\nabla_z E(B(z))$ by autograd."""
    def grad(z: torch.Tensor) -> torch.Tensor:
        z = z.detach().requires_grad_(True)
        (g,) = torch.autograd.grad(energy(base(z)).sum(), z)
        return z.detach() + beta * g
    return grad


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
        generator: torch.Generator | None = None, keep_every: int = 0) -> tuple[torch.Tensor, list[torch.Tensor]]:
    r"""Kinetic (underdamped) Langevin, one gradient per step, as the GEBM code: with $s=2\sqrt\gamma$,
    $c=e^{-\kappa s}$, $d=\sqrt{1-e^{-2\kappa s}}$: $z_{1/2}=z+\tfrac s2v$; $g=\nabla U(z_{1/2})$; $v\leftarrow c(v-\tfrac s2g)+d\,\xi-\tfrac s2g$;
    $z\leftarrow z_{1/2}+\tfrac s2v$; $v_0=0$. Low friction $\kappa$ keeps momentum (moves between modes)."""
    s = 2 * math.sqrt(step)
    c, d = math.exp(-friction * s), math.sqrt(1 - math.exp(-2 * friction * s))
    z, v, kept = z0.clone(), torch.zeros_like(z0), []
    for t in range(steps):
        z_half = z + s / 2 * v
        g = grad_u(z_half)
        v = c * (v - s / 2 * g) + d * torch.randn(z.shape, generator=generator, dtype=z.dtype).to(z.device) - s / 2 * g
        z = z_half + s / 2 * v
        if keep_every and (t + 1) % keep_every == 0:
            kept.append(z.clone())
    return z, kept
