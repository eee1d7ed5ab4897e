"""The verdict rules on hand-made numbers: the noise rule, parts and roll-up, sanity bars, caveats, origins."""
import math

import pytest

from paperlib.core import sanity
from paperlib.core.claims import (BUDGET, DID_NOT_TRAIN, EXACT, HELD, INCONCLUSIVE, INSIDE_NOISE, NOT_CHECKED,
                                  NOT_HELD, NOT_TESTABLE, PROXY, STAND_IN, Claim, Noise, at_least, beats,
                                  check_claims, compare, difference_noise, fact, metric, roll_up, seed_se, seeds,
                                  sentence, trained_claim)


def test_noise_rule_is_two_standard_errors_of_the_difference():
    assert seed_se([1.0, 2.0, 3.0]) == pytest.approx(1 / math.sqrt(3))
    assert math.isnan(seed_se([4.0]))
    assert difference_noise(Noise(0.3, "a"), Noise(0.4, "b")) == pytest.approx(1.0)
    mean, noise = seeds([7.0, 7.2, 7.4], "IS")
    assert mean == pytest.approx(7.2) and noise.source == "3 seeds (IS)"


def test_a_margin_inside_its_noise_is_inconclusive_never_a_verdict():
    run = Noise(0.35, "run-to-run spread")       # e.g. the digit GANs' ±0.35 IS
    tie = compare("A vs B · IS", 7.10, 7.103, "IS", run)
    assert (tie.verdict, tie.reason) == (INCONCLUSIVE, INSIDE_NOISE)
    assert tie.evidence["noise"] == pytest.approx(2 * math.sqrt(2) * 0.35)
    assert compare("A vs B · IS", 9.0, 7.0, "IS", run).verdict == HELD
    assert compare("A vs B · IS", 5.0, 7.0, "IS", run).verdict == NOT_HELD
    # the direction comes from the registry: lower FID is better
    assert metric("FID").higher_is_better is False
    assert compare("A vs B · FID", 10.0, 30.0, "FID", EXACT).verdict == HELD
    # no number: not checked
    assert compare("A vs B · IS", float("nan"), 7.0, "IS", run).verdict == NOT_CHECKED
    with pytest.raises(KeyError, match="no registered direction"):
        metric("sharpness-ish")


def test_bounds_and_facts():
    assert at_least("ratio", 8.4, 5.0).verdict == HELD
    assert at_least("ratio", 4.0, 5.0).verdict == NOT_HELD
    assert at_least("ratio", 4.9, 5.0, Noise(0.1, "bootstrap")).verdict == INCONCLUSIVE
    assert fact("closed form", True).verdict == HELD and fact("x", None).verdict == NOT_CHECKED


def test_roll_up_names_every_part_and_a_contradicted_part_decides():
    v = {"Joint-W": 0.1, "WGAN-GP": 0.3, "Joint-JS": 0.5, "GAN": 0.2}
    parts = (beats("", v, "Joint-W", ["WGAN-GP"], "MMD", EXACT)
             + beats("", v, "Joint-JS", ["GAN"], "MMD", EXACT))
    verdict, reason, words = roll_up(parts)
    assert verdict == NOT_HELD and reason == ""
    assert words.startswith("1 of 2 parts held") and "held for Joint-W vs WGAN-GP · MMD" in words
    assert "did not hold for Joint-JS vs GAN · MMD" in words
    # held parts with one inside the noise: inconclusive, not held
    tie = compare("C vs D · IS", 7.0, 7.01, "IS", Noise(0.2, "seeds"))
    assert roll_up([parts[0], tie])[:2] == (INCONCLUSIVE, INSIDE_NOISE)
    assert roll_up([parts[0]])[0] == HELD and roll_up([])[0] == NOT_CHECKED


def test_sanity_bars_make_claims_about_failed_models_not_testable():
    collapsed = sanity.check("EGAN-Const", "image generator", IS=1.05, diversity=0.02, **{"data diversity": 0.56})
    fine = sanity.check("GAN", "image generator", IS=7.1, diversity=0.60, **{"data diversity": 0.56})
    prototypes = sanity.check("GGCN", "image generator", IS=8.0, diversity=0.215, **{"data diversity": 0.559})
    assert not collapsed.passed and fine.passed and not prototypes.passed
    assert "did not train" in collapsed.describe() and "IS 1.05" in collapsed.describe()
    assert not sanity.check("DEM", "image energy", **{"noise AUC": 0.55}).passed
    unmeasured = sanity.check("X", "image energy", **{"noise AUC": float("nan")})
    assert unmeasured.passed and not unmeasured.measured
    with pytest.raises(KeyError):
        sanity.check("X", "image generator", FID=3.0)
    bars = {"EGAN-Const": collapsed, "GAN": fine}
    # a one-part claim about the failed model: not testable, and what the check read is kept
    (r,) = check_claims([Claim("CE-9", "GAN beats EGAN-Const", lambda: (True, "IS 1.08 vs 1.05"),
                               sanity=bars, models=("GAN", "EGAN-Const"))])
    assert (r.verdict, r.measured, r.reason) == (NOT_TESTABLE, HELD, DID_NOT_TRAIN)
    assert "EGAN-Const did not train" in r.why
    # parts: only the part about the failed model is not testable; the other is judged
    v = {"GAN": 7.1, "EGAN-Const": 1.05, "Random": 2.0}
    (r,) = check_claims([Claim("X", "GAN beats both", lambda: beats("", v, "GAN", ["EGAN-Const", "Random"], "IS",
                                                                     Noise(0.1, "split spread")), sanity=bars)])
    assert [p["verdict"] for p in r.parts] == [NOT_TESTABLE, HELD]
    assert r.verdict == NOT_TESTABLE and r.reason == DID_NOT_TRAIN
    # along the run a not-testable claim never settles (the budget rule ignores it)
    (r,) = check_claims([trained_claim("Y", "y", lambda x: (x > 0, f"{x}"), 1.0, [(1, 1.0), (2, 1.0)],
                                       sanity=bars, models=("EGAN-Const",))])
    assert r.verdict == NOT_TESTABLE and r.stability == ""


def test_caveats_are_symmetric_and_budget_demotes_both_directions():
    for held in (True, False):
        (r,) = check_claims([Claim("SB-15", "flip", lambda h=held: (h, "AUC 0.9"),
                                   caveat=(STAND_IN, "a mirrored digit is not in the distribution"))])
        assert r.verdict == NOT_TESTABLE and r.reason == STAND_IN and r.measured == (HELD if held else NOT_HELD)
        assert "mirrored" in r.why
    (r,) = check_claims([Claim("P", "p", lambda: (True, "x"), caveat=(PROXY, "classifier features"))])
    assert r.reason == PROXY
    for sign in (1.0, -1.0):
        (r,) = check_claims([trained_claim("B", "b", lambda x: (x > 0, f"{x}"), sign,
                                           [(100, sign), (200, -sign), (300, sign)])])
        assert (r.verdict, r.reason) == (INCONCLUSIVE, BUDGET)


def test_claims_carry_the_papers_sentence_and_origin_from_the_sentences_files():
    s = sentence("CE-3 (NN)")
    if not s:
        pytest.skip("no sentences file for the Calibrating EBGAN chapter")
    assert s["quote"] and s["where"].startswith("calibrating-ebgan.txt")
    (r,) = check_claims([Claim("CE-3 (NN)", "reading", lambda: (True, "x"))])
    assert r.quote == s["quote"] and r.origin == s["origin"]
    with pytest.raises(ValueError, match="origin"):
        check_claims([Claim("Z", "z", lambda: (True, "x"), origin="folklore")])


def _c(id, verdict, origin="paper", owner="", reason=""):
    return {"id": id, "verdict": verdict, "origin": origin, "owner": owner, "reason": reason}


def test_item_status_comes_from_the_paper_claims_it_owns():
    from paperlib.core.record import MISMATCH, PARTLY, REPRODUCED, status_of

    held = _c("A", HELD)
    assert status_of([held], "full", "x") == REPRODUCED
    assert status_of([held, _c("B", INCONCLUSIVE, reason=INSIDE_NOISE)], "full", "x") == PARTLY
    assert status_of([held, _c("B", NOT_HELD)], "full", "x") == MISMATCH
    # a contradicted inference or companion check, or a claim owned by another page, never makes a mismatch
    assert status_of([held, _c("B", NOT_HELD, origin="inference"), _c("C", NOT_HELD, origin="companion"),
                      _c("D", NOT_HELD, owner="y")], "full", "x") == REPRODUCED
    assert status_of([_c("B", NOT_TESTABLE, reason=DID_NOT_TRAIN)], "gpu", "x") == NOT_TESTABLE
    # a page with inferences only takes its status from them
    assert status_of([_c("B", NOT_HELD, origin="inference")], "full", "x") == MISMATCH


def test_tally_counts_each_claim_once_by_origin_and_reason():
    from paperlib.core.record import tally, tally_text

    recs = [{"item": "x", "claims": [_c("A", HELD), _c("B", INCONCLUSIVE, reason=INSIDE_NOISE),
                                     _c("C", NOT_TESTABLE, reason=DID_NOT_TRAIN), _c("D", HELD, origin="companion")]},
            {"item": "y", "claims": [_c("A", HELD, owner="x"), _c("E", NOT_HELD, owner="y"),
                                     _c("F", NOT_HELD, origin="inference")]}]
    t = tally(recs)
    assert t["paper"] == {HELD: 1, f"{INCONCLUSIVE}: {INSIDE_NOISE}": 1, f"{NOT_TESTABLE}: {DID_NOT_TRAIN}": 1,
                          NOT_HELD: 1}
    assert t["companion"] == {HELD: 1} and t["inference"] == {NOT_HELD: 1}
    assert tally_text(t["paper"]) == ("1 held · 1 did not hold · 1 inconclusive (inside noise: 1) · "
                                      "1 not testable here (model did not train: 1)")


def test_every_quote_is_verbatim_in_the_papers_text():
    """Each sentence file quotes its paper verbatim (whitespace aside; ' ... ' joins two verbatim pieces)."""
    import re
    from pathlib import Path

    from paperlib.core.claims import _sentences
    from paperlib.core.paths import project_root

    papers = (project_root() or Path.cwd()).parent / "shared" / "papers"
    if not papers.is_dir():
        pytest.skip(f"the papers' texts are not beside this checkout ({papers})")

    def norm(t):
        return re.sub(r"\s+", " ", t).strip()

    texts = {p.name: norm(p.read_text(encoding="utf-8", errors="replace")) for p in papers.glob("*.txt")}
    table = _sentences()
    assert len(table) > 50
    for key, s in table.items():
        assert s.get("origin") in ("paper", "inference", "companion"), key
        if not s.get("quote"):
            assert s["origin"] != "paper", f"{key}: a paper claim without its sentence"
            continue
        source = s["where"].split(",")[0].strip()
        assert source in texts, f"{key}: {source} is not a paper text"
        for piece in norm(s["quote"]).split(" ... "):
            assert piece in texts[source], f"{key}: not verbatim in {source}: {piece[:80]}"


def test_each_part_has_its_strip_and_the_claim_is_stable_only_when_every_part_is():
    def parts(x):   # part a settles early, part b flips at the end
        return [compare("a", x[0], 0.0, "IS", EXACT), compare("b", x[1], 0.0, "IS", EXACT)]
    logged = [(100, (1.0, -1.0)), (200, (1.0, -1.0)), (300, (1.0, -1.0)), (400, (1.0, -1.0)), (500, (1.0, -1.0)),
              (600, (1.0, 1.0))]
    (r,) = check_claims([trained_claim("P", "p", parts, (1.0, 1.0), logged)])
    assert [p["along"] for p in r.parts] == ["✓✓✓✓✓✓", "✗✗✗✗✗✓"]
    assert r.measured == HELD and (r.verdict, r.reason, r.stability) == (INCONCLUSIVE, BUDGET, "not yet stable")
