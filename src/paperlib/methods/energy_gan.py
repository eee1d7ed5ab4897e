r"""The 2-D experiments of *Calibrating Energy-based GANs* (Dai et al. 2017) as cached runs (spec B.2-B.6).

Four models per dataset: the **GAN** baseline of the released code, and three energy GANs that share one
trainer and differ only in the entropy term of the generator (§4): **EGAN-Const** (none, $K$ constant),
**EGAN-Ent-NN** (nearest-neighbour score, :func:`paperlib.entropy.knn_score`) and **EGAN-Ent-VI**
(variational bound with an inference net, :func:`paperlib.entropy.gaussian_nll`). The energy GANs follow the
gap-driven schedule of spec B.3.1; all (method, seed) members of a trainer are batched
(:mod:`paperlib.nets`), each with its own gap. A run is cached under the hash of (dataset, members,
settings, library code) and checkpointed while it trains, like :mod:`paperlib.synthetic`.

Table 2 compares four distributions on the 100×100 grid of the canvas (spec B.5): $p_{data}$ (the mixture
density at the nodes, normalised), $p_{emp}$ (histogram of the 100,000 training points), $p_{gen}$ (histogram
of 100,000 generated points) and $p_{disc}\propto e^{-c(x)}$ (the discriminator's energy, $\mu^*=0$).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F

from paperlib.core.devices import place
from paperlib.core.settings import for_dataset
from paperlib.data import toy
from paperlib.estimators import entropy, metrics
from paperlib.methods.common import ToyTrainer, adam, gap_masks, margin_cost
from paperlib.nets.batched import MLP, LinearHeadEnergy

CE_METHODS = ["GAN", "EGAN-Const", "EGAN-Ent-VI", "EGAN-Ent-NN"]
ENERGY_GANS = {"EGAN-Const": "", "EGAN-Ent-VI": "vi", "EGAN-Ent-NN": "knn"}   # method -> entropy term
DATASETS = {"four_gaussians": "4 Gaussians", "biased": "Biased 2 Gaussians", "two_spirals": "Two spirals"}
PAIRS = [("gen", "emp"), ("emp", "gen"), ("gen", "data"), ("data", "gen"), ("disc", "emp"), ("emp", "disc"),
         ("disc", "data"), ("data", "disc"), ("gen", "disc"), ("disc", "gen")]
COLUMNS = [f"p{a}||p{b}" for a, b in PAIRS]          # the ten columns of Table 2, in the paper's order


@dataclass(frozen=True)
class CESettings:
    """Hyper-parameters of one dataset (spec B.3.2); defaults = the 4-Gaussians column of the released code."""

    iterations: int = 20_000            # energy GANs: 200 iterations per epoch x epochs
    epochs_constant: int = 10           # epochs at the initial learning rate ...
    epochs_decay: int = 90              # ... then epochs with lr x lr_decay per epoch
    lr_decay: float = 0.985
    lr_floor: float = 1e-5
    lr: float = 2e-4                    # energy (and inference net); Adam beta1 = 0, beta2 = 0.999
    gen_lr_factor: float = 10.0         # generator lr = 10 x lr
    batch: int = 500
    hidden: int = 128
    noise_dim: int = 4                  # z ~ N(0, I_4)
    init_std: tuple = (0.01, 0.001)     # normal init std of (energy, generator); biases zero
    knn_k: int = 20
    knn_weight: float = 0.5             # alpha * B of the code (B.2.1): 0.5 / 0.15 / 0.25
    vi_weight: float = 1.0              # [recon] the synthetic VI weight is unknown (B.2.2)
    vi_half_log_sigma: bool = True      # the code's 1/2 sum log sigma in the NLL (B.2.2)
    gap_window: tuple = (-10.0, 0.1)    # (lbound, rbound) of the gap-driven schedule (B.3.1)
    margin: float | None = None         # cost max(mean E_T - E_F, -margin); None = mean E_T - mean E_F
    gan_iterations: int = 100_000       # GAN baseline: 500 epochs, Adagrad, constant lr
    gan_lr: float = 1e-3
    gan_gen_init_std: float = 0.125
    eval_every: int = 1000
    eval_samples: int = 20_000          # generated points per logged evaluation
    final_samples: int = 100_000        # generated points of the final p_gen (Table 2)
    grid: int = 100
    diagnostic_points: int = 2000       # generated points of the scatter plots and gradient fields
    # names read by methods.common.ToyTrainer (data batching and sampling)
    noise_std: float = 1.0
    quirk_no_shuffle: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @property
    def iterations_per_epoch(self) -> float:
        """200 in the code; a shorter run compresses the lr schedule proportionally (spec B.8)."""
        return self.iterations / (self.epochs_constant + self.epochs_decay)

    def lr_at(self, iteration: int) -> float:
        r"""Energy lr at ``iteration``: $\max(\ell_{floor},\ell_0\,\rho^{\max(0,e-e_c)})$, $e$ the epoch."""
        epoch = int(iteration // self.iterations_per_epoch)
        return max(self.lr_floor, self.lr * self.lr_decay ** max(0, epoch - self.epochs_constant))


# per-dataset values of the released code (spec B.3.2); the page's parameters are applied on top
DATASET_SETTINGS = {
    "four_gaussians": dict(iterations=20_000, epochs_constant=10, epochs_decay=90, lr_decay=0.985,
                           init_std=(0.01, 0.001), knn_weight=0.5, gap_window=(-10.0, 0.1), margin=None),
    "biased": dict(iterations=20_000, epochs_constant=0, epochs_decay=100, lr_decay=0.985,
                   init_std=(0.01, 0.001), knn_weight=0.15, gap_window=(-0.2, 0.1), margin=10.0),
    "two_spirals": dict(iterations=100_000, epochs_constant=200, epochs_decay=300, lr_decay=0.99,
                        init_std=(0.1, 0.01), knn_weight=0.25, gap_window=(-10.0, 0.1), margin=10.0),
}


KNOBS = ("n_seeds",)   # page parameters of the suites that are not training settings


def settings(dataset: str, params: dict[str, Any]) -> CESettings:
    """The code's settings for ``dataset``, then the page's parameters (``iterations_<dataset>`` beats
    ``iterations``; precedence: :mod:`paperlib.core.settings`)."""
    return for_dataset(CESettings, dataset, DATASET_SETTINGS, params, KNOBS)


# ------------------------------------------------------------------------------------------- reference
class Reference:
    """$p_{data}$, $p_{emp}$ and $-\\log p_{data}$ of a dataset on its grid (what every evaluation compares with)."""

    def __init__(self, ds: toy.ToyDataset, size: int = 100):
        self.ds, self.size = ds, size
        X, Y, self.points = ds.mesh(size)
        self.X, self.Y = X, Y
        self.energy = -ds.mixture.log_prob(self.points)              # -log p_data at the nodes
        self.p_data = metrics.energy_pmf(self.energy)
        self.p_emp = metrics.grid_histogram(ds.data, ds.canvas, size)

    def header(self) -> dict[str, float]:
        """The data-only KLs of Table 2's header."""
        return {"pdata||pemp": float(metrics.grid_kl(self.p_data, self.p_emp)),
                "pemp||pdata": float(metrics.grid_kl(self.p_emp, self.p_data))}


def table2_row(ref: Reference, p_gen: torch.Tensor, p_disc: torch.Tensor) -> dict[str, np.ndarray]:
    """The ten pairwise KLs of Table 2 for (M, G) probability vectors of M members."""
    dist = {"gen": p_gen, "disc": p_disc, "emp": ref.p_emp, "data": ref.p_data}
    return {c: np.atleast_1d(metrics.grid_kl(dist[a], dist[b]).numpy()) for c, (a, b) in zip(COLUMNS, PAIRS)}


def calibration_slope(ref: Reference, energy: torch.Tensor) -> np.ndarray:
    r"""Least-squares slope $\hat w$ of the learned energy against $-\log p_{data}$ on the occupied cells.

    Prop. 3.1 with an entropy weight $w$ gives $c^*=w(-\log p_{data})+$const, so $\hat w\approx w$ for a
    calibrated discriminator and $\hat w\approx0$ for a flat one (spec B.6, CE-Table2 [proto]).
    """
    occ = ref.p_emp > 0
    x = ref.energy[occ]
    xc = x - x.mean()
    y = energy.double()[:, occ]
    return (((y - y.mean(1, keepdim=True)) * xc).sum(1) / (xc * xc).sum()).numpy()


# ------------------------------------------------------------------------------------------- trainers
class CETrainer(ToyTrainer):
    """Evaluation shared by the GAN and the energy GANs: Table 2's KLs and the calibration read-outs."""

    def lookup(self, name: str) -> str:
        if name not in CE_METHODS:
            raise KeyError(f"unknown method {name!r}; Dai et al. methods: {', '.join(CE_METHODS)}")
        return name

    def __init__(self, ds, members, s: CESettings, rng_seed: int, device: str):
        super().__init__(ds, members, s, s.batch, rng_seed, None, device)
        self.ref = Reference(ds, s.grid)
        self.eval_noise_std = 1.0

    def grid_energy(self) -> torch.Tensor:
        """(M, G) energy of every member at the grid nodes."""
        return -self.log_density(self.ref.points)

    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        s = self.s
        n = s.final_samples if final else s.eval_samples
        p_gen = metrics.grid_histogram(self.sample(n), self.ds.canvas, s.grid)
        energy = self.grid_energy()
        out = table2_row(self.ref, p_gen, metrics.energy_pmf(energy))
        w = calibration_slope(self.ref, energy)
        out["slope"] = w
        # temperature-corrected discriminator p ~ exp(-c / w): Prop. 3.1 with the entropy weight undone
        p_tc = metrics.energy_pmf(energy / torch.as_tensor(np.maximum(w, 1e-3))[:, None])
        out["pdisc_tc||pemp"] = metrics.grid_kl(p_tc, self.ref.p_emp).numpy()
        out["pdisc_tc||pdata"] = metrics.grid_kl(p_tc, self.ref.p_data).numpy()
        if self.ds.name == "biased":
            means = -self.log_density(self.ds.means)                    # energy at the two means
            out["energy_gap"] = (means[:, 0] - means[:, 1]).numpy()       # E(light) - E(heavy); truth log 9
            y = self.sample(n)
            out["heavy_mass"] = (y.sum(-1) < 0).double().mean(1).numpy()  # truth 0.9
        return out

    @torch.no_grad()
    def batch_histograms(self) -> dict[str, torch.Tensor]:
        """Histograms of one real and one generated training batch on the grid (Fig. 8, panels 1.2-1.4)."""
        g = torch.Generator().manual_seed(7)
        real = self.ds.data[torch.randint(0, self.ds.data.shape[0], (self.B,), generator=g)]
        fake = self.sample(self.B, seed=7)
        return {"real": metrics.grid_histogram(real, self.ds.canvas, self.s.grid),
                "generated": metrics.grid_histogram(fake, self.ds.canvas, self.s.grid)}

    def entropy_gradient(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        """$\\nabla_x$ of the generator's entropy surrogate at generated points (zero without one)."""
        return torch.zeros_like(x)

    def gradient_fields(self) -> dict[str, torch.Tensor]:
        r"""Per member, at ``diagnostic_points`` generated points: $-\nabla_xE$, the negative entropy-surrogate
        gradient and their sum (the generator's descent direction in data space; Fig. 8, panels 2.2-2.4)."""
        g = torch.Generator().manual_seed(12345)
        z = place(torch.randn(self.M, self.s.diagnostic_points, self.s.noise_dim, generator=g), self.device)
        with torch.no_grad():
            x = self.generator(z)
        x = x.detach().requires_grad_(True)
        (g_e,) = torch.autograd.grad(self.energy(x).sum(), x)
        g_h = self.entropy_gradient(x.detach(), z)
        return {"points": x.detach().cpu(), "energy": -g_e.cpu(), "entropy": -g_h.cpu(),
                "total": -(g_e + g_h).cpu()}


class EnergyGANTrainer(CETrainer):
    r"""EGAN-Const / EGAN-Ent-NN / EGAN-Ent-VI with the gap-driven schedule (spec B.3.1).

    Energy step: $\min\;\bar E(x)-\bar E(\tilde x)$, or with a margin $\frac1B\sum_i\max(\bar E(x)-E(\tilde x_i),-m)$.
    Generator step: $\min\;\bar E(\tilde x)+w_{NN}\frac1B\sum_i\mathrm{sg}[d_i]^\top\tilde x_i+w_{VI}\,\overline{\mathrm{NLL}}(z\,|\,\tilde x)$.
    With the previous step's cost as ``gap``: the energy updates while gap > lbound and the generator
    while gap < rbound (both inside the window). The inference net of VI fits $q(z|x)$ every step [recon].
    """

    def __init__(self, ds, members, s: CESettings, rng_seed: int = 0, device: str = "cpu"):
        super().__init__(ds, members, s, rng_seed, device)
        unknown = [m for m, _ in self.members if m not in ENERGY_GANS]
        if unknown:
            raise ValueError(f"EnergyGANTrainer trains {', '.join(ENERGY_GANS)}; got {unknown}")
        seeds = [sd for _, sd in self.members]
        h, (std_e, std_g) = s.hidden, s.init_std
        self.generator = MLP(seeds, [s.noise_dim, h, h, 2], "relu", "ce/generator", batchnorm=True, init_std=std_g)
        self.energy = LinearHeadEnergy(seeds, h, role="ce/energy", init_std=std_e)
        kinds = [ENERGY_GANS[m] for m, _ in self.members]
        self.w_knn = torch.tensor([s.knn_weight * (k == "knn") for k in kinds], device=self.device)
        self.w_vi = torch.tensor([s.vi_weight * (k == "vi") for k in kinds], device=self.device)
        self.inference = MLP(seeds, [2, h, h, 2 * s.noise_dim], "relu", "ce/inference", init_std=std_e) \
            if "vi" in kinds else None
        self.place()
        self.opt_energy = adam(self.energy.parameters(), lr=s.lr, betas=(0.0, 0.999))
        self.opt_gen = adam(self.generator.parameters(), lr=s.gen_lr_factor * s.lr, betas=(0.0, 0.999))
        self.opt_inf = adam(self.inference.parameters(), lr=s.lr, betas=(0.0, 0.999)) if self.inference else None
        self.gap = torch.ones(self.M, device=self.device)

    def modules(self):
        mods = {"generator": self.generator, "energy": self.energy}
        if self.inference is not None:
            mods["inference"] = self.inference
        return mods

    def optims(self):
        opts = {"energy": self.opt_energy, "gen": self.opt_gen}
        if self.opt_inf is not None:
            opts["inference"] = self.opt_inf
        return opts

    def extra_state(self):
        return {"gap": self.gap}

    def load_extra_state(self, extra):
        self.gap = extra["gap"].to(self.device)

    def _nll(self, z: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        mu, log_sigma = self.inference(x).chunk(2, dim=-1)
        return entropy.gaussian_nll(z, mu, log_sigma, self.s.vi_half_log_sigma)

    def entropy_gradient(self, x: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        # per point: the x_i-gradient of the batch-mean surrogate, times the batch size
        out = torch.zeros_like(x)
        if bool(self.w_knn.any()):
            out = out + self.w_knn[:, None, None] * entropy.knn_score(x, self.s.knn_k, self.w_knn > 0)
        if self.inference is not None:
            xg = x.detach().requires_grad_(True)
            (g,) = torch.autograd.grad((self.w_vi[:, None] * self._nll(z, xg)).sum(), xg)
            out = out + g
        return out

    def step(self) -> dict[str, torch.Tensor]:
        s = self.s
        lr = s.lr_at(self.iteration)
        for opt, factor in ((self.opt_energy, 1.0), (self.opt_gen, s.gen_lr_factor), (self.opt_inf, 1.0)):
            if opt is not None:
                for group in opt.param_groups:
                    group["lr"] = factor * lr
        upd_e, upd_g = gap_masks(self.gap, s.gap_window)
        real = self.real_batch()
        z = self.randn(self.M, self.B, s.noise_dim)
        fake = self.generator(z)
        cost = margin_cost(self.energy(real), self.energy(fake.detach()), s.margin)
        self.opt_energy.zero_grad(set_to_none=True)
        (upd_e * cost).sum().backward()
        self.opt_energy.step()
        loss_g = self.energy(fake).mean(1)
        if bool(self.w_knn.any()):
            with torch.no_grad():
                d = entropy.knn_score(fake.detach(), s.knn_k, self.w_knn > 0)
            loss_g = loss_g + self.w_knn * (d * fake).sum(-1).mean(1)
        if self.inference is not None:
            nll = self._nll(z, fake).mean(1)
            loss_g = loss_g + self.w_vi * nll
        self.opt_gen.zero_grad(set_to_none=True)
        (upd_g * loss_g).sum().backward(inputs=list(self.generator.parameters()))
        self.opt_gen.step()
        if self.inference is not None:
            self.opt_inf.zero_grad(set_to_none=True)
            (self.w_vi * self._nll(z, fake.detach()).mean(1)).sum().backward()
            self.opt_inf.step()
        self.gap = cost.detach()
        self.iteration += 1
        return {"energy": cost.detach(), "generator": loss_g.detach()}


class GANTrainer(CETrainer):
    r"""The GAN baseline of the released code: $P(\mathrm{real}\,|\,x)=\sigma(-c(x))$, BCE for the discriminator,
    the non-saturating loss $-\log\sigma(-c(G(z)))$ for the generator, Adagrad (lr $10^{-3}$), constant lr.
    Its "energy" is the head output $c(x)$ (spec B.3.2)."""

    def __init__(self, ds, members, s: CESettings, rng_seed: int = 0, device: str = "cpu"):
        super().__init__(ds, members, s, rng_seed, device)
        if any(m != "GAN" for m, _ in self.members):
            raise ValueError("GANTrainer trains only the GAN baseline")
        seeds = [sd for _, sd in self.members]
        h = s.hidden
        self.generator = MLP(seeds, [s.noise_dim, h, h, 2], "relu", "ce/gan-generator", batchnorm=True,
                             init_std=s.gan_gen_init_std)
        self.energy = LinearHeadEnergy(seeds, h, role="ce/gan-discriminator", init_std=s.init_std[0])
        self.place()
        self.opt_energy = torch.optim.Adagrad(self.energy.parameters(), lr=s.gan_lr, foreach=True)
        self.opt_gen = torch.optim.Adagrad(self.generator.parameters(), lr=s.gan_lr, foreach=True)

    def modules(self):
        return {"generator": self.generator, "energy": self.energy}

    def optims(self):
        return {"energy": self.opt_energy, "gen": self.opt_gen}

    def step(self) -> dict[str, torch.Tensor]:
        real = self.real_batch()
        fake = self.generator(self.randn(self.M, self.B, self.s.noise_dim))
        # -log sigma(-c(x)) - log(1 - sigma(-c(x~))) = softplus(c(x)) + softplus(-c(x~))
        loss_d = F.softplus(self.energy(real)).mean(1) + F.softplus(-self.energy(fake.detach())).mean(1)
        self.opt_energy.zero_grad(set_to_none=True)
        loss_d.sum().backward()
        self.opt_energy.step()
        loss_g = F.softplus(self.energy(fake)).mean(1)
        self.opt_gen.zero_grad(set_to_none=True)
        loss_g.sum().backward(inputs=list(self.generator.parameters()))
        self.opt_gen.step()
        self.iteration += 1
        return {"discriminator": loss_d.detach(), "generator": loss_g.detach()}
