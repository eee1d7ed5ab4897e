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
# # Table IV: network architecture (generated from the code)
#
# GGCN, Table IV (spec B.0.5). Only the layer types and activations of the paper's "GGCN v0" survive (kernel
# sizes, strides, feature maps and norms are stripped). Below: what survives, then the layers of the companion's
# networks **read from the modules themselves** (`paperlib.nets.gcn.architecture_table`) at this profile's size and
# width. Block 1 is the generator, blocks 2-3 the auto-encoder generator of the inpainting page, and the
# synthesiser is the conv energy [recon: Table IV's blocks are interpreted as in spec B.0.5].

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
cfg = paperlib.setup("ggcn-tab04", globals())

# %%
paperlib.show(pd.DataFrame(ex.TABLE_IV_SURVIVING), "Table IV as it survives in the paper's text")

# %%
# NBVAL_CHECK_OUTPUT
s = ex.settings(cfg.params)
ae = ex.AutoEncoderGenerator(1, s.size, s.width)
rows = (ex.architecture_table(ex.DeconvGenerator(s.z_dim, 1, s.size, s.width), "1: generator")
        + ex.architecture_table(ae.encoder, "2: encoder") + ex.architecture_table(ae.decoder, "3: decoder")
        + ex.architecture_table(ex.ConvEnergy(1, s.size, s.width, s.depth), "synthesiser"))
arch = pd.DataFrame(rows)
paperlib.show(arch, f"The companion's networks at {s.size}×{s.size}, width ×{s.width} (read from the modules)")

# %%
_ = paperlib.record(cfg, notes="Diagram item: layers read from paperlib.nets.gcn (Table IV reconstructed, spec B.0.5).")
