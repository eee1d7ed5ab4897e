"""Image scores against closed forms: IS / CEPC of known predictions, FID of identical sets, mean distances,
ROC, slant, and the Inception weights read only from the hub cache and only as tensors."""
from __future__ import annotations

import hashlib
import math

import numpy as np
import pytest
import torch

from paperlib.estimators import image_metrics as im
from paperlib.nets.sb_dcgan import DigitClassifier


def test_inception_score_and_cepc_of_known_predictions():
    confident = torch.eye(10).repeat(2000, 1) * 50           # one-hot, balanced classes
    mean, std = im.inception_score(confident)                # shuffled splits are nearly balanced: IS -> 10
    assert mean == pytest.approx(10.0, rel=5e-3) and 0 < std < 0.05
    assert im.inception_score(torch.zeros(1000, 10))[0] == pytest.approx(1.0)
    assert im.cepc(confident) == pytest.approx(0.0, abs=1e-12)
    assert im.cepc(torch.zeros(10, 10)) == pytest.approx(math.log(10))


def test_fid_is_zero_for_identical_sets_and_grows_with_a_shift():
    torch.manual_seed(0)
    net = DigitClassifier(1)
    x = torch.rand(300, 1, 32, 32) * 2 - 1
    assert im.fid(net, x, x) == pytest.approx(0.0, abs=1e-3)
    assert im.fid(net, x, x.flip(-2)) > im.fid(net, x, x.flip(-2) * 0 + x) + 1e-4


def test_mean_distances_and_per_class():
    a, b = torch.zeros(4, 1, 2, 2), torch.full((4, 1, 2, 2), 0.5)
    l1, l2 = im.mean_distances(a, b)
    assert l1 == pytest.approx(2.0) and l2 == pytest.approx(1.0)
    per = im.per_class_mean_distances(a, torch.tensor([0, 0, 1, 1]), b, torch.tensor([0, 1, 0, 1]), n_classes=3)
    assert per[0] == pytest.approx([2.0, 1.0]) and np.isnan(per[2]).all()
    assert im.crop_digits(torch.zeros(2, 1, 32, 32)).shape == (2, 1, 28, 28)


def test_roc_auc():
    assert im.ood_roc(np.array([2.0, 3.0]), np.array([0.0, 1.0]))["auc"] == 1.0
    assert im.ood_roc(np.array([0.0, 1.0]), np.array([0.0, 1.0]))["auc"] == 0.5


def test_signed_slant_of_sheared_strokes():
    img = torch.zeros(2, 1, 28, 28)
    for r in range(4, 24):
        img[0, 0, r, 14] = 1                    # upright
        img[1, 0, r, 14 + (14 - r) // 3] = 1    # top to the right: leaning right
    st = im.image_statistics(img, img.mean(0), 20.0)
    assert abs(st["signed_slant"][0]) < 1e-6 and st["signed_slant"][1] < -5   # negative: the top leans right
    assert st["slant"][1] > 5


def test_inception_bytes_clamp_round_and_repeat_grey():
    grey = torch.tensor([-1.0, 0.0, 1.0, 1.5, -2.0]).view(1, 1, 1, 5)
    b = im.inception_bytes(grey)
    assert b.dtype == torch.uint8 and b.shape == (1, 3, 1, 5)
    assert b[0, 0, 0].tolist() == [0, 128, 255, 255, 0]        # out of range is clamped, never wrapped
    assert torch.equal(b[:, 0], b[:, 2])


def test_missing_inception_weights_name_the_file_and_folder(tmp_path):
    with pytest.raises(im.WeightsMissingError) as err:
        im.inception_extractor(hub_dir=tmp_path)
    assert im.INCEPTION_FILE in str(err.value) and str(tmp_path) in str(err.value)


def test_weights_are_read_as_tensors_only_and_checksummed(tmp_path):
    blob = tmp_path / "tmp.pth"
    torch.save({"w": torch.ones(2)}, blob)
    digest = hashlib.sha256(blob.read_bytes()).hexdigest()[:8]
    good = tmp_path / f"net-{digest}.pth"
    blob.rename(good)
    assert torch.equal(im.safe_state_dict(good)["w"], torch.ones(2))
    bad = tmp_path / "net-00000000.pth"
    bad.write_bytes(good.read_bytes())
    with pytest.raises(ValueError, match="checksum"):
        im.safe_state_dict(bad)

    class Evil:
        def __reduce__(self):
            return (print, ("executed",))

    torch.save({"w": Evil()}, blob)
    digest = hashlib.sha256(blob.read_bytes()).hexdigest()[:8]
    crafted = tmp_path / f"evil-{digest}.pth"
    blob.rename(crafted)
    with pytest.raises(Exception, match="[Ww]eights only|weights_only|Unsupported"):
        im.safe_state_dict(crafted)
