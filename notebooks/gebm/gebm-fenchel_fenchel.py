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
# # The Fenchel conjugate and the variational form of KL
#
# Gretton's talk (spec A.4) derives the variational lower bound of KL from the convex conjugate of
# $\phi(u)=u\log u$: the tangent of slope $v$ to $\phi$ has intercept $-\phi^*(v)$ with $\phi^*(v)=e^{v-1}$, and
# $\phi(u)=\sup_v\{uv-\phi^*(v)\}$. The picture is drawn for the slopes in the parameters, and the identity is
# checked numerically by maximising $uv-\phi(u)$ on a fine grid of $u$.

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
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("gebm-fenchel", globals())

# %%
u = np.linspace(1e-6, 3, 300_001)
phi = u * np.log(u)
slopes = np.array(cfg.params["slopes"])
numeric = np.array([np.max(u * v - phi) for v in slopes])     # sup_u {uv - phi(u)} on the grid
closed = np.exp(slopes - 1)

# %% tags=["hide-input"]
fig, ax = plt.subplots(figsize=(6, 4))
ax.plot(u, phi, "k", label=r"$\phi(u)=u\log u$")
for v, cs in zip(slopes, closed):
    ax.plot(u, v * u - cs, ls="--", label=f"slope v = {v:g}, intercept $-e^{{v-1}}$ = {-cs:.3f}")
ax.set(ylim=(-1.5, 3), xlabel="u", title="Tangents of slope v: intercept $-\\phi^*(v)$")
ax.legend()
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %%
# NBVAL_CHECK_OUTPUT
paperlib.show(pd.DataFrame({"slope v": slopes, "sup_u (uv - u log u), on the grid": numeric,
                            "closed form e^(v-1)": closed}).set_index("slope v"),
              "The conjugate of u log u: numerical supremum beside the closed form", precision=6)

# %%
claims = check_claims([
    Claim("GEBM-A4", "The conjugate of u log u is e^(v-1).",
          lambda: (bool(np.allclose(numeric, closed, atol=1e-8)), f"largest difference {np.abs(numeric - closed).max():.1e}")),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, notes="Diagram with a numerical check of the identity.")
