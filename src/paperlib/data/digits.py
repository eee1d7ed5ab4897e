r"""Handwritten digits in torchvision's on-disk layout: MNIST and EMNIST (the NIST SD19 digits).

``<data>/MNIST/raw/{train,t10k}-{images-idx3,labels-idx1}-ubyte[.gz]`` and
``<data>/EMNIST/raw/emnist-digits-{train,test}-{images-idx3,labels-idx1}-ubyte`` — exactly where
``torchvision.datasets.MNIST`` / ``EMNIST(split="digits")`` put them with ``download=True``. Files are
read with torchvision's idx readers; a gzipped file is extracted next to itself first (atomically). A
split that is present on its own (this repository ships the MNIST *test* set, 1.6 MB, under
``data/MNIST/raw``) is enough: torchvision's MNIST class itself insists on all four files.

Dai et al. train on NIST SD19 digit "1" (≈74k images, spec B.3.3), whose preprocessed archive is gone;
EMNIST "digits" is the same NIST source in MNIST format. EMNIST images are stored transposed; they are
returned upright.
"""
from __future__ import annotations

import os
import tempfile
import zlib
from pathlib import Path

import torch

from paperlib.core import paths
from paperlib.data import DatasetCorruptError, DatasetMissingError

__all__ = ["load", "digit", "split_pool", "DatasetMissingError", "DatasetCorruptError", "SOURCES"]

# name -> (torchvision class name, split -> file prefix, extra constructor arguments)
SOURCES = {
    "mnist": ("MNIST", {"train": "train", "test": "t10k"}, {}),
    "emnist": ("EMNIST", {"train": "emnist-digits-train", "test": "emnist-digits-test"}, {"split": "digits"}),
}


def _files(source: str, split: str, root: Path) -> tuple[Path, Path]:
    folder, prefixes, _ = SOURCES[source]
    raw = root / folder / "raw"
    return raw / f"{prefixes[split]}-images-idx3-ubyte", raw / f"{prefixes[split]}-labels-idx1-ubyte"


def _ensure_plain(path: Path) -> bool:
    """True when ``path`` exists, after extracting ``path.gz`` next to it if only that exists."""
    if path.is_file():
        return True
    gz = path.with_name(path.name + ".gz")
    if not gz.is_file():
        return False
    from torchvision.datasets.utils import extract_archive

    with tempfile.TemporaryDirectory(dir=path.parent) as tmp:   # extract, then rename into place
        try:
            out = Path(extract_archive(str(gz), tmp))
        except (EOFError, OSError, zlib.error) as exc:   # truncated or not gzip at all
            raise DatasetCorruptError(f"{gz} is truncated or not a gzip archive ({type(exc).__name__}: {exc}). "
                                      f"Delete it and download it again (see paperlib.data.digits.load(..., "
                                      f"download=True)).") from None
        os.replace(out, path)
    return True


def _urls(source: str) -> list[str]:
    """Where torchvision downloads ``source`` from (its own mirror list / archive address)."""
    import torchvision.datasets as tvd

    cls = getattr(tvd, SOURCES[source][0])
    if source == "emnist":
        return [cls.url]
    return list(cls.mirrors)


def _missing_message(source: str, split: str, root: Path, files: tuple[Path, Path]) -> str:
    folder, _, extra = SOURCES[source]
    args = ", ".join([f"root={str(root)!r}", *(f"{k}={v!r}" for k, v in extra.items()),
                      f"train={split == 'train'}", "download=True"])
    return (f"{source.upper()} {split} set not found: expected {files[0].name} and {files[1].name} "
            f"(or their .gz) in {files[0].parent}. Download it once with\n"
            f"    python -c \"from torchvision.datasets import {folder}; {folder}({args})\"\n"
            f"or call paperlib.data.digits.load({source!r}, {split!r}, download=True); set PAPERLIB_DATA "
            f"to use another data folder (now {root}).")


def load(source: str = "mnist", split: str = "test", root: str | Path | None = None,
         download: bool = False) -> tuple[torch.Tensor, torch.Tensor]:
    """(images uint8 (N, 28, 28), labels int64 (N,)) of ``source`` ("mnist" | "emnist") and ``split``."""
    if source not in SOURCES:
        raise KeyError(f"unknown digit source {source!r}; available: {', '.join(SOURCES)}")
    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', not {split!r}")
    root = Path(root) if root is not None else paths.data_dir()
    files = _files(source, split, root)
    if not all(_ensure_plain(f) for f in files):
        if not download:
            raise DatasetMissingError(_missing_message(source, split, root, files))
        import torchvision.datasets as tvd

        folder, _, extra = SOURCES[source]
        try:
            getattr(tvd, folder)(str(root), train=(split == "train"), download=True, **extra)
        except (OSError, RuntimeError, ValueError) as exc:   # no network (URLError is an OSError), bad archive
            raise DatasetMissingError(
                f"{source.upper()} {split} set: the download failed ({type(exc).__name__}: {exc}). It needs "
                f"{files[0].name} and {files[1].name} in {files[0].parent}; torchvision fetches them from "
                f"{', '.join(_urls(source))}. Download them on a machine with a network and copy the folder "
                f"{root / folder} here (or set PAPERLIB_DATA).") from None
        if not all(_ensure_plain(f) for f in files):
            raise DatasetMissingError(_missing_message(source, split, root, files))
    from torchvision.datasets.mnist import read_image_file, read_label_file

    images, labels = read_image_file(str(files[0])), read_label_file(str(files[1])).long()
    if images.shape[0] != labels.shape[0]:
        raise ValueError(f"{files[0]} holds {images.shape[0]} images but {files[1]} {labels.shape[0]} labels")
    if source == "emnist":
        images = images.transpose(1, 2).contiguous()
    return images, labels


def digit(d: int, source: str = "mnist", split: str = "test", root: str | Path | None = None,
          download: bool = False) -> torch.Tensor:
    """The images of digit ``d`` as float32 in [0, 1], shape (N, 1, 28, 28) (pixels / 255, as the code)."""
    images, labels = load(source, split, root, download)
    return (images[labels == d].float() / 255.0).unsqueeze(1)


def split_pool(images: torch.Tensor, pool: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """(training images, ``pool`` held-out images) by a seeded permutation."""
    if pool >= images.shape[0]:
        raise ValueError(f"cannot hold out {pool} of {images.shape[0]} images")
    perm = torch.randperm(images.shape[0], generator=torch.Generator().manual_seed(seed))
    return images[perm[pool:]], images[perm[:pool]]

