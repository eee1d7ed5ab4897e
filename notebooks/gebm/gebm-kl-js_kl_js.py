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
# # KL vs JS on disjoint supports
#
# Gretton's talk (spec A.3) recalls why a GAN's JS loss gives no signal when the model and the data have
# disjoint supports: $\mathrm{KL}(P\|Q)=\infty$ and $\mathrm{JS}(P,Q)=\log2$ whatever the distance between them. The
# slide's picture is reconstructed with Arjovsky's parallel lines, $P=\delta_0\otimes U[0,1]$, $Q_\theta=\delta_\theta\otimes U[0,1]$
# in $\mathbb R^2$: KL and JS are computed on a discretised plane, $W_1=|\theta|$ in closed form, the MMD in closed form
# for the kernel $e^{-\|x-y\|^2/\sigma}$, and KALE (flow convention) from `n` samples of each line with the exact dual
# solver, for several $\lambda$.

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
import math

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import torch
from scipy.integrate import quad

import paperlib
from paperlib.experiments import gebm as ex
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("gebm-kl-js", globals())
p = cfg.params

# %%
sigma = p["sigma"]
thetas = np.linspace(-1, 1, p["thetas"])
# MMD^2 = 2c (1 - exp(-theta^2 / sigma)), c = E_{a,b ~ U[0,1]} exp(-(a-b)^2 / sigma) (triangular density of a-b)
c = 2 * quad(lambda u: (1 - u) * math.exp(-u * u / sigma), 0, 1)[0]
mmd_exact = np.sqrt(2 * c * (1 - np.exp(-thetas**2 / sigma)))


g = torch.Generator().manual_seed(cfg.seed)
n = p["n"]
# Q_theta's sample is P's sample shifted by theta (coupled draws), so that theta = 0 is exactly P = Q
u_p = u_q = torch.rand(n, generator=g, dtype=torch.float64)
rows = []
for th in thetas:
    kl, js = ex.two_lines_divergences(th)
    P = torch.stack([torch.zeros(n, dtype=torch.float64), u_p], 1)
    Q = torch.stack([torch.full((n,), th, dtype=torch.float64), u_q], 1)
    row = {"theta": th, "KL": kl, "JS": js, "W1": abs(th), "MMD": float(np.sqrt(2 * c * (1 - np.exp(-th**2 / sigma))))}
    for lam in p["lambdas"]:
        row[f"KALE lambda={lam:g}"] = ex.kale(P, Q, lam, sigma, device=cfg.device).value
    rows.append(row)
table = pd.DataFrame(rows).set_index("theta")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.6))
finite = table.replace(np.inf, np.nan)
axes[0].plot(thetas, np.where(np.isinf(table.KL), 2.5, table.KL), "k:", label="KL (∞ off θ = 0; drawn at 2.5)")
axes[0].plot(thetas, table.JS, label="JS")
axes[0].axhline(math.log(2), color="grey", lw=0.6)
axes[0].plot(thetas, table.W1, label="$W_1=|θ|$")
axes[0].plot(thetas, table.MMD, label="MMD")
axes[0].set(xlabel="θ", title="Divergences between two parallel lines")
axes[0].legend()
for lam in p["lambdas"]:
    axes[1].plot(thetas, table[f"KALE lambda={lam:g}"], marker=".", label=f"KALE, λ = {lam:g}")
axes[1].set(xlabel="θ", title=f"KALE from {n} samples per line (flow convention)")
axes[1].legend()
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %%
# NBVAL_CHECK_OUTPUT
paperlib.show(table.iloc[:: max(1, len(table) // 10)], "KL and JS along the shift (every tenth row)")

# %% [markdown]
# ## Claims (spec A.3)

# %%
off = table.index != 0
kale_cols = [c for c in table if c.startswith("KALE")]
mid = len(table) // 2


def continuous(col):
    v = table[col].to_numpy()
    left, right = v[:mid + 1][::-1], v[mid:]          # from θ = 0 outwards, each side
    mono = all(np.all(np.diff(side) >= -1e-9) for side in (left, right))
    return bool(mono and v[mid] < 1e-6), f"{col}: {v[mid]:.2e} at θ=0, {v[0]:.4f} at θ=-1, {v[-1]:.4f} at θ=1"


claims = check_claims([
    Claim("GEBM-A3 (KL)", "KL(P||Q) is infinite for every θ ≠ 0.",
          lambda: (bool(np.isinf(table.KL[off]).all() and table.KL[~off].iloc[0] == 0),
                   f"{int(np.isinf(table.KL[off]).sum())}/{int(off.sum())} infinite; KL = {table.KL[~off].iloc[0]} at θ=0")),
    Claim("GEBM-A3 (JS)", "JS(P, Q) = log 2 for every θ ≠ 0: no information about the distance.",
          lambda: (bool(np.allclose(table.JS[off], math.log(2), atol=1e-12)),
                   f"JS in [{table.JS[off].min():.6f}, {table.JS[off].max():.6f}], log 2 = {math.log(2):.6f}")),
    Claim("GEBM-A3 (MMD)", "MMD is continuous in θ, zero at θ = 0 and grows with |θ|.", lambda: continuous("MMD")),
    *[Claim(f"GEBM-A3 ({col})", "KALE is finite, continuous, zero at θ = 0 and grows with |θ|.",
            lambda col=col: continuous(col)) for col in kale_cols],
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"c": c, "sigma": sigma},
                    notes="Arjovsky's parallel lines (spec A.3 reconstruction); KALE in the flow convention.")
