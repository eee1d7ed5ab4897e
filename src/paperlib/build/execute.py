"""Execute item notebooks with papermill, gate the result, and move it into the book atomically.

papermill writes a partial notebook when a cell raises and only *warns* about unknown
parameters; jupyter-book (execution off) would render either as a normal page. So every run
goes to a staging folder, is checked for ``metadata.papermill.exception`` and ``error`` outputs,
and only then is moved (``os.replace``) into ``book/<chapter>/`` with its results record.

Fault isolation: every page runs in its own process group (``python -m paperlib.build.execute SPEC``), so a
kernel that dies, a page past its whole-page time limit, or a Ctrl-C of a ``--jobs N`` batch costs that page
(or the batch, cleanly) and nothing else: the others run on, a summary ends the batch, and the exit code says
whether all passed. Staging folders carry their process id; those of dead processes are removed at the next run.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from paperlib.core import paths
from paperlib.core.cache import code_version
from paperlib.core.catalogue import Item
from paperlib.core.catalogue import item as lookup_item
from paperlib.core.files import write_json
from paperlib.core.profiles import (
    ProfileError,
    check_device,
    check_profile,
    parse_value,
    resolve,
    suggest,
)

EXECUTOR = "paperlib run"   # what the kernel's PAPERLIB_EXECUTOR says when this module executed the page


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


def _as_terminal(text: str) -> str:
    """Stream text as a terminal shows it: of each line, what follows its last carriage return (so a tqdm bar
    that redrew itself 200 times is one line, its final state). nbclient stores the raw stream."""
    return "\n".join(line.rstrip("\r").rsplit("\r", 1)[-1] for line in text.split("\n"))


def tidy_notebook(nb_path: Path) -> None:
    """The executed page as the book shows it: papermill's injected-parameters cell removed from the rendered
    page (the header box shows the parameters) and progress bars reduced to their final state."""
    nb = json.loads(Path(nb_path).read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        tags = cell.setdefault("metadata", {}).setdefault("tags", [])
        if "injected-parameters" in tags and "remove-cell" not in tags:
            tags.append("remove-cell")
        for out in cell.get("outputs", []) if cell.get("cell_type") == "code" else []:
            if out.get("output_type") == "stream":
                text = "".join(out["text"]) if isinstance(out["text"], list) else out["text"]
                out["text"] = _as_terminal(text)
    Path(nb_path).write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


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
                     stage_root: Path, cwd: Path, cell_timeout: int | None = None, threads: int | None = None) -> float:
    """papermill ``src`` -> staging -> gate -> atomic move to ``dest`` (+ results files).

    Raises ``ExecutionFailed`` and leaves ``dest`` and ``results_dest`` untouched on any error.
    Returns the wall time in seconds.
    """
    import papermill as pm

    stage_root.mkdir(parents=True, exist_ok=True)
    stage = Path(tempfile.mkdtemp(prefix=f"{src.stem}.{os.getpid()}.", dir=stage_root))
    staged_nb, staged_results = stage / src.name, stage / "results"
    start = time.perf_counter()
    try:
        # The kernel inherits this environment: records go to staging, and `python` on PATH is
        # this interpreter (a stale user-level kernelspec must not pick another Python).
        env = {"PAPERLIB_RESULTS": str(staged_results), "PAPERLIB_EXECUTOR": EXECUTOR,
               "PATH": str(Path(sys.executable).parent) + os.pathsep + os.environ.get("PATH", "")}
        if threads:  # parallel pages share the cores instead of each starting one thread per core
            env.update(OMP_NUM_THREADS=str(threads), MKL_NUM_THREADS=str(threads))
        with _environ(**env):
            try:
                pm.execute_notebook(str(src), str(staged_nb), parameters=parameters, kernel_name="python3",
                                    cwd=str(cwd), progress_bar=False, execution_timeout=cell_timeout,
                                    log_output=False)
            except pm.PapermillExecutionError as exc:
                raise ExecutionFailed(f"{src.name}: cell {exc.exec_count} raised {exc.ename}: {exc.evalue}") from None
            except Exception as exc:  # the kernel died, or a cell passed the cell limit (nbclient's errors)
                why = "the kernel died" if "DeadKernel" in type(exc).__name__ else type(exc).__name__
                raise ExecutionFailed(f"{src.name}: {why}: {str(exc).strip().splitlines()[-1] if str(exc).strip() else ''}") from None
        tidy_notebook(staged_nb)
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


def is_stale(it: Item, profile: str, seed: int, book: Path | None = None, results: Path | None = None,
             params: dict[str, Any] | None = None) -> bool:
    """True unless the executed page and its record match profile, seed, item parameters (any ``--param`` of
    the run that made it, or of this one), notebook and library, and the executor made it."""
    page, rec_path = executed_path(it, book), record_path(it, results)
    if not (page.exists() and rec_path.exists()):
        return True
    try:
        rec = json.loads(rec_path.read_text())
        used = {k: v for k, v in rec["run"]["parameters"].items() if k not in ("profile", "seed", "device")}
        return not (rec["config"]["profile"] == profile and rec["config"]["seed"] == seed
                    and used == dict(params or {})
                    and rec.get("executed_by") == EXECUTOR
                    and rec["run"]["notebook_sha"] == sha256_file(it.notebook)
                    and rec["code_version"] == code_version())
    except (KeyError, ValueError, AttributeError):
        return True


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale_stages(stage_root: Path) -> list[Path]:
    """Remove staging folders ``<stem>.<pid>.<random>`` whose process is gone (an interrupted run's leftovers)."""
    removed = []
    for d in stage_root.glob("*.*.*") if stage_root.is_dir() else []:
        parts = d.name.split(".")
        pid = int(parts[-2]) if len(parts) >= 3 and parts[-2].isdigit() else None
        if d.is_dir() and (pid is None or not _pid_alive(pid)):
            shutil.rmtree(d, ignore_errors=True)
            removed.append(d)
    return removed


def page_timeout(profile: str) -> int:
    """The default whole-page limit of ``profile`` in seconds (``page_timeout`` in profiles.yaml)."""
    from paperlib.core.profiles import page_timeouts

    return int(page_timeouts()[profile])


def _child(spec_path: str) -> int:
    """Entry of the page process: execute one page, write its report next to the spec."""
    spec = json.loads(Path(spec_path).read_text())
    start = time.perf_counter()
    try:
        secs = execute_notebook(Path(spec["src"]), Path(spec["dest"]), spec["parameters"], Path(spec["results"]),
                                Path(spec["stage_root"]), Path(spec["cwd"]), spec["cell_timeout"], spec["threads"])
        rep = RunReport(spec["item"], True, secs, spec["dest"])
    except ExecutionFailed as exc:
        rep = RunReport(spec["item"], False, time.perf_counter() - start, error=str(exc))
    write_json(Path(spec_path).with_suffix(".report.json"), rep.__dict__)
    return 0


@dataclass
class _Page:
    item: str
    spec: Path
    proc: Any = None
    started: float = 0.0
    expected: float | None = None   # seconds, from the last execution of this page and profile


def _start(page: _Page, log) -> None:
    log(f"start {page.item}")
    page.started = time.perf_counter()
    # the page process's stderr (papermill's and the kernel's logs) goes to a file: a pipe nobody reads could
    # fill and block the kernel; the last line is quoted if the process dies without a report
    with open(page.spec.with_suffix(".stderr"), "wb") as err:
        page.proc = subprocess.Popen([sys.executable, "-m", "paperlib.build.execute", str(page.spec)],
                                     start_new_session=True, stdout=subprocess.DEVNULL, stderr=err)


def _kill(page: _Page) -> None:
    """SIGKILL the page's process group (papermill) and every process below it: jupyter_client starts the kernel
    in a session of its own, which the group kill does not reach (it used to survive its page, still computing).
    The descendants are listed before anything is killed: an orphaned kernel no longer descends from the page."""
    import psutil

    try:
        below = psutil.Process(page.proc.pid).children(recursive=True)
    except psutil.NoSuchProcess:
        below = []
    try:
        os.killpg(page.proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    for proc in below:
        try:
            proc.kill()
        except psutil.NoSuchProcess:
            pass
    page.proc.wait()
    psutil.wait_procs(below, timeout=5)


def _finish(page: _Page, limit: float | None) -> RunReport:
    secs = time.perf_counter() - page.started
    report = page.spec.with_suffix(".report.json")
    if report.exists():
        return RunReport(**json.loads(report.read_text()))
    log_file = page.spec.with_suffix(".stderr")
    err = [ln for ln in (log_file.read_text(errors="replace").strip().splitlines() if log_file.exists() else [])
           if "without encryption" not in ln]
    if limit is not None and secs >= limit:
        return RunReport(page.item, False, secs, error=f"passed its time limit of {limit:.0f} s and was stopped")
    return RunReport(page.item, False, secs, error=f"the page process exited with code {page.proc.returncode}"
                     + (f": {err[-1]}" if err else ""))


def run_items(item_ids: Iterable[str], profile: str = "cpu", seed: int = 0, device: str = "auto",
              params: dict[str, Any] | None = None, jobs: int = 1, book: Path | None = None,
              results: Path | None = None, timeout: float | None = None, cell_timeout: int | None = None,
              log=None) -> list[RunReport]:
    """Execute items, ``jobs`` at a time, each in its own process group with a whole-page limit of
    ``timeout`` seconds (default: the profile's ``page_timeout``). A failure (an error, a dead kernel, the
    limit) is a report, not an exception, so the other pages still run; Ctrl-C stops the batch cleanly
    (running pages are killed, their staging folders removed) and raises KeyboardInterrupt.
    Parameters are validated before any kernel starts."""
    check_profile(profile)
    check_device(device)
    log = log or (lambda msg: print(msg, flush=True))
    params = dict(params or {})
    ids = list(item_ids)
    own: dict[str, dict[str, Any]] = {}
    for item_id in ids:
        it = lookup_item(item_id)
        if not it.implemented:
            raise KeyError(f"{item_id} is not yet implemented (no {it.script.relative_to(paths.project_root() or Path.cwd())})")
        known = resolve(item_id, profile, seed, "cpu").params
        own[item_id] = {k: (parse_value(k, v, known[k], item_id) if isinstance(v, str) else v)
                        for k, v in params.items() if k in known}
        resolve(item_id, profile, seed, "cpu", **own[item_id])  # type-check overrides before any kernel starts
    unused = sorted(set(params) - {k for o in own.values() for k in o})
    if unused:
        valid = sorted({k for i in ids for k in resolve(i, profile, seed, "cpu").params})
        hints = "".join(suggest(u, valid) for u in unused)
        raise ProfileError(f"parameter(s) {', '.join(map(repr, unused))}{hints} belong to none of "
                           f"{', '.join(ids)}; their parameters: {', '.join(valid) or '(none)'}")
    book, results = book or paths.book_dir(), results or paths.results_dir()
    root = paths.project_root() or Path.cwd()
    stage_root = root / "_stage"
    clean_stale_stages(stage_root)
    limit = float(timeout) if timeout else float(page_timeout(profile))
    threads = max(1, (os.cpu_count() or 1) // max(1, min(jobs, len(ids)))) if jobs > 1 else None
    known = durations(Path(results))
    pages = [{"item": i, "expected_s": known.get(f"{i}:{profile}"), "src": str(lookup_item(i).notebook), "dest": str(executed_path(lookup_item(i), Path(book))),
              "parameters": {"profile": profile, "seed": seed, "device": device, **own[i]},
              "results": str(results), "stage_root": str(stage_root), "cwd": str(root),
              "cell_timeout": cell_timeout, "threads": threads} for i in ids]
    return run_pages(pages, jobs, limit, stage_root, log)


DURATIONS = ".durations.json"   # in the results folder: the last wall time of each (item, profile)


def durations(results: Path) -> dict[str, float]:
    """``{"<item>:<profile>": seconds}`` of the last successful executions (for the ETA)."""
    try:
        return {k: float(v) for k, v in json.loads((Path(results) / DURATIONS).read_text()).items()}
    except (OSError, ValueError, AttributeError):
        return {}


def _remember(results: Path, key: str, seconds: float) -> None:
    known = durations(results)
    known[key] = round(seconds, 1)
    write_json(Path(results) / DURATIONS, dict(sorted(known.items())))


def _clock(seconds: float) -> str:
    m, s = divmod(int(round(seconds)), 60)
    return f"{m // 60}:{m % 60:02d}:{s:02d}" if m >= 60 else f"{m}:{s:02d}"


def progress_line(done: int, total: int, elapsed: float, eta: float | None, width: int = 20) -> str:
    """``[#####.......] 5/29  elapsed 1:02  ETA 3:40`` (ETA "?" until a duration is known)."""
    fill = round(width * done / max(1, total))
    return (f"[{'#' * fill}{'.' * (width - fill)}] {done}/{total}  elapsed {_clock(elapsed)}  "
            f"ETA {'?' if eta is None else _clock(eta)}")


def _eta(pending: list, running: list, finished: list[float], jobs: int) -> float | None:
    """Remaining wall time: expected durations (last run, else the mean of this batch's pages) over ``jobs``."""
    guess = (sum(finished) / len(finished)) if finished else None
    work = 0.0
    for page in [*pending, *running]:
        exp = page.expected if page.expected is not None else guess
        if exp is None:
            return None
        work += max(0.0, exp - (time.perf_counter() - page.started)) if page.started else exp
    return work / max(1, min(jobs, len(pending) + len(running)) or 1)


def run_pages(pages: list[dict[str, Any]], jobs: int, limit: float, stage_root: Path, log=None) -> list[RunReport]:
    """The scheduler of :func:`run_items`: each page spec (item, src, dest, parameters, results, stage_root, cwd,
    cell_timeout, threads, expected_s) in its own process group, ``jobs`` at a time, killed at ``limit`` seconds.
    Logs each page when it starts and ends (status, wall time) with the batch's progress and ETA."""
    log = log or (lambda msg: print(msg, flush=True))
    t_batch = time.perf_counter()
    specs = Path(tempfile.mkdtemp(prefix=f"specs.{os.getpid()}.", dir=_mkdir(Path(stage_root))))
    pending = []
    for n, spec in enumerate(pages):
        path = specs / f"{n:03d}.json"
        write_json(path, spec)
        pending.append(_Page(spec["item"], path, expected=spec.get("expected_s")))
    order = [pg.item for pg in pending]
    running: list[_Page] = []
    reports: dict[str, RunReport] = {}
    finished: list[float] = []
    stopping = _stop_on_termination()
    try:
        while pending or running:
            while pending and len(running) < max(1, jobs):
                page = pending.pop(0)
                _start(page, log)
                running.append(page)
            time.sleep(0.2)
            for page in list(running):
                over = time.perf_counter() - page.started >= limit
                if page.proc.poll() is None and not over:
                    continue
                if page.proc.poll() is None:
                    _kill(page)
                r = _finish(page, limit)
                if not r.ok:   # a killed or crashed page process cannot clean its own staging folder
                    clean_stale_stages(Path(stage_root))
                reports[page.item] = r
                running.remove(page)
                spec = json.loads(page.spec.read_text())
                if r.ok and "results" in spec:
                    _remember(Path(spec["results"]), f"{r.item}:{spec['parameters'].get('profile')}", r.seconds)
                finished.append(r.seconds)
                log(f"{'ok  ' if r.ok else 'FAIL'} {r.item:<20} {r.seconds:7.1f} s  {r.notebook or r.error}")
                log("     " + progress_line(len(reports), len(order), time.perf_counter() - t_batch,
                                            _eta(pending, running, finished, jobs)))
    except KeyboardInterrupt:
        for page in running:
            _kill(page)
        clean_stale_stages(Path(stage_root))
        log(f"interrupted: {len(reports)} page(s) finished, {len(running)} stopped, {len(pending)} not started")
        raise
    finally:
        shutil.rmtree(specs, ignore_errors=True)
        stopping()
    return [reports[i] for i in order]


def _stop_on_termination():
    """Make SIGTERM and SIGHUP (a CI runner cancelling a job, a closed terminal) stop the batch as Ctrl-C does:
    Python's default for them ends the process at once, leaving every page's process group, kernel included,
    running on its own. Returns the function that restores the previous handlers."""
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def interrupt(signum, frame):
        raise KeyboardInterrupt(f"stopped by {signal.Signals(signum).name}")

    previous = {sig: signal.signal(sig, interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    return lambda: [signal.signal(sig, h) for sig, h in previous.items()]


def _mkdir(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    return path


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1]))
