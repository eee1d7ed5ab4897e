# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # MMD witness: "a helpful critic witness", MMD = 1.8, then 1.1
#
# Gretton's talk (spec A.2) plots two distributions $P$ (red) and $Q$ (blue) with the MMD witness
# $f^*(t)\propto\mathbb E_Pk(X,t)-\mathbb E_Qk(Y,t)$ (green), annotated MMD = 1.8, then MMD = 1.1 when $Q$ moves toward $P$.
# The slide's distributions, kernel and scaling are not recoverable; this page uses the spec's
# reconstruction: $P=\mathcal N(0,1)$, $Q=\mathcal N(\mu,1)$ with $\mu$ = `mu_far`, then `mu_near`, a Gaussian kernel
# $e^{-(x-y)^2/\sigma}$ with $\sigma$ from the median heuristic, and the un-squared MMD (the slide's sup definition).
# With a kernel of unit diagonal the MMD cannot exceed $\sqrt2\approx1.41$, so the printed 1.8 implies a scaled
# kernel: the two values are compared through their ratio (1.8 / 1.1 = 1.64), which does not depend on that scale.

# %% tags=["remove-cell"]
# Colab / Binder: install paperlib when it is missing (nothing else is pinned).
import importlib.util
import subprocess
import sys

_REPO = "https://github.com/ebm-gan-companion/paper-companion"
if importlib.util.find_spec("paperlib") is None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", f"paperlib @ git+{_REPO}"])

# %% tags=["parameters", "remove-cell"]
profile: str = "cpu"
seed: int = 0
device: str = "auto"

# %% tags=["remove-input"]
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from scipy.stats import norm

import paperlib
from paperlib.experiments import gebm as ex
from paperlib.core import reported
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("gebm-mmd-witness", globals())
p = cfg.params

# %%
g = torch.Generator().manual_seed(cfg.seed)
n = p["n"]
x = torch.randn(n, generator=g, dtype=torch.float64)
configs = {"far": p["mu_far"], "near": p["mu_near"]}
ys = {k: mu + p["q_std"] * torch.randn(n, generator=g, dtype=torch.float64) for k, mu in configs.items()}
sigma = ex.median_sigma(x, ys["far"])          # one kernel for both slides
t = torch.linspace(-6, 6, 500, dtype=torch.float64)
print(f"kernel exp(-(x-y)^2 / sigma), sigma = {sigma:.3f} (median heuristic on the far configuration)")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6), sharey=True)
values = {}
for ax, (k, mu) in zip(axes, configs.items()):
    values[k] = ex.mmd(x, ys[k], sigma, device=cfg.device)
    w = ex.mmd_witness(x, ys[k], t, sigma, device=cfg.device)
    ax.plot(t, norm.pdf(t), color="red", label="P")
    ax.plot(t, norm.pdf(t, mu, p["q_std"]), color="blue", label="Q")
    ax.plot(t, w, color="green", label="witness $f^*$ (unit norm)")
    ax.axhline(0, color="grey", lw=0.6)
    ax.set(title=f"MMD = {values[k]:.2f} ($\\mu_Q$ = {mu:g})", xlabel="x")
    ax.legend(loc="upper left")
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Reported beside ours, and the population values
#
# The population MMD follows from the closed form for Gaussians (`divergences.mmd2_gaussians`).

# %%
# NBVAL_CHECK_OUTPUT
rep = reported.load(cfg.item).tables["mmd"]
exact = {k: np.sqrt(ex.mmd2_gaussians(0, 1, mu, p["q_std"] ** 2, sigma)) for k, mu in configs.items()}
rows = [reported.compare(rep.loc[k, "MMD"], values[k], f"MMD {k}", "talk slide") for k in configs]
rows.append(reported.compare(rep.loc["far", "MMD"] / rep.loc["near", "MMD"], values["far"] / values["near"],
                             "ratio far / near", "talk slide"))
comparison = reported.comparison_table(rows)
paperlib.show(comparison.drop(columns="source"), "Talk slide beside this run", precision=3)
paperlib.show(pd.Series(exact, name="population MMD").to_frame(), "Population MMD (closed form)")

# %% [markdown]
# ## Convergence of the estimator with the sample size
#
# Mean absolute error of the estimated MMD (V-statistic, square-rooted) against the population value over
# `conv_seeds` independent samples per size; the V-statistic is biased upward by $O(1/n)$.

# %%
# NBVAL_CHECK_OUTPUT
conv = []
for m in p["sizes"]:
    errs = []
    for r in range(p["conv_seeds"]):
        gm = torch.Generator().manual_seed(1000 * cfg.seed + 10 * m + r)
        xm = torch.randn(m, generator=gm, dtype=torch.float64)
        ym = p["mu_far"] + p["q_std"] * torch.randn(m, generator=gm, dtype=torch.float64)
        errs.append(abs(ex.mmd(xm, ym, sigma, device=cfg.device) - exact["far"]))
    conv.append({"n": m, "mean |MMD - population|": float(np.mean(errs)), "sd": float(np.std(errs))})
conv = pd.DataFrame(conv).set_index("n")
paperlib.show(conv, "Error of the sample MMD against the sample size")

# %% [markdown]
# ## Claims (spec A.2)

# %%
def sign_claim():
    out, ok = [], True
    for k, mu in configs.items():
        w = ex.mmd_witness(x, ys[k], t, sigma, device=cfg.device).numpy()
        diff = norm.pdf(t) - norm.pdf(t, mu, p["q_std"])
        clear = np.abs(diff) > 0.05
        agree = float(np.mean(np.sign(w[clear]) == np.sign(diff[clear])))
        ok &= agree == 1.0
        out.append(f"{k}: sign(witness) = sign(p - q) on {agree:.0%} of the grid where |p - q| > 0.05")
    return ok, "; ".join(out)


claims = check_claims([
    Claim("GEBM-A2 (witness)", "The witness is positive where p > q and negative where q > p.", sign_claim),
    Claim("GEBM-A2 (closer)", "The MMD decreases when Q moves toward P (1.8 -> 1.1).",
          lambda: (values["near"] < values["far"], f"far {values['far']:.3f} -> near {values['near']:.3f}")),
    Claim("GEBM-A2 (estimator)", "The MMD estimate converges to the population value as n grows.",
          lambda: (conv.iloc[-1, 0] < conv.iloc[0, 0],
                   f"mean error {conv.iloc[0, 0]:.4f} at n={conv.index[0]} -> {conv.iloc[-1, 0]:.4f} at "
                   f"n={conv.index[-1]} ({p['conv_seeds']} samples each)")),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, comparison=comparison, figures=figures,
                    metrics={"sigma": sigma, "population": exact},
                    notes="Reconstructed distributions and kernel (spec A.2); absolute MMD values depend on the "
                          "kernel's unrecoverable scale, the ratio does not.")
