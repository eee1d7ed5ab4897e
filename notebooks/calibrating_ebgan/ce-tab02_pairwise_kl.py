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
# # Table 2: pairwise KL divergences between $p_{data}$, $p_{emp}$, $p_{gen}$ and $p_{disc}$
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), App. B.2, Table 2. Four distributions on the
# 100×100 grid of each canvas: $p_{data}$ (the mixture density at the nodes), $p_{emp}$ (histogram of the
# 100,000 training points), $p_{gen}$ (histogram of 100,000 generated points) and
# $p_{disc}\propto e^{-c(x)}$ (the discriminator's energy), compared by
# $\mathrm{KL}(P\|Q)=\sum_gP_g[\log(P_g+\varepsilon)-\log(Q_g+\varepsilon)]$, $\varepsilon=10^{-8}$ (spec B.5). Every cell is shown
# beside the printed one. The paper reports one run per model; the runs here are those of Figs. 2, 3 and 8.

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
from paperlib.experiments import calibrating_ebgan as ex
from paperlib.core import reported
from paperlib.core import verdicts
from paperlib.core.claims import Claim, check_claims, trained_claim, verdict_table

cfg = paperlib.setup("ce-tab02", globals())

# %%
results = ex.suites(cfg.params, seed=cfg.seed, device=cfg.device)
ours = ex.table2(results)
rep = reported.load("ce-tab02")
refs = {d: ex.Reference(ex.toy.dataset(d)) for d in results}

# %% [markdown]
# ## The header: data against the empirical sample (no training)

# %%
# NBVAL_CHECK_OUTPUT
rows = []
for d, ref in refs.items():
    h = ref.header()
    for col in rep.tables["header"].columns:
        # the paper prints the two spiral values under swapped labels (spec B.5)
        printed = {"pdata||pemp": "pemp||pdata", "pemp||pdata": "pdata||pemp"}[col] if d == "two_spirals" else col
        rows.append(reported.compare(rep.tables["header"].loc[d, printed], h[col], f"{d} header {col}", "Table 2"))
header = reported.comparison_table(rows)
paperlib.show(header.drop(columns="source"), "Table 2 header: paper beside this run")

# %% [markdown]
# ## The table, cell by cell: ours (paper)

# %%
# NBVAL_CHECK_OUTPUT
cells = []
for d in results:
    paper = rep.tables[d]
    block = pd.DataFrame(index=ex.CE_METHODS, columns=ex.COLUMNS, dtype=object)
    for m in ex.CE_METHODS:
        for c in ex.COLUMNS:
            block.loc[m, c] = f"{ours.loc[(d, m), c]:.4f} ({paper.loc[m, c]:.4f})"
            cells.append(reported.compare(paper.loc[m, c], ours.loc[(d, m), c], f"{d} {m} {c}", "Table 2"))
    paperlib.show(block, f"{rep.captions[d]}: ours (paper), lower is better")
comparison = pd.concat([header, reported.comparison_table(cells)])

# %% [markdown]
# ## Which model is lowest in each column (the paper's per-column reading, claim 5)

# %%
# NBVAL_CHECK_OUTPUT
winners = []
for d in results:
    for c in ex.COLUMNS:
        winners.append({"dataset": d, "column": c, "paper": rep.tables[d][c].idxmin(),
                        "ours": ours.loc[d][c].idxmin()})
winners = pd.DataFrame(winners)
winners["same"] = winners.paper == winners.ours
paperlib.show(winners.pivot(index="column", columns="dataset", values=["paper", "ours"]).reindex(ex.COLUMNS),
              "Lowest model per column: the paper's and ours")
paperlib.show(winners.groupby("dataset").same.sum().rename("columns with the paper's winner (of 10)").to_frame(),
              "Agreement with the paper's winners")

# %% [markdown]
# ## Calibration: slope of the learned energy and the temperature-corrected $p_{disc}$
#
# Prop. 3.1 with the generator loss $\mathbb E c-wH$ gives $c^*=w(-\log p_{data})+$const: the NN code's effective
# weight $w=\alpha B$ (0.5, 0.15, 0.25) makes a *tempered* energy. `slope` is the least-squares fit of the
# learned energy on $-\log p_{data}$ over occupied cells; `pdisc_tc` uses $p\propto e^{-c/\hat w}$ (spec B.6 recommendation).

# %%
# NBVAL_CHECK_OUTPUT
df = ex.frame(results)
calib = df[df.metric.isin(["slope", "pdisc||pemp", "pdisc_tc||pemp", "pdisc||pdata", "pdisc_tc||pdata"])]
calib = calib.groupby(["dataset", "method", "metric"]).value.mean().unstack("metric")
calib["entropy weight w"] = [ex.settings(d, cfg.params).knn_weight if m == "EGAN-Ent-NN" else
                             (cfg.params.get("vi_weight", 1.0) if m == "EGAN-Ent-VI" else 0.0) for d, m in calib.index]
paperlib.show(calib, "Calibration: slope of the energy on -log p_data and temperature-corrected p_disc")

# %% [markdown]
# ## Claims
#
# "For all measures related to the discriminator distribution, EGAN-Ent-VI and EGAN-Ent-NN significantly
# outperform the other two baseline models" (CE-3) is judged on the six columns that involve $p_{disc}$, each
# entropy model against the better baseline, per dataset; each part is decided against the noise of the two cells
# (the seed spread where a model has several seeds, else the spread of the cell's logged values over the last
# third of the run). The paper's own Table 2 passes every part (a test checks it).
# The generator claim (CE-5) is judged the same way on the four generator columns; on two spirals the paper's
# own GAN is lowest against $p_{data}$ (0.3758 and 0.7240), so those two columns are left out. Table 2's bold
# marks (which model is lowest per column) are kept as the companion's reading, counted apart.

# %%
def winners_of(table, d):
    return pd.DataFrame([{"column": c, "paper": rep.tables[d][c].idxmin(), "ours": table.loc[d][c].idxmin()}
                         for c in ex.COLUMNS])


def claim5(table, d):
    w = winners_of(table, d)
    bad = w[w.paper != w.ours]
    return bad.empty, (f"{len(w) - len(bad)}/10 columns have the paper's winner"
                       + ("" if bad.empty else "; differing: " + ", ".join(
                           f"{r.column} (paper {r.paper}, ours {r.ours})" for r in bad.itertuples())))


def claim2(table):
    vals = {(d, m): table.loc[(d, m), "pdisc||pemp"] for d in results for m in ("GAN", "EGAN-Const")}
    return all(5.4 <= v <= 7.8 for v in vals.values()), "; ".join(f"{d} {m}: {v:.3f}" for (d, m), v in vals.items())


def long(res):
    """Per-seed results in the layout of paperlib.core.verdicts (seed means with their seed noise)."""
    return ex.frame(res).rename(columns={"value": "final"})


# the trained claims are also judged on the table each logged evaluation gives (eval_samples generated points):
# claims over every dataset on the longest run's iterations (a shorter run's last logged table after its end),
# a dataset's own claim on that dataset's iterations
logged_res = ex.logged_results(results)
# one seed per model: a cell's noise is the spread of its logged values over the last third of the run
late = verdicts.late_cell_noise([(it, long(res)) for it, res in logged_res])
logged = [(it, ex.table2(res)) for it, res in logged_res]
logged_on = {d: [(it, ex.table2(res)) for it, res in ex.logged_results({d: results[d]})] for d in results}
claims = check_claims([
    Claim("CE-6", "Table 2's header (data vs empirical) is reproducible from the seeded data (to 1e-3).",
          lambda: (bool((header.difference.abs() <= 1e-3).all()),
                   f"largest difference {header.difference.abs().max():.5f}")),
    trained_claim("CE-2", "GAN and EGAN-Const discriminators are flat: KL(pdisc||pemp) about 6.0-7.2 on every "
                  "dataset (checked within 5.4-7.8).", claim2, ours, logged),
    trained_claim("CE-3", "For every measure involving p_disc (6 columns) and every dataset, EGAN-Ent-VI and "
                  "EGAN-Ent-NN each have a lower KL than the better baseline (36 parts).",
                  lambda res: verdicts.ce_table2_judges(long(res), late=late)[0], results, logged_res),
    trained_claim("CE-5", "For every dataset, the better entropy model's generator has a lower KL to p_emp and to "
                  "p_data (4 columns) than the better baseline's (10 parts: the paper's own two-spirals p_data "
                  "columns contradict the sentence and are left out).",
                  lambda res: verdicts.ce_table2_judges(long(res), late=late)[1], results, logged_res),
    *[trained_claim(f"CE-5 bold ({d})", f"{label}: the lowest model in each of the 10 columns is the paper's "
                    "(Table 2's bold marks; the companion's table reading).", lambda t, d=d: claim5(t, d), ours,
                    logged_on[d], origin="companion") for d, label in ex.DATASETS.items()],
])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, comparison=comparison,
                    metrics={"calibration": calib.reset_index().to_dict("records"),
                             "winners": winners.to_dict("records")},
                    notes="One run per model, as in the paper. 'within tolerance' = equal at the printed "
                          "precision, which a retrained model is not expected to reach; the claims are the test.")
