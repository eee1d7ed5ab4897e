r"""Divergences between distributions, from samples and in closed form (GEBM / KALE chapter; spec A.0.1-A.0.2).

* MMD (biased V- and unbiased U-statistic) and its witness function;
* KL and JS: closed forms for Gaussians, and on densities tabulated on a grid;
* the Fenchel / Nguyen-Wainwright-Jordan variational bound of KL, in the talk's form;
* KALE in both conventions, its penalised RKHS problem solved **exactly** through its convex dual (the
  dual variables are the importance weights of the Q-sample), and a neural (MLP) witness.

KALE conventions (spec A.0.2). *Flow* (KALE-flow paper and code, the default here):
$\mathrm{KALE}_\lambda(P\|Q)=(1+\lambda)\max_h\{1+\int h\,dP-\int e^h\,dQ-\tfrac\lambda2\|h\|^2_{\mathcal H}\}$, which tends to
$\tfrac12\mathrm{MMD}^2$ as $\lambda\to\infty$ and to $\mathrm{KL}(P\|Q)$ as $\lambda\to0$. *Talk* (Gretton's slides, GEBM paper):
$\sup_f\{-\mathbb E_Pf-\mathbb E_Qe^{-f}+1\}$ with the same penalty and $f=-h$, i.e. the flow value divided by $1+\lambda$.

Kernels follow the KALE-flow code: $k(x,y)=\exp(-\|x-y\|^2/\sigma)$ with $\sigma$ a *squared* length-scale and
no factor 2 (a textbook bandwidth $\ell$ is $\sigma=2\ell^2$).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from paperlib.core.devices import place
from paperlib.estimators.grids import js_grid, kl_grid
from paperlib.estimators.kernels import as_2d, gaussian_kernel, median_sigma
from paperlib.training import fit

__all__ = ["gaussian_kernel", "median_sigma", "mmd2", "mmd2_weighted", "mmd", "mmd2_gaussians", "mmd_witness", "kl_gaussian", "kl_grid", "js_grid",
           "kl_lower_bound", "KaleResult", "solve_kale_dual", "kale", "kale_neural", "CONVENTIONS"]

CONVENTIONS = ("flow", "talk")


def mmd2(x, y, sigma: float = 1.0, unbiased: bool = False, device: str = "cpu") -> float:
    r"""$\widehat{\mathrm{MMD}}^2$: V-statistic $\overline{K_{XX}}+\overline{K_{YY}}-2\overline{K_{XY}}$, or the U-statistic
    (diagonals of $K_{XX}$, $K_{YY}$ left out), which is unbiased and may be negative."""
    x, y = as_2d(x, device), as_2d(y, device)
    kxx, kyy, kxy = gaussian_kernel(x, x, sigma), gaussian_kernel(y, y, sigma), gaussian_kernel(x, y, sigma)
    if not unbiased:
        return float(kxx.mean() + kyy.mean() - 2 * kxy.mean())
    n, m = len(kxx), len(kyy)
    return float((kxx.sum() - kxx.trace()) / (n * (n - 1)) + (kyy.sum() - kyy.trace()) / (m * (m - 1))
                 - 2 * kxy.mean())


def mmd2_weighted(x, y, wx=None, wy=None, sigma: float = 1.0, device: str = "cpu") -> float:
    r"""$\|\sum_iw^x_ik(x_i,\cdot)-\sum_jw^y_jk(y_j,\cdot)\|^2$ for weighted samples (weights normalised to 1; uniform
    when omitted): the MMD of a reweighted (importance-sampled) model to the data."""
    x, y = as_2d(x, device), as_2d(y, device)
    wx = torch.full((len(x),), 1 / len(x), dtype=torch.float64) if wx is None else torch.as_tensor(wx, dtype=torch.float64)
    wy = torch.full((len(y),), 1 / len(y), dtype=torch.float64) if wy is None else torch.as_tensor(wy, dtype=torch.float64)
    wx, wy = place(wx, device), place(wy, device)
    wx, wy = wx / wx.sum(), wy / wy.sum()
    return float(wx @ gaussian_kernel(x, x, sigma) @ wx + wy @ gaussian_kernel(y, y, sigma) @ wy
                 - 2 * wx @ gaussian_kernel(x, y, sigma) @ wy)


def mmd(x, y, sigma: float = 1.0, device: str = "cpu") -> float:
    r"""$\mathrm{MMD}=\|\mu_P-\mu_Q\|_{\mathcal H}$ (square root of the V-statistic), as the slides' sup definition."""
    return math.sqrt(max(mmd2(x, y, sigma, device=device), 0.0))


def mmd2_gaussians(mu_p: float, var_p: float, mu_q: float, var_q: float, sigma: float = 1.0) -> float:
    r"""Population $\mathrm{MMD}^2$ of two 1-D Gaussians for $k=e^{-(x-y)^2/\sigma}$, using
    $\mathbb E\,k(X,Y)=\sqrt{\sigma/(\sigma+2(s^2+t^2))}\,e^{-(a-b)^2/(\sigma+2(s^2+t^2))}$ for $X\sim\mathcal N(a,s^2)$, $Y\sim\mathcal N(b,t^2)$
    independent (the reference the estimators converge to)."""
    def ek(a, s2, b, t2):
        v = sigma + 2 * (s2 + t2)
        return math.sqrt(sigma / v) * math.exp(-((a - b) ** 2) / v)

    return ek(mu_p, var_p, mu_p, var_p) + ek(mu_q, var_q, mu_q, var_q) - 2 * ek(mu_p, var_p, mu_q, var_q)


def mmd_witness(x, y, t, sigma: float = 1.0, normalise: bool = True, device: str = "cpu") -> torch.Tensor:
    r"""Witness $f^*(t)\propto\frac1n\sum_ik(x_i,t)-\frac1m\sum_jk(y_j,t)$ at points ``t``; with ``normalise`` it has unit
    RKHS norm, so that $\mathbb E_Pf^*-\mathbb E_Qf^*=\mathrm{MMD}$ (``x`` ~ P, ``y`` ~ Q)."""
    x, y, t = as_2d(x, device), as_2d(y, device), as_2d(t, device)
    f = (gaussian_kernel(t, x, sigma).mean(1) - gaussian_kernel(t, y, sigma).mean(1)).cpu()
    if normalise:
        f = f / max(mmd(x, y, sigma, device), 1e-300)
    return f


def kl_gaussian(mu_p, cov_p, mu_q, cov_q) -> float:
    r"""$\mathrm{KL}(\mathcal N(\mu_p,\Sigma_p)\|\mathcal N(\mu_q,\Sigma_q))=\tfrac12[\mathrm{tr}(\Sigma_q^{-1}\Sigma_p)+(\mu_q-\mu_p)^\top\Sigma_q^{-1}(\mu_q-\mu_p)-d+\log\frac{|\Sigma_q|}{|\Sigma_p|}]$.

    Scalars are read as 1-D means and variances.
    """
    mp, mq = np.atleast_1d(np.asarray(mu_p, float)), np.atleast_1d(np.asarray(mu_q, float))
    sp, sq = np.atleast_2d(np.asarray(cov_p, float)), np.atleast_2d(np.asarray(cov_q, float))
    d = len(mp)
    iq = np.linalg.inv(sq)
    diff = mq - mp
    return float(0.5 * (np.trace(iq @ sp) + diff @ iq @ diff - d + np.linalg.slogdet(sq)[1] - np.linalg.slogdet(sp)[1]))


def kl_lower_bound(f_p, f_q) -> float:
    r"""The talk's variational bound of KL (Nguyen-Wainwright-Jordan, after $f\mapsto1-f$):
    $\mathrm{KL}(P\|Q)\ge-\frac1n\sum_if(x_i)+1-\frac1m\sum_je^{-f(y_j)}$ for any $f$, evaluated at $f(x_i)$, $x_i\sim P$, and
    $f(y_j)$, $y_j\sim Q$; tight at $f=-\log(p/q)$ in expectation."""
    f_p, f_q = torch.as_tensor(f_p, dtype=torch.float64), torch.as_tensor(f_q, dtype=torch.float64)
    return float(-f_p.mean() + 1 - torch.exp(-f_q).mean())


@dataclass
class KaleResult:
    """The solved KALE problem: value, both sides of the duality, and the optimal witness $h^*$."""

    value: float                 # in the requested convention
    primal: float                # flow convention, from h*
    dual: float                  # flow convention, (1 + lambda)(1 + J(alpha*))
    alpha: np.ndarray            # dual variables = importance weights of the Q-sample, n alpha_i = e^{h*(x_i)}
    lam: float
    sigma: float
    convention: str
    witness: Callable[[torch.Tensor], torch.Tensor]   # t -> h*(t)
    iterations: int


def solve_kale_dual(kxx: torch.Tensor, b: torch.Tensor, kyy: float, lam: float, alpha0: torch.Tensor | None = None,
                    tol: float = 1e-10, max_iter: int = 200) -> tuple[torch.Tensor, float, int]:
    r"""$\arg\min_{\alpha>0}J(\alpha)$, $J=\sum_i[\alpha_i\log(n\alpha_i)-\alpha_i]+\frac1{2\lambda}(\alpha^\top K\alpha-2\alpha^\top b+\overline{K_{yy}})$,
    by damped Newton with a backtracking (Armijo) line search that keeps $\alpha>0$, as the KALE-flow code does.

    $\nabla J=\log(n\alpha)+(K\alpha-b)/\lambda$, $\nabla^2J=\operatorname{diag}(1/\alpha)+K/\lambda$ (positive definite). Stops when the
    Newton decrement $\tfrac12\nabla J^\top H^{-1}\nabla J$ falls below ``tol``. Returns $(\alpha^*, J(\alpha^*), \text{iterations})$.
    Written here (no library solves this small, structured convex problem) in torch, so a particle flow
    warm-starts it on its own device every step.
    """
    n = kxx.shape[0]
    a = torch.full((n,), 1.0 / n, dtype=kxx.dtype, device=kxx.device) if alpha0 is None else alpha0.clamp_min(1e-12)

    def J(a):
        return float((a * torch.log(n * a) - a).sum() + (a @ kxx @ a - 2 * a @ b + kyy) / (2 * lam))

    f = J(a)
    for it in range(1, max_iter + 1):
        grad = torch.log(n * a) + (kxx @ a - b) / lam
        hess = kxx / lam + torch.diag(1.0 / a)
        step = torch.linalg.solve(hess, grad)
        decrement = float(grad @ step) / 2
        if decrement < tol:
            return a, f, it
        t = 1.0
        while bool((a - t * step <= 0).any()):           # stay inside alpha > 0
            t *= 0.8
        while True:                                      # Armijo: J(a - t s) <= J(a) - 0.4 t grad.s
            f_new = J(a - t * step)
            if f_new <= f - 0.4 * t * 2 * decrement or t < 1e-12:
                break
            t *= 0.8
        a, f = a - t * step, f_new
    return a, f, max_iter


def kale(p_samples, q_samples, lam: float = 1.0, sigma: float = 1.0, convention: str = "flow",
         alpha0=None, tol: float = 1e-10, device: str = "cpu") -> KaleResult:
    r"""$\mathrm{KALE}_\lambda(P\|Q)$ with the penalised Gaussian-RKHS witness, solved exactly (spec A.0.2-3).

    With $x_{1..n}\sim Q$, $y_{1..m}\sim P$ and $b_i=\frac1m\sum_jk(x_i,y_j)$, the dual is the smooth convex problem
    $\min_{\alpha>0}J(\alpha)$ of :func:`solve_kale_dual` (warm start ``alpha0``);
    $h^*=\frac1\lambda(\frac1m\sum_jk(y_j,\cdot)-\sum_i\alpha_ik(x_i,\cdot))$ and $\mathrm{KALE}_\lambda=(1+\lambda)(1+J(\alpha^*))$.
    The primal value from $h^*$ is returned too: strong duality makes them equal (a test checks it).
    """
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown KALE convention {convention!r}; choose from {CONVENTIONS}")
    if lam <= 0:
        raise ValueError(f"lambda must be positive, got {lam}")
    y, x = as_2d(p_samples, device), as_2d(q_samples, device)
    kxx = gaussian_kernel(x, x, sigma)
    b = gaussian_kernel(x, y, sigma).mean(1)
    kyy = float(gaussian_kernel(y, y, sigma).mean())
    a0 = None if alpha0 is None else place(torch.as_tensor(np.asarray(alpha0), dtype=torch.float64), device)
    a, j, iters = solve_kale_dual(kxx, b, kyy, lam, a0, tol)
    dual = (1 + lam) * (1 + j)

    def witness(t):
        t = as_2d(t, x.device)
        return ((gaussian_kernel(t, y, sigma).mean(1) - gaussian_kernel(t, x, sigma) @ a) / lam).cpu()

    h_y, h_x = witness(y).to(x.device), witness(x).to(x.device)
    norm2 = float(kyy - 2 * a @ b + a @ kxx @ a) / lam**2
    primal = (1 + lam) * float(1 + h_y.mean() - torch.exp(h_x).mean() - lam / 2 * norm2)
    value = dual if convention == "flow" else dual / (1 + lam)
    return KaleResult(value, primal, dual, a.cpu().numpy(), lam, sigma, convention, witness, iters)


class _KaleWitnessTrainer:
    """Gradient ascent on the neural KALE objective; the :class:`paperlib.training.Trainer` protocol."""

    def __init__(self, net: torch.nn.Module, y: torch.Tensor, x: torch.Tensor, lam: float, lr: float):
        self.name, self.members, self.iteration = "kale-neural", [("KALE", 0)], 0
        self.net, self.y, self.x, self.lam = net, y, x, lam
        self.opt = torch.optim.Adam(net.parameters(), lr=lr)

    def objective(self) -> torch.Tensor:
        reg = sum((p**2).sum() for p in self.net.parameters())
        return 1 + self.net(self.y).mean() - torch.exp(self.net(self.x)).mean() - self.lam / 2 * reg

    def modules(self):
        return {"witness": self.net}

    def step(self) -> dict[str, torch.Tensor]:
        self.opt.zero_grad()
        loss = -self.objective()
        loss.backward()
        self.opt.step()
        self.iteration += 1
        return {"-kale": loss.detach().reshape(1)}

    def evaluate(self, final: bool = False) -> dict[str, float]:
        with torch.no_grad():
            return {"kale": float(self.objective())}

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "net": self.net.state_dict(), "opt": self.opt.state_dict()}

    def load_state_dict(self, st: dict) -> None:
        self.iteration = st["iteration"]
        self.net.load_state_dict(st["net"])
        self.opt.load_state_dict(st["opt"])


def kale_neural(p_samples, q_samples, lam: float = 1e-3, hidden: int = 64, steps: int = 2000, lr: float = 1e-3,
                seed: int = 0, convention: str = "flow", device: str = "cpu") -> tuple[float, torch.nn.Module]:
    r"""KALE with an MLP witness $h$ (2 hidden tanh layers): maximise $1+\overline{h(y)}-\overline{e^{h(x)}}-\frac\lambda2\|\theta\|^2$
    by Adam, the squared weight norm standing in for the RKHS norm (spec A.0.2, "neural" version).
    Returns (value in the requested convention, the trained witness)."""
    if convention not in CONVENTIONS:
        raise ValueError(f"unknown KALE convention {convention!r}; choose from {CONVENTIONS}")
    y, x = as_2d(p_samples).float(), as_2d(q_samples).float()
    g = torch.Generator().manual_seed(seed)
    d = y.shape[1]
    net = torch.nn.Sequential(torch.nn.Linear(d, hidden), torch.nn.Tanh(), torch.nn.Linear(hidden, hidden),
                              torch.nn.Tanh(), torch.nn.Linear(hidden, 1))
    with torch.no_grad():
        for p in net.parameters():
            p.copy_(torch.randn(p.shape, generator=g) * (0.0 if p.ndim == 1 else 1.0 / math.sqrt(p.shape[-1])))
    tr = _KaleWitnessTrainer(place(net, device), place(y, device), place(x, device), lam, lr)
    fit(tr, steps, max(1, steps), progress=False)
    with torch.no_grad():
        val = float(tr.objective())
    val = (1 + lam) * val if convention == "flow" else val
    return val, net
