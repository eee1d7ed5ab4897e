"""Every page executed with profile=smoke; nbval on the executed pages; a -W smoke book."""
import json
import os
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
            assert rec["status"] in ("reproduced", "mismatch")


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
    build(book=book, config=ROOT / "_config.yml")
    html = book / "_build" / "html"
    assert (html / "index.html").exists() and (html / "scorecard.html").exists()
    for it in IMPLEMENTED:
        page = (html / it.chapter / f"{it.stem}.html").read_text()
        assert "colab.research.google.com/github/" in page and f"notebooks/{it.chapter}/{it.stem}.ipynb" in page
