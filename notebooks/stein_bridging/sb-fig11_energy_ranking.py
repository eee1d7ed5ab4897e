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
# # Figs. 11–13: digits ranked by energy (Joint-JS, DGM, EGAN)
#
# Stein Bridging, App. D, Figs. 11–13 (spec A.5 SB-Fig11–13, A.6 claim 16): generated and real digits ranked
# by the density $p_\phi\propto e^{-E_\phi}$ of each model's energy: Joint-JS (Fig. 11), DGM (12) and EGAN (13)
# [the assignment of figure numbers to models is the spec's reconstruction]. The paper's reading: Joint-JS's
# highest- and lowest-density digits are both diverse, DGM's high-density digits are thin and its low-density
# ones thick, and EGAN's two ends differ by slant. Here the reading is made with image statistics of the *real*
# pool digits: Spearman's correlation of the energy with the ink mass (stroke thickness) and with the signed
# slant (degrees; negative = the top leans right). Joint-JS is conditional: its energy scores each digit under its label.

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
from paperlib.core import sanity
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import image_grid, save_figure

cfg = paperlib.setup("sb-fig11", globals())

# %%
suite = ex.image_suite(cfg.params, seed=cfg.seed, device=cfg.device)
ds = cfg.params["datasets"][0]
runs = {"Joint-JS": suite[(ds, "conditional")]["Joint-JS"], "DGM": suite[(ds, "unconditional")]["DGM"],
        "EGAN": suite[(ds, "unconditional")]["EGAN"]}
real = ex.image_data_for(ds, cfg.params["held_out"], cfg.params["download"])["held_out"]
ranked = {m: ex.ranked_pool(r, real) for m, r in runs.items()}

# %% [markdown]
# ## The 50 highest-density (top) and 50 lowest-density (bottom) digits of each pool (generated + real)

# %% tags=["hide-input"]
fig, axes = plt.subplots(2, 3, figsize=(9, 6.4))
for col, (m, r) in enumerate(ranked.items()):
    for row, (part, sl) in enumerate((("highest density", slice(0, 50)), ("lowest density", slice(-50, None)))):
        ax = axes[row, col]
        ax.imshow(image_grid((r["images"][sl] + 1) / 2, 10), cmap="gray")
        ax.set(title=f"{m}: {part}\n({int(r['is_real'][sl].sum())} of 50 real)", xticks=[], yticks=[])
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %%
# NBVAL_CHECK_OUTPUT
rows = []
for m, r in runs.items():
    for stat, (rho, p) in ex.energy_statistics(r, real).items():
        rows.append({"method": m, "statistic": stat, "spearman": rho, "p": p})
corr = pd.DataFrame(rows)
paperlib.show(corr.pivot(index="method", columns="statistic", values="spearman").reindex(list(runs)),
              "Spearman correlation of the energy (low = high density) with each statistic of the real pool digits",
              precision=3)
paperlib.show(corr.pivot(index="method", columns="statistic", values="p").reindex(list(runs)),
              "Two-sided p-values of those correlations", precision=4)

# %% [markdown]
# ## Claims (spec A.6, claim 16)
#
# "DGM: high-density digits thin, low-density thick" is read as a significant positive correlation of DGM's
# energy with the ink mass (p < 0.01); "EGAN's ends differ by slant" as a significant correlation with the signed
# slant; "Joint-JS's ends are diverse" as Joint-JS's energy correlating less with both statistics than DGM's
# (ink) and EGAN's (slant) do, in absolute value.

# %%
c = corr.set_index(["method", "statistic"])


def thin_first():
    r = c.loc[("DGM", "ink")]
    return bool(r.spearman > 0 and r.p < 0.01), f"DGM: Spearman(energy, ink) {r.spearman:+.3f} (p={r.p:.1e})"


def slant_ends():
    r = c.loc[("EGAN", "signed_slant")]
    return bool(r.p < 0.01), f"EGAN: Spearman(energy, signed slant) {r.spearman:+.3f} (p={r.p:.1e})"


def diverse():
    j_ink, j_sl = abs(c.loc[("Joint-JS", "ink"), "spearman"]), abs(c.loc[("Joint-JS", "signed_slant"), "spearman"])
    d_ink, e_sl = abs(c.loc[("DGM", "ink"), "spearman"]), abs(c.loc[("EGAN", "signed_slant"), "spearman"])
    return bool(j_ink < d_ink and j_sl < e_sl), (f"|ρ| ink: Joint-JS {j_ink:.3f} vs DGM {d_ink:.3f}; "
                                                  f"|ρ| signed slant: Joint-JS {j_sl:.3f} vs EGAN {e_sl:.3f}")


# an energy that cannot tell held-out digits from uniform noise has not learned the data: its ranking says nothing
# about the paper's (`paperlib.core.sanity`, bar: ROC area against uniform noise at least 0.9)
bars = {m: sanity.check(m, "image energy", **{"noise AUC": ex.energy_roc(r)["noise"]["auc"]}) for m, r in runs.items()}
sanity.table(bars)

# %%
claims = check_claims([
    Claim("SB-16 (Joint-JS)", "Joint-JS's highest- and lowest-density digits are diverse: its energy tracks "
          "thickness and slant less than DGM's and EGAN's do.", diverse, sanity=bars,
          models=("Joint-JS", "DGM", "EGAN")),
    Claim("SB-16 (DGM)", "DGM's high-density digits are thin and its low-density digits thick.", thin_first,
          sanity=bars, models=("DGM",)),
    Claim("SB-16 (EGAN)", "EGAN's highest- and lowest-density digits differ by slant.", slant_ends, sanity=bars,
          models=("EGAN",))])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, sanity=bars, metrics={"spearman": corr.to_dict("records")},
                    notes="Statistics of the real pool digits (ink mass, signed slant from image moments).")
