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
# # A RealNVP trained by maximum likelihood, contrastive divergence and KALE
#
# The talk's "reduction to the EBM case" (spec A.15): when the base of a GEBM has a density $g_\theta$ (a
# RealNVP), the GEBM $q\propto e^{-E}g_\theta$ is an ordinary energy-based model and its likelihood can be
# evaluated, so KALE training can be compared with maximum likelihood on held-out NLL. Four ways of training the
# same flow: `ml` (maximum likelihood), `cd` (contrastive divergence on $-\log g_\theta$, 10 Langevin steps
# started at the data batch), `donsker` (GEBM, KALE with the batch log-mean-exp in place of $A$) and `kale`
# (GEBM, KALE with learned $A$); the GEBMs' NLL uses $\log Z$ by Monte Carlo over the base. Every model is
# selected on validation NLL; test NLL (nats, standardised units) is reported, mean ± sd over seeds (each seed
# is a new split and a new initialisation). The GEBMs take `energy_steps` energy steps per base step, so they
# run `gebm_steps` energy steps to give their base as many updates as the ML and CD flows get.
#
# What differs from the paper, and why: the `cpu` profile uses scikit-learn's copy of UCI "wine" (178 × 13)
# and a 5-D "banana" whose entropy is exact, not the UCI sets of the GEBM paper (not downloadable here); the
# `paper` profile runs RedWine and WhiteWine (`paperlib.data.tabular.uci_wine` says where to put the files)
# at the GEBM code's sizes (5 couplings × 100 hidden units, lr 1e-4, 50 energy steps per base step). The
# energy is an MLP rather than the code's NVP-shaped energy network. The UCI tables below are the only
# printed numbers (the GEBM paper's own table is not retrievable, and the baselines' attribution is
# unverified); they are shown for scale and compared only when the same dataset was run.

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
from paperlib.experiments import gebm as ex
from paperlib.core import reported
from paperlib.core.claims import compare_paired, check_claims, trained_claim, verdict_table
from paperlib.plotting import save_figure

cfg = paperlib.setup("gebm-realnvp", globals())
p = cfg.params

# %%
fit_args = {k: p[k] for k in ("layers", "hidden", "batch", "lr", "eval_every", "cd_steps", "cd_step_size",
                              "energy_steps", "penalty")}
seeds = range(cfg.seed, cfg.seed + p["n_seeds"])
runs, curves = ex.realnvp_sweep(p["datasets"], seeds, p["steps"], p["gebm_steps"], p["n_banana"], fit_args,
                                device=cfg.device)
order = ["true density", "MVN", *ex.DENSITY_METHODS]
summary = (runs.groupby(["dataset", "method"])[["test NLL", "base alone", "best step"]]
           .agg(["mean", "std"]).reindex(order, level=1))

# %%
# NBVAL_CHECK_OUTPUT
paperlib.show(summary, "Test NLL in nats (lower is better), mean ± sd over seeds", precision=3)

# %% [markdown]
# `base alone` is the RealNVP base of a GEBM evaluated without its energy; `best step` is the step that won
# model selection on the validation set.

# %%
rep = reported.load(cfg.item)
print(f"Reported for scale (verified: {rep.verified}): {rep.source}")
for key, t in rep.tables.items():
    paperlib.show(t, rep.captions[key])
column = {"redwine": "RedWine", "whitewine": "WhiteWine"}
mean_nll = runs.groupby(["dataset", "method"])["test NLL"].mean()
comparison = reported.comparison_table([
    reported.compare(rep.tables["uci_interim"].loc[m, column[d]], mean_nll[(d, m)], f"{d} {m}", "GEBM notebook (interim)")
    for d in p["datasets"] if d in column for m in ex.DENSITY_METHODS]
    + [reported.compare(rep.tables["uci_baselines"].loc["MVN", column[d]], mean_nll[(d, "MVN")], f"{d} MVN",
                        "tables/UCI.tex") for d in p["datasets"] if d in column])
if len(comparison):
    paperlib.show(comparison, "Reported beside this run")
else:
    print("\nNo dataset of this profile appears in the reported tables: nothing to compare cell by cell.")

# %% tags=["hide-input"]
fig, axes = plt.subplots(len(p["datasets"]), 2, figsize=(9, 3.6 * len(p["datasets"])), squeeze=False)
axes = axes.ravel()
for i, name in enumerate(p["datasets"]):
    ax = axes[2 * i]
    for m, style in zip(ex.DENSITY_METHODS, ("-", "--", ":", "-.")):
        c = np.array(curves[(name, m, seeds[0])])
        ax.plot(c[:, 0] / (p["energy_steps"] if m in ("donsker", "kale") else 1), c[:, 1], style, label=m)
    ax.set(title=f"{name}: validation NLL (seed {seeds[0]})", xlabel="flow updates", ylabel="NLL (nats)")
    lo = min(np.array(curves[(name, m, seeds[0])])[:, 1].min() for m in ex.DENSITY_METHODS)
    ax.set_ylim(lo - 0.5, lo + 6)
    ax.legend()
    ax = axes[2 * i + 1]
    mean = summary.loc[name][("test NLL", "mean")]
    sd = summary.loc[name][("test NLL", "std")].fillna(0)
    ax.bar(range(len(mean)), mean, yerr=sd, color=["grey" if k in ("true density", "MVN") else "C0" for k in mean.index])
    ax.set_xticks(range(len(mean)), mean.index, rotation=30)
    ax.set_ylim(mean.min() - 1, mean.max() + 0.5)
    ax.set(title=f"{name}: test NLL, mean ± sd over {len(seeds)} seed(s)")
fig.tight_layout()
figures = save_figure(fig, cfg.item)

# %% [markdown]
# ## Claims (spec Part C claim 11, A.15)
#
# "KALE-trained flows reach a test NLL comparable to maximum likelihood of the same network; the DV and
# Fenchel variants both work." Checked per dataset as $|\mathrm{NLL}_{KALE}-\mathrm{NLL}_{ML}|$ at most half
# the spread of test NLL across the trained and baseline models (the spec's "small relative to the NLL spread
# across methods"). Two further checks: the energy improves on its own base (the GEBM's point), and, on the
# banana, no model beats the true density (a sanity check of the Monte-Carlo normaliser; a cross-entropy
# cannot be below the entropy beyond sampling error). "The energy improves on its base" is decided per dataset
# and variant on the differences paired over seeds: a gap inside their spread is inconclusive. Each claim is also judged along the run: after every
# logged step $t$ of maximum likelihood, on the test NLLs of the models that runs cut at the same fraction of
# their length would have selected (for a GEBM with the validation evaluation's Monte-Carlo normaliser).

# %%
def comparable(variant):
    def judge(table):
        nll = table.groupby(["dataset", "method"])["test NLL"].mean()
        parts, ok = [], True
        for d in p["datasets"]:
            models = nll[d].drop("true density", errors="ignore")
            spread = models.max() - models.min()
            gap = abs(nll[(d, variant)] - nll[(d, "ml")])
            ok &= gap <= spread / 2
            parts.append(f"{d}: |{variant} - ml| = {gap:.3f}, spread {spread:.3f}")
        return ok, "; ".join(parts)
    return judge


def energy_helps(table):
    """One part per dataset and GEBM variant: its test NLL against its own base's, paired over the seeds (a tie
    inside the seeds' spread, which holds the Monte-Carlo error of the normaliser, is inconclusive)."""
    parts = []
    for d in p["datasets"]:
        for m in ("donsker", "kale"):
            r = table[(table.dataset == d) & (table.method == m)].sort_values("seed")
            parts.append(compare_paired(f"{m} GEBM vs its base · NLL · {d}", r["test NLL"], r["base alone"], "NLL"))
    return parts


def not_below_truth(table):
    if "banana" not in p["datasets"]:
        return None, "no synthetic dataset in this profile"
    b = table[table.dataset == "banana"].pivot(index="seed", columns="method", values="test NLL")
    diff = b[list(ex.DENSITY_METHODS)].sub(b["true density"], axis=0)
    se = diff.std(ddof=1) / np.sqrt(len(diff)) if len(diff) > 1 else pd.Series(0.0, diff.columns)
    ok = bool((diff.mean() >= -2 * se - 0.02).all())
    return ok, "model - true NLL: " + ", ".join(f"{m} {v:+.3f}" for m, v in diff.mean().items())


along = ex.realnvp_along(runs, curves)   # as runs stopped after t maximum-likelihood steps would report
claims = check_claims([trained_claim(*c, final=runs, logged=along) for c in [
    ("GEBM-C11 (KALE-Fenchel)", "A RealNVP trained with KALE (learned A) reaches a test NLL comparable to "
     "maximum likelihood (|difference| at most half the spread across models).", comparable("kale")),
    ("GEBM-C11 (KALE-DV)", "The Donsker-Varadhan variant also reaches a test NLL comparable to maximum "
     "likelihood.", comparable("donsker")),
    ("GEBM-A15 (energy helps)", "The GEBM (energy on the flow) has a lower test NLL than its base alone (one "
     "part per dataset and variant, paired over seeds).",
     energy_helps),
    ("sanity (banana)", "No model's test NLL is below the true density's (beyond 2 standard errors + 0.02).",
     not_below_truth),
]])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, comparison=comparison, figures=figures,
                    metrics={"runs": runs.to_dict("records")},
                    notes="cpu: scikit-learn wine and a 5-D banana instead of the UCI sets; energy is an MLP.")
