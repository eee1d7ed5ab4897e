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
# # Fig. 7: contaminated data, few samples, and the warm-up length
#
# Stein Bridging (Wu, Gao, Zha), §5.5-5.6 and Fig. 7 (spec A.5 SB-Fig7):
#
# * **(a)** Two-Circle with a share $r$ of outliers (a mixture draw plus $\mathcal N(0,2^2I)$ noise): WGAN-GP
#   against Joint-W. Claim: both degrade, Joint-W less. The paper's y-metric and ratios are unknown;
#   we use HSR and MMD against the *clean* data at $r\in$ `noise_ratios`.
# * **(b)** Two-Spiral with $N$ training points: the AUC of DEM against Joint-W's energy. Claim: DEM's
#   AUC drops sharply as $N$ falls from 2000 to 100; Joint-W's stays high down to about 500.
# * **(c)** Warm-up: the paper trains on MNIST with the bridge switched off for the first iterations
#   and reports the final score against the warm-up length (first rising, then falling). That is a
#   GPU item at full size; this page runs it at the image profile's size (Joint-W on the stand-in digits
#   with the bridge switched off for the first `warmup_fractions` of training, scored by the digit
#   classifier's Inception score; the budget is the image pages' `x-sb-images`), and the CPU toy the spec
#   proposes beside it: Joint-W on Two-Circle with the bridge switched on at a fraction of the run, scored by
#   HSR and MMD.
#
# The paper prints no numbers for Fig. 7; the readings above are checked from the computed curves.
# Each panel is one batched run: every (method, setting) member trains on its own sample or with
# its own bridge start, and all are evaluated on the same clean data and exact density.

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
from paperlib.core.claims import Claim, check_claims, trained_claim, verdict_table
from paperlib.plotting import colour, save_figure

cfg = paperlib.setup("sb-fig07", globals())

# %%
seeds = list(range(cfg.seed, cfg.seed + cfg.n_seeds))
PAIR = ["WGAN-GP", "Joint-W"]


noisy, noisy_run = ex.variant_panel("two_circle", cfg.params, seeds, cfg.noise_ratios, "noise_ratio", PAIR,
                                    device=cfg.device)
few, few_run = ex.variant_panel("two_spiral", cfg.params, seeds, cfg.sizes, "n", PAIR, device=cfg.device)
few["method"] = few.method.replace({"WGAN-GP": "DEM"})  # the un-bridged member's energy is DEM
T = cfg.iterations_two_circle
starts = [int(round(f * T)) for f in cfg.warmup_fractions]
warm, _ = ex.variant_panel("two_circle", cfg.params, seeds, starts, "bridge_start", ["Joint-W"], device=cfg.device)
image_params = ex.image_params(cfg.profile)
warm_runs = ex.warmup_runs(image_params, seed=cfg.seed, device=cfg.device)
digit_warm = pd.DataFrame([{"warm-up fraction": f, "IS": r["inception_score"], "CEPC": r["cepc"]}
                           for f, r in warm_runs.items()])

# %% tags=["hide-input"]
fig, axes = plt.subplots(3, 2, figsize=(9, 10.8))
axes = axes.ravel()
for m in PAIR:
    g = noisy[noisy.method == m].groupby("noise_ratio")
    axes[0].plot(g.hsr.mean().index, g.hsr.mean(), "o-", color=colour(m), label=m)
    axes[1].plot(g.mmd.mean().index, g.mmd.mean(), "o-", color=colour(m), label=m)
axes[0].set(xlabel="contamination ratio $r$", ylabel="HSR (clean data) ↑", title="(a) Two-Circle + outliers: HSR")
axes[1].set(xlabel="contamination ratio $r$", ylabel="MMD to the clean data ↓", title="(a, cont.) outliers: MMD")
for m in ["DEM", "Joint-W"]:
    g = few[few.method == m].groupby("n").auc.mean()
    axes[2].plot(g.index, g, "o-", color=colour(m), label=m)
axes[2].set(xscale="log", xlabel="training points $N$", ylabel="AUC ↑", title="(b) Two-Spiral, few samples")
g = warm.groupby("bridge_start")
axes[3].plot(g.hsr.mean().index, g.hsr.mean(), "o-", color=colour("Joint-W"), label="HSR ↑")
ax2 = axes[3].twinx()
ax2.plot(g.mmd.mean().index, g.mmd.mean(), "s--", color="0.4", label="MMD ↓")
axes[3].set(xlabel="iterations before the bridge is switched on", ylabel="HSR ↑",
            title="(c, toy) warm-up (Two-Circle)")
ax2.set_ylabel("MMD ↓")
ax2.grid(False)
axes[4].plot(digit_warm["warm-up fraction"], digit_warm["IS"], "o-", color=colour("Joint-W"))
axes[4].set(xlabel="share of training with the bridge off", ylabel="Inception score ↑",
            title="(c) warm-up (digits, Joint-W)")
axes[5].plot(digit_warm["warm-up fraction"], digit_warm["CEPC"], "o-", color=colour("Joint-W"))
axes[5].set(xlabel="share of training with the bridge off", ylabel="CEPC ↓", title="(c, cont.) digits: CEPC")
for ax in axes[:3]:
    ax.legend()
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Numbers behind the panels (mean over seeds)

# %%
# NBVAL_CHECK_OUTPUT
for metric in ("hsr", "mmd"):
    paperlib.show(noisy.groupby(["noise_ratio", "method"])[metric].mean().unstack("method"),
                  f"(a) {metric.upper()} against the noise ratio")
paperlib.show(few.groupby(["n", "method"])["auc"].mean().unstack("method"), "(b) AUC against the number of samples")
paperlib.show(warm.groupby("bridge_start")[["hsr", "mmd"]].mean(), "(c) toy: HSR and MMD against the bridge start")
paperlib.show(digit_warm.set_index("warm-up fraction"), "(c) digits: Inception score and CEPC against the warm-up share",
              precision=3)

# %% [markdown]
# ## Claims (spec A.6, claims 12-14), checked from the runs
#
# * 12: HSR falls from the clean to the most contaminated set for both methods, and by less for
#   Joint-W (the drop is the difference of seed means).
# * 13: DEM loses more than 0.1 AUC from the largest to the smallest $N$; Joint-W stays within 0.05 of
#   its largest-$N$ AUC at $N\ge500$ and loses less than DEM overall.
# * 14: "the score firstly goes up and then goes down when we increase iterations for independent training":
#   the best interior warm-up length scores higher than both ends (two parts, each decided against its noise;
#   monotonicity between the points is not asked). On the digits the Inception score, one run per length, whose
#   noise is the spread of its logged scores over the last third of the run; in the toy the HSR over seeds.
#
# Claims 12 and 13 are also judged at every logged evaluation of their runs; claim 14 compares the *ends*
# of runs whose warm-up lengths are shares of the run, so it is judged at the end only.

# %%
def _claim12(noisy):
    h = noisy.groupby(["method", "noise_ratio"]).hsr.mean()
    lo, hi = min(cfg.noise_ratios), max(cfg.noise_ratios)
    drop = {m: h[(m, lo)] - h[(m, hi)] for m in PAIR}
    ok = drop["WGAN-GP"] > 0 and drop["Joint-W"] > 0 and drop["Joint-W"] < drop["WGAN-GP"]
    return ok, f"HSR drop from r={lo:g} to r={hi:g}: " + ", ".join(f"{m} {v:+.4f}" for m, v in drop.items())


def _claim13(few):
    a = few.groupby(["method", "n"]).auc.mean()
    big, small = max(cfg.sizes), min(cfg.sizes)
    drop = {m: a[(m, big)] - a[(m, small)] for m in ["DEM", "Joint-W"]}
    stays = all(a[("Joint-W", big)] - a[("Joint-W", n)] <= 0.05 for n in cfg.sizes if n >= 500)
    ok = drop["DEM"] > 0.1 and stays and drop["Joint-W"] < drop["DEM"]
    return ok, (f"AUC drop N={big}->{small}: DEM {drop['DEM']:+.4f}, Joint-W {drop['Joint-W']:+.4f}; "
                f"Joint-W within 0.05 of N={big} for N>=500: {stays}")


def _claim14():
    w = warm.assign(dataset="two_circle", method=warm.bridge_start, metric="hsr", final=warm.hsr)
    stats = verdicts.seed_stats(w, "two_circle", "hsr")
    return verdicts.interior_peak({float(k): v[0] for k, v in stats.items()},
                                  {float(k): v[1] for k, v in stats.items()}, "HSR")


def _claim14_digits():
    noise = {f: verdicts.late_noise(list(zip(r["iteration"], np.ravel(r["history"]["is"])))) for f, r in warm_runs.items()}
    return verdicts.interior_peak(digit_warm.set_index("warm-up fraction")["IS"].to_dict(), noise, "IS")


claims = check_claims([
    trained_claim("SB-12", "Under contaminated data both degrade and Joint-W degrades less than WGAN(-GP).",
                  _claim12, noisy, ex.logged_panel(noisy, noisy_run)),
    trained_claim("SB-13", "DEM's AUC collapses as N shrinks; Joint-W's stays high down to about 500 samples.",
                  _claim13, few, ex.logged_panel(few, few_run)),
    Claim("SB-14 (digits)", "The best interior warm-up length gives a higher final Inception score than the "
          "shortest and the longest (two parts).", _claim14_digits),
    Claim("SB-14 (CPU toy)", "The same reading on the toy: the best interior bridge start gives a higher HSR on "
          "Two-Circle than the earliest and the latest.", _claim14),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures,
                    metrics={"a": noisy.to_dict("records"), "b": few.to_dict("records"),
                             "c": warm.to_dict("records"), "c_digits": digit_warm.to_dict("records")},
                    notes="Ratios, sizes and the y-metrics are the spec's proposals (the paper's are unknown). "
                          "Panel (c) runs on the stand-in digits at the image "
                          "profile's size and as the spec's Two-Circle toy.")
