"""Every page executed with profile=smoke; nbval on the executed pages; a -W smoke book."""
import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from paperlib.build.book import build, write_scorecard, write_toc
from paperlib.core.catalogue import catalogue, chapters

ROOT = Path(__file__).resolve().parents[2]
IMPLEMENTED = [i for i in catalogue() if i.implemented]
pytestmark = pytest.mark.slow   # executes every page; `make test-fast` skips it


def test_every_page_executes_with_smoke_profile(smoke_run, smoke_dirs):
    failed = [f"{r.item}: {r.error}" for r in smoke_run if not r.ok]
    assert not failed, "\n".join(failed)
    for it in IMPLEMENTED:
        assert (smoke_dirs["book"] / it.chapter / f"{it.stem}.ipynb").exists()
        rec = json.loads((smoke_dirs["results"] / f"{it.stem}.json").read_text())
        assert rec["config"]["profile"] == "smoke" and rec["config"]["seed"] == 0
        assert rec["run"]["notebook_sha"]
        if it.tier != "diagram":
            assert rec["claims"], f"{it.id} checks no claim"
            assert rec["status"] in ("reproduced", "partly reproduced", "mismatch", "inconclusive",
                                     "not testable here", "not checked")


def test_nbval_reproduces_the_checked_outputs(smoke_run, smoke_dirs, tmp_path):
    pages = [str(smoke_dirs["book"] / it.chapter / f"{it.stem}.ipynb") for it in IMPLEMENTED]
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    env = {**os.environ, "PAPERLIB_RESULTS": str(tmp_path / "results"), "PAPERLIB_CACHE": str(smoke_dirs["cache"])}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "--nbval-lax", "--nbval-current-env",
                           "-p", "no:cacheprovider", "-c", str(tmp_path / "pytest.ini"),
                           "--rootdir", str(tmp_path), *pages], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout[-5000:] + proc.stderr[-2000:]
    assert " passed" in proc.stdout


def test_smoke_book_builds_with_warnings_as_errors(smoke_run, smoke_dirs):
    book = smoke_dirs["book"]
    shutil.copy(ROOT / "book" / "intro.md", book / "intro.md")
    for ch in chapters():
        (book / ch).mkdir(exist_ok=True)
        shutil.copy(ROOT / "book" / ch / "index.md", book / ch / "index.md")
    write_toc(book)
    write_scorecard(book, smoke_dirs["results"])
    scorecard = (book / "scorecard.md").read_text()
    for it in catalogue():
        assert f"{it.id}" in scorecard
    build(book=book, config=ROOT / "_config.yml", results=smoke_dirs["results"])
    html = book / "_build" / "html"
    assert (html / "index.html").exists() and (html / "scorecard.html").exists()
    index = (html / "index.html").read_text()  # the root redirect asks for no /favicon.ico (a timing-dependent 404)
    assert '<link rel="icon" href="data:,">' in index and 'url=intro.html"' in index, index
    report = (book / "report.md").read_text()
    assert all(f"`{it.id} <" in report for it in IMPLEMENTED) and "**book**" in report
    for name in ("intro.html", "scorecard.html", f"{IMPLEMENTED[0].chapter}/{IMPLEMENTED[0].stem}.html"):
        assert "Smoke build:" in (html / name).read_text(), f"{name}: no smoke banner"
    for it in IMPLEMENTED:
        page = (html / it.chapter / f"{it.stem}.html").read_text()
        assert "colab.research.google.com/github/" in page and f"notebooks/{it.chapter}/{it.stem}.ipynb" in page


MACHINE_PATH = re.compile(r"(/work/|/home/|/tmp/|/root/|/usr/|site-packages|\.venv)")
NOISE = re.compile(r"(Warning|Traceback|Error:|DEPRECAT)")


def _outputs(nb: dict):
    """(cell index, cell tags, output, its text) for every output of a notebook."""
    for i, cell in enumerate(nb["cells"]):
        for out in cell.get("outputs", []):
            data = out.get("data", {})
            text = out.get("text") or data.get("text/plain", "") or ""
            text = "".join(text) if isinstance(text, list) else text
            html = data.get("text/html", "")
            yield i, cell["metadata"].get("tags", []), out, text + ("".join(html) if isinstance(html, list) else html)


def test_executed_pages_have_clean_outputs(smoke_run, smoke_dirs):
    """No warning, traceback, stderr stream, machine path or cut ("...") table cell in any executed page."""
    problems = []
    for it in IMPLEMENTED:
        nb = json.loads((smoke_dirs["book"] / it.chapter / f"{it.stem}.ipynb").read_text())
        for i, _tags, out, text in _outputs(nb):
            if out.get("name") == "stderr":
                problems.append(f"{it.id} cell {i}: stderr output {text[:120]!r}")
            for pattern, what in ((NOISE, "noise"), (MACHINE_PATH, "a machine path")):
                m = pattern.search(text)
                if m:
                    problems.append(f"{it.id} cell {i}: {what} {text[max(0, m.start() - 60):m.end() + 60]!r}")
            if re.search(r"\.\.\.</td>|…</td>", text):
                problems.append(f"{it.id} cell {i}: a table cell is cut")
    assert not problems, "\n".join(problems)


def test_every_page_opens_with_its_final_header_box_and_hides_its_setup(smoke_run, smoke_dirs):
    for it in IMPLEMENTED:
        nb = json.loads((smoke_dirs["book"] / it.chapter / f"{it.stem}.ipynb").read_text())
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        tags = [c["metadata"].get("tags", []) for c in code]
        assert "remove-cell" in tags[0], f"{it.id}: the install cell is shown"
        for c, t in zip(code, tags):
            if "parameters" in t or "injected-parameters" in t:
                assert "remove-cell" in t, f"{it.id}: a parameters cell is shown"
        shown = [c for c, t in zip(code, tags) if "remove-cell" not in t and c.get("outputs")]
        first = shown[0]
        assert "remove-input" in first["metadata"]["tags"], f"{it.id}: the setup code is shown"
        box = "".join(first["outputs"][0]["data"]["text/html"])
        assert "paperlib-header" in box and ">running<" not in box, f"{it.id}: no final header box"
        rec = json.loads((smoke_dirs["results"] / f"{it.stem}.json").read_text())
        assert f">{rec['status']}<" in box and "Smoke run" in box and "wall time" in box
        assert (f"Stand-in data: {html.escape(it.stand_in)}" in box) == bool(it.stand_in)


def test_every_saved_figure_is_readable_at_the_book_width(smoke_run, smoke_dirs):
    """Size, aspect and font sizes of every SVG a smoke page saved, at the size the book renders it."""
    from paperlib.plotting import legibility, legibility_problems

    svgs = sorted(smoke_dirs["results"].glob("*.svg"))
    assert len(svgs) >= len([i for i in IMPLEMENTED if i.tier != "table"]) // 2
    problems = [f"{p.name}: {msg}" for p in svgs for msg in legibility_problems(legibility(p.read_text()))]
    assert not problems, "\n".join(problems)


def test_every_page_of_the_smoke_book_works_in_chromium(smoke_run, smoke_dirs):
    """Headless Chromium over HTTP on 127.0.0.1: no console error, every image loads, internal and launch links
    resolve, formulas render (offline MathJax), nothing scrolls sideways; item pages show their header box."""
    from paperlib.build.browser import check_book
    from paperlib.plotting import BOOK_WIDTH_PX

    html = smoke_dirs["book"] / "_build" / "html"
    if not (html / "scorecard.html").exists():
        test_smoke_book_builds_with_warnings_as_errors(smoke_run, smoke_dirs)
    problems, facts = check_book(html, ROOT)
    assert not problems, "\n".join(problems)
    assert facts["pages"] >= len(IMPLEMENTED) + len(chapters()) + 3 and facts["formulas"] > 0
    assert min(facts["article_width"]) >= BOOK_WIDTH_PX, facts["article_width"]   # the legibility rule's column
    for it in IMPLEMENTED:
        assert facts["headers"][f"{it.chapter}/{it.stem}.html"], f"{it.id}: no header box in the page"
