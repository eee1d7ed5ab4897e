r"""Generators and energy estimators of the synthetic experiments, behind one trainer protocol.

Methods (spec A.1.4 and A.2), each a :class:`Method`:

* adversarial family — a generator $G_\theta$, a critic $D_\psi$ (Wasserstein with a gradient penalty,
  or the non-saturating GAN game) and an energy $E_\phi$ trained by the kernel Stein discrepancy:
  GAN, WGAN-GP, their +LR / +ER / +VA variants, and Joint-JS / Joint-W (Stein Bridging, eq. 5).
  In every un-bridged member the energy sees only the data, so the WGAN-GP member's energy *is* DEM.
* energy-GAN family — the energy is the discriminator (Dai et al. 2017; Kim & Bengio 2016):
  EGAN (nearest-neighbour entropy gradient) and DGM (batch-norm scale entropy).

A family trains all its (method, seed) members at once as one member-batched model
(:mod:`paperlib.nets.batched`), driven by :func:`paperlib.training.fit`.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property
from typing import Any, Sequence

import numpy as np
import torch
import torch.nn.functional as F

from paperlib.data.toy import ToyDataset
from paperlib.estimators import entropy, metrics, stein
from paperlib.methods.common import ToyTrainer, adam, gap_masks, margin_cost, rmsprop
from paperlib.nets.batched import MLP, LinearHeadEnergy, SigmoidExpertEnergy


# ----------------------------------------------------------------------------------------- methods
@dataclass(frozen=True)
class Method:
    name: str
    family: str                        # "adversarial" | "energy_gan"
    critic: str = "wgan"               # adversarial: "wgan" | "gan"
    likelihood_reg: bool = False       # +LR: generator loss - lambda E log p_data(G(z))
    entropy_reg: bool = False          # +ER: generator loss + lambda E log p_gen(G(z))
    annealed: bool = False             # +VA: the LR weight decays linearly to 0
    bridge: bool = False               # Stein bridge between generator and energy (Joint-*)
    entropy: str = ""                  # energy_gan: "knn" (EGAN) | "bn" (DGM)
    estimator: str | None = None       # name under which this member's energy is reported


def _adv(name, critic, **kw):
    return Method(name, "adversarial", critic, **kw)


SB_METHODS: dict[str, Method] = {m.name: m for m in [
    _adv("GAN", "gan"),
    _adv("GAN+LR", "gan", likelihood_reg=True),
    _adv("GAN+ER", "gan", entropy_reg=True),
    _adv("GAN+VA", "gan", likelihood_reg=True, annealed=True),
    _adv("WGAN-GP", "wgan", estimator="DEM"),
    _adv("WGAN-GP+LR", "wgan", likelihood_reg=True),
    _adv("WGAN-GP+ER", "wgan", entropy_reg=True),
    _adv("WGAN-GP+VA", "wgan", likelihood_reg=True, annealed=True),
    _adv("Joint-JS", "gan", bridge=True, estimator="Joint-JS"),
    _adv("Joint-W", "wgan", bridge=True, estimator="Joint-W"),
    Method("EGAN", "energy_gan", entropy="knn", estimator="EGAN"),
    Method("DGM", "energy_gan", entropy="bn", estimator="DGM"),
]}
GENERATORS = ["GAN", "GAN+LR", "GAN+ER", "GAN+VA", "WGAN-GP", "WGAN-GP+LR", "WGAN-GP+ER", "WGAN-GP+VA",
              "DGM", "Joint-JS", "Joint-W"]
ESTIMATORS = {"DEM": "WGAN-GP", "EGAN": "EGAN", "DGM": "DGM", "Joint-JS": "Joint-JS", "Joint-W": "Joint-W"}


def method(name: str) -> Method:
    if name not in SB_METHODS:
        import difflib
        close = difflib.get_close_matches(name, list(SB_METHODS), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise KeyError(f"unknown method {name!r}{hint}; methods: {', '.join(SB_METHODS)}")
    return SB_METHODS[name]


# ----------------------------------------------------------------------------------------- settings
@dataclass(frozen=True)
class TrainSettings:
    """Hyper-parameters of one synthetic run (spec A.1.5; defaults = the released code, lr aside)."""

    iterations: int = 20_000
    batch: int = 100
    noise_dim: int = 4
    noise_std: float = 10.0
    hidden: int = 128
    gen_activation: str = "tanh"            # Two-Circle tanh, Two-Spiral leaky ReLU (code)
    n_critic: int = 6                        # the code's loop runs n_critic + 1 = 6 times
    lr_critic: float = 1e-5
    lr_gen: float = 1e-5
    lr_energy: float = 1e-3                  # RMSProp, KSD steps of the energy
    lr_gen_bridge: float = 1e-5              # RMSProp, KSD step of the generator
    gp_weight: float = 1.0                   # Two-Circle 1, Two-Spiral 100
    gp_form: str = "one-sided"               # code: max(0, |grad|-1); "two-sided": (|grad|-1)^2 (Gulrajani)
    ksd_bandwidth: float = 1.0
    reg_weight: float = 0.1                  # lambda of +LR / +ER [recon]
    dae_sigma: float = 0.1                   # DAE noise, as a fraction of the data std [recon]
    va_fraction: float = 0.5                 # +VA: lambda -> 0 over this fraction of the run [recon]
    bridge_start: int = 0                    # warm-up: bridge off before this iteration (Fig. 7c)
    bridge_ramp: int = 0                     # then ramp its weight linearly over this many iterations
    # energy-GAN family (CE synthetic recipe, spec B.3.1-B.3.2)
    ebgan_batch: int = 500
    ebgan_lr: float = 2e-4                   # energy; the generator uses 10x
    ebgan_init_std: tuple = (0.01, 0.001)    # (energy, generator) normal init std
    knn_k: int = 20
    knn_weight: float = 0.25                 # alpha * B of the CE code
    bn_weight: float = 1.0                   # DGM entropy weight
    margin: float = 10.0
    gap_window: tuple = (-10.0, 0.1)
    # evaluation
    eval_every: int = 1000
    eval_samples: int = 2000
    eval_mesh: int = 100                     # mesh of the KL/JS logged during training
    final_mesh: int = 300
    # quirks of the released code (False = fixed, the default)
    quirk_density_score: bool = False        # Q1: grad exp(-E) used as the score in training
    quirk_no_shuffle: bool = False           # Q2: consecutive slices of the stored array
    quirk_critic_lr: bool = False            # Q3: the critic optimiser uses the generator lr
    # implementation: input gradients (penalty, scores) by autograd.grad(create_graph=True), the reference path;
    # False = the chain rule written out (nets.batched), equal to float round-off and about 2x faster
    autograd_input_grads: bool = False

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


# Per-dataset settings of the released code (A.1.5) that differ between Two-Circle and Two-Spiral.
DATASET_SETTINGS = {
    "two_circle": {"gp_weight": 1.0, "gen_activation": "tanh", "ebgan_init_std": (0.01, 0.001)},
    "two_spiral": {"gp_weight": 100.0, "gen_activation": "leaky_relu", "ebgan_init_std": (0.1, 0.01)},
}


class _SteinBridgingTrainer(ToyTrainer):
    """The evaluation of spec A.4, shared by both Stein Bridging families."""

    def lookup(self, name: str) -> Method:
        return method(name)

    @cached_property
    def _kxx(self) -> float:
        return metrics.kernel_sum(self.ds.reference)

    @cached_property
    def _true_mesh(self) -> dict[int, torch.Tensor]:
        return {n: self.ds.true_density_mesh(n) for n in {self.s.eval_mesh, self.s.final_mesh}}

    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        """MMD and HSR of the generators; KL, JS, AUC and coverage of the energies (spec A.4)."""
        ds, s = self.ds, self.s
        y = self.sample(s.eval_samples).double()
        out = {"mmd": metrics.mmd(ds.reference, y, data_kernel_sum=self._kxx).numpy(),
               "hsr": metrics.hsr(y, ds.means, ds.hsr_threshold).numpy()}
        size = s.final_mesh if final else s.eval_mesh
        _, _, pts = ds.mesh(size)
        logq = self.log_density(pts)
        at_means = self.log_density(ds.means)
        kl, js, cover = [], [], []
        for m in range(self.M):
            q = torch.exp(logq[m] - logq[m].max()).reshape(size, size)
            k, j = metrics.grid_kl_js(self._true_mesh[size], q)
            kl.append(k), js.append(j)
            cover.append(metrics.coverage(at_means[m], logq[m], ds.cover_fraction))
        auc = metrics.means_vs_boxes_auc(self.log_density, ds.means, ds.auc_half_side)
        out.update(kl=np.array(kl), js=np.array(js), auc=auc, cover=np.array(cover))
        return out


class AdversarialTrainer(_SteinBridgingTrainer):
    r"""GAN / WGAN-GP (+LR, +ER, +VA) and Joint-JS / Joint-W; one outer iteration is spec A.1.4:

    1. ``n_critic`` critic steps (Adam): WGAN $D(\tilde x)-D(x)+\lambda_p\max(0,\|\nabla D(\hat x)\|-1)$, or GAN
       $-\log\sigma(D(x))-\log(1-\sigma(D(\tilde x)))$;
    2. one generator step (Adam): $-D(G(z))$ or $-\log\sigma(D(G(z)))$, plus the LR / ER surrogates;
    3. one energy step (RMSProp) on $\widehat{\mathbb S}_k(\{x_i\},p_\phi)$ (this alone is DEM);
    4. one generator step (RMSProp) on $\widehat{\mathbb S}_k(\{G(z_i)\},p_\phi)$ w.r.t. $\theta$ (bridge);
    5. one energy step (RMSProp) on $\widehat{\mathbb S}_k(\{G(z_i)\},p_\phi)$ w.r.t. $\phi$ (bridge).

    Steps 4-5 are weighted per member by 0 (no bridge) or the warm-up schedule (bridge).
    """

    def __init__(self, ds: ToyDataset, members, s: TrainSettings, rng_seed: int = 0,
                 member_data: Sequence[torch.Tensor] | None = None, bridge_starts: Sequence[int] | None = None,
                 device: str = "cpu"):
        super().__init__(ds, members, s, s.batch, rng_seed, member_data, device)
        self.bridge_starts = torch.tensor([s.bridge_start] * self.M if bridge_starts is None else list(bridge_starts),
                                          dtype=torch.float64)
        if any(m.family != "adversarial" for m in self.methods):
            raise ValueError("AdversarialTrainer trains only the adversarial family")
        seeds = [sd for _, sd in self.members]
        h = s.hidden
        self.generator = MLP(seeds, [s.noise_dim, h, h, 2], s.gen_activation, "generator")
        self.critic = MLP(seeds, [2, h, h, 1], "tanh", "critic")
        self.energy = SigmoidExpertEnergy(seeds, h)
        self.eval_noise_std = s.noise_std
        self.is_wgan = self.coef(lambda m: m.critic == "wgan")
        self.bridge = self.coef(lambda m: m.bridge)
        self.lr_w = self.coef(lambda m: m.likelihood_reg) * s.reg_weight
        self.er_w = self.coef(lambda m: m.entropy_reg) * s.reg_weight
        self.annealed = self.coef(lambda m: m.annealed)
        self.use_dae = bool((self.lr_w + self.er_w).any())
        self.sigma = s.dae_sigma * float(self.data.std())
        if self.use_dae:  # denoising auto-encoders: score of the data (LR) and of the samples (ER)
            self.dae_data = MLP(seeds, [2, h, h, 2], "relu", "dae_data")
            self.dae_gen = MLP(seeds, [2, h, h, 2], "relu", "dae_gen")
        self.place()
        if self.use_dae:
            self.opt_dae = adam([*self.dae_data.parameters(), *self.dae_gen.parameters()], lr=1e-3)
        lr_c = s.lr_gen if s.quirk_critic_lr else s.lr_critic
        self.opt_critic = adam(self.critic.parameters(), lr=lr_c)
        self.opt_gen = adam(self.generator.parameters(), lr=s.lr_gen)
        self.opt_energy = rmsprop(self.energy.parameters(), s.lr_energy)
        self.opt_gen_bridge = rmsprop(self.generator.parameters(), s.lr_gen_bridge)
        self.opt_energy_bridge = rmsprop(self.energy.parameters(), s.lr_energy)

    def modules(self):
        mods = {"generator": self.generator, "critic": self.critic, "energy": self.energy}
        if self.use_dae:
            mods.update(dae_data=self.dae_data, dae_gen=self.dae_gen)
        return mods

    def optims(self):
        opts = {"critic": self.opt_critic, "gen": self.opt_gen, "energy": self.opt_energy,
                "gen_bridge": self.opt_gen_bridge, "energy_bridge": self.opt_energy_bridge}
        if self.use_dae:
            opts["dae"] = self.opt_dae
        return opts

    def loss_users(self, name: str) -> torch.Tensor:
        if name == "ksd_bridge":
            return (self.bridge * self.bridge_weight(self.iteration - 1)).cpu() > 0
        return torch.ones(self.M, dtype=torch.bool)

    def bridge_weight(self, t: int) -> torch.Tensor:
        r"""Per-member warm-up $L_t$: 0 before the member's bridge start, then a linear ramp over
        ``bridge_ramp`` iterations (the CIFAR code's $\min(4t/T,1)$ is start 0, ramp T/4)."""
        since = t - self.bridge_starts + 1
        ramp = torch.ones(self.M, dtype=torch.float64) if self.s.bridge_ramp <= 0 else since / self.s.bridge_ramp
        return torch.where(since > 0, ramp.clamp(max=1.0), torch.zeros(())).float().to(self.device)

    def _ksd(self, x: torch.Tensor, create_graph: bool = True) -> torch.Tensor:
        sc = stein.score(self.energy, x, create_graph=create_graph, density_quirk=self.s.quirk_density_score,
                         autograd=self.s.autograd_input_grads)
        return stein.ksd(x, sc, self.s.ksd_bandwidth)

    def _critic_loss(self, real, fake) -> torch.Tensor:
        B, gp = real.shape[1], bool(self.is_wgan.any()) and self.s.gp_weight > 0
        if gp:
            u = self.rand(self.M, self.B, 1)
            xh = u * fake + (1 - u) * real
            if self.s.autograd_input_grads:
                xh.requires_grad_(True)
                d_real, d_fake = self.critic(real).squeeze(-1), self.critic(fake).squeeze(-1)
                (g,) = torch.autograd.grad(self.critic(xh).sum(), xh, create_graph=True)
            else:
                d_real, d_fake = self.critic(real).squeeze(-1), self.critic(fake).squeeze(-1)
                g = self.critic.forward_and_input_grad(xh)[1]
        else:
            d_real, d_fake = self.critic(real).squeeze(-1), self.critic(fake).squeeze(-1)
        w = d_fake.mean(1) - d_real.mean(1)
        if gp:
            norm = g.norm(dim=-1)
            pen = F.relu(norm - 1) if self.s.gp_form == "one-sided" else (norm - 1) ** 2
            w = w + self.s.gp_weight * pen.mean(1)
        js = F.softplus(-d_real).mean(1) + F.softplus(d_fake).mean(1)
        return self.is_wgan * w + (1 - self.is_wgan) * js

    def step(self) -> dict[str, torch.Tensor]:
        t, s = self.iteration, self.s
        # 1. critic
        for _ in range(s.n_critic):
            with torch.no_grad():
                fake = self.generator(self.noise())
            loss_c = self._critic_loss(self.real_batch(), fake)
            self.opt_critic.zero_grad(set_to_none=True)
            loss_c.sum().backward()
            self.opt_critic.step()
        # 2. generator, adversarial part (+LR / +ER surrogates with stop-gradient scores)
        x_fake = self.generator(self.noise())
        d = self.critic(x_fake).squeeze(-1)
        loss_g = self.is_wgan * (-d.mean(1)) + (1 - self.is_wgan) * F.softplus(-d).mean(1)
        if self.use_dae:
            real = self.real_batch()
            fk = x_fake.detach()
            with torch.no_grad():
                s_data = (self.dae_data(fk) - fk) / self.sigma**2      # ~ grad log p_data (Alain & Bengio)
                s_gen = (self.dae_gen(fk) - fk) / self.sigma**2        # ~ grad log p_gen
            va = max(0.0, 1.0 - t / max(1.0, s.va_fraction * s.iterations))
            lam_lr = self.lr_w * torch.where(self.annealed > 0, torch.tensor(va, device=self.device),
                                             torch.tensor(1.0, device=self.device))
            loss_g = loss_g - lam_lr * (s_data * x_fake).sum(-1).mean(1) + self.er_w * (s_gen * x_fake).sum(-1).mean(1)
            noisy = lambda x: x + self.sigma * self.randn(*x.shape)  # noqa: E731
            loss_dae = ((self.dae_data(noisy(real)) - real) ** 2).sum(-1).mean(1) \
                + ((self.dae_gen(noisy(fk)) - fk) ** 2).sum(-1).mean(1)
            self.opt_dae.zero_grad(set_to_none=True)
            loss_dae.sum().backward()
            self.opt_dae.step()
        self.opt_gen.zero_grad(set_to_none=True)
        loss_g.sum().backward()
        self.opt_gen.step()
        # 3. energy on data (DEM)
        loss_e = self._ksd(self.real_batch())
        self.opt_energy.zero_grad(set_to_none=True)
        loss_e.sum().backward()
        self.opt_energy.step()
        out = {"critic": loss_c.detach(), "generator": loss_g.detach(), "ksd_data": loss_e.detach()}
        # 4-5. the Stein bridge
        lam = self.bridge * self.bridge_weight(t)
        if bool(lam.any()):
            loss_b = self._ksd(self.generator(self.noise()))
            self.opt_gen_bridge.zero_grad(set_to_none=True)
            (lam * loss_b).sum().backward(inputs=list(self.generator.parameters()))
            self.opt_gen_bridge.step()
            with torch.no_grad():
                fake = self.generator(self.noise())
            loss_b2 = self._ksd(fake)
            self.opt_energy_bridge.zero_grad(set_to_none=True)
            (lam * loss_b2).sum().backward()
            self.opt_energy_bridge.step()
            out["ksd_bridge"] = loss_b2.detach()
        self.iteration += 1
        return out


class EganDgmTrainer(_SteinBridgingTrainer):
    r"""EGAN / DGM: the energy is the discriminator (Dai et al. 2017, spec B.2-B.3; Kim & Bengio 2016).

    Energy: $\min\;\frac1B\sum_i\max(\bar E(x)-E(\tilde x_i),-m)$ (real low, generated high, margin $m$).
    Generator: $\min\;\frac1B\sum_iE(\tilde x_i)-w\,\hat H$, with $-\nabla_\theta\hat H$ from the surrogate
    $\sum_i\mathrm{sg}[d_i]^\top\tilde x_i$, $d_i=(\mu_i-\tilde x_i)\oslash v_i$ over the $k$ nearest neighbours in the batch
    (EGAN, CE synthetic code), or $\hat H=\sum\log|\gamma|$ of the generator's batch-norm scales (DGM).
    Updates follow the gap-driven schedule of spec B.3.1, per member.
    """

    def __init__(self, ds: ToyDataset, members, s: TrainSettings, rng_seed: int = 0,
                 member_data: Sequence[torch.Tensor] | None = None, bridge_starts=None, device: str = "cpu"):
        super().__init__(ds, members, s, s.ebgan_batch, rng_seed, member_data, device)
        if any(m.family != "energy_gan" for m in self.methods):
            raise ValueError("EnergyGANTrainer trains only the energy-GAN family")
        seeds = [sd for _, sd in self.members]
        h = s.hidden
        std_e, std_g = s.ebgan_init_std
        self.generator = MLP(seeds, [s.noise_dim, h, h, 2], "relu", "generator", batchnorm=True, init_std=std_g)
        self.energy = LinearHeadEnergy(seeds, h, init_std=std_e)
        self.eval_noise_std = 1.0
        self.place()
        self.knn = self.coef(lambda m: m.entropy == "knn") * s.knn_weight
        self.bn = self.coef(lambda m: m.entropy == "bn") * s.bn_weight
        # beta1 = 0 as in the CE code; it also makes a masked (zero-gradient) step a true no-op
        self.opt_energy = adam(self.energy.parameters(), lr=s.ebgan_lr, betas=(0.0, 0.999))
        self.opt_gen = adam(self.generator.parameters(), lr=10 * s.ebgan_lr, betas=(0.0, 0.999))
        self.gap = torch.ones(self.M, device=self.device)

    def modules(self):
        return {"generator": self.generator, "energy": self.energy}

    def optims(self):
        return {"energy": self.opt_energy, "gen": self.opt_gen}

    def extra_state(self):
        return {"gap": self.gap}

    def load_extra_state(self, extra):
        self.gap = extra["gap"].to(self.device)

    def step(self) -> dict[str, torch.Tensor]:
        s = self.s
        upd_e, upd_g = gap_masks(self.gap, s.gap_window)
        real = self.real_batch()
        fake = self.generator(self.noise(std=1.0))
        cost = margin_cost(self.energy(real), self.energy(fake.detach()), s.margin)
        self.opt_energy.zero_grad(set_to_none=True)
        (upd_e * cost).sum().backward()
        self.opt_energy.step()
        e_gen = self.energy(fake).mean(1)
        with torch.no_grad():
            d = entropy.knn_score(fake.detach(), self.s.knn_k, self.knn > 0)
        loss_g = e_gen + self.knn * (d * fake).sum(-1).mean(1) - self.bn * self.generator.bn_log_scales()
        self.opt_gen.zero_grad(set_to_none=True)
        (upd_g * loss_g).sum().backward(inputs=list(self.generator.parameters()))
        self.opt_gen.step()
        self.gap = cost.detach()
        self.iteration += 1
        return {"energy": cost.detach(), "generator": loss_g.detach()}


TRAINERS = {"adversarial": AdversarialTrainer, "energy_gan": EganDgmTrainer}


def make_trainer(ds: ToyDataset, members: Sequence[tuple[str, int]], s: TrainSettings, rng_seed: int = 0,
                 member_data=None, bridge_starts=None, device: str = "cpu"):
    """The trainer of the members' family (all members must belong to one family)."""
    families = {method(name).family for name, _ in members}
    if len(families) != 1:
        raise ValueError(f"one trainer trains one family; got {sorted(families)}")
    return TRAINERS[families.pop()](ds, members, s, rng_seed, member_data, bridge_starts, device)
