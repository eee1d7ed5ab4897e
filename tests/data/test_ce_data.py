"""Dai et al. 2017 synthetic sets (spec B.4) and the Table 2 grid KL (spec B.5)."""
from __future__ import annotations

import math

import pytest
import torch

from paperlib.core import reported
from paperlib.data import toy
from paperlib.estimators import metrics


def header_kls(ds) -> tuple[float, float]:
    """(KL(pdata||pemp), KL(pemp||pdata)) on the 100x100 grid, as in the header of Table 2."""
    _, _, pts = ds.mesh(100)
    p_data = metrics.energy_pmf(-ds.mixture.log_prob(pts))
    p_emp = metrics.grid_histogram(ds.data, ds.canvas, 100)
    return float(metrics.grid_kl(p_data, p_emp)), float(metrics.grid_kl(p_emp, p_data))


@pytest.fixture(scope="module", params=list(toy.CE_DATASETS))
def ce(request):
    return toy.dataset(request.param)


def test_seeded_draws_match_the_released_generator(ce):
    # values the spec recomputed from the released generator (B.4): counts, offsets, canvases
    ref = {"four_gaussians": ((-28.085, 29.459, -25.673, 29.715), (0, 0), 7.659078564803155),
           "biased": ((-18.839, 18.208, -19.646, 17.938), (0, 0), 3.48795921713603),
           "two_spirals": ((-12.184, 11.979, -14.076, 14.033), None, None)}[ce.name]
    assert ce.data.shape == (100_000, 2) and ce.data.dtype == torch.float64
    assert ce.canvas == pytest.approx(ref[0], abs=1e-3)
    if ref[2] is not None:
        assert float(ce.means.abs().max()) == pytest.approx(ref[2], abs=1e-12)


def test_four_gaussians_counts_and_covariances():
    ds = toy.four_gaussians()
    assert torch.allclose(ds.mixture.variances, torch.tensor(
        [[5.1842, 2.9680], [5.5558, 9.2257], [9.4712, 4.6065], [7.4241, 3.6627]], dtype=torch.float64), atol=1e-4)
    energies = -ds.mixture.log_prob(ds.means)
    assert energies.tolist() == pytest.approx([4.591, 5.193, 5.112, 4.876], abs=1e-3)


def test_biased_energy_gap_is_log9():
    ds = toy.biased_gaussians()
    light, heavy = (-ds.mixture.log_prob(ds.means)).tolist()
    assert (light, heavy) == pytest.approx((5.749, 3.553), abs=1e-3)
    # log 9 up to the other component's tail at each mean (exp(-v^2 * 4 / 10) ~ 1e-3)
    assert light - heavy == pytest.approx(math.log(9), abs=1e-3)
    w = ds.mixture.weights
    assert float(torch.log(w[1] / w[0])) == pytest.approx(math.log(9), abs=1e-12)
    # counts (9895, 90105), stored by component: the first 9,895 points belong to the light mode
    v = float(ds.means[0, 0])
    assert ds.data[:9895].mean(0).tolist() == pytest.approx([v, v], abs=0.1)
    assert ds.data[9895:].mean(0).tolist() == pytest.approx([-v, -v], abs=0.03)


def test_table2_header_reproduced_from_the_seeded_data(ce):
    """Claim 6: the data-only KLs of Table 2's header come out of the seeded sets."""
    rep = reported.load("ce-tab02").tables["header"]
    kl_de, kl_ed = header_kls(ce)
    if ce.name == "two_spirals":
        # the paper prints the two spiral values under swapped labels (spec B.5)
        paper_de, paper_ed = rep.loc["two_spirals", "pemp||pdata"], rep.loc["two_spirals", "pdata||pemp"]
        assert abs(kl_ed - paper_ed) <= 1e-4                   # 0.38918 vs 0.3892
        # documented mismatch: ours 1.23437, printed 1.2349 (the spec's re-run: 1.23497); the cause of the
        # 5e-4 difference (it sits in the 7,473 empty cells of this direction) is not recovered
        assert abs(kl_de - paper_de) < 1e-3
    else:
        # within one unit of the printed fourth decimal (biased: ours 0.014452, printed 0.0144)
        assert abs(kl_de - rep.loc[ce.name, "pdata||pemp"]) <= 1e-4
        assert abs(kl_ed - rep.loc[ce.name, "pemp||pdata"]) <= 1e-4


def test_grid_histogram_is_nearest_node_and_clamped():
    canvas = (0.0, 1.0, 0.0, 1.0)   # nodes at 0, 0.5, 1 per axis
    pts = torch.tensor([[0.24, 0.0], [0.26, 0.0], [0.9, 0.76], [5.0, -5.0]])
    h = metrics.grid_histogram(pts, canvas, 3)
    expect = torch.zeros(9, dtype=torch.float64)
    expect[0] += 0.25          # (0.24, 0) -> node (0, 0)
    expect[1] += 0.25          # (0.26, 0) -> node ix=1, iy=0
    expect[2 * 3 + 2] += 0.25  # (0.9, 0.76) -> (2, 2)
    expect[2] += 0.25          # outside -> border node ix=2, iy=0
    assert torch.equal(h, expect)
    batched = metrics.grid_histogram(torch.stack([pts, pts]), canvas, 3)
    assert batched.shape == (2, 9) and torch.equal(batched[1], expect)


def test_grid_kl_conventions():
    p = torch.tensor([0.5, 0.5, 0.0])
    q = torch.tensor([0.25, 0.25, 0.5])
    assert float(metrics.grid_kl(p, p)) == pytest.approx(0.0, abs=1e-12)
    assert float(metrics.grid_kl(p, q)) == pytest.approx(math.log(2), rel=1e-6)
    # an empty cell of q costs log(p/eps), finite
    expect = 0.5 * math.log(0.25 / 0.5) + 0.5 * math.log((0.5 + 1e-8) / 1e-8)
    assert float(metrics.grid_kl(q, p)) == pytest.approx(expect, rel=1e-6)
    assert metrics.energy_pmf(torch.tensor([0.0, math.log(3)])).tolist() == pytest.approx([0.75, 0.25])


def test_ce_dataset_rejects_contamination():
    with pytest.raises(ValueError, match="fixed, seeded"):
        toy.dataset("biased", noise_ratio=0.1)
    with pytest.raises(KeyError, match="four_gaussians"):
        toy.dataset("four_gaussian")
