"""Divergence identities of spec A.0: KALE limits, positivity, strong duality; closed forms."""
from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from paperlib.estimators import divergences as dv


def normal(n, std=1.0, mean=0.0, seed=0, d=1):
    g = torch.Generator().manual_seed(seed)
    return mean + std * torch.randn(n, d, generator=g, dtype=torch.float64)


P, Q = normal(200, 1.0, seed=0), normal(200, 0.5, seed=1)


def test_kale_tends_to_half_mmd2_as_lambda_grows():
    half = dv.mmd2(P, Q) / 2
    assert dv.kale(P, Q, lam=1e4).value == pytest.approx(half, rel=1e-3)
    assert dv.kale(Q, P, lam=1e4).value == pytest.approx(half, rel=1e-3)      # symmetric in the limit
    values = [dv.kale(P, Q, lam=l).value for l in (1e-2, 1e-1, 1.0, 10.0)]
    assert all(a > b for a, b in zip(values, values[1:]))                       # decreasing in lambda here


def test_kale_is_nonnegative_and_zero_at_p_equals_q():
    for lam in (1e-2, 1.0, 100.0):
        assert dv.kale(P, P, lam=lam).value == pytest.approx(0.0, abs=1e-9)
        assert dv.kale(P, Q, lam=lam).value > 0 and dv.kale(Q, P, lam=lam).value > 0


def test_strong_duality_and_importance_weights():
    r = dv.kale(P, Q, lam=0.1)
    assert r.primal == pytest.approx(r.dual, abs=1e-6)
    # optimality: n alpha_i = exp(h*(x_i)) on the Q-sample
    assert np.allclose(len(Q) * r.alpha, torch.exp(r.witness(Q)).numpy(), rtol=1e-3)
    talk = dv.kale(P, Q, lam=0.1, convention="talk")
    assert talk.value == pytest.approx(r.value / 1.1, rel=1e-9)
    with pytest.raises(ValueError, match="convention"):
        dv.kale(P, Q, convention="gebm")
    with pytest.raises(ValueError, match="positive"):
        dv.kale(P, Q, lam=0.0)


def test_small_lambda_kale_approaches_kl_from_the_right_side():
    """With lambda small and many samples KALE approaches KL(P||Q) (and keeps KL's asymmetry)."""
    p, q = normal(800, 1.0, seed=3), normal(800, 2.0, seed=4)        # q wider: KL(P||Q) finite, moderate
    kl = dv.kl_gaussian(0, 1, 0, 4)
    est = dv.kale(p, q, lam=1e-3).value
    assert abs(est - kl) < 0.35 * kl
    assert dv.kale(q, p, lam=1e-3).value > est                       # KL(Q||P) = 0.81 > KL(P||Q) = 0.32


def test_gaussian_kl_closed_forms():
    assert dv.kl_gaussian(0, 1, 0, 0.25) == pytest.approx(math.log(0.5) + 1 / (2 * 0.25) - 0.5)
    assert dv.kl_gaussian([0, 0], np.eye(2), [0, 0], np.eye(2)) == 0.0
    # 2-D with a mean shift: 1/2 (tr + maha - d + logdet ratio), checked against Monte Carlo
    mu_p, cov_p, mu_q, cov_q = np.zeros(2), np.diag([1.0, 2.0]), np.array([1.0, -1.0]), np.diag([2.0, 1.0])
    exact = dv.kl_gaussian(mu_p, cov_p, mu_q, cov_q)
    from scipy.stats import multivariate_normal as mvn
    x = mvn(mu_p, cov_p).rvs(200_000, random_state=0)
    mc = np.mean(mvn(mu_p, cov_p).logpdf(x) - mvn(mu_q, cov_q).logpdf(x))
    assert exact == pytest.approx(mc, abs=0.01)


def test_grid_kl_and_js():
    t = np.linspace(-10, 10, 4001)
    dx = t[1] - t[0]
    p = np.exp(-t**2 / 2) / math.sqrt(2 * math.pi)
    q = np.exp(-(t - 1) ** 2 / 2) / math.sqrt(2 * math.pi)
    assert dv.kl_grid(p, q, dx) == pytest.approx(0.5, abs=1e-6)
    disjoint_p, disjoint_q = (t < 0) / 10.0, (t > 0) / 10.0
    assert dv.kl_grid(disjoint_p, disjoint_q, dx) == math.inf
    assert dv.js_grid(disjoint_p, disjoint_q, dx) == pytest.approx(math.log(2), rel=1e-3)


def test_mmd_estimators_and_witness():
    x, y = normal(300, seed=5), normal(300, mean=1.0, seed=6)
    v, u = dv.mmd2(x, y), dv.mmd2(x, y, unbiased=True)
    assert v > u > 0
    same_u = dv.mmd2(normal(300, seed=7), normal(300, seed=8), unbiased=True)
    assert abs(same_u) < 0.01
    t = torch.linspace(-4, 5, 200, dtype=torch.float64)
    w = dv.mmd_witness(x, y, t)
    assert float(w[t < -1].mean()) > 0 > float(w[t > 2].mean())       # positive where p > q
    # unit RKHS norm: E_P w - E_Q w = MMD
    gap = float(dv.mmd_witness(x, y, x).mean() - dv.mmd_witness(x, y, y).mean())
    assert gap == pytest.approx(dv.mmd(x, y), rel=1e-9)


def test_kl_lower_bound_is_tight_at_the_log_ratio():
    p, q = normal(20000, seed=9), normal(20000, std=2.0, seed=10)
    log_ratio = lambda z: -0.5 * z**2 + 0.5 * (z / 2) ** 2 + math.log(2)    # log p/q  # noqa: E731
    kl = dv.kl_gaussian(0, 1, 0, 4)
    assert dv.kl_lower_bound(-log_ratio(p), -log_ratio(q)) == pytest.approx(kl, abs=0.03)
    assert dv.kl_lower_bound(torch.zeros(5), torch.zeros(5)) == 0.0     # f = 0 gives the trivial bound


def test_neural_kale_orders_distributions_like_the_kernel_kale():
    """The MLP witness (weight-norm penalty) is a different class, so only the ordering and the rough size
    are compared with the RKHS solution."""
    near, far = normal(200, 0.5, seed=1), normal(200, 1.0, mean=2.0, seed=2)
    same = normal(200, 1.0, seed=3)
    vals = {k: dv.kale_neural(P, q, lam=1e-2, steps=600, seed=0)[0] for k, q in
            (("same", same), ("near", near), ("far", far))}
    assert vals["far"] > vals["near"] > vals["same"]
    for k, q in (("near", near), ("far", far)):
        assert vals[k] == pytest.approx(dv.kale(P, q, lam=1e-2).value, rel=0.3)


def test_mmd_v_statistic_converges_to_the_closed_form():
    exact = dv.mmd2_gaussians(0, 1, 0, 0.25, sigma=1.0)
    assert exact == pytest.approx(1 / math.sqrt(5) + 1 / math.sqrt(2) - 2 / math.sqrt(3.5))
    big = dv.mmd2(normal(3000, 1.0, seed=11), normal(3000, 0.5, seed=12), unbiased=True)
    assert big == pytest.approx(exact, abs=0.01)
