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
# # Fig. 7: the mean digit "1", and how close each model's top-ranked images come to it
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), Fig. 7: the pixel-wise mean of the training images
# of the digit "1". The paper shows it to argue that EGAN-Ent-NN's lowest-energy images (Fig. 4) look like
# the mean digit and its highest-energy ones (Fig. 5) do not. Here the mean digit is shown beside the mean of
# each model's top-100 and bottom-100 pool images (the runs of the ranking page, read from the cache), and
# the claim is checked with distances to the mean digit. The `paper` profile uses EMNIST "digits" (NIST SD19);
# the `cpu` profile the MNIST test-set ones shipped with this repository (see the ranking page).

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
import pandas as pd
import torch

import paperlib
from paperlib.experiments import calibrating_ebgan as ex
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("ce-fig07", globals())
s = ex.DigitSettings.from_params(cfg.params)

# %%
data = ex.digit_data(s, download=cfg.params["download"])
mean_digit = data["train"].mean(0)
runs = {m: ex.digit_run(m, s, seed=cfg.seed, device=cfg.device, download=cfg.params["download"]) for m in ex.DIGIT_METHODS}
ranked = {m: ex.ranking(r, data["pool"]) for m, r in runs.items()}

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 4, figsize=(8, 4.6))
axes = axes.ravel()
axes[7].axis("off")
axes[0].imshow(mean_digit[0].numpy(), cmap="gray", vmin=0, vmax=1)
axes[0].set(title=f"mean of {len(data['train'])}\ntraining images", xticks=[], yticks=[])
for k, (m, r) in enumerate(ranked.items()):
    for j, (part, sl) in enumerate((("top 100", slice(0, 100)), ("bottom 100", slice(-100, None)))):
        ax = axes[1 + 2 * k + j]
        ax.imshow(r["images"][sl].mean(0)[0].numpy(), cmap="gray", vmin=0, vmax=1)
        ax.set(title=f"{m}\nmean of {part}", xticks=[], yticks=[])
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Distance of the ranked images to the mean digit
#
# Mean Euclidean pixel distance to the mean training digit of the 100 lowest- and 100 highest-energy pool
# images of each model (generated and real; the real ones are compared without their corner bracket).

# %%
# NBVAL_CHECK_OUTPUT
rows = []
for m, r in ranked.items():
    unmarked = torch.cat([runs[m]["generated"], data["pool"]])[r["order"]]
    d = (unmarked.flatten(1) - mean_digit.flatten()).norm(dim=1)
    rows.append({"method": m, "top 100": float(d[:100].mean()), "bottom 100": float(d[-100:].mean()),
                 "all 1000": float(d.mean())})
dist = pd.DataFrame(rows).set_index("method")
paperlib.show(dist, "Mean distance to the mean digit", precision=3)

# %% [markdown]
# ## Claim (spec B.7, claim 8, the Fig. 4 / Fig. 7 comparison)
#
# Judged at the end of training only: the ranked pool holds the final generator's images. The same
# model's ranking of the real pool is judged along the run on the Fig. 4 page.

# %%
nn = dist.loc["EGAN-Ent-NN"]
claims = check_claims([
    Claim("CE-8 (mean digit)", "EGAN-Ent-NN's top-ranked images resemble the mean digit: they are closer to it "
          "than its bottom-ranked ones.",
          lambda: (nn["top 100"] < nn["bottom 100"],
                   f"NN: top 100 at {nn['top 100']:.2f}, bottom 100 at {nn['bottom 100']:.2f}; "
                   + ", ".join(f"{m}: {r['top 100']:.2f} / {r['bottom 100']:.2f}" for m, r in dist.iterrows()
                               if m != "EGAN-Ent-NN"))),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"distance_to_mean": dist.reset_index().to_dict("records")},
                    notes=f"{s.source} digit {s.digit}; runs shared with ce-fig04.")
