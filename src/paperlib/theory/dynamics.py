r"""Closed-form games of Stein Bridging (spec A.5 SB-Fig2 and SB-C3, both reconstructed).

Every game here is quadratic, $f(x)=\tfrac12 x^\top Qx+q^\top x$, over blocks of players that
either descend (minimise) or ascend (maximise). Gradient descent-ascent on such a game is an
affine map $x\mapsto Mx+c$, so convergence is read off the spectral radius of $M$ exactly.

* 1-D linear system (spec eqs. 8-10), state $(\psi,\theta,\phi)$:
  $f=\psi-\psi\theta+\lambda(\theta^2-\theta)+\tfrac{\lambda_1}2(\phi-1)^2+\tfrac{\lambda_2}2(\theta-\phi)^2$;
  $\lambda=0$, no $\phi$: WGAN (8); $\lambda>0$: +LR, $\lambda<0$: +ER (9); $\lambda_2>0$: Stein Bridging (10).
* General bilinear game (spec eqs. 17-18), state $(\theta,\psi,\phi)\in\mathbb R^{3n}$:
  $F=\theta^\top A\psi-b^\top\theta-c^\top\psi+\tfrac\beta2\|\theta-\phi\|^2$.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

DESCENT, ASCENT = 1.0, -1.0


@dataclass(frozen=True)
class QuadraticGame:
    """$f(x)=\\tfrac12x^\\top Qx+q^\\top x$ with player blocks (name, slice, sign)."""

    Q: np.ndarray
    q: np.ndarray
    blocks: tuple[tuple[str, slice, float], ...]   # in update order; sign DESCENT or ASCENT

    @property
    def dim(self) -> int:
        return self.q.shape[0]

    def grad(self, x: np.ndarray) -> np.ndarray:
        return self.Q @ x + self.q

    def stationary_point(self) -> np.ndarray:
        """Solution of $\\nabla f=0$ (least squares when Q is singular)."""
        return np.linalg.lstsq(self.Q, -self.q, rcond=None)[0]

    def _signs(self) -> np.ndarray:
        s = np.zeros(self.dim)
        for _, sl, sign in self.blocks:
            s[sl] = sign
        return s

    def update_map(self, eta: float, alternating: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """(M, c) with $x_{t+1}=Mx_t+c$ for one step of gradient descent-ascent.

        Alternating: the blocks move one after another, each seeing the others' newest values,
        so M is the product of the per-block maps $I-\\eta\\,s_iP_iQ$. Simultaneous:
        $M=I-\\eta\\,SQ$.
        """
        n = self.dim
        if not alternating:
            S = np.diag(self._signs())
            return np.eye(n) - eta * S @ self.Q, -eta * S @ self.q
        M, c = np.eye(n), np.zeros(n)
        for _, sl, sign in self.blocks:
            P = np.zeros((n, n))
            P[sl, sl] = np.eye(sl.stop - sl.start)
            Mi = np.eye(n) - eta * sign * P @ self.Q
            ci = -eta * sign * P @ self.q
            M, c = Mi @ M, Mi @ c + ci
        return M, c


def spectral_radius(M: np.ndarray) -> float:
    return float(np.max(np.abs(np.linalg.eigvals(M))))


def simulate(game: QuadraticGame | Callable[[int], QuadraticGame], x0: Sequence[float], eta: float,
             steps: int, alternating: bool = True) -> np.ndarray:
    """Trajectory, shape (steps + 1, dim). ``game`` may depend on the step (e.g. the VA ramp)."""
    x = np.asarray(x0, dtype=float)
    traj = np.empty((steps + 1, x.size))
    traj[0] = x
    fixed = None if callable(game) else game.update_map(eta, alternating)
    with np.errstate(over="ignore", invalid="ignore"):  # a diverging run overflows to inf: that is the result
        for t in range(steps):
            M, c = fixed if fixed is not None else game(t).update_map(eta, alternating)
            x = M @ x + c
            traj[t + 1] = x
    return traj


# --- the 1-D linear system of Stein Bridging, Fig. 2 -------------------------------------------

def linear_system(lam: float = 0.0, lam1: float = 0.0, lam2: float = 0.0) -> QuadraticGame:
    r"""SB 1-D game on $(\psi,\theta,\phi)$; the critic ascends first, then $\theta$, then $\phi$.

    $f=\psi-\psi\theta+\lambda(\theta^2-\theta)+\tfrac{\lambda_1}2(\phi-1)^2+\tfrac{\lambda_2}2(\theta-\phi)^2$
    (spec eqs. 8-10). With $\lambda_1=\lambda_2=0$ the energy $\phi$ does not move.
    """
    Q = np.array([[0.0, -1.0, 0.0],
                  [-1.0, 2 * lam + lam2, -lam2],
                  [0.0, -lam2, lam1 + lam2]])
    q = np.array([1.0, -lam, -lam1])
    blocks = (("psi", slice(0, 1), ASCENT), ("theta", slice(1, 2), DESCENT), ("phi", slice(2, 3), DESCENT))
    return QuadraticGame(Q, q, blocks)


def optimum_1d(lam: float = 0.0) -> np.ndarray:
    """Closed form: $(\\psi^*,\\theta^*,\\phi^*)=(\\lambda,1,1)$ (LR shifts the critic, eq. 9)."""
    return np.array([lam, 1.0, 1.0])


def distance_to_optimum(traj: np.ndarray, optimum: Sequence[float], with_phi: bool = True) -> np.ndarray:
    """$N_t=\\|x_t-x^*\\|^2$ over the coordinates that move (spec Prop. 1)."""
    d = traj - np.asarray(optimum)
    if not with_phi:
        d = d[:, :2]
    return np.sum(d ** 2, axis=1)


def va_schedule(lam: float, ramp_steps: int) -> Callable[[int], float]:
    """Vanishing regularisation: $\\lambda_t=\\lambda\\max(0,1-t/T)$."""
    return lambda t: lam * max(0.0, 1.0 - t / ramp_steps)


FIG2_METHODS = ("WGAN", "WGAN+LR", "WGAN+LR+VA", "WGAN+ER", "Stein Bridging")


def fig2_game(method: str, lam: float, va_steps: int, sb_lambdas: Sequence[float]):
    """The game (or step-indexed games) of each method of Fig. 2(a)."""
    if method == "WGAN":
        return linear_system()
    if method == "WGAN+LR":
        return linear_system(lam=lam)
    if method == "WGAN+ER":
        return linear_system(lam=-lam)
    if method == "WGAN+LR+VA":
        sched = va_schedule(lam, va_steps)
        return lambda t: linear_system(lam=sched(t))
    if method == "Stein Bridging":
        return linear_system(lam1=sb_lambdas[0], lam2=sb_lambdas[1])
    raise KeyError(f"unknown method {method!r}; methods: {', '.join(FIG2_METHODS)}")


# --- the general bilinear game of App. C.3 ------------------------------------------------------

def bilinear_game(A: np.ndarray, b: np.ndarray, c: np.ndarray, beta: float = 0.0) -> QuadraticGame:
    r"""$F=\theta^\top A\psi-b^\top\theta-c^\top\psi+\tfrac\beta2\|\theta-\phi\|^2$ on $(\theta,\psi,\phi)$.

    $\theta,\phi$ descend, $\psi$ ascends; update order $\psi$, $\theta$, $\phi$ (as in Fig. 2).
    Optimum (Prop. 2): $\theta^*=A^{-\top}c$, $\psi^*=A^{-1}b$, $\phi^*=\theta^*$.
    """
    n = A.shape[0]
    Z, I = np.zeros((n, n)), np.eye(n)
    Q = np.block([[beta * I, A, -beta * I],
                  [A.T, Z, Z],
                  [-beta * I, Z, beta * I]])
    q = np.concatenate([-b, -c, np.zeros(n)])
    blocks = (("psi", slice(n, 2 * n), ASCENT), ("theta", slice(0, n), DESCENT),
              ("phi", slice(2 * n, 3 * n), DESCENT))
    return QuadraticGame(Q, q, blocks)


def bilinear_optimum(A: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    theta = np.linalg.solve(A.T, c)
    return np.concatenate([theta, np.linalg.solve(A, b), theta])


def random_bilinear(n: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A, b, c with i.i.d. N(0, 1) entries from ``numpy.random.default_rng(seed)`` (spec SB-C3)."""
    rng = np.random.default_rng(seed)
    return rng.standard_normal((n, n)), rng.standard_normal(n), rng.standard_normal(n)
