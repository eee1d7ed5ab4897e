"""Artifact cache: hit, corrupt entry recomputed, concurrent writers compute once."""
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np

from paperlib.core.cache import Cache, cache_key
from paperlib.core.profiles import resolve


def _counted(counter: Path, value):
    def compute():
        with open(counter, "a") as fh:
            fh.write("x")
        time.sleep(0.3)
        return value
    return compute


def test_hit_returns_stored_value_without_recomputing(tmp_path):
    cache, counter = Cache(tmp_path / "c"), tmp_path / "n"
    v1 = cache.get_or_compute("exp", {"a": 1}, _counted(counter, {"x": np.arange(3)}))
    v2 = cache.get_or_compute("exp", {"a": 1}, _counted(counter, {"x": np.arange(5)}))
    np.testing.assert_array_equal(v1["x"], v2["x"])
    assert counter.read_text() == "x"
    cache.get_or_compute("exp", {"a": 2}, _counted(counter, 0))  # another config, another key
    assert counter.read_text() == "xx"


def test_key_depends_on_config_and_seed():
    a, b = resolve("sb-c3", "smoke", seed=0), resolve("sb-c3", "smoke", seed=1)
    assert cache_key("exp", a) != cache_key("exp", b)
    assert cache_key("exp", a) == cache_key("exp", resolve("sb-c3", "smoke", seed=0))


def test_corrupt_entry_is_detected_and_recomputed(tmp_path):
    cache, counter = Cache(tmp_path / "c"), tmp_path / "n"
    cache.get_or_compute("exp", {"a": 1}, _counted(counter, [1, 2, 3]))
    (entry,) = (tmp_path / "c").rglob("*.pt")
    entry.write_bytes(entry.read_bytes()[:10])  # truncated write
    assert cache.get_or_compute("exp", {"a": 1}, _counted(counter, [1, 2, 3])) == [1, 2, 3]
    assert counter.read_text() == "xx"
    ok, value = cache.load(cache_key("exp", {"a": 1}))
    assert ok and value == [1, 2, 3]


def test_missing_checksum_counts_as_corrupt(tmp_path):
    cache = Cache(tmp_path / "c")
    cache.store("k" * 64, 42)
    (tmp_path / "c" / "kk" / f"{'k' * 64}.sha256").unlink()
    assert cache.load("k" * 64) == (False, None)


def _worker(root, counter, out, i):
    value = Cache(root).get_or_compute("exp", {"shared": True}, _counted(Path(counter), [7, 7, 7]))
    Path(out, f"{i}.txt").write_text(repr(value))


def test_concurrent_writers_compute_once(tmp_path):
    root, counter, out = tmp_path / "c", tmp_path / "n", tmp_path / "out"
    out.mkdir()
    ctx = mp.get_context("spawn")
    procs = [ctx.Process(target=_worker, args=(str(root), str(counter), str(out), i)) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    assert counter.read_text() == "x"
    assert {f.read_text() for f in out.iterdir()} == {"[7, 7, 7]"}


def test_busy_entry_is_skipped_without_waiting(tmp_path):
    """wait=False returns BUSY while another holder has the entry's lock, then computes once it is free."""
    from filelock import FileLock

    from paperlib.core.cache import BUSY, Cache, cache_key

    cache = Cache(tmp_path)
    key = cache_key("busy", {"a": 1})
    cache._path(key).parent.mkdir(parents=True, exist_ok=True)
    holder = FileLock(str(cache._path(key).with_suffix(".lock")))
    calls = []
    with holder:
        assert cache.get_or_compute("busy", {"a": 1}, lambda: calls.append(1) or 42, wait=False) is BUSY
    assert calls == []
    assert cache.get_or_compute("busy", {"a": 1}, lambda: calls.append(1) or 42, wait=False) == 42
    assert calls == [1]
