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
# # Fig. 3: generated samples on Two-Circle and Two-Spiral
#
# Stein Bridging (Wu, Gao, Zha), §5.1 and Fig. 3: (a) true samples, (b)-(f) samples of five
# generators. The caption does not name the five; following §5.1 they are GAN, WGAN-GP, DGM,
# Joint-JS and Joint-W (spec A.5 SB-Fig3). The paper's reading: GAN, WGAN-GP and DGM put many points
# between the Two-Circle components and blur the boundaries (DGM worst); on Two-Spiral, GAN and
# WGAN-GP produce a ring instead of two spirals and DGM links the spirals; Joint-JS is better than
# GAN and Joint-W best. The figure has no numbers, so the claim is checked with the numbers behind
# it: the share of off-mode samples (1 − HSR) and MMD of the plotted runs.

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
from paperlib.core import verdicts
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import colour, save_figure, scatter_samples

cfg = paperlib.setup("sb-fig03", globals())

# %% [markdown]
# ## The runs (shared with Fig. 4, Fig. 5 and Table 5; trained once, then read from the cache)

# %%
results = ex.suites(cfg.params, seed=cfg.seed, device=cfg.device)
PANELS = ["GAN", "WGAN-GP", "DGM", "Joint-JS", "Joint-W"]

# %% tags=["hide-input"]
# two rows of three panels per dataset (a strip of six would be unreadable at the book's width)
fig, axes = plt.subplots(4, 3, figsize=(9, 12.4))
axes = axes.reshape(2, 6)
for row, (d, label) in enumerate(ex.DATASETS.items()):
    ds, r = ex.toy.dataset(d), results[d]
    scatter_samples(axes[row, 0], ds.data, ds.canvas, f"({'abcdefghijkl'[6 * row]}) {label}: data", "k")
    for col, m in enumerate(PANELS, start=1):
        i = r["members"].index((m, cfg.seed))  # the first seed's run
        scatter_samples(axes[row, col], r["samples"][i], ds.canvas, f"({'abcdefghijkl'[6 * row + col]}) {m}", colour(m))
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Numbers behind the panels (seed `seed`; Table 5 has all seeds)

# %%
# NBVAL_CHECK_OUTPUT
df = ex.suites_frame(results)
shown = df[(df.seed == cfg.seed) & df.method.isin(PANELS) & df.metric.isin(["mmd", "hsr"])]
table = shown.pivot_table(index="method", columns=["dataset", "metric"], values="final").reindex(PANELS)
paperlib.show(table, f"MMD (lower is better) and HSR (higher is better), seed {cfg.seed}")

# %% [markdown]
# ## Claims, checked from all seeds
#
# Parts are pairs of generators on HSR (the share of samples near a mode), each decided against its seed noise
# (`paperlib.core.claims`). "Joint-W provides the best results" is said of Two-Spiral; of Two-Circle the text says
# that Joint-JS and Joint-W together "could alleviate" the off-mode samples of GAN, WGAN-GP and DGM.

# %%
logged = ex.logged_frames(results)
claims = [
    trained_claim("SB-6 Fig. 3 (Two-Spiral)", "Two-Spiral: Joint-W has the highest HSR of the five plotted "
                  "generators (four parts).",
                  lambda f: verdicts.frame_beats(f, "two_spiral", "hsr", "Joint-W", ["GAN", "WGAN-GP", "DGM", "Joint-JS"]),
                  df, logged),
    trained_claim("SB-6 Fig. 3 (Two-Circle)", "Two-Circle: Joint-W and Joint-JS each have a higher HSR than GAN, "
                  "WGAN-GP and DGM (six parts).",
                  lambda f: [p for j in ("Joint-W", "Joint-JS")
                             for p in verdicts.frame_beats(f, "two_circle", "hsr", j, ["GAN", "WGAN-GP", "DGM"])],
                  df, logged),
    *[trained_claim(f"SB-6 Fig. 3, JS ({label})", f"{label}: Joint-JS has a higher HSR than GAN.",
                    lambda f, d=d: verdicts.frame_beats(f, d, "hsr", "Joint-JS", ["GAN"]), df, logged)
      for d, label in ex.DATASETS.items()],
    trained_claim("SB-6 Fig. 3, DGM (Two-Circle)", "Two-Circle: DGM has the lowest HSR of the five plotted "
                  "generators (four parts).",
                  lambda f: verdicts.frame_worst(f, "two_circle", "hsr", "DGM", PANELS), df, logged),
]
claims = check_claims(claims)
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"shown": shown.to_dict("records")},
                    notes="Qualitative figure; checked through HSR of all seeds. Panels show the first seed.")
