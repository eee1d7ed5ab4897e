"""The book's generated parts: ``book/_toc.yml`` (from the catalogue), ``book/scorecard.md`` and
``book/report.md`` (from the catalogue and the results records), and the jupyter-book build."""
from __future__ import annotations

import html
import json
import re
import subprocess
import sys
from pathlib import Path

import yaml

from paperlib.build.execute import EXECUTOR, executed_path, record_path
from paperlib.core import paths
from paperlib.core.catalogue import catalogue, chapters
from paperlib.core.claims import NOT_YET_STABLE, STABLE
from paperlib.core.files import write_text
from paperlib.core.page import COLOURS
from paperlib.core.record import NOT_IMPLEMENTED, NOT_RUN, UNVERIFIED, tally, tally_text

BUILD_FLAGS = ("-W", "-n", "--keep-going")


def toc() -> dict:
    """Intro, one part per paper (front page + implemented items), then the scorecard."""
    chapter_entries = []
    for key in chapters():
        entry = {"file": f"{key}/index"}
        sections = [{"file": it.docname} for it in catalogue() if it.chapter == key and it.implemented]
        if sections:
            entry["sections"] = sections
        chapter_entries.append(entry)
    return {"format": "jb-book", "root": "intro",
            "parts": [{"caption": "Papers", "chapters": chapter_entries},
                      {"caption": "Results", "chapters": [{"file": "scorecard"}, {"file": "report"}]}]}


def toc_text() -> str:
    return ("# Generated from src/paperlib/core/catalogue.yaml by `paperlib toc`; do not edit by hand.\n"
            + yaml.safe_dump(toc(), sort_keys=False))


def write_toc(book: Path | None = None) -> Path:
    return write_text((book or paths.book_dir()) / "_toc.yml", toc_text())


def _load_record(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def _md(text) -> str:
    return str(text).replace("|", r"\|").replace("\n", " ")


def _fmt(x) -> str:
    if isinstance(x, float):
        return f"{x:.4g}"
    return _md(x)


def _status(it, rec: dict | None, book: Path) -> str:
    if not it.implemented:
        return NOT_IMPLEMENTED
    if not rec or not executed_path(it, book).exists():
        return NOT_RUN
    if rec.get("executed_by") != EXECUTOR:
        return UNVERIFIED   # plain papermill or Jupyter wrote this record: nothing gated its notebook
    return rec["status"]


def _entries(book: Path, results: Path) -> list[tuple]:
    """(item, record or None, status) for every catalogue item."""
    out = []
    for it in catalogue():
        rec = _load_record(record_path(it, results)) if it.implemented else None
        out.append((it, rec, _status(it, rec, book)))
    return out


def build_banner(book: Path | None = None, results: Path | None = None) -> str:
    """The line every page of a smoke or partial build shows on top ("" for a complete non-smoke build)."""
    book, results = book or paths.book_dir(), results or paths.results_dir()
    entries = [(it, rec, st) for it, rec, st in _entries(book, results) if it.implemented]
    ran = [(it, rec) for it, rec, st in entries if st != NOT_RUN]
    smoke = [it for it, rec in ran if rec["config"]["profile"] == "smoke"]
    parts = []
    if smoke:
        parts.append(f"Smoke build: {len(smoke)} of {len(entries)} pages ran with profile smoke, whose numbers "
                     "test the code and are not results.")
    if len(ran) < len(entries):
        parts.append(f"Partial build: {len(entries) - len(ran)} of {len(entries)} pages have not been executed.")
    return " ".join(parts)


def _tile(it, rec, status: str) -> str:
    """One item of the scorecard grid: id, paper reference, status colour, claims held / checked."""
    bg, fg = COLOURS.get(status.split(" (")[0], COLOURS["not yet implemented"])
    claims = rec["claims"] if rec and status not in (NOT_RUN, NOT_IMPLEMENTED) else []
    line = " · ".join(f"{n} {v}" for v, n in _by_verdict(claims).items())
    unstable = sum(c.get("stability") == NOT_YET_STABLE for c in claims)
    if unstable:
        line += f" · {unstable} not yet stable"
    body = (f"<b>{html.escape(it.id)}</b><br><span style='font-size:.85em'>{html.escape(it.ref)}</span><br>"
            f"<span style='font-size:.85em'>{html.escape(status)}{' · ' + line if claims else ''}</span>")
    style = (f"display:inline-block;vertical-align:top;width:10.5em;min-height:4.6em;margin:.15em;padding:.3em .4em;"
             f"border-radius:4px;background:{bg};color:{fg};border:1px solid {fg}33;line-height:1.25")
    if status in (NOT_RUN, NOT_IMPLEMENTED):
        return f"<div style='{style}' title='{html.escape(it.title)}'>{body}</div>"
    return (f"<a href='{it.docname}.html' style='text-decoration:none'><div style='{style}' "
            f"title='{html.escape(it.title)}'>{body}</div></a>")


def _by_verdict(claims: list[dict]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in claims:
        out[c["verdict"]] = out.get(c["verdict"], 0) + 1
    return out


def chapter_counts(key: str, book: Path | None = None, results: Path | None = None) -> dict[str, dict[str, int]]:
    """One paper's claims counted as the scorecard counts them (:func:`paperlib.core.record.tally`)."""
    book, results = book or paths.book_dir(), results or paths.results_dir()
    return tally(rec for it, rec, st in _entries(book, results)
                 if it.chapter == key and rec and st not in (NOT_RUN, NOT_IMPLEMENTED, UNVERIFIED))


def counts_text(key: str, book: Path | None = None, results: Path | None = None) -> str:
    """The counts paragraph of a chapter (the scorecard and the chapter's front page show the same one)."""
    c = chapter_counts(key, book, results)
    return (f"**The paper's claims** (each counted once, on the page that owns it): {tally_text(c['paper'])}.  \n"
            f"The companion's inferences of what the paper implies: {tally_text(c['inference'])}.  \n"
            f"The companion's own checks (sanity, seeded headers; never counted as the paper's): "
            f"{tally_text(c['companion'])}.")


def _along(c: dict) -> str:
    """A claim's stability over its run (records before issue 17 have none): 'stable from 750' / 'not yet stable'."""
    if not c.get("stability"):
        return "–"
    return (f"stable from {c['stable_from']:,}" if c["stability"] == STABLE
            else f"not yet stable (last change at {c['stable_from']:,})")


def scorecard_text(book: Path | None = None, results: Path | None = None) -> str:
    """Markdown of the scorecard: per paper a grid of its items coloured by status (claims held / checked),
    then, collapsed, each executed item's claims and reported-vs-ours rows."""
    book, results = book or paths.book_dir(), results or paths.results_dir()
    entries = _entries(book, results)
    counts: dict[str, int] = {}
    for _, _, st in entries:
        counts[st] = counts.get(st, 0) + 1
    out = ["# Scorecard", "",
           "Generated by `paperlib scorecard` from `src/paperlib/core/catalogue.yaml` and the results records "
           "`results/<id>.json` written by the executed pages. An item's status comes from the paper's claims "
           "it owns: *reproduced*: every one held; *mismatch*: at least one is contradicted by a test "
           "(its margin beyond its noise, on models that trained, with no stand-in removing its premise); "
           "*partly reproduced*: some held, the others inconclusive or not testable here; *inconclusive*: the "
           "margins are inside their noise, or the verdict still changes late in the run (budget); *not testable "
           "here*: a model below its sanity bar, a stand-in that removes the premise, or a proxy measure; "
           "*not checked*: no numbers to judge; *drawn*: a diagram; "
           "*not run*: the page exists but has not been executed; *unverified*: the record was written by a run "
           "outside `paperlib run` (plain papermill or Jupyter), so no gate checked its notebook; "
           "*not yet implemented*: no page yet. A claim about a trained model is also judged at every logged "
           "evaluation of its run: *stable* when its verdict no longer changes over the last third of the run, "
           "*not yet stable* otherwise (its verdict may change with a longer budget). "
           "The [execution report](report.md) has each page's run.", "",
           f"**{len(entries)} items**: " + ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) + ".", ""]
    banner = build_banner(book, results)
    if banner:
        out += [":::{warning}", banner, ":::", ""]
    for key, ch in chapters().items():
        mine = [e for e in entries if e[0].chapter == key]
        out += [f"## {ch['title']}", "", counts_text(key, book, results), "", "<div class='paperlib-grid'>",
                *[_tile(*e) for e in mine], "</div>", ""]
    out += ["## Details", ""]
    details = 0
    for it, rec, status in entries:
        if not rec or status in (NOT_RUN, NOT_IMPLEMENTED):
            continue
        details += 1
        d = [f":::{{admonition}} {it.id}: {_md(it.title)} ({status})", ":class: dropdown", "",
             f"Profile `{rec['config']['profile']}`, seed {rec['config']['seed']}, device "
             f"`{rec['config']['device']}`, paperlib {rec['code_version']}. "
             f"[Open the page]({it.docname}.ipynb).", ""]
        if rec["claims"]:
            d += ["| claim | verdict | why | along the run | evidence |", "|---|---|---|---|---|"]
            d += [f"| {c['id']}{'' if c.get('origin', 'paper') == 'paper' else ' [' + c['origin'] + ']'}: "
                  f"{_md(c['text'])} | {c['verdict']} | {_md(c.get('reason', ''))} | {_along(c)} | "
                  f"{_md(c['evidence'])} |" for c in rec["claims"]]
            d.append("")
        if rec.get("comparison"):
            cols = [k for k in ("quantity", "reported", "ours", "difference", "within tolerance", "better",
                                "source") if k in rec["comparison"][0]]     # records store keys sorted
            d += ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
            d += ["| " + " | ".join(_fmt(r.get(c, "")) for c in cols) + " |" for r in rec["comparison"]]
            d.append("")
        out += d + [":::", ""]
    if not details:
        out.append("No item has been run yet.")
    return "\n".join(out) + "\n"


def write_scorecard(book: Path | None = None, results: Path | None = None) -> Path:
    """``book/scorecard.md`` and each chapter's counts, ``book/_counts/<chapter>.md`` (its front page includes
    them, so the scorecard and the chapter say the same numbers)."""
    book = book or paths.book_dir()
    for key in chapters():
        write_text(book / "_counts" / f"{key}.md", counts_text(key, book, results) + "\n")
    return write_text(book / "scorecard.md", scorecard_text(book, results))


def _cache_use(ex: dict) -> str:
    hits, computed = ex.get("cache_hits", 0), ex.get("cache_computed", 0)
    if not hits and not computed:
        return "no cached runs"
    if not computed:
        return f"all from cache ({hits})"
    return f"{computed} computed, {hits} from cache"


def report_text(book: Path | None = None, results: Path | None = None) -> str:
    """Markdown of the execution report (as QuantEcon publishes one): per page when and how it ran, its wall
    time, cache use, peak memory and library version; chapter and book totals."""
    book, results = book or paths.book_dir(), results or paths.results_dir()
    rows, totals = [], {}
    for it, rec, status in _entries(book, results):
        if not rec or status in (NOT_RUN, NOT_IMPLEMENTED):
            continue
        ex = rec.get("execution", {})
        secs = rec.get("run", {}).get("seconds")
        totals.setdefault(it.chapter, [0.0, 0])
        totals[it.chapter][0] += secs or 0.0
        totals[it.chapter][1] += 1
        mem = ex.get("peak_memory_mb", {})
        rows.append(f"| {{doc}}`{it.id} <{it.docname}>` | {status} | {rec['config']['profile']} | "
                    f"{rec['config']['seed']} | {', '.join(rec.get('devices_used') or []) or 'none (cache)'} | "
                    f"{rec.get('written_at', '–')} | {'–' if secs is None else f'{secs:.1f}'} | {_cache_use(ex)} | "
                    f"{mem.get('rss', '–')}{' / ' + str(mem['cuda']) + ' (CUDA)' if 'cuda' in mem else ''} | "
                    f"{rec['versions'].get('paperlib', '?')} ({rec['code_version'][:10]}) |")
    out = ["# Execution report", "",
           "Generated by `paperlib report` from the results records: how each page of this build was executed. "
           "*wall time*: the page's execution by `paperlib run` (kernel start to the last cell); *cache*: "
           "whether its training runs were computed in this execution or loaded from the cache; *peak memory*: "
           "the kernel's peak resident memory in MiB.", ""]
    banner = build_banner(book, results)
    if banner:
        out += [":::{warning}", banner, ":::", ""]
    if not rows:
        return "\n".join(out + ["No page has been executed yet."]) + "\n"
    out += ["| chapter | pages | wall time (s) |", "|---|---|---|"]
    out += [f"| {chapters()[ch]['title']} | {n} | {t:.1f} |" for ch, (t, n) in totals.items()]
    out += [f"| **book** | **{sum(n for _, n in totals.values())}** | "
            f"**{sum(t for t, _ in totals.values()):.1f}** |", "",
            "| page | status | profile | seed | device used | executed (UTC) | wall time (s) | cache | "
            "peak memory (MiB) | paperlib (code) |", "|---|---|---|---|---|---|---|---|---|---|", *rows]
    return "\n".join(out) + "\n"


def write_report(book: Path | None = None, results: Path | None = None) -> Path:
    book = book or paths.book_dir()
    return write_text(book / "report.md", report_text(book, results))


def build(book: Path | None = None, config: Path | None = None, results: Path | None = None) -> None:
    """Write the scorecard and the execution report, then ``jupyter-book build`` (1.x) with warnings as errors;
    raises on failure. A smoke or partial build gets a banner on every page (the theme's announcement)."""
    import tempfile

    root = paths.project_root() or Path.cwd()
    book = book or paths.book_dir()
    config = config or root / "_config.yml"
    write_scorecard(book, results)
    write_report(book, results)
    settings = yaml.safe_load(Path(config).read_text())
    banner = build_banner(book, results)
    if banner:
        settings.setdefault("html", {})["announcement"] = html.escape(banner)
    with tempfile.TemporaryDirectory(prefix="paperlib-config.") as tmp:
        derived = Path(tmp) / "_config.yml"
        derived.write_text(yaml.safe_dump(settings, sort_keys=False))
        exe = Path(sys.executable).with_name("jupyter-book")
        cmd = [str(exe) if exe.exists() else "jupyter-book", "build", str(book), "--config", str(derived),
               "--path-output", str(book), *BUILD_FLAGS]
        proc = subprocess.run(cmd, cwd=root, text=True, capture_output=True)
    if proc.returncode != 0:
        raise RuntimeError(f"jupyter-book build failed ({' '.join(cmd)}):\n{proc.stdout[-6000:]}\n{proc.stderr[-4000:]}")
    _write_root_redirect(book / "_build" / "html")


# jupyter-book 1.x writes the root index.html as a bare meta refresh with no <head> icon, so a browser may
# ask the server for /favicon.ico before the redirect fires: a 404 in the console, depending on timing.
# We write the same redirect as a small valid document with the inline icon every other page gets.
_ROOT_REDIRECT = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Redirecting to {target}</title>
<link rel="icon" href="data:,"><meta http-equiv="Refresh" content="0; url={target}"></head>
<body><p>This book starts at <a href="{target}">{target}</a>.</p></body></html>
"""


def _write_root_redirect(html_dir: Path) -> None:
    """Rewrite jupyter-book's root ``index.html`` redirect (if there is one) with an inline icon."""
    index = html_dir / "index.html"
    if not index.is_file():
        return
    found = re.search(r'http-equiv="Refresh" content="0; url=([^"]+)"', index.read_text(), re.I)
    if found:
        write_text(index, _ROOT_REDIRECT.format(target=html.escape(found.group(1))))
