r"""Tabular data for density estimation (spec A.15): scikit-learn's wine, the UCI wine-quality sets, and a
synthetic "banana" density whose entropy is known in closed form.

Every set is dequantised the same way: a column recorded at resolution $\delta$ (the smallest gap between its
distinct values; 1 for integer columns) gets $U(0,\delta)$ noise, so that a continuous density is meaningful.
Splits follow the GEBM/DKEF loaders: test = 10 % of all rows, validation = 10 % of the rest (at most 1,000),
train = the remainder; all three are standardised with the training mean and standard deviation.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from paperlib.core import paths
from paperlib.data import DatasetMissingError

__all__ = ["Split", "split", "dequantise", "sklearn_wine", "uci_wine", "banana", "banana_log_prob",
           "banana_entropy", "load", "UCI_WINE"]

UCI_WINE = {"redwine": "winequality-red.csv", "whitewine": "winequality-white.csv"}
_UCI_URL = "https://archive.ics.uci.edu/ml/machine-learning-databases/wine-quality/"


@dataclass
class Split:
    train: torch.Tensor
    valid: torch.Tensor
    test: torch.Tensor
    mean: np.ndarray
    std: np.ndarray

    @property
    def log_std_sum(self) -> float:
        """$\\sum_j\\log s_j$: add it to an NLL in standardised units to get the NLL in the data's units."""
        return float(np.log(self.std).sum())


def dequantise(x: np.ndarray, rng: np.random.RandomState) -> np.ndarray:
    """Add $U(0,\\delta_j)$ to column $j$, $\\delta_j$ its smallest gap between distinct values."""
    out = x.astype(np.float64).copy()
    for j in range(x.shape[1]):
        gaps = np.diff(np.unique(x[:, j]))
        delta = gaps.min() if len(gaps) else 1.0
        out[:, j] += delta * rng.rand(len(x))
    return out


def split(x: np.ndarray, seed: int) -> Split:
    """Shuffle with ``seed``; test 10 %, validation 10 % of the rest (≤ 1,000), train the rest; standardise."""
    rng = np.random.RandomState(seed)
    x = x[rng.permutation(len(x))]
    n_test = int(round(0.1 * len(x)))
    n_valid = min(1000, int(round(0.1 * (len(x) - n_test))))
    test, valid, train = x[:n_test], x[n_test:n_test + n_valid], x[n_test + n_valid:]
    mean, std = train.mean(0), train.std(0)
    t = lambda a: torch.tensor((a - mean) / std, dtype=torch.float64)  # noqa: E731
    return Split(t(train), t(valid), t(test), mean, std)


def sklearn_wine(seed: int = 0) -> np.ndarray:
    """scikit-learn's copy of the UCI "wine" recognition data (178 x 13), dequantised."""
    from sklearn.datasets import load_wine

    return dequantise(load_wine().data, np.random.RandomState(seed))


def uci_wine(name: str, seed: int = 0, root: Path | None = None) -> np.ndarray:
    """UCI wine quality (red: 1,599 x 11, white: 4,898 x 11; the quality column dropped), dequantised.

    Expects the UCI file as published: ``<data>/uci/winequality-{red,white}.csv`` (semicolon-separated, header).
    """
    if name not in UCI_WINE:
        raise ValueError(f"unknown UCI wine set {name!r}; choose from {sorted(UCI_WINE)}")
    path = (root or paths.data_dir()) / "uci" / UCI_WINE[name]
    if not path.is_file():
        raise DatasetMissingError(
            f"{name}: {path} is missing. Download {_UCI_URL}{UCI_WINE[name]} and save it as {path} "
            f"(or set PAPERLIB_DATA to a folder holding uci/{UCI_WINE[name]}).")
    table = np.genfromtxt(path, delimiter=";", skip_header=1)
    if table.ndim != 2 or table.shape[1] != 12 or np.isnan(table).any():
        raise ValueError(f"{path} is not the UCI wine-quality CSV (12 numeric columns, ';'-separated); "
                         f"got shape {table.shape} — re-download it from {_UCI_URL}")
    return dequantise(table[:, :11], np.random.RandomState(seed))


def _banana_scales(dim: int) -> np.ndarray:
    return np.linspace(1.0, 0.5, dim)


def banana(n: int, dim: int = 5, bend: float = 0.5, seed: int = 0) -> np.ndarray:
    r"""$y\sim\mathcal N(0,\mathrm{diag}(s^2))$, then each odd coordinate is bent by its even neighbour:
    $x_{2k+1}=y_{2k+1}+b\,(y_{2k}^2-s_{2k}^2)$. The map is volume-preserving (unit-triangular Jacobian), so
    $H(x)=H(y)=\tfrac12\sum_j\log(2\pi e s_j^2)$ exactly."""
    y = np.random.RandomState(seed).randn(n, dim) * _banana_scales(dim)
    return _bend(y, bend, +1)


def _bend(v: np.ndarray, bend: float, sign: int) -> np.ndarray:
    s = _banana_scales(v.shape[1])
    out = v.copy()
    for k in range(0, v.shape[1] - 1, 2):
        out[:, k + 1] = v[:, k + 1] + sign * bend * (v[:, k] ** 2 - s[k] ** 2)
    return out


def banana_log_prob(x: np.ndarray, bend: float = 0.5) -> np.ndarray:
    """The exact log-density of :func:`banana` (unbend, then the Gaussian log-density; the Jacobian is 1)."""
    s = _banana_scales(x.shape[1])
    y = _bend(x, bend, -1)
    return (-0.5 * (y / s) ** 2 - np.log(s) - 0.5 * math.log(2 * math.pi)).sum(1)


def banana_entropy(dim: int = 5) -> float:
    return float(0.5 * np.log(2 * math.pi * math.e * _banana_scales(dim) ** 2).sum())


def load(name: str, seed: int = 0, n: int = 2000, root: Path | None = None) -> np.ndarray:
    """``wine`` (scikit-learn), ``banana`` (``n`` rows, 5-D) or a UCI wine set by name."""
    if name == "wine":
        return sklearn_wine(seed)
    if name == "banana":
        return banana(n, seed=seed)
    if name in UCI_WINE:
        return uci_wine(name, seed, root)
    raise ValueError(f"unknown dataset {name!r}; choose from ['banana', 'wine', {', '.join(map(repr, UCI_WINE))}]")
