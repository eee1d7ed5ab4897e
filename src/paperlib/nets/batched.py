"""Member-batched networks: M independent copies of one architecture evaluated as one batched op.

A *member* is one (method, seed) pair. Weights carry a leading member axis, ``(M, in, out)``, and a
layer is one ``baddbmm``; inputs are ``(M, B, in)``. The members share no parameters, so the gradient
of the summed loss is every member's own gradient, and element-wise optimisers (Adam, RMSProp) update
each member exactly as if it were trained alone. On a CPU the 2-D models are dominated by per-op
overhead, so M members cost little more than one (see ``benchmarks/synthetic.py``). We batch by hand
instead of ``torch.func.vmap`` because the training steps need double back-prop (gradient penalty,
score-based Stein terms) together with stateful optimisers, which plain autograd handles directly.

Each member is initialised from its own seed, so a member's initial weights do not depend on which
other members share the batch.
"""
from __future__ import annotations

import hashlib
import math
from typing import Sequence

import torch
import torch.nn.functional as F
from torch import nn


def member_generator(seed: int, role: str) -> torch.Generator:
    """A generator seeded from (seed, role): the same member always gets the same weights."""
    digest = hashlib.sha256(f"{seed}:{role}".encode()).digest()
    return torch.Generator().manual_seed(int.from_bytes(digest[:8], "little") >> 1)


class Linear(nn.Module):
    r"""$y_m = x_m W_m + b_m$ for every member $m$; Glorot-uniform weights (TF ``dense`` default), zero bias."""

    def __init__(self, seeds: Sequence[int], n_in: int, n_out: int, role: str, init_std: float | None = None):
        super().__init__()
        w = torch.empty(len(seeds), n_in, n_out)
        for m, s in enumerate(seeds):
            g = member_generator(s, role)
            if init_std is None:
                bound = math.sqrt(6.0 / (n_in + n_out))
                w[m].uniform_(-bound, bound, generator=g)
            else:
                w[m].normal_(0.0, init_std, generator=g)
        self.weight = nn.Parameter(w)
        self.bias = nn.Parameter(torch.zeros(len(seeds), 1, n_out))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.baddbmm(self.bias, x, self.weight)


class BatchNorm(nn.Module):
    r"""Per-member batch normalisation over the batch axis, $\gamma\hat x+\beta$ (statistics of the batch).

    Sampling uses large batches (thousands of points), where batch statistics equal the population ones.
    """

    def __init__(self, members: int, features: int, eps: float = 1e-5):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(members, 1, features))
        self.beta = nn.Parameter(torch.zeros(members, 1, features))
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        mu = x.mean(1, keepdim=True)
        var = x.var(1, unbiased=False, keepdim=True)
        return self.gamma * (x - mu) / torch.sqrt(var + self.eps) + self.beta


ACTIVATIONS = {"tanh": torch.tanh, "relu": F.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.2)}


class MLP(nn.Module):
    """Dense layers ``sizes[0] -> ... -> sizes[-1]`` with ``activation`` between them (optionally BN)."""

    def __init__(self, seeds: Sequence[int], sizes: Sequence[int], activation: str, role: str,
                 batchnorm: bool = False, init_std: float | None = None):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose from {', '.join(ACTIVATIONS)}")
        self.act = ACTIVATIONS[activation]
        self.layers = nn.ModuleList(Linear(seeds, a, b, f"{role}/{i}", init_std)
                                    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])))
        self.norms = nn.ModuleList(BatchNorm(len(seeds), b) for b in sizes[1:-1]) if batchnorm else None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                if self.norms is not None:
                    x = self.norms[i](x)
                x = self.act(x)
        return x

    def bn_log_scales(self) -> torch.Tensor:
        r"""$\sum\log|\gamma|$ per member: DGM's entropy proxy for a BN generator (Kim & Bengio 2016)."""
        if self.norms is None:
            raise ValueError("this MLP has no batch normalisation")
        return sum(torch.log(n.gamma.abs() + 1e-8).sum((1, 2)) for n in self.norms)


class SigmoidExpertEnergy(nn.Module):
    r"""$E_\phi(x)=\sum_{k=1}^{4}\sigma(w_k^\top h_\phi(x)+b_k)$, $h_\phi$ a tanh MLP 2→128→128 (SB code)."""

    def __init__(self, seeds: Sequence[int], hidden: int = 128, experts: int = 4, role: str = "energy"):
        super().__init__()
        self.net = MLP(seeds, [2, hidden, hidden, experts], "tanh", role)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.sigmoid(self.net(x)).sum(-1)


class LinearHeadEnergy(nn.Module):
    """$E(x)$ = linear head on a ReLU trunk 2→128→128 (the CE synthetic discriminator, "identity" energy)."""

    def __init__(self, seeds: Sequence[int], hidden: int = 128, role: str = "energy", init_std: float | None = None):
        super().__init__()
        self.net = MLP(seeds, [2, hidden, hidden, 1], "relu", role, init_std=init_std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)
