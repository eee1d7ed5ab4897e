"""Checkable claims and their verdicts.

A claim is checked from computed numbers, never asserted from the paper's text: ``check``
returns ``(held, evidence)`` where ``held`` is True / False, or None when this profile cannot
test it (the evidence then says why). A verdict needs data: when ``held`` is NaN or the evidence
is empty or reports a NaN number, the claim is "not checked", whatever ``held`` says.

A claim about a trained model is also judged *along the run* (issue 17): :func:`trained_claim` applies the same
judgement to the data of every logged evaluation, and the result keeps the verdict at each logged iteration, the
iteration from which the verdict no longer changes, and whether it held still over the last third of the run
(:data:`STABLE`); one that changes there is :data:`NOT_YET_STABLE`, whatever its final verdict.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass
from typing import Any, Callable, Iterable, Sequence

HELD, NOT_HELD, NOT_CHECKED = "held", "did not hold", "not checked"
STABLE, NOT_YET_STABLE = "stable", "not yet stable"
SYMBOL = {HELD: "✓", NOT_HELD: "✗", NOT_CHECKED: "·"}


@dataclass(frozen=True)
class Claim:
    id: str            # e.g. "SB-1" (spec A.6 numbering)
    text: str          # what the paper claims, in one sentence
    check: Callable[[], tuple[bool | None, str]]
    # the same check at each logged evaluation of the training run: (iteration, check)
    along: Sequence[tuple[int, Callable[[], tuple[bool | None, str]]]] = ()


def trained_claim(id: str, text: str, judge: Callable[[Any], tuple[bool | None, str]], final: Any,
                  logged: Iterable[tuple[int, Any]]) -> Claim:
    """A claim judged by ``judge(data)`` on the run's ``final`` data and on the data of each logged evaluation,
    ``logged`` = [(iteration, data), ...]: one judgement, never one per point in time."""
    return Claim(id, text, lambda: judge(final), tuple((int(it), (lambda d=d: judge(d))) for it, d in logged))


@dataclass(frozen=True)
class ClaimResult:
    id: str
    text: str
    verdict: str
    evidence: str
    along: tuple = ()              # ((iteration, verdict), ...) over the logged evaluations
    stability: str = ""            # STABLE | NOT_YET_STABLE | "" (no run to follow)
    stable_from: int | None = None  # first logged iteration from which the verdict equals the final one

    def as_dict(self) -> dict:
        d = asdict(self)
        d["along"] = [{"iteration": it, "verdict": v} for it, v in self.along]
        return d

    def strip(self) -> str:
        """The verdicts along the run as one line, e.g. ``✗✗✓✓✓✓ stable from 750``."""
        if not self.along:
            return ""
        marks = "".join(SYMBOL[v] for _, v in self.along)
        if not self.stability:
            return marks
        if self.stability == STABLE:
            return f"{marks} stable from {self.stable_from:,}"
        last = max(it for it, _ in self.along)
        return f"{marks} {NOT_YET_STABLE} (last change at {self.stable_from:,} of {last:,})"


def stability(along: Sequence[tuple[int, str]], final: str) -> tuple[str, int | None]:
    r"""(``STABLE`` | ``NOT_YET_STABLE``, first iteration from which every logged verdict equals ``final``).

    Stable: the verdict equals the final one at every logged evaluation of the last third of the run,
    $t\ge\frac23 t_{\max}$ (the last logged point is the end of the run)."""
    if not along or final == NOT_CHECKED:     # nothing to be stable about
        return "", None
    its = [it for it, _ in along]
    since = its[-1]
    for it, v in reversed(along):
        if v != final:
            break
        since = it
    return (STABLE if since <= 2 * its[-1] / 3 else NOT_YET_STABLE), since


def budget_from_curves(curves: dict[str, tuple[str, Sequence[tuple[int, str]]]]) -> tuple[int | None, dict]:
    r"""The budget rule of issue 17, applied to one long run's verdict curves: ``curves`` maps a claim's name to
    (final verdict, ((iteration, verdict), ...)).

    A claim has *settled* when it is stable over the last third of the curve (:func:`stability`), from iteration
    $s$ on (its verdict never changes after $s$). The budget is the smallest logged iteration $T$ with
    $\frac23T\ge s$ for every settled claim: a run of budget $T$ shows each settled verdict over its whole last
    third. Claims that have not settled are reported, never waited for. Valid only where a run of budget $T$ is
    the first $T$ iterations of the long run (constant learning rates, no schedule compressed to the budget).

    Returns (T, or None when no claim has settled; {claim: the iteration it settles from, or NOT_YET_STABLE}).
    """
    info = {}
    for name, (final, along) in curves.items():
        state, since = stability(along, final)
        if state:
            info[name] = since if state == STABLE else NOT_YET_STABLE
    settle = [s for s in info.values() if s != NOT_YET_STABLE]
    if not settle:
        return None, info
    iterations = sorted({it for _, along in curves.values() for it, _ in along})
    return next(T for T in iterations if 2 * T >= 3 * max(settle)), info


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


def _judge(check) -> tuple[str, str]:
    held, evidence = check()
    if held is not None and no_data(held, evidence):
        return NOT_CHECKED, f"no data to judge: {evidence}"
    return _verdict(held), str(evidence)


def check_claims(claims: Iterable[Claim]) -> list[ClaimResult]:
    """Run every check (and, for a trained claim, the check at each logged evaluation); an exception inside a
    check is a bug and propagates."""
    out = []
    for c in claims:
        verdict, evidence = _judge(c.check)
        along = tuple((it, _judge(chk)[0]) for it, chk in c.along)
        out.append(ClaimResult(c.id, c.text, verdict, evidence, along, *stability(along, verdict)))
    return out


def verdict_table(results: Iterable[ClaimResult]):
    """The claims table of a page: full text, one colour per verdict (a rendered ``page.Table``)."""
    import pandas as pd

    from paperlib.core.page import Table

    results = list(results)
    columns = ["claim", "paper says", "verdict", "evidence (this run)"]
    followed = any(r.along for r in results)
    if followed:
        columns.append("along the run (✓ held, ✗ did not hold, · not checked)")
    rows = [dict(zip(columns, [r.id, r.text, r.verdict, r.evidence, r.strip()])) for r in results]
    frame = pd.DataFrame(rows, columns=columns).set_index("claim")
    caption = "Claims checked on this run"
    if followed:
        caption += ("; a verdict is stable when it no longer changes over the last third of the run's logged "
                    "evaluations")
    return Table(frame, caption, colour_columns=("verdict",), text_columns=tuple(columns[1:2] + columns[3:]),
                 name="claims")
