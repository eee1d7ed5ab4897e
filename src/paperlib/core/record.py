"""Results records: ``results/<id>.json``, one per item, written atomically by the notebook.

The scorecard page is generated from these records and the catalogue.
"""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any, Iterable

from paperlib.core import devices, paths
from paperlib.core.claims import (HELD, INCONCLUSIVE, INFERENCE, NOT_CHECKED, NOT_HELD, NOT_TESTABLE, PAPER,
                                  ClaimResult)
from paperlib.core.files import write_json
from paperlib.core.profiles import Config

REPRODUCED, MISMATCH, DRAWN, NOT_RUN, NOT_IMPLEMENTED = (
    "reproduced", "mismatch", "drawn", "not run", "not yet implemented")
PARTLY = "partly reproduced"
UNVERIFIED = "unverified (run outside paperlib run)"


def counted(claims: list[dict], item: str = "") -> list[dict]:
    """The paper's claims this page counts: origin paper, owned by this page (a claim judged on several pages is
    counted once, on its owner). Inferences and the companion's own checks are counted apart."""
    return [c for c in claims if c.get("origin", PAPER) == PAPER and c.get("owner", "") in ("", item)]


def status_of(claims: list[dict], tier: str, item: str = "") -> str:
    """The item's status from the paper's claims it counts (:func:`counted`; the inferences when it counts none).

    mismatch: a claim is contradicted by a test (decided beyond its noise, on models that trained, no stand-in
    removing its premise); reproduced: every counted claim held; partly reproduced: some held, the others
    inconclusive or not testable; otherwise inconclusive / not testable here / not checked. Diagrams are drawn
    unless a check contradicts them."""
    own = counted(claims, item) or [c for c in claims if c.get("origin") == INFERENCE
                                    and c.get("owner", "") in ("", item)]
    verdicts = [c["verdict"] for c in own]
    if NOT_HELD in verdicts:
        return MISMATCH
    if tier == "diagram":
        return DRAWN
    if HELD in verdicts:
        return REPRODUCED if set(verdicts) <= {HELD, NOT_CHECKED} else PARTLY
    for v in (INCONCLUSIVE, NOT_TESTABLE, NOT_CHECKED):
        if v in verdicts:
            return v
    return NOT_CHECKED if claims else NOT_RUN


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
           notes: str = "", sanity: dict | None = None) -> Path:
    """Write ``results/<id>.json`` (atomic) and return its path."""
    from paperlib.core.cache import code_version
    from paperlib.core.catalogue import item
    from paperlib.core.runtime import versions

    from paperlib.core import page
    from paperlib.core.cache import STATS

    it = item(cfg.item)
    claim_dicts = [c.as_dict() for c in claims]
    status = status_of(claim_dicts, it.tier, cfg.item)
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
        # the sanity bars of the page's trained models (paperlib.core.sanity), by model
        "sanity": {k: v.as_dict() for k, v in (sanity or {}).items()},
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


def tally(records: Iterable[dict]) -> dict[str, dict[str, int]]:
    """Claims of the given records counted as the scorecard shows them: ``{"paper": {verdict or "not testable
    here: <reason>": n}, "inference": {...}, "companion": {...}}``; the paper's claims are counted once, on
    their owner page (:func:`counted`)."""
    out: dict[str, dict[str, int]] = {"paper": {}, "inference": {}, "companion": {}}
    for rec in records:
        for c in rec.get("claims", []):
            origin = c.get("origin", PAPER)
            if c.get("owner", "") not in ("", rec["item"]):
                continue
            key = c["verdict"] + (f": {c['reason']}" if c["verdict"] in (NOT_TESTABLE, INCONCLUSIVE)
                                  and c.get("reason") else "")
            bucket = out.setdefault(origin, {})
            bucket[key] = bucket.get(key, 0) + 1
    return out


def tally_text(counts: dict[str, int]) -> str:
    """``12 held · 3 did not hold · 5 inconclusive (budget (not yet stable): 1, inside noise: 4) · ...``."""
    if not counts:
        return "no claims"
    order = [HELD, NOT_HELD, INCONCLUSIVE, NOT_TESTABLE, NOT_CHECKED]
    out = []
    for v in order:
        keys = [k for k in counts if k.split(":")[0] == v]
        if not keys:
            continue
        n = sum(counts[k] for k in keys)
        why = [f"{k.split(': ', 1)[1]}: {counts[k]}" for k in sorted(keys) if ": " in k]
        out.append(f"{n} {v}" + (f" ({', '.join(why)})" if why else ""))
    return " · ".join(out)
