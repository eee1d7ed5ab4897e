"""The executor: a failing notebook fails the run and never reaches book/."""
import json
from pathlib import Path

import nbformat
import pytest

from paperlib.core.catalogue import item
from paperlib.build.execute import ExecutionFailed, execute_notebook, notebook_errors

ROOT = Path(__file__).resolve().parents[1]


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
