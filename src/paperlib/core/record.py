"""Results records: ``results/<id>.json``, one per item, written atomically by the notebook.

The scorecard page is generated from these records and the catalogue.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterable

from paperlib.core import devices, paths
from paperlib.core.claims import HELD, NOT_CHECKED, NOT_HELD, ClaimResult
from paperlib.core.files import write_json
from paperlib.core.profiles import Config

REPRODUCED, MISMATCH, DRAWN, NOT_RUN, NOT_IMPLEMENTED = (
    "reproduced", "mismatch", "drawn", "not run", "not yet implemented")
UNVERIFIED = "unverified (run outside paperlib run)"


def status_of(claims: list[dict], tier: str) -> str:
    """mismatch: at least one claim did not hold; drawn: a diagram (its checks held or none was made);
    reproduced: every checked claim held."""
    verdicts = [c["verdict"] for c in claims]
    if NOT_HELD in verdicts:
        return MISMATCH
    if tier == "diagram":
        return DRAWN
    # every claim "not checked" (this profile has no data to judge them): the page ran but decides nothing
    return REPRODUCED if HELD in verdicts else (NOT_CHECKED if verdicts else NOT_RUN)


def peak_memory_mb() -> dict[str, float]:
    """Peak resident memory of this process (and of the CUDA allocator when CUDA was used), in MiB."""
    import resource
    import sys

    out = {"rss": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}  # Linux: KiB
    torch = sys.modules.get("torch")
    if torch is not None and torch.cuda.is_available() and torch.cuda.is_initialized():
        out["cuda"] = round(torch.cuda.max_memory_allocated() / 2**20, 1)
    return out


def comparison_rows(df) -> list[dict]:
    """A reported-vs-ours DataFrame (columns: quantity, reported, ours, ...) as JSON rows."""
    if df is None:
        return []
    return df.reset_index().to_dict(orient="records")


def record(cfg: Config, claims: Iterable[ClaimResult] = (), comparison=None,
           metrics: dict[str, Any] | None = None, figures: Iterable[str | Path] = (),
           notes: str = "") -> Path:
    """Write ``results/<id>.json`` (atomic) and return its path."""
    from paperlib.core.cache import code_version
    from paperlib.core.catalogue import item
    from paperlib.core.runtime import versions

    from paperlib.core import page
    from paperlib.core.cache import STATS

    it = item(cfg.item)
    claim_dicts = [c.as_dict() for c in claims]
    status = status_of(claim_dicts, it.tier)
    wall = page.close_page(cfg, status, claim_dicts, devices.used())
    rec = {
        "item": cfg.item,
        "chapter": it.chapter,
        "tier": it.tier,
        "status": status,
        "config": cfg.as_dict(),
        "code_version": code_version(),
        "versions": versions(),
        "claims": claim_dicts,
        "comparison": comparison_rows(comparison),
        "metrics": metrics or {},
        "figures": [Path(f).name for f in figures],
        "notes": notes,
        # "paperlib run" when the executor ran the page (it sets PAPERLIB_EXECUTOR); anything else (plain
        # papermill, Jupyter) is shown on the scorecard as unverified, never as reproduced
        "executed_by": os.environ.get("PAPERLIB_EXECUTOR", "outside paperlib run"),
        # where this process put tensors and networks (empty: every result came from the cache)
        "devices_used": devices.used(),
        "written_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        # for the execution report: the kernel's view (the executor adds its own wall time under "run")
        "execution": {"page_seconds": None if wall is None else round(wall, 2),
                      "cache_hits": STATS["hits"], "cache_computed": STATS["computed"],
                      "peak_memory_mb": peak_memory_mb()},
    }
    path = paths.results_dir() / f"{it.stem}.json"
    write_json(path, rec)
    return path
