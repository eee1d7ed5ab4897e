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
# # Fig. 7: samples of DCGAN and GGCN (unconditional and conditional)
#
# GGCN, Fig. 7 (spec B.7). On CIFAR-10 the paper shows (a) DCGAN's unconditional samples, (b) GGCN's unconditional
# and (c) conditional samples, and reads objects as more recognisable in (b) than in (a). Here the digits stand in
# for CIFAR-10 and "recognisable" is measured by the digit classifier: its Inception score and mean confidence on
# the samples.

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
from paperlib.core import sanity, verdicts
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import colour, save_figure, show_images
cfg = paperlib.setup("ggcn-fig07", globals())

# %%
suite = ex.digit_suite(cfg.params, seed=cfg.seed, device=cfg.device)
panels = [("(a) DCGAN, unconditional", suite[("unconditional", "DCGAN")]),
          ("(b) GGCN, unconditional", suite[("unconditional", "GGCN")]),
          ("(c) GGCN, conditional", suite[("conditional", "GGCN")])]

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 3, figsize=(9, 3.5))
for ax, (title, r) in zip(axes, panels):
    show_images(ax, r["samples"][:36].float(), title=title)
fig.tight_layout()
figures = save_figure(fig, cfg.item, "samples")

# %%
# NBVAL_CHECK_OUTPUT
PANELS = {"(a) DCGAN, unconditional": ("unconditional", "DCGAN"), "(b) GGCN, unconditional": ("unconditional", "GGCN"),
          "(c) GGCN, conditional": ("conditional", "GGCN")}


def scores(results):
    return pd.DataFrame({t: {"IS (digit classifier)": results[k]["inception_score"],
                             "mean confidence": results[k]["confidence"]} for t, k in PANELS.items()}).T


table = scores(suite)
paperlib.show(table, "How recognisable the samples are (higher is better)", precision=3)

# %% [markdown]
# ## Sanity: did each model train?
#
# Claims about a model below its bar (`paperlib.core.sanity`: classifier score at least 2 and sample diversity at
# least half the data's, within a class for conditional models) are not testable here.

# %%
train = ex.data(ex.source(cfg.params, "digits"))
bars = {verdicts.setting_label(k): sanity.generator(
    verdicts.setting_label(k), suite[k]["inception_score"], suite[k]["samples"], train["train"], ex.im.diversity,
    *((suite[k]["sample_labels"], train["labels"]) if k[0] == "conditional" else ())) for k in PANELS.values()}
sanity.table(bars)

# %% [markdown]
# ## Claim
# Also judged at every logged evaluation ("along the run"): on the score and confidence of that iteration's
# synthesis, and of DCGAN's samples at the same fraction of its own run.

# %%
logged = [(t, at) for t, at in ex.along(suite)]
key = {"DCGAN": ("unconditional", "DCGAN"), "GGCN": ("unconditional", "GGCN")}
judges = [verdicts.run_pair(key["GGCN"], key["DCGAN"], m, [(t, {k: at[k][read] for k in key.values()})
                                                           for t, at in logged], verdicts.setting_label)
          for m, read in (("IS", "inception_score"), ("confidence", "confidence"))]


def recognisable(values):
    return [p for j, read in zip(judges, ("inception_score", "confidence"))
            for p in j({k: values[k][read] for k in key.values()})]


claims = check_claims([trained_claim("B7", "GGCN's unconditional samples are more recognisable than DCGAN's: a higher "
                                     "score and a higher classifier confidence (two parts).", recognisable,
                                     {k: suite[k] for k in key.values()}, logged, sanity=bars)])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, sanity=bars, figures=figures, metrics={"table": table.to_dict()},
                    notes="Digits stand in for CIFAR-10; recognisability by the digit classifier.")
