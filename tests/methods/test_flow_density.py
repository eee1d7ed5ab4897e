"""Tabular density data (splits, dequantisation, the UCI loader, the banana's exact entropy) and flow fitting."""
from __future__ import annotations

import numpy as np
import pytest
import torch

from paperlib.data import DatasetMissingError, tabular
from paperlib.methods import flow_density as density


def test_banana_density_is_normalised_and_its_entropy_exact():
    x = tabular.banana(200_000, dim=4, seed=1)
    mc = -tabular.banana_log_prob(x).mean()
    assert abs(mc - tabular.banana_entropy(4)) < 0.01
    t = np.linspace(-6, 6, 601)                      # the 2-D marginal pair integrates to 1 on a grid
    g = np.stack(np.meshgrid(t, t, indexing="ij"), -1).reshape(-1, 2)
    assert abs(np.exp(tabular.banana_log_prob(g)).sum() * (t[1] - t[0]) ** 2 - 1) < 1e-3


def test_split_sizes_and_standardisation():
    s = tabular.split(tabular.sklearn_wine(0), seed=0)
    assert (len(s.train), len(s.valid), len(s.test)) == (144, 16, 18)
    assert torch.allclose(s.train.mean(0), torch.zeros(13, dtype=torch.float64), atol=1e-10)
    assert torch.allclose(s.train.std(0, correction=0), torch.ones(13, dtype=torch.float64), atol=1e-10)


def test_dequantise_adds_noise_below_each_columns_resolution():
    x = np.array([[1, 0.5], [2, 1.0], [4, 2.5], [4, 0.5]])
    d = tabular.dequantise(x, np.random.RandomState(0))
    assert np.all(d[:, 0] - x[:, 0] >= 0) and np.all(d[:, 0] - x[:, 0] < 1)
    assert np.all(d[:, 1] - x[:, 1] >= 0) and np.all(d[:, 1] - x[:, 1] < 0.5)
    assert len(np.unique(d[:, 0])) == 4


def test_uci_wine_loader_reads_the_published_format_and_explains_what_is_missing(tmp_path):
    with pytest.raises(DatasetMissingError, match=r"winequality-red\.csv.*archive\.ics\.uci\.edu"):
        tabular.uci_wine("redwine", root=tmp_path)
    (tmp_path / "uci").mkdir()
    header = ";".join(f'"c{i}"' for i in range(11)) + ';"quality"'
    rng = np.random.RandomState(0)
    rows = [";".join(f"{v:.2f}" for v in rng.rand(11)) + f";{rng.randint(3, 9)}" for _ in range(30)]
    (tmp_path / "uci" / "winequality-red.csv").write_text("\n".join([header, *rows]) + "\n")
    x = tabular.uci_wine("redwine", root=tmp_path)
    assert x.shape == (30, 11)
    (tmp_path / "uci" / "winequality-white.csv").write_text("a,b,c\n1,2,3\n")
    with pytest.raises(ValueError, match="not the UCI wine-quality CSV"):
        tabular.uci_wine("whitewine", root=tmp_path)
    with pytest.raises(ValueError, match="unknown dataset"):
        tabular.load("parkinsons")


def test_ml_flow_on_gaussian_data_reaches_the_gaussian_nll():
    """On Gaussian data the best model is the fitted Gaussian; ML-trained RealNVP gets within 0.15 nats."""
    cov = np.array([[1.0, 0.8, 0.0], [0.8, 1.0, 0.3], [0.0, 0.3, 1.0]])
    x = np.random.RandomState(0).multivariate_normal(np.zeros(3), cov, 3000)
    s = tabular.split(x, seed=0)
    r = density.fit("ml", s, 600, layers=2, hidden=16, eval_every=50, seed=0)
    assert r.best_step > 0 and len(r.curve) == 12
    assert abs(r.test_nll - density.mvn_test_nll(s)) < 0.15
    # each evaluation logged the test NLL: the selected step's is the reported one
    (at_best,) = [row for row in r.curve if row[0] == r.best_step]
    assert at_best[2] == pytest.approx(r.test_nll, abs=1e-6) and np.isnan(at_best[3])


def test_gebm_fit_keeps_the_best_validation_state_and_reports_both_nlls():
    s = tabular.split(tabular.banana(600, dim=2, seed=0), seed=0)
    r = density.fit("kale", s, 60, layers=2, hidden=8, energy_hidden=8, eval_every=20, n_mc=2000, seed=0)
    steps, values, tests, bases = zip(*r.curve)
    assert steps == (20, 40, 60) and r.best_step == steps[int(np.argmin(values))]
    assert np.isfinite(r.test_nll) and np.isfinite(r.base_test_nll)
    # the logged base NLL at the selected step is the reported one; the logged GEBM NLL differs from the reported
    # one only by its smaller Monte-Carlo normaliser
    best = steps.index(r.best_step)
    assert bases[best] == pytest.approx(r.base_test_nll, abs=1e-6)
    assert tests[best] == pytest.approx(r.test_nll, abs=0.05)
    with pytest.raises(ValueError, match="unknown method"):
        density.fit("score-matching", s, 1)


def test_realnvp_along_reads_each_shorter_run_off_the_curves():
    """After t ML steps, each model's test NLL is the one at its best validation NLL within the same fraction of
    its own run (a GEBM's longer run is cut proportionally); untrained rows are carried unchanged."""
    import pandas as pd

    from paperlib.experiments.gebm import realnvp_along

    nan = float("nan")
    curves = {("d", "ml", 0): [(10, 2.0, 2.1, nan), (20, 1.0, 1.1, nan)],
              ("d", "kale", 0): [(25, 3.0, 3.1, 4.0), (50, 1.5, 1.6, 3.0), (75, 0.5, 0.6, 2.0), (100, 0.9, 0.8, 1.0)]}
    runs = pd.DataFrame([{"dataset": "d", "method": "MVN", "seed": 0, "test NLL": 5.0}])
    along = realnvp_along(runs, curves)
    assert [t for t, _ in along] == [10, 20]
    half, full = (tab.set_index("method") for _, tab in along)
    assert half.loc["kale", "test NLL"] == 1.6 and half.loc["kale", "base alone"] == 3.0
    assert full.loc["kale", "test NLL"] == 0.6 and full.loc["kale", "best step"] == 75
    assert half.loc["ml", "test NLL"] == 2.1 and full.loc["MVN", "test NLL"] == 5.0
