"""Image datasets: the vendored-MNIST stand-in split, missing-data messages, FakeData, the Fig. 8 negatives."""
from __future__ import annotations

import pytest
import torch

from paperlib.data import DatasetMissingError, images


def test_stand_in_split_is_deterministic_disjoint_and_in_model_range():
    a, b = images.stand_in(held_out=2000), images.stand_in(held_out=2000)
    assert a["train"].shape == (8000, 1, 32, 32) and a["held_out"].shape == (2000, 1, 32, 32)
    assert torch.equal(a["train"], b["train"]) and torch.equal(a["held_out_labels"], b["held_out_labels"])
    assert float(a["train"].min()) == -1.0 and float(a["train"].max()) == 1.0
    assert bool((a["train"][..., :2, :] == -1).all())          # the 2-pixel padding is black
    flat_tr = {tuple(x.flatten().tolist()) for x in a["train"][:300]}
    assert not any(tuple(x.flatten().tolist()) in flat_tr for x in a["held_out"][:300])
    assert set(a["train_labels"].unique().tolist()) == set(range(10))


@pytest.mark.parametrize("name, folder", [("cifar10", "cifar-10-batches-py"), ("celeba", "celeba")])
def test_a_missing_dataset_names_its_files_folder_and_the_download_call(tmp_path, name, folder):
    with pytest.raises(DatasetMissingError) as err:
        images.load(name, "train", root=tmp_path)
    msg = str(err.value)
    assert folder in msg and str(tmp_path) in msg and "download=True" in msg


def test_unknown_dataset_lists_the_available_ones(tmp_path):
    with pytest.raises(KeyError, match="cifar10"):
        images.load("cifar100", root=tmp_path)


def test_fake_data_has_the_real_shapes():
    x, y = images.fake("cifar10", 6)
    assert x.shape == (6, 3, 32, 32) and y.shape == (6,) and float(x.min()) >= -1 and float(x.max()) <= 1
    assert images.fake("mnist", 2)[0].shape == (2, 1, 32, 32)


def test_ood_negatives():
    d = images.stand_in(held_out=500)
    x, y = d["held_out"], d["held_out_labels"]
    neg = images.ood_negatives(x, y, seed=0, lsun=torch.zeros(4, 3, 32, 32))
    assert torch.equal(neg["flipped"], x.flip(-1))
    assert float(neg["noise"].min()) >= -1 and float(neg["noise"].max()) <= 1
    assert neg["lsun"].shape == (4, 1, 32, 32)
    # every average is the mean of the image and one of another class: recover the partner and check its label
    partner = 2 * neg["average"] - x
    idx = torch.cdist(partner.flatten(1), x.flatten(1)).argmin(1)
    assert bool((y[idx] != y).all())


def test_scikit_image_stand_ins_shapes_and_ranges():
    faces = images.lfw_faces()
    assert faces.shape == (100, 1, 32, 32) and float(faces.min()) >= -1 and float(faces.max()) <= 1
    crops = images.crops("brick", 5, seed=3)
    assert crops.shape == (5, 1, 32, 32) and torch.equal(crops, images.crops("brick", 5, seed=3))
    assert images.crops("astronaut", 2).shape == (2, 3, 32, 32)
    assert images.centre_crop("rocket").shape == (1, 3, 32, 32)


def test_ggcn_sources_are_seeded_and_unknown_ones_are_named():
    from paperlib.experiments import ggcn as ex

    a, b = ex.data("few-digits", 6, subset=1)["train"], ex.data("few-digits", 6, subset=1)["train"]
    assert a.shape == (6, 1, 32, 32) and torch.equal(a, b)
    assert not torch.equal(a, ex.data("few-digits", 6, subset=0)["train"])
    assert ex.data("photos")["train"].shape == (4, 3, 32, 32)
    faces = ex.data("faces")
    assert faces["train"].shape[0] == 80 and faces["held_out"].shape[0] == 20
    with pytest.raises(KeyError, match="available: digits, faces"):
        ex.data("sun")


def test_missing_celeba_names_the_folder_and_the_call(tmp_path):
    with pytest.raises(DatasetMissingError, match="CelebA"):
        images.load("celeba", root=tmp_path)
