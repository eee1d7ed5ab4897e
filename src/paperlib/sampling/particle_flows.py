r"""Particle gradient flows: MMD flow (Arbel et al. 2019), KALE flow (Glaser, Arbel, Gretton 2021), ULA (spec A.14, A.16).

A flow moves source particles $Y=\{y_i\}_{i\le m}$ toward fixed target samples $X=\{x_j\}_{j\le n}$. Everything is one
tensor of particles and one kernel matrix per step (no Python loop over particles); the KALE dual is
warm-started from the previous step, so a step costs a few Newton iterations.

* MMD flow: $y\leftarrow y-\epsilon\nabla_y\big[\tfrac1m\sum_{i'}k(y,y_{i'})-\tfrac1n\sum_jk(y,x_j)\big]$, the gradient taken at
  $y+\beta u$, $u\sim\mathcal N(0,I)$, with noise injection (level $\beta$);
* KALE flow: solve the dual of $\mathrm{KALE}_\lambda(P_t\|Q)$ (weights $\alpha$ on the target), then
  $y\leftarrow y-\epsilon(1+\lambda)\nabla h^*(y+\beta u)$;
* KL flow: the unadjusted Langevin algorithm on the exact target potential, $y\leftarrow y+\gamma\nabla\log q(y)+\sqrt{2\gamma}\,\xi$.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import torch

from paperlib.core import safefile
from paperlib.core.devices import place
from paperlib.estimators.divergences import solve_kale_dual
from paperlib.estimators.kernels import gaussian_kernel
from paperlib.sampling.langevin import ula
from paperlib.training import fit

__all__ = ["FlowResult", "kernel_gradient", "mmd_flow", "kale_flow", "ula_flow", "sinkhorn", "one_hidden_layer",
           "StudentTeacherData", "student_teacher_data", "student_teacher_flow", "STUDENT_TEACHER_METHODS"]


@safefile.register
@dataclass
class FlowResult:
    trajectory: torch.Tensor                 # (snapshots, m, d), including the start
    iterations: np.ndarray                   # iteration of each snapshot
    loss: np.ndarray                         # the flow's own objective at each snapshot
    seconds: float
    extra: dict = field(default_factory=dict)


def kernel_gradient(z: torch.Tensor, centres: torch.Tensor, weights: torch.Tensor, sigma: float) -> torch.Tensor:
    r"""$\nabla_z\sum_cw_c\,k(z,c)$ for $k=e^{-\|z-c\|^2/\sigma}$ at every row of ``z``:
    $-\frac2\sigma\big(z\,(Kw)-K(w\odot c)\big)$ with $K_{zc}=k(z,c)$ — two matrix products."""
    k = gaussian_kernel(z, centres, sigma)
    return -2.0 / sigma * (z * (k @ weights)[:, None] - k @ (weights[:, None] * centres))


def _snapshots(steps: int, count: int) -> set[int]:
    return set(np.linspace(0, steps, min(count, steps) + 1).round().astype(int).tolist())


def mmd_flow(y0: torch.Tensor, x: torch.Tensor, sigma: float, lr: float, steps: int, noise: float = 0.0,
             snapshots: int = 100, seed: int = 0, device: str = "cpu") -> FlowResult:
    """The MMD gradient flow of ``y0`` toward ``x`` (loss = ½MMD², V-statistic)."""
    g = torch.Generator().manual_seed(seed)
    y, x = place(y0.clone().double(), device), place(x.double(), device)
    m, n = len(y), len(x)
    keep, traj, its, loss = _snapshots(steps, snapshots), [], [], []
    t0 = time.perf_counter()
    for t in range(steps + 1):
        if t in keep:
            traj.append(y.cpu()), its.append(t)
            loss.append(0.5 * float(gaussian_kernel(y, y, sigma).mean() + gaussian_kernel(x, x, sigma).mean()
                                    - 2 * gaussian_kernel(y, x, sigma).mean()))
        if t == steps:
            break
        z = y + noise * torch.randn(y.shape, generator=g, dtype=y.dtype).to(y.device) if noise else y
        grad = kernel_gradient(z, y, torch.full((m,), 1.0 / m, dtype=y.dtype, device=y.device), sigma) \
            - kernel_gradient(z, x, torch.full((n,), 1.0 / n, dtype=y.dtype, device=y.device), sigma)
        y = y - lr * grad
    return FlowResult(torch.stack(traj), np.array(its), np.array(loss), time.perf_counter() - t0)


def kale_flow(y0: torch.Tensor, x: torch.Tensor, lam: float, sigma: float, lr: float, steps: int,
              noise: float = 0.0, snapshots: int = 100, seed: int = 0, tol: float = 1e-8,
              device: str = "cpu") -> FlowResult:
    r"""The KALE flow of ``y0`` (source $P_t$) toward ``x`` (target $Q$): each step solves the dual of
    $\mathrm{KALE}_\lambda(P_t\|Q)$ warm-started, logs its value, and moves the particles along $-(1+\lambda)\nabla h^*$."""
    g = torch.Generator().manual_seed(seed)
    y, x = place(y0.clone().double(), device), place(x.double(), device)
    m = len(y)
    kxx = gaussian_kernel(x, x, sigma)
    alpha = None
    keep, traj, its, loss, newton = _snapshots(steps, snapshots), [], [], [], 0
    t0 = time.perf_counter()
    for t in range(steps + 1):
        b = gaussian_kernel(x, y, sigma).mean(1)
        kyy = float(gaussian_kernel(y, y, sigma).mean())
        alpha, j, it = solve_kale_dual(kxx, b, kyy, lam, alpha, tol=tol)
        newton += it
        if not math.isfinite(j):
            raise FloatingPointError(f"KALE flow (lambda={lam}): the dual diverged at iteration {t}; lower lr")
        if t in keep:
            traj.append(y.cpu()), its.append(t), loss.append((1 + lam) * (1 + j))
        if t == steps:
            break
        z = y + noise * torch.randn(y.shape, generator=g, dtype=y.dtype).to(y.device) if noise else y
        grad_h = (kernel_gradient(z, y, torch.full((m,), 1.0 / m, dtype=y.dtype, device=y.device), sigma)
                  - kernel_gradient(z, x, alpha, sigma)) / lam
        y = y - lr * (1 + lam) * grad_h
    return FlowResult(torch.stack(traj), np.array(its), np.array(loss), time.perf_counter() - t0,
                      {"newton_iterations_per_step": newton / (steps + 1)})


def ula_flow(y0: torch.Tensor, score, step: float, steps: int, snapshots: int = 100, seed: int = 0,
             device: str = "cpu") -> FlowResult:
    r"""The KL flow as particles: ULA, $y\leftarrow y+\gamma\,s(y)+\sqrt{2\gamma}\,\xi$, ``score`` = $\nabla\log q$."""
    g = torch.Generator().manual_seed(seed)
    keep = _snapshots(steps, snapshots)
    t0 = time.perf_counter()
    _, traj = ula(lambda y: -score(y), place(y0.clone().double(), device), step, steps, generator=g, keep_at=keep)
    traj = [y.cpu() for y in traj]
    its = sorted(keep)
    return FlowResult(torch.stack(traj), np.array(its), np.full(len(its), np.nan), time.perf_counter() - t0)


def sinkhorn(a: torch.Tensor, b: torch.Tensor, reg: float = 0.2) -> float:
    r"""Entropic OT cost between two uniform point clouds, squared-Euclidean cost (POT's ``ot.sinkhorn2``,
    as in the KALE-flow notebooks)."""
    import ot

    a, b = a.double().numpy(), b.double().numpy()
    cost = ot.dist(a, b)
    return float(ot.sinkhorn2(np.full(len(a), 1 / len(a)), np.full(len(b), 1 / len(b)), cost, reg))


# ------------------------------------------------------------------------------------------- the MoG-square setup
def mog_square(n: int = 240, m: int = 240, seed: int = 42):
    r"""Target: ``n`` points of 4 isotropic Gaussians (std 0.25) centred at the corners of $[0,1.8]^2$; source:
    ``m`` points of $\mathcal N(-0.18\cdot\mathbf 1, 0.2^2I)$ (KALE-flow paper, mixture-of-Gaussians notebook, spec A.16).
    Returns (target mixture, target sample, source sample)."""
    from paperlib.data.toy import Mixture

    g = torch.Generator().manual_seed(seed)
    mix = Mixture.isotropic(torch.tensor([[0.0, 1.8], [1.8, 0.0], [1.8, 1.8], [0.0, 0.0]], dtype=torch.float64),
                            variance=0.25**2)
    x = mix.sample(n, g)
    y0 = -0.18 + 0.2 * torch.randn(m, 2, generator=g, dtype=torch.float64)
    return mix, x, y0


def cached_flow(kind: str, params: dict, x: torch.Tensor, y0: torch.Tensor, cache=None, score=None,
                device: str = "cpu") -> FlowResult:
    """One flow (``kind`` = "mmd" | "kale" | "ula") computed once per (kind, params, data) and cached (the device
    is not part of the key: a flow computed on a GPU serves a CPU reader)."""
    import hashlib

    from paperlib.core.cache import Cache

    data_hash = hashlib.sha256(x.double().numpy().tobytes() + y0.double().numpy().tobytes()).hexdigest()[:16]
    config = {"kind": kind, "params": params, "data": data_hash}

    def compute():
        if kind == "mmd":
            return mmd_flow(y0, x, **params, device=device)
        if kind == "kale":
            return kale_flow(y0, x, **params, device=device)
        if kind == "ula":
            return ula_flow(y0, score, **params, device=device)
        raise KeyError(f"unknown flow {kind!r}; choose mmd, kale or ula")

    return (cache or Cache()).get_or_compute("particle-flow", config, compute)


def three_rings(per_ring: int = 80, m: int = 240, radius: float = 0.3, seed: int = 42):
    r"""Target: three circles of radius ``radius`` (``per_ring`` equally spaced points each) centred at (0, 0),
    (0, -0.75), (0, -1.5); source: ``m`` points of $\mathcal N((0,-0.3), 0.01^2I)$ (KALE-flow paper, spec A.16).
    Returns (target, source, ring centres)."""
    g = torch.Generator().manual_seed(seed)
    centres = torch.tensor([[0.0, 0.0], [0.0, -2.5 * radius], [0.0, -5.0 * radius]], dtype=torch.float64)
    phi = 2 * math.pi * torch.arange(per_ring, dtype=torch.float64) / per_ring
    circle = radius * torch.stack([torch.cos(phi), torch.sin(phi)], 1)
    x = torch.cat([c + circle for c in centres])
    y0 = torch.tensor([0.0, -0.3], dtype=torch.float64) + 0.01 * torch.randn(m, 2, generator=g, dtype=torch.float64)
    return x, y0, centres


def heart_and_spiral(n: int = 2000, seed: int = 42):
    r"""Source: ``n`` points filling the heart $x=16\sin^3t$, $y=13\cos t-5\cos2t-2\cos3t-\cos4t$; target: ``n`` points
    on a thin two-turn spiral band; both scaled into $[-1,1]^2$ (procedural stand-ins for the KALE-flow
    paper's heart and spiral images, spec A.16)."""
    from matplotlib.path import Path

    g = torch.Generator().manual_seed(seed)
    t = torch.linspace(0, 2 * math.pi, 400, dtype=torch.float64)
    outline = torch.stack([16 * torch.sin(t) ** 3,
                           13 * torch.cos(t) - 5 * torch.cos(2 * t) - 2 * torch.cos(3 * t) - torch.cos(4 * t)], 1)
    inside = Path(outline.numpy())
    accepted = torch.empty(0, 2, dtype=torch.float64)
    while len(accepted) < n:   # uniform in the filled heart, by rejection from its bounding box
        box = torch.rand(4 * n, 2, generator=g, dtype=torch.float64) * torch.tensor([34.0, 31.0]) - torch.tensor([17.0, 18.0])
        accepted = torch.cat([accepted, box[torch.as_tensor(inside.contains_points(box.numpy()))]])
    heart = (accepted[:n] + torch.tensor([0.0, 2.5])) / 18.0
    u = torch.rand(n, generator=g, dtype=torch.float64)
    angle = 0.5 + u * 4 * math.pi                                      # two turns
    r = 0.9 * angle / angle.max()
    width = 0.02 * torch.randn(n, generator=g, dtype=torch.float64)
    spiral = torch.stack([(r + width) * torch.cos(angle), (r + width) * torch.sin(angle)], 1)
    return heart, spiral


def nearest_distance(points: torch.Tensor, reference: torch.Tensor) -> torch.Tensor:
    """Distance of every point to its nearest reference point."""
    return torch.cdist(points.double(), reference.double()).min(1).values


# ------------------------------------------------------------------ the MMD-flow paper's student-teacher (spec A.14)
def _quadexp(u: torch.Tensor, sigma: float) -> torch.Tensor:
    return torch.exp(-u.pow(2) / sigma**2)


def one_hidden_layer(x: torch.Tensor, w1: torch.Tensor, w2: torch.Tensor, sigma: float = 2.0) -> torch.Tensor:
    r"""Per-particle outputs $\phi(x;\theta_i)=\exp(-(w_{2,i}^\top\mathrm{relu}(W_{1,i}x))^2/\sigma^2)$, shape (batch, N);
    ``w1`` is (N, H, d), ``w2`` is (N, H); no biases (as the paper's networks)."""
    h = torch.einsum("bd,nhd->bnh", x, w1).clamp(min=0)
    return _quadexp((h * w2).sum(-1), sigma)


STUDENT_TEACHER_METHODS = ("mmd", "noise", "diffusion", "sobolev")


def _sobolev_weights(x, w1, w2, sigma, residual, ridge: float = 1e-6) -> torch.Tensor:
    r"""$\alpha=(\frac1{Nb}JJ^\top+\mathrm{ridge}\,I)^{-1}(f-y)$, $J_x=\nabla_\theta\sum_i\phi(x;\theta_i)$ (one row per input).

    $JJ^\top$ in closed form, without materialising $J$ (b x N(H(d+1)) entries): with $h=\mathrm{relu}(W_1x)$,
    $u=w_2^\top h$, $\phi'=-2u/\sigma^2\,e^{-u^2/\sigma^2}$, the $w_2$-block of a row is $\phi'h$ and the $W_1$-block
    $(\phi'w_2\,1[h>0])\otimes x$, so $JJ^\top=(CC^\top)\odot(XX^\top)+RR^\top$ with $C=\phi'w_2 1[h>0]$, $R=\phi'h$.
    """
    h = torch.einsum("bd,nhd->bnh", x, w1).clamp(min=0)
    u = (h * w2).sum(-1)
    dphi = (-2 * u / sigma**2 * _quadexp(u, sigma)).unsqueeze(-1)
    c = (dphi * w2 * (h > 0)).flatten(1)
    r = (dphi * h).flatten(1)
    gram = (c @ c.T) * (x @ x.T) + r @ r.T
    gram = gram / (w1.shape[0] * len(x)) + ridge * torch.eye(len(x), dtype=x.dtype, device=x.device)
    return torch.linalg.solve(gram, residual)


@dataclass
class StudentTeacherData:
    x_train: torch.Tensor
    y_train: torch.Tensor
    x_valid: torch.Tensor
    y_valid: torch.Tensor


def student_teacher_data(n_train: int = 1000, n_valid: int = 1000, dim: int = 50, hidden: int = 3,
                         sigma: float = 2.0, seed: int = 0) -> StudentTeacherData:
    """Inputs uniform on the unit sphere $S^{d-1}$, labels from a one-hidden-layer teacher with N(0,1) weights."""
    g = torch.Generator().manual_seed(seed)
    w1 = torch.randn(1, hidden, dim, generator=g, dtype=torch.float64)
    w2 = torch.randn(1, hidden, generator=g, dtype=torch.float64)
    x = torch.randn(n_train + n_valid, dim, generator=g, dtype=torch.float64)
    x = x / x.norm(dim=1, keepdim=True)
    y = one_hidden_layer(x, w1, w2, sigma)[:, 0]
    return StudentTeacherData(x[:n_train], y[:n_train], x[n_train:], y[n_train:])


def student_teacher_flow(data: StudentTeacherData, method: str = "mmd", n_particles: int = 1000, hidden: int = 3,
                         epochs: int = 1000, batch: int = 100, lr: float = 0.1, noise: float = 1.0,
                         decay_every: int = 1000, sigma: float = 2.0, seed: int = 0,
                         device: str = "cpu") -> tuple[list, list]:
    r"""Mean-field MMD flow of a student $f(x)=\frac1N\sum_i\phi(x;\theta_i)$ toward the teacher's outputs $y$.

    Each particle $\theta_i$ (one 3-unit network) moves along $-\frac1b\sum_x(f(x)-y(x))\nabla_\theta\phi(x;\theta)$, the
    gradient of $\tfrac12\mathbb E(f-y)^2$ (the MMD² in the network-feature RKHS) times $N$. ``method``:
    ``"mmd"`` plain; ``"noise"`` the gradient taken at $\theta_i+\beta\epsilon_i$ with the residual of the noise-free
    student (noise injection); ``"diffusion"`` $\theta_i\leftarrow\theta_i+\beta\epsilon_i$ before each step (Langevin-like);
    ``"sobolev"`` Sobolev descent, the residual replaced by $\alpha=(\tfrac1{Nb}JJ^\top+10^{-6}I)^{-1}(f-y)$ with $J$ the
    batch Jacobian of $\sum_i\phi(x;\theta_i)$ in all particles' parameters (as the paper's ``losses.Sobolev``).
    $\beta$ = ``noise`` halves every ``decay_every`` epochs. Returns (epochs, validation $\tfrac12\mathbb E(f-y)^2$).
    The paper's code densely connects all hidden units to every particle's output; here each particle is its own
    network, the mean-field model of the paper's analysis.
    """
    if method not in STUDENT_TEACHER_METHODS:
        raise ValueError(f"unknown student-teacher method {method!r}; choose from {STUDENT_TEACHER_METHODS}")
    tr = _StudentTeacherTrainer(data, method, n_particles, hidden, batch, lr, noise, decay_every, sigma, seed, device)
    epoch0 = tr.evaluate()["valid"]
    out = fit(tr, epochs, max(1, epochs // 100), progress=False)
    return [0, *out["iteration"].tolist()], [epoch0, *(float(v) for v in out["history"]["valid"])]


class _StudentTeacherTrainer:
    """One epoch of the student-teacher flow per step (see :func:`student_teacher_flow`); the
    :class:`paperlib.training.Trainer` protocol, the particles ``(w1, w2)`` held in a module."""

    def __init__(self, data, method, n_particles, hidden, batch, lr, noise, decay_every, sigma, seed, device):
        self.name, self.members, self.iteration = f"student-teacher/{method}", [(method, seed)], 0
        self.method, self.batch, self.lr, self.noise, self.decay_every, self.sigma = method, batch, lr, noise, decay_every, sigma
        self.g = torch.Generator().manual_seed(seed)
        dim = data.x_train.shape[1]
        self.particles = torch.nn.ParameterDict({
            "w1": torch.nn.Parameter(0.001 + torch.randn(n_particles, hidden, dim, generator=self.g, dtype=torch.float64),
                                     requires_grad=False),
            "w2": torch.nn.Parameter(0.001 + torch.randn(n_particles, hidden, generator=self.g, dtype=torch.float64),
                                     requires_grad=False)})
        self.particles = place(self.particles, device)
        self.w1, self.w2 = self.particles["w1"].data, self.particles["w2"].data
        self.data = StudentTeacherData(*(place(v, device) for v in (data.x_train, data.y_train, data.x_valid, data.y_valid)))

    def modules(self):
        return {"particles": self.particles}

    def step(self) -> dict[str, torch.Tensor]:
        g, data, sigma, w1, w2 = self.g, self.data, self.sigma, self.w1, self.w2
        self.iteration += 1
        beta = self.noise * 0.5 ** ((self.iteration - 1) // self.decay_every)
        n = len(data.x_train)
        order = torch.randperm(n, generator=g)
        for start in range(0, n, self.batch):
            idx = order[start:start + self.batch]
            x, y = data.x_train[idx], data.y_train[idx]
            if self.method == "diffusion":
                w1 = w1 + beta * torch.randn(w1.shape, generator=g, dtype=w1.dtype).to(w1.device)
                w2 = w2 + beta * torch.randn(w2.shape, generator=g, dtype=w2.dtype).to(w2.device)
            with torch.no_grad():
                residual = one_hidden_layer(x, w1, w2, sigma).mean(1) - y
            if self.method == "sobolev":
                residual = _sobolev_weights(x, w1, w2, sigma, residual)
            a, b = w1.clone(), w2.clone()
            if self.method == "noise":
                a += beta * torch.randn(w1.shape, generator=g, dtype=w1.dtype).to(w1.device)
                b += beta * torch.randn(w2.shape, generator=g, dtype=w2.dtype).to(w2.device)
            a, b = a.requires_grad_(True), b.requires_grad_(True)
            surrogate = (residual[:, None] * one_hidden_layer(x, a, b, sigma)).mean(0).sum()
            g1, g2 = torch.autograd.grad(surrogate, (a, b))
            w1, w2 = w1 - self.lr * g1, w2 - self.lr * g2
        self.w1, self.w2 = w1, w2
        self.particles["w1"].data, self.particles["w2"].data = w1, w2
        return {"training residual": (0.5 * residual.pow(2).mean()).detach().reshape(1)}

    def evaluate(self, final: bool = False) -> dict[str, float]:
        d = self.data
        return {"valid": float(0.5 * (one_hidden_layer(d.x_valid, self.w1, self.w2, self.sigma).mean(1) - d.y_valid).pow(2).mean())}

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "rng": self.g.get_state(), "w1": self.w1, "w2": self.w2}

    def load_state_dict(self, st: dict) -> None:
        self.iteration, self.w1, self.w2 = st["iteration"], st["w1"], st["w2"]
        self.g.set_state(st["rng"])
        self.particles["w1"].data, self.particles["w2"].data = self.w1, self.w2
