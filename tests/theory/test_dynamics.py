"""The closed-form games of Stein Bridging against their closed forms (spec A.5 SB-Fig2, SB-C3)."""
import numpy as np
import pytest

from paperlib.theory import dynamics as dyn


@pytest.mark.parametrize("eta", [0.01, 0.05, 0.3, 1.0, 1.9])
def test_wgan_alternating_map_is_area_preserving_with_unit_eigenvalues(eta):
    M, _ = dyn.linear_system().update_map(eta)
    block = M[:2, :2]
    # closed form in (psi, theta - 1): [[1, -eta], [eta, 1 - eta^2]]
    np.testing.assert_allclose(block, [[1, -eta], [eta, 1 - eta ** 2]], atol=1e-14)
    assert np.linalg.det(block) == pytest.approx(1.0, abs=1e-12)
    np.testing.assert_allclose(np.abs(np.linalg.eigvals(block)), 1.0, atol=1e-9)


def test_wgan_simultaneous_spirals_out():
    M, _ = dyn.linear_system().update_map(0.1, alternating=False)
    # eigenvalues 1 +- i*eta, modulus sqrt(1 + eta^2)
    assert dyn.spectral_radius(M[:2, :2]) == pytest.approx(np.sqrt(1 + 0.1 ** 2), abs=1e-12)


@pytest.mark.parametrize("lam", [-0.5, 0.2, 0.5])
def test_lr_er_fixed_point_and_determinant(lam):
    game = dyn.linear_system(lam=lam)
    np.testing.assert_allclose(game.stationary_point()[:2], [lam, 1.0], atol=1e-12)
    eta = 0.05
    M, c = game.update_map(eta)
    assert np.linalg.det(M[:2, :2]) == pytest.approx(1 - 2 * eta * lam, abs=1e-12)
    x = np.array([lam, 1.0, 2.0])  # the fixed point (phi does not move)
    np.testing.assert_allclose(M @ x + c, x, atol=1e-12)


@pytest.mark.parametrize("l1,l2", [(1.0, 1.0), (0.0, 1.0), (0.1, 0.1), (5.0, 1.0)])
def test_stein_bridging_keeps_the_optimum(l1, l2):
    game = dyn.linear_system(lam1=l1, lam2=l2)
    M, c = game.update_map(0.1)
    opt = dyn.optimum_1d(0.0)
    np.testing.assert_allclose(M @ opt + c, opt, atol=1e-12)
    assert dyn.spectral_radius(M) < 1


def test_stein_bridging_spectral_radius_on_unit_interval():
    game = dyn.linear_system(lam1=1.0, lam2=1.0)
    rhos = [dyn.spectral_radius(game.update_map(e)[0]) for e in np.linspace(0.01, 0.99, 50)]
    assert max(rhos) < 1
    assert dyn.spectral_radius(game.update_map(1.0)[0]) == pytest.approx(1.0, abs=1e-9)
    assert dyn.spectral_radius(game.update_map(0.5)[0]) == pytest.approx(np.sqrt(3) / 2, abs=1e-12)


def test_simulate_matches_the_affine_map_and_va_schedule():
    game = dyn.linear_system(lam=0.5)
    tr = dyn.simulate(game, [1.0, 2.0, 2.0], 0.05, 10)
    M, c = game.update_map(0.05)
    x = np.array([1.0, 2.0, 2.0])
    for _ in range(10):
        x = M @ x + c
    np.testing.assert_allclose(tr[-1], x, atol=1e-14)
    sched = dyn.va_schedule(0.5, 100)
    assert sched(0) == 0.5 and sched(50) == 0.25 and sched(100) == 0.0 and sched(500) == 0.0


def test_bilinear_game_optimum_and_cycling():
    A, b, c = dyn.random_bilinear(4, 3)
    opt = dyn.bilinear_optimum(A, b, c)
    np.testing.assert_allclose(A.T @ opt[:4], c, atol=1e-10)
    np.testing.assert_allclose(A @ opt[4:8], b, atol=1e-10)
    eta = 0.5 / np.linalg.svd(A, compute_uv=False).max()
    for beta in (0.1, 1.0):
        g = dyn.bilinear_game(A, b, c, beta)
        np.testing.assert_allclose(g.stationary_point(), opt, atol=1e-8)
        assert dyn.spectral_radius(g.update_map(eta)[0]) < 1
    M0, _ = dyn.bilinear_game(A, b, c, 0.0).update_map(eta)
    assert dyn.spectral_radius(M0) == pytest.approx(1.0, abs=1e-9)
