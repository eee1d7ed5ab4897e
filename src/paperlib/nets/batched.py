"""Member-batched networks: M independent copies of one architecture evaluated as one batched op.

A *member* is one (method, seed) pair. Weights carry a leading member axis, ``(M, in, out)``, and a
layer is one ``baddbmm``; inputs are ``(M, B, in)``. The members share no parameters, so the gradient
of the summed loss is every member's own gradient, and element-wise optimisers (Adam, RMSProp) update
each member exactly as if it were trained alone. On a CPU the 2-D models are dominated by per-op
overhead, so M members cost little more than one (see ``benchmarks/synthetic.py``). We batch by hand
instead of ``torch.func.vmap`` because the training steps differentiate input gradients (gradient penalty,
score-based Stein terms) together with stateful optimisers, which plain autograd handles directly.

Those input gradients are written out by the chain rule (:meth:`MLP.forward_and_input_grad`) rather than
taken by ``autograd.grad(create_graph=True)``: the loss on them then needs one first-order backward pass instead
of double back-propagation, which on two CPU cores is the larger part of a Stein Bridging step (issue 17;
``benchmarks/synthetic.py`` reports the ratio, ``tests/nets/test_batched.py`` checks it equals autograd).

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
# v -> v * sigma'(a), from the pre-activation a and the activation sigma(a): the kernels autograd's own backward
# uses, so a chain rule written with them equals autograd's input gradient, and so do their derivatives
ACTIVATION_VJPS = {"tanh": lambda v, pre, post: torch.ops.aten.tanh_backward(v, post),
                   "relu": lambda v, pre, post: torch.ops.aten.threshold_backward(v, post, 0),
                   "leaky_relu": lambda v, pre, post: torch.ops.aten.leaky_relu_backward(v, pre, 0.2, False)}


class MLP(nn.Module):
    """Dense layers ``sizes[0] -> ... -> sizes[-1]`` with ``activation`` between them (optionally BN)."""

    def __init__(self, seeds: Sequence[int], sizes: Sequence[int], activation: str, role: str,
                 batchnorm: bool = False, init_std: float | None = None):
        super().__init__()
        if activation not in ACTIVATIONS:
            raise ValueError(f"unknown activation {activation!r}; choose from {', '.join(ACTIVATIONS)}")
        self.act, self.act_vjp = ACTIVATIONS[activation], ACTIVATION_VJPS[activation]
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

    def forward_and_input_grad(self, x: torch.Tensor, cotangent=None, rows: slice | None = None
                               ) -> tuple[torch.Tensor, torch.Tensor]:
        r"""The outputs $y=f(x)$ and, per point, the input gradient $g=J_f(x)^\top c(y)$ by the chain rule,

        $$g=\big(\cdots\big(c(y)\,W_L^\top\odot\sigma'(a_{L-1})\big)W_{L-1}^\top\cdots\odot\sigma'(a_1)\big)W_1^\top,$$

        an ordinary differentiable expression (a loss on $g$ back-propagates to the weights in one first-order
        pass). ``cotangent`` maps the outputs to $c(y)$ (default ones: $\nabla_x$ of a scalar output); ``rows``
        restricts $g$ to a slice of the batch axis while $y$ covers every row (one forward for several terms).
        """
        if self.norms is not None:
            raise ValueError("batch normalisation couples the points of a batch; take its input gradient by autograd")
        rows = slice(None) if rows is None else rows
        saved = []
        for i, layer in enumerate(self.layers):
            x = layer(x)
            if i < len(self.layers) - 1:
                pre, x = x, self.act(x)
                saved.append((pre[:, rows], x[:, rows]))
        v = torch.ones_like(x[:, rows]) if cotangent is None else cotangent(x[:, rows])
        for i in range(len(self.layers) - 1, -1, -1):
            v = torch.bmm(v, self.layers[i].weight.transpose(1, 2))
            if i > 0:
                v = self.act_vjp(v, *saved[i - 1])
        return x, v

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

    def energy_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""$E(x)$ and $\nabla_xE=J_o^\top\,\sigma(o)(1-\sigma(o))$ of the expert outputs $o$ (chain rule, differentiable)."""
        o, g = self.net.forward_and_input_grad(x, lambda o: torch.sigmoid(o) * (1 - torch.sigmoid(o)))
        return torch.sigmoid(o).sum(-1), g


class LinearHeadEnergy(nn.Module):
    """$E(x)$ = linear head on a ReLU trunk 2→128→128 (the CE synthetic discriminator, "identity" energy)."""

    def __init__(self, seeds: Sequence[int], hidden: int = 128, role: str = "energy", init_std: float | None = None):
        super().__init__()
        self.net = MLP(seeds, [2, hidden, hidden, 1], "relu", role, init_std=init_std)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x).squeeze(-1)

    def energy_and_grad(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        r"""$E(x)$ and $\nabla_xE(x)$ (chain rule, differentiable)."""
        e, g = self.net.forward_and_input_grad(x)
        return e.squeeze(-1), g
