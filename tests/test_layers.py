"""The folder tree is the architecture: every import inside ``src/paperlib`` points down (or stays in its layer),
and pages import only what the page contract allows."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "paperlib"
# layer -> rank; a module may import its own layer or any layer of a lower rank (README, "Architecture")
RANK = {"core": 0, "nets": 1, "data": 1, "theory": 1, "training": 1, "plotting": 2, "estimators": 2,
        "sampling": 3, "methods": 4, "experiments": 5, "build": 6}
PAGE_IMPORTS = {"paperlib", "paperlib.experiments", "paperlib.plotting", "paperlib.plotting.diagrams",
                "paperlib.core", "paperlib.core.claims"}
PAGE_NAMES_FROM_CORE = {"reported", "sanity", "verdicts"}


def _imports(path: Path) -> list[tuple[str, list[str]]]:
    tree = ast.parse(path.read_text())
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level:
            out.append(("." * node.level + (node.module or ""), []))
    return out


def _layer(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "paperlib" else None


def test_every_module_belongs_to_a_layer():
    assert {p.name if p.is_dir() else p.stem for p in SRC.iterdir()
            if p.name not in ("__init__.py", "__pycache__")} == set(RANK)


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_point_down(path):
    rel = path.relative_to(SRC)
    if rel == Path("__init__.py"):
        own = -1    # the package's front door: core, and the house style for setup()
        allowed = {"core", "plotting"}
    else:
        own_layer = rel.parts[0] if len(rel.parts) > 1 else rel.stem
        own = RANK[own_layer]
        allowed = {layer for layer, r in RANK.items() if r < own} | {own_layer}
    for module, _ in _imports(path):
        assert not module.startswith("."), f"{rel}: relative import {module!r} (use absolute paperlib.* imports)"
        layer = _layer(module)
        if layer is not None:
            assert layer in allowed, f"{rel} (rank {own}) imports {module} (layer {layer}, rank {RANK[layer]})"


@pytest.mark.parametrize("path", sorted((ROOT / "notebooks").rglob("*.py")), ids=lambda p: p.name)
def test_pages_import_only_the_page_api(path):
    for module, names in _imports(path):
        if not module.startswith("paperlib"):
            continue
        assert module in PAGE_IMPORTS, f"{path.name} imports {module}"
        if module == "paperlib.core":
            assert set(names) <= PAGE_NAMES_FROM_CORE, f"{path.name} imports {names} from paperlib.core"
        if module == "paperlib.experiments":
            chapter = path.parent.name
            assert names == [chapter], f"{path.name} imports experiments {names}, not its chapter {chapter}"


def test_every_test_folder_is_collected(request):
    """pytest skips folders matching `norecursedirs` (its default includes `build`): none of ours may match."""
    from fnmatch import fnmatch
    patterns = request.config.getini("norecursedirs")
    folders = {p.parent.name for p in (ROOT / "tests").rglob("test_*.py")} - {"tests"}
    assert folders and not [f for f in folders for pat in patterns if fnmatch(f, pat)]


def test_legibility_measures_a_figure_at_the_book_width():
    import io

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from paperlib.plotting import legibility, legibility_problems, use_style

    use_style()
    stats = {}
    for name, size in (("narrow", (6.4, 4)), ("strip", (18, 4))):
        fig, axes = plt.subplots(1, 2, figsize=size)
        axes[0].set_title("(a) one")
        axes[1].set_title("(a) two")
        axes[0].plot([1, 2], label="x")
        axes[0].legend()
        buf = io.StringIO()
        fig.savefig(buf, format="svg")
        plt.close(fig)
        stats[name] = legibility(buf.getvalue())
    assert stats["narrow"]["scale"] == 1.0 and stats["narrow"]["min_font_pt"] == 10
    assert stats["strip"]["scale"] < 0.6 and stats["strip"]["rendered_min_font_pt"] < 8
    problems = " ".join(legibility_problems(stats["strip"]))
    assert "renders at" in problems and "strip" in problems and "used twice: ['a']" in problems
    assert legibility_problems(stats["narrow"]) == ["panel labels used twice: ['a']"]
