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
# # Fig. 2: families of generative models
#
# GGCN, Fig. 2 (spec B.2; a diagram). The paper contrasts GANs, VAEs, flows, energy-based models and GGCN by what
# each network maps and how it is learned. The rows below are `paperlib.methods.gcn.FAMILIES`; the book's
# chapters implement one member of most families (the Stein Bridging and Calibrating-EBGAN GANs, the RealNVP flow of
# the GEBM chapter, the GCN energies and GGCN here).

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
cfg = paperlib.setup("ggcn-fig02", globals())

# %%
families = pd.DataFrame(ex.FAMILIES).T
families.index.name = "family"
paperlib.show(families, "Families of generative models (Fig. 2)")

# %% [markdown]
# GGCN sits between the implicit and the explicit families: its generator is an implicit model
# ($z\mapsto x$), its synthesiser an unnormalised density $p_\theta(x)\propto e^{f_\theta(x)}q(x)$, and the
# generator's output is the starting point of the synthesiser's Langevin chains.

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
print(sorted(ex.FAMILIES))

# %%
_ = paperlib.record(cfg, notes="Diagram item: rendered from paperlib.methods.gcn.FAMILIES (spec B.2).")
