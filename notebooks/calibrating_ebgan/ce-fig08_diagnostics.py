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
# # Fig. 8: training diagnostics on the biased mixture, EGAN-Ent-VI vs EGAN-Ent-NN
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), App. Fig. 8, the panels of the released synthetic
# script at the end of training: per method, (1) the energy, the histograms of one generated and one real
# batch and their difference, with the counts in the two half-planes; (2) generated vs real points and, at
# 2,000 generated points, the generator's three descent directions in data space: $-\nabla_xE$, the negative
# gradient of the entropy surrogate, and their sum. The paper's reading (claim 7): VI's entropy field points
# the wrong way and is much longer than the discriminator's, so it dominates the total; NN's field points
# outward from the modes and cancels the discriminator's near convergence.

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
from paperlib.experiments import calibrating_ebgan as ex
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import energy_contours, save_figure

cfg = paperlib.setup("ce-fig08", globals())

# %% [markdown]
# ## The run (the biased-mixture suite shared with Figs. 2, 3 and Table 2)

# %%
res = ex.suites(cfg.params, seed=cfg.seed, device=cfg.device, datasets=["biased"])["biased"]
ds = ex.toy.dataset("biased")
ref = ex.Reference(ds, res["settings"].grid)
MODELS = ["EGAN-Ent-VI", "EGAN-Ent-NN"]

# %% tags=["hide-input"]
fig, axes = plt.subplots(4, 4, figsize=(9, 9.4))
x0, x1, y0, y1 = ds.canvas
size = res["settings"].grid
for k, m in enumerate(MODELS):
    run, i = ex.member(res, m, cfg.seed)
    a = axes[2 * k]
    energy_contours(a[0], ref.X, ref.Y, run["energy"][i], f"{m}: energy")
    hg = run["batches"]["generated"][i].reshape(size, size).numpy()
    hr = run["batches"]["real"].reshape(size, size).numpy()
    for ax, h, t in ((a[1], hg, "generated batch"), (a[2], hr, "real batch")):
        ax.imshow(h, origin="lower", extent=ds.canvas, cmap="magma", interpolation="nearest")
        ax.set(title=f"{m}: {t}", xticks=[], yticks=[])
    diff = hr - hg
    lim = np.abs(diff).max()
    a[3].imshow(diff, origin="lower", extent=ds.canvas, cmap="RdBu_r", vmin=-lim, vmax=lim, interpolation="nearest")
    a[3].set(title="real − generated", xticks=[], yticks=[])
    b = axes[2 * k + 1]
    f = run["fields"]
    pts = f["points"][i].numpy()
    real = ds.data[torch.randperm(ds.data.shape[0], generator=torch.Generator().manual_seed(0))[:2000]].numpy()
    b[0].scatter(real[:, 0], real[:, 1], s=2, alpha=0.3, color="red", linewidths=0)
    b[0].scatter(pts[:, 0], pts[:, 1], s=2, alpha=0.3, color="blue", linewidths=0)
    b[0].set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], aspect="equal", title=f"{m}: samples")
    sub = slice(0, 400)
    for ax, key, t in ((b[1], "energy", r"$-\nabla_x E$"), (b[2], "entropy", "−entropy-surrogate gradient"),
                       (b[3], "total", "total")):
        v = f[key][i].numpy()
        ax.quiver(pts[sub, 0], pts[sub, 1], v[sub, 0], v[sub, 1], angles="xy", color="k", width=0.003)
        ax.set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], aspect="equal", title=f"{m}: {t}")
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## The numbers behind the panels
#
# Mean lengths of the three fields at the 2,000 generated points, their ratio, and the mean cosine between
# the entropy and discriminator fields (−1: they cancel). Half-plane counts: generated and real points with
# $x_1+x_2<0$ (heavy mode) in one batch of 500.

# %%
# NBVAL_CHECK_OUTPUT
rows = []
for m in MODELS:
    run, i = ex.member(res, m, cfg.seed)
    f = {k: v[i].double() for k, v in run["fields"].items()}
    ne, nh, nt = (f[k].norm(dim=1).mean().item() for k in ("energy", "entropy", "total"))
    cos = torch.nn.functional.cosine_similarity(f["energy"], f["entropy"], dim=1).mean().item()
    heavy = ref.points.sum(1) < 0
    rows.append({"method": m, "|energy field|": ne, "|entropy field|": nh, "|total|": nt,
                 "entropy / energy": nh / ne, "total / energy": nt / ne, "cos(entropy, energy)": cos,
                 "generated in heavy half": float(run["batches"]["generated"][i][heavy].sum()),
                 "real in heavy half": float(run["batches"]["real"][heavy].sum())})
norms = pd.DataFrame(rows).set_index("method")
paperlib.show(norms, "Gradient norms and the heavy half of the batches")

# %% [markdown]
# ## Claims (spec B.7, claim 7)

# %%
vi, nn = norms.loc["EGAN-Ent-VI"], norms.loc["EGAN-Ent-NN"]
claims = check_claims([
    Claim("CE-7 (VI)", "VI's entropy gradient is much longer than the discriminator's (checked: > 3x on average).",
          lambda: (vi["entropy / energy"] > 3, f"|entropy| / |energy| = {vi['entropy / energy']:.2f}")),
    Claim("CE-7 (NN)", "NN's entropy gradient cancels the discriminator's (checked: opposite on average and the "
          "total shorter than the discriminator field).",
          lambda: (nn["cos(entropy, energy)"] < 0 and nn["total / energy"] < 1,
                   f"cos = {nn['cos(entropy, energy)']:+.2f}, |total| / |energy| = {nn['total / energy']:.2f}")),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"fields": norms.reset_index().to_dict("records")},
                    notes="End-of-training state of the first seed; the VI trainer is reconstructed.")
