"""Typed training settings: frozen dataclasses built from a page's parameters, unknown keys rejected.

One precedence everywhere (:func:`for_dataset`), lowest first:

1. the dataclass defaults (the released code's values);
2. the released code's per-dataset values (``dataset_values``);
3. the page's parameters (``profiles.yaml`` budget and ``-p`` / ``--param`` overrides);
4. the page's parameters named ``<key>_<dataset>`` (``iterations_two_spiral``), which beat ``<key>``.

A parameter that is neither a field nor a declared page knob is an error that lists the valid names.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterable, Mapping, TypeVar

from paperlib.core.profiles import ProfileError, suggest

S = TypeVar("S")


def from_params(cls: type[S], params: Mapping[str, Any], knobs: Iterable[str] = ()) -> S:
    """``cls(**params)`` with lists turned into tuples; keys in ``knobs`` (page-level parameters that are not
    settings) are skipped, any other unknown key raises :class:`ProfileError` naming the valid keys."""
    names = [f.name for f in dataclasses.fields(cls)]
    knobs = set(knobs)
    unknown = sorted(set(params) - set(names) - knobs)
    if unknown:
        valid = sorted(set(names) | knobs)
        hints = "".join(suggest(u, valid) for u in unknown)
        raise ProfileError(f"{cls.__name__}: unknown setting(s) {', '.join(map(repr, unknown))}{hints}; "
                           f"valid: {', '.join(valid)}")
    return cls(**{k: (tuple(v) if isinstance(v, list) else v) for k, v in params.items() if k in names})


def for_dataset(cls: type[S], dataset: str, dataset_values: Mapping[str, Mapping[str, Any]],
                params: Mapping[str, Any], knobs: Iterable[str] = ()) -> S:
    """Settings of ``cls`` for ``dataset`` with the precedence of the module docstring."""
    if dataset not in dataset_values:
        raise KeyError(f"unknown dataset {dataset!r}; available: {', '.join(dataset_values)}")
    suffixed = {f"_{d}" for d in dataset_values}
    per_dataset = {k: v for k, v in params.items() if any(k.endswith(s) for s in suffixed)}
    merged = {**dataset_values[dataset], **{k: v for k, v in params.items() if k not in per_dataset}}
    for k, v in per_dataset.items():
        if k.endswith(f"_{dataset}"):
            merged[k[:-len(dataset) - 1]] = v
    return from_params(cls, merged, knobs)


def as_dict(settings: Any) -> dict[str, Any]:
    return dataclasses.asdict(settings)
