r"""The finite-space theory of Dai et al. 2017, §3: the dual value of a discriminator and its optimum for each
regulariser $K$ of Prop. 3.1 (claim 11)."""
from __future__ import annotations

import numpy as np


def dual_value(c: np.ndarray, p_data: np.ndarray, K: str) -> float:
    r"""$g(c)=\min_{p\in\Delta}\;\mathbb E_pc-\mathbb E_{p_{data}}c+K(p)$ on a finite space (eq. 1; the inner minimum in closed form).

    ``K`` = ``"neg_entropy"`` ($\sum p\log p$: $g=-\log\sum e^{-c}-\langle p_{data},c\rangle$),
    ``"l2"`` ($\tfrac12\|p\|^2$: the minimiser is the simplex projection of $-c$) or ``"const"`` ($g=\min c-\langle p_{data},c\rangle$).
    """
    from scipy.special import logsumexp

    if K == "neg_entropy":
        return float(-logsumexp(-c) - p_data @ c)
    if K == "l2":
        p = _simplex_projection(-c)
        return float(p @ c + 0.5 * p @ p - p_data @ c)
    if K == "const":
        return float(c.min() - p_data @ c)
    raise KeyError(f"unknown calibrating term {K!r}; choose neg_entropy, l2 or const")


def _simplex_projection(v: np.ndarray) -> np.ndarray:
    """Euclidean projection onto the probability simplex (sort-based; Duchi et al. 2008)."""
    u = np.sort(v)[::-1]
    css = np.cumsum(u) - 1
    rho = np.nonzero(u - css / np.arange(1, len(v) + 1) > 0)[0][-1]
    return np.maximum(v - css[rho] / (rho + 1), 0)


def optimal_discriminator(p_data: np.ndarray, K: str, seed: int = 0) -> tuple[np.ndarray, float]:
    r"""$c^*=\arg\max_c g(c)$ by L-BFGS from a random start; Prop. 3.1 predicts (eqs. 5-7)
    $c^*=-\log p_{data}$, $-p_{data}$ and a constant on the support, each up to the free $\lambda^*$.

    Returns $(c^*, g(c^*))$. The gradient is $\nabla g=p^*(c)-p_{data}$ (Danskin), $p^*$ the inner minimiser.
    """
    from scipy.optimize import minimize
    from scipy.special import softmax

    if K not in ("neg_entropy", "l2"):
        raise ValueError(f"K={K!r}: only the smooth duals (neg_entropy, l2) are solved; for K constant "
                         "g(c) = min c - E_data c <= 0 with equality exactly for c flat on the support")

    def neg(c):
        p = softmax(-c) if K == "neg_entropy" else _simplex_projection(-c)
        return -dual_value(c, p_data, K), -(p - p_data)

    c0 = np.random.default_rng(seed).normal(size=len(p_data))
    res = minimize(neg, c0, jac=True, method="L-BFGS-B", options={"maxiter": 5000, "gtol": 1e-12, "ftol": 1e-15})
    return res.x, -res.fun


