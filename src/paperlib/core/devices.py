"""Where tensors live: one function to move data and networks, and a note of every device used.

Random numbers are always drawn on the CPU from seeded generators and then moved, so a run makes the same
draws on every device. :func:`place` moves a tensor or module and notes the device it landed on;
:func:`used` lists them, and :func:`paperlib.core.record.record` writes that list into the page's record (an
empty list: every result came from the cache, nothing was computed here).
"""
from __future__ import annotations

from typing import TypeVar

import torch

T = TypeVar("T")
_USED: set[str] = set()


def place(x: T, device: str | torch.device) -> T:
    """``x.to(device)`` for a tensor or a module, noting where it landed."""
    out = x.to(device)
    probe = out if isinstance(out, torch.Tensor) else next(iter(out.parameters()), None)
    if probe is not None:
        _USED.add(str(probe.device))
    return out


def used() -> list[str]:
    """The devices :func:`place` put tensors or networks on in this process."""
    return sorted(_USED)
