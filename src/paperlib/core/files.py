"""Atomic file writes: a temp file in the same folder, fsync, then ``os.replace``."""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any, Callable


def _umask() -> int:
    old = os.umask(0)
    os.umask(old)
    return old


def atomic_write(path: str | os.PathLike, write: Callable[[Any], None], mode: str = "w",
                 permissions: int | None = None) -> Path:
    """Call ``write(fh)`` on a temp file next to ``path`` and rename it into place.

    A reader never sees a half-written file; an exception leaves the old file untouched. The file gets
    ``permissions`` (default ``0o666`` less the umask, as ``open`` would give; ``mkstemp`` alone gives 0600,
    which hides a shared cache from the rest of a group).
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, permissions if permissions is not None else 0o666 & ~_umask())
        with os.fdopen(fd, mode) as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_text(path, text: str) -> Path:
    return atomic_write(path, lambda fh: fh.write(text))


def write_json(path, obj: Any) -> Path:
    return atomic_write(path, lambda fh: json.dump(obj, fh, indent=2, sort_keys=True, default=_jsonable))


def _jsonable(x: Any) -> Any:
    """numpy scalars/arrays and paths in records."""
    if hasattr(x, "tolist"):
        return x.tolist()
    if isinstance(x, Path):
        return str(x)
    raise TypeError(f"not JSON serialisable: {type(x).__name__}")
