r"""Claims, their parts and their verdicts: the one home of how the book judges a paper.

A **claim** carries the paper's sentence (verbatim, with its place: :func:`sentence` reads
``core/reported/sentences/<chapter>.yaml``) and the *reading* the check applies. Its check returns either
``(held, evidence)`` (one part) or a list of :class:`Part` (pair × metric × dataset), each with its own verdict
and a row of numbers; the claim's verdict is the **roll-up** of its parts, stated in words (:func:`roll_up`).

Verdicts (the categories of the scorecard):

* ``held`` / ``did not hold`` — decided: the margin is larger than its noise (:func:`compare`);
* ``inconclusive`` — the margin is inside the noise (or the verdict still changes over the last third of the
  run: *budget*);
* ``not testable here`` — a model the claim is about is below its sanity bar (:mod:`paperlib.core.sanity`),
  or the stand-in removes the claim's premise, or the measure is a proxy for the paper's;
* ``not checked`` — no number to judge (NaN or missing evidence).

Every verdict that cannot speak for the paper carries one reason from :data:`REASONS`. What the check itself
read is kept as ``measured`` (a *not testable* claim still shows what its numbers said). Claims whose origin
is the companion's inference (``[recon]``/``[infer]``) or a companion-made check are counted apart
(:data:`ORIGINS`).

**The noise rule** (one rule for every page). A comparison "A is better than B on metric M" has the margin
$m = s_M\,(\hat a-\hat b)$, with $s_M=+1$ when higher is better (:data:`METRICS`), and the noise

$$\nu = z\sqrt{\mathrm{se}_a^2+\mathrm{se}_b^2},\qquad z = 2,$$

about a 95 % normal interval on the difference (in the spirit of rliable's interval estimates, Agarwal et
al. 2021, and of reporting seed distributions, Lucic et al. 2018). The standard errors come, in this order of
preference, from several seeds ($\mathrm{se}=\mathrm{sd}/\sqrt n$, :func:`seed_se`), from the evaluation's own
spread (split spread, a bootstrap over the evaluated samples, a Monte-Carlo error), or from the family's
measured run-to-run spread; :class:`Noise` names which. The comparison is decided only when $|m|>\nu$;
otherwise it is *inconclusive (inside noise)* with both numbers. An exact computation has $\nu=0$ and says so.
``z`` and every threshold a page chooses are the companion's, named on the page.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any, Callable, Iterable, Mapping, Sequence

# ------------------------------------------------------------------------------------------------ verdicts
HELD, NOT_HELD, NOT_CHECKED = "held", "did not hold", "not checked"
INCONCLUSIVE, NOT_TESTABLE = "inconclusive", "not testable here"
VERDICTS = (HELD, NOT_HELD, INCONCLUSIVE, NOT_TESTABLE, NOT_CHECKED)
STABLE, NOT_YET_STABLE = "stable", "not yet stable"
SYMBOL = {HELD: "✓", NOT_HELD: "✗", INCONCLUSIVE: "≈", NOT_TESTABLE: "–", NOT_CHECKED: "·"}

# the fixed set of reasons a verdict cannot speak for the paper
INSIDE_NOISE = "inside noise"
DID_NOT_TRAIN = "model did not train"
STAND_IN = "stand-in changes the premise"
RECONSTRUCTION = "reconstruction"
BUDGET = "budget (not yet stable)"
PROXY = "proxy measure"
NO_DATA = "no data"
REASONS = (INSIDE_NOISE, DID_NOT_TRAIN, STAND_IN, RECONSTRUCTION, BUDGET, PROXY, NO_DATA)

# where a claim comes from: the paper's text, the companion's inference of what the paper implies (counted
# apart), or a check the companion made for itself (sanity checks, seeded headers: never a paper claim)
PAPER, INFERENCE, COMPANION = "paper", "inference", "companion"
ORIGINS = (PAPER, INFERENCE, COMPANION)

Z = 2.0   # the companion's choice: the noise is z standard errors of the difference (about a 95 % interval)


# ------------------------------------------------------------------------------------------------ metrics
@dataclass(frozen=True)
class Metric:
    name: str
    higher_is_better: bool
    label: str = ""


def _metrics(*rows) -> dict[str, Metric]:
    return {n: Metric(n, hib, label) for n, hib, label in rows}


# the direction of every metric the book compares on (one registry; a page never says it again)
METRICS = _metrics(
    ("IS", True, "Inception score"), ("CEPC", False, "conditional entropy of the predicted class"),
    ("FID", False, "Fréchet distance"), ("MMD", False, "maximum mean discrepancy"),
    ("HSR", True, "high-quality sample rate"), ("KL", False, "KL divergence"), ("JS", False, "JS divergence"),
    ("AUC", True, "ROC area"), ("NLL", False, "negative log-likelihood"), ("error", False, "test error"),
    ("mean distance", False, "distance of the mean images"), ("MSE", False, "mean squared error"),
    ("PSNR", True, "peak signal-to-noise ratio"), ("SSIM", True, "structural similarity"),
    ("diversity", True, "sample diversity"), ("KALE", False, "KL approximate lower-bound estimate"),
    ("Sinkhorn", False, "Sinkhorn distance"), ("response distance", False, "filter-response distance"),
    ("fluctuation", False, "fluctuation of the curve"), ("energy gap", True, "energy gap"),
    ("stuck share", False, "share of chains stuck"), ("class switches", True, "share of chains changing class"),
    ("class flips", False, "share of fixed-noise samples changing class between evaluations"),
    ("correlation", True, "rank correlation"), ("confidence", True, "classifier's mean confidence"), ("ratio", True, "ratio"),
)


_LOWER = {k.lower(): v for k, v in METRICS.items()}   # frames name metrics in lower case ("mmd", "hsr")


def metric(name: str) -> Metric:
    """The registered metric (direction and label); an unknown name is an error listing the known ones."""
    try:
        return METRICS[name] if name in METRICS else _LOWER[name.lower()]
    except KeyError:
        raise KeyError(f"metric {name!r} has no registered direction; known: {', '.join(METRICS)}") from None


# --------------------------------------------------------------------------------------------------- noise
@dataclass(frozen=True)
class Noise:
    """A standard error and where it comes from (``"3 seeds"``, ``"split spread"``, ``"exact"``, ...)."""
    se: float
    source: str


EXACT = Noise(0.0, "exact computation")


def seed_se(values: Sequence[float]) -> float:
    r"""Standard error of a mean over seeds, $\mathrm{sd}/\sqrt n$ (sample sd); NaN with fewer than 2 seeds."""
    v = [float(x) for x in values if not math.isnan(float(x))]
    if len(v) < 2:
        return float("nan")
    mean = sum(v) / len(v)
    return math.sqrt(sum((x - mean) ** 2 for x in v) / (len(v) - 1) / len(v))


def seeds(values: Sequence[float], what: str = "") -> tuple[float, Noise]:
    """(mean, its noise from the seeds); with one seed the standard error is NaN (the comparison then needs
    another source of noise, or reads not checked)."""
    v = [float(x) for x in values]
    return (sum(v) / len(v) if v else float("nan")), Noise(seed_se(v), f"{len(v)} seeds" + (f" ({what})" if what else ""))


def difference_noise(a: Noise, b: Noise, z: float = Z) -> float:
    r"""$\nu = z\sqrt{\mathrm{se}_a^2+\mathrm{se}_b^2}$ (the module's noise rule)."""
    return z * math.hypot(a.se, b.se)


# --------------------------------------------------------------------------------------------------- parts
@dataclass(frozen=True)
class Part:
    """One part of a claim (a pair × metric × dataset, or one fact) with its verdict and numbers."""
    name: str
    verdict: str
    evidence: dict = field(default_factory=dict)   # numbers: a row, never a sentence
    reason: str = ""
    models: tuple[str, ...] = ()                    # the models the part is about (for their sanity bars)

    def as_dict(self) -> dict:
        return {"name": self.name, "verdict": self.verdict, "reason": self.reason, "models": list(self.models),
                "evidence": {k: (round(v, 6) if isinstance(v, float) and math.isfinite(v) else v)
                             for k, v in self.evidence.items()}}


def _nan(*xs) -> bool:
    return any(x is None or (isinstance(x, float) and math.isnan(x)) for x in xs)


def decide(margin: float, noise: float) -> tuple[str, str]:
    """(verdict, reason) of a signed margin (positive = as the paper says) against its noise."""
    if _nan(margin, noise):
        return NOT_CHECKED, NO_DATA
    if abs(margin) <= noise:
        return INCONCLUSIVE, INSIDE_NOISE
    return (HELD, "") if margin > 0 else (NOT_HELD, "")


def compare(name: str, a: float, b: float, metric_name: str, noise_a: Noise, noise_b: Noise | None = None,
            models: Sequence[str] = (), z: float = Z) -> Part:
    """Part "a is better than b on ``metric_name``": margin in the metric's better direction, decided against
    $z\\sqrt{se_a^2+se_b^2}$ (``noise_b`` defaults to ``noise_a``: the same source for both)."""
    m = metric(metric_name)
    a, b = float(a), float(b)
    nb = noise_a if noise_b is None else noise_b
    margin = (a - b) if m.higher_is_better else (b - a)
    noise = difference_noise(noise_a, nb, z)
    verdict, reason = decide(margin, noise)
    src = noise_a.source if nb.source == noise_a.source else f"{noise_a.source} / {nb.source}"
    return Part(name, verdict, {"ours": a, "other": b, "margin": margin, "noise": noise, "noise from": src,
                                "better": "higher" if m.higher_is_better else "lower"}, reason, tuple(models))


def compare_paired(name: str, a: Sequence[float], b: Sequence[float], metric_name: str,
                   models: Sequence[str] = (), z: float = Z) -> Part:
    """Part "a is better than b" from paired values (the same seeds): the margin is the mean of the per-seed
    differences, its noise ``z`` times their standard error (NaN with one seed: not checked)."""
    m = metric(metric_name)
    d = [(x - y) if m.higher_is_better else (y - x) for x, y in zip(map(float, a), map(float, b))]
    margin = sum(d) / len(d) if d else float("nan")
    noise = z * seed_se(d)
    verdict, reason = decide(margin, noise)
    return Part(name, verdict, {"ours": sum(map(float, a)) / len(d) if d else float("nan"),
                                "other": sum(map(float, b)) / len(d) if d else float("nan"), "margin": margin,
                                "noise": noise, "noise from": f"{len(d)} paired seeds",
                                "better": "higher" if m.higher_is_better else "lower"}, reason, tuple(models))


def beats(name: str, values: Mapping[str, float], winner: str, others: Sequence[str], metric_name: str,
          noise: Mapping[str, Noise] | Noise, dataset: str = "") -> list[Part]:
    """"``winner`` beats each of ``others`` on ``metric_name``": one part per pair."""
    nz = (lambda k: noise) if isinstance(noise, Noise) else (lambda k: noise[k])
    tag = f" · {dataset}" if dataset else ""
    return [compare(f"{winner} vs {o} · {metric_name}{tag}", values[winner], values[o], metric_name, nz(winner),
                    nz(o), models=(winner, o)) for o in others]


def at_least(name: str, value: float, bound: float, noise: Noise = EXACT, models: Sequence[str] = (),
             z: float = Z) -> Part:
    """Part "``value`` ≥ ``bound``" (a bound the companion names on the page), decided against ``z·se``."""
    margin = float(value) - float(bound)
    verdict, reason = decide(margin, z * noise.se)
    return Part(name, verdict, {"ours": float(value), "bound": float(bound), "margin": margin,
                                "noise": z * noise.se, "noise from": noise.source}, reason, tuple(models))


def fact(name: str, held: bool | None, models: Sequence[str] = (), **numbers) -> Part:
    """A part decided exactly (a closed form, a count, a seeded header): held / did not hold / not checked."""
    if held is None or _nan(*[v for v in numbers.values() if isinstance(v, float)]):
        return Part(name, NOT_CHECKED, dict(numbers), NO_DATA, tuple(models))
    return Part(name, HELD if bool(held) else NOT_HELD, dict(numbers), "", tuple(models))


def describe(p: Part) -> str:
    """One part in words: ``A vs B · IS: 7.10 vs 6.90 (margin +0.20, noise 0.14 from 3 seeds)``."""
    e = p.evidence
    if "ours" not in e:
        return p.name + (": " + ", ".join(f"{k} {_fmt(v)}" for k, v in e.items()) if e else "")
    against = e.get("other", e.get("bound"))
    return (f"{p.name}: {_fmt(e['ours'])} vs {_fmt(against)} (margin {_fmt(e['margin'])}, noise "
            f"{_fmt(e['noise'])} from {e.get('noise from', '?')})")


def roll_up(parts: Sequence[Part]) -> tuple[str, str, str]:
    """(verdict, reason, words) of a claim from its parts.

    did not hold if any part is decided against the paper; held if every part held; otherwise inconclusive if
    any part is inside its noise, else not testable (no part decided against, none undecidable by noise).
    The words say which parts gave which verdict.
    """
    if not parts:
        return NOT_CHECKED, NO_DATA, "no part to judge"
    by: dict[str, list[Part]] = {}
    for p in parts:
        by.setdefault(p.verdict, []).append(p)
    if NOT_HELD in by:
        verdict = NOT_HELD
    elif len(by) == 1 and HELD in by:
        verdict = HELD
    elif INCONCLUSIVE in by:
        verdict = INCONCLUSIVE
    elif NOT_TESTABLE in by:
        verdict = NOT_TESTABLE
    elif HELD in by:          # held parts and parts without data
        verdict = INCONCLUSIVE
    else:
        verdict = NOT_CHECKED
    reasons = sorted({p.reason for p in parts if p.reason and p.verdict not in (HELD, NOT_HELD)})
    reason = "" if verdict in (HELD, NOT_HELD) else "; ".join(reasons)
    if len(parts) == 1:
        return verdict, reason, describe(parts[0])
    words = []
    for v in (HELD, NOT_HELD, INCONCLUSIVE, NOT_TESTABLE, NOT_CHECKED):
        if v in by:
            names = ", ".join(p.name for p in by[v])
            why = sorted({p.reason for p in by[v] if p.reason})
            words.append(f"{v} for {names}" + (f" ({'; '.join(why)})" if why and v != INCONCLUSIVE else ""))
    return verdict, reason, f"{len(by.get(HELD, []))} of {len(parts)} parts held: " + "; ".join(words)


# ------------------------------------------------------------------------------------------------- claims
@dataclass(frozen=True)
class Claim:
    id: str            # the paper's claim number, e.g. "SB-6" (a variant in brackets: "SB-6 (Two-Circle)")
    text: str          # the reading the check applies, in one sentence (every threshold named)
    check: Callable[[], Any]   # -> (held, evidence) or a list of Part
    # the same check at each logged evaluation of the training run: (iteration, check)
    along: Sequence[tuple[int, Callable[[], Any]]] = ()
    # sanity results of the models the claim is about (paperlib.core.sanity.Sanity), by model name
    sanity: Mapping[str, Any] = field(default_factory=dict)
    models: tuple[str, ...] = ()      # models a one-part check is about
    caveat: tuple[str, str] = ()      # (STAND_IN | PROXY | RECONSTRUCTION, why): the verdict cannot speak
    origin: str = ""                  # PAPER | INFERENCE | COMPANION; default: the sentences file, else PAPER


def trained_claim(id: str, text: str, judge: Callable[[Any], Any], final: Any,
                  logged: Iterable[tuple[int, Any]], **kw) -> Claim:
    """A claim judged by ``judge(data)`` on the run's ``final`` data and on the data of each logged evaluation,
    ``logged`` = [(iteration, data), ...]: one judgement, never one per point in time."""
    return Claim(id, text, lambda: judge(final), tuple((int(it), (lambda d=d: judge(d))) for it, d in logged),
                 **kw)


@dataclass(frozen=True)
class ClaimResult:
    id: str
    text: str                      # the reading the check applied
    verdict: str                   # one of VERDICTS: what the claim counts as
    evidence: str                  # the roll-up in words, or the one part's evidence
    along: tuple = ()              # ((iteration, verdict), ...) over the logged evaluations
    stability: str = ""            # STABLE | NOT_YET_STABLE | "" (no run to follow)
    stable_from: int | None = None  # first logged iteration from which the verdict equals the final one
    measured: str = ""             # what the check read before sanity, caveats and budget
    reason: str = ""               # one or more of REASONS ("; "-joined) when the verdict cannot speak
    why: str = ""                  # the reason in numbers ("EGAN-Const did not train (IS 1.05 < 2)")
    parts: tuple = ()              # Part.as_dict() rows
    origin: str = PAPER
    quote: str = ""                # the paper's sentence
    where: str = ""                # file and section of the paper text
    owner: str = ""                # the page that counts this claim ("" = this page)

    def as_dict(self) -> dict:
        d = asdict(self)
        d["along"] = [{"iteration": it, "verdict": v} for it, v in self.along]
        d["parts"] = list(self.parts)
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
    $t\ge\frac23 t_{\max}$ (the last logged point is the end of the run). A verdict that decides nothing
    (not checked, not testable) is never stable: it cannot settle a budget."""
    if not along or final in (NOT_CHECKED, NOT_TESTABLE):
        return "", None
    its = [it for it, _ in along]
    since = its[-1]
    for it, v in reversed(along):
        if v != final:
            break
        since = it
    return (STABLE if since <= 2 * its[-1] / 3 else NOT_YET_STABLE), since


def budget_from_curves(curves: dict[str, tuple[str, Sequence[tuple[int, str]]]]) -> tuple[int | None, dict]:
    r"""The budget rule applied to one long run's verdict curves: ``curves`` maps a claim's name to
    (final verdict, ((iteration, verdict), ...)).

    A claim has *settled* when it is stable over the last third of the curve (:func:`stability`), from iteration
    $s$ on (its verdict never changes after $s$). The budget is the smallest logged iteration $T$ with
    $\frac23T\ge s$ for every settled claim: a run of budget $T$ shows each settled verdict over its whole last
    third. Claims that have not settled, and claims that are not testable, are reported, never waited for.
    Valid only where a run of budget $T$ is the first $T$ iterations of the long run.

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


def _parts(out, models: Sequence[str]) -> tuple[list[Part], str]:
    """A check's output as (parts, evidence text)."""
    if isinstance(out, Part):
        out = [out]
    if isinstance(out, list):
        return out, ""
    held, evidence = out
    if held is None:
        return [Part("claim", NOT_CHECKED, {}, NO_DATA, tuple(models))], str(evidence)
    if no_data(held, evidence):
        return [Part("claim", NOT_CHECKED, {}, NO_DATA, tuple(models))], f"no data to judge: {evidence}"
    return [Part("claim", HELD if bool(held) else NOT_HELD, {}, "", tuple(models))], str(evidence)


def _with_sanity(parts: list[Part], sanity: Mapping[str, Any]) -> tuple[list[Part], list[str]]:
    """Parts about a model below its sanity bar become not testable (model did not train)."""
    out, why = [], []
    for p in parts:
        failed = [sanity[m] for m in p.models if m in sanity and not sanity[m].passed]
        if failed and p.verdict != NOT_CHECKED:
            text = "; ".join(f.describe() for f in failed)
            why.append(text)
            out.append(Part(p.name, NOT_TESTABLE, {**p.evidence, "read": p.verdict}, DID_NOT_TRAIN, p.models))
        else:
            out.append(p)
    return out, why


def judge(claim: Claim, out) -> tuple[str, str, str, list[Part], str]:
    """(verdict, measured, reason, parts, evidence) of one evaluation of ``claim``'s check output ``out``."""
    parts, evidence = _parts(out, claim.models)
    measured, _, _ = roll_up(parts)
    parts, why = _with_sanity(parts, claim.sanity)
    verdict, reason, words = roll_up(parts)
    if claim.caveat and verdict in (HELD, NOT_HELD, INCONCLUSIVE):
        verdict, reason = NOT_TESTABLE, claim.caveat[0]
    return verdict, measured, reason, parts, (evidence or words) + (
        f" — {'; '.join(dict.fromkeys(why))}" if why else "")


def check_claims(claims: Iterable[Claim]) -> list[ClaimResult]:
    """Run every check (and, for a trained claim, the check at each logged evaluation) and judge it by the
    module's rules; an exception inside a check is a bug and propagates."""
    out = []
    for c in claims:
        verdict, measured, reason, parts, evidence = judge(c, c.check())
        judged = [(it, judge(c, chk())) for it, chk in c.along]
        along = tuple((it, j[0]) for it, j in judged)
        state, since = stability(along, verdict)
        # each part's own strip; the claim is stable only when every part is
        rows = []
        for k, p in enumerate(parts):
            strip = [(it, j[3][k].verdict) for it, j in judged if len(j[3]) == len(parts) and j[3][k].name == p.name]
            p_state, p_since = stability(strip, p.verdict)
            if p_state == NOT_YET_STABLE and state == STABLE:
                state, since = NOT_YET_STABLE, p_since
            rows.append({**p.as_dict(), "along": "".join(SYMBOL[v] for _, v in strip), "stability": p_state})
        why = ""
        if state == NOT_YET_STABLE and verdict in (HELD, NOT_HELD):
            verdict, reason = INCONCLUSIVE, BUDGET
            why = f"the verdict last changed at {since:,} of {along[-1][0]:,} (after the first two thirds)"
        elif reason == DID_NOT_TRAIN:
            why = evidence.split(" — ", 1)[-1]
        elif c.caveat and verdict == NOT_TESTABLE:
            why = c.caveat[1]
        s = sentence(c.id)
        origin = c.origin or s.get("origin", PAPER)
        if origin not in ORIGINS:
            raise ValueError(f"{c.id}: origin {origin!r} is not one of {ORIGINS}")
        if origin == INFERENCE and not reason:
            reason = RECONSTRUCTION       # not the paper's sentence: counted apart, whatever it reads
        out.append(ClaimResult(c.id, c.text, verdict, evidence, along, state, since, measured, reason, why,
                               tuple(rows), origin, s.get("quote", ""), s.get("where", ""), s.get("owner", "")))
    return out


# ----------------------------------------------------------------------------------------- the sentences
@lru_cache(maxsize=1)
def _sentences() -> dict[str, dict]:
    from importlib import resources

    import yaml

    out: dict[str, dict] = {}
    folder = resources.files("paperlib.core.reported").joinpath("sentences")
    if not folder.is_dir():
        return out
    for res in sorted(folder.iterdir(), key=lambda r: r.name):
        if res.name.endswith(".yaml"):
            for key, entry in (yaml.safe_load(res.read_text(encoding="utf-8")) or {}).items():
                if key in out:
                    raise ValueError(f"the sentence of claim {key} is given twice")
                out[str(key)] = entry
    return out


def sentence(claim_id: str) -> dict:
    """The paper's sentence behind a claim: ``{"quote", "where", "origin", "owner", ...}`` (empty when none).

    Looked up by the full id, then without its bracketed variant ("SB-6 (Two-Circle)" -> "SB-6"), then by its
    first word ("C22-MSE" -> "C22")."""
    table = _sentences()
    base = re.sub(r"\s*\([^)]*\)\s*$", "", claim_id).strip()
    for key in (claim_id, base, base.split(" ")[0], re.sub(r"-[A-Za-z]+$", "", base.split(" ")[0])):
        if key in table:
            return table[key]
    return {}


# ------------------------------------------------------------------------------------------------- tables
def verdict_table(results: Iterable[ClaimResult]):
    """The claims table of a page: verdict first, the paper's sentence with its place, the reading, why a
    verdict cannot speak for the paper, and each claim's parts collapsed under it (:class:`ClaimsTable`)."""
    return ClaimsTable(list(results))


class ClaimsTable:
    """HTML: one row per claim, its parts in a collapsed table; text/plain: one line per claim."""

    def __init__(self, results: list[ClaimResult]):
        self.results = results

    def __repr__(self) -> str:
        return "\n".join(f"{r.id}: {r.verdict}" + (f" ({r.reason})" if r.reason else "") for r in self.results)

    def _repr_html_(self) -> str:
        import html

        from paperlib.core.page import colour_style, current_item

        def esc(x) -> str:
            return html.escape(str(x))

        here = current_item()

        rows = []
        for r in self.results:
            said = (f"<q>{esc(r.quote)}</q> <small>({esc(r.where)})</small>" if r.quote else
                    "<small>(no sentence of the paper: the companion's own check)</small>" if r.origin == COMPANION
                    else "")
            origin = "" if r.origin == PAPER else f" <small>[{esc(r.origin)}]</small>"
            counted = f"<br><small>counted on {esc(r.owner)}</small>" if r.owner and r.owner != here else ""
            verdict = f"<span style='{colour_style(r.verdict)};padding:0 .3em'>{esc(r.verdict)}</span>"
            if r.measured and r.measured != r.verdict:
                verdict += f"<br><small>the check read: {esc(r.measured)}</small>"
            if r.reason:
                verdict += f"<br><small>why: {esc(r.reason)}</small>"
            detail = esc(r.evidence) + (f"<br><small>{esc(r.why)}</small>" if r.why else "")
            if r.along:
                detail += f"<br><small>along the run: {esc(r.strip())}</small>"
            if len(r.parts) > 1 or any(p["evidence"] for p in r.parts):
                detail += "<details><summary>parts</summary>" + _parts_html(r.parts) + "</details>"
            rows.append(f"<tr style='border-top:2px solid #ccc'><td style='text-align:left;vertical-align:top;"
                        f"min-width:8em'><b>{esc(r.id)}</b>{origin}{counted}</td>"
                        f"<td style='text-align:left;vertical-align:top;min-width:9em'>{verdict}</td>"
                        f"<td style='text-align:left;vertical-align:top'>{said}<br><small>reading: {esc(r.text)}"
                        f"</small></td></tr>"
                        f"<tr><td colspan='3' style='text-align:left;padding-left:1.5em;font-size:.95em'>{detail}</td></tr>")
        head = "".join(f"<th style='text-align:left'>{h}</th>" for h in ("claim", "verdict",
                                                                          "the paper says, and the reading checked"))
        return ("<div style='overflow-x:auto'><table class='paperlib-claims' style='border-collapse:collapse;"
                "font-size:.88em'><caption style='caption-side:top;text-align:left;font-weight:600'>Claims "
                f"checked on this run ({SYMBOL[HELD]} held, {SYMBOL[NOT_HELD]} did not hold, {SYMBOL[INCONCLUSIVE]} "
                f"inside noise, {SYMBOL[NOT_TESTABLE]} not testable, {SYMBOL[NOT_CHECKED]} not checked)</caption>"
                f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


def _fmt(v) -> str:
    if isinstance(v, float):
        return "–" if math.isnan(v) else (f"{v:,.0f}" if abs(v) >= 1e4 else f"{v:.4g}")
    return str(v)


def _parts_html(parts: Sequence[dict]) -> str:
    import html

    from paperlib.core.page import colour_style

    first = ["ours", "other", "bound", "margin", "noise", "noise from", "better"]
    seen = list(dict.fromkeys(k for p in parts for k in p["evidence"]))
    keys = [k for k in first if k in seen] + [k for k in seen if k not in first]
    strips = any(p.get("along") for p in parts)
    head = "".join(f"<th>{html.escape(k)}</th>" for k in ["part", "verdict", *keys, *(["along the run"] if strips else [])])
    body = "".join(
        f"<tr><td style='text-align:left'>{html.escape(p['name'])}</td>"
        f"<td style='{colour_style(p['verdict'])}'>{html.escape(p['verdict'])}</td>"
        + "".join(f"<td>{html.escape(_fmt(p['evidence'].get(k, '')))}</td>" for k in keys)
        + (f"<td style='text-align:left'>{html.escape(p.get('along', ''))}"
           f"{' (not yet stable)' if p.get('stability') == NOT_YET_STABLE else ''}</td>" if strips else "") + "</tr>"
        for p in parts)
    return (f"<div style='overflow-x:auto'><table style='font-size:.9em;border-collapse:collapse'><thead><tr>{head}</tr>"
            f"</thead><tbody>{body}</tbody></table></div>")


def auc_noise(auc: float, n_pos: int, n_neg: int) -> Noise:
    r"""Standard error of a ROC area from its sample sizes (Hanley & McNeil, 1982):
    $\mathrm{se}^2 = [A(1-A) + (n_1-1)(Q_1-A^2) + (n_2-1)(Q_2-A^2)]/(n_1n_2)$, $Q_1=A/(2-A)$, $Q_2=2A^2/(1+A)$.
    Written here because scikit-learn gives the area but no error for it."""
    a = float(auc)
    q1, q2 = a / (2 - a), 2 * a * a / (1 + a)
    var = (a * (1 - a) + (n_pos - 1) * (q1 - a * a) + (n_neg - 1) * (q2 - a * a)) / (n_pos * n_neg)
    return Noise(math.sqrt(max(var, 0.0)), f"ROC-area error of {n_pos:,} + {n_neg:,} images (Hanley-McNeil)")
