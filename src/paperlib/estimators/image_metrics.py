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
    return float(fid_curve(classifier, real, [fake], chunk)[0])


def fid_curve(classifier: nn.Module, real: torch.Tensor, fakes, chunk: int = 1000) -> np.ndarray:
    """:func:`fid` of each image set in ``fakes`` against the same ``real`` images (their features computed once)."""
    from torchmetrics.image.fid import FrechetInceptionDistance

    classifier.eval()
    dev = next(classifier.parameters()).device
    metric = FrechetInceptionDistance(feature=_Features(classifier), reset_real_features=False).to(dev)
    out = []
    with torch.no_grad():
        for x in real.split(chunk):
            metric.update(x.to(dev), real=True)
        for fake in fakes:
            metric.reset()
            for x in fake.split(chunk):
                metric.update(x.to(dev), real=False)
            out.append(float(metric.compute()))
    classifier.train()
    return np.array(out)


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
def hub_weights(file: str, url: str, what: str, hub_dir: str | Path | None = None) -> Path:
    """A pretrained weights file in the torch hub cache; a missing file names the file, folder and URL."""
    folder = Path(hub_dir) if hub_dir is not None else Path(torch.hub.get_dir()) / "checkpoints"
    path = folder / file
    if not path.is_file():
        raise WeightsMissingError(
            f"{what} weights not found: {file} is missing from {folder}. Download it from "
            f"{url} into that folder (or set TORCH_HOME so that <TORCH_HOME>/hub/checkpoints holds it).")
    return path


def inception_weights(hub_dir: str | Path | None = None) -> Path:
    """The Inception-v3 weights file of torch-fidelity in the torch hub cache."""
    return hub_weights(INCEPTION_FILE, INCEPTION_URL, "Inception-v3", hub_dir)


def safe_state_dict(path: Path, url: str = INCEPTION_URL) -> dict:
    """A weights file read with ``weights_only=True`` (tensors only, nothing executed) after checking the
    SHA-256 prefix in its name (torch hub's convention ``name-<sha256[:8]>.pth``)."""
    prefix = path.stem.rsplit("-", 1)[-1]
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    if len(prefix) == 8 and not digest.startswith(prefix):
        raise ValueError(f"{path} does not match its checksum (sha256 {digest[:8]}…, name says {prefix}); "
                         f"delete it and download it again from {url}")
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


def inception_bytes(x: torch.Tensor) -> torch.Tensor:
    """Images in $[-1,1]$ as the uint8 RGB batch Inception-v3 reads in the reference IS/FID code (which reads PNGs):
    clamped (a value outside would wrap around in uint8), rounded to bytes, grey repeated to three channels."""
    x = ((x.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    return x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x


class InceptionFeatures(nn.Module):
    """Inception-v3's 2,048 pool features (torch-fidelity's FID network, :func:`inception_extractor`) of images in
    $[-1,1]$ (read as :func:`inception_bytes`), as the ``features`` network of :func:`fid` / :func:`fid_curve`:
    the standard FID."""

    num_features = 2048

    def __init__(self, hub_dir: str | Path | None = None, extractor: nn.Module | None = None):
        super().__init__()
        self.net = extractor if extractor is not None else inception_extractor(hub_dir)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(inception_bytes(x))[1].reshape(len(x), -1)

    forward = features


# ------------------------------------------------------------------------------ GGCN read-outs (spec B.0.7)
VGG16_FILE = "vgg16-397923af.pth"   # torchvision's ImageNet VGG-16 (models.VGG16_Weights.IMAGENET1K_V1)
VGG16_URL = "https://download.pytorch.org/models/vgg16-397923af.pth"


def vgg_features(hub_dir: str | Path | None = None) -> nn.Module:
    """The first four conv layers of ImageNet VGG-16 (conv1_1 … conv2_2 with their ReLUs and the pool between),
    fixed: the response filters of wGCN (spec B.0.5). Read tensors-only from the torch hub cache after the
    checksum check; grey images are repeated to three channels, $[-1,1]$ mapped to ImageNet's normalisation."""
    import torchvision

    state = safe_state_dict(hub_weights(VGG16_FILE, VGG16_URL, "VGG-16", hub_dir), VGG16_URL)
    vgg = torchvision.models.vgg16()
    vgg.load_state_dict(state)
    body = vgg.features[:9].eval().requires_grad_(False)   # conv1_1, relu, conv1_2, relu, pool, conv2_1, relu, conv2_2, relu
    mean = torch.tensor([0.485, 0.456, 0.406]).view(1, 3, 1, 1)
    std = torch.tensor([0.229, 0.224, 0.225]).view(1, 3, 1, 1)

    class _VGG(nn.Module):
        def __init__(self):
            super().__init__()
            self.body = body

        def forward(self, x):
            x = (x + 1) / 2
            x = x.expand(-1, 3, -1, -1) if x.shape[1] == 1 else x
            return self.body((x - mean.to(x)) / std.to(x))

    return _VGG()


def responses(x: torch.Tensor, filters: torch.Tensor | nn.Module, chunk: int = 500) -> torch.Tensor:
    r"""$H_k(x)$: the spatial mean of $\mathrm{ReLU}(F_k*x)$ per image and filter, (N, K). ``filters`` is a
    fixed bank (K, C, s, s) or a module whose output channels are the responses (VGG's ReLUs)."""
    import torch.nn.functional as F

    out = []
    with torch.no_grad():
        for c in x.float().split(chunk):
            if isinstance(filters, torch.Tensor):
                h = F.relu(F.conv2d(c, filters, padding=filters.shape[-1] // 2))
            else:
                h = filters(c)
            out.append(h.mean((2, 3)))
    return torch.cat(out)


def response_distance(observed: torch.Tensor | None, synthesised: torch.Tensor, filters,
                      observed_mean: torch.Tensor | None = None) -> float:
    r"""Spec B.0.7 [infer]: $R=\frac1K\sum_k\big|\overline{H_k(x)}-\overline{H_k(\tilde x)}\big|$ (0 at the MLE fixed
    point, where the expected responses match). ``observed_mean``: the observed images' mean responses, when a run
    has computed them once (then ``observed`` is not read)."""
    ref = responses(observed, filters).mean(0) if observed_mean is None else observed_mean
    return float((ref - responses(synthesised, filters).mean(0)).abs().mean())


def collapse_share(images: torch.Tensor, threshold: float = 0.05) -> float:
    """Share of images whose pixel standard deviation is below ``threshold`` (flat, collapsed samples) [recon]."""
    return float((images.float().flatten(1).std(1) < threshold).double().mean())


def artefact_share(images: torch.Tensor, threshold: float = 0.05, bound: float = 2.0) -> float:
    """Share of images that are collapsed (pixel std below ``threshold``) or diverged (a pixel beyond ±``bound``,
    twice the data range $[-1, 1]$): the GGCN pages' proxy for the paper's collapse artefacts [recon]."""
    x = images.float().flatten(1)
    bad = (x.std(1) < threshold) | (x.abs().amax(1) > bound)
    return float(bad.double().mean())


def diversity(images: torch.Tensor) -> float:
    """Mean RMS pixel distance between two different samples (0 when every sample is the same image)."""
    x = images.float().clamp(-1, 1).flatten(1)
    d = torch.cdist(x, x) / x.shape[1] ** 0.5
    n = len(x)
    return float(d.sum() / (n * (n - 1))) if n > 1 else 0.0


def sharpness(images: torch.Tensor) -> np.ndarray:
    """Per-image variance of the 3×3 Laplacian of the images as displayed (clipped to $[-1, 1]$; higher =
    sharper; the spec's Fig. 6 proxy)."""
    import torch.nn.functional as F

    k = torch.tensor([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]]).view(1, 1, 3, 3)
    x = images.float().clamp(-1, 1).flatten(0, 1)[:, None]
    return F.conv2d(x, k).flatten(1).var(1).view(len(images), -1).mean(1).numpy()


def inpainting_scores(restored: torch.Tensor, target: torch.Tensor) -> dict[str, float]:
    """Table III's MSE, PSNR and SSIM per image, averaged, pixels in $[-1, 1]$ (data range 2; spec B.11):
    torchmetrics' PSNR (``reduction="none"`` per image) and Gaussian-window SSIM."""
    from torchmetrics.functional.image import peak_signal_noise_ratio, structural_similarity_index_measure

    r, t = restored.float(), target.float()
    mse = (r - t).flatten(1).pow(2).mean(1)
    psnr = peak_signal_noise_ratio(r, t, data_range=2.0, reduction="none", dim=(1, 2, 3))
    ssim = structural_similarity_index_measure(r, t, data_range=2.0, reduction="none")
    return {"MSE": float(mse.mean()), "PSNR": float(psnr.mean()), "SSIM": float(ssim.mean())}


# ------------------------------------------------------------------------------ Calibrating EBGAN, Table 3
def linear_probe(train: np.ndarray, train_labels: np.ndarray, test: np.ndarray, test_labels: np.ndarray,
                 seeds=(0,), subsample: float = 0.9, max_iter: int = 500) -> np.ndarray:
    """Test error (%) of scikit-learn's multinomial logistic regression on frozen features, one probe per seed.

    The features are standardised on the training part. A logistic regression is convex, so its initialisation
    cannot change the probe: each seed instead fits on its own random ``subsample`` of the training features
    (spec B.6 CE-Table3: "10 runs with different initialization" [recon])."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(train)
    xtr, xte = scaler.transform(train), scaler.transform(test)
    errors = []
    for seed in seeds:
        rng = np.random.RandomState(seed)
        idx = rng.permutation(len(xtr))[: int(round(subsample * len(xtr)))]
        probe = LogisticRegression(max_iter=max_iter, random_state=seed).fit(xtr[idx], train_labels[idx])
        errors.append(100.0 * float((probe.predict(xte) != test_labels).mean()))
    return np.array(errors)

