"""Toy datasets and the metrics of spec A.4 against the spec's reference values and closed forms."""
from __future__ import annotations

import math

import pytest
import torch

from paperlib.data import toy
from paperlib.estimators import metrics


@pytest.fixture(scope="module", params=["two_circle", "two_spiral"])
def ds(request):
    return toy.dataset(request.param)


# spec A.4 [proto]: (fresh exact samples, uniform in the data box, all mass in one component)
REF = {"two_circle": {"mmd": (0.00104, 0.0144, 0.691), "hsr": (0.918, 0.219, 0.924), "auc": 1.000},
       "two_spiral": {"mmd": (0.00025, 0.0299, 0.769), "hsr": (0.879, 0.263, 0.792), "auc": 0.787}}


def _references(ds):
    g = torch.Generator().manual_seed(1)
    n = ds.data.shape[0]
    lo, hi = ds.data.min(0).values, ds.data.max(0).values
    fresh = ds.mixture.sample(n, g)
    uniform = lo + (hi - lo) * torch.rand(n, 2, generator=g, dtype=torch.float64)
    collapse = ds.mixture.sample_components(torch.zeros(n, dtype=torch.long), g)
    return fresh, uniform, collapse


def test_dataset_shapes_and_canvas(ds):
    n, k = {"two_circle": (2000, 24), "two_spiral": (5000, 100)}[ds.name]
    assert ds.data.shape == (n, 2) and ds.means.shape == (k, 2)
    x0, x1, y0, y1 = ds.canvas
    assert x0 < ds.data[:, 0].min() and ds.data[:, 0].max() < x1 and y0 < ds.data[:, 1].min()
    X, Y, pts = ds.mesh(50)
    assert X.shape == (50, 50) and pts.shape == (2500, 2)


def test_log_density_is_normalised_and_score_matches_autograd(ds):
    _, _, pts = ds.mesh(400)
    x0, x1, y0, y1 = ds.canvas
    cell = (x1 - x0) / 399 * (y1 - y0) / 399
    assert float(ds.mixture.density(pts).sum() * cell) == pytest.approx(1.0, abs=0.01)
    x = ds.data[:50].clone().requires_grad_(True)
    (g,) = torch.autograd.grad(ds.mixture.log_prob(x).sum(), x)
    assert torch.allclose(ds.mixture.score(x), g, atol=1e-10)


def test_two_circle_peak_density_matches_pickle():
    # spec A.3.1: the stored peak density is (1/24) / (2 pi 0.2) = 0.03316
    mix = toy.two_circle().mixture
    assert float(mix.density(mix.means[8:9])) == pytest.approx(1 / 24 / (2 * math.pi * 0.2), rel=1e-3)


def test_two_spiral_is_sorted_by_component():
    ds = toy.two_spiral()
    # 50 points per component in component order (quirk Q2): block means sit on the component means
    block_means = ds.data.reshape(100, 50, 2).mean(1)
    assert (block_means - ds.means).norm(dim=1).max() < 4 * math.sqrt(0.1 / 50) * math.sqrt(2)


def test_mmd_reference_values(ds):
    got = [float(metrics.mmd(ds.data, y)) for y in _references(ds)]
    want = REF[ds.name]["mmd"]
    assert got[0] == pytest.approx(want[0], rel=0.5, abs=3e-4)
    assert got[1] == pytest.approx(want[1], rel=0.15)
    assert got[2] == pytest.approx(want[2], rel=0.1)


def test_mmd_unbiased_is_near_zero_for_exact_samples(ds):
    fresh = _references(ds)[0]
    assert abs(float(metrics.mmd(ds.data, fresh, estimator="unbiased"))) < 3e-4
    assert float(metrics.mmd(ds.data, fresh)) > float(metrics.mmd(ds.data, fresh, estimator="unbiased"))


def test_hsr_reference_values(ds):
    got = [float(metrics.hsr(y, ds.means, ds.hsr_threshold)) for y in _references(ds)]
    for g, w in zip(got, REF[ds.name]["hsr"]):
        assert g == pytest.approx(w, abs=0.03)
    if ds.name == "two_circle":  # analytic: P(chi2_2 < 1 / 0.2) = 1 - exp(-2.5)
        assert got[0] == pytest.approx(1 - math.exp(-2.5), abs=0.02)


def test_auc_of_the_true_density(ds):
    got = metrics.means_vs_boxes_auc(ds.mixture.log_prob, ds.means, ds.auc_half_side)
    assert got == pytest.approx(REF[ds.name]["auc"], abs=0.03)
    # a constant density ranks nothing: AUC one half (ties count one half)
    flat = metrics.means_vs_boxes_auc(lambda p: torch.zeros(p.shape[0]), ds.means, ds.auc_half_side)
    assert flat == pytest.approx(0.5)


def test_auc_batched_over_members_matches_single(ds):
    f = lambda p: torch.stack([ds.mixture.log_prob(p), -ds.mixture.log_prob(p)])  # noqa: E731
    both = metrics.means_vs_boxes_auc(f, ds.means, ds.auc_half_side)
    assert both[0] == pytest.approx(metrics.means_vs_boxes_auc(ds.mixture.log_prob, ds.means, ds.auc_half_side))
    assert both[1] == pytest.approx(1 - both[0])


def test_grid_kl_js(ds):
    t = ds.true_density_mesh(100)
    kl, js = metrics.grid_kl_js(t, t)
    assert kl == pytest.approx(0, abs=1e-12) and js == pytest.approx(0, abs=1e-12)
    kl_u, js_u = metrics.grid_kl_js(t, torch.ones_like(t))
    assert kl_u > 1.0 and 0 < js_u < math.log(2)
    # scale invariance of the model density (it is renormalised on the grid)
    assert metrics.grid_kl_js(t, 7 * t.sqrt())[0] == pytest.approx(metrics.grid_kl_js(t, t.sqrt())[0])


def test_coverage(ds):
    _, _, pts = ds.mesh(100)
    assert metrics.coverage(ds.mixture.log_prob(ds.means), ds.mixture.log_prob(pts), ds.cover_fraction) > 0.9
    one = toy.Mixture.isotropic(ds.means[:1], 0.2)
    share = metrics.coverage(one.log_prob(ds.means), one.log_prob(pts), ds.cover_fraction)
    assert share <= 5 / len(ds.means)  # the one component and at most its close neighbours


def test_contaminated_and_few_sample_variants():
    ds = toy.dataset("two_circle", noise_ratio=0.25)
    assert ds.data.shape == (2500, 2) and ds.clean.shape == (2000, 2)
    assert torch.equal(ds.reference, ds.clean)
    noise = ds.data[2000:]
    assert metrics.hsr(noise, ds.means, ds.hsr_threshold) < 0.5  # the outliers are mostly off-mode
    small = toy.dataset("two_spiral", n=300)
    assert small.data.shape == (300, 2)
    with pytest.raises(KeyError, match="two_circle"):
        toy.dataset("two_circles")
    with pytest.raises(ValueError, match="ratio"):
        toy.contaminate(toy.two_circle(), 1.5)
