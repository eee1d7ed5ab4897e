"""The page template: verdicts need data, rendered tables are deterministic and never cut, the header box."""
import math

import pandas as pd

from paperlib.core.claims import NOT_CHECKED, NOT_HELD, Claim, check_claims, verdict_table
from paperlib.core.page import Table, header_html
from paperlib.core.profiles import resolve
from paperlib.core.reported import better_direction, compare


def test_a_claim_judged_on_nan_is_not_checked():
    out = check_claims([Claim("a", "t", lambda: (False, "fluctuation nan vs nan")),
                        Claim("b", "t", lambda: (math.nan, "x 1.0")),
                        Claim("c", "t", lambda: (True, "")),
                        Claim("d", "t", lambda: (False, "0.31 vs 0.29 (nanometre-free evidence)"))])
    assert [r.verdict for r in out] == [NOT_CHECKED, NOT_CHECKED, NOT_CHECKED, NOT_HELD]
    assert out[0].evidence.startswith("no data to judge")


def test_claims_table_keeps_full_text_and_colours_each_verdict():
    long = "x" * 300
    t = verdict_table(check_claims([Claim("a", long, lambda: (True, long)), Claim("b", "t", lambda: (False, "e"))]))
    html = t._repr_html_()
    assert html.count(long) == 2 and "..." not in html and "…" not in html
    assert "#d9f2e3" in html and "#fbe0dc" in html       # held green, did not hold red
    assert t._repr_html_() == html and "0x" not in repr(t)  # deterministic (nbval compares it)


def test_table_formats_numbers_and_nan():
    html = Table(pd.DataFrame({"v": [0.000123456, 12345.6, math.nan, 1.5]}), "cap")._repr_html_()
    assert "0.0001235" in html and "12,346" in html and "–" in html and "<caption>cap</caption>" in html


def test_better_direction_is_read_from_the_quantity():
    assert better_direction("two_circle MMD") == "lower" and better_direction("HSR, seed 0") == "higher"
    assert better_direction("KL(pdisc||pemp)") == "lower" and better_direction("sigma_max") == ""
    assert compare(1.0, 1.1, "AUC")["better"] == "higher ↑"


def test_header_box_states_profile_seed_device_claims_and_stand_in():
    cfg = resolve("ce-fig04", "smoke")
    box = header_html(cfg, "mismatch", 12.5, [{"id": "A", "verdict": "held"}, {"id": "B", "verdict": "did not hold"},
                                              {"id": "C", "verdict": "not checked"}], ["cpu"])
    assert ">mismatch<" in box and "smoke" in box and "seed</b> 0" in box and "wall time</b> 12.5 s" in box
    assert "1 held (A) · 1 did not hold (B) · 1 not checked (C)" in box and "Stand-in data:" in box and "Smoke run" in box
