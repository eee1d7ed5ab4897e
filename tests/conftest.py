"""Shared fixtures: one smoke execution of every implemented page, in temporary folders."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def smoke_dirs(tmp_path_factory):
    """book/, results/ and cache folders for the smoke run (never the user's own)."""
    base = tmp_path_factory.mktemp("smoke")
    dirs = {"book": base / "book", "results": base / "results", "cache": base / "cache"}
    for d in dirs.values():
        d.mkdir()
    return dirs


@pytest.fixture(scope="session")
def smoke_run(smoke_dirs):
    """Execute every implemented notebook with profile=smoke (2 in parallel) once per session."""
    from paperlib.build.execute import run_items
    from paperlib.core.catalogue import catalogue

    old = os.environ.get("PAPERLIB_CACHE")
    os.environ["PAPERLIB_CACHE"] = str(smoke_dirs["cache"])
    try:
        ids = [i.id for i in catalogue() if i.implemented]
        reports = run_items(ids, profile="smoke", seed=0, device="cpu", jobs=2,
                            book=smoke_dirs["book"], results=smoke_dirs["results"], timeout=600)
    finally:
        if old is None:
            os.environ.pop("PAPERLIB_CACHE", None)
        else:
            os.environ["PAPERLIB_CACHE"] = old
    return reports
