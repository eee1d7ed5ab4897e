"""The page template: the header box every page opens with, and tables rendered as HTML.

The header is displayed by ``paperlib.setup`` (status "running") with a display id, and replaced in place by
``paperlib.record`` once the claims are known (status, wall time, claims held / checked). nbclient applies the
update to the stored output, so the executed notebook, and hence the book, opens with the final box.

Tables are ``Table`` objects: HTML for the book (pandas Styler, fixed table id so re-runs are byte-identical
and nbval can compare them) and the plain ``to_string`` text as the ``text/plain`` fallback.
Styles are inline, so the box and the tables look the same in the book, in Jupyter and in Colab.
"""
from __future__ import annotations

import html
import math
import re
import time
from dataclasses import dataclass, field
from typing import Any

# one colour per verdict / status (background, text), used by the claims table, the header and the scorecard
COLOURS = {
    "held": ("#d9f2e3", "#0b5d2a"), "reproduced": ("#d9f2e3", "#0b5d2a"),
    "did not hold": ("#fbe0dc", "#8a1c0c"), "mismatch": ("#fbe0dc", "#8a1c0c"),
    "not checked": ("#eeeeee", "#444444"), "drawn": ("#e3ecfa", "#1d3f73"),
    "inconclusive": ("#fff4d6", "#6b4e00"), "not testable here": ("#ece6f5", "#4b2e83"),
    "partly reproduced": ("#e8f4d9", "#3d5d0b"),
    "running": ("#fff4d6", "#6b4e00"), "not run": ("#fff4d6", "#6b4e00"),
    "not yet implemented": ("#f6f6f6", "#777777"),
}
# What each profile is for (the one-line budget of the header box).
PROFILE_PURPOSE = {
    "smoke": "SMOKE RUN: a few iterations to test the page; its numbers are not results",
    "cpu": "the default book: what a 2-core laptop can honestly do",
    "paper": "the paper's settings (GPU runners)",
}
# item parameters that make up a run's budget (shown in the header's one line)
_BUDGET = re.compile(r"iter|epoch|step|seeds|samples|particles|horizon|n_|steps|time")


@dataclass
class _Page:
    cfg: Any
    started: float = field(default_factory=time.time)
    handle: Any = None


_current: _Page | None = None


def colour_style(value: str) -> str:
    bg, fg = COLOURS.get(str(value), ("transparent", "inherit"))
    return f"background-color: {bg}; color: {fg}; font-weight: 600"


def budget_line(cfg) -> str:
    """``profile — purpose: k v · k v`` (the budget-like parameters of the item, at most six)."""
    keys = [k for k in cfg.params if _BUDGET.search(k)][:6]
    budget = " · ".join(f"{k} {cfg.params[k]}" for k in keys)
    return f"{cfg.profile} — {PROFILE_PURPOSE.get(cfg.profile, '')}" + (f"; {budget}" if budget else "")


def header_html(cfg, status: str = "running", wall_s: float | None = None, claims: list[dict] | None = None,
                devices: list[str] | None = None) -> str:
    from paperlib.core.catalogue import item

    it = item(cfg.item)
    bg, fg = COLOURS.get(status, COLOURS["running"])
    facts = [f"<b>profile</b> {html.escape(budget_line(cfg))}", f"<b>seed</b> {cfg.seed}",
             f"<b>device</b> {html.escape(', '.join(devices) if devices else cfg.device)}"]
    if wall_s is not None:
        facts.append(f"<b>wall time</b> {wall_s:.1f} s")
    if claims is not None:
        facts.append(f"<b>claims</b> {html.escape(claim_counts(claims))}")
    rows = "".join(f"<tr><td style='padding:0 .8em 0 0'><code>{html.escape(str(k))}</code></td>"
                   f"<td><code>{html.escape(str(v))}</code></td></tr>" for k, v in sorted(cfg.params.items()))
    banners = []
    if cfg.profile == "smoke":
        banners.append("Smoke run: the numbers on this page test the code, they are not results.")
    if it.stand_in:
        banners.append(f"Stand-in data: {it.stand_in}")
    banner = "".join(f"<div style='margin-top:.4em;padding:.25em .5em;background:#fff4d6;color:#6b4e00;"
                     f"border-radius:3px'>{html.escape(b)}</div>" for b in banners)
    return (f"<div class='paperlib-header' style='border:1px solid {fg};border-left:6px solid {fg};"
            f"border-radius:4px;padding:.5em .8em;margin:.3em 0 1em 0;font-size:.92em;line-height:1.5'>"
            f"<div><span style='background:{bg};color:{fg};font-weight:700;padding:.1em .5em;border-radius:3px'>"
            f"{html.escape(status)}</span> <b>{html.escape(it.id)}</b> · {html.escape(it.ref)} · "
            f"{html.escape(it.title)}</div>"
            f"<div>{' · '.join(facts)}</div>{banner}"
            f"<details><summary>parameters of this run ({len(cfg.params)})</summary>"
            f"<table style='font-size:.9em'>{rows}</table></details></div>")


def claim_counts(claims: list[dict]) -> str:
    """``2 held (CE-1, CE-2) · 1 inconclusive (CE-3)``: the page's claims by verdict, naming each."""
    from paperlib.core.claims import VERDICTS

    by: dict[str, list[str]] = {}
    for c in claims:
        by.setdefault(c["verdict"], []).append(c["id"])
    return " · ".join(f"{len(by[v])} {v} ({', '.join(by[v])})" for v in VERDICTS if v in by) or "none"


def header_text(cfg, status: str = "running", wall_s: float | None = None, claims: list[dict] | None = None) -> str:
    held = sum(c["verdict"] == "held" for c in claims or [])
    return (f"{cfg.item} [{status}] profile={cfg.profile} seed={cfg.seed} device={cfg.device}"
            + (f" claims held={held}/{len(claims)}" if claims is not None else ""))


def _display(data: dict, update: Any = None):
    try:
        from IPython import get_ipython
        from IPython.display import display
    except ImportError:   # pragma: no cover - IPython comes with the notebook stack
        return None
    if get_ipython() is None:   # a plain script: print the text line
        print(data["text/plain"])
        return None
    if update is not None:
        update.update(data, raw=True)
        return update
    return display(data, raw=True, display_id=True)


def open_page(cfg) -> None:
    """Show the header box (status "running") and remember the page for :func:`close_page`."""
    global _current
    _current = _Page(cfg)
    _current.handle = _display({"text/html": header_html(cfg), "text/plain": header_text(cfg)})


def close_page(cfg, status: str, claims: list[dict], devices: list[str]) -> float | None:
    """Replace the header box by the final one; returns the page's wall time (None without ``open_page``)."""
    if _current is None or _current.cfg.item != cfg.item:
        return None
    wall = time.time() - _current.started
    _display({"text/html": header_html(cfg, status, wall, claims, devices),
              "text/plain": header_text(cfg, status, wall, claims)}, update=_current.handle)
    return wall


def current_item() -> str:
    """The item of the page being executed ("" outside a page)."""
    return "" if _current is None else _current.cfg.item


def page_wall_time() -> float | None:
    return None if _current is None else time.time() - _current.started


# ---------------------------------------------------------------------------------------------- tables
_TABLE_CSS = [
    {"selector": "", "props": "border-collapse: collapse; font-size: 0.88em; margin: 0.3em 0 1em 0"},
    {"selector": "th, td", "props": "padding: 0.2em 0.6em; border-bottom: 1px solid #ddd; text-align: right"},
    {"selector": "th", "props": "background: #f4f6f8"},
    {"selector": "caption", "props": "caption-side: top; text-align: left; font-weight: 600; padding: 0.2em 0"},
]


class Table:
    """A DataFrame rendered for the page: Styler HTML (the book) + ``to_string`` text (text/plain, nbval)."""

    def __init__(self, frame, caption: str = "", precision: int = 4, colour_columns: tuple[str, ...] = (),
                 text_columns: tuple[str, ...] = (), name: str = ""):
        self.frame, self.caption, self.precision = frame, caption, precision
        self.colour_columns, self.text_columns = colour_columns, text_columns
        self.name = name or re.sub(r"\W+", "-", caption.lower()).strip("-")[:40] or "table"

    def _fmt(self, x) -> str:
        if isinstance(x, bool):
            return "yes" if x else "no"
        if isinstance(x, float):
            if math.isnan(x):
                return "–"
            return f"{x:,.0f}" if abs(x) >= 1e4 else f"{x:.{self.precision}g}"
        return str(x)

    def _repr_html_(self) -> str:
        df = self.frame
        sty = df.style.format(self._fmt).set_uuid(self.name).set_table_styles(_TABLE_CSS)
        if self.caption:
            sty = sty.set_caption(html.escape(self.caption))
        cols = [c for c in self.colour_columns if c in df.columns]
        if cols:
            sty = sty.map(colour_style, subset=cols)
        text = [c for c in self.text_columns if c in df.columns]
        if text:   # sentences: left-aligned and wrapped, never cut
            sty = sty.set_properties(subset=text, **{"text-align": "left", "white-space": "normal",
                                                      "max-width": "34em"})
        return f"<div style='overflow-x:auto'>{sty.to_html()}</div>"

    def __repr__(self) -> str:
        import pandas as pd

        with pd.option_context("display.width", 250, "display.max_columns", 50, "display.max_colwidth", None):
            return (self.caption + "\n" if self.caption else "") + self.frame.to_string()


def show(frame, caption: str = "", precision: int = 4, **kw) -> None:
    """Display a DataFrame as a rendered table (see :class:`Table`)."""
    t = Table(frame, caption, precision, **kw)
    _display({"text/html": t._repr_html_(), "text/plain": repr(t)})
