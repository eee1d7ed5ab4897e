"""Claims judged along a training run: the verdict at each logged evaluation and its stability (issue 17)."""
from paperlib.core.claims import (BUDGET, INCONCLUSIVE, HELD, NOT_CHECKED, NOT_HELD, NOT_YET_STABLE, STABLE, budget_from_curves, check_claims, stability,
                                  trained_claim, verdict_table)


def _claim(final, logged):
    """'the value is positive', judged on numbers."""
    return trained_claim("X-1", "x is positive", lambda v: (v > 0, f"x = {v}"), final, logged)


def test_a_verdict_that_settles_early_is_stable_from_where_it_settled():
    (r,) = check_claims([_claim(3.0, [(100, -1.0), (200, 1.0), (300, 2.0), (400, 0.5), (500, 1.0), (600, 3.0)])])
    assert r.verdict == HELD
    assert [v for _, v in r.along] == [NOT_HELD, HELD, HELD, HELD, HELD, HELD]
    assert (r.stability, r.stable_from) == (STABLE, 200)
    assert r.strip() == "✗✓✓✓✓✓ stable from 200"
    assert r.as_dict()["along"][0] == {"iteration": 100, "verdict": NOT_HELD}


def test_a_verdict_that_flips_in_the_last_third_is_not_yet_stable():
    # the same final verdict as above, but it only arrived at iteration 500 of 600
    (r,) = check_claims([_claim(3.0, [(100, 1.0), (200, 1.0), (300, 1.0), (400, -1.0), (500, 1.0), (600, 3.0)])])
    # the check reads "held", but a verdict that still changes in the last third cannot speak: budget
    assert (r.verdict, r.measured, r.reason) == (INCONCLUSIVE, HELD, BUDGET)
    assert (r.stability, r.stable_from) == (NOT_YET_STABLE, 500)
    assert "not yet stable" in r.strip()
    # the boundary: a change exactly at two thirds of the run is still stable
    assert stability([(300, NOT_HELD), (400, HELD), (500, HELD), (600, HELD)], HELD) == (STABLE, 400)
    # the last logged verdict differs from the final one: unstable at the very end
    assert stability([(100, HELD), (200, NOT_HELD)], HELD) == (NOT_YET_STABLE, 200)
    # a final verdict of "not checked" has no stability to speak of
    assert stability([(100, HELD), (200, NOT_CHECKED)], NOT_CHECKED) == ("", None)


def test_nan_evidence_along_the_run_is_not_checked_and_plain_claims_have_no_strip():
    (r,) = check_claims([_claim(1.0, [(10, float("nan")), (20, 1.0), (30, 1.0)])])
    assert r.along[0][1] == NOT_CHECKED and r.stability == STABLE
    from paperlib.core.claims import Claim
    (plain,) = check_claims([Claim("Y", "y", lambda: (True, "y = 1"))])
    assert plain.along == () and plain.stability == "" and plain.strip() == ""
    page = verdict_table([r, plain])._repr_html_()
    assert page.count("along the run:") == 1 and "<q>" not in page   # X-1 and Y have no sentence of a paper


def test_budget_rule_waits_for_the_last_settled_claim_and_reports_the_unsettled():
    its = range(500, 15_001, 500)
    early = [(t, HELD) for t in its]                                   # settled from 500
    late = [(t, NOT_HELD if t < 4000 else HELD) for t in its]          # settled from 4,000 -> T = 6,000
    flip = [(t, HELD if t < 14_500 else NOT_HELD) for t in its]        # changes in the last third
    budget, info = budget_from_curves({"a": (HELD, early), "b": (HELD, late), "c": (NOT_HELD, flip),
                                       "e": (NOT_CHECKED, early)})
    assert budget == 6000
    assert info == {"a": 500, "b": 4000, "c": NOT_YET_STABLE}
    # a verdict that is right early, wrong in the middle and right again counts from its last change
    zigzag = [(t, HELD if t < 1000 or t >= 3000 else NOT_HELD) for t in its]
    assert budget_from_curves({"z": (HELD, zigzag)}) == (4500, {"z": 3000})
    assert budget_from_curves({"c": (NOT_HELD, flip)}) == (None, {"c": NOT_YET_STABLE})


def test_budget_command_reads_the_records_curves(tmp_path, monkeypatch, capsys):
    import json

    from paperlib.build.cli import main
    from paperlib.build.execute import record_path
    from paperlib.core.catalogue import item

    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path))
    assert main(["budget", "sb-tab05"]) == 2 and "no record" in capsys.readouterr().err
    (r,) = check_claims([_claim(1.0, [(t, -1.0 if t < 2000 else 1.0) for t in range(500, 6001, 500)])])
    record_path(item("sb-tab05")).write_text(json.dumps({"claims": [r.as_dict()]}))
    assert main(["budget", "sb-tab05"]) == 0
    out = capsys.readouterr().out
    assert "sb-tab05 X-1" in out and "settled from 2,000" in out and "✗✗✗✓✓✓✓✓✓✓✓✓" in out
    assert "budget by the rule: 3,000 of the curve's 6,000 iterations" in out
