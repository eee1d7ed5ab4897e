"""RealNVP: exact inverse and the change-of-variables density; a GEBM over it has a normalised density."""
from __future__ import annotations

import math

import torch
from torch.autograd.functional import jacobian

from paperlib.methods import gebm
from paperlib.nets.realnvp import RealNVP


def test_inverse_and_log_density():
    m = RealNVP(3, layers=3, hidden=16, seed=0)
    with torch.no_grad():                       # non-trivial couplings
        for p in m.parameters():
            p.add_(0.3 * torch.randn(p.shape, dtype=p.dtype, generator=torch.Generator().manual_seed(p.numel())))
    z = torch.randn(4, 3, dtype=torch.float64, generator=torch.Generator().manual_seed(1))
    x = m(z)
    y = x
    for c in m.couplings:
        y, _ = c(y)
    assert torch.allclose(y, z, atol=1e-10)

    def f(v):
        for c in m.couplings:
            v, _ = c(v[None])
            v = v[0]
        return v

    J = jacobian(f, x[0])
    expected = -0.5 * (f(x[0]) ** 2).sum() - 1.5 * math.log(2 * math.pi) + torch.logdet(J)
    assert torch.allclose(m.log_prob(x[:1]).detach()[0], expected, atol=1e-9)


def test_gebm_over_a_flow_is_normalised():
    """exp(log q) integrates to 1 on a 1-D grid: q = e^{-E} g / Z with Z by Monte Carlo."""
    base = RealNVP(1, layers=2, hidden=8, seed=0)
    model = gebm.GEBM(gebm.mlp_energy(8, seed=1, dim=1), base)
    t = torch.linspace(-12, 12, 6001, dtype=torch.float64)[:, None]
    q = gebm.log_density(model, t, base.log_prob, n_mc=200_000).exp()
    assert abs(float(q.sum() * (t[1] - t[0])) - 1) < 0.02
