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
# # KALE flow vs MMD flow on three rings (KALE-flow paper)
#
# Glaser, Arbel and Gretton (2021), three-rings experiment (spec A.16): 240 particles start in a tiny blob
# ($\mathcal N((0,-0.3),0.01^2I)$) and flow toward 240 points on three circles of radius 0.3, kernel $e^{-\|x-y\|^2/0.1}$.
# KALE with $\lambda=10^{-3}$ is sensitive to the support of the target; the "MMD" flow (KALE with $\lambda=10^4$) is not.
# The `cpu` profile runs 2,000 iterations at ten times the paper's learning rates (the paper: 50,000).
# Read-outs: the share of target points with a particle within `radius_hit` (coverage) and the share of
# particles farther than that from every target point (off support).

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
from paperlib.experiments import gebm as ex
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("kale-flow-rings", globals())
p = cfg.params

# %%
x, y0, centres = ex.three_rings(p["per_ring"], 3 * p["per_ring"], seed=42)
common = {"sigma": p["sigma"], "steps": p["steps"], "snapshots": p["snapshots"], "seed": cfg.seed}
runs = {"KALE": ex.cached_flow("kale", {**common, "lam": p["lam_kale"], "lr": p["lr_kale"]}, x, y0, device=cfg.device),
        "MMD (λ=1e4)": ex.cached_flow("kale", {**common, "lam": p["lam_mmd"], "lr": p["lr_mmd"]}, x, y0, device=cfg.device)}


# %%
# NBVAL_CHECK_OUTPUT
rows = [{"flow": k, "iteration": int(it), **ex.ring_readout(r.trajectory[i], x, p["radius_hit"])} for k, r in runs.items()
        for i, it in enumerate(r.iterations)]
table = pd.DataFrame(rows).set_index(["flow", "iteration"])
paperlib.show(table, "Read-outs along the flows", precision=3)

# %% tags=["hide-input"]
show = sorted({0, 1, len(runs["KALE"].iterations) // 3, len(runs["KALE"].iterations) - 1})
fig, axes = plt.subplots(2, len(show), figsize=(min(9, 2.25 * len(show)), 4.8), sharex=True, sharey=True)
for row, (k, r) in enumerate(runs.items()):
    for col, i in enumerate(show):
        ax = axes[row, col]
        ax.scatter(x[:, 1], x[:, 0], s=3, color="red", alpha=0.5)        # axes swapped, as in the paper
        ax.scatter(r.trajectory[i][:, 1], r.trajectory[i][:, 0], s=3, color="blue")
        ax.set(xlim=(-1.9, 0.4), ylim=(-0.8, 0.8), title=f"{k}, iteration {r.iterations[i]}", aspect="equal")
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Claim (spec A.16, three rings)

# %%
def better_cover(it):
    k, m = table.loc[("KALE", it)], table.loc[("MMD (λ=1e4)", it)]
    return (k["coverage"] > m["coverage"] and k["off support"] < m["off support"],
            f"coverage KALE {k['coverage']:.3f} vs MMD {m['coverage']:.3f}; off support "
            f"KALE {k['off support']:.3f} vs MMD {m['off support']:.3f}")


# judged at the end of the flows and, along them, at every snapshot (the same iteration for both flows)
its = [int(t) for t in runs["KALE"].iterations]
claims = check_claims([
    trained_claim("KF-Rings", "KALE particles cover the three rings better than MMD's at the same iteration, with "
                  "fewer particles off the support.", better_cover, its[-1], [(t, t) for t in its[1:]]),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures,
                    metrics={"table": table.reset_index().to_dict("records"), "seconds": {k: r.seconds for k, r in runs.items()}},
                    notes=f"{p['steps']} iterations (the paper: 50,000).")
