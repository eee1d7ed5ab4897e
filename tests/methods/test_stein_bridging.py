"""Trainers: every method steps, members are independent, resume after interruption, NaN errors."""
from __future__ import annotations

import pytest
import torch

from paperlib.core.cache import Cache
from paperlib.data import toy
from paperlib.experiments import stein_bridging as synthetic
from paperlib.methods import stein_bridging as mt
from paperlib.training import NonFiniteLossError, fit

TINY = mt.TrainSettings(iterations=6, hidden=16, n_critic=2, eval_every=3, eval_samples=200, eval_mesh=20,
                        final_mesh=20, ebgan_batch=100, lr_critic=1e-4, lr_gen=1e-4, lr_gen_bridge=1e-4)


@pytest.fixture(scope="module")
def circle():
    return toy.dataset("two_circle")


def _params(module):
    return torch.cat([p.detach().reshape(p.shape[0], -1) for p in module.parameters()], dim=1)


@pytest.mark.parametrize("family", ["adversarial", "energy_gan"])
def test_every_method_trains_and_evaluates(circle, family):
    members = [(m, 0) for m, spec in mt.SB_METHODS.items() if spec.family == family]
    tr = mt.make_trainer(circle, members, TINY)
    before = _params(tr.generator).clone()
    for _ in range(3):
        losses = tr.step()
        assert all(v.shape == (len(members),) and torch.isfinite(v).all() for v in losses.values())
    assert (_params(tr.generator) != before).any(1).all()  # every member's generator moved
    ev = tr.evaluate()
    assert set(ev) == {"mmd", "hsr", "kl", "js", "auc", "cover"}
    assert all(v.shape == (len(members),) for v in ev.values())


def test_members_do_not_interact(circle):
    """A member's gradients come from its own loss only: perturbing member 1 leaves member 0 alone."""
    tr = mt.make_trainer(circle, [("Joint-W", 0), ("Joint-W", 1)], TINY)
    x = circle.data[:50].float().expand(2, 50, 2)
    e = tr.energy(x)
    (g,) = torch.autograd.grad(e[1].sum(), tr.energy.net.layers[0].weight)
    assert g[0].abs().max() == 0 and g[1].abs().max() > 0
    # the same seed gives the same initial weights whatever else shares the batch
    alone = mt.make_trainer(circle, [("Joint-W", 1)], TINY)
    assert torch.equal(alone.generator.layers[0].weight[0], tr.generator.layers[0].weight[1])


def test_bridge_only_moves_bridged_members(circle):
    tr = mt.make_trainer(circle, [("WGAN-GP", 0), ("Joint-W", 0)], TINY)
    assert tr.bridge.tolist() == [0.0, 1.0]
    sched = mt.make_trainer(circle, [("Joint-W", 0)] * 3, replace_settings(bridge_ramp=4),
                            bridge_starts=[0, 2, 100])
    assert sched.bridge_weight(0).tolist() == [0.25, 0.0, 0.0]
    assert sched.bridge_weight(5).tolist() == [1.0, 1.0, 0.0]


def replace_settings(**kw):
    from dataclasses import replace
    return replace(TINY, **kw)


@pytest.mark.parametrize("members", [[("Joint-W", 0), ("GAN+VA", 1)], [("EGAN", 0), ("DGM", 0)]])
def test_resume_after_interrupt_gives_the_same_run(circle, tmp_path, members):
    ckpt = tmp_path / "run.ckpt"
    straight = fit(mt.make_trainer(circle, members, TINY), 6, 3, progress=False)
    with pytest.raises(KeyboardInterrupt):
        fit(mt.make_trainer(circle, members, TINY), 6, 3, checkpoint=ckpt, checkpoint_every=2,
               progress=False, stop_after=5)
    assert ckpt.exists()
    resumed = fit(mt.make_trainer(circle, members, TINY), 6, 3, checkpoint=ckpt, checkpoint_every=2,
                     progress=False)
    assert (straight["iteration"] == resumed["iteration"]).all()
    for k in straight["final"]:
        assert straight["final"][k] == pytest.approx(resumed["final"][k], rel=1e-6, abs=1e-9), k
        assert straight["history"][k] == pytest.approx(resumed["history"][k], rel=1e-6, abs=1e-9), k


def test_corrupt_checkpoint_restarts_from_scratch(circle, tmp_path, capsys):
    ckpt = tmp_path / "run.ckpt"
    ckpt.write_bytes(b"not a checkpoint")
    out = fit(mt.make_trainer(circle, [("WGAN-GP", 0)], TINY), 3, 3, checkpoint=ckpt, progress=False)
    assert "refused" in capsys.readouterr().out and out["iteration"].tolist() == [3]


def test_nan_loss_raises_a_clear_error(circle):
    bad = toy.ToyDataset(**{**circle.__dict__, "data": circle.data.clone()})
    bad.data[::7] = float("nan")
    tr = mt.make_trainer(bad, [("WGAN-GP", 0), ("Joint-W", 3)], TINY)
    with pytest.raises(NonFiniteLossError, match=r"WGAN-GP \(seed 0\).*iteration 1;.*no checkpoint"):
        fit(tr, 3, 3, progress=False)


def test_unknown_method_and_mixed_families(circle):
    with pytest.raises(KeyError, match="did you mean 'Joint-W'"):
        mt.method("Joint-w")
    with pytest.raises(ValueError, match="one family"):
        mt.make_trainer(circle, [("Joint-W", 0), ("EGAN", 0)], TINY)
    with pytest.raises(ValueError, match="fewer than the batch"):
        mt.make_trainer(circle, [("Joint-W", 0)], TINY, member_data=[circle.data[:10]])


def test_synthetic_run_is_cached_and_variants_train_on_their_own_data(tmp_path):
    cache = Cache(tmp_path)
    members = [("WGAN-GP", 0), ("Joint-W", 0)]
    variants = [{"noise_ratio": 0.2}, {"n": 300}]
    first = synthetic.run("two_circle", members, TINY, variants=variants, cache=cache, progress=False)
    assert first["samples"].shape == (2, 2000, 2) and first["log_density"].shape == (2, 20, 20)
    assert not list(tmp_path.rglob("*.ckpt"))  # the checkpoint is removed once the run is stored
    again = synthetic.run("two_circle", members, TINY, variants=variants, cache=cache, progress=False)
    assert torch.equal(first["samples"], again["samples"])
    df = synthetic.frame(first, "two_circle")
    assert set(df.metric) == {"mmd", "hsr", "kl", "js", "auc", "cover"} and df.best.notna().all()


@pytest.mark.parametrize("profile", ["smoke", "cpu", "paper"])
def test_the_four_pages_share_one_training_budget(profile):
    """Same parameters -> same cache key: Figs. 3-5 and Table 5 train every model once."""
    from paperlib.core.profiles import item_parameters
    ref = item_parameters("sb-tab05", profile)
    for page in ("sb-fig03", "sb-fig04", "sb-fig05"):
        assert item_parameters(page, profile) == ref
    s = synthetic.settings("two_spiral", ref)
    assert s.gp_weight == 100.0 and s.gen_activation == "leaky_relu"  # the code's per-dataset values
    if profile == "paper":
        assert (s.iterations, s.lr_gen, s.lr_critic) == (500_000, 1e-5, 1e-5)
        assert synthetic.settings("two_circle", ref).iterations == 1_000_000
