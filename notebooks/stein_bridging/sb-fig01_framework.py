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
# # Fig. 1: the Stein Bridging framework
#
# Stein Bridging, Fig. 1. Three distributions (real data, the implicit generator, the explicit
# energy model) joined by the three discrepancies of eq. 5: a Wasserstein (or Jensen-Shannon)
# distance between data and generator, a Stein discrepancy between data and energy, and the
# Stein bridge between generator and energy, the two Stein terms sharing one critic. The diagram is
# drawn from `paperlib.theory.objectives.STEIN_BRIDGING`, one edge per term of the objective (spec A.5 SB-Fig1).

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
import paperlib
from paperlib.experiments import stein_bridging as ex
from paperlib.plotting.diagrams import framework_diagram
from paperlib.plotting import save_figure

cfg = paperlib.setup("sb-fig01", globals())

# %% tags=["hide-input"]
fig = framework_diagram(ex.STEIN_BRIDGING)
figures = save_figure(fig, cfg.item)

# %% [markdown]
# $\mathcal D_1$: Wasserstein-1 (Joint-W) or Jensen-Shannon (Joint-JS); $\mathcal D_2$: Stein discrepancy
# $\mathbb S(Q,p_\phi)=\sup_f\mathbb E_Q[\mathcal A_{p_\phi}f]$, which needs only the score of $p_\phi$.

# %% tags=["remove-cell"]
# NBVAL_CHECK_OUTPUT
# the terms as text, for nbval (the figure above shows them; this cell is not rendered in the book)
for p in ex.STEIN_BRIDGING.problems:
    for t in p.terms:
        print(f"{t.first} <-> {t.second}: {t.latex()}  [{t.critic}]")

# %%
_ = paperlib.record(cfg, figures=figures, notes="Diagram item drawn from paperlib.theory.objectives (spec A.5 SB-Fig1).")
