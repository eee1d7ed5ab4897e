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
# # Figs. 9–10: generated MNIST digits and CIFAR-10 images
#
# Stein Bridging, App. D, Figs. 9 (MNIST) and 10 (CIFAR-10) (spec A.5 SB-Fig9/10): sample grids of the Table 2
# models. The paper's reading is qualitative and it does not say which models each panel shows; here every
# model of Table 2 is shown (conditional models: one row per class). The spec gives no numeric claim; the check
# below is the companion's proxy that the samples are recognisable digits: the classifier's mean confidence
# (highest class probability) of the joint models' samples, beside the real held-out digits'.

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

import paperlib
from paperlib.experiments import stein_bridging as ex
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import image_grid, save_figure

cfg = paperlib.setup("sb-fig09", globals())

# %%
suite = ex.image_suite(cfg.params, seed=cfg.seed, device=cfg.device)
figures = []

# %% tags=["hide-input"]
for (ds, kind), runs in suite.items():
    methods = ex.CONDITIONAL if kind == "conditional" else ex.UNCONDITIONAL
    fig, axes = plt.subplots(2, 3, figsize=(9, 6.6))
    for ax, m in zip(axes.flat, methods):
        x = runs[m]["samples"].float()[:100]
        if kind == "conditional":   # sort by label: one row per class
            x = x[runs[m]["sample_labels"][:100].argsort(stable=True)]
        ax.imshow(image_grid((x + 1) / 2, 10), cmap="gray")
        ax.set(title=f"{m} (IS {ex.scores(runs[m], ds)['IS']:.2f})", xticks=[], yticks=[])
    fig.suptitle(f"{ds}, {kind}")
    fig.tight_layout()
    figures += save_figure(fig, cfg.item, f"{ds}_{kind}")
    plt.show()

# %%
# NBVAL_CHECK_OUTPUT
conf = pd.DataFrame([{"dataset": ds, "setting": kind, "method": m, "mean confidence": float(r["confidence"].mean()),
                      "share above 0.9": float((r["confidence"] > 0.9).mean())}
                     for (ds, kind), runs in suite.items() for m, r in runs.items()])
paperlib.show(conf.set_index(["dataset", "setting", "method"]),
              "The classifier's confidence in the samples (highest class probability)", precision=3)

# %% [markdown]
# ## Check (the companion's proxy; the figure itself is qualitative)

# %%
def recognisable(kind, model):
    r = conf[(conf.setting == kind) & (conf.method == model)]
    v = float(r["mean confidence"].mean())
    return v > 0.8, f"{model}: mean confidence {v:.3f} (threshold 0.8)"


claims = check_claims([
    Claim(f"SB-Fig9 ({m}) [proxy]", f"{m}'s samples are recognisable digits: the classifier's mean confidence "
          "exceeds 0.8.", lambda k=k, m=m: recognisable(k, m))
    for k, m in (("conditional", "Joint-JS"), ("unconditional", "Joint-W"))])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"confidence": conf.to_dict("records")},
                    notes="Sample grids of every Table 2 model; the confidence proxy is the companion's.")
