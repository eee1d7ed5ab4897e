r"""Density estimation with a RealNVP trained four ways (spec A.15, the talk's "reduction to the EBM case").

* ``ml``: maximum likelihood, $\min_\theta-\frac1b\sum\log g_\theta(x)$.
* ``cd``: contrastive divergence on the flow's own energy $U_\theta=-\log g_\theta$:
  $\min_\theta\frac1b\sum U_\theta(x)-\frac1b\sum U_\theta(\tilde x)$, $\tilde x$ = ``cd_steps`` ULA steps on $U_\theta$
  started at the data batch (as the GEBM code's ``cd``).
* ``kale`` / ``donsker``: a GEBM $q\propto e^{-E}g_\theta$ (energy MLP over a RealNVP base) trained with the KALE
  energy loss (learned $A$: Fenchel; batch log-mean-exp: Donsker–Varadhan) and the KALE base loss
  (:mod:`paperlib.gebm`); its NLL uses $\log q=-E+\log g_\theta-\log Z$, $Z$ by Monte Carlo over the base.

Every method is evaluated on the validation set every ``eval_every`` steps and the best state is kept
(model selection on validation NLL, as the paper); test NLL is reported for that state. Each evaluation also
logs the test NLL (and a GEBM's base's), so that a shorter run's selected model can be read off the curve
(issue 17: the claims judged along the run).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field

import torch

from paperlib import training
from paperlib.core.devices import place
from paperlib.data.tabular import Split
from paperlib.methods import gebm
from paperlib.nets.realnvp import RealNVP
from paperlib.sampling.langevin import ula

__all__ = ["DENSITY_METHODS", "FitResult", "FlowTrainer", "fit", "cached_fit", "nll", "mvn_test_nll"]

DENSITY_METHODS = ("ml", "cd", "donsker", "kale")


@dataclass
class FitResult:
    method: str
    model: torch.nn.Module                    # the best-on-validation state
    best_step: int
    # (step, validation NLL, test NLL, base's test NLL) at every evaluation; NaN where there is no base
    curve: list = field(default_factory=list)
    test_nll: float = float("nan")
    base_test_nll: float = float("nan")       # GEBMs: the RealNVP base on its own


def nll(model: torch.nn.Module, x: torch.Tensor, n_mc: int = 20_000, seed: int = 0) -> float:
    """Mean negative log-likelihood (nats, standardised units) of a RealNVP or a GEBM over one."""
    with torch.no_grad():
        if isinstance(model, gebm.GEBM):
            return float(-gebm.log_density(model, x, model.base.log_prob, n_mc, seed).mean())
        return float(-model.log_prob(x).mean())


def held_out_nll(model: torch.nn.Module, s: Split, n_mc: int = 20_000, seed: int = 0) -> dict[str, float]:
    """Validation and test NLL of ``model`` (a GEBM: one Monte-Carlo normaliser for both sets, and its base's test
    NLL as ``base test``)."""
    nv = len(s.valid)
    x = torch.cat([s.valid, s.test])
    with torch.no_grad():
        if isinstance(model, gebm.GEBM):
            nl = -gebm.log_density(model, x, model.base.log_prob, n_mc, seed)
            base = float(-model.base.log_prob(s.test).mean())
        else:
            nl, base = -model.log_prob(x), float("nan")
    return {"valid": float(nl[:nv].mean()), "test": float(nl[nv:].mean()), "base test": base}


def mvn_test_nll(s: Split) -> float:
    """Test NLL of the maximum-likelihood full-covariance Gaussian (the "MVN" row of the UCI tables)."""
    mean, cov = s.train.mean(0), torch.cov(s.train.T, correction=0)
    return float(-torch.distributions.MultivariateNormal(mean, cov).log_prob(s.test).mean())


def ula_negatives(flow: RealNVP, x: torch.Tensor, steps: int, step_size: float, g: torch.Generator) -> torch.Tensor:
    r"""CD's negatives: ``steps`` ULA steps on $U_\theta=-\log g_\theta$ from the data batch (:func:`paperlib.sampling.langevin.ula`)."""
    def grad_u(z):
        z = z.detach().requires_grad_(True)
        (grad,) = torch.autograd.grad(flow.log_prob(z).sum(), z)
        return -grad
    return ula(grad_u, x, step_size, steps, generator=g)[0].detach()


class FlowTrainer:
    """A RealNVP by maximum likelihood or contrastive divergence; the :class:`paperlib.training.Trainer` protocol,
    evaluated by its validation NLL (``valid``)."""

    def __init__(self, flow: RealNVP, s: Split, method: str, batch: int, lr: float, cd_steps: int,
                 cd_step_size: float, seed: int):
        self.name, self.members, self.iteration = f"realnvp/{method}", [(method, seed)], 0
        self.flow, self.s, self.method = flow, s, method
        self.batch, self.cd_steps, self.cd_step_size = batch, cd_steps, cd_step_size
        self.g = torch.Generator().manual_seed(seed)
        self.opt = torch.optim.Adam(flow.parameters(), lr=lr)

    def modules(self):
        return {"flow": self.flow}

    def step(self) -> dict[str, torch.Tensor]:
        self.iteration += 1
        x = self.s.train[torch.randint(0, len(self.s.train), (min(self.batch, len(self.s.train)),), generator=self.g)]
        if self.method == "ml":
            loss = -self.flow.log_prob(x).mean()
        else:
            x_neg = ula_negatives(self.flow, x, self.cd_steps, self.cd_step_size, self.g)
            loss = self.flow.log_prob(x_neg).mean() - self.flow.log_prob(x).mean()
        if torch.isfinite(loss):
            self.opt.zero_grad(set_to_none=True)
            loss.backward()
            self.opt.step()
        return {self.method: loss.detach().reshape(1)}

    def evaluate(self, final: bool = False) -> dict[str, float]:
        return held_out_nll(self.flow, self.s)

    def state_dict(self) -> dict:
        return {"iteration": self.iteration, "rng": self.g.get_state(), "flow": self.flow.state_dict(),
                "opt": self.opt.state_dict()}

    def load_state_dict(self, st: dict) -> None:
        self.iteration = st["iteration"]
        self.g.set_state(st["rng"])
        self.flow.load_state_dict(st["flow"])
        self.opt.load_state_dict(st["opt"])


def _curve(out: dict) -> list:
    h = out["history"]
    return [(int(t), float(v), float(te), float(b)) for t, v, te, b in
            zip(out["iteration"], h["valid"], h["test"], h["base test"])]


def fit(method: str, s: Split, steps: int, *, layers: int = 3, hidden: int = 32, batch: int = 100,
        lr: float = 1e-3, eval_every: int = 50, cd_steps: int = 10, cd_step_size: float = 0.01,
        energy_hidden: int = 64, energy_steps: int = 5, penalty: float = 0.1, n_mc: int = 5000,
        seed: int = 0, device: str = "cpu") -> FitResult:
    """Train one model by ``method`` (see the module docstring) and return its best-on-validation state."""
    if method not in DENSITY_METHODS:
        raise ValueError(f"unknown method {method!r}; choose from {DENSITY_METHODS}")
    dim = s.train.shape[1]
    flow = place(RealNVP(dim, layers, hidden, seed=seed), device)
    s = dataclasses.replace(s, train=place(s.train, device), valid=place(s.valid, device), test=place(s.test, device))
    if method in ("ml", "cd"):
        tr = FlowTrainer(flow, s, method, batch, lr, cd_steps, cd_step_size, seed)
        out = training.fit(tr, steps, eval_every, progress=False, keep_best="valid")
        return FitResult(method, flow, out["best"]["iteration"], _curve(out), nll(flow, s.test))

    model = place(gebm.GEBM(gebm.mlp_energy(energy_hidden, seed=seed, dim=dim), flow), device)
    model.init_log_partition(n_mc, torch.Generator().manual_seed(seed))
    tr = gebm.GEBMTrainer(model, s.train, batch=min(batch, len(s.train)), energy_steps=energy_steps, lr=lr,
                          penalty=penalty, seed=seed, donsker_varadhan=method == "donsker",
                          validate=lambda m: held_out_nll(m, s, n_mc, seed), device=device)
    out = training.fit(tr, steps, eval_every, progress=False, keep_best="valid")
    return FitResult(method, model, out["best"]["iteration"], _curve(out), nll(model, s.test, 4 * n_mc, seed + 1),
                     nll(model.base, s.test))


def cached_fit(dataset: str, method: str, steps: int, seed: int = 0, n_banana: int = 2000, cache=None,
               device: str = "cpu", **fit_args) -> dict:
    """:func:`fit` on ``tabular.split(tabular.load(dataset, seed), seed)``, cached as a summary: test NLL, the base's
    test NLL, the selected step and the evaluation curve (the model itself is not kept)."""
    from paperlib.core.cache import Cache
    from paperlib.data import tabular

    config = {"dataset": dataset, "method": method, "steps": steps, "seed": seed, "n_banana": n_banana, **fit_args}

    def compute():
        s = tabular.split(tabular.load(dataset, seed=seed, n=n_banana), seed=seed)
        r = fit(method, s, steps, seed=seed, device=device, **fit_args)
        return {"test NLL": r.test_nll, "base alone": r.base_test_nll, "best step": r.best_step,
                "curve": r.curve}

    return (cache or Cache()).get_or_compute("density-fit", config, compute)
