"""The first call of every notebook: validate parameters, seed, show the page's header box."""
from __future__ import annotations

import os
import platform
import random
import sys
import types
from typing import Any, Mapping

from paperlib.core.profiles import (
    RUN_PARAMETERS,
    Config,
    ProfileError,
    item_parameters,
    resolve,
    suggest,
)

# Names that IPython / Jupyter put into a kernel's globals; never parameters.
_KERNEL_NAMES = {"In", "Out", "get_ipython", "exit", "quit", "open"}
_PARAMETER_TYPES = (str, int, float, bool, list, dict, type(None))


def notebook_parameters(namespace: Mapping[str, Any]) -> dict[str, Any]:
    """The user-level variables of a notebook namespace (what papermill can inject)."""
    return {k: v for k, v in namespace.items()
            if not k.startswith("_") and k not in _KERNEL_NAMES and not k.isupper()  # UPPER = imported constant
            and not isinstance(v, types.ModuleType) and isinstance(v, _PARAMETER_TYPES)}


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch, and ask torch for deterministic kernels.

    ``warn_only`` keeps ops without a deterministic implementation usable (with a warning).
    """
    random.seed(seed)
    os.environ["PYTHONHASHSEED"] = str(seed)
    import numpy as np

    np.random.seed(seed)
    try:
        import torch
    except ImportError:  # pragma: no cover - torch is a dependency
        return
    torch.manual_seed(seed)
    torch.use_deterministic_algorithms(True, warn_only=True)
    torch.backends.cudnn.deterministic = True
    torch.backends.cudnn.benchmark = False


def versions() -> dict[str, str]:
    from paperlib import __version__

    out = {"paperlib": __version__, "python": platform.python_version()}
    for mod in ("numpy", "torch"):
        m = sys.modules.get(mod)
        if m is None:
            try:
                m = __import__(mod)
            except ImportError:  # pragma: no cover
                continue
        out[mod] = getattr(m, "__version__", "?")
    return out


def setup_run(item_id: str, namespace: Mapping[str, Any] | None = None, **overrides: Any) -> Config:
    """Validate the notebook's parameters, resolve the profile, seed, apply the house style.

    ``namespace`` is the notebook's ``globals()``: every variable there must be a run parameter
    (profile, seed, device) or a parameter of the item, so a misspelt ``-p profle smoke`` that
    papermill only warns about becomes an error here.
    """
    given = dict(overrides)
    if namespace is not None:
        found = notebook_parameters(namespace)
        valid = set(RUN_PARAMETERS) | set(item_parameters(item_id, str(found.get("profile", "cpu"))))
        unknown = sorted(set(found) - valid)
        if unknown:
            hints = "".join(suggest(u, sorted(valid)) for u in unknown)
            raise ProfileError(f"{item_id}: unknown notebook parameter(s) {', '.join(map(repr, unknown))}"
                               f"{hints}; valid parameters: {', '.join(sorted(valid))}")
        given = {**found, **given}
    run = {k: given.pop(k) for k in RUN_PARAMETERS if k in given}
    cfg = resolve(item_id, **run, **given)
    seed_everything(cfg.seed)
    from paperlib.core.page import open_page

    open_page(cfg)   # the header box (updated by ``record`` with the verdicts and the wall time)
    return cfg
