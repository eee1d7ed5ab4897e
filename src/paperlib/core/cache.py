"""Content-addressed artifact cache for trained runs and arrays.

key  = sha256(experiment name, resolved config, training code version: the library less its verdict layer)
file = <cache>/<key[:2]>/<key>.pt, one safe file (:mod:`paperlib.core.safefile`: checksum inside, read with
       ``weights_only=True``, nothing in it can run code), written atomically; a file lock per key makes
       parallel notebooks compute an entry once.
A reader that finds a corrupt entry never deletes it (another process may be replacing it right now):
it takes the key's lock, reads again, and only then recomputes and atomically replaces the entry.
Files are group-readable (0666 less the umask) so that a cluster can share ``PAPERLIB_CACHE``.
"""
from __future__ import annotations

import errno
import hashlib
import json
import logging
import time
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

from filelock import FileLock, Timeout

from paperlib.core import paths, safefile

T = TypeVar("T")
log = logging.getLogger(__name__)


# The verdict and presentation layer: how runs are judged, recorded, drawn and built into the book. None of it
# runs inside a cached computation, so changing it re-judges pages (the record's ``code_version`` changes) without
# retraining any model (``training_code_version`` does not).
VERDICT_LAYER = ("build/", "plotting/", "core/claims.py", "core/verdicts.py", "core/sanity.py", "core/record.py",
                 "core/page.py", "core/catalogue.py", "core/catalogue.yaml", "core/reported/")


def _source_hash(skip: tuple[str, ...] = ()) -> str:
    h = hashlib.sha256()
    root = resources.files("paperlib")
    for p in sorted(Path(str(root)).rglob("*")):
        rel = p.relative_to(str(root)).as_posix()
        if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts and not rel.startswith(skip):
            h.update(rel.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:12]


@lru_cache(maxsize=1)
def code_version() -> str:
    """Library version plus a hash of every source file of the package: a page whose code version changed is
    stale (the book re-executes it)."""
    from paperlib import __version__

    return f"{__version__}+{_source_hash()}"


@lru_cache(maxsize=1)
def training_code_version() -> str:
    """The part of :func:`code_version` that cached runs depend on: every source file but :data:`VERDICT_LAYER`.

    Any change to the code that trains or evaluates a model invalidates cached runs (jupyter-cache's blind spot
    of keying on notebook cells only is exactly what this avoids); a change to how verdicts are judged does not.
    """
    from paperlib import __version__

    return f"{__version__}+{_source_hash(VERDICT_LAYER)}"


# this process's cache use (the record of a page says whether its runs came from the cache)
STATS = {"hits": 0, "computed": 0}


def cache_key(name: str, config: Any) -> str:
    """SHA-256 of (name, config, :func:`training_code_version`); ``config`` must be JSON-serialisable or a Config."""
    cfg = config.key() if hasattr(config, "key") else json.dumps(config, sort_keys=True, default=str)
    blob = json.dumps({"name": name, "config": cfg, "code": training_code_version()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


class CacheError(OSError):
    """The cache cannot be written (read-only, full, no permission); names ``PAPERLIB_CACHE`` and the path."""

    def __init__(self, root: Path, path: Path | str, exc: OSError):
        why = {errno.ENOSPC: "the disk is full", errno.EROFS: "the file system is read-only",
               errno.EACCES: "permission denied", errno.EPERM: "permission denied",
               errno.EDQUOT: "the disk quota is exceeded"}.get(exc.errno, exc.strerror or str(exc))
        super().__init__(exc.errno, f"cannot write the paperlib cache at {path} ({why}). The cache folder is "
                         f"{root}; set PAPERLIB_CACHE to a writable folder with free space")


BUSY = object()  # get_or_compute(wait=False): another process is computing this entry


class Cache:
    """A directory of entries; ``get_or_compute`` is the one call notebooks need."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else paths.cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pt"

    def load(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a valid entry; (False, None) when absent or corrupt (left for the writer to replace)."""
        path = self._path(key)
        try:
            data = path.read_bytes()
        except OSError:  # absent (or unreadable: the write that follows says why)
            return False, None
        try:
            return True, safefile.loads(data, where=str(path))
        except safefile.UnsafeFileError as exc:
            log.warning("cache entry %s is corrupt or unsafe (%s); recomputing", path.name, exc)
            return False, None

    def store(self, key: str, value: Any) -> Path:
        path = self._path(key)
        try:
            return safefile.save(path, value)
        except OSError as exc:
            raise CacheError(self.root, path, exc) from exc

    def checkpoint_path(self, name: str, config: Any) -> Path:
        """Where a long computation of (name, config) keeps its resumable checkpoint."""
        return self._path(cache_key(name, config)).with_suffix(".ckpt")

    def get_or_compute(self, name: str, config: Any, compute: Callable[..., T], checkpoint: bool = False,
                       wait: bool = True) -> T:
        """Return the cached value for (name, config), computing and storing it once.

        With ``checkpoint=True``, ``compute`` receives a checkpoint path to resume from after an
        interruption; the checkpoint is deleted once the value is stored. With ``wait=False`` an
        entry that another process is computing right now returns :data:`BUSY` instead of waiting
        (so a caller with several independent entries can compute another one meanwhile).
        """
        key = cache_key(name, config)
        ok, value = self.load(key)
        if ok:
            STATS["hits"] += 1
            return value
        try:
            self._path(key).parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(self._path(key).with_suffix(".lock")), mode=0o666)
        except OSError as exc:
            raise CacheError(self.root, self._path(key).parent, exc) from exc
        try:
            lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            return BUSY
        except OSError as exc:   # a read-only cache cannot even hold the lock file
            raise CacheError(self.root, lock.lock_file, exc) from exc
        try:
            ok, value = self.load(key)  # another process may have finished it meanwhile
            if ok:
                STATS["hits"] += 1
                return value
            STATS["computed"] += 1
            ckpt = self._path(key).with_suffix(".ckpt")
            value = compute(ckpt) if checkpoint else compute()
            self.store(key, value)
            ckpt.unlink(missing_ok=True)
            return value
        finally:
            lock.release()


def cached(name: str, config: Any, compute: Callable[[], T], root: str | Path | None = None) -> T:
    """Shorthand for ``Cache(root).get_or_compute(name, config, compute)``."""
    return Cache(root).get_or_compute(name, config, compute)


def compute_all(jobs: list[tuple], runner: Callable[..., Any], poll: float = 5.0) -> list:
    """``runner(*job, wait=...)`` for every job, in order of the jobs. An entry another process is computing right
    now (``BUSY``) is skipped and revisited, so pages executed in parallel train different runs instead of waiting
    on the same one; the last remaining job waits."""
    done: dict[int, Any] = {}
    while len(done) < len(jobs):
        progressed = False
        for i, job in enumerate(jobs):
            if i in done:
                continue
            r = runner(*job, wait=len(done) == len(jobs) - 1)
            if r is not BUSY:
                done[i], progressed = r, True
        if not progressed:
            time.sleep(poll)   # every remaining run is being trained by another page
    return [done[i] for i in range(len(jobs))]
