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
# # Kinetic Langevin with low friction moves between modes
#
# Gretton's talk (spec A.13, "moving between modes"): the same tempered GEBM (β = 100) sampled by KLA with a
# lower friction keeps its momentum and travels from one mode to another: a chain shows several classes
# (claim 10: class switches increase as the friction decreases).
#
# **Method.** The GEBM of the sampling-at-modes page; KLA at β = 100 with frictions κ ∈ {10, 1, 0.1} and a
# constant step γ = 1e-3 (no decay, so that late chains still move) [recon]; each kept state is classified by
# the digit classifier, and a chain's distinct classes and class changes are counted.
#
# **Data and size.** `cpu`: the vendored MNIST digits, 64 chains × 2,000 steps, a state kept every 20 steps.
# `paper`: CIFAR-10 (its classifier's classes).

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

import paperlib
from paperlib.experiments import gebm as ex
from paperlib.core.claims import Noise, compare, seed_se, Claim, check_claims, verdict_table
from paperlib.plotting import save_figure, show_images

cfg = paperlib.setup("gebm-kla-between", globals())
p = cfg.params
beta = max(p["betas"])

# %%
runs = {k: ex.kla_chains(p, beta, k, p["chains"], p["between_steps"], p["between_keep"], seed=cfg.seed,
                         device=cfg.device, decay_every=0) for k in p["frictions"]}
print(f"{p['chains']} chains x {p['between_steps']} KLA steps at beta {beta:g}, a state kept every {p['between_keep']}")

# %% [markdown]
# ## Three chains per friction, early (left) to late (right)

# %% tags=["hide-input"]
fig, axes = plt.subplots(len(runs), 1, figsize=(7.5, 2.6 * len(runs)))
for ax, (k, r) in zip(axes, runs.items()):
    strip, times = ex.chain_strips(r, 3, 12)
    show_images(ax, strip, nrow=len(times), title=f"friction κ = {k:g} (steps {int(times[0])} to {int(times[-1])})")
fig.tight_layout()
figures = save_figure(fig, cfg.item, "chains")

# %%
# NBVAL_CHECK_OUTPUT
counts = pd.DataFrame({k: ex.class_switches(r["classes"]) for k, r in runs.items()}).T
counts.index.name = "friction"
paperlib.show(counts, "Per chain (mean over chains): distinct classes visited and class changes between kept states",
              precision=2)

# %% [markdown]
# ## Claim
#
# "Model run at lower friction (but still low temperature, β = 100) for mode exploration": the chains at the lowest
# friction of the grid visit more distinct classes than those at its highest (one pair), decided against the standard error over the chains.

# %%
def distinct(k):
    return [len(np.unique(row)) for row in runs[k]["classes"]]


def more_classes():
    low, high = min(runs), max(runs)
    a, b = distinct(low), distinct(high)
    return [compare(f"κ {low:g} vs κ {high:g} · distinct classes", np.mean(a), np.mean(b), "class switches",
                    Noise(seed_se(a), f"{len(a)} chains"), Noise(seed_se(b), f"{len(b)} chains"))]


claims = check_claims([
    Claim("GEBM-10 (friction)", "Chains at the lowest friction visit more distinct classes than chains at the highest "
          "friction of the grid.", more_classes),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"counts": counts.reset_index().to_dict("records")},
                    notes=f"{p['dataset']}, beta {beta:g}, {p['chains']} chains, one seed.")
