"""Numbers the papers print, loaded as data (``reported/<chapter>.yaml``), never computed.

>>> from paperlib import reported
>>> reported.load("sb-tab02").tables["cifar10"].loc["Joint-W", "IS"]
7.11
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources

import yaml

KINDS = ("paper", "spec-check")


@dataclass(frozen=True)
class Reported:
    item: str
    kind: str          # "paper": printed in the paper; "spec-check": the spec's reconstruction check
    source: str
    verified: bool
    tables: dict = field(default_factory=dict)   # name -> pandas DataFrame (rows x columns)
    captions: dict = field(default_factory=dict)
    notes: str = ""


@lru_cache(maxsize=1)
def _raw() -> dict:
    out: dict = {}
    for res in sorted(resources.files(__name__).iterdir(), key=lambda r: r.name):
        if res.name.endswith(".yaml"):
            for item_id, entry in (yaml.safe_load(res.read_text(encoding="utf-8")) or {}).items():
                if item_id in out:
                    raise ValueError(f"reported numbers for {item_id} defined twice")
                out[item_id] = entry
    return out


def items() -> list[str]:
    """Item ids that have reported numbers."""
    return sorted(_raw())


def has(item_id: str) -> bool:
    return item_id in _raw()


def load(item_id: str) -> Reported:
    import pandas as pd

    if item_id not in _raw():
        raise KeyError(f"no reported numbers for {item_id!r}; items with numbers: {', '.join(items())}")
    e = _raw()[item_id]
    if e.get("kind") not in KINDS:
        raise ValueError(f"{item_id}: kind must be one of {KINDS}")
    tables, captions = {}, {}
    for name, t in e["tables"].items():
        rows = t["rows"]
        for r, vals in rows.items():
            if len(vals) != len(t["columns"]):
                raise ValueError(f"{item_id}/{name}/{r}: {len(vals)} values for {len(t['columns'])} columns")
        tables[name] = pd.DataFrame.from_dict(rows, orient="index", columns=t["columns"])
        captions[name] = t.get("caption", name)
    return Reported(item_id, e["kind"], e["source"], bool(e.get("verified", True)), tables, captions,
                    e.get("notes", ""))


NUMERICAL_ZERO = 1e-20


def printed_decimals(x: float) -> int | None:
    """Decimals as printed in the source (``0.003`` -> 3); None for exponent notation."""
    text = repr(float(x))
    if "e" in text:
        return None
    return len(text.split(".")[1].rstrip("0")) if "." in text else 0


def agrees(reported_value: float, ours: float) -> bool:
    """Agreement at the printed precision: ``ours`` rounds to the reported value; two values
    below 1e-20 (numerically zero in float64) agree."""
    if abs(reported_value) < NUMERICAL_ZERO and abs(ours) < NUMERICAL_ZERO:
        return True
    d = printed_decimals(reported_value)
    if d is None:  # exponent notation: agree to the leading significant digit
        return abs(ours - reported_value) <= 0.5 * 10 ** (int(f"{reported_value:e}".split("e")[1]))
    return round(float(ours), d) == round(float(reported_value), d)


# Which direction of a metric is better, read from the words of a quantity's name ("sb MMD two_circle").
_LOWER = ("mmd", "kl", "js", "nll", "fid", "error", "distance", "divergence", "loss", "sinkhorn", "bias",
          "variance", "mse", "||", "w2", "ksd", "rmse", "std", "sd")
_HIGHER = ("hsr", "auc", "coverage", "accuracy", "inception", "psnr", "ssim", "share", "rate", "cepc", "hit")


def better_direction(quantity: str) -> str:
    """"lower", "higher", or "" when the name does not say (then closeness to the paper is what counts)."""
    words = set(re.split(r"[\s_()/,:=-]+", quantity.lower())) | ({"||"} if "||" in quantity else set())
    if words & set(_HIGHER):
        return "higher"
    if words & set(_LOWER) or any(w.startswith(("kl", "js")) for w in words):
        return "lower"
    return ""


def compare(reported_value: float, ours: float, quantity: str, source: str = "", better: str | None = None,
            unit: str = "") -> dict:
    """One row of a reported-vs-reproduced table: both values, the difference, whether they agree at the
    reported (printed) precision, and which direction of the quantity is better (``better``: "lower",
    "higher", or inferred from the name)."""
    row = {"quantity": quantity, "reported": float(reported_value), "ours": float(ours),
           "difference": float(ours) - float(reported_value),
           "within tolerance": agrees(reported_value, ours),
           "better": {"lower": "lower ↓", "higher": "higher ↑", "": "–"}[
               better_direction(quantity) if better is None else better]}
    if unit:
        row["unit"] = unit
    if source:
        row["source"] = source
    return row


def comparison_table(rows: list[dict]):
    """The rows of :func:`compare` as a DataFrame indexed by quantity (``paperlib.show`` renders it)."""
    import pandas as pd

    columns = ["quantity", "reported", "ours", "difference", "within tolerance", "better"]
    return pd.DataFrame(rows, columns=None if rows else columns).set_index("quantity")
