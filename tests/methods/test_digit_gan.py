"""Digit loaders on files in torchvision's on-disk format, and the digit-ranking trainer."""
from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest
import torch

from paperlib.experiments import calibrating_ebgan as cex
from paperlib.core.cache import Cache
from paperlib.data import digits
from paperlib.methods import digit_gan as dr
from paperlib.training import fit

REPO_DATA = Path(__file__).resolve().parents[2] / "data"


def write_idx(path: Path, array: np.ndarray, gz: bool = False) -> None:
    """An idx file as MNIST ships it: magic (0, 0, 0x08 = uint8, ndim), big-endian int32 sizes, the bytes."""
    header = bytes([0, 0, 8, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    blob = header + array.astype(np.uint8).tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    if gz:
        with gzip.open(str(path) + ".gz", "wb") as fh:
            fh.write(blob)
    else:
        path.write_bytes(blob)


def test_real_mnist_test_set_shipped_with_the_repository(tmp_path):
    # copy the shipped .gz files so the extraction happens in a scratch folder
    shutil.copytree(REPO_DATA / "MNIST", tmp_path / "MNIST", ignore=shutil.ignore_patterns("*-ubyte"))
    images, labels = digits.load("mnist", "test", root=tmp_path)
    assert images.shape == (10_000, 28, 28) and images.dtype == torch.uint8
    assert labels[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert int((labels == 1).sum()) == 1135
    assert (tmp_path / "MNIST/raw/t10k-images-idx3-ubyte").is_file()  # extracted next to the .gz
    ones = digits.digit(1, root=tmp_path)
    assert ones.shape == (1135, 1, 28, 28) and 0.0 <= float(ones.min()) and float(ones.max()) == 1.0


def test_emnist_layout_is_read_upright(tmp_path):
    img = np.zeros((3, 28, 28), np.uint8)
    img[:, 2, :] = 255                      # stored transposed: a horizontal bar on file ...
    write_idx(tmp_path / "EMNIST/raw/emnist-digits-train-images-idx3-ubyte", img, gz=True)
    write_idx(tmp_path / "EMNIST/raw/emnist-digits-train-labels-idx1-ubyte", np.array([1, 7, 1]))
    images, labels = digits.load("emnist", "train", root=tmp_path)
    assert labels.tolist() == [1, 7, 1]
    assert (images[:, :, 2] == 255).all() and images.sum() == 3 * 28 * 255   # ... is a vertical bar upright
    assert digits.digit(1, "emnist", "train", root=tmp_path).shape == (2, 1, 28, 28)


def test_missing_dataset_says_what_to_download(tmp_path):
    with pytest.raises(digits.DatasetMissingError) as err:
        digits.load("emnist", "test", root=tmp_path)
    msg = str(err.value)
    assert "emnist-digits-test-images-idx3-ubyte" in msg and str(tmp_path / "EMNIST" / "raw") in msg
    assert "download=True" in msg and "split='digits'" in msg
    with pytest.raises(KeyError, match="mnist, emnist"):
        digits.load("nist")


@pytest.mark.parametrize("source", ["mnist", "emnist"])
def test_download_without_a_network_names_files_folder_and_url(tmp_path, monkeypatch, source):
    """The landed loader ended in a raw URLError (or torchvision's RuntimeError) with no file or folder."""
    import urllib.error
    import urllib.request

    def offline(*args, **kwargs):
        raise urllib.error.URLError("no network")
    monkeypatch.setattr(urllib.request, "urlopen", offline)
    with pytest.raises(digits.DatasetMissingError) as err:
        digits.load(source, "test", root=tmp_path, download=True)
    msg = str(err.value)
    folder = "EMNIST" if source == "emnist" else "MNIST"
    assert "download failed" in msg and str(tmp_path / folder / "raw") in msg and "https://" in msg
    assert ("emnist-digits-test" if source == "emnist" else "t10k-images-idx3-ubyte") in msg


def test_truncated_archive_names_the_file(tmp_path):
    raw = tmp_path / "MNIST" / "raw"
    raw.mkdir(parents=True)
    data = gzip.compress(np.zeros(5000, np.uint8).tobytes())
    (raw / "t10k-images-idx3-ubyte.gz").write_bytes(data[: len(data) // 2])
    (raw / "t10k-labels-idx1-ubyte.gz").write_bytes(data)
    with pytest.raises(digits.DatasetCorruptError, match=r"t10k-images-idx3-ubyte\.gz is truncated"):
        digits.load("mnist", "test", root=tmp_path)
    assert not (raw / "t10k-images-idx3-ubyte").exists()   # nothing half-extracted is left as the plain file


def test_corrupt_idx_file_is_an_error(tmp_path):
    write_idx(tmp_path / "MNIST/raw/t10k-images-idx3-ubyte", np.zeros((4, 28, 28)))
    write_idx(tmp_path / "MNIST/raw/t10k-labels-idx1-ubyte", np.zeros(3))
    with pytest.raises(ValueError, match="4 images but"):
        digits.load("mnist", "test", root=tmp_path)


def test_image_statistics_read_slant_and_ink():
    img = torch.zeros(3, 1, 28, 28)
    img[0, 0, 4:24, 13:15] = 1.0                           # upright bar
    for r in range(4, 24):                                # sheared bar: one column per two rows
        img[1, 0, r, 8 + (r - 4) // 2: 10 + (r - 4) // 2] = 1.0
    img[2, 0, 4:24, 11:17] = 1.0                           # thick upright bar
    st = cex.image_statistics(img, img[0], reference_ink=40.0)
    assert st["slant"][0] == pytest.approx(0.0, abs=1e-9) and st["slant"][2] == pytest.approx(0.0, abs=1e-9)
    assert st["slant"][1] == pytest.approx(np.degrees(np.arctan(0.5)), abs=3.0)
    assert st["ink"].tolist() == [40.0, 40.0, 120.0] and st["ink_departure"].tolist() == [0.0, 0.0, 80.0]
    assert st["distance_to_mean"][0] == 0.0 and st["distance_to_mean"][2] > 0


def test_mark_real_draws_the_codes_bracket():
    marked = cex.mark_real(torch.zeros(1, 1, 28, 28))[0, 0]
    assert marked[0:2, 20:].eq(1).all() and marked[0:8, 26:28].eq(1).all()
    assert int(marked.sum()) == 16 + 16 - 4          # the two strokes overlap in a 2x2 corner
    assert marked[8:, :].eq(0).all() and marked[:, :20].eq(0).all()


@pytest.mark.parametrize("method", dr.DIGIT_METHODS)
def test_digit_trainer_steps_resumes_and_ranks(tmp_path, method):
    s = dr.DigitSettings(width=0.0625, batch=24, iterations=4, eval_every=2, pool=20)
    ones = digits.digit(1, root=REPO_DATA)[:60]
    tr = dr.DigitTrainer(ones, method, 0, s)
    with pytest.raises(KeyboardInterrupt):
        fit(tr, 4, 2, checkpoint=tmp_path / "c.ckpt", checkpoint_every=2, progress=False, stop_after=2)
    resumed = dr.DigitTrainer(ones, method, 0, s)
    fit(resumed, 4, 2, checkpoint=tmp_path / "c.ckpt", checkpoint_every=2, progress=False)
    straight = dr.DigitTrainer(ones, method, 0, s)
    fit(straight, 4, 2, progress=False)
    for a, b in zip(resumed.D.parameters(), straight.D.parameters()):
        assert torch.allclose(a, b, atol=1e-6)
    result = {"generated": straight.generate(20), "energy_generated": straight.energy(straight.generate(20)),
              "energy_real": straight.energy(ones[:20])}
    r = cex.ranking(result, ones[:20])
    assert r["images"].shape == (40, 1, 28, 28) and (r["energy"].diff() >= 0).all()
    assert int(r["is_real"].sum()) == 20


def test_knn_needs_a_batch_larger_than_k():
    with pytest.raises(ValueError, match="batch"):
        dr.DigitTrainer(torch.zeros(40, 1, 28, 28), "EGAN-Ent-NN", 0, dr.DigitSettings(batch=20, knn_k=20))


def test_digit_run_is_cached(tmp_path, monkeypatch):
    monkeypatch.setenv("PAPERLIB_DATA", str(REPO_DATA))
    s = dr.DigitSettings(width=0.0625, batch=24, iterations=2, eval_every=1, pool=500)
    first = cex.digit_run("EGAN-Ent-NN", s, cache=Cache(tmp_path), progress=False)
    again = cex.digit_run("EGAN-Ent-NN", s, cache=Cache(tmp_path), progress=False)
    assert torch.equal(first["energy_real"], again["energy_real"]) and first["energy_real"].shape == (500,)
    data = cex.digit_data(s)
    assert len(data["train"]) == 635 and len(data["pool"]) == 500
