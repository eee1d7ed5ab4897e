r"""Stein Bridging on images (spec A.1.6, A.2, A.5): one (method, seed) per :class:`ImageTrainer` on
:func:`paperlib.training.fit`.

Methods (the rows of Tables 2-3 and the energies of Fig. 8):

* ``WGAN-GP`` (+LR / +ER / +VA): critic $\mathcal L_D=\bar D(\tilde x)-\bar D(x)+\lambda_p\,\overline{\max(0,\|\nabla D(\hat x)\|-1)}$
  (the code's one-sided, non-squared penalty), generator $-\bar D(G(z))$. The plain WGAN-GP member also trains
  an energy on the data alone by the Stein term: that energy is **DEM** (as in the synthetic chapter).
* ``DCGAN`` (+LR / +ER / +VA): the same nets with the JS game (non-saturating generator) — the conditional
  MNIST baselines.
* ``Joint-W`` / ``Joint-JS`` (eq. 5): the W or JS game plus, every ``estimator_every`` iterations, one step of
  energy and Stein critic on $\mathbb S(P_r,p_\phi)+L_t\,\mathbb S(P_\theta,p_\phi)$ (energy descends, critic
  ascends) and one generator step on $L_t\,\mathbb S(P_\theta,p_\phi)$; $L_t=\min(t/(rT),1)$ is the bridge ramp
  and the bridge is off before ``bridge_start`` (the warm-up of §5.6).
* ``DGM`` (Kim & Bengio 2016): energy $\bar E(x)-\bar E(G(z))$; generator $\bar E(G(z))-\sum\log|\gamma_{BN}|$ [recon].
* ``EGAN`` (Dai et al. 2017, EGAN-Ent-NN [recon]): energy $\bar E(x)-\bar E(G(z))$ with the gap-driven schedule,
  generator $\bar E(G(z))$ plus the unit-normalised kNN entropy direction; its energy is the critic's linear
  output, as Dai et al.'s discriminator (a softplus energy, bounded below, let the generator collapse at the
  ``cpu`` budget: IS 1.2). ``EGAN-Ent-NN`` is the same model under the Calibrating-EBGAN name.
* ``EGAN-Const``: the same energy game with no entropy term; ``EGAN-Ent-VI`` (Dai et al. eqs. 12-16, 26): the
  generator adds ``vi_weight`` times the NLL of its noise under an inference net $q(z|x)=\mathcal N(\mu(x),
  \mathrm{diag}\,\sigma^2(x))$ (the critic's trunk with $2d_z$ outputs), trained on the same NLL (spec B.2.2,
  B.3.4); the code's $\tfrac12\sum\log\sigma$ is kept. ``score_penalty`` adds the CIFAR code's
  $0.01(\overline{E_F^2}+\overline{E_T^2})$ to the energy's loss. ``gap_schedule=False`` updates every net at every step
  (the CIFAR code); ``lr_energy`` > 0 gives the energy its own learning rate (the CIFAR code's 2e-5).

The Stein term $\mathbb S(Q,p_\phi)$ (score $s_\phi=-\nabla_xE_\phi$) comes in two forms (``stein``):

* ``"code"``: the released code's — a scalar critic $f_\omega$ tiled to all $d$ coordinates,
  $r_j=\frac1B\sum_i[s_{\phi,j}(x_i)f_\omega(x_i)+d\,\partial_jf_\omega(x_i)]$, $\mathbb S=\max_j|r_j|$;
* ``"vector"`` [recon]: $f_\omega:\mathbb R^d\to\mathbb R^d$, $\mathbb S=\frac1B\sum_i[s_\phi(x_i)^\top f_\omega(x_i)
  +\varepsilon_i^\top\nabla_x(\varepsilon_i^\top f_\omega)(x_i)]$ with Rademacher $\varepsilon$ (Hutchinson), the critic
  penalised by $\lambda_f\overline{\|f_\omega\|^2}$ (Grathwohl et al. 2020).

+LR / +ER use the score of a denoising auto-encoder, $(r_\sigma(x)-x)/\sigma^2$, on real data (LR) or on the
generator's samples (ER), in the surrogate $\mp\lambda\,\mathrm{sg}[\hat s(\tilde x)]^\top\tilde x$; +VA decays the
LR weight linearly to 0 over the first ``va_fraction`` of training [recon] (spec A.2).
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from paperlib.core.devices import place
from paperlib.core.settings import from_params
from paperlib.estimators.entropy import knn_unit_direction
from paperlib.estimators.image_metrics import diversity
from paperlib.methods.common import gap_masks
from paperlib.nets.sb_dcgan import (Critic, Denoiser, DigitClassifier, Energy, Generator, SteinCritic,
                                    VectorSteinCritic)

# name -> (game, likelihood reg, entropy reg, annealed, joint)
IMAGE_METHODS = {
    "WGAN-GP": ("wgan", False, False, False, False),
    "WGAN-GP+LR": ("wgan", True, False, False, False),
    "WGAN-GP+ER": ("wgan", False, True, False, False),
    "WGAN-GP+VA": ("wgan", True, False, True, False),
    "Joint-W": ("wgan", False, False, False, True),
    "DCGAN": ("gan", False, False, False, False),
    "DCGAN+LR": ("gan", True, False, False, False),
    "DCGAN+ER": ("gan", False, True, False, False),
    "DCGAN+VA": ("gan", True, False, True, False),
    "Joint-JS": ("gan", False, False, False, True),
    "DGM": ("dgm", False, False, False, False),
    "EGAN": ("egan", False, False, False, False),
    "EGAN-Ent-NN": ("egan", False, False, False, False),
    "EGAN-Const": ("egan", False, False, False, False),
    "EGAN-Ent-VI": ("egan", False, False, False, False),
}
# the entropy term of each energy-GAN method (Dai et al. 2017): kNN direction, variational NLL, or none
EGAN_ENTROPY = {"EGAN": "nn", "EGAN-Ent-NN": "nn", "EGAN-Const": None, "EGAN-Ent-VI": "vi"}
# the energy each estimator of Fig. 8 / Figs. 11-13 reads: DEM is the plain WGAN-GP member's data-only energy
ENERGY_OF = {"DEM": "WGAN-GP", "Joint-W": "Joint-W", "Joint-JS": "Joint-JS", "DGM": "DGM", "EGAN": "EGAN"}


@dataclass(frozen=True)
class ImageSettings:
    """Spec A.1.6 (the CIFAR code) unless marked; ``width`` scales every channel count (1 = the code's)."""

    dataset: str = "stand-in"        # stand-in (vendored MNIST test set) | mnist | cifar10 | fake-mnist | fake-cifar10
    conditional: bool = False
    width: float = 1.0
    batch: int = 100
    epochs: float = 500.0
    iterations: int = 0              # 0: epochs x batches per epoch
    noise_dim: int = 100
    lambda_gp: float = 100.0
    n_critic: int = 1
    lr: float = 2e-4                 # Adam, beta1 0.5: critic and generator (W / JS part)
    lr_estimator: float = 2e-4       # Adam, beta1 0.9: energy, Stein critic, generator bridge
    estimator_every: int = 5
    bridge_ramp: float = 0.25        # L_t = min(t / (ramp T), 1)
    bridge_start: int = 0            # warm-up: iterations with the bridge off
    stein: str = "code"              # code | vector
    stein_l2: float = 1.0            # vector critic's L2 penalty [recon]
    reg_weight: float = 0.001        # lambda of +LR / +ER [recon]: the surrogate sums d = 1,024 pixels
    dae_sigma: float = 0.1           # DAE noise std (pixels in [-1, 1]) [recon]
    va_fraction: float = 0.5
    knn_k: int = 20
    knn_alpha: float = 0.02
    gap_window: tuple = (-1.2, 0.1)
    gap_schedule: bool = True        # EGAN: the gap-driven update schedule after epoch 0 (False: the CIFAR code)
    lr_energy: float = 0.0           # EGAN: the energy's Adam lr (0: ``lr``)
    vi_weight: float = 0.1           # EGAN-Ent-VI: weight of the noise NLL (the CIFAR code's reg_cst)
    score_penalty: float = 0.0       # EGAN: weight of the energy's squared output on real and generated images
    quirk_gp_height_axis: bool = False   # the code reduces the gradient norm over the height axis only
    eval_every: int = 100
    eval_samples: int = 1000
    fixed_noise: int = 500

    @classmethod
    def from_params(cls, params: dict[str, Any], knobs=()) -> "ImageSettings":
        return from_params(cls, params, knobs=knobs)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def stein_code(score: torch.Tensor, f: torch.Tensor, grad_f: torch.Tensor) -> torch.Tensor:
    r"""The code's statistic $\max_j|\frac1B\sum_i[s_{ij}f_i+d\,\partial_jf_i]|$ (``score``, ``grad_f``: (B, d); ``f``: (B,))."""
    d = score.shape[1]
    return (score * f[:, None] + d * grad_f).mean(0).abs().max()


def stein_vector(score: torch.Tensor, f: torch.Tensor, eps_jvp: torch.Tensor) -> torch.Tensor:
    r"""$\frac1B\sum_i[s_i^\top f_i+\varepsilon_i^\top\nabla(\varepsilon_i^\top f)_i]$ (all (B, d))."""
    return ((score * f).sum(1) + eps_jvp.sum(1)).mean()


class ImageTrainer:
    """One image model; the :class:`paperlib.training.Trainer` protocol. ``scorer`` maps images to class
    logits (the digit classifier) for the logged Inception score, CEPC and fixed-noise classes."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, method: str, seed: int, s: ImageSettings,
                 scorer: Callable[[torch.Tensor], torch.Tensor] | None = None, device: str = "cpu"):
        if method not in IMAGE_METHODS:
            raise KeyError(f"unknown image method {method!r}; available: {', '.join(IMAGE_METHODS)}")
        if s.stein not in ("code", "vector"):
            raise ValueError(f"stein must be 'code' or 'vector', not {s.stein!r}")
        self.game, lr_reg, er_reg, self.annealed, self.joint = IMAGE_METHODS[method]
        self.s, self.method, self.device, self.scorer = s, method, torch.device(device), scorer
        self.members, self.iteration = [(method, seed)], 0
        self.name = f"{s.dataset}{'-cond' if s.conditional else ''}/{method}"
        self.images, self.labels = images, labels
        self.channels = images.shape[1]
        self.k = 10 if s.conditional else 0
        self.per_epoch = math.ceil(len(images) / s.batch)
        self.total = s.iterations or max(1, int(round(s.epochs * self.per_epoch)))
        torch.manual_seed(seed)                           # initial weights: PyTorch's defaults, seeded
        c, w = self.channels, s.width
        self.G = place(Generator(c, w, s.noise_dim, self.k, affine_bn=(self.game == "dgm")), self.device)
        self.nets: dict[str, nn.Module] = {"G": self.G}
        adam = lambda ps, b1: torch.optim.Adam(ps, lr=s.lr if b1 == 0.5 else s.lr_estimator, betas=(b1, 0.999))  # noqa: E731
        self.opts: dict[str, torch.optim.Optimizer] = {"G": adam(self.G.parameters(), 0.5)}
        if self.game in ("wgan", "gan"):
            self.D = self._add("D", Critic(c, w, 1, self.k), 0.5)
        self.has_energy = self.joint or method == "WGAN-GP" or self.game in ("dgm", "egan")
        if self.has_energy:   # EGAN's energy is Dai et al.'s discriminator: the critic's linear output
            energy = Critic(c, w, 1, self.k) if self.game == "egan" else Energy(c, w, self.k)
            self.E = self._add("E", energy, 0.5 if self.game in ("dgm", "egan") else 0.9)
            if self.game == "egan" and s.lr_energy:
                for group in self.opts["E"].param_groups:
                    group["lr"] = s.lr_energy
        self.entropy = EGAN_ENTROPY.get(method)
        if self.entropy == "vi":   # q(z|x): the critic's trunk with (mu, log sigma) outputs
            self.Q = self._add("Q", Critic(c, w, 2 * s.noise_dim, self.k), 0.5)
        if self.joint or method == "WGAN-GP":
            critic = SteinCritic if s.stein == "code" else VectorSteinCritic
            self.F = self._add("F", critic(c, w, self.k), 0.9)
        if self.joint:
            self.opts["G_bridge"] = adam(self.G.parameters(), 0.9)
        self.lr_w = s.reg_weight if lr_reg else 0.0
        self.er_w = s.reg_weight if er_reg else 0.0
        if lr_reg:
            self.dae_data = self._add("dae_data", Denoiser(c, w), 0.9)
        if er_reg:
            self.dae_gen = self._add("dae_gen", Denoiser(c, w), 0.9)
        self.rng = torch.Generator().manual_seed(10_000 + seed)
        g = torch.Generator().manual_seed(77)            # the same fixed noise for every method (Fig. 6)
        self.fixed_z = torch.rand(s.fixed_noise, s.noise_dim, generator=g) * 2 - 1
        self.fixed_y = torch.arange(s.fixed_noise) % 10
        self.gap = 0.0
        self._order, self._pos = None, 0

    def _add(self, key: str, net: nn.Module, beta1: float) -> nn.Module:
        net = place(net, self.device)
        self.nets[key] = net
        lr = self.s.lr if beta1 == 0.5 else self.s.lr_estimator
        self.opts[key] = torch.optim.Adam(net.parameters(), lr=lr, betas=(beta1, 0.999))
        return net

    # ------------------------------------------------------------------------------- pieces
    def _batch(self) -> tuple[torch.Tensor, torch.Tensor]:
        n, b = len(self.images), min(self.s.batch, len(self.images))
        if self._order is None or self._pos + b > n:
            self._order, self._pos = torch.randperm(n, generator=self.rng), 0
        idx = self._order[self._pos:self._pos + b]
        self._pos += b
        return place(self.images[idx], self.device), place(self.labels[idx], self.device)

    def _noise(self, n: int) -> torch.Tensor:
        self._last_z = place(torch.rand(n, self.s.noise_dim, generator=self.rng) * 2 - 1, self.device)
        return self._last_z

    def noise_nll(self, z: torch.Tensor, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        r"""$\overline{-\log q(z|x)}$ as the code writes it (spec B.2.2):
        $\tfrac12\sum_j\log\sigma_j+\tfrac12\sum_j((z_j-\mu_j)/(10^{-6}+\sigma_j))^2$, batch mean."""
        mu, log_sigma = self.Q.features(x, y).chunk(2, dim=1)
        sigma = log_sigma.exp()
        return (0.5 * log_sigma.sum(1) + 0.5 * ((z - mu) / (1e-6 + sigma)).pow(2).sum(1)).mean()

    def _y(self, y: torch.Tensor) -> torch.Tensor | None:
        return y if self.k else None

    def bridge_weight(self) -> float:
        """$L_t$: 0 before ``bridge_start``, then the linear ramp over ``bridge_ramp`` of the run."""
        t, s = self.iteration, self.s
        if not self.joint or t < s.bridge_start:
            return 0.0
        ramp = s.bridge_ramp * self.total
        return 1.0 if ramp <= 0 else min((t - s.bridge_start + 1) / ramp, 1.0)

    def stein(self, x: torch.Tensor, y: torch.Tensor | None, graph: bool = True) -> torch.Tensor:
        """$\\mathbb S(Q,p_\\phi)$ on the images ``x`` (with the graph to every network and to ``x``)."""
        if not x.requires_grad:
            x = x.detach().requires_grad_(True)
        energy = self.E(x, y)
        score = -torch.autograd.grad(energy.sum(), x, create_graph=graph)[0].flatten(1)
        if self.s.stein == "code":
            f = self.F(x, y)
            grad_f = torch.autograd.grad(f.sum(), x, create_graph=graph)[0].flatten(1)
            return stein_code(score, f, grad_f)
        f = self.F(x, y)
        eps = (torch.randint(0, 2, f.shape, generator=self.rng).float() * 2 - 1).to(f.device)
        jvp = torch.autograd.grad((f * eps).sum(), x, create_graph=graph)[0] * eps
        self._f_norm = f.flatten(1).pow(2).sum(1).mean()
        return stein_vector(score, f.flatten(1), jvp.flatten(1))

    def _penalty(self, real: torch.Tensor, fake: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        u = place(torch.rand(len(real), 1, 1, 1, generator=self.rng), self.device)
        hat = (u * fake + (1 - u) * real).requires_grad_(True)
        grad = torch.autograd.grad(self.D(hat, y).sum(), hat, create_graph=True)[0]
        if self.s.quirk_gp_height_axis:   # the code's bug: the norm over the height axis only
            norm = grad.pow(2).sum(2).sqrt()
        else:
            norm = grad.flatten(1).norm(dim=1)
        return F.relu(norm - 1).mean()

    def _update(self, key: str, loss: torch.Tensor, params=None) -> None:
        opt = self.opts[key]
        opt.zero_grad(set_to_none=True)
        loss.backward(inputs=list(params if params is not None else self.nets[key].parameters()))
        opt.step()

    # ------------------------------------------------------------------------------- one iteration
    def step(self) -> dict[str, torch.Tensor]:
        s, losses = self.s, {}
        real, y = self._batch()
        yc = self._y(y)
        if self.game in ("wgan", "gan"):
            for _ in range(s.n_critic):
                fake = self.G(self._noise(len(real)), yc).detach()
                d_real, d_fake = self.D(real, yc), self.D(fake, yc)
                if self.game == "wgan":
                    loss_d = d_fake.mean() - d_real.mean() + s.lambda_gp * self._penalty(real, fake, yc)
                else:
                    loss_d = F.softplus(-d_real).mean() + F.softplus(d_fake).mean()
                self._update("D", loss_d)
            fake = self.G(self._noise(len(real)), yc)
            d_fake = self.D(fake, yc)
            loss_g = -d_fake.mean() if self.game == "wgan" else F.softplus(-d_fake).mean()
            loss_g = loss_g + self._regularisers(real, fake)
            self._update("G", loss_g, self.G.parameters())
            losses.update(critic=loss_d.detach(), generator=loss_g.detach())
        else:
            fake = self.G(self._noise(len(real)), yc)
            e_real, e_fake_d = self.E(real, yc), self.E(fake.detach(), yc)
            loss_e = e_real.mean() - e_fake_d.mean()
            if s.score_penalty:   # the CIFAR code's smoothness term 0.01 (mean score_F^2 + mean score_T^2)
                loss_e = loss_e + s.score_penalty * (e_real.pow(2).mean() + e_fake_d.pow(2).mean())
            upd_e = upd_g = True
            if self.game == "egan" and s.gap_schedule and self.iteration >= self.per_epoch:   # joint in epoch 0
                m_e, m_g = gap_masks(torch.tensor(self.gap), s.gap_window)
                upd_e, upd_g = bool(m_e), bool(m_g)
            if upd_e:
                self._update("E", loss_e)
            e_fake = self.E(fake, yc).mean()
            if self.game == "dgm":
                loss_g = e_fake - self.G.bn_log_scale()
            elif self.entropy == "nn":
                with torch.no_grad():
                    direction = knn_unit_direction(fake.detach(), min(s.knn_k, len(fake) - 1))
                loss_g = e_fake + s.knn_alpha * (direction * fake).flatten(1).sum()
            elif self.entropy == "vi":
                nll = self.noise_nll(self._last_z, fake, yc)
                loss_g = e_fake + s.vi_weight * nll
            else:
                loss_g = e_fake
            if upd_g:
                self._update("G", loss_g, self.G.parameters())
            if self.entropy == "vi":   # the inference net learns on the same NLL at every step
                self._update("Q", s.vi_weight * self.noise_nll(self._last_z, fake.detach(), yc))
                losses["noise_nll"] = nll.detach()
            self.gap = float(loss_e.detach())
            losses.update(energy=loss_e.detach(), generator=loss_g.detach())
        if hasattr(self, "F") and self.iteration % s.estimator_every == 0:
            losses.update(self._estimator_step(real, yc))
        self.iteration += 1
        return {k: v.reshape(1) for k, v in losses.items()}

    def _regularisers(self, real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
        """+LR / +ER surrogates on the generator and one step of their denoising auto-encoders."""
        out = fake.new_zeros(())
        sigma = self.s.dae_sigma
        noisy = lambda x: x + sigma * place(torch.randn(x.shape, generator=self.rng), self.device)  # noqa: E731
        if self.lr_w:
            w = self.lr_w * (max(0.0, 1 - self.iteration / (self.s.va_fraction * self.total)) if self.annealed else 1.0)
            with torch.no_grad():
                score = (self.dae_data(fake) - fake) / sigma**2
            out = out - w * (score * fake).flatten(1).sum(1).mean()
            self._update("dae_data", (self.dae_data(noisy(real)) - real).pow(2).flatten(1).sum(1).mean())
        if self.er_w:
            with torch.no_grad():
                score = (self.dae_gen(fake) - fake) / sigma**2
            out = out + self.er_w * (score * fake).flatten(1).sum(1).mean()
            fk = fake.detach()
            self._update("dae_gen", (self.dae_gen(noisy(fk)) - fk).pow(2).flatten(1).sum(1).mean())
        return out

    def _estimator_step(self, real: torch.Tensor, y: torch.Tensor | None) -> dict[str, torch.Tensor]:
        """Energy (descends) and Stein critic (ascends) on $\\mathbb S(P_r)+L_t\\mathbb S(P_\\theta)$, then the
        generator on $L_t\\mathbb S(P_\\theta)$."""
        L = self.bridge_weight()
        s_data = self.stein(real, y)
        penalty = self.s.stein_l2 * self._f_norm if self.s.stein == "vector" else 0.0
        loss = s_data
        if L > 0:
            fake = self.G(self._noise(len(real)), y)
            loss = loss + L * self.stein(fake.detach(), y)
        e_params, f_params = list(self.E.parameters()), list(self.F.parameters())
        grads = torch.autograd.grad(loss, e_params + f_params, retain_graph=torch.is_tensor(penalty), allow_unused=True)
        pen_grads = (torch.autograd.grad(penalty, f_params, allow_unused=True) if torch.is_tensor(penalty)
                     else [None] * len(f_params))
        for p, g in zip(e_params, grads[:len(e_params)]):
            p.grad = None if g is None else g
        for p, g, gp in zip(f_params, grads[len(e_params):], pen_grads):   # ascent on S, descent on the penalty
            p.grad = None if g is None else (-g + (gp if gp is not None else 0))
        self.opts["E"].step(), self.opts["F"].step()
        out = {"stein_data": s_data.detach()}
        if L > 0:
            bridge = L * self.stein(self.G(self._noise(len(real)), y), y)
            self._update("G_bridge", bridge, self.G.parameters())
            out["stein_bridge"] = bridge.detach()
        return out

    # ------------------------------------------------------------------------------- read-outs
    @torch.no_grad()
    def generate(self, n: int, seed: int | None = None, labels: torch.Tensor | None = None,
                 z: torch.Tensor | None = None, chunk: int = 500) -> tuple[torch.Tensor, torch.Tensor]:
        """(``n`` images in [−1, 1] on the CPU, their labels: balanced 0..9 for a conditional model, −1 otherwise)."""
        if z is None:
            g = torch.Generator().manual_seed(12345 if seed is None else seed)
            z = torch.rand(n, self.s.noise_dim, generator=g) * 2 - 1
        if labels is None:
            labels = torch.arange(len(z)) % 10 if self.k else torch.full((len(z),), -1)
        self.G.eval()
        out = torch.cat([self.G(place(zc, self.device), place(yc, self.device) if self.k else None).cpu()
                         for zc, yc in zip(z.split(chunk), labels.split(chunk))])
        self.G.train()
        return out, labels

    @torch.no_grad()
    def energy(self, x: torch.Tensor, labels: torch.Tensor | None = None, chunk: int = 500) -> torch.Tensor:
        """$E_\\phi$ (eval-mode batch norm) of images in [−1, 1]; a conditional energy needs the labels."""
        if not self.has_energy:
            raise ValueError(f"{self.method} has no energy")
        self.E.eval()
        if labels is None:
            labels = torch.zeros(len(x), dtype=torch.long)
        out = torch.cat([self.E(place(xc, self.device), place(yc, self.device) if self.k else None).cpu()
                         for xc, yc in zip(x.split(chunk), labels.split(chunk))])
        self.E.train()
        return out

    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        """The pixel diversity of ``eval_samples`` samples (:func:`~paperlib.estimators.image_metrics.diversity`)
        and, with a classifier, their Inception score, CEPC and mean confidence (the top class's probability), the
        classes it gives the fixed-noise samples (Fig. 6) and the first 8 of those images."""
        x, _ = self.generate(self.s.eval_samples)
        out = {"diversity": np.array([diversity(x)])}
        if self.scorer is None:
            return out
        logits = self.scorer(x)
        fixed, _ = self.generate(len(self.fixed_z), z=self.fixed_z, labels=self.fixed_y if self.k else None)
        p = logits.double().softmax(1)
        is_ = inception_score_plain(logits)
        return out | {"is": np.array([is_]), "cepc": np.array([float(-(p * p.clamp_min(1e-30).log()).sum(1).mean())]),
                      "confidence": np.array([float(p.max(1).values.mean())]),
                      "fixed_class": self.scorer(fixed).argmax(1).numpy()[None],
                      "fixed_images": fixed[:8].numpy().astype(np.float16)[None]}

    def modules(self) -> dict[str, nn.Module]:
        return dict(self.nets)

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "gap": self.gap, "rng": self.rng.get_state(), "order": self._order,
                "pos": self._pos, "nets": {k: m.state_dict() for k, m in self.nets.items()},
                "opts": {k: o.state_dict() for k, o in self.opts.items()}}

    def load_state_dict(self, st: dict) -> None:
        self.iteration, self.gap, self._order, self._pos = st["iteration"], st["gap"], st["order"], st["pos"]
        self.rng.set_state(st["rng"])
        for k, m in self.nets.items():
            m.load_state_dict(st["nets"][k])
        for k, o in self.opts.items():
            o.load_state_dict(st["opts"][k])


def inception_score_plain(logits: torch.Tensor) -> float:
    r"""$\exp(\mathbb E_x\mathrm{KL}(p(y|x)\|p(y)))$ on one split: the cheap learning-curve read-out (the tables use
    :func:`paperlib.estimators.image_metrics.inception_score`, 10 splits)."""
    logp = logits.double().log_softmax(1)
    p = logp.exp()
    return float((p * (logp - p.mean(0).clamp_min(1e-30).log())).sum(1).mean().exp())


class ClassifierTrainer:
    """The digit classifier (cross-entropy, Adam 1e-3) on :func:`paperlib.training.fit`."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor, held_out: tuple[torch.Tensor, torch.Tensor],
                 seed: int = 0, batch: int = 128, device: str = "cpu"):
        torch.manual_seed(seed)
        self.net = place(DigitClassifier(images.shape[1]), torch.device(device))
        self.opt = torch.optim.Adam(self.net.parameters(), lr=1e-3)
        self.images, self.labels, self.held_out, self.batch = images, labels, held_out, batch
        self.device, self.members, self.iteration, self.name = torch.device(device), [("classifier", seed)], 0, "classifier"
        self.rng = torch.Generator().manual_seed(seed)

    def step(self) -> dict[str, torch.Tensor]:
        idx = torch.randint(0, len(self.images), (self.batch,), generator=self.rng)
        x = self.images[idx]
        x = x + 0.05 * torch.randn(x.shape, generator=self.rng)   # light noise: generated digits are never clean
        loss = F.cross_entropy(self.net(place(x, self.device)), place(self.labels[idx], self.device))
        self.opt.zero_grad(set_to_none=True)
        loss.backward()
        self.opt.step()
        self.iteration += 1
        return {"cross_entropy": loss.detach().reshape(1)}

    @torch.no_grad()
    def logits(self, x: torch.Tensor, chunk: int = 1000) -> torch.Tensor:
        self.net.eval()
        out = torch.cat([self.net(place(c, self.device)).cpu() for c in x.split(chunk)])
        self.net.train()
        return out

    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        x, y = self.held_out
        return {"accuracy": np.array([float((self.logits(x).argmax(1) == y).float().mean())])}

    def modules(self) -> dict[str, nn.Module]:
        return {"classifier": self.net}

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "rng": self.rng.get_state(), "net": self.net.state_dict(),
                "opt": self.opt.state_dict()}

    def load_state_dict(self, st: dict) -> None:
        self.iteration = st["iteration"]
        self.rng.set_state(st["rng"])
        self.net.load_state_dict(st["net"]), self.opt.load_state_dict(st["opt"])
