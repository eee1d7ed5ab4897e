"""The item catalogue: id -> chapter, title, paper reference, tier, spec section, notebook path.

``catalogue.yaml`` is the single source; the book's table of contents and the scorecard are
generated from it, and a test keeps notebooks, toc and catalogue in agreement.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import yaml

from paperlib.core import paths

TIERS = ("full", "scaled", "gpu", "diagram")


@dataclass(frozen=True)
class Item:
    id: str
    chapter: str
    slug: str
    tier: str
    spec: str
    ref: str
    title: str
    stand_in: str = ""   # the data this book substitutes for the paper's (named in the page's banner)

    @property
    def stem(self) -> str:
        """File stem shared by the notebook, the executed page and the results record."""
        return f"{self.id}_{self.slug}"

    @property
    def notebook(self) -> Path:
        """The paired .ipynb that papermill executes (the .py beside it is the source)."""
        return paths.notebooks_dir() / self.chapter / f"{self.stem}.ipynb"

    @property
    def script(self) -> Path:
        return self.notebook.with_suffix(".py")

    @property
    def implemented(self) -> bool:
        return self.script.is_file()

    @property
    def docname(self) -> str:
        """Document name in the book (relative to book/, no suffix)."""
        return f"{self.chapter}/{self.stem}"


@lru_cache(maxsize=1)
def _load() -> dict:
    text = resources.files("paperlib.core").joinpath("catalogue.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    items = [Item(**row) for row in data["items"]]
    ids = [i.id for i in items]
    dup = {i for i in ids if ids.count(i) > 1}
    if dup:
        raise ValueError(f"duplicate item ids in catalogue.yaml: {sorted(dup)}")
    for it in items:
        if it.tier not in TIERS:
            raise ValueError(f"{it.id}: unknown tier {it.tier!r}, expected one of {TIERS}")
        if it.chapter not in data["chapters"]:
            raise ValueError(f"{it.id}: unknown chapter {it.chapter!r}")
    return {"chapters": data["chapters"], "items": items}


def catalogue() -> list[Item]:
    """All items, in catalogue order."""
    return list(_load()["items"])


def chapters() -> dict[str, dict]:
    """chapter key -> {title, paper, spec}, in catalogue order."""
    return dict(_load()["chapters"])


def item(item_id: str) -> Item:
    """Look an item up by id; an unknown id is an error naming the closest ids."""
    for it in _load()["items"]:
        if it.id == item_id:
            return it
    ids = [i.id for i in _load()["items"]]
    close = difflib.get_close_matches(item_id, ids, n=3)
    hint = f" Did you mean {', '.join(close)}?" if close else ""
    raise KeyError(f"unknown item id {item_id!r}.{hint} Run `paperlib list` for all ids.")


def items_of(chapter: str) -> list[Item]:
    if chapter not in chapters():
        raise KeyError(f"unknown chapter {chapter!r}; chapters: {', '.join(chapters())}")
    return [i for i in catalogue() if i.chapter == chapter]
