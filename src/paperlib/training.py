r"""The one training loop: :func:`fit` drives any :class:`Trainer`.

Every trainer of the library (Stein Bridging's adversarial and energy GANs, the Dai et al. trainers, the
digit GANs, GEBM energy + base, the RealNVP fits, neural KALE) is a :class:`Trainer`; :func:`fit` gives them
all the same evaluation cadence, non-finite check, checksummed checkpoints with bitwise-identical resume, a
best-state keeper, a tqdm bar and the record of where the parameters lived.

A trainer batches $M$ *members* (one (method, seed) pair each); ``step`` returns each loss as an $(M,)$
tensor so a NaN names the members it hit.
"""
from __future__ import annotations

import copy
import logging
import sys
import time
from pathlib import Path
from typing import Any, Protocol

import numpy as np
import torch

from paperlib.core import safefile

log = logging.getLogger(__name__)


class NonFiniteLossError(FloatingPointError):
    """A loss (or the selection metric) became NaN or infinite; the message names the run, the loss, the
    members whose update uses it, the iteration and the last checkpoint."""


class Trainer(Protocol):
    """What :func:`fit` needs."""

    name: str                                   # the run, as messages and the progress bar call it
    members: list[tuple[str, int]]              # one (method, seed) label per member
    iteration: int

    def step(self) -> dict[str, torch.Tensor]: ...              # one iteration; each loss of shape (M,)
    def evaluate(self, final: bool = False) -> dict[str, Any]: ...
    def modules(self) -> dict[str, torch.nn.Module]: ...        # every network (device, best state)
    def state_dict(self) -> dict: ...
    def load_state_dict(self, state: dict) -> None: ...
    # optional: loss_users(name) -> bool tensor (M,): the members whose update uses loss ``name``


def device_of(trainer) -> str:
    """Where the trainer's parameters live (``"cpu"``, ``"cuda:0"``); every parameter must agree."""
    devices = {str(p.device) for m in trainer.modules().values() for p in m.parameters()}
    devices |= {str(b.device) for m in trainer.modules().values() for b in m.buffers()}
    if len(devices) != 1:
        raise RuntimeError(f"{trainer.name}: parameters live on several devices {sorted(devices)}")
    return devices.pop()


def _structure(state: Any, prefix: str = "") -> dict[str, Any]:
    """Nested keys of a state with each tensor's shape and dtype (what a checkpoint must match)."""
    if isinstance(state, dict):
        out: dict[str, Any] = {}
        for k, v in state.items():
            out.update(_structure(v, f"{prefix}/{k}"))
        return out
    if isinstance(state, torch.Tensor):
        return {prefix: (tuple(state.shape), str(state.dtype))}
    return {prefix: type(state).__name__}


def _module_structure(trainer) -> dict[str, Any]:
    return _structure({k: m.state_dict() for k, m in trainer.modules().items()})


def _check_finite(trainer, losses: dict[str, torch.Tensor], where: str) -> None:
    users = getattr(trainer, "loss_users", None)
    for name, v in losses.items():
        v = v.reshape(-1)
        bad = ~torch.isfinite(v)
        if users is not None:
            bad = bad & users(name).reshape(-1).to(bad.device)
        if bool(bad.any()):
            idx = bad.nonzero().flatten().tolist()
            who = ", ".join(f"{trainer.members[i][0]} (seed {trainer.members[i][1]})" for i in idx)
            raise NonFiniteLossError(
                f"{trainer.name}: loss {name!r} is {float(v[idx[0]])} for {who} at iteration {trainer.iteration}"
                f"{where}. Lower the learning rates or check the data for NaN/inf.")


def _resume(trainer, path: Path) -> dict | None:
    """The checkpoint's history after loading its state into ``trainer``; None (trainer untouched) when the
    file does not verify or does not match the trainer's structure."""
    try:
        st = safefile.load(path)
        state, structure = st["trainer"], st["structure"]
    except (safefile.UnsafeFileError, KeyError, TypeError, OSError) as exc:
        log.warning("checkpoint %s refused (%s); training from scratch", path, exc)
        print(f"checkpoint {path.name} refused ({exc}); training from scratch")
        return None
    if structure != _module_structure(trainer):
        print(f"checkpoint {path.name} refused (its networks do not match this trainer's); training from scratch")
        return None
    fresh = copy.deepcopy(trainer.state_dict())
    try:
        trainer.load_state_dict(state)
    except Exception as exc:  # any half-applied state is rolled back before training starts
        trainer.load_state_dict(fresh)
        print(f"checkpoint {path.name} refused ({type(exc).__name__}: {exc}); training from scratch")
        return None
    print(f"resuming from {path.name} at iteration {trainer.iteration}")
    return st["history"]


def save_checkpoint(path: Path, trainer, history: dict) -> None:
    safefile.save(path, {"trainer": trainer.state_dict(), "history": history,
                         "structure": _module_structure(trainer)})


def _in_notebook() -> bool:
    shell = sys.modules.get("IPython")
    ip = shell.get_ipython() if shell is not None else None
    return ip is not None and "ipykernel" in sys.modules


def fit(trainer, iterations: int, eval_every: int, checkpoint: str | Path | None = None,
        checkpoint_every: int = 1000, progress: bool = True, stop_after: int | None = None,
        keep_best: str | None = None, restore_best: bool = True) -> dict:
    r"""Train ``trainer`` to ``iterations`` steps; returns the metric history and the final metrics.

    * every ``eval_every`` iterations (and at the last) ``trainer.evaluate()`` is logged;
    * every ``checkpoint_every`` iterations the full state is written (safe format, checksum inside) to
      ``checkpoint``; an existing checkpoint is resumed, one that does not verify or match is refused;
    * ``keep_best``: the name of a scalar metric of ``evaluate`` to minimise; the best modules' state is kept
      (and loaded back at the end with ``restore_best``), ``out["best"]`` says when and at what value;
    * ``stop_after`` stops early as an interruption would (the resume tests use it).
    """
    from tqdm import tqdm  # plain tqdm: no widget warnings in executed notebooks

    path = Path(checkpoint) if checkpoint else None
    history: dict[str, Any] = {"iteration": [], "seconds": 0.0, "best": None}
    saved_at = None
    if path is not None and path.exists():
        resumed = _resume(trainer, path)
        if resumed is not None:
            history, saved_at = resumed, trainer.iteration
    best_state = None
    if keep_best and history.get("best") is not None:
        best_state = history["best"]["state"]
    t0 = time.perf_counter() - history["seconds"]
    # a compact bar on a terminal and in a notebook page (on stdout: stderr is for warnings), none in a log
    # file or a test; the executor keeps a page's bar at its final state (build.execute.tidy_notebook)
    show = progress and (sys.stdout.isatty() or _in_notebook())
    bar = tqdm(total=iterations, initial=trainer.iteration, disable=not show, mininterval=5, file=sys.stdout,
               desc=trainer.name, leave=_in_notebook(), ncols=88)
    try:
        while trainer.iteration < iterations:
            losses = trainer.step()
            where = (f"; the last checkpoint ({path}) holds iteration {saved_at}" if saved_at is not None
                     else "; no checkpoint was written yet")
            _check_finite(trainer, losses, where)
            bar.update(1)
            t = trainer.iteration
            if t % eval_every == 0 or t == iterations:
                ev = trainer.evaluate(final=False)
                history["iteration"].append(t)
                for k, v in ev.items():
                    history.setdefault(k, []).append(v)
                if keep_best:
                    value = float(ev[keep_best])
                    if not np.isfinite(value):
                        raise NonFiniteLossError(f"{trainer.name}: {keep_best} is {value} at iteration {t}{where}")
                    if history["best"] is None or value < history["best"]["value"]:
                        best_state = {k: copy.deepcopy(m.state_dict()) for k, m in trainer.modules().items()}
                        history["best"] = {"iteration": t, "value": value, "state": best_state}
            history["seconds"] = time.perf_counter() - t0
            if path is not None and (t % checkpoint_every == 0) and t < iterations:
                save_checkpoint(path, trainer, history)
                saved_at = t
            if stop_after is not None and t >= stop_after:
                raise KeyboardInterrupt(f"stopped after iteration {t} (stop_after)")
    finally:
        bar.close()
    best = history.get("best")
    if keep_best and best is not None and restore_best:
        for k, m in trainer.modules().items():
            m.load_state_dict(best["state"][k])
    final = trainer.evaluate(final=True)
    logged = {k: v for k, v in history.items() if k not in ("iteration", "seconds", "best")}
    return {"iteration": np.array(history["iteration"]),
            "history": {k: _stack(v) for k, v in logged.items()},
            "final": final, "seconds": history["seconds"], "members": list(trainer.members),
            "device": device_of(trainer),
            "best": None if best is None else {"iteration": best["iteration"], "value": best["value"]}}


def _stack(values: list) -> Any:
    try:
        return np.stack([np.asarray(v) for v in values])
    except ValueError:  # ragged entries stay a list
        return values
