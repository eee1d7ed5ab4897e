"""Where things live: project root, results, cache, data.

Every location can be overridden by an environment variable so that tests, nbval (which runs
kernels with the notebook's folder as cwd) and GPU runners agree on paths.
"""
from __future__ import annotations

import os
from pathlib import Path


def project_root() -> Path | None:
    """The checkout containing ``_config.yml`` and ``notebooks/`` ($PAPERLIB_ROOT, else search up)."""
    env = os.environ.get("PAPERLIB_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for d in (start, *start.parents):
            if (d / "_config.yml").is_file() and (d / "notebooks").is_dir():
                return d
    return None


def _under_root(name: str) -> Path:
    root = project_root()
    return (root if root is not None else Path.cwd()) / name


def results_dir() -> Path:
    """Results records and figures ($PAPERLIB_RESULTS, else ``<root>/results``)."""
    return Path(os.environ.get("PAPERLIB_RESULTS") or _under_root("results"))


def book_dir() -> Path:
    return Path(os.environ.get("PAPERLIB_BOOK") or _under_root("book"))


def notebooks_dir() -> Path:
    return _under_root("notebooks")


def cache_dir() -> Path:
    """Artifact cache ($PAPERLIB_CACHE, else the user cache directory)."""
    env = os.environ.get("PAPERLIB_CACHE")
    if env:
        return Path(env)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("paperlib"))


def data_dir() -> Path:
    """Datasets ($PAPERLIB_DATA, else ``<root>/data``)."""
    return Path(os.environ.get("PAPERLIB_DATA") or _under_root("data"))
