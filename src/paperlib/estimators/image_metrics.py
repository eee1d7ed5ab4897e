r"""Scores of generated images (spec A.4): Inception score and CEPC from a classifier's logits, FID on a
classifier's features, distances between means, out-of-distribution ROC, digit image statistics, and the
Inception-v3 network of the CIFAR-10 columns read from the torch hub cache.

* Inception score $\exp\big(\mathbb E_x\mathrm{KL}(p(y|x)\|p(y))\big)$ over 10 splits: torch-fidelity's
  ``isc_features_to_metric`` (its conventions: samples shuffled with a fixed seed, population std of the splits).
* CEPC $\mathbb E_x H(p(y|x))$ in nats (lower is better).
* FID: torchmetrics' ``FrechetInceptionDistance`` with a custom feature extractor (the digit classifier's
  128-unit layer under ``cpu``; Inception's 2048 pool features under ``paper``).
"""
from __future__ import annotations

import hashlib
from pathlib import Path

import numpy as np
import torch
from torch import nn

INCEPTION_FILE = "weights-inception-2015-12-05-6726825d.pth"   # torch-fidelity's TF-ported Inception-v3
INCEPTION_URL = ("https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/"
                 "weights-inception-2015-12-05-6726825d.pth")


class WeightsMissingError(FileNotFoundError):
    """Pretrained weights are not in the torch hub cache; the message names the file, folder and URL."""


def inception_score(logits: torch.Tensor, splits: int = 10, seed: int = 2020) -> tuple[float, float]:
    """(mean, population std) of the Inception score over ``splits`` (torch-fidelity)."""
    from torch_fidelity.metric_isc import KEY_METRIC_ISC_MEAN, KEY_METRIC_ISC_STD, isc_features_to_metric

    out = isc_features_to_metric(logits.double(), splits=splits, shuffle=True, rng_seed=seed)
    return out[KEY_METRIC_ISC_MEAN], out[KEY_METRIC_ISC_STD]


def cepc(logits: torch.Tensor) -> float:
    r"""$\mathbb E_x H(p(y|x))$ in nats."""
    logp = logits.double().log_softmax(1)
    return float(-(logp.exp() * logp).sum(1).mean())


class _Features(nn.Module):
    """A classifier's feature layer as torchmetrics' custom FID extractor."""

    def __init__(self, classifier: nn.Module):
        super().__init__()
        self.classifier = classifier
        self.num_features = classifier.num_features

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier.features(x)


def fid(classifier: nn.Module, real: torch.Tensor, fake: torch.Tensor, chunk: int = 1000) -> float:
    """Fréchet distance between ``real`` and ``fake`` images on ``classifier.features`` (torchmetrics)."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    classifier.eval()
    dev = next(classifier.parameters()).device
    metric = FrechetInceptionDistance(feature=_Features(classifier), reset_real_features=True).to(dev)
    with torch.no_grad():
        for x in real.split(chunk):
            metric.update(x.to(dev), real=True)
        for x in fake.split(chunk):
            metric.update(x.to(dev), real=False)
    value = float(metric.compute())
    classifier.train()
    return value


def crop_digits(images: torch.Tensor) -> torch.Tensor:
    """The 28×28 centre of 32×32 padded digits (the 784 MNIST pixels); other sizes pass through."""
    return images[..., 2:30, 2:30] if images.shape[-1] == 32 and images.shape[1] == 1 else images


def mean_distances(generated: torch.Tensor, real: torch.Tensor) -> tuple[float, float]:
    r"""$(\|\bar x_{gen}-\bar x_{true}\|_1, \|\bar x_{gen}-\bar x_{true}\|_2)$ of images in [0, 1] (Table 3 [recon])."""
    diff = generated.double().flatten(1).mean(0) - real.double().flatten(1).mean(0)
    return float(diff.abs().sum()), float(diff.norm())


def per_class_mean_distances(generated: torch.Tensor, gen_classes: torch.Tensor, real: torch.Tensor,
                             real_classes: torch.Tensor, n_classes: int = 10) -> np.ndarray:
    """(n_classes, 2) array of :func:`mean_distances` per class (NaN where a class has no generated image)."""
    out = np.full((n_classes, 2), np.nan)
    for c in range(n_classes):
        g, r = generated[gen_classes == c], real[real_classes == c]
        if len(g) and len(r):
            out[c] = mean_distances(g, r)
    return out


def ood_roc(score_pos: np.ndarray, score_neg: np.ndarray) -> dict[str, np.ndarray | float]:
    """ROC of telling positives from negatives by ``score`` (higher = more in-distribution; scikit-learn)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    y = np.r_[np.ones(len(score_pos)), np.zeros(len(score_neg))]
    s = np.r_[score_pos, score_neg]
    fpr, tpr, _ = roc_curve(y, s)
    return {"fpr": fpr, "tpr": tpr, "auc": float(roc_auc_score(y, s))}


def image_statistics(images: torch.Tensor, mean_image: torch.Tensor, reference_ink: float) -> dict[str, np.ndarray]:
    r"""Per image in [0, 1]: distance to the mean digit, ink mass, its departure from ``reference_ink``, and slant.

    Slant from the central image moments, $|\arctan(\mu_{11}/\mu_{02})|$ in degrees (0 = upright; the
    shear that deskewing removes; ``signed_slant`` keeps the sign, negative when the top leans right); ink mass $\sum_{ij}I_{ij}$ stands in for stroke thickness (spec B.6).
    Written here because these are three lines of moment algebra, not a library routine.
    """
    x = images.double().flatten(1)
    dist = (x - mean_image.double().flatten()).norm(dim=1)
    img = images.double()[:, 0]
    h, w = img.shape[-2:]
    mass = img.sum((1, 2)).clamp_min(1e-9)
    rows = torch.arange(h, dtype=torch.float64)[:, None]
    cols = torch.arange(w, dtype=torch.float64)[None, :]
    ry = (img * rows).sum((1, 2)) / mass
    cx = (img * cols).sum((1, 2)) / mass
    dy, dx = rows - ry[:, None, None], cols - cx[:, None, None]
    mu11 = (img * dx * dy).sum((1, 2)) / mass
    mu02 = (img * dy * dy).sum((1, 2)) / mass
    signed = torch.rad2deg(torch.atan(mu11 / mu02))
    return {"distance_to_mean": dist.numpy(), "ink": mass.numpy(), "ink_departure": (mass - reference_ink).abs().numpy(),
            "slant": signed.abs().numpy(), "signed_slant": signed.numpy()}


# ------------------------------------------------------------------------------------- Inception-v3 (paper)
def inception_weights(hub_dir: str | Path | None = None) -> Path:
    """The Inception-v3 weights file in the torch hub cache; a missing file names the file, folder and URL."""
    folder = Path(hub_dir) if hub_dir is not None else Path(torch.hub.get_dir()) / "checkpoints"
    path = folder / INCEPTION_FILE
    if not path.is_file():
        raise WeightsMissingError(
            f"Inception-v3 weights not found: {INCEPTION_FILE} is missing from {folder}. Download it from "
            f"{INCEPTION_URL} into that folder (or set TORCH_HOME so that <TORCH_HOME>/hub/checkpoints holds it).")
    return path


def safe_state_dict(path: Path) -> dict:
    """A weights file read with ``weights_only=True`` (tensors only, nothing executed) after checking the
    SHA-256 prefix in its name (torch hub's convention ``name-<sha256[:8]>.pth``)."""
    prefix = path.stem.rsplit("-", 1)[-1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if len(prefix) == 8 and not digest.startswith(prefix):
        raise ValueError(f"{path} does not match its checksum (sha256 {digest[:8]}…, name says {prefix}); "
                         f"delete it and download it again from {INCEPTION_URL}")
    return torch.load(path, map_location="cpu", weights_only=True)


def inception_extractor(hub_dir: str | Path | None = None) -> nn.Module:
    """torchmetrics' Inception-v3 (features ``logits_unbiased`` and ``2048``) built from the hub-cache file.

    torch-fidelity would load the file through ``torch.hub.load_state_dict_from_url``, which unpickles it in full;
    we hand it the tensors-only state dict read by :func:`safe_state_dict` instead."""
    import torch_fidelity.feature_extractor_inceptionv3 as fe
    from torchmetrics.image.fid import NoTrainInceptionV3

    state = safe_state_dict(inception_weights(hub_dir))
    original = fe.load_state_dict_from_url
    fe.load_state_dict_from_url = lambda *a, **k: state
    try:
        net = NoTrainInceptionV3(name="inception-v3-compat", features_list=["logits_unbiased", "2048"])
    finally:
        fe.load_state_dict_from_url = original
    return net.eval()
