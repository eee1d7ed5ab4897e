r"""Density estimation with a RealNVP trained four ways (spec A.15, the talk's "reduction to the EBM case").

* ``ml``: maximum likelihood, $\min_\theta-\frac1b\sum\log g_\theta(x)$.
* ``cd``: contrastive divergence on the flow's own energy $U_\theta=-\log g_\theta$:
  $\min_\theta\frac1b\sum U_\theta(x)-\frac1b\sum U_\theta(\tilde x)$, $\tilde x$ = ``cd_steps`` ULA steps on $U_\theta$
  started at the data batch (as the GEBM code's ``cd``).
* ``kale`` / ``donsker``: a GEBM $q\propto e^{-E}g_\theta$ (energy MLP over a RealNVP base) trained with the KALE
  energy loss (learned $A$: Fenchel; batch log-mean-exp: Donsker–Varadhan) and the KALE base loss
  (:mod:`paperlib.gebm`); its NLL uses $\log q=-E+\log g_\theta-\log Z$, $Z$ by Monte Carlo over the base.

Every method is evaluated on the validation set every ``eval_every`` steps and the best state is kept
(model selection on validation NLL, as the paper); test NLL is reported for that state.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field

import torch

from paperlib.methods import gebm
from paperlib.data.tabular import Split
from paperlib.nets.realnvp import RealNVP

__all__ = ["METHODS", "FitResult", "fit", "cached_fit", "nll", "gaussian_nll"]

METHODS = ("ml", "cd", "donsker", "kale")


@dataclass
class FitResult:
    method: str
    model: torch.nn.Module                    # the best-on-validation state
    best_step: int
    valid_curve: list = field(default_factory=list)   # (step, validation NLL)
    test_nll: float = float("nan")
    base_test_nll: float = float("nan")       # GEBMs: the RealNVP base on its own


def nll(model: torch.nn.Module, x: torch.Tensor, n_mc: int = 20_000, seed: int = 0) -> float:
    """Mean negative log-likelihood (nats, standardised units) of a RealNVP or a GEBM over one."""
    with torch.no_grad():
        if isinstance(model, gebm.GEBM):
            return float(-gebm.log_density(model, x, model.base.log_prob, n_mc, seed).mean())
        return float(-model.log_prob(x).mean())


def gaussian_nll(s: Split) -> float:
    """Test NLL of the maximum-likelihood full-covariance Gaussian (the "MVN" row of the UCI tables)."""
    mean, cov = s.train.mean(0), torch.cov(s.train.T, correction=0)
    return float(-torch.distributions.MultivariateNormal(mean, cov).log_prob(s.test).mean())


class _Best:
    def __init__(self, model):
        self.value, self.step, self.state, self.curve = math.inf, 0, copy.deepcopy(model.state_dict()), []

    def offer(self, model, step: int, value: float) -> None:
        if not math.isfinite(value):
            raise FloatingPointError(f"validation NLL is {value} at step {step}; lower the learning rate")
        self.curve.append((step, value))
        if value < self.value:
            self.value, self.step, self.state = value, step, copy.deepcopy(model.state_dict())


def _ula(flow: RealNVP, x: torch.Tensor, steps: int, step_size: float, g: torch.Generator) -> torch.Tensor:
    """$x\\leftarrow x+\\eta\\nabla\\log g_\\theta(x)+\\sqrt{2\\eta}\\,\\xi$ from the data batch (samples detached)."""
    for _ in range(steps):
        x = x.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(flow.log_prob(x).sum(), x)
        x = x + step_size * grad + math.sqrt(2 * step_size) * torch.randn(x.shape, generator=g, dtype=x.dtype)
    return x.detach()


def fit(method: str, s: Split, steps: int, *, layers: int = 3, hidden: int = 32, batch: int = 100,
        lr: float = 1e-3, eval_every: int = 50, cd_steps: int = 10, cd_step_size: float = 0.01,
        energy_hidden: int = 64, energy_steps: int = 5, penalty: float = 0.1, n_mc: int = 5000,
        seed: int = 0) -> FitResult:
    """Train one model by ``method`` (see the module docstring) and return its best-on-validation state."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {METHODS}")
    dim = s.train.shape[1]
    flow = RealNVP(dim, layers, hidden, seed=seed)
    g = torch.Generator().manual_seed(seed)
    if method in ("ml", "cd"):
        best = _Best(flow)
        opt = torch.optim.Adam(flow.parameters(), lr=lr)
        for t in range(1, steps + 1):
            x = s.train[torch.randint(0, len(s.train), (min(batch, len(s.train)),), generator=g)]
            if method == "ml":
                loss = -flow.log_prob(x).mean()
            else:
                x_neg = _ula(flow, x, cd_steps, cd_step_size, g)
                loss = flow.log_prob(x_neg).mean() - flow.log_prob(x).mean()
            if not torch.isfinite(loss):
                raise FloatingPointError(f"{method} loss is {float(loss)} at step {t} (seed {seed}); lower lr")
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            if t % eval_every == 0 or t == steps:
                best.offer(flow, t, nll(flow, s.valid))
        flow.load_state_dict(best.state)
        return FitResult(method, flow, best.step, best.curve, nll(flow, s.test))

    model = gebm.GEBM(gebm.mlp_energy(energy_hidden, seed=seed, dim=dim), flow)
    model.init_log_partition(n_mc, torch.Generator().manual_seed(seed))
    best = _Best(model)

    def evaluate(t):
        best.offer(model, t, nll(model, s.valid, n_mc, seed))

    gebm.train(model, s.train, steps, batch=min(batch, len(s.train)), energy_steps=energy_steps, lr=lr,
               penalty=penalty, seed=seed, log_every=eval_every, donsker_varadhan=method == "donsker",
               on_log=evaluate)
    model.load_state_dict(best.state)
    return FitResult(method, model, best.step, best.curve, nll(model, s.test, 4 * n_mc, seed + 1),
                     nll(model.base, s.test))


def cached_fit(dataset: str, method: str, steps: int, seed: int = 0, n_banana: int = 2000, cache=None,
               **fit_args) -> dict:
    """:func:`fit` on ``tabular.split(tabular.load(dataset, seed), seed)``, cached as a summary: test NLL, the base's
    test NLL, the selected step and the validation curve (the model itself is not kept)."""
    from paperlib.core.cache import Cache
    from paperlib.data import tabular

    config = {"dataset": dataset, "method": method, "steps": steps, "seed": seed, "n_banana": n_banana, **fit_args}

    def compute():
        s = tabular.split(tabular.load(dataset, seed=seed, n=n_banana), seed=seed)
        r = fit(method, s, steps, seed=seed, **fit_args)
        return {"test NLL": r.test_nll, "base alone": r.base_test_nll, "best step": r.best_step,
                "curve": r.valid_curve}

    return (cache or Cache()).get_or_compute("density-fit", config, compute)
