r"""What the member-batched trainers share: optimisers as the released codes set them, the gap-driven
schedule of energy GANs (Dai et al. 2017, spec B.3.1), and :class:`ToyTrainer` (batches of 2-D data).
Every trainer follows :class:`paperlib.training.Trainer` and is driven by :func:`paperlib.training.fit`."""
from __future__ import annotations

import abc
from typing import Sequence

import torch

from paperlib.core.devices import place
from paperlib.data.toy import ToyDataset


def adam(params, lr, betas=(0.9, 0.999)):
    # fused: one kernel per step instead of ~10 small ops per tensor (the step is overhead-bound here)
    return torch.optim.Adam(params, lr=lr, betas=betas, fused=True)


def rmsprop(params, lr):
    # TF1 RMSPropOptimizer defaults: decay 0.9, momentum 0, epsilon 1e-10
    return torch.optim.RMSprop(params, lr=lr, alpha=0.9, eps=1e-10, foreach=True)


def gap_masks(gap: torch.Tensor, window: tuple[float, float]) -> tuple[torch.Tensor, torch.Tensor]:
    r"""The gap-driven schedule (spec B.3.1): with the previous step's discriminator cost as ``gap``, the
    energy updates while $\mathrm{gap}>l$ and the generator while $\mathrm{gap}<r$, $(l, r)$ = ``window``.
    Returns float masks (1 = update) of ``gap``'s shape."""
    lo, hi = window
    return (gap > lo).float(), (gap < hi).float()


def margin_cost(e_real: torch.Tensor, e_fake: torch.Tensor, margin: float | None) -> torch.Tensor:
    r"""The energy's cost per member: $\frac1B\sum_i\max(\bar E(x)-E(\tilde x_i),-m)$, or
    $\bar E(x)-\bar E(\tilde x)$ without a margin; ``e_*`` are (M, B)."""
    diff = e_real.mean(1, keepdim=True) - e_fake
    return diff.mean(1) if margin is None else torch.clamp(diff, min=-margin).mean(1)


class ToyTrainer(abc.ABC):
    """Member batches of 2-D data, noise, sampling and the resumable state, shared by the 2-D trainers of
    Stein Bridging and Dai et al. Subclasses build the networks, ``modules()``/``optims()``, ``step`` and
    ``evaluate``; ``lookup(name)`` validates a member's method."""

    def __init__(self, ds: ToyDataset, members: Sequence[tuple[str, int]], s, batch: int,
                 rng_seed: int, member_data: Sequence[torch.Tensor] | None = None, device: str = "cpu"):
        self.ds, self.s, self.members = ds, s, [tuple(m) for m in members]
        self.name = ds.name
        # random numbers are drawn on the CPU from one seeded generator, then moved: a run gives the
        # same draws on every device
        self.device = torch.device(device)
        self.methods = [self.lookup(name) for name, _ in self.members]
        self.M, self.B = len(self.members), batch
        # every member trains on ds.data unless it has its own sample (Fig. 7: noise ratios, sizes);
        # all members are evaluated against ``ds`` (its clean reference sample and exact density)
        self.data = place(ds.data.float(), self.device)
        self.member_data = None if member_data is None else [place(d.float(), self.device) for d in member_data]
        if self.member_data is not None:
            if len(self.member_data) != self.M:
                raise ValueError(f"member_data has {len(self.member_data)} samples for {self.M} members")
            small = [d.shape[0] for d in self.member_data if d.shape[0] < batch]
            if small:
                raise ValueError(f"a member's sample has {small[0]} points, fewer than the batch ({batch})")
        self.rng = torch.Generator().manual_seed(rng_seed)
        self.iteration = 0
        self._order, self._pos = None, 0

    @abc.abstractmethod
    def lookup(self, name: str):
        """The method a member's name stands for (raises KeyError for an unknown one); each family has its own."""

    def coef(self, pred) -> torch.Tensor:
        """A per-member (M,) tensor from a predicate on the Method."""
        return torch.tensor([float(pred(m)) for m in self.methods], device=self.device)

    def _permutation(self, n: int, members: int) -> torch.Tensor:
        if self.s.quirk_no_shuffle:
            return torch.arange(n).repeat(members, 1)
        return torch.argsort(torch.rand(members, n, generator=self.rng), dim=1)

    def real_batch(self) -> torch.Tensor:
        """(M, B, 2): each member walks its own shuffled order of its data (Q2: the stored order)."""
        if self.member_data is not None:
            return self._member_batch()
        n = self.data.shape[0]
        if self._order is None or self._pos + self.B > n:
            self._order, self._pos = self._permutation(n, self.M), 0
        idx = self._order[:, self._pos:self._pos + self.B]
        self._pos += self.B
        return self.data[idx]

    def _member_batch(self) -> torch.Tensor:
        if self._order is None:
            self._order, self._pos = [None] * self.M, [0] * self.M
        out = []
        for m, d in enumerate(self.member_data):
            if self._order[m] is None or self._pos[m] + self.B > d.shape[0]:
                self._order[m], self._pos[m] = self._permutation(d.shape[0], 1)[0], 0
            out.append(d[self._order[m][self._pos[m]:self._pos[m] + self.B]])
            self._pos[m] += self.B
        return torch.stack(out)

    def noise(self, batch: int | None = None, std: float | None = None) -> torch.Tensor:
        std = self.s.noise_std if std is None else std
        return self.randn(self.M, batch or self.B, self.s.noise_dim) * std

    def randn(self, *shape) -> torch.Tensor:
        return place(torch.randn(*shape, generator=self.rng), self.device)

    def rand(self, *shape) -> torch.Tensor:
        return place(torch.rand(*shape, generator=self.rng), self.device)

    def place(self) -> None:
        """Move every network to the trainer's device (before the optimisers are built)."""
        for module in self.modules().values():
            place(module, self.device)

    # evaluation -------------------------------------------------------------------------------
    @torch.no_grad()
    def sample(self, n: int, seed: int = 12345) -> torch.Tensor:
        g = torch.Generator().manual_seed(seed)
        z = self.eval_noise_std * torch.randn(self.M, n, self.s.noise_dim, generator=g)
        return self.generator(place(z, self.device)).cpu()

    @torch.no_grad()
    def log_density(self, points: torch.Tensor) -> torch.Tensor:
        """Unnormalised model log-density $-E_\\phi$ of every member at ``points`` (P, 2) → (M, P)."""
        x = place(points.float(), self.device).expand(self.M, *points.shape)
        return torch.cat([-self.energy(c).cpu() for c in x.split(20_000, dim=1)], dim=1).double()

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "rng": self.rng.get_state(), "order": self._order,
                "pos": self._pos, "modules": {k: v.state_dict() for k, v in self.modules().items()},
                "optims": {k: v.state_dict() for k, v in self.optims().items()}, "extra": self.extra_state()}

    def load_state_dict(self, st: dict) -> None:
        self.iteration, self._order, self._pos = st["iteration"], st["order"], st["pos"]
        self.rng.set_state(st["rng"])
        for k, v in self.modules().items():
            v.load_state_dict(st["modules"][k])
        for k, v in self.optims().items():
            v.load_state_dict(st["optims"][k])
        self.load_extra_state(st["extra"])

    def extra_state(self) -> dict:
        return {}

    def load_extra_state(self, extra: dict) -> None:
        pass

    def loss_users(self, name: str) -> torch.Tensor:
        """Members whose update uses loss ``name`` (all, unless a subclass says otherwise)."""
        return torch.ones(self.M, dtype=torch.bool)
