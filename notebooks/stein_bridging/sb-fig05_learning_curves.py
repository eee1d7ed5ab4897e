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
# # Fig. 5: learning curves on Two-Circle, Two-Spiral and MNIST
#
# Stein Bridging (Wu, Gao, Zha), §5.3 and Fig. 5: Joint-W against WGAN-GP and its +LR / +ER / +VA
# variants, Joint-JS against GAN and its variants. The paper does not name the metric on the y-axis;
# following spec A.5 SB-Fig5 we plot the MMD logged during training on the synthetic sets (a, b) and
# the Inception score (the digit classifier's, one split) on conditional (c) and unconditional (d)
# digits, logged once per epoch by the image runs of Tables 2-3 (their budget, `x-sb-images`; the
# stand-in digits under `cpu`). The claim: joint training fluctuates less, particularly in the second
# half of training. The paper prints no numbers for this figure; only its reading can be checked.
#
# Fluctuation is measured as the standard deviation of the change of the logged metric between two
# consecutive evaluations over the second half of training (one number per run).

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
from paperlib.experiments import stein_bridging as ex
from paperlib.core import verdicts
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import colour, save_figure

cfg = paperlib.setup("sb-fig05", globals())

# %% [markdown]
# ## The runs (shared with Figs. 3-4 and Table 5)

# %%
results = ex.suites(cfg.params, seed=cfg.seed, device=cfg.device)
GROUPS = {"Wasserstein": ["WGAN-GP", "WGAN-GP+LR", "WGAN-GP+ER", "WGAN-GP+VA", "Joint-W"],
          "Jensen-Shannon": ["GAN", "GAN+LR", "GAN+ER", "GAN+VA", "Joint-JS"]}
images = ex.image_suite(ex.image_params(cfg.profile), seed=cfg.seed, device=cfg.device)
digits_ds = ex.image_params(cfg.profile)["datasets"][0]
IMAGE_GROUPS = {"conditional": ex.CONDITIONAL, "unconditional": ex.UNCONDITIONAL}

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 2, figsize=(9, 7), sharex="row")
for row, (d, label) in enumerate(ex.DATASETS.items()):
    r = results[d]
    its, mmd = r["iteration"], r["history"]["mmd"]
    for col, (group, methods) in enumerate(GROUPS.items()):
        ax = axes[row, col]
        for m in methods:
            idx = [i for i, (mm, _) in enumerate(r["members"]) if mm == m]
            mean = mmd[:, idx].mean(1)
            ax.plot(its, mean, color=colour(m), lw=2.2 if m.startswith("Joint") else 1.2,
                    label=f"{m} ({len(idx)} seed{'s' * (len(idx) > 1)})")
            if len(idx) > 1:
                ax.fill_between(its, mmd[:, idx].min(1), mmd[:, idx].max(1), color=colour(m), alpha=0.15)
        ax.set(yscale="log", xlabel="iteration", ylabel="MMD", title=f"({'abcd'[2 * row + col]}) {label}: {group}")
        ax.legend()
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 3.8))
for ax, (kind, methods) in zip(axes, IMAGE_GROUPS.items()):
    runs = images[(digits_ds, kind)]
    for m in methods:
        ax.plot(runs[m]["iteration"], runs[m]["history"]["is"][:, 0], color=colour(m),
                lw=2.2 if m.startswith("Joint") else 1.2, label=m)
    ax.set(xlabel="iteration", ylabel="Inception score (classifier)",
           title=f"({'cd'[kind == 'unconditional']}) digits, {kind}")
    ax.legend(ncol=2)
fig.tight_layout()
figures += save_figure(fig, cfg.item, "digits")

# %% [markdown]
# ## Fluctuation in the second half of training (mean over seeds)

# %%
# NBVAL_CHECK_OUTPUT
fluct = ex.fluctuation_frame(results)
table = fluct.groupby(["method", "dataset"])["final"].mean().unstack("dataset")
paperlib.show(table.reindex([m for g in GROUPS.values() for m in g]),
              "Fluctuation of the MMD curve, second half of training (lower is steadier; mean over seeds)", precision=3)
def _digit_fluct(kind, upto=None):
    """Fluctuation of each digit model's Inception-score curve over its first ``upto`` evaluations."""
    runs = images[(digits_ds, kind)]
    return {m: float(ex.fluctuation(runs[m]["history"]["is"][:upto], runs[m]["iteration"][:upto])[0])
            for m in IMAGE_GROUPS[kind]}


digit_fluct = {kind: pd.Series(_digit_fluct(kind)) for kind in IMAGE_GROUPS}
paperlib.show(pd.DataFrame(digit_fluct), "Fluctuation of the Inception-score curve on digits, second half of "
              "training (lower is steadier; one seed)", precision=3)

# %% [markdown]
# ## Claim, checked from the logged curves
#
# "Joint training fluctuates less": for each baseline of a group, the joint model's fluctuation is lower (one part
# per baseline), decided against the seed noise of the two means; on the digits (one seed) against the sampling
# error of a standard deviation over the steps of the second half.

# %%
def _calmer(fluct, d, group):
    """One part per baseline of the group: the joint model's seed-mean fluctuation lower, against the seed noise."""
    joint, bases = GROUPS[group][-1], GROUPS[group][:-1]
    return verdicts.frame_beats(fluct, d, "fluctuation", joint, bases)


def _calmer_digits(fl, steps, kind):
    """One part per other model (one seed each): the noise of a fluctuation is the sampling error of a standard
    deviation over the second half's steps."""
    winner = "Joint-JS" if kind == "conditional" else "Joint-W"
    n = max(len(steps) // 2 - 1, 1)
    return verdicts.best_in_column(fl, winner, "fluctuation", {m: verdicts.sd_noise(v, n) for m, v in fl.items()})


# along the run: the same reading of the curve as it stood at each logged evaluation (the second half of the
# iterations so far; under three points there it is not checked)
its = next(iter(results.values()))["iteration"]
logged = [(it, ex.fluctuation_frame(results, j + 1)) for j, it in enumerate(its)]
digit_its = {kind: images[(digits_ds, kind)][IMAGE_GROUPS[kind][0]]["iteration"] for kind in IMAGE_GROUPS}
claims = check_claims([
    trained_claim(f"SB-10 ({label}, {group})", f"{label}: {GROUPS[group][-1]}'s MMD fluctuates less in the second "
                  f"half of training than {', '.join(GROUPS[group][:-1])}.",
                  lambda f, d=d, group=group: _calmer(f, d, group), fluct, logged)
    for d, label in ex.DATASETS.items() for group in GROUPS] + [
    trained_claim(f"SB-10 (digits, {kind})", f"Digits, {kind}: {'Joint-JS' if kind == 'conditional' else 'Joint-W'}'s "
                  f"Inception score fluctuates less in the second half of training than every other model of its "
                  f"column.", lambda data, kind=kind: _calmer_digits(*data, kind), (digit_fluct[kind].to_dict(), digit_its[kind]),
                  [(it, (_digit_fluct(kind, j + 1), digit_its[kind][:j + 1])) for j, it in enumerate(digit_its[kind])])
    for kind in IMAGE_GROUPS])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"fluctuation": table.to_dict(),
                                                            "digit_fluctuation": {k: v.to_dict() for k, v in digit_fluct.items()}},
                    notes="The paper's y-metric is unnamed; MMD (synthetic) and the classifier's IS (digits) are the "
                          "spec's proposal. Panels (c, d) run at the image profile's size.")
