r"""Two-dimensional toy distributions with exact densities (Stein Bridging spec A.3; Dai et al. spec B.4).

A :class:`Mixture` is a Gaussian mixture with diagonal covariances,
$p(x)=\sum_k w_k\,\mathcal N(x;\mu_k,\operatorname{diag}v_k)$, so every toy set carries its exact
log-density, its component means and a sampler. A :class:`ToyDataset` adds the stored training
sample, the plotting canvas, the evaluation mesh and the metric thresholds of spec A.4.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, replace

import torch

__all__ = ["Mixture", "ToyDataset", "two_circle", "two_spiral", "contaminate", "dataset", "DATASETS",
           "four_gaussians", "biased_gaussians", "two_spirals", "CE_DATASETS"]


def _generator(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(int(seed))


@dataclass(frozen=True)
class Mixture:
    """Gaussian mixture with means ``(K, d)``, diagonal variances ``(K, d)`` and weights ``(K,)``."""

    means: torch.Tensor
    variances: torch.Tensor
    weights: torch.Tensor

    @classmethod
    def isotropic(cls, means: torch.Tensor, variance: float, weights: torch.Tensor | None = None) -> "Mixture":
        means = means.double()
        k = means.shape[0]
        w = torch.full((k,), 1.0 / k, dtype=torch.float64) if weights is None else weights.double()
        return cls(means, torch.full_like(means, float(variance)), w / w.sum())

    @property
    def dim(self) -> int:
        return self.means.shape[1]

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        r"""$\log p(x)=\operatorname{logsumexp}_k\big[\log w_k-\tfrac12\sum_j(\log2\pi v_{kj}+(x_j-\mu_{kj})^2/v_{kj})\big]$."""
        x = x.double()
        diff2 = (x[..., None, :] - self.means) ** 2 / self.variances
        comp = -0.5 * (diff2 + torch.log(2 * math.pi * self.variances)).sum(-1)
        return torch.logsumexp(comp + torch.log(self.weights), dim=-1)

    def density(self, x: torch.Tensor) -> torch.Tensor:
        return self.log_prob(x).exp()

    def score(self, x: torch.Tensor) -> torch.Tensor:
        r"""$\nabla_x\log p(x)$ in closed form (posterior-weighted component scores)."""
        x = x.double()
        diff = x[..., None, :] - self.means
        comp = -0.5 * (diff**2 / self.variances + torch.log(2 * math.pi * self.variances)).sum(-1)
        post = torch.softmax(comp + torch.log(self.weights), dim=-1)
        return -(post[..., None] * diff / self.variances).sum(-2)

    def sample_components(self, labels: torch.Tensor, generator: torch.Generator) -> torch.Tensor:
        eps = torch.randn(labels.shape[0], self.dim, generator=generator, dtype=torch.float64)
        return self.means[labels] + eps * self.variances[labels].sqrt()

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        """``n`` i.i.d. draws (component label drawn per point)."""
        labels = torch.multinomial(self.weights, n, replacement=True, generator=generator)
        return self.sample_components(labels, generator)


@dataclass(frozen=True)
class ToyDataset:
    """A stored training sample of a mixture plus everything the metrics of spec A.4 need."""

    name: str
    mixture: Mixture
    data: torch.Tensor           # (N, 2) float64, in the stored order (see quirk Q2)
    canvas: tuple[float, float, float, float]  # xmin, xmax, ymin, ymax
    hsr_threshold: float = math.nan   # squared distance to the nearest mean counted as "high quality"
    auc_half_side: float = math.nan   # half-side of the negative boxes around each mean (AUC)
    cover_fraction: float = math.nan  # a mean is covered when its density exceeds this fraction of the max
    mesh_size: int = 300
    clean: torch.Tensor | None = None  # the uncontaminated sample when ``data`` has added noise

    @property
    def means(self) -> torch.Tensor:
        return self.mixture.means

    @property
    def reference(self) -> torch.Tensor:
        """The points generators are compared with (the clean data for a contaminated set)."""
        return self.data if self.clean is None else self.clean

    def mesh(self, size: int | None = None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(X, Y, points): a ``size``×``size`` regular grid on the canvas (nodes at ``linspace``)."""
        n = size or self.mesh_size
        x0, x1, y0, y1 = self.canvas
        X, Y = torch.meshgrid(torch.linspace(x0, x1, n, dtype=torch.float64),
                              torch.linspace(y0, y1, n, dtype=torch.float64), indexing="xy")
        return X, Y, torch.stack([X.reshape(-1), Y.reshape(-1)], dim=1)

    def true_density_mesh(self, size: int | None = None) -> torch.Tensor:
        X, _, pts = self.mesh(size)
        return self.mixture.density(pts).reshape(X.shape)


def canvas_of(data: torch.Tensor, margin: float = 0.5) -> tuple[float, float, float, float]:
    """Bounding box enlarged by ``margin`` × the half-range on each side (spec A.3.1)."""
    lo, hi = data.min(0).values, data.max(0).values
    pad = margin * (hi - lo) / 2
    return (float(lo[0] - pad[0]), float(hi[0] + pad[0]), float(lo[1] - pad[1]), float(hi[1] + pad[1]))


def two_circle_mixture() -> Mixture:
    """24 components: 8 means on radius 4 and 16 on radius 8; covariance $0.2I$ (spec A.3.1)."""
    inner = [(4 * math.cos(2 * math.pi * i / 8), 4 * math.sin(2 * math.pi * i / 8)) for i in range(8)]
    outer = [(8 * math.cos(2 * math.pi * i / 16), 8 * math.sin(2 * math.pi * i / 16)) for i in range(16)]
    return Mixture.isotropic(torch.tensor(inner + outer), variance=0.2)


def two_spiral_mixture() -> Mixture:
    r"""100 components on two interleaved half-turn spirals, covariance $0.1I$ (spec A.3.2).

    $c_j=2\pi/3+j\pi/49$; spiral A $(-c_j\cos c_j, c_j\sin c_j)$, spiral B its point reflection.
    """
    c = 2 * math.pi / 3 + torch.arange(50, dtype=torch.float64) * math.pi / 49
    a = torch.stack([-c * torch.cos(c), c * torch.sin(c)], dim=1)
    return Mixture.isotropic(torch.cat([a, -a]), variance=0.1)


def two_circle(n: int = 2000, data_seed: int = 0) -> ToyDataset:
    """Two-Circle with ``n`` points, component labels drawn i.i.d. (the stored array is unordered)."""
    mix = two_circle_mixture()
    data = mix.sample(n, _generator(data_seed))
    return ToyDataset("two_circle", mix, data, canvas_of(data), hsr_threshold=25 * 0.2**2,
                      auc_half_side=5 * 0.2, cover_fraction=0.1)


def two_spiral(n: int = 5000, data_seed: int = 0) -> ToyDataset:
    """Two-Spiral with ``n`` points: ceil(n/100) per component, stored sorted by component, truncated."""
    mix = two_spiral_mixture()
    per = math.ceil(n / mix.means.shape[0])
    labels = torch.arange(mix.means.shape[0]).repeat_interleave(per)
    data = mix.sample_components(labels, _generator(data_seed))[:n]
    return ToyDataset("two_spiral", mix, data, canvas_of(data), hsr_threshold=0.5**2,
                      auc_half_side=0.5, cover_fraction=0.5)


def contaminate(ds: ToyDataset, ratio: float, noise_std: float = 2.0, data_seed: int = 0) -> ToyDataset:
    r"""Add $\lfloor N r\rfloor$ outliers, each a fresh mixture draw plus $\mathcal N(0,\sigma^2I)$, $\sigma=2$ (Fig. 7a)."""
    if not 0 <= ratio < 1:
        raise ValueError(f"contamination ratio must be in [0, 1), got {ratio}")
    g = _generator(data_seed + 7919)
    k = int(math.floor(ds.data.shape[0] * ratio))
    noise = ds.mixture.sample(k, g) + noise_std * torch.randn(k, 2, generator=g, dtype=torch.float64)
    data = torch.cat([ds.data, noise])
    return replace(ds, name=f"{ds.name}+noise{ratio:g}", data=data, clean=ds.data)


# ------------------------------------------------------------------ Dai et al. 2017 (spec B.4)
# The three sets are drawn with numpy's legacy RandomState, whose stream is frozen across numpy
# versions, in the draw order of the released generator: the stored arrays (100,000 float32 points)
# are reproduced bit for bit, and with them the data-only KLs printed in the header of Table 2.
CE_N = 100_000


def _ce_dataset(name: str, mix: Mixture, data) -> ToyDataset:
    data = torch.from_numpy(data.astype("float32")).double()  # the code stores float32
    return ToyDataset(name, mix, data, canvas_of(data), mesh_size=100)


def four_gaussians(n: int = CE_N) -> ToyDataset:
    r"""Four Gaussians at $(\pm v,\pm v)$, weights ¼, covariances $10\,\mathrm{diag}(u_1,u_2)$ (RandomState(5)).

    Draws: counts ~ Multinomial(n, ¼), $v=10\,U(0,1)$, then per component (order $(v,v),(-v,v),(v,-v),(-v,-v)$)
    its covariance diagonal $10\,U(0,1)^2$ and its points (``multivariate_normal``).
    """
    import numpy as np

    rng = np.random.RandomState(5)
    counts = rng.multinomial(n, np.full(4, 0.25))
    v = rng.rand() * 10
    means = np.array([[v, v], [-v, v], [v, -v], [-v, -v]])
    variances, parts = [], []
    for mean, k in zip(means, counts):
        var = rng.rand(2) * 10
        parts.append(rng.multivariate_normal(mean, np.diag(var), size=k))
        variances.append(var)
    mix = Mixture(torch.tensor(means), torch.tensor(np.array(variances)), torch.full((4,), 0.25, dtype=torch.float64))
    return _ce_dataset("four_gaussians", mix, np.concatenate(parts))


def biased_gaussians(n: int = CE_N) -> ToyDataset:
    r"""Two Gaussians $(v,v)$ with weight 0.1 and $(-v,-v)$ with weight 0.9, covariance $5I$ (RandomState(2)).

    Draws: $v=8\,U(0,1)$, counts ~ Multinomial(n, (0.1, 0.9)), then the points of each component.
    The energy gap between the modes is $\log 9$ (Fig. 3b).
    """
    import numpy as np

    rng = np.random.RandomState(2)
    v = rng.rand() * 8
    means = np.array([[v, v], [-v, -v]])
    weights = np.array([0.1, 0.9])
    counts = rng.multinomial(n, weights)
    data = np.concatenate([rng.multivariate_normal(m, 5 * np.eye(2), size=k) for m, k in zip(means, counts)])
    mix = Mixture(torch.tensor(means), torch.full((2, 2), 5.0, dtype=torch.float64), torch.tensor(weights))
    return _ce_dataset("biased", mix, data)


def two_spirals(n: int = CE_N) -> ToyDataset:
    r"""Two spirals of 50 components each, one full turn from 120° (RandomState(12345)).

    Centres $c_j=\tfrac{2\pi}{3}+2\pi\tfrac{j}{49}$: spiral A $(-c\cos c, c\sin c)$, spiral B $(c\cos c,-c\sin c)$;
    ⌈n/100⌉ points per centre with noise std 0.45, drawn as A's x-noise, A's y-noise, B's x-, B's y-noise,
    stored grouped by component. The density used as $p_{data}$ (Fig. 1 and Table 2) is the released
    code's: the same centres with **unit** covariance, not 0.45² (spec B.4).
    """
    import numpy as np

    rng = np.random.RandomState(12345)
    per = (n + 99) // 100
    c = 2 * np.pi / 3 + np.linspace(0.0, 1.0, 50) * 2 * np.pi
    r = np.repeat(c, per)
    xa = -np.cos(r) * r + rng.randn(50 * per) * 0.45
    ya = np.sin(r) * r + rng.randn(50 * per) * 0.45
    xb = np.cos(r) * r + rng.randn(50 * per) * 0.45
    yb = -np.sin(r) * r + rng.randn(50 * per) * 0.45
    data = np.concatenate([np.stack([xa, ya], 1), np.stack([xb, yb], 1)])[:n]
    centres = np.concatenate([np.stack([-np.cos(c) * c, np.sin(c) * c], 1), np.stack([np.cos(c) * c, -np.sin(c) * c], 1)])
    return _ce_dataset("two_spirals", Mixture.isotropic(torch.tensor(centres), variance=1.0), data)


CE_DATASETS = {"four_gaussians": four_gaussians, "biased": biased_gaussians, "two_spirals": two_spirals}
DATASETS = {"two_circle": two_circle, "two_spiral": two_spiral}


def dataset(name: str, n: int | None = None, noise_ratio: float = 0.0, data_seed: int = 0) -> ToyDataset:
    """Build a dataset by name; ``n`` subsamples (Fig. 7b), ``noise_ratio`` contaminates (Fig. 7a)."""
    if name in CE_DATASETS:
        if noise_ratio or data_seed:
            raise ValueError(f"{name} is a fixed, seeded set of Dai et al.; it takes no noise_ratio or data_seed")
        return CE_DATASETS[name]() if n is None else CE_DATASETS[name](n=n)
    if name not in DATASETS:
        raise KeyError(f"unknown toy dataset {name!r}; available: {', '.join([*DATASETS, *CE_DATASETS])}")
    ds = DATASETS[name](data_seed=data_seed) if n is None else DATASETS[name](n=n, data_seed=data_seed)
    if n is not None:
        ds = replace(ds, name=f"{ds.name}[N={n}]")
    return contaminate(ds, noise_ratio, data_seed=data_seed) if noise_ratio else ds
