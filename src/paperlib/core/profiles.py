"""Profiles (`smoke` / `cpu` / `paper`) and the resolved configuration of one run.

``resolve(item, profile, seed=..., device=..., **overrides)`` merges ``profiles.yaml``
(common, then the profile's block, then the overrides) and rejects any unknown profile,
item or parameter with a message that lists the valid names.
"""
from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from paperlib.core.catalogue import item as lookup_item

DEFAULT_PROFILE = "cpu"
RUN_PARAMETERS = ("profile", "seed", "device")


class ProfileError(ValueError):
    """Unknown profile, parameter or device; the message lists the valid choices."""


@lru_cache(maxsize=1)
def _table() -> dict:
    text = resources.files("paperlib.core").joinpath("profiles.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text)


def profile_names() -> tuple[str, ...]:
    return tuple(_table()["profiles"])


def page_timeouts() -> dict[str, int]:
    """Whole-page time limit of each profile in seconds (``page_timeout`` in profiles.yaml)."""
    return dict(_table()["page_timeout"])


def parse_value(name: str, text: str, default: Any, item_id: str = "") -> Any:
    """A ``--param`` string as the type of the parameter's default: ``1e30`` is a float (YAML 1.1 reads it as a
    string), ``[1, 2]`` a list, ``true`` a bool; anything unparsable raises :class:`ProfileError`."""
    where = f"{item_id}: " if item_id else ""
    try:
        if isinstance(default, bool):
            low = text.strip().lower()
            if low not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(text)
            return low in ("true", "1", "yes")
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            return float(text)
        if isinstance(default, str):
            return text
        value = yaml.safe_load(text)
    except (ValueError, yaml.YAMLError):
        raise ProfileError(f"{where}parameter {name!r} must be {type(default).__name__} like its default "
                           f"{default!r}, got {text!r}") from None
    if isinstance(default, (list, tuple)) and isinstance(value, list):
        value = [parse_value(f"{name}[{i}]", v, default[0], item_id) if isinstance(v, str) and default
                 and not isinstance(default[0], str) else v for i, v in enumerate(value)]
    return value


def suggest(name: str, valid) -> str:
    close = difflib.get_close_matches(name, list(valid), n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def check_profile(profile: str) -> str:
    names = profile_names()
    if profile not in names:
        raise ProfileError(
            f"unknown profile {profile!r}{suggest(str(profile), names)}; valid profiles: {', '.join(names)}")
    return profile


def item_parameters(item_id: str, profile: str = DEFAULT_PROFILE) -> dict[str, Any]:
    """The item's budget for ``profile`` (common block overridden by the profile's block)."""
    check_profile(profile)
    lookup_item(item_id)  # unknown id -> KeyError with suggestions
    spec = _table().get("items", {}).get(item_id, {})
    params = dict(spec.get("common") or {})
    params.update(spec.get(profile) or {})
    return params


def check_device(device: str) -> str:
    """Resolve ``auto`` to cuda when available, else cpu; reject unknown or unavailable devices."""
    device = str(device)
    valid = ("auto", "cpu", "cuda", "cuda:N", "mps")
    if not (device in ("auto", "cpu", "cuda", "mps") or (device.startswith("cuda:") and device[5:].isdigit())):
        raise ProfileError(f"unknown device {device!r}; valid devices: {', '.join(valid)}")
    if device == "cpu":
        return device
    import torch  # only needed to look for an accelerator

    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    if device.startswith("cuda") and not torch.cuda.is_available():
        raise ProfileError(f"device {device!r} requested but torch sees no CUDA device; use device='cpu'")
    if device == "mps" and not torch.backends.mps.is_available():
        raise ProfileError("device 'mps' requested but it is not available; use device='cpu'")
    return device


@dataclass(frozen=True)
class Config:
    """One resolved run: item, profile, seed, device and the item's parameters."""

    item: str
    profile: str
    seed: int
    device: str
    params: dict[str, Any] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        params = object.__getattribute__(self, "params")
        if name in params:
            return params[name]
        raise AttributeError(f"{name!r} is not a parameter of {object.__getattribute__(self, 'item')}; "
                             f"parameters: {', '.join(sorted(params)) or '(none)'}")

    def __getitem__(self, name: str) -> Any:
        return self.params[name]

    def as_dict(self) -> dict[str, Any]:
        return {"item": self.item, "profile": self.profile, "seed": self.seed,
                "device": self.device, "params": dict(self.params)}

    def key(self) -> str:
        """Canonical JSON of everything that determines the result (device excluded)."""
        d = self.as_dict()
        d.pop("device")
        return json.dumps(d, sort_keys=True, default=str)


def _coerce(name: str, value: Any, default: Any, item_id: str) -> Any:
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        ok = isinstance(value, bool)
    elif isinstance(default, int):
        ok = isinstance(value, int) and not isinstance(value, bool)
    elif isinstance(default, float):
        ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        value = float(value) if ok else value
    elif isinstance(default, (list, tuple)):
        ok = isinstance(value, (list, tuple))
        value = list(value) if ok else value
    else:
        ok = isinstance(value, type(default))
    if not ok:
        raise ProfileError(f"{item_id}: parameter {name!r} must be {type(default).__name__} "
                           f"like its default {default!r}, got {value!r}")
    return value


def resolve(item_id: str, profile: str = DEFAULT_PROFILE, seed: int = 0, device: str = "auto",
            **overrides: Any) -> Config:
    """Resolve the configuration of ``item_id`` under ``profile`` with ``overrides``.

    >>> resolve("sb-fig02", "smoke").profile
    'smoke'
    """
    params = item_parameters(item_id, profile)
    unknown = sorted(set(overrides) - set(params))
    if unknown:
        valid = sorted(set(params) | set(RUN_PARAMETERS))
        hints = "".join(suggest(u, valid) for u in unknown)
        raise ProfileError(f"{item_id}: unknown parameter(s) {', '.join(map(repr, unknown))}{hints}; "
                           f"valid parameters: {', '.join(valid)}")
    for k, v in overrides.items():
        params[k] = _coerce(k, v, params[k], item_id)
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise ProfileError(f"seed must be an int, got {seed!r}")
    return Config(item=item_id, profile=profile, seed=seed, device=check_device(device), params=params)
