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
# # Fig. 3: MGCN vs GGCN pipeline; symmetrical learning
#
# GGCN, Fig. 3 (spec B.3; a diagram). (a) The multigrid model (MGCN, Gao et al. 2018) learns one energy per grid,
# each grid's chains starting from the coarser grid's synthesis upsampled; GGCN drops the first grid for a
# hidden space and replaces the upsampling by a learned generator. (b) GGCN's two losses, each computed with
# the other network frozen. The grid sizes and Langevin steps are read from this run's settings
# (`paperlib.methods.gcn.GCNSettings`).

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
import pandas as pd

import paperlib
from paperlib.experiments import ggcn as ex
from paperlib.plotting import save_figure
from paperlib.plotting.diagrams import ggcn_pipeline_diagram
cfg = paperlib.setup("ggcn-fig03", globals())

# %%
s = ex.settings({k: v for k, v in cfg.params.items()})
fig = ggcn_pipeline_diagram(s.grids, s.langevin_steps)
figures = save_figure(fig, cfg.item, "pipeline")

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
print(s.grids)

# %%
_ = paperlib.record(cfg, figures=figures, notes="Diagram item drawn from the GCNSettings grids (spec B.3).")
