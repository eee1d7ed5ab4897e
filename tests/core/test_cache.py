"""Artifact cache: hit, corrupt or crafted entries refused and recomputed, concurrent writers and readers, errors."""
import multiprocessing as mp
import time
from pathlib import Path

import numpy as np
import pytest

from paperlib.core import safefile
from paperlib.core.cache import Cache, CacheError, cache_key
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


def test_entry_without_the_safe_header_counts_as_corrupt(tmp_path):
    import torch
    cache = Cache(tmp_path / "c")
    path = cache.store("k" * 64, 42)
    torch.save(42, path)  # a plain torch file (the old format): not trusted
    assert cache.load("k" * 64) == (False, None)


class _Payload:
    """Unpickling this object runs ``marker.touch()`` (what a crafted cache file would do)."""

    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        return (Path.touch, (Path(self.marker),))


def _crafted(path: Path, marker: Path, with_valid_checksum: bool) -> None:
    import hashlib
    import io

    import torch
    buf = io.BytesIO()
    torch.save({"value": _Payload(marker)}, buf)
    payload = buf.getvalue()
    if with_valid_checksum:  # the attacker rebuilds the header: the safe loader must still refuse
        payload = safefile.MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(payload)


@pytest.mark.parametrize("with_valid_checksum", [False, True])
def test_crafted_entry_never_runs_and_is_recomputed(tmp_path, with_valid_checksum):
    cache, marker = Cache(tmp_path / "c"), tmp_path / "pwned"
    key = cache_key("exp", {"a": 1})
    _crafted(cache._path(key), marker, with_valid_checksum)
    assert cache.load(key) == (False, None)
    assert cache.get_or_compute("exp", {"a": 1}, lambda: [1, 2]) == [1, 2]
    assert not marker.exists(), "the crafted payload ran"
    assert cache.load(key) == (True, [1, 2])


def test_flipped_bit_is_refused(tmp_path):
    cache = Cache(tmp_path / "c")
    path = cache.store("a" * 64, {"w": np.arange(100.0)})
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))
    assert cache.load("a" * 64) == (False, None)


def test_values_round_trip_exactly_and_unknown_types_are_refused_at_store(tmp_path):
    import torch

    from paperlib.sampling.particle_flows import FlowResult
    cache = Cache(tmp_path / "c")
    value = {"a": np.arange(5, dtype=np.int32), "b": np.float64(0.1), "c": ("x", 1, None, 2.5), "d": ["s"],
             "t": torch.randn(3, generator=torch.Generator().manual_seed(0)), "s": np.array(["GAN", "EGAN"]),
             "f": FlowResult(torch.zeros(2, 3, 2), np.arange(2), np.ones(2), 1.5, {"k": 1})}
    cache.store("b" * 64, value)
    ok, got = cache.load("b" * 64)
    assert ok and got["a"].dtype == np.int32 and got["b"] == value["b"] and type(got["b"]) is np.float64
    assert got["c"] == value["c"] and got["d"] == ["s"] and torch.equal(got["t"], value["t"])
    assert list(got["s"]) == ["GAN", "EGAN"] and isinstance(got["f"], FlowResult) and got["f"].extra == {"k": 1}
    with pytest.raises(TypeError, match="not allowed in a safe file"):
        cache.store("c" * 64, {"x": object()})


def test_entries_are_group_readable(tmp_path):
    import os
    import stat
    old = os.umask(0o022)
    try:
        path = Cache(tmp_path / "c").store("d" * 64, 1)
    finally:
        os.umask(old)
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_unwritable_cache_names_paperlib_cache_and_the_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    cache = Cache(blocker / "cache")  # its parent is a file: nothing can be created there, even as root
    with pytest.raises(CacheError, match=r"PAPERLIB_CACHE.*") as err:
        cache.get_or_compute("exp", {"a": 1}, lambda: 1)
    assert str(blocker) in str(err.value)


def test_full_disk_names_paperlib_cache(tmp_path, monkeypatch):
    import errno
    import os
    cache = Cache(tmp_path / "c")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")
    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(CacheError, match=r"the disk is full.*PAPERLIB_CACHE"):
        cache.get_or_compute("exp", {"a": 1}, lambda: 1)


def _store_forever(root, key, rounds):
    cache = Cache(root)
    for i in range(rounds):
        cache.store(key, {"i": i % 2, "blob": np.zeros(20_000)})


def test_readers_never_lose_an_entry_that_is_being_rewritten(tmp_path):
    """The landed race: a reader between the data file and its checksum sidecar deleted a valid entry."""
    root, key = tmp_path / "c", "e" * 64
    cache = Cache(root)
    cache.store(key, {"i": 0, "blob": np.zeros(20_000)})
    ctx = mp.get_context("spawn")
    writer = ctx.Process(target=_store_forever, args=(str(root), key, 200))
    writer.start()
    misses = reads = 0
    while writer.is_alive() or reads < 50:
        ok, value = cache.load(key)
        reads += 1
        misses += not ok
    writer.join(60)
    assert writer.exitcode == 0
    assert misses == 0, f"{misses} of {reads} reads found no valid entry"
    assert cache._path(key).exists()


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


def test_compute_all_revisits_busy_entries_and_keeps_the_job_order():
    from paperlib.core.cache import BUSY, compute_all

    calls = []

    def runner(name, wait):
        calls.append((name, wait))
        busy_once = name == "a" and sum(c[0] == "a" for c in calls) == 1
        return BUSY if busy_once else name.upper()

    assert compute_all([("a",), ("b",)], runner, poll=0) == ["A", "B"]
    assert calls == [("a", False), ("b", False), ("a", True)]   # a was busy: revisited, and the last one waits


def test_verdict_layer_changes_the_code_version_but_not_the_training_key(tmp_path, monkeypatch):
    """Re-judging pages (claims, records, the book) never retrains a model; any other source change does."""
    import shutil
    from importlib import resources
    from pathlib import Path

    from paperlib.core import cache

    src = Path(str(resources.files("paperlib")))
    copy = tmp_path / "paperlib"
    shutil.copytree(src, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache.resources, "files", lambda _name: copy)

    def versions():
        cache.code_version.cache_clear()
        cache.training_code_version.cache_clear()
        return cache.code_version(), cache.training_code_version()

    try:
        before = versions()
        (copy / "core" / "claims.py").write_text((copy / "core" / "claims.py").read_text() + "\n# judged anew\n")
        judged = versions()
        assert judged[0] != before[0] and judged[1] == before[1]
        (copy / "training.py").write_text((copy / "training.py").read_text() + "\n# trains anew\n")
        trained = versions()
        assert trained[0] != judged[0] and trained[1] != judged[1]
    finally:
        cache.code_version.cache_clear()
        cache.training_code_version.cache_clear()
