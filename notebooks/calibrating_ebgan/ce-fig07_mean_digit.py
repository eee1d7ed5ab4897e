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
# # Fig. 7: the mean digit "1"
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), Fig. 7: the pixel-wise mean of the training images
# of the digit "1", which the paper compares with the top of the EGAN-Ent-NN ranking (Fig. 4). The `paper`
# profile averages the EMNIST "digits" training ones (the NIST SD19 source); the `cpu` profile the MNIST
# test-set ones that ship with this repository (the same 635 training images as the ranking page, and all
# 1,135 for comparison).

# %% tags=["remove-cell"]
# Colab / Binder: install paperlib when it is missing (nothing else is pinned).
import importlib.util
import subprocess
import sys

_REPO = "https://github.com/ebm-gan-companion/paper-companion"
if importlib.util.find_spec("paperlib") is None:
    subprocess.check_call([sys.executable, "-m", "pip", "install", "-q", f"paperlib @ git+{_REPO}"])

# %% tags=["parameters"]
profile: str = "cpu"
seed: int = 0
device: str = "auto"

# %%
import matplotlib.pyplot as plt

import paperlib
from paperlib import digit_ranking as dr
from paperlib.data import digits
from paperlib.plotting import save_figure

cfg = paperlib.setup("ce-fig07", globals())
s = dr.DigitSettings.from_params(cfg.params)
cfg.params

# %%
# NBVAL_CHECK_OUTPUT
train = dr.data(s, download=cfg.params["download"])["train"]
every = digits.digit(s.digit, s.source, s.train_split, download=cfg.params["download"])
means = {f"training images ({len(train)})": train.mean(0)[0], f"all {s.train_split} ones ({len(every)})": every.mean(0)[0]}
for k, v in means.items():
    print(f"{k}: ink mass {float(v.sum()):.1f}, peak {float(v.max()):.3f}")

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(6, 3.2))
for ax, (k, v) in zip(axes, means.items()):
    ax.imshow(v.numpy(), cmap="gray", vmin=0, vmax=1)
    ax.set(title=k, xticks=[], yticks=[])
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %%
_ = paperlib.record(cfg, figures=figures, notes=f"Mean of {s.source} digit-{s.digit} images; no claim to check.")
