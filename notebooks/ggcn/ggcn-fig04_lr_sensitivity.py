# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Fig. 4: GCN vs wGCN under learning-rate changes
#
# GGCN, Fig. 4 (spec B.4; claim 15). The paper trains GCN and wGCN on a few images at default settings and with the
# learning rate changed, and shows GCN's samples breaking down (artefacts, collapse) where wGCN's stay stable. Here:
# a few-sample digit set, the learning rate multiplied by each factor of `lr_factors`; the spec's proxies for
# "artefacts" are the response distance and the artefact share (images of almost constant pixels, or with a pixel
# beyond ±2, twice the data range).
# **wGCN's term is the spec's candidate** [infer].

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

import paperlib
from paperlib.experiments import ggcn as ex
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import colour, save_figure, show_images
cfg = paperlib.setup("ggcn-fig04", globals())

# %%
runs = ex.lr_suite(cfg.params, seed=cfg.seed, device=cfg.device)
factors = cfg.params["lr_factors"]

# %% [markdown]
# ## Last synthesis of each run (rows: model × learning-rate factor)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, len(factors), figsize=(9, 4.2))
for r, m in enumerate(("GCN", "wGCN")):
    for c, f in enumerate(factors):
        imgs = np.asarray(runs[(f, m)]["history"]["images"])[-1, 0][:9].astype(np.float32)
        show_images(axes[r, c], imgs, 3, f"{m}, lr ×{f:g}")
fig.tight_layout()
figures = save_figure(fig, cfg.item, "samples")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
for m in ("GCN", "wGCN"):
    for k, f in enumerate(factors):
        r = runs[(f, m)]
        axes[0 if m == "GCN" else 1].plot(r["iteration"], ex.curve(r, "response_distance"), label=f"lr ×{f:g}",
                                          color=colour(m), alpha=0.35 + 0.65 * k / max(1, len(factors) - 1))
for ax, m in zip(axes, ("GCN", "wGCN")):
    ax.set(title=m, xlabel="learning iteration", ylabel="response distance")
    ax.legend()
fig.tight_layout()
figures += save_figure(fig, cfg.item, "curves")

# %% [markdown]
# ## Stability signals along the runs: the input-gradient norm $\overline{\|\nabla_xf_\theta(\tilde x)\|}$ and the energy gap
# $\overline{f_\theta(x)}-\overline{f_\theta(\tilde x)}$ (its sign flips when the synthesis overshoots the data)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(7.5, 3.6))
for m in ("GCN", "wGCN"):
    for k, f in enumerate(factors):
        r = runs[(f, m)]
        style = dict(color=colour(m), alpha=0.35 + 0.65 * k / max(1, len(factors) - 1), lw=1.2)
        axes[0].plot(r["iteration"], ex.curve(r, "grad_norm"), **style, label=f"{m}, lr ×{f:g}")
        axes[1].plot(r["iteration"], ex.curve(r, "energy_gap"), **style)
axes[0].set(xlabel="learning iteration", ylabel="input-gradient norm", yscale="log")
axes[1].set(xlabel="learning iteration", ylabel="energy gap", yscale="symlog")
axes[0].legend(ncol=2, fontsize=9)
fig.tight_layout()
figures += save_figure(fig, cfg.item, "stability")

# %%
# NBVAL_CHECK_OUTPUT
def readouts(results):
    return pd.DataFrame([{"model": m, "lr factor": f, "final response distance": results[(f, m)]["response_final"],
                          "artefact share": results[(f, m)]["artefacts_final"], "sharpness": results[(f, m)]["sharpness"]}
                         for m in ("GCN", "wGCN") for f in factors]).set_index(["model", "lr factor"])


table = readouts(runs)
paperlib.show(table, "Final read-outs per learning rate", precision=4)

# %% [markdown]
# ## Claim 15 (spec Part C)
# The spec's check (B.4): across the learning-rate grid, GCN produces more artefact samples than wGCN (the artefact
# shares summed over the grid). A second reading of "less sensitive": wGCN's final response distance varies less
# across the learning rates (a smaller range over the grid). Both are also judged at every logged
# evaluation ("along the run"), on the read-outs of that iteration's synthesis.

# %%
def fewer_artefacts(t):
    g, w = t.loc["GCN", "artefact share"], t.loc["wGCN", "artefact share"]
    return bool(g.sum() > w.sum()), (f"artefact shares summed over the grid: GCN {g.sum():.2f}, wGCN {w.sum():.2f}; "
                                     f"per factor GCN {', '.join(f'{v:.2f}' for v in g)}, wGCN {', '.join(f'{v:.2f}' for v in w)}")


def steadier_response(t):
    rd_g, rd_w = t.loc["GCN", "final response distance"], t.loc["wGCN", "final response distance"]
    # "less sensitive to hyperparameter tuning" is about the spread over the grid (its range, the companion's
    # measure); a lower worst value is not in the sentence
    held = (rd_w.max() - rd_w.min()) < (rd_g.max() - rd_g.min())
    return bool(held), (f"range over the grid: wGCN {rd_w.max() - rd_w.min():.4f} vs GCN {rd_g.max() - rd_g.min():.4f}"
                        f" (worst: wGCN {rd_w.max():.4f}, GCN {rd_g.max():.4f})")


logged = [(t, readouts(r)) for t, r in ex.along(runs)]
claims = check_claims([
    trained_claim("C15", "Across the learning rates GCN produces more artefacts (flat images, or a pixel beyond ±2) than "
                  "wGCN.", fewer_artefacts, table, logged),
    trained_claim("C15-R", "wGCN's final response distance varies less across the learning rates than GCN's "
                  "(a smaller range over the grid).",
                  steadier_response, table, logged),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"table": table.reset_index().to_dict("records")},
                    notes="Few-sample digits stand in for the paper's 64/128-px images; wGCN term [infer].")
