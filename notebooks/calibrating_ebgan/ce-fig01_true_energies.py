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
# # Fig. 1: true energies and samples of the three 2-D sets, and the optimal discriminator (§3)
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), Fig. 1: for the 4 Gaussians, the biased 0.9/0.1
# mixture and the 200-Gaussian two spirals, the true energy $-\log p_{data}$ on the 100×100 grid of the
# canvas (15 quadratically spaced contour levels) and the 100,000 training points with the component
# means (spec B.6 CE-Fig1). The three sets are regenerated bit for bit from the seeds of the released code
# (spec B.4). As the code does, the spiral energy uses **unit** covariances, not the 0.45² the points were
# drawn with.
#
# The second part checks the paper's theory (§3, Prop. 3.1, claim 11) on a finite space, where the
# min-max problem is a convex program that can be solved to machine precision.

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
from paperlib.experiments import calibrating_ebgan as ex
from paperlib.core import reported
from paperlib.core.claims import Claim, check_claims, verdict_table
from paperlib.plotting import energy_contours, save_figure

cfg = paperlib.setup("ce-fig01", globals())

# %% [markdown]
# ## The true energies (left) and the training points with the component means (right)

# %% tags=["hide-input"]
refs = {d: ex.Reference(ex.toy.dataset(d)) for d in ex.DATASETS}
fig, axes = plt.subplots(2, 3, figsize=(9, 6.4))
for col, (d, label) in enumerate(ex.DATASETS.items()):
    ref, ds = refs[d], refs[d].ds
    energy_contours(axes[0, col], ref.X, ref.Y, ref.energy, f"{label}: $-\\log p_{{data}}$")
    x = ds.data.numpy()
    axes[1, col].scatter(x[:, 0], x[:, 1], s=2, alpha=0.25, color="red", linewidths=0, rasterized=True)
    m = ds.means.numpy()
    axes[1, col].scatter(m[:, 0], m[:, 1], s=12, color="green")
    x0, x1, y0, y1 = ds.canvas
    axes[1, col].set(xlim=(x0, x1), ylim=(y0, y1), xticks=[], yticks=[], aspect="equal",
                     title=f"{label}: {len(x):,} points")
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Seeded data: the data-only KLs of Table 2's header
#
# $\mathrm{KL}(P\|Q)=\sum_gP_g[\log(P_g+\varepsilon)-\log(Q_g+\varepsilon)]$, $\varepsilon=10^{-8}$, on the 100×100 grid (spec B.5).
# The paper prints the two spiral values under swapped labels; they are compared here under the labels
# the other two datasets use (claim 6).

# %%
# NBVAL_CHECK_OUTPUT
header = reported.load("ce-tab02").tables["header"]
rows = []
for d, ref in refs.items():
    ours = ref.header()
    for col in header.columns:
        printed = "pemp||pdata" if (d == "two_spirals" and col == "pdata||pemp") else \
                  "pdata||pemp" if d == "two_spirals" else col
        rows.append(reported.compare(header.loc[d, printed], ours[col], f"{d} {col}", "Table 2 header"))
comparison = reported.comparison_table(rows)
paperlib.show(comparison.drop(columns="source"), "Table 2 header (data against the empirical sample): paper beside "
              "this run", precision=5)

# %% [markdown]
# Four of the six values agree at the printed precision and the biased KL$(p_{emp}\|p_{data})$ is 5·10⁻⁵ off
# (0.01445 against 0.0144), so the grid, the binning and ε are those of the paper. The spiral KL$(p_{data}\|p_{emp})$ comes out 1.2344 against the printed
# 1.2349: this direction sums over the ~7,500 empty cells of the histogram, where the value depends on
# exactly how the code normalised $p_{data}$; we have not recovered that detail, and say so rather than
# adjust the grid to match.
#
# ## Claim 11: the optimal discriminator on a finite space (Prop. 3.1, eqs. 5-7; App. A.2)
#
# On a space of `theory_points` points with a random $p_{data}$ (Dirichlet(1), seeded), the dual function
# $g(c)=\min_{p\in\Delta}\mathbb E_pc-\mathbb E_{p_{data}}c+K(p)$ has a closed-form inner minimum; maximising it over
# $c$ with L-BFGS gives the optimal discriminator $c^*$. Prop. 3.1 predicts $c^*=-\log p_{data}$ for $K=-H$ and
# $c^*=-p_{data}$ for $K=\tfrac12\|p\|^2$, each up to the free constant $\lambda^*$; for constant $K$ any $c$ flat on the
# support is optimal, and for EBGAN with margin $m$ every $c\in[0,m]$ is optimal once $p_{gen}=p_{data}$.

# %%
# NBVAL_CHECK_OUTPUT
rng = np.random.default_rng(cfg.seed)
n = cfg.params["theory_points"]
p_data = rng.dirichlet(np.ones(n))
theory = {}
for K, target in (("neg_entropy", -np.log(p_data)), ("l2", -p_data)):
    c_star, g_star = ex.optimal_discriminator(p_data, K, seed=cfg.seed)
    offset = c_star - target
    theory[K] = {"g(c*)": g_star, "spread of c* - prediction": float(np.ptp(offset)),
                 "corr(c*, prediction)": float(np.corrcoef(c_star, target)[0, 1])}
# K constant: g(c) = min c - E_data c <= 0, with equality iff c is flat on the support
trials = rng.normal(size=(2000, n))
g_random = np.array([ex.dual_value(c, p_data, "const") for c in trials])
g_flat = ex.dual_value(np.full(n, 3.0), p_data, "const")
g_logp = ex.dual_value(-np.log(p_data), p_data, "const")
theory["const"] = {"g(flat c)": g_flat, "max g over 2000 random c": float(g_random.max()), "g(-log p_data)": g_logp}
# EBGAN (App. A.2): with p_gen = p_data the objective E_data c + E_gen [m - c]^+ equals m for every c in [0, m]
m = 10.0
ebgan = lambda c: p_data @ c + p_data @ np.maximum(0.0, m - c)  # noqa: E731
values = np.array([ebgan(rng.uniform(0, m, n)) for _ in range(2000)])
theory["ebgan"] = {"objective range over 2000 random c in [0, m]": float(np.ptp(values)), "m": m}
paperlib.show(pd.DataFrame([{"objective": k, "quantity": a, "value": round(b, 8)} for k, v in theory.items()
                            for a, b in v.items()]).set_index(["objective", "quantity"]),
              "The optimal discriminators' properties, computed", precision=8)

# %% tags=["hide-input"]
fig2, ax = plt.subplots(1, 3, figsize=(9, 3.4))
order = np.argsort(p_data)
for a, (K, target, label) in zip(ax[:2], (("neg_entropy", -np.log(p_data), r"$K=-H$: $c^*$ vs $-\log p_{data}$"),
                                          ("l2", -p_data, r"$K=\frac{1}{2}\|p\|^2$: $c^*$ vs $-p_{data}$"))):
    c_star, _ = ex.optimal_discriminator(p_data, K, seed=cfg.seed)
    a.plot(target[order], (c_star - c_star.mean() + target.mean())[order], "o", ms=3, label="$c^*$ (shifted)")
    a.plot(target[order], target[order], "k-", lw=0.8, label="prediction")
    a.set(title=label, xlabel="prediction")
    a.legend()
ax[2].hist(g_random, bins=40, color="C2")
ax[2].axvline(g_flat, color="k", label="flat $c$: $g=0$")
ax[2].axvline(g_logp, color="C3", label=r"$c=-\log p_{data}$")
ax[2].set(title="$K$ constant: $g(c)$ of random $c$", xlabel="$g(c)$")
ax[2].legend()
fig2.tight_layout()
figures += save_figure(fig2, cfg.item, "theory")

# %% [markdown]
# ## Claims (spec B.7)

# %%
claims = check_claims([
    Claim("CE-6", "The data-only KLs of Table 2's header are reproducible from the seeded generators.",
          lambda: (bool((comparison.difference.abs() <= 1e-3).all()),
                   "; ".join(f"{q}: {r.ours:.5f} vs {r.reported}" for q, r in comparison.iterrows()))),
    Claim("CE-11 (K = -H)", "With K = -H the optimal discriminator is -log p_data up to a constant.",
          lambda: (theory["neg_entropy"]["spread of c* - prediction"] < 1e-3,
                   f"c* - (-log p_data) spans {theory['neg_entropy']['spread of c* - prediction']:.2e} over {n} points")),
    Claim("CE-11 (K = l2)", "With K = ½‖p‖² the optimal discriminator is -p_data up to a constant.",
          lambda: (theory["l2"]["spread of c* - prediction"] < 1e-6,
                   f"c* - (-p_data) spans {theory['l2']['spread of c* - prediction']:.2e}")),
    Claim("CE-11 (K const)", "With K constant the optimal discriminator is flat on the support (the data energy is not optimal).",
          lambda: (abs(g_flat) < 1e-12 and g_random.max() < 0 and g_logp < 0,
                   f"g(flat) = {g_flat:.1e}, max g(random) = {g_random.max():.3f}, g(-log p_data) = {g_logp:.3f}")),
    Claim("CE-11 (EBGAN)", "EBGAN's optimal discriminator is undetermined at p_gen = p_data.",
          lambda: (theory["ebgan"]["objective range over 2000 random c in [0, m]"] < 1e-9,
                   f"objective = m for all 2000 random c in [0, m] (range {np.ptp(values):.1e})")),
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, comparison=comparison, figures=figures, metrics={"theory": theory},
                    notes="Data and theory only; no training.")
