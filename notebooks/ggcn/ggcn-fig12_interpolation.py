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
# # Fig. 12: latent interpolation
#
# GGCN, Fig. 12 (spec B.12; claim 23). Two random hidden vectors, clipped to $[-1,1]$, and GGCN+AMS's generator along
# the straight line between them: attributes should change smoothly. The text says 10 intermediate vectors, the
# caption 8 midpoints; we use 8 midpoints (10 columns). Smoothness is measured as the spec suggests: the pixel
# distance between consecutive frames should be roughly constant (no jump larger than twice the median step
# [infer: our threshold]). The model is the faces run of Fig. 6.

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
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import colour, save_figure, show_images
cfg = paperlib.setup("ggcn-fig12", globals())

# %%
runs = ex.face_suite(cfg.params, seed=cfg.seed, device=cfg.device)
frames = runs["GGCN+AMS"]["interpolation"].float()
steps = ex.step_distances(frames)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 1, figsize=(9, 4.6), gridspec_kw={"height_ratios": [1.2, 1]})
show_images(axes[0], frames, len(frames), "z_a → z_b (8 midpoints)")
axes[1].bar(np.arange(1, len(steps) + 1), steps, color=colour("GGCN+AMS"))
axes[1].axhline(2 * np.median(steps), ls="--", color="k", lw=1, label="2 × median step")
axes[1].set(xlabel="step between consecutive frames", ylabel="RMS pixel distance")
axes[1].legend()
fig.tight_layout()
figures = save_figure(fig, cfg.item, "interpolation")

# %%
# NBVAL_CHECK_OUTPUT
table = pd.DataFrame({"step": np.arange(1, len(steps) + 1), "RMS pixel distance": steps}).set_index("step")
paperlib.show(table.T, "Distance between consecutive frames", precision=4)

# %%
def smooth():
    ratio = steps.max() / np.median(steps)
    return bool(ratio < 2.0), f"largest step / median step = {ratio:.2f}"


claims = check_claims([Claim("C23", "Interpolating between two clipped hidden vectors changes the image smoothly "
                             "(no step larger than twice the median).", smooth)])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"steps": steps.tolist()},
                    notes="lfw faces stand in for CelebA; the hidden vectors are drawn from a Gaussian fitted to the learned ones.")
