"""paperlib: the library behind the EBM/GAN paper companion.

Notebooks call a handful of functions from here; every model, metric, reported number and
plotting style lives in the library (one place per concept, see DESIGN in the README).
Heavy dependencies (torch) are imported lazily by the modules that need them.
"""
from __future__ import annotations

__version__ = "0.1.0"

from paperlib.core.catalogue import Item, catalogue, item  # noqa: E402
from paperlib.core.claims import Claim, ClaimResult, check_claims  # noqa: E402
from paperlib.core.profiles import Config, ProfileError, resolve  # noqa: E402
from paperlib.core.page import show  # noqa: E402
from paperlib.core.record import record  # noqa: E402
from paperlib.core.runtime import setup_run  # noqa: E402


def setup(item_id: str, namespace=None, **overrides) -> Config:
    """The first call of every page: :func:`paperlib.core.runtime.setup_run` (parameters checked, profile
    resolved, seeded, provenance printed), then the house plotting style."""
    from paperlib.plotting import use_style

    cfg = setup_run(item_id, namespace, **overrides)
    use_style()
    return cfg


__all__ = [
    "__version__", "Item", "catalogue", "item", "Claim", "ClaimResult", "check_claims",
    "Config", "ProfileError", "resolve", "record", "setup", "show",
]
