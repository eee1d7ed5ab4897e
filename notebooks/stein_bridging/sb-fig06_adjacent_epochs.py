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
# # Fig. 6: samples from the same noise in adjacent epochs
#
# Stein Bridging, §5.3 and Fig. 6 (spec A.5 SB-Fig6, A.6 claim 11): one fixed noise batch pushed through the
# generators of WGAN-GP, WGAN+VA and Joint-W after consecutive epochs. The paper's reading is qualitative:
# WGAN-GP and WGAN+VA change noticeably between epochs (some digits change class) while Joint-W is stable. The
# spec's quantitative proxy is computed here: the share of the fixed-noise digits whose class (under the digit
# classifier) changes between two consecutive evaluations (one per epoch at the `cpu` profile).

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
from paperlib.experiments import stein_bridging as ex
from paperlib.core import verdicts
from paperlib.core.claims import Noise, seed_se, Claim, check_claims, verdict_table
from paperlib.plotting import colour, image_grid, save_figure

cfg = paperlib.setup("sb-fig06", globals())
MODELS = ["WGAN-GP", "WGAN-GP+VA", "Joint-W"]

# %%
suite = ex.image_suite(cfg.params, seed=cfg.seed, device=cfg.device)
runs = suite[(cfg.params["datasets"][0], "unconditional")]

# %% [markdown]
# ## The first eight fixed-noise samples at the last four evaluations (one row per evaluation, oldest first)

# %% tags=["hide-input"]
fig, axes = plt.subplots(3, 1, figsize=(7, 9.6))
for ax, m in zip(axes, MODELS):
    imgs = np.asarray(runs[m]["history"]["fixed_images"])[-4:, 0].astype(np.float32)   # (4, 8, C, H, W)
    grid = image_grid((torch.from_numpy(imgs).flatten(0, 1) + 1) / 2, 8)
    ax.imshow(grid, cmap="gray")
    its = runs[m]["iteration"][-len(imgs):]
    ax.set(xticks=[], yticks=[], title=f"{m}: rows = evaluations at iterations {', '.join(map(str, its))}")
fig.tight_layout()
figures = save_figure(fig, cfg.item, "grids")

# %% [markdown]
# ## Share of fixed-noise digits whose class flips between consecutive evaluations

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(9, 3.6))
for m in MODELS:
    its = runs[m]["iteration"][1:]
    ax.plot(its, ex.class_flips(runs[m]), marker="o", color=colour(m), lw=2.2 if m == "Joint-W" else 1.2, label=m)
ax.set(xlabel="iteration", ylabel="share of class flips")
ax.legend()
fig.tight_layout()
figures += save_figure(fig, cfg.item, "flips")

# %%
# NBVAL_CHECK_OUTPUT
flips = pd.DataFrame({m: {"all evaluations": ex.class_flips(runs[m]).mean(),
                          "second half": ex.class_flips(runs[m])[len(ex.class_flips(runs[m])) // 2:].mean()}
                      for m in MODELS}).T
paperlib.show(flips, "Mean share of class flips between consecutive evaluations (lower is steadier)", precision=3)

# %% [markdown]
# ## Claim, on the second half of training
#
# "Joint-W outputs more stable generation in adjacent epoches while the generated samples given by WGAN-GP and
# WGAN+VA exhibit an obvious variation": Joint-W's mean share of class flips over the second half is lower than
# each other model's (two parts), each decided against the standard error of those means over the evaluations.

# %%
def fewer_flips():
    shares = {m: ex.class_flips(runs[m])[len(ex.class_flips(runs[m])) // 2:] for m in MODELS}
    noise = {m: Noise(seed_se(v), f"{len(v)} evaluations of the second half") for m, v in shares.items()}
    return verdicts.best_in_column(flips["second half"].to_dict(), "Joint-W", "class flips", noise)


claims = check_claims([Claim("SB-11", "Across adjacent epochs, fewer of Joint-W's fixed-noise digits change class "
                             "than WGAN-GP's and WGAN+VA's (two parts).", fewer_flips)])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"flips": flips.to_dict()},
                    notes="Class flips under the digit classifier; one evaluation per epoch.")
