"""The executor: a failing notebook fails the run and never reaches book/."""
import json
import os
from pathlib import Path

import nbformat
import pytest

from paperlib.build.execute import (
    ExecutionFailed,
    clean_stale_stages,
    execute_notebook,
    notebook_errors,
    run_pages,
)
from paperlib.core.catalogue import item

ROOT = Path(__file__).resolve().parents[2]


def _notebook(path: Path, code: str) -> Path:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("x = 1")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)
    return path


def test_raising_notebook_fails_and_leaves_book_untouched(tmp_path):
    src = _notebook(tmp_path / "bad.ipynb", "raise RuntimeError('boom')")
    dest, results = tmp_path / "book" / "ch" / "bad.ipynb", tmp_path / "results"
    with pytest.raises(ExecutionFailed, match="RuntimeError: boom"):
        execute_notebook(src, dest, {"x": 2}, results, tmp_path / "stage", tmp_path)
    assert not dest.exists() and not results.exists()
    assert list((tmp_path / "stage").iterdir()) == []


def test_clean_notebook_is_moved_with_its_results(tmp_path):
    code = ("import json, os, pathlib\n"
            "d = pathlib.Path(os.environ['PAPERLIB_RESULTS']); d.mkdir(parents=True, exist_ok=True)\n"
            "(d / 'r.json').write_text(json.dumps({'x': x}))")
    src = _notebook(tmp_path / "good.ipynb", code)
    dest, results = tmp_path / "book" / "ch" / "good.ipynb", tmp_path / "results"
    execute_notebook(src, dest, {"x": 5}, results, tmp_path / "stage", tmp_path)
    assert dest.exists() and notebook_errors(dest) == []
    rec = json.loads((results / "r.json").read_text())
    assert rec["x"] == 5 and rec["run"]["parameters"] == {"x": 5}


def test_misspelt_papermill_parameter_fails_the_page(tmp_path):
    """papermill itself only warns about `-p profle smoke`; the page's setup call refuses it."""
    nb = item("sb-tab01").notebook
    dest = tmp_path / "book" / "x.ipynb"
    with pytest.raises(ExecutionFailed, match="unknown notebook parameter.*profle"):
        execute_notebook(nb, dest, {"profle": "smoke"}, tmp_path / "r", tmp_path / "stage", ROOT)
    assert not dest.exists()


def _spec(tmp_path, name, code):
    src = _notebook(tmp_path / f"{name}.ipynb", code)
    return {"item": name, "src": str(src), "dest": str(tmp_path / "book" / f"{name}.ipynb"), "parameters": {"x": 1},
            "results": str(tmp_path / "results"), "stage_root": str(tmp_path / "stage"), "cwd": str(tmp_path),
            "cell_timeout": None, "threads": 1}


def test_dead_kernel_and_hung_page_fail_alone_and_the_batch_goes_on(tmp_path):
    """The landed executor aborted the whole batch on a dead kernel and waited forever on a hung page."""
    pages = [_spec(tmp_path, "dies", "import os\nos._exit(1)"),
             _spec(tmp_path, "hangs", "import time\ntime.sleep(600)"),
             _spec(tmp_path, "fine", "y = x + 1")]
    lines = []
    reports = run_pages(pages, jobs=2, limit=40, stage_root=tmp_path / "stage", log=lines.append)
    by = {r.item: r for r in reports}
    assert [r.item for r in reports] == ["dies", "hangs", "fine"]
    assert not by["dies"].ok and "kernel died" in by["dies"].error
    assert not by["hangs"].ok and "time limit of 40 s" in by["hangs"].error
    assert by["fine"].ok and (tmp_path / "book" / "fine.ipynb").exists()
    assert not (tmp_path / "book" / "dies.ipynb").exists() and not (tmp_path / "book" / "hangs.ipynb").exists()
    assert any(line.startswith("FAIL dies") for line in lines) and any(line.startswith("ok   fine") for line in lines)
    assert [p.name for p in (tmp_path / "stage").iterdir()] == []     # nothing left behind


def test_stale_staging_folders_of_dead_runs_are_removed(tmp_path):
    import subprocess
    import sys
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    stale = tmp_path / f"page.{int(dead.stdout)}.abc"
    live = tmp_path / f"page.{os.getpid()}.def"
    stale.mkdir(), live.mkdir()
    assert clean_stale_stages(tmp_path) == [stale]
    assert live.exists() and not stale.exists()


def test_interrupt_stops_the_batch_and_kills_its_pages(tmp_path):
    import signal
    import threading
    pages = [_spec(tmp_path, "slow1", "import time\ntime.sleep(600)"),
             _spec(tmp_path, "slow2", "import time\ntime.sleep(600)")]
    started = []

    def log(msg):
        started.append(msg)
        if msg.startswith("start") and sum(m.startswith("start") for m in started) == 2:
            threading.Timer(3, lambda: os.kill(os.getpid(), signal.SIGINT)).start()
    # a shell's background job inherits SIGINT as ignored: restore Python's handler for this test
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(KeyboardInterrupt):
            run_pages(pages, jobs=2, limit=60, stage_root=tmp_path / "stage", log=log)
    finally:
        signal.signal(signal.SIGINT, previous)
    assert any("interrupted" in m for m in started)
    assert [p.name for p in (tmp_path / "stage").iterdir()] == []


def test_termination_signal_kills_the_pages_kernels_too(tmp_path):
    """SIGTERM to a running batch (a cancelled CI job) ends it like Ctrl-C: no page process is left running."""
    import signal
    import subprocess
    import sys
    import textwrap
    import time
    pids = tmp_path / "pids"
    pages = [_spec(tmp_path, f"slow{i}", f"import os, time\nopen({str(pids)!r} + '{i}', 'w').write(str(os.getpid()))"
                   "\ntime.sleep(600)") for i in range(2)]
    script = textwrap.dedent(f"""
        import json, sys
        from pathlib import Path
        from paperlib.build.execute import run_pages
        try:
            run_pages(json.loads(sys.argv[1]), jobs=2, limit=600, stage_root=Path(sys.argv[2]))
        except KeyboardInterrupt as exc:
            print("stopped:", exc, flush=True)
            sys.exit(3)
    """)
    proc = subprocess.Popen([sys.executable, "-c", script, json.dumps(pages), str(tmp_path / "stage")],
                            stdout=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while not all((tmp_path / f"pids{i}").exists() for i in range(2)) and time.time() < deadline:
        time.sleep(0.5)
    kernels = [int((tmp_path / f"pids{i}").read_text()) for i in range(2)]   # the kernels' own pids
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=60)
    assert proc.returncode == 3 and "stopped by SIGTERM" in out
    time.sleep(1)
    for pid in kernels:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
    assert [p.name for p in (tmp_path / "stage").iterdir()] == []


def test_page_run_outside_the_executor_is_marked_on_the_scorecard(tmp_path, monkeypatch):
    """A record written by plain papermill must never read as reproduced."""
    from paperlib.build.book import scorecard_text
    from paperlib.core.catalogue import item as lookup
    it = lookup("sb-tab01")
    results, book = tmp_path / "results", tmp_path / "book"
    (book / it.chapter).mkdir(parents=True)
    (book / it.chapter / f"{it.stem}.ipynb").write_text("{}")
    results.mkdir()
    rec = {"item": it.id, "status": "reproduced", "config": {"profile": "cpu", "seed": 0, "device": "cpu"},
           "code_version": "x", "claims": [{"id": "c", "text": "t", "verdict": "held", "evidence": "e"}],
           "comparison": [], "executed_by": "outside paperlib run"}
    (results / f"{it.stem}.json").write_text(json.dumps(rec))
    text = scorecard_text(book, results)
    tile = next(line for line in text.splitlines() if f"<b>{it.id}</b>" in line)
    assert "reproduced" not in tile and "unverified" in tile


def test_record_says_who_executed_the_page(tmp_path, monkeypatch):
    from paperlib import record, resolve
    monkeypatch.setenv("PAPERLIB_RESULTS", str(tmp_path))
    monkeypatch.delenv("PAPERLIB_EXECUTOR", raising=False)
    rec = json.loads(record(resolve("sb-tab01", "smoke")).read_text())
    assert rec["executed_by"] == "outside paperlib run"
    monkeypatch.setenv("PAPERLIB_EXECUTOR", "paperlib run")
    assert json.loads(record(resolve("sb-tab01", "smoke")).read_text())["executed_by"] == "paperlib run"


def test_progress_bars_are_kept_at_their_final_state_and_parameters_hidden(tmp_path):
    from paperlib.build.execute import tidy_notebook
    nb = {"cells": [{"cell_type": "code", "metadata": {"tags": ["injected-parameters"]}, "outputs": []},
                    {"cell_type": "code", "metadata": {}, "outputs": [
                        {"output_type": "stream", "name": "stdout",
                         "text": ["run:   0%|     | 0/10\r", "run:  50%|##   | 5/10\r", "run: 100%|#####| 10/10\n",
                                  "done\n"]}]}]}
    path = tmp_path / "nb.ipynb"
    path.write_text(json.dumps(nb))
    tidy_notebook(path)
    out = json.loads(path.read_text())
    assert "remove-cell" in out["cells"][0]["metadata"]["tags"]
    assert out["cells"][1]["outputs"][0]["text"] == "run: 100%|#####| 10/10\ndone\n"


def test_progress_line_and_eta():
    from paperlib.build.execute import _eta, _Page, progress_line
    assert progress_line(5, 10, 65, 130, width=10) == "[#####.....] 5/10  elapsed 1:05  ETA 2:10"
    assert progress_line(0, 3, 0, None).endswith("ETA ?")
    pending = [_Page("a", tmp := None, expected=60.0), _Page("b", tmp, expected=None)]
    assert _eta(pending, [], [30.0], jobs=2) == (60.0 + 30.0) / 2   # unknown: the batch's mean so far
    assert _eta([_Page("c", None)], [], [], jobs=1) is None
