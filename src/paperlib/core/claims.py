"""Checkable claims and their verdicts.

A claim is checked from computed numbers, never asserted from the paper's text: ``check``
returns ``(held, evidence)`` where ``held`` is True / False, or None when this profile cannot
test it (the evidence then says why). A verdict needs data: when ``held`` is NaN or the evidence
is empty or reports a NaN number, the claim is "not checked", whatever ``held`` says.
"""
from __future__ import annotations

import math
import re
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


_NAN = re.compile(r"(?<![\w.])[-+]?nan(?![\w])", re.IGNORECASE)


def no_data(held, evidence) -> bool:
    """True when a check had nothing to judge: ``held`` NaN, evidence missing / NaN, or a NaN in its text."""
    if isinstance(held, float) and math.isnan(held):
        return True
    if evidence is None or (isinstance(evidence, float) and math.isnan(evidence)):
        return True
    return not str(evidence).strip() or bool(_NAN.search(str(evidence)))


def _verdict(held: bool | None) -> str:
    if held is None:
        return NOT_CHECKED
    return HELD if bool(held) else NOT_HELD


def check_claims(claims: Iterable[Claim]) -> list[ClaimResult]:
    """Run every check; an exception inside a check is a bug and propagates."""
    out = []
    for c in claims:
        held, evidence = c.check()
        if held is not None and no_data(held, evidence):
            out.append(ClaimResult(c.id, c.text, NOT_CHECKED, f"no data to judge: {evidence}"))
        else:
            out.append(ClaimResult(c.id, c.text, _verdict(held), str(evidence)))
    return out


def verdict_table(results: Iterable[ClaimResult]):
    """The claims table of a page: full text, one colour per verdict (a rendered ``page.Table``)."""
    import pandas as pd

    from paperlib.core.page import Table

    rows = [{"claim": r.id, "paper says": r.text, "verdict": r.verdict, "evidence (this run)": r.evidence}
            for r in results]
    frame = pd.DataFrame(rows, columns=["claim", "paper says", "verdict", "evidence (this run)"]).set_index("claim")
    return Table(frame, "Claims checked on this run", colour_columns=("verdict",),
                 text_columns=("paper says", "evidence (this run)"), name="claims")
