"""Content-addressed artifact cache for trained runs and arrays.

key  = sha256(experiment name, resolved config, library code version)
file = <cache>/<key[:2]>/<key>.pt, written atomically (temp file + rename) with a SHA-256
       sidecar of its bytes; a file lock per key makes parallel notebooks compute an entry once.
A corrupt or truncated entry (checksum mismatch or unreadable) is deleted and recomputed.
"""
from __future__ import annotations

import hashlib
import io
import json
import logging
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Callable, TypeVar

from filelock import FileLock, Timeout

from paperlib.core import paths
from paperlib.core.files import atomic_write

T = TypeVar("T")
log = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def code_version() -> str:
    """Library version plus a hash of every source file of the package.

    Any change to the library's code invalidates cached runs (jupyter-cache's blind spot of
    keying on notebook cells only is exactly what this avoids).
    """
    from paperlib import __version__

    h = hashlib.sha256()
    root = resources.files("paperlib")
    for p in sorted(Path(str(root)).rglob("*")):
        if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts:
            h.update(p.relative_to(str(root)).as_posix().encode())
            h.update(p.read_bytes())
    return f"{__version__}+{h.hexdigest()[:12]}"


def cache_key(name: str, config: Any) -> str:
    """SHA-256 of (name, config, code version); ``config`` must be JSON-serialisable or a Config."""
    cfg = config.key() if hasattr(config, "key") else json.dumps(config, sort_keys=True, default=str)
    blob = json.dumps({"name": name, "config": cfg, "code": code_version()}, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


BUSY = object()  # get_or_compute(wait=False): another process is computing this entry


class Cache:
    """A directory of entries; ``get_or_compute`` is the one call notebooks need."""

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root) if root is not None else paths.cache_dir()

    def _path(self, key: str) -> Path:
        return self.root / key[:2] / f"{key}.pt"

    def load(self, key: str) -> tuple[bool, Any]:
        """(True, value) for a valid entry; (False, None) when absent or corrupt (then removed)."""
        import torch

        path, sidecar = self._path(key), self._path(key).with_suffix(".sha256")
        if not path.exists():
            return False, None
        try:
            data = path.read_bytes()
            if not sidecar.exists() or sidecar.read_text().strip() != hashlib.sha256(data).hexdigest():
                raise ValueError("checksum mismatch")
            return True, torch.load(io.BytesIO(data), map_location="cpu", weights_only=False)
        except Exception as exc:  # corrupt entry: drop it, the caller recomputes
            log.warning("cache entry %s is corrupt (%s); recomputing", path.name, exc)
            path.unlink(missing_ok=True)
            sidecar.unlink(missing_ok=True)
            return False, None

    def store(self, key: str, value: Any) -> Path:
        import torch

        buf = io.BytesIO()
        torch.save(value, buf)
        data = buf.getvalue()
        path = self._path(key)
        # data first, then the checksum: a crash in between leaves an entry that fails
        # verification and is recomputed, never one that verifies with the wrong bytes.
        atomic_write(path, lambda fh: fh.write(data), mode="wb")
        atomic_write(path.with_suffix(".sha256"), lambda fh: fh.write(hashlib.sha256(data).hexdigest()))
        return path

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
            return value
        self._path(key).parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self._path(key).with_suffix(".lock")))
        try:
            lock.acquire(timeout=-1 if wait else 0)
        except Timeout:
            return BUSY
        try:
            ok, value = self.load(key)  # another process may have finished it meanwhile
            if ok:
                return value
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
