# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Fig. 6: samples of EGAN-Ent-VI
#
# Calibrating Energy-based GANs (Dai et al., ICLR 2017), §5.4: samples of the variational-entropy energy GAN
# on (a) CIFAR-10 (the model of Table 1) and (b) CelebA. The figure is qualitative; the paper reads it as
# sharp, diverse samples.
#
# **Method.** (a) is the Table 1 run of EGAN-Ent-VI (the CIFAR code's schedule, spec B.3.4). (b) trains the
# same model on faces; the CelebA script of the paper is incomplete (spec B.3.5), so its settings are
# those of (a) [recon].
#
# **Data and size.** `cpu`: (a) the vendored MNIST test set (8,000 digits), (b) scikit-image's `lfw_subset`
# faces (100 grey 25×25 faces and their mirror images, resized to 32×32), channel widths ×¼. `paper`:
# CIFAR-10 and CelebA (32×32), full widths.

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

import paperlib
from paperlib.experiments import calibrating_ebgan as ex
from paperlib.core.claims import check_claims, trained_claim, verdict_table
from paperlib.plotting import save_figure, show_images

cfg = paperlib.setup("ce-fig06", globals())

# %%
suite = ex.image_suite(cfg.params, seed=cfg.seed, device=cfg.device)
panels = {"a": (("tab01", "EGAN-Ent-VI"), cfg.params["is_dataset"]), "b": (("fig06b", "EGAN-Ent-VI"), cfg.params["face_dataset"])}
for name, (key, ds) in panels.items():
    print(f"({name}) {ds}: {suite[key]['iterations']} iterations ({suite[key]['epochs']:.0f} epochs)")

# %% [markdown]
# ## The samples (64 of each model, not selected)

# %% tags=["hide-input"]
fig, axes = plt.subplots(1, 2, figsize=(9, 4.8))
for ax, (name, (key, ds)) in zip(axes, panels.items()):
    show_images(ax, suite[key]["samples"][:64].float(), title=f"({name}) EGAN-Ent-VI on {ds}")
fig.tight_layout()
figures = save_figure(fig, cfg.item, "samples")

# %% [markdown]
# ## How varied are the samples?
#
# The mean RMS pixel distance between two of 100 samples, beside the same for 100 training images: a
# collapsed generator gives a much smaller value.

# %%
# NBVAL_CHECK_OUTPUT
div = ex.sample_diversity(suite, cfg.params).round(3)   # cdist varies in the 6th digit between runs
paperlib.show(div, "Pixel diversity of 100 samples and of 100 training images", precision=3)

# %% [markdown]
# ## Claims
#
# The paper states no number for this figure. The check below is ours: a sample set whose diversity is under
# half of the training images' has collapsed, which the paper's "diverse samples" rules out.
# The check is also made at every logged evaluation ("along the run"), on the diversity of the samples scored
# there.

# %%
def not_collapsed(ds):
    def judge(table):
        row = table.loc[ds]
        return bool(row.samples >= 0.5 * row["training images"]), (
            f"{ds}: samples {row.samples:.3f} vs training images {row['training images']:.3f}")
    return judge


logged = ex.sample_diversity_along(suite, cfg.params)
claims = check_claims([trained_claim(f"CE-Fig6 ({name}, ours)", f"EGAN-Ent-VI's samples on {ds} are not collapsed "
                                     "(diversity at least half the training images').", not_collapsed(ds), div, logged)
                       for name, (_, ds) in panels.items()])
verdict_table(claims)

# %%
_ = paperlib.record(cfg, claims=claims, figures=figures, metrics={"diversity": div.reset_index().to_dict("records")},
                    notes=f"width x{cfg.params['width']}, one seed.")
