"""Execute item notebooks with papermill, gate the result, and move it into the book atomically.

papermill writes a partial notebook when a cell raises and only *warns* about unknown
parameters; jupyter-book (execution off) would render either as a normal page. So every run
goes to a staging folder, is checked for ``metadata.papermill.exception`` and ``error`` outputs,
and only then is moved (``os.replace``) into ``book/<chapter>/`` with its results record.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from paperlib.core import paths
from paperlib.core.cache import code_version
from paperlib.core.catalogue import Item, item as lookup_item
from paperlib.core.files import write_json
from paperlib.core.profiles import check_device, check_profile, resolve


class ExecutionFailed(RuntimeError):
    """A notebook raised, or its executed copy contains an error output."""


@dataclass
class RunReport:
    item: str
    ok: bool
    seconds: float
    notebook: str = ""
    error: str = ""


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def notebook_errors(nb_path: Path) -> list[str]:
    """Error outputs and papermill's exception flag of an executed notebook (empty = clean)."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    errors = []
    if nb.get("metadata", {}).get("papermill", {}).get("exception"):
        errors.append("papermill recorded an exception")
    for i, cell in enumerate(nb.get("cells", [])):
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "error":
                errors.append(f"cell {i}: {out.get('ename')}: {out.get('evalue')}")
    return errors


@contextmanager
def _environ(**values: str):
    old = {k: os.environ.get(k) for k in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for k, v in old.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def execute_notebook(src: Path, dest: Path, parameters: dict[str, Any], results_dest: Path,
                     stage_root: Path, cwd: Path, timeout: int | None = None, threads: int | None = None) -> float:
    """papermill ``src`` -> staging -> gate -> atomic move to ``dest`` (+ results files).

    Raises ``ExecutionFailed`` and leaves ``dest`` and ``results_dest`` untouched on any error.
    Returns the wall time in seconds.
    """
    import papermill as pm

    stage_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f"{src.stem}.", dir=stage_root))
    staged_nb, staged_results = stage / src.name, stage / "results"
    start = time.perf_counter()
    try:
        # The kernel inherits this environment: records go to staging, and `python` on PATH is
        # this interpreter (a stale user-level kernelspec must not pick another Python).
        env = {"PAPERLIB_RESULTS": str(staged_results),
               "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
        if threads:  # parallel pages share the cores instead of each starting one thread per core
            env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        with _environ(**env):
            try:
                pm.execute_notebook(str(src), str(staged_nb), parameters=parameters, kernel_name="python3",
                                    cwd=str(cwd), progress_bar=False, execution_timeout=timeout,
                                    log_output=False)
            except pm.PapermillExecutionError as exc:
                raise ExecutionFailed(f"{src.name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}") from None
        errors = notebook_errors(staged_nb)
        if errors:
            raise ExecutionFailed(f"{src.name}: " + "; ".join(errors))
        seconds = time.perf_counter() - start
        results_dest.mkdir(parents=True, exist_ok=True)
        dest.parent.mkdir(parents=True, exist_ok=True)
        run_info = {"notebook_sha": sha256_file(src), "seconds": round(seconds, 2),
                    "parameters": parameters}
        for f in sorted(staged_results.glob("*")) if staged_results.exists() else []:
            if f.suffix == ".json":  # add provenance of the run to the record, then move it
                rec = json.loads(f.read_text())
                rec["run"] = run_info
                write_json(f, rec)
            os.replace(f, results_dest / f.name)
        os.replace(staged_nb, dest)
        return seconds
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def executed_path(it: Item, book: Path | None = None) -> Path:
    return (book or paths.book_dir()) / it.chapter / f"{it.stem}.ipynb"


def record_path(it: Item, results: Path | None = None) -> Path:
    return (results or paths.results_dir()) / f"{it.stem}.json"


def is_stale(it: Item, profile: str, seed: int, book: Path | None = None, results: Path | None = None) -> bool:
    """True unless the executed page and its record match profile, seed, notebook and library."""
    page, rec_path = executed_path(it, book), record_path(it, results)
    if not (page.exists() and rec_path.exists()):
        return True
    try:
        rec = json.loads(rec_path.read_text())
        return not (rec["config"]["profile"] == profile and rec["config"]["seed"] == seed
                    and rec["run"]["notebook_sha"] == sha256_file(it.notebook)
                    and rec["code_version"] == code_version())
    except (KeyError, ValueError):
        return True


def _run_one(item_id: str, profile: str, seed: int, device: str, params: dict[str, Any],
             book: str, results: str, timeout: int | None, threads: int | None = None) -> RunReport:
    it = lookup_item(item_id)
    root = paths.project_root() or Path.cwd()
    dest = executed_path(it, Path(book))
    parameters = {"profile": profile, "seed": seed, "device": device, **params}
    try:
        secs = execute_notebook(it.notebook, dest, parameters, Path(results), root / "_stage", root, timeout,
                                threads)
        return RunReport(item_id, True, secs, str(dest))
    except ExecutionFailed as exc:
        return RunReport(item_id, False, 0.0, error=str(exc))


def run_items(item_ids: Iterable[str], profile: str = "cpu", seed: int = 0, device: str = "auto",
              params: dict[str, Any] | None = None, jobs: int = 1, book: Path | None = None,
              results: Path | None = None, timeout: int | None = None) -> list[RunReport]:
    """Execute items (in parallel with ``jobs`` > 1); failures are reported, not raised, so the
    successful pages are kept. Parameters are validated before any kernel starts."""
    check_profile(profile)
    check_device(device)
    params = dict(params or {})
    ids = list(item_ids)
    own: dict[str, dict[str, Any]] = {}
    for item_id in ids:
        it = lookup_item(item_id)
        if not it.implemented:
            raise KeyError(f"{item_id} is not yet implemented (no {it.script.relative_to(paths.project_root() or Path.cwd())})")
        known = resolve(item_id, profile, seed, "cpu").params
        own[item_id] = {k: v for k, v in params.items() if k in known}
        resolve(item_id, profile, seed, "cpu", **own[item_id])  # type-check overrides before any kernel starts
    unused = set(params) - {k for o in own.values() for k in o}
    if unused:
        raise ValueError(f"parameter(s) {sorted(unused)} belong to none of {ids}")
    book, results = book or paths.book_dir(), results or paths.results_dir()
    args = [(i, profile, seed, device, own[i], str(book), str(results), timeout) for i in ids]
    if jobs <= 1 or len(args) <= 1:
        return [_run_one(*a) for a in args]
    threads = max(1, (os.cpu_count() or 1) // jobs)
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        return list(pool.map(_run_one, *zip(*args), [threads] * len(args)))
