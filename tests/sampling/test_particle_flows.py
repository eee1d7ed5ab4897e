"""Particle flows: kernel gradients, the KALE flow's MMD limit, ULA, and the MoG setup."""
from __future__ import annotations


import pytest
import torch

from paperlib.core.cache import Cache
from paperlib.sampling import particle_flows as flows


def test_kernel_gradient_matches_autograd():
    g = torch.Generator().manual_seed(0)
    z, c, w = torch.randn(7, 2, generator=g, dtype=torch.float64), torch.randn(5, 2, generator=g, dtype=torch.float64), \
        torch.rand(5, generator=g, dtype=torch.float64)
    zr = z.clone().requires_grad_(True)
    (auto,) = torch.autograd.grad((torch.exp(-torch.cdist(zr, c) ** 2 / 0.7) @ w).sum(), zr)
    assert torch.allclose(flows.kernel_gradient(z, c, w, 0.7), auto, atol=1e-10)


def test_kale_flow_at_large_lambda_is_the_mmd_flow():
    """KALE_lambda -> 1/2 MMD^2 as lambda -> inf, and so do the flows (same steps, same particles)."""
    _, x, y0 = flows.mog_square(60, 60)
    a = flows.kale_flow(y0, x, lam=1e5, sigma=0.5, lr=5e-3, steps=30, snapshots=3)
    b = flows.mmd_flow(y0, x, sigma=0.5, lr=5e-3, steps=30, snapshots=3)
    assert torch.allclose(a.trajectory, b.trajectory, atol=1e-4)
    assert a.loss == pytest.approx(b.loss, rel=1e-3)
    assert b.loss[-1] < b.loss[0] and a.iterations.tolist() == [0, 10, 20, 30]


def test_kale_flow_decreases_kale_and_noise_is_seeded():
    _, x, y0 = flows.mog_square(60, 60)
    r = flows.kale_flow(y0, x, lam=0.1, sigma=0.5, lr=1e-2, steps=40, snapshots=4)
    assert r.loss[-1] < r.loss[0]
    n1 = flows.kale_flow(y0, x, lam=0.1, sigma=0.5, lr=1e-2, steps=5, noise=0.3, seed=3)
    n2 = flows.kale_flow(y0, x, lam=0.1, sigma=0.5, lr=1e-2, steps=5, noise=0.3, seed=3)
    assert torch.equal(n1.trajectory, n2.trajectory)


def test_ula_reaches_a_gaussian_target():
    y0 = torch.zeros(4000, 1, dtype=torch.float64)
    r = flows.ula_flow(y0, lambda y: -(y - 2.0) / 0.25, step=0.01, steps=400, snapshots=1)
    end = r.trajectory[-1]
    # ULA's stationary variance for this step: 0.25 / (1 - 0.01 / (2 * 0.25)) = 0.2551
    assert float(end.mean()) == pytest.approx(2.0, abs=0.03)
    assert float(end.var()) == pytest.approx(0.25 / (1 - 0.02), rel=0.08)


def test_sinkhorn_is_zero_on_identical_clouds_and_grows_with_shift():
    _, x, _ = flows.mog_square(80, 10)
    assert flows.sinkhorn(x, x) < flows.sinkhorn(x, x + 0.5) < flows.sinkhorn(x, x + 1.0)


def test_cached_flow_runs_once(tmp_path):
    _, x, y0 = flows.mog_square(30, 30)
    params = {"sigma": 0.5, "lr": 1e-2, "steps": 5, "snapshots": 5}
    a = flows.cached_flow("mmd", params, x, y0, cache=Cache(tmp_path))
    b = flows.cached_flow("mmd", params, x, y0, cache=Cache(tmp_path))
    assert torch.equal(a.trajectory, b.trajectory) and a.seconds == b.seconds
    with pytest.raises(KeyError, match="unknown flow"):
        flows.cached_flow("sinkhorn", params, x, y0, cache=Cache(tmp_path))


def test_student_teacher_flow_learns_the_teacher_and_rejects_unknown_methods():
    data = flows.student_teacher_data(200, 200, dim=10, seed=0)
    assert torch.allclose(data.x_train.norm(dim=1), torch.ones(200, dtype=torch.float64))
    epochs, curve = flows.student_teacher_flow(data, "mmd", n_particles=50, epochs=40, lr=1.0, seed=0)
    assert epochs[0] == 0 and epochs[-1] == 40
    assert curve[-1] < 0.6 * curve[0]
    _, noisy = flows.student_teacher_flow(data, "noise", n_particles=50, epochs=2, lr=1.0, seed=0)
    assert noisy[0] == curve[0] and noisy[-1] != curve[2]       # same start, noise changes the path
    with pytest.raises(ValueError, match="unknown student-teacher method"):
        flows.student_teacher_flow(data, "langevin", epochs=1)


def test_one_hidden_layer_matches_a_per_particle_network():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(7, 4, generator=g, dtype=torch.float64)
    w1, w2 = torch.randn(3, 2, 4, generator=g, dtype=torch.float64), torch.randn(3, 2, generator=g, dtype=torch.float64)
    out = flows.one_hidden_layer(x, w1, w2, sigma=2.0)
    for i in range(3):
        u = torch.relu(x @ w1[i].T) @ w2[i]
        assert torch.allclose(out[:, i], torch.exp(-u**2 / 4.0))


def test_sobolev_gram_matrix_matches_the_autograd_jacobian():
    """The closed-form J J^T of the Sobolev descent equals the one from an explicit Jacobian."""
    from torch.func import grad, vmap

    g = torch.Generator().manual_seed(0)
    x = torch.randn(6, 5, generator=g, dtype=torch.float64)
    w1, w2 = torch.randn(4, 3, 5, generator=g, dtype=torch.float64), torch.randn(4, 3, generator=g, dtype=torch.float64)
    residual = torch.randn(6, generator=g, dtype=torch.float64)
    ga, gb = vmap(grad(lambda x1, a, b: flows.one_hidden_layer(x1[None], a, b).sum(), argnums=(1, 2)),
                  in_dims=(0, None, None))(x, w1, w2)
    jac = torch.cat([ga.flatten(1), gb.flatten(1)], 1)
    expected = torch.linalg.solve(jac @ jac.T / (4 * 6) + 1e-6 * torch.eye(6, dtype=torch.float64), residual)
    assert torch.allclose(flows._sobolev_weights(x, w1, w2, 2.0, residual), expected, rtol=1e-6, atol=1e-8)
