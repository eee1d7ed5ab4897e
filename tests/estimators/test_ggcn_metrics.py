"""GGCN read-outs: the response distance is 0 for identical sets and grows with a shift, the inpainting scores
match hand computations (PSNR per image with data range 2), collapse and sharpness behave, the VGG loader names
the missing file and refuses a corrupt one."""
from __future__ import annotations

import math

import pytest
import torch

from paperlib.estimators import image_metrics as im
from paperlib.nets.gcn import gabor_bank


def test_response_distance_is_zero_for_the_same_images_and_grows_with_contrast():
    x = torch.rand(20, 1, 16, 16, generator=torch.Generator().manual_seed(0)) * 2 - 1
    bank = gabor_bank(1, scales=2, orientations=4, size=7)
    assert im.response_distance(x, x, bank) == 0.0
    assert im.response_distance(x, 0.5 * x, bank) < im.response_distance(x, 0.1 * x, bank)


def test_inpainting_scores_by_hand():
    t = torch.zeros(2, 1, 8, 8)
    r = t.clone()
    r[0] += 0.1                        # MSE 0.01 -> PSNR 10 log10(4 / 0.01) = 26.02 dB
    r[1] += 0.2                        # MSE 0.04 -> 20.00 dB
    s = im.inpainting_scores(r, t)
    assert s["MSE"] == pytest.approx(0.025)
    assert s["PSNR"] == pytest.approx((10 * math.log10(400) + 10 * math.log10(100)) / 2, abs=1e-4)
    assert im.inpainting_scores(t + 0.3, t + 0.3)["SSIM"] == pytest.approx(1.0, abs=1e-4)


def test_collapse_share_and_sharpness():
    flat = torch.zeros(3, 1, 8, 8)
    noisy = torch.randn(3, 1, 8, 8, generator=torch.Generator().manual_seed(0))
    assert im.collapse_share(torch.cat([flat, noisy])) == 0.5
    assert (im.sharpness(noisy) > im.sharpness(flat)).all()


def test_vgg_weights_missing_and_corrupt(tmp_path):
    with pytest.raises(im.WeightsMissingError, match="vgg16-397923af.pth is missing from"):
        im.vgg_features(tmp_path)
    torch.save({"w": torch.ones(1)}, tmp_path / im.VGG16_FILE)
    with pytest.raises(ValueError, match="does not match its checksum"):
        im.vgg_features(tmp_path)


def test_vgg_features_from_a_file_in_the_real_format(tmp_path, monkeypatch):
    """A state dict of torchvision's VGG-16 layout saved under the hub name (checksum check bypassed: the real
    file cannot be downloaded here) loads tensors-only and gives 128 responses per image."""
    import torchvision

    state = torchvision.models.vgg16().state_dict()
    path = tmp_path / "vgg16-00000000.pth"
    torch.save(state, path)
    monkeypatch.setattr(im, "VGG16_FILE", path.name)
    monkeypatch.setattr(im, "safe_state_dict", lambda p, url="": torch.load(p, weights_only=True))
    net = im.vgg_features(tmp_path)
    assert im.responses(torch.zeros(2, 1, 32, 32), net).shape == (2, 128)
