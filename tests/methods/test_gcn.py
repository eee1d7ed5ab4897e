"""GGCN chapter methods: every model of the registry trains with finite losses and reads out, Table I comes from
the registry, the wGCN term vanishes when the velocity field does not change, resume is bitwise identical, the
nets keep their shapes, and the paper-shaped dry run goes through the cached runs the pages call."""
from __future__ import annotations

import pytest
import torch

from paperlib.core.cache import Cache
from paperlib.core.profiles import item_parameters
from paperlib.data import images
from paperlib.methods import gcn
from paperlib.nets import gcn as nets
from paperlib.training import fit

TINY = gcn.GCNSettings(width=0.25, langevin_steps=2, chains=8, batch=8, iterations=4, eval_every=2, grids=(8, 16, 32),
                       buffer=16, eval_images=4, gen_every=2)


@pytest.fixture(scope="module")
def digits():
    d = images.stand_in(held_out=200)
    return d["train"][:64], d["train_labels"][:64]


@pytest.mark.parametrize("model", list(gcn.MODELS))
@pytest.mark.parametrize("conditional", [False, True])
def test_every_model_trains_and_reads_out(digits, model, conditional):
    s = gcn.GCNSettings(**{**TINY.as_dict(), "conditional": conditional})
    tr = gcn.GCNTrainer(*digits, model, s, scorer=lambda x: x.flatten(1)[:, :10])
    before = {k: v.clone() for k, v in tr.energies.state_dict().items()}
    for _ in range(4):
        losses = tr.step()
        assert all(bool(torch.isfinite(v).all()) for v in losses.values()), losses
    assert any(not torch.equal(before[k], v) for k, v in tr.energies.state_dict().items())
    assert ("generator" in losses) == gcn.MODELS[model].NLU
    ev = tr.evaluate()
    assert ev["images"].shape == (1, 4, 1, 32, 32) and ev["response_distance"][0] >= 0
    x, y = tr.sample(6)
    assert x.shape == (6, 1, 32, 32)
    assert (y is not None) == conditional


def test_table_one_is_read_from_the_registry():
    rows = {r["model"]: r for r in gcn.components_table()}
    assert rows["GGCN"]["LHS"] and not rows["GGCN"]["AMS"] and rows["GGCN-LHS+AMS"]["AMS"]
    assert not any(rows["FRAME"][c] for c in gcn.COMPONENT_NAMES)
    assert all(rows[m]["JKO"] == m.startswith(("w", "GGCN")) for m in rows)
    assert not any(r["MS"] and r["NLU"] for r in rows.values())     # multi-scale and NLU are exclusive


def test_jko_term_vanishes_when_the_velocity_field_does_not_change(digits):
    tr = gcn.GCNTrainer(*digits, "wGCN", TINY)
    x = digits[0][:4]
    assert float(tr._jko(tr._f(), x, x, None).detach()) == 0.0
    assert float(tr._jko(tr._f(), x, x + 0.5 * torch.randn_like(x), None).detach()) > 0.0


def test_unknown_model_and_wrong_size_are_clear_errors(digits):
    with pytest.raises(KeyError, match="available: FRAME"):
        gcn.GCNTrainer(*digits, "GCNN", TINY)
    with pytest.raises(ValueError, match="32 px"):
        gcn.GCNTrainer(*digits, "GCN", gcn.GCNSettings(size=64))


@pytest.mark.parametrize("model", ["GCN", "GGCN", "wMGCN"])
def test_resume_is_bitwise_identical(digits, tmp_path, model):
    a = gcn.GCNTrainer(*digits, model, TINY)
    out_a = fit(a, 6, 2, progress=False)
    b = gcn.GCNTrainer(*digits, model, TINY)
    with pytest.raises(KeyboardInterrupt):
        fit(b, 6, 2, checkpoint=tmp_path / "c.pt", checkpoint_every=2, stop_after=3, progress=False)
    c = gcn.GCNTrainer(*digits, model, TINY)
    out_c = fit(c, 6, 2, checkpoint=tmp_path / "c.pt", checkpoint_every=2, progress=False)
    for k, v in a.energies.state_dict().items():
        assert torch.equal(v, c.energies.state_dict()[k]), k
    assert (out_a["history"]["response_distance"] == out_c["history"]["response_distance"]).all()


def test_nets_shapes_and_table_iv_rows():
    g = nets.DeconvGenerator(16, 3, 32, 0.5, n_classes=10)
    with torch.no_grad():
        x = g(torch.randn(5, 16), torch.arange(5))
    assert x.shape == (5, 3, 32, 32) and float(x.abs().max()) <= 1
    ae = nets.AutoEncoderGenerator(1, 32, 0.5)
    assert ae(torch.zeros(2, 1, 32, 32)).shape == (2, 1, 32, 32)
    rows = nets.architecture_table(g)
    assert [r["layer"] for r in rows] == ["Linear", "Deconv", "Deconv", "Deconv", "Conv"]
    assert rows[-1]["activation"] == "Sigmoid" and rows[1]["activation"] == "LeakyReLU (0.02)"
    e = nets.ConvEnergy(1, 32, 1.0, 3, n_classes=10)
    assert e(torch.zeros(3, 1, 32, 32), torch.tensor([0, 1, 2])).shape == (3,)


def test_gabor_bank_is_zero_mean_unit_norm():
    bank = nets.gabor_bank(1, scales=2, orientations=4, size=9)
    assert bank.shape == (16, 1, 9, 9)
    assert torch.allclose(bank.sum((1, 2, 3)), torch.zeros(16), atol=1e-5)
    assert torch.allclose(bank.flatten(1).norm(dim=1), torch.ones(16), atol=1e-5)


@pytest.mark.slow
def test_paper_shaped_dry_run(tmp_path):
    """The `paper` profile's settings (width 1, 50 Langevin steps, 100 chains, batch 100) on FakeData in the CIFAR
    shape for two iterations, through the cached run the pages call (VGG weights are absent here: Gabor filters)."""
    from paperlib.experiments import ggcn as ex

    p = item_parameters("ggcn-tab02", "paper")
    assert p["width"] == 1.0 and p["langevin_steps"] == 50 and p["chains"] == 100 and p["batch"] == 100
    assert p["data"] == "paper" and ex.source(p, "digits") == "cifar10" and ex.source(p, "faces") == "celeba"
    p.update(data="fake", filters="gabor", eval_every=1, final_samples=100, download=False)
    cache = Cache(tmp_path)
    for model, cond in (("GGCN", True), ("wMGCN", False), ("GGCN+AMS", False)):
        r = ex.run(ex.source(p, "digits"), model, p, cache=cache, iterations=2, conditional=cond, langevin_steps=2
                   if model == "wMGCN" else 50)
        assert r["samples"].shape == (100, 3, 32, 32) and len(r["iteration"]) == 2
    e = nets.ConvEnergy(3, 32, 1.0, 3)
    assert sum(q.numel() for q in e.parameters()) == (3 * 32 * 25 + 32) + (32 * 64 * 9 + 64) + (64 * 128 * 9 + 128) + (128 * 16 + 1)


def test_reinit_resets_a_share_of_the_persistent_chains(digits):
    s = gcn.GCNSettings(**{**TINY.as_dict(), "chains": 400, "langevin_steps": 0, "reinit": 0.25})
    tr = gcn.GCNTrainer(*digits, "GCN", s)
    tr.chains = torch.full_like(tr.chains, 7.0)
    tr.step()
    reset = (tr.chains.flatten(1) != 7.0).all(1).double().mean()
    assert 0.15 < float(reset) < 0.35
    keep = gcn.GCNTrainer(*digits, "GCN", gcn.GCNSettings(**{**s.as_dict(), "reinit": 0.0}))
    keep.chains = torch.full_like(keep.chains, 7.0)
    keep.step()
    assert bool((keep.chains == 7.0).all())


def test_learned_hidden_vectors_stay_in_the_unit_box(digits):
    tr = gcn.GCNTrainer(*digits, "GGCN", gcn.GCNSettings(**{**TINY.as_dict(), "lr_z": 100.0}))
    for _ in range(4):
        tr.step()
    assert float(tr.codes.abs().max()) <= 1.0 and float(tr.codes.abs().max()) == 1.0


def test_the_trainer_logs_every_read_out_a_page_judges_along_the_run(digits):
    from paperlib.experiments import ggcn

    tr = gcn.GCNTrainer(*digits, "GCN", TINY, scorer=lambda x: x.flatten(1)[:, :10])
    tr.step()
    ev = tr.evaluate()
    logged = {k for keys in ggcn.LOGGED.values() for k in keys} - {"is"}   # "is": the DCGAN baseline's name
    assert logged <= set(ev), logged - set(ev)
    assert 0.1 <= ev["confidence"][0] <= 1 and ev["sharpness"][0] >= 0


def test_along_reads_each_run_at_the_same_fraction_of_its_own_run():
    import numpy as np

    from paperlib.experiments import ggcn

    def run(model, its, scores):
        if model == "DCGAN":   # the baseline logs its score as "is" and no artefact share
            return {"model": model, "iteration": np.array(its), "history": {"is": np.array(scores)[:, None]}}
        return {"model": model, "iteration": np.array(its),
                "history": {"inception_score": np.array(scores)[:, None], "artefacts": np.zeros((len(its), 1))}}

    energy = run("GCN", [10, 20, 30, 40], [1.0, 2.0, 3.0, 4.0])
    dcgan = run("DCGAN", [50, 100], [5.0, 6.0])                 # a budget of 100: logged at fractions 1/2 and 1
    points = ggcn.along({"e": energy, "d": dcgan})
    assert [t for t, _ in points] == [20, 30, 40]               # at 10 (1/4) DCGAN had not logged yet: left out
    assert [at["d"]["inception_score"] for _, at in points] == [5.0, 5.0, 6.0]
    assert [at["e"]["inception_score"] for _, at in points] == [2.0, 3.0, 4.0]
    assert np.isnan(points[0][1]["e"]["sharpness"])            # not logged by this run: NaN, never a number
    assert np.isnan(points[0][1]["d"]["artefacts_final"]) and points[0][1]["e"]["artefacts_final"] == 0.0
