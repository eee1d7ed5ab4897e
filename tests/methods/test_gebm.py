"""GEBM training pieces and the Langevin samplers (spec A.0.3)."""
from __future__ import annotations

import math

import pytest
import torch

from paperlib.methods import gebm
from paperlib.sampling import langevin as samplers


def test_latent_potential_gradient():
    energy = lambda x: (x**2).sum(-1)               # noqa: E731  E(x) = |x|^2
    base = lambda z: 2 * z                          # noqa: E731  B(z) = 2z  ->  U = |z|^2/2 + beta * 4|z|^2
    grad = samplers.latent_potential_grad(energy, base, beta=0.5)
    z = torch.tensor([[1.0, -2.0]], dtype=torch.float64)
    assert torch.allclose(grad(z), z + 0.5 * 8 * z)


@pytest.mark.parametrize("sampler", ["ula", "kla"])
def test_samplers_reach_the_gaussian_target(sampler):
    g = torch.Generator().manual_seed(0)
    grad = lambda z: (z - 1.0) / 0.5                # noqa: E731  N(1, 0.5)
    z0 = torch.zeros(4000, 1, dtype=torch.float64)
    if sampler == "ula":
        z, kept = samplers.ula(grad, z0, 0.01, 500, g, keep_every=100)
    else:
        z, kept = samplers.kla(grad, z0, 0.01, friction=1.0, steps=500, generator=g, keep_every=100)
    assert len(kept) == 5
    assert float(z.mean()) == pytest.approx(1.0, abs=0.05) and float(z.var()) == pytest.approx(0.5, rel=0.1)


def test_gebm_trains_energy_and_base():
    g = torch.Generator().manual_seed(0)
    angle = 2 * math.pi * torch.rand(400, 1, generator=g, dtype=torch.float64)
    data = torch.cat([torch.cos(angle), torch.sin(angle)], 1)
    model = gebm.GEBM(gebm.mlp_energy(16), gebm.CircleBase((0.5, 0.0), 1.5))
    model.init_log_partition(500, g)
    with torch.no_grad():
        e0 = model.energy(model.base(model.base.sample_latent(500, g))).squeeze(-1)
    assert float(model.log_partition.detach()) == pytest.approx(float(torch.logsumexp(-e0, 0) - math.log(500)), abs=0.05)
    log = gebm.train(model, data, steps=60, batch=64, energy_steps=5, lr=1e-2, seed=0, log_every=20)
    assert log.base_steps == 12 and len(log.kale) == 3 and all(math.isfinite(v) for v in log.kale)
    assert float(model.base.log_radius.detach().exp()) < 1.5          # the base moved toward the unit circle
    fixed = gebm.GEBM(gebm.mlp_energy(16), gebm.CircleBase())
    before = [p.clone() for p in fixed.base.parameters()]
    gebm.train(fixed, data, steps=10, batch=32, learn_base=False)
    assert all(torch.equal(a, b) for a, b in zip(before, fixed.base.parameters()))


def test_energy_loss_is_minimised_by_the_log_partition():
    """At fixed E, d/dA of mean(E+A) + mean(exp(-E-A)) vanishes at A = log mean exp(-E(y))."""
    model = gebm.GEBM(gebm.mlp_energy(8), gebm.CircleBase())
    g = torch.Generator().manual_seed(1)
    x, y = torch.randn(50, 2, generator=g, dtype=torch.float64), torch.randn(70, 2, generator=g, dtype=torch.float64)
    with torch.no_grad():
        model.log_partition.fill_(float(torch.logsumexp(-model.energy(y).squeeze(-1), 0) - math.log(70)))
    loss = gebm.energy_loss(model, x, y, penalty=0.0)
    (gA,) = torch.autograd.grad(loss, model.log_partition)
    assert abs(float(gA)) < 1e-10


def test_donsker_varadhan_energy_loss_replaces_a_by_the_batch_log_mean_exp():
    model = gebm.GEBM(gebm.mlp_energy(8), gebm.CircleBase())
    g = torch.Generator().manual_seed(2)
    x, y = torch.randn(40, 2, generator=g, dtype=torch.float64), torch.randn(60, 2, generator=g, dtype=torch.float64)
    dv = gebm.energy_loss(model, x, y, penalty=0.0, donsker_varadhan=True)
    e_x, e_y = model.energy(x).squeeze(-1), model.energy(y).squeeze(-1)
    assert torch.allclose(dv, e_x.mean() + torch.logsumexp(-e_y, 0) - math.log(60))
    with torch.no_grad():   # at A = log mean exp(-E(y)) the Fenchel form equals the DV form
        model.log_partition.fill_(float(torch.logsumexp(-e_y, 0) - math.log(60)))
    assert torch.allclose(gebm.energy_loss(model, x, y, penalty=0.0), dv)


# ------------------------------------------------------------------------------------------- images (spec A.11-A.13)
def test_image_penalty_is_the_per_image_squared_gradient_norm():
    model = gebm.image_gebm(1, 32, 0.0625, 0.25, 8, seed=0)
    x, y = torch.randn(6, 1, 32, 32), torch.randn(6, 1, 32, 32)
    g = torch.Generator().manual_seed(3)
    with_pen = gebm.energy_loss(model, x, y, penalty=1.0, generator=g)
    u = torch.rand(6, 1, 1, 1, generator=torch.Generator().manual_seed(3))
    xh = (u * x + (1 - u) * y).requires_grad_(True)
    (grad,) = torch.autograd.grad(model.energy(xh).sum(), xh)
    by_hand = gebm.energy_loss(model, x, y, penalty=0.0) + grad.flatten(1).pow(2).sum(1).mean()
    assert torch.allclose(with_pen, by_hand, atol=1e-5)


def test_kla_step_decay_is_the_same_chain_with_a_smaller_step():
    grad = lambda z: z                               # noqa: E731  N(0, 1)
    z0 = torch.full((2000, 1), 3.0, dtype=torch.float64)
    run = lambda **kw: samplers.kla(grad, z0, 0.01, 1.0, 400, torch.Generator().manual_seed(0), **kw)[0]  # noqa: E731
    assert torch.equal(run(), run(decay_every=100, decay=1.0))
    frozen = run(decay_every=5, decay=1e-6)           # after 5 steps the chain barely moves
    assert float(frozen.mean()) > float(run().mean()) + 0.5


class _FakeInception(torch.nn.Module):
    """Stands in for torch-fidelity's Inception-v3 (weights cannot be downloaded here): bytes in, (logits, 2,048
    features) out, as the real extractor; features are a fixed random projection of the pixels."""

    def __init__(self):
        super().__init__()
        self.proj = torch.nn.Linear(3 * 32 * 32, 2048)

    def forward(self, x):
        assert x.dtype == torch.uint8 and x.shape[1] == 3
        f = self.proj(x.float().flatten(1) / 255)
        return f[:, :1008], f


def test_paper_shaped_dry_run(tmp_path, monkeypatch):
    """The image GEBM at the paper profile's widths, latent size and batch on FakeData in the CIFAR-10 shape: two
    training steps, then KLA chains with the Inception FID, through the cached functions the pages call."""
    from paperlib.core.cache import Cache
    from paperlib.core.profiles import item_parameters
    from paperlib.estimators import image_metrics as im
    from paperlib.experiments import gebm as ex

    p = item_parameters("gebm-relative-fid", "paper")
    assert (p["dataset"], p["base_width"], p["latent_dim"], p["batch"], p["kla_steps"]) == ("cifar10", 1.0, 100, 128, 1000)
    assert p["fid_features"] == "inception"
    p.update(dataset="fake-cifar10", steps=2, eval_every=1, classifier_iterations=2, held_out=64, download=False)
    cache = Cache(tmp_path)
    model = ex.image_model(p, cache=cache)
    assert model["channels"] == 3 and model["base_steps"] == 0 and len(model["kale"]) == 2
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))      # no weights there: the error names the file
    with pytest.raises(FileNotFoundError, match="weights-inception-2015-12-05-6726825d.pth"):
        ex.kla_chains(p, 100.0, 10.0, 64, 4, 2, cache=cache, fid=True)
    monkeypatch.setattr(im, "inception_extractor", lambda hub_dir=None: _FakeInception())
    run = ex.kla_chains(p, 100.0, 10.0, 64, 4, 2, cache=cache, fid=True)
    assert run["images"].shape == (p["show"], 3, 3, 32, 32) and run["classes"].shape == (64, 3)
    assert len(run["fid"]) == 3 and all(f > 0 for f in run["fid"])
    assert set(ex.class_switches(run["classes"])) == {"distinct classes", "class changes"}


def test_truncated_energy_is_bounded_below_and_passes_higher_values():
    e = gebm.Truncated(torch.nn.Flatten(0), floor=-10.0)
    x = torch.tensor([[-50.0], [3.0]])
    assert e(x).tolist() == [-10.0, 3.0]
