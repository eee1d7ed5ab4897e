"""Kernel Stein discrepancy against closed forms and finite differences."""
from __future__ import annotations

import pytest
import torch

from paperlib.estimators import stein


def _gaussian_energy(x):
    return 0.5 * (x**2).sum(-1)  # N(0, I): score -x


def test_score_matches_finite_differences():
    energy = lambda x: torch.sin(x[..., 0]) * x[..., 1] ** 2 + 0.3 * x[..., 0] ** 2  # noqa: E731
    x = torch.randn(20, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    s = stein.score(energy, x, create_graph=False)
    eps = 1e-6
    for j in range(2):
        e = torch.zeros(2, dtype=torch.float64)
        e[j] = eps
        fd = -(energy(x + e) - energy(x - e)) / (2 * eps)
        assert torch.allclose(s[:, j], fd, atol=1e-6)


def test_density_quirk_reweights_the_score():
    x = torch.randn(10, 2, dtype=torch.float64)
    s = stein.score(_gaussian_energy, x, create_graph=False)
    q = stein.score(_gaussian_energy, x, create_graph=False, density_quirk=True)
    assert torch.allclose(q, s * torch.exp(-_gaussian_energy(x))[:, None])


def test_ksd_of_the_target_is_near_zero():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(2000, 2, dtype=torch.float64, generator=g)
    u = stein.ksd(x, -x, statistic="U")
    assert abs(float(u)) < 0.01
    assert float(stein.ksd(x, -x, statistic="V")) >= float(u)


@pytest.mark.parametrize("h", [0.7, 1.0, 2.0])
def test_ksd_gaussian_vs_shifted_gaussian_closed_form(h):
    # Q = N(mu, I), p = N(0, I): S = |mu|^2 (h^2 / (h^2 + 2))^{d/2}
    d, mu = 2, torch.tensor([1.0, -0.5], dtype=torch.float64)
    x = mu + torch.randn(3000, d, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    got = float(stein.ksd(x, -x, bandwidth=h, statistic="U"))
    want = float(mu @ mu) * (h**2 / (h**2 + 2)) ** (d / 2)
    assert got == pytest.approx(want, rel=0.08)


def test_ksd_batches_over_members():
    x = torch.randn(3, 50, 2, dtype=torch.float64)
    s = -x + torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)[:, None, None]
    batched = stein.ksd(x, s)
    assert batched.shape == (3,)
    for m in range(3):
        assert float(batched[m]) == pytest.approx(float(stein.ksd(x[m], s[m])))
    with pytest.raises(ValueError, match="statistic"):
        stein.ksd(x, s, statistic="W")


def test_stein_kernel_matches_autograd_definition():
    # u_p(x, x') from its definition with autograd derivatives of k
    x = torch.randn(6, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(2))
    s = torch.randn(6, 2, dtype=torch.float64, generator=torch.Generator().manual_seed(3))
    h = 1.3
    k = lambda a, b: torch.exp(-((a - b) ** 2).sum() / (2 * h * h))  # noqa: E731
    u = stein.stein_kernel(x, s, h)
    for i, j in [(0, 1), (2, 2), (4, 3)]:
        a, b = x[i].clone().requires_grad_(True), x[j].clone().requires_grad_(True)
        kv = k(a, b)
        ga, gb = torch.autograd.grad(kv, (a, b), create_graph=True)
        tr = sum(torch.autograd.grad(ga[c], b, retain_graph=True)[0][c] for c in range(2))
        want = s[i] @ s[j] * kv + s[i] @ gb + ga @ s[j] + tr
        assert float(u[i, j]) == pytest.approx(float(want.detach()), rel=1e-9)
