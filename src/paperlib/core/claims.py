"""Checkable claims and their verdicts.

A claim is checked from computed numbers, never asserted from the paper's text: ``check``
returns ``(held, evidence)`` where ``held`` is True / False, or None when this profile cannot
test it (the evidence then says why).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Callable, Iterable

HELD, NOT_HELD, NOT_CHECKED = "held", "did not hold", "not checked"


@dataclass(frozen=True)
class Claim:
    id: str            # e.g. "SB-1" (spec A.6 numbering)
    text: str          # what the paper claims, in one sentence
    check: Callable[[], tuple[bool | None, str]]


@dataclass(frozen=True)
class ClaimResult:
    id: str
    text: str
    verdict: str
    evidence: str

    def as_dict(self) -> dict:
        return asdict(self)


def _verdict(held: bool | None) -> str:
    if held is None:
        return NOT_CHECKED
    return HELD if bool(held) else NOT_HELD


def check_claims(claims: Iterable[Claim]) -> list[ClaimResult]:
    """Run every check; an exception inside a check is a bug and propagates."""
    out = []
    for c in claims:
        held, evidence = c.check()
        out.append(ClaimResult(c.id, c.text, _verdict(held), evidence))
    return out


def verdict_table(results: Iterable[ClaimResult]):
    """The verdict table shown in the page (a pandas DataFrame)."""
    import pandas as pd

    rows = [{"claim": r.id, "paper says": r.text, "verdict": r.verdict, "evidence (this run)": r.evidence}
            for r in results]
    return pd.DataFrame(rows).set_index("claim")
