"""The one Langevin implementation: the image sampler of GCN (spec B.0.1) is ULA with step δ²/2, its noise is
always on and has the right scale, clipping bounds the drift, and the replay buffer is a ring."""
from __future__ import annotations

import math

import pytest
import torch

from paperlib.sampling.langevin import ReplayBuffer, image_langevin, image_potential_grad, ula


def test_zero_energy_samples_the_reference_gaussian():
    """With f = 0 the chain is an AR(1) process whose stationary law is N(0, σ²/(1-δ²/4σ²)) ≈ N(0, σ²):
    the noise is there and has the documented scale (a sampler without noise would shrink to 0)."""
    sigma, delta = 0.5, 0.1
    x = image_langevin(lambda x, y=None: x.sum((1, 2, 3)) * 0, torch.zeros(4000, 1, 4, 4), sigma, delta, 400,
                       torch.Generator().manual_seed(0))
    a = 1 - delta ** 2 / (2 * sigma ** 2)
    expected = delta ** 2 / (1 - a ** 2)
    assert float(x.var()) == pytest.approx(expected, rel=0.05)
    assert abs(float(x.mean())) < 0.01


def test_one_step_is_the_papers_update():
    r"""$x_1=x_0-\tfrac{\delta^2}2(x_0/\sigma^2-\nabla f(x_0))+\delta\epsilon$ with the generator's first normal draw."""
    sigma, delta = 0.3, 0.05
    x0 = torch.randn(3, 1, 2, 2, generator=torch.Generator().manual_seed(1))
    f = lambda x, y=None: (2.0 * x).sum((1, 2, 3))  # noqa: E731  (∇f = 2)
    x1 = image_langevin(f, x0, sigma, delta, 1, torch.Generator().manual_seed(7))
    eps = torch.randn(x0.shape, generator=torch.Generator().manual_seed(7))
    assert torch.allclose(x1, x0 - delta ** 2 / 2 * (x0 / sigma ** 2 - 2.0) + delta * eps, atol=1e-6)


def test_clip_bounds_the_energy_gradient_per_image():
    f = lambda x, y=None: 1000.0 * x.sum((1, 2, 3))  # noqa: E731
    stats: dict = {}
    g = image_potential_grad(f, 1.0, clip=1.0, stats=stats)(torch.zeros(2, 1, 3, 3))
    assert torch.allclose(g.flatten(1).norm(dim=1), torch.ones(2), atol=1e-5)
    assert stats["grad_norm"] == pytest.approx(3000.0)


def test_ula_is_shared_with_the_latent_sampler():
    """The GEBM sampler and the image sampler are one function: the same draws give the same chain."""
    grad = lambda z: z  # noqa: E731
    a, _ = ula(grad, torch.ones(5, 2), 0.01, 3, torch.Generator().manual_seed(3))
    b = image_langevin(lambda x, y=None: 0 * x.sum(1), torch.ones(5, 2), 1.0, math.sqrt(0.02), 3,
                       torch.Generator().manual_seed(3))
    assert torch.allclose(a, b)


def test_replay_buffer_is_a_ring_and_round_trips():
    buf = ReplayBuffer(5, (1,))
    buf.push(torch.arange(4.0)[:, None])
    buf.push(torch.arange(10.0, 13.0)[:, None])
    assert len(buf) == 5 and buf.images.flatten().tolist() == [11.0, 12.0, 2.0, 3.0, 10.0]   # 0 and 1 overwritten
    other = ReplayBuffer(5, (1,))
    other.load_state_dict(buf.state_dict())
    g1, g2 = torch.Generator().manual_seed(0), torch.Generator().manual_seed(0)
    assert torch.equal(buf.sample(4, g1), other.sample(4, g2))
