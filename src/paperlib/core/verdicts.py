"""The papers' claims as checks on tables: each reads a table laid out as the paper prints it, so the same
check runs on this run's numbers (the pages) and on the paper's own printed numbers (``tests``: the paper must
pass its own claims). Each returns a list of :class:`~paperlib.core.claims.Part`; the sentence behind each is
in ``core/reported/sentences/<chapter>.yaml`` and the noise rule in :mod:`paperlib.core.claims`.

``noise`` arguments map a cell to its :class:`~paperlib.core.claims.Noise`; the paper's printed numbers are
single values with no spread given (:data:`~paperlib.core.claims.EXACT` unless the paper prints a ±).
"""
from __future__ import annotations

from typing import Callable, Mapping, Sequence

from paperlib.core.claims import EXACT, Noise, Part, compare

Cell = Callable[..., Noise]

# Calibrating EBGAN, Table 2: the columns that involve the discriminator's distribution p_disc
CE_PDISC_COLUMNS = ("pdisc||pemp", "pemp||pdisc", "pdisc||pdata", "pdata||pdisc", "pgen||pdisc", "pdisc||pgen")
CE_BASELINES = ("GAN", "EGAN-Const")


def _exact(*_) -> Noise:
    return EXACT


def ce_discriminator_beats_baselines(value: Callable[[str, str, str], float], datasets: Sequence[str],
                                     models: Sequence[str] = ("EGAN-Ent-VI", "EGAN-Ent-NN"),
                                     columns: Sequence[str] = CE_PDISC_COLUMNS, noise: Cell = _exact) -> list[Part]:
    """CE-3 (App. B.2): "For all measures related to the discriminator distribution, EGAN-Ent-VI and
    EGAN-Ent-NN significantly outperform the other two baseline models". One part per entropy model × dataset ×
    $p_{disc}$ column: its KL below the better baseline's, $\\mathrm{KL}_{ent} < \\min(\\mathrm{KL}_{GAN},
    \\mathrm{KL}_{Const})$, decided against the noise. ``value(dataset, model, column)``."""
    parts = []
    for d in datasets:
        for m in models:
            for c in columns:
                best = min(CE_BASELINES, key=lambda b: value(d, b, c))
                parts.append(compare(f"{m} vs {best} · KL({c}) · {d}", value(d, m, c), value(d, best, c), "KL",
                                     noise(d, m, c), noise(d, best, c), models=(m, best)))
    return parts


def ce_most_informative(errors: Mapping[str, float], noise: Mapping[str, Noise] | None = None,
                        best: str = "EGAN-Ent-NN", others: Sequence[str] = ("GAN", "EGAN-Const")) -> list[Part]:
    """CE-10 (App. B.5): "EGAN-Ent-NN seems to maintain more information of data": its linear-probe test error
    below each other trained discriminator's (no order between the others)."""
    nz = noise or {}
    return [compare(f"{best} vs {o} · error", errors[best], errors[o], "error", nz.get(best, EXACT),
                    nz.get(o, EXACT), models=(best, o)) for o in others]


def ce_trained_beat_random(errors: Mapping[str, float], noise: Mapping[str, Noise] | None = None,
                           trained: Sequence[str] = ("EGAN-Ent-NN", "EGAN-Const", "GAN")) -> list[Part]:
    """CE-10 (features), Table 3: every trained discriminator's features give a lower probe error than a
    random-weight network's."""
    nz = noise or {}
    return [compare(f"{m} vs Random · error", errors[m], errors["Random"], "error", nz.get(m, EXACT),
                    nz.get("Random", EXACT), models=(m,)) for m in trained]


def is_pair(name: str, a: str, b: str, score: Mapping[str, float], noise: Mapping[str, Noise]) -> Part:
    """"``a`` scores higher than ``b``" on an Inception-type score (CE-9, C18, C20, SB-8)."""
    return compare(name or f"{a} vs {b} · IS", score[a], score[b], "IS", noise[a], noise[b], models=(a, b))


def split_noise(std: float, splits: int = 10) -> Noise:
    """The standard error of an Inception score averaged over ``splits`` splits whose spread is ``std``."""
    return Noise(float(std) / splits ** 0.5, f"split spread over {splits} splits")


def best_in_column(values: Mapping[str, float], winner: str, metric_name: str, noise: Mapping[str, Noise],
                   tag: str = "") -> list[Part]:
    """"``winner`` is the best of its column": one part per other model (SB-8, Table 2)."""
    return [compare(f"{winner} vs {o} · {metric_name}{tag}", values[winner], values[o], metric_name,
                    noise[winner], noise[o], models=(winner, o)) for o in values if o != winner]


def larger_blank_more_different(blank: Mapping[str, float], scores: Mapping[str, Mapping[str, float]],
                                noise: Mapping[str, Mapping[str, Noise]] | None = None) -> list[Part]:
    """C22 (Sec. 5.6): "The larger the blank space is, the more different the generated image from the original
    one." Masks ordered by their blank fraction; for each neighbouring pair (smaller, larger) and each metric
    (MSE, PSNR, SSIM) the smaller blank is closer to the original. ``scores[metric][mask]``."""
    order = sorted(blank, key=blank.get)
    nz = noise or {}
    parts = []
    for small, large in zip(order, order[1:]):
        for met, vals in scores.items():
            parts.append(compare(f"{small} ({blank[small]:.0%} blank) vs {large} ({blank[large]:.0%}) · {met}",
                                 vals[small], vals[large], met, nz.get(met, {}).get(small, EXACT),
                                 nz.get(met, {}).get(large, EXACT)))
    return parts
