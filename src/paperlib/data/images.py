r"""Image datasets of the image pages (Stein Bridging §5, spec A.3.3), in the models' range $[-1, 1]$, 32×32.

* ``mnist`` / ``emnist``: :mod:`paperlib.data.digits` (torchvision's layout), padded 28 → 32;
* ``cifar10``: ``torchvision.datasets.CIFAR10`` (``<data>/cifar-10-batches-py``);
* ``lsun``: ``torchvision.datasets.LSUN`` bedroom (``<data>/lsun/bedroom_train_lmdb``), centre-cropped and
  resized to 32×32 (the OOD negatives of Fig. 8; needs the ``lmdb`` package);
* ``celeba``: ``torchvision.datasets.CelebA`` (``<data>/celeba``), centre crop 140, resized to 32×32;
* ``stand-in``: the vendored MNIST *test* set (10,000 real digits) split by a seeded permutation into a training
  part and a held-out part: what the ``cpu`` and ``smoke`` profiles train and score on;
* ``fake``: torchvision's ``FakeData`` in a dataset's shape (the ``paper``-shaped dry run of the tests).

A missing dataset raises :class:`~paperlib.data.DatasetMissingError` naming the files, the folder, and the call
that downloads them (``download=True`` downloads where a network exists).
"""
from __future__ import annotations

from pathlib import Path

import torch
import torch.nn.functional as F

from paperlib.core import paths
from paperlib.data import DatasetMissingError, digits

__all__ = ["load", "stand_in", "fake", "ood_negatives", "to_model_range", "to_unit_range", "SHAPES", "SOURCES"]

SHAPES = {"mnist": (1, 32, 32), "emnist": (1, 32, 32), "cifar10": (3, 32, 32), "lsun": (3, 32, 32),
          "celeba": (3, 32, 32)}
# torchvision class, what it leaves on disk (relative to the data folder)
SOURCES = {"cifar10": ("CIFAR10", "cifar-10-batches-py/{data_batch_1..5, test_batch, batches.meta}"),
           "lsun": ("LSUN", "lsun/bedroom_train_lmdb/{data.mdb, lock.mdb}"),
           "celeba": ("CelebA", "celeba/{img_align_celeba/, list_eval_partition.txt, identity_CelebA.txt, ...}")}


def to_model_range(images: torch.Tensor) -> torch.Tensor:
    """[0, 1] images (N, C, H, W) → [−1, 1], 28-pixel digits zero-padded (black) to 32×32 (spec A.5 SB-Table2)."""
    x = images.float() * 2 - 1
    if x.shape[-1] == 28:
        x = F.pad(x, (2, 2, 2, 2), value=-1.0)
    return x


def to_unit_range(images: torch.Tensor) -> torch.Tensor:
    """[−1, 1] → [0, 1] (the pixel scale of Table 3's distances [recon])."""
    return (images.float() + 1) / 2


def _missing(name: str, root: Path, exc: Exception | None = None) -> DatasetMissingError:
    cls, files = SOURCES[name]
    extra = ', classes=["bedroom_train"]' if name == "lsun" else ""
    why = f" ({type(exc).__name__}: {exc})" if exc else ""
    return DatasetMissingError(
        f"{name} not found in {root}{why}: expected {files}. Download it once with\n"
        f"    python -c \"import torchvision; torchvision.datasets.{cls}({str(root)!r}{extra}, download=True)\"\n"
        f"(LSUN has no torchvision download: fetch bedroom_train_lmdb with the LSUN download script and unzip it "
        f"into {root / 'lsun'}), or pass download=True; set PAPERLIB_DATA to use another data folder.")


def _torchvision(name: str, split: str, root: Path, download: bool, limit: int | None):
    import torchvision.datasets as tvd
    import torchvision.transforms as T

    if name == "cifar10":
        ds = tvd.CIFAR10(str(root), train=(split == "train"), download=download)
        x = torch.from_numpy(ds.data).permute(0, 3, 1, 2).float() / 255
        return x[:limit], torch.tensor(ds.targets)[:limit]
    if name == "lsun":
        tf = T.Compose([T.Resize(32), T.CenterCrop(32), T.ToTensor()])
        ds = tvd.LSUN(str(root / "lsun"), classes=[f"bedroom_{split if split == 'train' else 'val'}"], transform=tf)
    else:
        tf = T.Compose([T.CenterCrop(140), T.Resize(32), T.ToTensor()])
        ds = tvd.CelebA(str(root), split="train" if split == "train" else "test", transform=tf, download=download)
    n = len(ds) if limit is None else min(limit, len(ds))
    x = torch.stack([ds[i][0] for i in range(n)])
    return x, torch.full((n,), -1, dtype=torch.long)


def load(name: str, split: str = "train", root: str | Path | None = None, download: bool = False,
         limit: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """(images in [−1, 1], (N, C, 32, 32) float32; labels int64, −1 where the set has none)."""
    root = Path(root) if root is not None else paths.data_dir()
    if name in ("mnist", "emnist"):
        x, y = digits.load(name, split, root, download)
        return to_model_range(x[:limit].unsqueeze(1).float() / 255), y[:limit]
    if name not in SOURCES:
        raise KeyError(f"unknown image dataset {name!r}; available: mnist, emnist, {', '.join(SOURCES)}, stand-in")
    try:
        x, y = _torchvision(name, split, root, download, limit)
    except ImportError as exc:   # LSUN needs lmdb
        raise _missing(name, root, exc) from None
    except (RuntimeError, OSError, FileNotFoundError) as exc:   # torchvision: "Dataset not found", no network
        raise _missing(name, root, exc) from None
    return to_model_range(x), y


def stand_in(held_out: int = 2000, seed: int = 0, root: str | Path | None = None) -> dict[str, torch.Tensor]:
    """The vendored MNIST test set split deterministically: ``train`` / ``held_out`` images and labels."""
    x, y = load("mnist", "test", root)
    perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(seed))
    tr, ho = perm[held_out:], perm[:held_out]
    return {"train": x[tr], "train_labels": y[tr], "held_out": x[ho], "held_out_labels": y[ho]}


def fake(name: str, n: int, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    """``n`` torchvision ``FakeData`` images in ``name``'s shape, in [−1, 1] (for dry runs only)."""
    import torchvision.datasets as tvd
    import torchvision.transforms as T

    c, h, w = SHAPES[name]
    ds = tvd.FakeData(n, (c, h, w), num_classes=10, transform=T.ToTensor(), random_offset=seed)
    x = torch.stack([ds[i][0] for i in range(n)])
    y = torch.tensor([int(ds[i][1]) for i in range(n)])
    return to_model_range(x), y


def ood_negatives(images: torch.Tensor, labels: torch.Tensor, seed: int = 0,
                  lsun: torch.Tensor | None = None) -> dict[str, torch.Tensor]:
    r"""The negative sets of Fig. 8 (spec A.5 SB-Fig8) for positives ``images`` in [−1, 1]:

    * ``flipped``: each image mirrored left–right [recon: "flipped"];
    * ``noise``: i.i.d. uniform pixels [recon];
    * ``average``: the pixel average of each image and one of a *different* class (seeded pairing);
    * ``lsun``: LSUN bedroom images, when given (grey-scaled when the positives have one channel).
    """
    g = torch.Generator().manual_seed(seed)
    n = len(images)
    partner = torch.randperm(n, generator=g)
    for _ in range(100):   # re-draw the partners of same-class pairs until every pair differs in class
        same = labels[partner] == labels
        if not bool(same.any()):
            break
        partner[same] = torch.randint(0, n, (int(same.sum()),), generator=g)
    out = {"flipped": images.flip(-1),
           "noise": torch.rand(images.shape, generator=g) * 2 - 1,
           "average": (images + images[partner]) / 2}
    if lsun is not None:
        out["lsun"] = lsun.mean(1, keepdim=True) if images.shape[1] == 1 and lsun.shape[1] == 3 else lsun
    return out


# ------------------------------------------------------------------ stand-ins that scikit-image ships (GGCN)
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket")     # colour photographs (the SUN stand-in, Fig. 10)
TEXTURES = ("brick", "grass", "gravel")                   # grey textures (the LSUN-bedroom stand-in, Fig. 5)


def _skimage(name: str) -> torch.Tensor:
    """A scikit-image sample image as (C, H, W) in [0, 1] (it ships in the wheel: no download)."""
    import skimage.data

    a = torch.from_numpy(getattr(skimage.data, name)().astype("float32") / 255.0)
    return a.permute(2, 0, 1) if a.dim() == 3 else a[None]


def lfw_faces(size: int = 32) -> torch.Tensor:
    """scikit-image's ``lfw_subset``: 200 grey 25×25 faces (100 faces, 100 non-faces in the file; the first 100
    are the faces) resized bilinearly to ``size`` — the CelebA stand-in, in [−1, 1]."""
    import skimage.data

    x = torch.from_numpy(skimage.data.lfw_subset()[:100].astype("float32"))[:, None]
    return to_model_range(F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False))


def crops(name: str, n: int, size: int = 32, scale: int = 4, seed: int = 0) -> torch.Tensor:
    """``n`` random ``size·scale``-pixel crops of a scikit-image picture, downsampled by ``scale`` (area
    averaging) to ``size``×``size``, in [−1, 1] (seeded)."""
    img = _skimage(name)
    g = torch.Generator().manual_seed(seed)
    big = size * scale
    h, w = img.shape[1:]
    ys = torch.randint(0, h - big + 1, (n,), generator=g)
    xs = torch.randint(0, w - big + 1, (n,), generator=g)
    x = torch.stack([img[:, a:a + big, b:b + big] for a, b in zip(ys.tolist(), xs.tolist())])
    return to_model_range(F.avg_pool2d(x, scale))


def centre_crop(name: str, size: int = 32, scale: int = 8) -> torch.Tensor:
    """The centre ``size·scale`` square of a scikit-image picture downsampled to ``size`` (1, C, size, size)."""
    img = _skimage(name)
    h, w = img.shape[1:]
    big = min(size * scale, h, w)
    a, b = (h - big) // 2, (w - big) // 2
    x = img[None, :, a:a + big, b:b + big]
    return to_model_range(F.interpolate(x, size=(size, size), mode="area"))
