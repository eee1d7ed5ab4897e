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
# # Tables 6–7: per-class distances between the generated and the true means
#
# Stein Bridging, App. D, Tables 6 (MNIST) and 7 (CIFAR-10) (spec A.5 SB-Table6/7): the statistic of Table 3
# computed per class. The paper's numbers are not accessible (spec: [unknown]), so this page shows ours only.
# The class of a generated image comes from the digit classifier (the models are unconditional). The paper
# states no claim for these tables; the check below carries Table 3's claim 9 over to the classes, marked as the
# companion's extension.

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
from paperlib.plotting import colour, save_figure

cfg = paperlib.setup("sb-tab06", globals())

# %%
suite = ex.image_suite(cfg.params, seed=cfg.seed, device=cfg.device)
rows = []
for (ds, kind), runs in suite.items():
    if kind == "unconditional":
        for m in ex.UNCONDITIONAL:
            per = runs[m]["per_class_distance"]
            rows += [{"dataset": ds, "method": m, "class": c, "l1": per[c, 0], "l2": per[c, 1]} for c in range(10)]
per_class = pd.DataFrame(rows)

# %% [markdown]
# ## ℓ2 distance per class (rows: models; columns: classes 0–9)

# %%
# NBVAL_CHECK_OUTPUT
for ds, block in per_class.groupby("dataset"):
    for norm in ("l1", "l2"):
        table = block.pivot(index="method", columns="class", values=norm).reindex(ex.UNCONDITIONAL)
        table["mean"] = table.mean(axis=1)
        paperlib.show(table, f"{ds}: {norm} distance between the class means, generated (classifier's class) vs true",
                      precision=2)

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(9, 3.8))
block = per_class[per_class.dataset == per_class.dataset.iloc[0]]
for m, r in block.groupby("method", sort=False):
    ax.plot(r["class"], r["l2"], marker="o", color=colour(m), lw=2.2 if m.startswith("Joint") else 1.2, label=m)
ax.set(xlabel="class", ylabel="ℓ2 distance of the class means", xticks=range(10))
ax.legend(ncol=3)
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Check (the companion's extension of claim 9 to the classes)

# %%
def mean_over_classes(ds):
    s = per_class[per_class.dataset == ds].groupby("method")["l2"].mean()
    if s.isna().any():
        return None, f"a model has a class without generated images: {s.to_dict()}"
    return ex.is_best(s.to_dict(), "Joint-W", lower=True)


claims = check_claims([
    Claim(f"SB-9 per class ({ds}) [extension]", f"On {ds}, Joint-W has the smallest ℓ2 distance between class means "
          "averaged over the ten classes.", lambda ds=ds: mean_over_classes(ds))
    for ds in per_class.dataset.unique()])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"per_class": per_class.to_dict("records")},
                    notes="The paper's Tables 6-7 numbers are unknown; ours only.")
