"""Calibrating EBGAN on images: the variational entropy term (Dai et al. eqs. 12-16), the linear probe of Table 3,
the critic's probe features, and the paper-shaped dry run of Tables 1, 3 and Fig. 6 (the paper's widths and
batch on torchvision FakeData for a few iterations, through the cached runs the pages call)."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from paperlib.core.cache import Cache
from paperlib.core.profiles import item_parameters
from paperlib.data import images
from paperlib.estimators.image_metrics import linear_probe
from paperlib.methods import sb_images as sbi
from paperlib.nets.sb_dcgan import Critic

TINY = sbi.ImageSettings(width=0.0625, batch=16, iterations=4, eval_every=2, eval_samples=40, fixed_noise=20)


@pytest.fixture(scope="module")
def digits():
    d = images.stand_in(held_out=200)
    return d["train"][:200], d["train_labels"][:200]


def test_noise_nll_is_the_codes_gaussian_form(digits):
    tr = sbi.ImageTrainer(*digits, "EGAN-Ent-VI", 0, TINY)
    x, z = digits[0][:8], torch.rand(8, TINY.noise_dim) * 2 - 1
    mu, log_sigma = tr.Q.features(x, None).chunk(2, dim=1)
    sigma = log_sigma.exp()
    by_hand = (0.5 * log_sigma + 0.5 * ((z - mu) / (1e-6 + sigma)) ** 2).sum(1).mean()
    assert torch.allclose(tr.noise_nll(z, x, None), by_hand)


def test_vi_trains_its_inference_net_and_const_has_no_entropy(digits):
    vi = sbi.ImageTrainer(*digits, "EGAN-Ent-VI", 0, TINY)
    before = [q.detach().clone() for q in vi.Q.parameters()]
    losses = vi.step()
    assert "noise_nll" in losses and torch.isfinite(losses["noise_nll"]).all()
    assert any(not torch.equal(a, b) for a, b in zip(before, vi.Q.parameters()))
    const = sbi.ImageTrainer(*digits, "EGAN-Const", 0, TINY)
    assert const.entropy is None and not hasattr(const, "Q")
    assert sbi.ImageTrainer(*digits, "EGAN-Ent-NN", 0, TINY).entropy == "nn"


def test_cifar_code_schedule_updates_the_energy_at_its_own_rate(digits):
    s = sbi.ImageSettings(**{**TINY.as_dict(), "gap_schedule": False, "lr_energy": 2e-5})
    tr = sbi.ImageTrainer(*digits, "EGAN-Const", 0, s)
    assert [g["lr"] for g in tr.opts["E"].param_groups] == [2e-5] and tr.opts["G"].param_groups[0]["lr"] == 2e-4


def test_critic_hidden_is_the_layer_before_the_read_out():
    net = Critic(1, 0.25, 1)
    x = torch.randn(5, 1, 32, 32)
    h = net.hidden(x)
    assert h.shape == (5, 64 * 4 * 4)
    read_out = net.net[-2]
    assert torch.allclose(read_out(h.view(5, 64, 4, 4)).flatten(1).squeeze(-1), net(x), atol=1e-5)


def test_linear_probe_separates_separable_features_and_fails_on_noise():
    rng = np.random.RandomState(0)
    labels = rng.randint(0, 3, 600)
    separable = np.eye(3)[labels] * 5 + rng.randn(600, 3) * 0.1
    err = linear_probe(separable[:400], labels[:400], separable[400:], labels[400:], seeds=(0, 1))
    assert err.shape == (2,) and (err == 0).all()
    noise = rng.randn(600, 3)
    err = linear_probe(noise[:400], labels[:400], noise[400:], labels[400:], seeds=(0, 1, 2))
    assert err.min() > 40          # chance is 67 % error on three classes
    assert len(set(err.tolist())) > 1   # each seed fits its own subsample


def test_paper_shaped_dry_run(tmp_path):
    """Tables 1, 3 and Fig. 6 at the paper profile's widths and batch (the CIFAR code's schedule for Table 1) on
    FakeData in the MNIST / CIFAR-10 shapes and on the lfw faces, two iterations each."""
    from paperlib.experiments import calibrating_ebgan as ex

    p = item_parameters("ce-tab03", "paper")
    assert p["width"] == 1.0 and p["batch"] == 128 and p["epochs"] == 200 and len(p["probe_seeds"]) == 10
    assert (p["probe_dataset"], p["is_dataset"], p["face_dataset"]) == ("mnist", "cifar10", "celeba")
    p.update(probe_dataset="fake-mnist", is_dataset="fake-cifar10", face_dataset="faces", iterations=2, eval_every=2,
             eval_samples=64, fixed_noise=16, final_samples=64, classifier_iterations=2, held_out=64,
             probe_seeds=[0, 1], download=False)
    cache = Cache(tmp_path)
    suite = ex.image_suite(p, cache=cache)
    assert set(suite) == {("tab03", m) for m in ex.PROBE_MODELS} | {("tab01", m) for m in ex.IS_MODELS} | \
        {("fig06b", "EGAN-Ent-VI")}
    assert suite[("tab01", "EGAN-Ent-VI")]["samples"].shape == (64, 3, 32, 32)
    assert suite[("fig06b", "EGAN-Ent-VI")]["samples"].shape == (100, 1, 32, 32)   # 100 unlabelled samples
    assert suite[("tab03", "GAN")]["probe_features"] == 256 * 4 * 4
    ours, comparison = ex.table3(suite, ex.random_probe("fake-mnist", p, cache=cache))
    assert list(ours.columns) == ["EGAN-Ent-NN", "EGAN-Const", "GAN", "Random"] and len(comparison) == 4
    assert ex.image_settings(p, "fake-cifar10", "tab01").lr_energy == 2e-5
    assert not ex.image_settings(p, "fake-cifar10", "tab01").gap_schedule


def test_table1_along_reads_the_logged_score_of_each_model_at_each_evaluation():
    from paperlib.experiments import calibrating_ebgan as ex

    def run(scores):
        return {"iteration": np.array([125, 250, 375]), "history": {"is": np.array(scores)[:, None]}}

    along = ex.table1_along({("tab01", "EGAN-Ent-VI"): run([1.5, 1.1, 2.0]),
                             ("tab01", "EGAN-Const"): run([1.2, 1.3, 1.0])})
    assert [t for t, _ in along] == [125, 250, 375]
    assert [float(t.loc["EGAN-Ent-VI", "IS"] - t.loc["EGAN-Const", "IS"]) for _, t in along] == \
        pytest.approx([0.3, -0.2, 1.0])
    assert all((t["std"] == 0).all() for _, t in along)
    with pytest.raises(ValueError, match="different iterations"):
        ex.table1_along({("tab01", "EGAN-Ent-VI"): run([1.5, 1.1, 2.0]),
                         ("tab01", "EGAN-Const"): {"iteration": np.array([125, 250]),
                                                  "history": {"is": np.ones((2, 1))}}})


def test_sample_diversity_along_reads_the_logged_diversity_of_both_fig6_runs():
    from paperlib.experiments import calibrating_ebgan as ex

    p = item_parameters("ce-fig06", "smoke")
    suite = {("tab01", "EGAN-Ent-VI"): {"iteration": np.array([10, 20, 30]), "history": {"diversity": np.array([[0.1], [0.2], [0.3]])}},
             ("fig06b", "EGAN-Ent-VI"): {"iteration": np.array([20, 30]), "history": {"diversity": np.array([[0.5], [0.6]])}}}
    along = ex.sample_diversity_along(suite, p)
    assert [t for t, _ in along] == [20, 30]                      # 10: only one of the two runs logged there
    last = along[-1][1]
    assert list(last["samples"]) == [0.3, 0.6]
    assert (last["training images"] > 0.3).all()                  # 100 real images are far from one image
    assert list(last.index) == [p["is_dataset"], p["face_dataset"]]
