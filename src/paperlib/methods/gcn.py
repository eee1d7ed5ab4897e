r"""Energy-based generative ConvNets learned by Langevin maximum likelihood (GGCN paper, spec B.0): FRAME, wFRAME,
GCN, wGCN, MGCN, wMGCN and GGCN with or without amortised sampling and a learned hidden space — one
:class:`GCNTrainer` on :func:`paperlib.training.fit`, whose behaviour is read from the model's components.

Model: $p_\theta(x)\propto\exp(f_\theta(x))\,\mathcal N(x;0,\sigma^2I)$ (B.0.1). One learning iteration:

1. synthesise $\tilde x$: ``langevin_steps`` steps of :func:`paperlib.sampling.langevin.image_langevin` from
   the persistent chains (GCN, FRAME), from the coarser grid's synthesis upsampled (MS: MGCN, Gao et al. 2018,
   restarted from the data's mean colour every iteration), or from the generator's output $g_\phi(z)$, a share of
   the chains starting from a replay buffer (NLU: GGCN; AMS: one step);
2. ascend the log-likelihood: $\mathcal L_\theta=-[\overline{f_\theta(x)}-\overline{f_\theta(\tilde x)}]$, plus with
   JKO the wGCN term $\rho\,\overline{\|\nabla_xf_\theta(\tilde x)-\nabla_xf_\theta(\tilde x^{0})\|^2}$ between each
   chain's start and end of this iteration (= the previous iteration's particles for persistent chains) —
   **[infer]**: the spec B.0.2 candidate for the stripped Eq. 17/18, not the paper's;
3. every ``gen_every`` iterations the generator: least squares toward the revised samples
   $\overline{\|\tilde x-g_\phi(z)\|^2}$ (Eq. 19), or with AMS the amortised ascent of $\log p_\theta(g_\phi(z))$ at
   Eq. 19's scale ($\delta^2$, :meth:`GCNTrainer.ams_loss`);
   with LHS the per-example hidden vectors $z_i\in[-1,1]^{d}$ (SGD, clipped) and $g_\phi$ also descend
   $\overline{\|x_i-g_\phi(z_i)\|^2}$.

The read-outs along the run: the response distance (B.0.7) between the observed images and the synthesis, the
energy gap $\overline{f(x)}-\overline{f(\tilde x)}$, the mean input-gradient norm, the collapse share (images of
pixel std below ``collapse_std``), the artefact share (collapsed, or a pixel beyond ±2), the sharpness (variance of
the Laplacian), and with a scorer the digit classifier's score and mean confidence: all on this iteration's
synthesis, so that a page can judge its claims along the run (:func:`paperlib.experiments.ggcn.along`).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any, Callable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from paperlib.core.devices import place
from paperlib.core.settings import from_params
from paperlib.estimators import image_metrics as im
from paperlib.nets.gcn import ConvEnergy, DeconvGenerator, FrameEnergy, gabor_bank
from paperlib.sampling.langevin import ReplayBuffer, image_langevin


@dataclass(frozen=True)
class Components:
    """Table I's columns (spec B.0.4): learned CNN filters, Wasserstein (JKO) learning, multi-scale grids,
    non-linear upsampling (a generator), hidden input space, amortised sampling, learned hidden space."""

    LCN: bool = False
    JKO: bool = False
    MS: bool = False
    NLU: bool = False
    HS: bool = False
    AMS: bool = False
    LHS: bool = False


# The model registry: Table I is read from it (spec B.0.4 [infer]: its cells are stripped in the paper).
MODELS: dict[str, Components] = {
    "FRAME": Components(),
    "wFRAME": Components(JKO=True),
    "GCN": Components(LCN=True),
    "wGCN": Components(LCN=True, JKO=True),
    "MGCN": Components(LCN=True, MS=True),
    "wMGCN": Components(LCN=True, JKO=True, MS=True),
    "GGCN-LHS+AMS": Components(LCN=True, JKO=True, NLU=True, HS=True, AMS=True),
    "GGCN+AMS": Components(LCN=True, JKO=True, NLU=True, HS=True, AMS=True, LHS=True),
    "GGCN": Components(LCN=True, JKO=True, NLU=True, HS=True, LHS=True),
}
COMPONENT_NAMES = {"LCN": "learned CNN filters", "JKO": "Wasserstein (JKO) learning", "MS": "multi-scale grids",
                   "NLU": "non-linear upsampling", "HS": "hidden input space", "AMS": "amortised sampling",
                   "LHS": "learned hidden space"}

# Fig. 2: the families of generative models the paper contrasts (what maps what, and how it is learned).
FAMILIES = {
    "GAN": {"maps": "z → x (generator)", "learns by": "a discriminator's game", "density": "implicit"},
    "VAE": {"maps": "x → z → x (encoder, decoder)", "learns by": "the evidence lower bound", "density": "bound"},
    "Flow": {"maps": "z ↔ x (invertible)", "learns by": "exact likelihood", "density": "exact"},
    "EBM / GCN": {"maps": "x → f(x) (energy)", "learns by": "MLE with Langevin samples", "density": "unnormalised"},
    "GGCN": {"maps": "z → x → f(x) (generator + synthesiser)", "learns by": "MLE + response losses",
             "density": "unnormalised"},
}


def components_table() -> list[dict]:
    """Table I as rows (model, component → bool) read from :data:`MODELS`."""
    return [{"model": m, **asdict(c)} for m, c in MODELS.items()]


@dataclass(frozen=True)
class GCNSettings:
    """B.0.5 values where they survive; [recon] the rest (the paper's symbols are stripped, spec Part E 6)."""

    size: int = 32
    width: float = 1.0                # energy / generator channel factor (1: 32-64-128)
    depth: int = 3                    # conv layers of the energy
    sigma: float = 0.2                # reference std σ [recon] (profiles.yaml says how it was picked)
    delta: float = 0.04               # Langevin step δ [recon]
    langevin_steps: int = 50          # B.0.5: 50 per learning iteration
    chains: int = 100                 # B.0.5: 100 synthesised samples
    batch: int = 100                  # B.0.5: 100 observed images per iteration
    iterations: int = 100             # B.0.5: 100 learning iterations
    lr: float = 3e-3                  # Adam(0.5, 0.999) for the energy [recon]
    rho: float = 0.2                  # wGCN coefficient: the B.0.5 value 0.2 (CelebA) [recon mapping]
    clip: float = 0.0                 # per-image clip of ∇x f (0: off)
    grids: tuple = (8, 16, 32)        # MS: the grid sizes (the last = size)
    z_dim: int = 32
    lr_gen: float = 1e-3              # Adam(0.5, 0.999) [recon]
    lr_z: float = 0.1                 # SGD on the hidden vectors (B.0.5: SGD) [recon]
    gen_every: int = 4                # B.0.5: generator and hidden vectors every 4 synthesiser iterations
    buffer: int = 1000                # replay buffer capacity
    buffer_share: float = 0.25        # share of the chains started from the buffer [recon]
    reinit: float = 0.0               # persistent chains: share reset to N(0, σ²I) each iteration (0: the paper's)
    conditional: bool = False
    n_classes: int = 10
    filters: str = "gabor"            # response filters (and FRAME's): gabor | vgg
    eval_every: int = 10
    eval_images: int = 16             # synthesised images kept at each evaluation
    collapse_std: float = 0.05        # an image whose pixel std is below this counts as collapsed [recon]

    @classmethod
    def from_params(cls, params: dict[str, Any], knobs=()) -> "GCNSettings":
        return from_params(cls, params, knobs=knobs)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


SETTING_NAMES = {f.name for f in fields(GCNSettings)}


def response_filters(kind: str, channels: int) -> torch.Tensor | nn.Module:
    """The fixed filters of the response distance: the Gabor bank, or VGG-16's first four conv layers."""
    if kind == "gabor":
        return gabor_bank(channels)
    if kind == "vgg":
        return im.vgg_features()
    raise ValueError(f"unknown response filters {kind!r}; use 'gabor' or 'vgg'")


class GCNTrainer:
    """One model of :data:`MODELS` on ``images`` (N, C, H, W) in [−1, 1] (``labels`` for conditional runs)."""

    def __init__(self, images: torch.Tensor, labels: torch.Tensor | None, model: str, s: GCNSettings, seed: int = 0,
                 scorer: Callable[[torch.Tensor], torch.Tensor] | None = None, device: str = "cpu", name: str = ""):
        if model not in MODELS:
            raise KeyError(f"unknown GCN model {model!r}; available: {', '.join(MODELS)}")
        if images.shape[-1] != s.size:
            raise ValueError(f"images are {images.shape[-1]} px but the settings say size {s.size}")
        self.c, self.model, self.s = MODELS[model], model, s
        self.device, self.scorer = torch.device(device), scorer
        self.members, self.iteration = [(model, seed)], 0
        self.name = name or model
        self.images = images.float()
        self.labels = labels if labels is not None else torch.zeros(len(images), dtype=torch.long)
        ch = images.shape[1]
        ncls = s.n_classes if s.conditional else 0
        torch.manual_seed(seed)
        self.rng = torch.Generator().manual_seed(seed + 1)
        if self.c.LCN:
            sizes = s.grids if self.c.MS else (s.size,)
            if sizes[-1] != s.size:
                raise ValueError(f"the last grid {sizes[-1]} must be the image size {s.size}")
            self.energies = nn.ModuleList([ConvEnergy(ch, g, s.width, min(s.depth, int(np.log2(g)) - 1), ncls)
                                           for g in sizes])
        else:
            # FRAME's own bank is smaller than the response bank (16 filters of 7×7, every other position): a
            # full-resolution bank costs four GCN energies per Langevin step on 2 cores (measured)
            self.energies = nn.ModuleList([FrameEnergy(gabor_bank(ch, scales=2, orientations=4, size=7), ncls)])
        self.energies = place(self.energies, self.device)
        self.opt_e = torch.optim.Adam(self.energies.parameters(), lr=s.lr, betas=(0.5, 0.999))
        self.G = self.opt_g = self.codes = None
        if self.c.NLU:
            self.G = place(DeconvGenerator(s.z_dim, ch, s.size, s.width, ncls), self.device)
            self.opt_g = torch.optim.Adam(self.G.parameters(), lr=s.lr_gen, betas=(0.5, 0.999))
            self.buffer = ReplayBuffer(s.buffer, tuple(images.shape[1:]))
            if self.c.LHS:
                self.codes = torch.randn(len(images), s.z_dim, generator=self.rng).clamp(-1, 1)
        # persistent chains (GCN / FRAME) start from the reference N(0, σ²I)
        self.chain_labels = torch.arange(s.chains) % s.n_classes if s.conditional else None
        self.chains = s.sigma * torch.randn((s.chains, *images.shape[1:]), generator=self.rng)
        self.mean_colour = self.images.mean((0, 2, 3))
        self.filters = response_filters(s.filters, ch)
        reference = self.images[torch.randperm(len(images), generator=torch.Generator().manual_seed(0))[:500]]
        self.reference_responses = im.responses(reference, self.filters).mean(0)   # once: the evaluations reuse it
        self.last = {"synth": self.chains[: s.eval_images].clone(), "gap": float("nan"), "grad_norm": float("nan")}

    # ----------------------------------------------------------------- synthesis
    def _f(self, k: int = -1):
        return self.energies[k]

    def _dev(self, x):
        return None if x is None else place(x, self.device)

    def _langevin(self, x0: torch.Tensor, steps: int, y, k: int = -1, stats: dict | None = None) -> torch.Tensor:
        return image_langevin(self._f(k), self._dev(x0), self.s.sigma, self.s.delta, steps, self.rng,
                              y=self._dev(y), clip=self.s.clip, stats=stats)

    def _multigrid(self, n: int, y, stats: dict | None = None) -> list[tuple[torch.Tensor, torch.Tensor]]:
        """(start, end) of each grid: the coarsest grid starts from the data's mean colour, each finer grid from
        the coarser synthesis upsampled bilinearly (Gao et al. 2018)."""
        out, x = [], None
        for k, g in enumerate(self.s.grids):
            start = (self.mean_colour.view(1, -1, 1, 1).expand(n, -1, g, g).clone() if x is None
                     else F.interpolate(x, size=(g, g), mode="bilinear", align_corners=False))
            x = self._langevin(start, self.s.langevin_steps, y, k, stats)
            out.append((self._dev(start), x))
        return out

    def _steps(self) -> int:
        return 1 if self.c.AMS else self.s.langevin_steps

    def _z(self, n: int, idx: torch.Tensor | None = None) -> torch.Tensor:
        if self.codes is not None and idx is not None:
            return self.codes[idx]
        z = torch.randn(n, self.s.z_dim, generator=self.rng)
        if self.codes is not None:   # new samples: a Gaussian fitted to the learned hidden vectors, clipped [recon]
            z = (self.codes.mean(0) + self.codes.std(0) * z).clamp(-1, 1)
        return z

    # ----------------------------------------------------------------- learning
    def _jko(self, f, start: torch.Tensor, end: torch.Tensor, y) -> torch.Tensor:
        r"""$\rho\,\overline{\|\nabla_xf(\tilde x)-\nabla_xf(\tilde x^0)\|^2}$ (differentiable in θ) [infer]."""
        x = torch.cat([start, end]).detach().requires_grad_(True)
        yy = None if y is None else torch.cat([y, y])
        (g,) = torch.autograd.grad(f(x, yy).sum(), x, create_graph=True)
        g0, g1 = g.chunk(2)
        return self.s.rho * (g1 - g0).flatten(1).pow(2).sum(1).mean()

    def _energy_loss(self, f, x_obs, y_obs, start, synth, y_syn) -> tuple[torch.Tensor, float]:
        gap = f(x_obs, y_obs).mean() - f(synth, y_syn).mean()
        loss = -gap
        if self.c.JKO:
            loss = loss + self._jko(f, start, synth, y_syn)
        return loss, float(gap.detach())

    def step(self) -> dict[str, torch.Tensor]:
        s, c = self.s, self.c
        idx = torch.randint(0, len(self.images), (min(s.batch, len(self.images)),), generator=self.rng)
        x_obs = self._dev(self.images[idx])
        y_obs = self._dev(self.labels[idx]) if s.conditional else None
        stats: dict = {}
        losses = {}
        if c.MS:
            y = self._dev(torch.arange(s.chains) % s.n_classes) if s.conditional else None
            pairs = self._multigrid(s.chains, y, stats)
            self.opt_e.zero_grad(set_to_none=True)
            total, gaps = 0.0, []
            for k, (start, synth) in enumerate(pairs):
                obs = F.adaptive_avg_pool2d(x_obs, s.grids[k])
                loss, gap = self._energy_loss(self._f(k), obs, y_obs, start, synth, y)
                total, gaps = total + loss, gaps + [gap]
            total.backward()
            self.opt_e.step()
            synth, gap = pairs[-1][1], gaps[-1]
            losses["energy"] = total.detach().reshape(1)
        else:
            if c.NLU:
                n = len(idx)
                y = y_obs
                z = self._dev(self._z(n, idx if c.LHS else None))
                with torch.no_grad():
                    self.G.eval()
                    x0 = self.G(z, y)
                    self.G.train()
                from_buffer = int(round(s.buffer_share * n)) if len(self.buffer) else 0
                if from_buffer:
                    x0[:from_buffer] = self._dev(self.buffer.sample(from_buffer, self.rng))
            else:
                if s.reinit:   # re-initialise a share of the persistent chains from the reference Gaussian
                    fresh = torch.rand(len(self.chains), generator=self.rng) < s.reinit
                    self.chains[fresh] = s.sigma * torch.randn((int(fresh.sum()), *self.chains.shape[1:]),
                                                               generator=self.rng)
                x0, y = self._dev(self.chains), self._dev(self.chain_labels)
            synth = self._langevin(x0, self._steps(), y, stats=stats)
            self.opt_e.zero_grad(set_to_none=True)
            loss, gap = self._energy_loss(self._f(), x_obs, y_obs, x0, synth, y)
            loss.backward()
            self.opt_e.step()
            losses["energy"] = loss.detach().reshape(1)
            if c.NLU:
                self.buffer.push(synth)
                if (self.iteration + 1) % s.gen_every == 0:
                    losses["generator"] = self._generator_step(z, y, synth, x_obs, idx, from_buffer).reshape(1)
            else:
                self.chains = synth.detach().cpu()
        self.last = {"synth": synth.detach().cpu(), "gap": gap, "grad_norm": stats.get("grad_norm", float("nan"))}
        self.iteration += 1
        return losses

    def _generator_step(self, z, y, synth, x_obs, idx, from_buffer: int) -> torch.Tensor:
        s, c = self.s, self.c
        z = z.detach().requires_grad_(c.LHS)
        out = self.G(z, y)
        keep = slice(from_buffer, None)             # the chains that started from g(z)
        if c.AMS:
            fake = out[keep]
            loss = self.ams_loss(fake, None if y is None else y[keep])
        else:       # Eq. 19: least squares toward the revised samples
            loss = (synth[keep].detach() - out[keep]).flatten(1).pow(2).sum(1).mean()
        if c.LHS:   # learned hidden space: reconstruct the observed images from their own z_i
            loss = loss + (x_obs - out).flatten(1).pow(2).sum(1).mean()
        self.opt_g.zero_grad(set_to_none=True)
        self.energies.requires_grad_(False)
        loss.backward()
        self.energies.requires_grad_(True)
        self.opt_g.step()
        if c.LHS:   # SGD on each example's own loss (the batch mean would divide its step by the batch size),
            with torch.no_grad():   # the hidden vectors kept in [-1, 1] (Fig. 12 clips them there)
                self.codes[idx] = (self.codes[idx] - s.lr_z * len(idx) * z.grad.cpu()).clamp(-1, 1)
        return loss.detach()

    def ams_loss(self, fake: torch.Tensor, y=None) -> torch.Tensor:
        r"""Amortised sampling (spec B.0.3): Eq. 19 toward one Langevin step $\tilde x=g+\tfrac{\delta^2}2\nabla\log
        p_\theta(g)+\delta\epsilon$ has, to first order, the expected gradient of
        $\delta^2\,\overline{[-\log p_\theta(g)]}=\delta^2\,\overline{\|g\|^2/2\sigma^2-f_\theta(g)}$: the ascent of $\log p_\theta$
        at the scale of the least-squares and reconstruction losses it is added to."""
        s = self.s
        return s.delta ** 2 * (fake.flatten(1).pow(2).sum(1) / (2 * s.sigma ** 2) - self._f()(fake, y)).mean()

    # ----------------------------------------------------------------- read-outs
    @torch.no_grad()
    def sample(self, n: int, labels: torch.Tensor | None = None) -> tuple[torch.Tensor, torch.Tensor | None]:
        """``n`` new samples (and their labels when conditional): generator + synthesiser for NLU models, a
        fresh multigrid synthesis for MS models, the first ``n`` persistent chains otherwise."""
        s, c = self.s, self.c
        y = labels if labels is not None else (torch.arange(n) % s.n_classes if s.conditional else None)
        with torch.enable_grad():
            if c.NLU:
                self.G.eval()
                x0 = self.G(self._dev(self._z(n)), self._dev(y))
                self.G.train()
                x = self._langevin(x0, self._steps(), y)
            elif c.MS:
                x = torch.cat([self._multigrid(len(b), None if y is None else y[i:i + len(b)])[-1][1].cpu()
                               for i, b in zip(range(0, n, s.chains), torch.arange(n).split(s.chains))])
            else:   # the persistent chains themselves (at most ``chains`` samples: none is repeated)
                x = self.chains[:n]
                y = None if self.chain_labels is None else self.chain_labels[:n]
        return x.detach().cpu(), y

    @torch.no_grad()
    def evaluate(self, final: bool = False) -> dict[str, np.ndarray]:
        synth = self.last["synth"]
        out = {"response_distance": np.array([im.response_distance(None, synth, self.filters, self.reference_responses)]),
               "energy_gap": np.array([self.last["gap"]]),
               "grad_norm": np.array([self.last["grad_norm"]]),
               "collapse": np.array([im.collapse_share(synth, self.s.collapse_std)]),
               "artefacts": np.array([im.artefact_share(synth, self.s.collapse_std)]),
               "pixel_std": np.array([float(synth.flatten(1).std(1).mean())]),
               "sharpness": np.array([float(im.sharpness(synth.cpu()).mean())]),
               "images": synth[: self.s.eval_images].half().numpy()[None]}
        if self.scorer is not None:
            logits = self.scorer(synth)
            out["inception_score"] = np.array([im.inception_score(logits, splits=1)[0]])
            out["confidence"] = np.array([float(logits.softmax(1).max(1).values.mean())])
        return out

    def modules(self) -> dict[str, nn.Module]:
        return {"energies": self.energies} | ({"generator": self.G} if self.G is not None else {})

    def state_dict(self) -> dict:
        st = {"iteration": self.iteration, "rng": self.rng.get_state(), "cpu_rng": torch.get_rng_state(),
              "energies": self.energies.state_dict(), "opt_e": self.opt_e.state_dict(), "chains": self.chains.clone(),
              "last": {"synth": self.last["synth"].clone(), "gap": self.last["gap"], "grad_norm": self.last["grad_norm"]}}
        if self.G is not None:
            st |= {"G": self.G.state_dict(), "opt_g": self.opt_g.state_dict(), "buffer": self.buffer.state_dict()}
            if self.codes is not None:
                st["codes"] = self.codes.clone()
        return st

    def load_state_dict(self, st: dict) -> None:
        self.iteration = st["iteration"]
        self.rng.set_state(st["rng"])
        torch.set_rng_state(st["cpu_rng"])
        self.energies.load_state_dict(st["energies"])
        self.opt_e.load_state_dict(st["opt_e"])
        self.chains = st["chains"].clone()
        self.last = dict(st["last"])
        if self.G is not None:
            self.G.load_state_dict(st["G"])
            self.opt_g.load_state_dict(st["opt_g"])
            self.buffer.load_state_dict(st["buffer"])
            if "codes" in st:
                self.codes = st["codes"].clone()


MASKS = ("Spot", "Square", "SpotSquare")


def make_mask(kind: str, shape: tuple, seed: int = 0) -> torch.Tensor:
    """1 = kept pixel. Square: a centred hole of 3/8 of the side (24×24 at 64 px, 12×12 at 32 px); Spot: each
    pixel dropped independently with p = 0.25; SpotSquare: their union [recon: the paper's masks are not given]."""
    n, c, h, w = shape
    g = torch.Generator().manual_seed(seed)
    spot = (torch.rand(n, 1, h, w, generator=g) >= 0.25).float()
    side = round(h * 3 / 8)
    a = (h - side) // 2
    square = torch.ones(n, 1, h, w)
    square[:, :, a:a + side, a:a + side] = 0
    m = {"Spot": spot, "Square": square, "SpotSquare": spot * square}[kind]
    return m.expand(-1, c, -1, -1)


class InpaintingTrainer(GCNTrainer):
    r"""Fig. 11 (spec B.11): GGCN+AMS whose generator is the auto-encoder of Table IV blocks 2-3 and whose input
    ("hidden variable") is the masked image $m\odot x-(1-m)$ (holes black). Each iteration draws a mask of a
    random kind per image; the generator ascends $\log p_\theta$ of its output (AMS) and reconstructs the full
    image (the LHS loss with the masked image as the code); the synthesiser is the GCN energy on full images."""

    def __init__(self, images: torch.Tensor, s: GCNSettings, seed: int = 0, device: str = "cpu"):
        from paperlib.nets.gcn import AutoEncoderGenerator

        super().__init__(images, None, "GGCN+AMS", s, seed, device=device, name="inpainting/GGCN+AMS")
        self.G = place(AutoEncoderGenerator(images.shape[1], s.size, s.width), self.device)
        self.opt_g = torch.optim.Adam(self.G.parameters(), lr=s.lr_gen, betas=(0.5, 0.999))
        self.codes = None

    def _masks(self, n: int) -> torch.Tensor:
        kinds = torch.randint(0, len(MASKS), (n,), generator=self.rng)
        seed = int(torch.randint(0, 2 ** 31 - 1, (1,), generator=self.rng))
        m = torch.stack([make_mask(MASKS[k], (1, *self.images.shape[1:]), seed + i)[0] for i, k in enumerate(kinds)])
        return m

    @staticmethod
    def masked(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        return x * mask - (1 - mask)

    def step(self) -> dict[str, torch.Tensor]:
        s = self.s
        idx = torch.randint(0, len(self.images), (min(s.batch, len(self.images)),), generator=self.rng)
        x_obs = self._dev(self.images[idx])
        mask = self._dev(self._masks(len(idx)))
        inp = self.masked(x_obs, mask)
        with torch.no_grad():
            x0 = self.G(inp)
        stats: dict = {}
        synth = self._langevin(x0, 1, None, stats=stats)
        self.opt_e.zero_grad(set_to_none=True)
        loss, gap = self._energy_loss(self._f(), x_obs, None, x0, synth, None)
        loss.backward()
        self.opt_e.step()
        losses = {"energy": loss.detach().reshape(1)}
        if (self.iteration + 1) % s.gen_every == 0:
            out = self.G(inp)
            g_loss = self.ams_loss(out) + (x_obs - out).flatten(1).pow(2).sum(1).mean()
            self.opt_g.zero_grad(set_to_none=True)
            self.energies.requires_grad_(False)
            g_loss.backward()
            self.energies.requires_grad_(True)
            self.opt_g.step()
            losses["generator"] = g_loss.detach().reshape(1)
        self.last = {"synth": synth.detach().cpu(), "gap": gap, "grad_norm": stats.get("grad_norm", float("nan"))}
        self.iteration += 1
        return losses

    @torch.no_grad()
    def restore(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        r"""The generator's completion, with the kept pixels pasted back: $m\odot x+(1-m)\odot g(m\odot x)$."""
        self.G.eval()
        out = torch.cat([self.G(self._dev(c)).cpu() for c in self.masked(x, mask).split(500)])
        self.G.train()
        return mask * x + (1 - mask) * out
