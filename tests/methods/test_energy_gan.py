"""Dai et al. 2017 methods: entropy estimators, the CE trainers, runs and the finite-space theory."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from paperlib.experiments import calibrating_ebgan as cex
from paperlib.core.cache import Cache
from paperlib.data import toy
from paperlib.estimators import entropy
from paperlib.methods import energy_gan as ce
from paperlib.training import fit

TINY = dict(hidden=16, batch=100, eval_every=5, eval_samples=500, final_samples=1000, diagnostic_points=200,
            iterations=10, gan_iterations=10)


@pytest.fixture(scope="module")
def biased():
    return toy.dataset("biased")


def test_knn_score_estimates_the_gaussian_score():
    """For N(0, I) the score is -x; the kNN estimate of spec B.2.1 recovers it on average in the bulk
    (per point it is noisy: the regression slope on -x is what the generator's batch sum sees)."""
    g = torch.Generator().manual_seed(0)
    x = torch.randn(1, 4000, 2, generator=g, dtype=torch.float64)
    d = entropy.knn_score(x, k=20)[0]
    bulk = x[0].norm(dim=1) < 1.5
    slope = (d[bulk] * -x[0][bulk]).sum() / (x[0][bulk] ** 2).sum()
    assert 0.8 < float(slope) < 1.8          # 1.30 here; a wrong sign or scale fails


def test_gaussian_nll_matches_torch_distributions():
    g = torch.Generator().manual_seed(1)
    z, mu, ls = (torch.randn(5, 4, generator=g, dtype=torch.float64) for _ in range(3))
    exact = -torch.distributions.Normal(mu, ls.exp()).log_prob(z).sum(-1) - 2 * math.log(2 * math.pi)
    assert torch.allclose(entropy.gaussian_nll(z, mu, ls), exact, rtol=1e-4)  # up to the 1e-6 in (z-mu)/(1e-6+sigma)
    half = entropy.gaussian_nll(z, mu, ls, half_log_sigma=True)
    assert torch.allclose(half, exact - 0.5 * ls.sum(-1), rtol=1e-4)


def test_settings_per_dataset_and_lr_schedule():
    s = ce.settings("two_spirals", {"iterations_two_spirals": 30_000})
    assert (s.knn_weight, s.margin, s.init_std, s.iterations) == (0.25, 10.0, (0.1, 0.01), 30_000)
    assert s.iterations_per_epoch == 60                      # 500 epochs compressed into 30k iterations
    assert s.lr_at(0) == s.lr_at(200 * 60 - 1) == 2e-4        # constant for 200 epochs
    assert s.lr_at(201 * 60) == pytest.approx(2e-4 * 0.99)
    assert s.lr_at(29_999) == pytest.approx(max(1e-5, 2e-4 * 0.99 ** 299))
    b = ce.settings("biased", {})
    assert b.margin == 10.0 and b.gap_window == (-0.2, 0.1) and b.lr_at(200) == pytest.approx(2e-4 * 0.985)
    assert ce.settings("four_gaussians", {}).margin is None
    with pytest.raises(KeyError, match="four_gaussians"):
        ce.settings("four_gaussian", {})


def test_every_model_trains_and_evaluates(biased):
    s = ce.settings("biased", TINY)
    egan = ce.EnergyGANTrainer(biased, [(m, 0) for m in ce.ENERGY_GANS], s)
    gan = ce.GANTrainer(biased, [("GAN", 0), ("GAN", 1)], s)
    for tr in (egan, gan):
        before = [p.detach().clone() for p in tr.generator.parameters()]
        for _ in range(3):
            assert all(torch.isfinite(v).all() for v in tr.step().values())
        assert any((a != p).any() for a, p in zip(before, tr.generator.parameters()))
        ev = tr.evaluate(final=True)
        assert set(ce.COLUMNS) <= set(ev) and {"slope", "energy_gap", "heavy_mass"} <= set(ev)
        assert all(v.shape == (tr.M,) and np.isfinite(v).all() for v in ev.values())
        f = tr.gradient_fields()
        assert f["points"].shape == (tr.M, 200, 2)
        assert torch.allclose(f["total"], f["energy"] + f["entropy"], atol=1e-5)
    fields = egan.gradient_fields()["entropy"]
    assert fields[0].abs().max() == 0 and fields[1].abs().max() > 0 and fields[2].abs().max() > 0  # Const has none
    with pytest.raises(ValueError, match="GAN baseline"):
        ce.GANTrainer(biased, [("EGAN-Const", 0)], s)
    with pytest.raises(KeyError, match="Dai et al. methods"):
        ce.EnergyGANTrainer(biased, [("EGAN", 0)], s)


def test_gap_schedule_masks_updates(biased):
    """Outside the window only one side moves: gap above rbound -> the generator is frozen."""
    s = ce.settings("biased", TINY)
    tr = ce.EnergyGANTrainer(biased, [("EGAN-Ent-NN", 0), ("EGAN-Ent-NN", 0)], s)
    tr.gap = torch.tensor([5.0, -5.0])              # member 0: D only; member 1: G only (lbound -0.2)
    g0 = [p.detach().clone() for p in tr.generator.parameters()]
    e0 = [p.detach().clone() for p in tr.energy.parameters()]
    tr.step()
    g_moved = torch.stack([torch.stack([(a[m] != p[m]).any() for a, p in zip(g0, tr.generator.parameters())]).any()
                           for m in range(2)])
    e_moved = torch.stack([torch.stack([(a[m] != p[m]).any() for a, p in zip(e0, tr.energy.parameters())]).any()
                           for m in range(2)])
    assert g_moved.tolist() == [False, True] and e_moved.tolist() == [True, False]


def test_table2_row_and_calibration_slope():
    ref = ce.Reference(toy.dataset("biased"))
    true = ref.energy[None]
    row = ce.table2_row(ref, ref.p_emp[None], ref.p_data[None])
    assert row["pdisc||pdata"][0] == pytest.approx(0.0, abs=1e-12)      # p_disc of the true energy is p_data
    assert row["pgen||pemp"][0] == pytest.approx(0.0, abs=1e-12)
    assert row["pdisc||pemp"][0] == pytest.approx(float(ref.header()["pdata||pemp"]), rel=1e-12)
    w = ce.calibration_slope(ref, torch.cat([0.15 * true + 3.0, torch.zeros_like(true)]))
    assert w == pytest.approx([0.15, 0.0], abs=1e-9)


def test_run_is_cached_and_resumes(tmp_path):
    params = {**TINY, "iterations": 6, "gan_iterations": 6, "eval_every": 3}
    cache = Cache(tmp_path)
    first = cex.suite("biased", params, cache=cache, progress=False)
    assert [m for m, _ in first["members"]] == ["GAN", "EGAN-Const", "EGAN-Ent-VI", "EGAN-Ent-NN"]
    again = cex.suite("biased", params, cache=cache, progress=False)
    assert torch.equal(first["runs"]["EGAN"]["energy"], again["runs"]["EGAN"]["energy"])
    # an interrupted run resumes from its checkpoint and ends where an uninterrupted one does
    s = ce.settings("biased", params)
    ds = toy.dataset("biased")
    ckpt = tmp_path / "run.ckpt"
    tr = ce.EnergyGANTrainer(ds, [("EGAN-Ent-VI", 0)], s, rng_seed=5)
    with pytest.raises(KeyboardInterrupt):
        fit(tr, 6, 3, checkpoint=ckpt, checkpoint_every=2, progress=False, stop_after=4)
    resumed = ce.EnergyGANTrainer(ds, [("EGAN-Ent-VI", 0)], s, rng_seed=5)
    fit(resumed, 6, 3, checkpoint=ckpt, checkpoint_every=2, progress=False)
    straight = ce.EnergyGANTrainer(ds, [("EGAN-Ent-VI", 0)], s, rng_seed=5)
    fit(straight, 6, 3, progress=False)
    for a, b in zip(resumed.energy.parameters(), straight.energy.parameters()):
        assert torch.allclose(a, b, atol=1e-6)


def test_optimal_discriminators_of_prop_3_1():
    p = np.random.default_rng(0).dirichlet(np.ones(30))
    c, _ = cex.optimal_discriminator(p, "neg_entropy")
    assert np.ptp(c + np.log(p)) < 1e-3                       # eq. 5: -log p_data + const
    c, _ = cex.optimal_discriminator(p, "l2")
    assert np.ptp(c + p) < 1e-6                                # eq. 6: -p_data + const
    assert cex.dual_value(np.full(30, 2.0), p, "const") == pytest.approx(0.0, abs=1e-12)   # eq. 7: flat is optimal
    assert cex.dual_value(-np.log(p), p, "const") < 0
    with pytest.raises(ValueError, match="flat on the support"):
        cex.optimal_discriminator(p, "const")


def test_knn_score_of_selected_members_equals_the_full_search():
    """The members mask only skips work: the selected members' scores are those of the full batched search."""
    from paperlib.estimators.entropy import knn_score

    x = torch.randn(4, 200, 2, generator=torch.Generator().manual_seed(0))
    full = knn_score(x, 20)
    mask = torch.tensor([False, True, False, True])
    part = knn_score(x, 20, mask)
    assert torch.equal(part[mask], full[mask])
    assert torch.equal(part[~mask], torch.zeros_like(part[~mask]))
    assert torch.equal(knn_score(x, 20, torch.zeros(4, dtype=torch.bool)), torch.zeros_like(x))
