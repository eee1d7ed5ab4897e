"""Catalogue, notebooks, toc, reported numbers and jupytext pairs agree."""
import re
from pathlib import Path

import jupytext
import pytest
import yaml
from jupytext.compare import compare_notebooks

from paperlib.build.book import toc_text
from paperlib.core import reported
from paperlib.core.catalogue import catalogue, chapters

ROOT = Path(__file__).resolve().parents[2]
SHARED_CATALOGUE = ROOT.parent / "shared" / "papers" / "CATALOGUE.md"


def test_every_item_of_the_shared_catalogue_is_in_catalogue_yaml():
    if not SHARED_CATALOGUE.exists():
        pytest.skip("shared/papers/CATALOGUE.md is not beside this checkout")
    ids = re.findall(r"^\| ([a-z]+-[a-z0-9-]+) \|", SHARED_CATALOGUE.read_text(), re.M)
    assert len(ids) > 50
    assert sorted(ids) == sorted(i.id for i in catalogue())


def test_committed_toc_is_generated_from_the_catalogue():
    assert (ROOT / "book" / "_toc.yml").read_text() == toc_text()


def test_every_notebook_belongs_to_a_catalogue_item_and_chapter_pages_exist():
    known = {i.script for i in catalogue()}
    scripts = set((ROOT / "notebooks").rglob("*.py"))
    assert scripts, "no notebooks"
    assert scripts <= known, f"notebooks not in the catalogue: {sorted(map(str, scripts - known))}"
    for ch in chapters():
        assert (ROOT / "book" / ch / "index.md").is_file()


@pytest.mark.parametrize("item", [i for i in catalogue() if i.implemented], ids=lambda i: i.id)
def test_jupytext_pair_in_sync_and_committed_without_outputs(item):
    assert item.notebook.is_file(), f"{item.notebook} missing: run `make sync`"
    nb = jupytext.read(item.notebook)
    compare_notebooks(nb, jupytext.read(item.script), fmt="py:percent")
    assert nb.metadata["kernelspec"]["name"] == "python3"
    assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")
    assert any("parameters" in c.metadata.get("tags", []) for c in nb.cells)


def test_notebook_install_cell_uses_the_configured_repository():
    url = yaml.safe_load((ROOT / "_config.yml").read_text())["repository"]["url"]
    for item in (i for i in catalogue() if i.implemented):
        assert f'_REPO = "{url}"' in item.script.read_text(), f"{item.id}: run `make sync`"


def test_reported_numbers_load_and_belong_to_catalogue_items():
    ids = {i.id for i in catalogue()}
    assert set(reported.items()) <= ids
    t = reported.load("ce-tab02")
    assert t.tables["four_gaussians"].loc["EGAN-Ent-NN", "pdisc||pemp"] == 0.0993
    assert reported.load("ggcn-tab02").tables["conditional"].loc["GGCN", "IS"] == 7.10
    assert reported.load("sb-tab03").tables["mean_distance"].loc["Joint-W", "CIFAR l2"] == 1.41
    with pytest.raises(KeyError, match="no reported numbers"):
        reported.load("sb-fig03")


def test_agreement_at_printed_precision():
    assert reported.agrees(0.003, 0.0028814) and not reported.agrees(0.003, 0.0036)
    assert reported.agrees(5e-30, 1e-28)
    assert not reported.agrees(12.5, 12.6)
