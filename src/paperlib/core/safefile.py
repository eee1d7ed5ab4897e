r"""Files that cannot run code when read: cache entries and checkpoints.

A file is one self-checking blob, written atomically (:mod:`paperlib.core.files`):

.. code-block:: text

    PAPERLIB-SAFE 1 <sha256 of the payload>\n<payload>

The payload is ``torch.save`` of a *plain tree*: dicts, lists, tuples, str, int, float, bool, None and
tensors. ``torch.load(weights_only=True)`` reads such a tree without unpickling any class, so a crafted file
cannot execute code. Values that are not plain (numpy arrays and scalars, and the dataclasses registered
with :func:`register`) are encoded as tagged dicts on the way in and rebuilt from an explicit allow-list on
the way out; anything else is refused when *written*, so a result that could not be read back safely is
never stored. One file with its checksum inside (instead of a data file and a sidecar) means a reader can
never catch an entry between its two halves.
"""
from __future__ import annotations

import dataclasses
import hashlib
import io
from pathlib import Path
from typing import Any

import numpy as np

from paperlib.core.files import atomic_write

MAGIC = b"PAPERLIB-SAFE 1 "
_TAG = "__paperlib__"
_DATACLASSES: dict[str, type] = {}


class UnsafeFileError(ValueError):
    """A file failed its checksum, is not in the safe format, or holds a value outside the allow-list."""


def register(cls: type) -> type:
    """Allow the dataclass ``cls`` in safe files (decorator); it is rebuilt from its fields, never unpickled."""
    if not dataclasses.is_dataclass(cls):
        raise TypeError(f"{cls.__name__} is not a dataclass")
    _DATACLASSES[f"{cls.__module__}.{cls.__qualname__}"] = cls
    return cls


def encode(obj: Any) -> Any:
    """``obj`` as a plain tree (see the module docstring); raises TypeError for a value outside the allow-list."""
    import torch

    if isinstance(obj, np.generic):  # before float: np.float64 is a float subclass that pickles as numpy
        return {_TAG: "npscalar", "dtype": obj.dtype.str, "value": obj.item()}
    if obj is None or isinstance(obj, (bool, int, float, str, torch.Tensor)):
        return obj
    if isinstance(obj, np.ndarray):
        if obj.dtype.kind in "biufc":
            return {_TAG: "ndarray", "data": torch.from_numpy(np.ascontiguousarray(obj))}
        if obj.dtype.kind in "US":
            return {_TAG: "ndarray_str", "data": obj.tolist(), "dtype": obj.dtype.str}
        raise TypeError(f"numpy array of dtype {obj.dtype} is not allowed in a safe file")
    if isinstance(obj, dict):
        if _TAG in obj:
            raise TypeError(f"a dict key {_TAG!r} is reserved")
        return {k: encode(v) for k, v in obj.items()}
    if isinstance(obj, list):
        return [encode(v) for v in obj]
    if isinstance(obj, tuple):
        return tuple(encode(v) for v in obj)
    name = f"{type(obj).__module__}.{type(obj).__qualname__}"
    if dataclasses.is_dataclass(obj) and name in _DATACLASSES:
        return {_TAG: "dataclass", "name": name,
                "fields": {f.name: encode(getattr(obj, f.name)) for f in dataclasses.fields(obj)}}
    raise TypeError(f"{name} is not allowed in a safe file (register a dataclass with paperlib.core.safefile.register)")


def decode(tree: Any) -> Any:
    """Inverse of :func:`encode`; only allow-listed types are rebuilt."""
    if isinstance(tree, dict):
        tag = tree.get(_TAG)
        if tag is None:
            return {k: decode(v) for k, v in tree.items()}
        if tag == "ndarray":
            return tree["data"].numpy()
        if tag == "ndarray_str":
            return np.array(tree["data"], dtype=np.dtype(tree["dtype"]))
        if tag == "npscalar":
            return np.dtype(tree["dtype"]).type(tree["value"])
        if tag == "dataclass":
            cls = _DATACLASSES.get(tree["name"])
            if cls is None:
                raise UnsafeFileError(f"dataclass {tree['name']!r} is not on the allow-list")
            return cls(**{k: decode(v) for k, v in tree["fields"].items()})
        raise UnsafeFileError(f"unknown tag {tag!r}")
    if isinstance(tree, list):
        return [decode(v) for v in tree]
    if isinstance(tree, tuple):
        return tuple(decode(v) for v in tree)
    return tree


def dumps(obj: Any) -> bytes:
    """The file's bytes: header with the payload's SHA-256, then the payload."""
    import torch

    buf = io.BytesIO()
    torch.save(encode(obj), buf)
    payload = buf.getvalue()
    return MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload


def loads(data: bytes, where: str = "file") -> Any:
    """Verify the checksum, then read with ``weights_only=True``; :class:`UnsafeFileError` on any mismatch."""
    import torch

    if not data.startswith(MAGIC):
        raise UnsafeFileError(f"{where} is not a paperlib safe file (no {MAGIC.decode().strip()!r} header)")
    head, sep, payload = data[len(MAGIC):].partition(b"\n")
    if not sep or head.decode(errors="replace") != hashlib.sha256(payload).hexdigest():
        raise UnsafeFileError(f"{where}: checksum mismatch (truncated or modified)")
    try:
        tree = torch.load(io.BytesIO(payload), map_location="cpu", weights_only=True)
    except Exception as exc:  # weights_only refuses any global outside torch's own allow-list
        raise UnsafeFileError(f"{where}: refused by the safe loader ({type(exc).__name__}: {exc})") from None
    return decode(tree)


def save(path: str | Path, obj: Any, mode: int | None = None) -> Path:
    """Write ``obj`` to ``path`` atomically in the safe format."""
    data = dumps(obj)
    return atomic_write(path, lambda fh: fh.write(data), mode="wb", permissions=mode)


def load(path: str | Path) -> Any:
    """Read a file written by :func:`save`; :class:`UnsafeFileError` if it does not verify."""
    path = Path(path)
    return loads(path.read_bytes(), where=str(path))
