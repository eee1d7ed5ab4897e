"""The house style: one seaborn theme + a packaged .mplstyle, one colour per method, and a
``save_figure`` that writes PNG and SVG without timestamps (so re-runs are byte-stable)."""
from __future__ import annotations

from pathlib import Path

from paperlib.core import paths
from paperlib.core.files import atomic_write

# One colour per method, the same on every page of the book (seaborn "colorblind" palette order).
_PALETTE = ["#0173B2", "#DE8F05", "#029E73", "#D55E00", "#CC78BC", "#CA9161", "#FBAFE4",
            "#949494", "#ECE133", "#56B4E9"]
METHOD_COLOURS = {
    "WGAN": _PALETTE[0], "WGAN-GP": _PALETTE[0], "GAN": _PALETTE[7],
    "WGAN+LR": _PALETTE[1], "WGAN+LR+VA": _PALETTE[4], "WGAN+VA": _PALETTE[4], "WGAN+ER": _PALETTE[3],
    "Stein Bridging": _PALETTE[2], "Joint-W": _PALETTE[2], "Joint-JS": _PALETTE[9],
    "DEM": _PALETTE[5], "EGAN": _PALETTE[6], "DGM": _PALETTE[8],
    "WGAN-GP+LR": _PALETTE[1], "WGAN-GP+ER": _PALETTE[3], "WGAN-GP+VA": _PALETTE[4],
    "GAN+LR": _PALETTE[1], "GAN+ER": _PALETTE[3], "GAN+VA": _PALETTE[4],
    # GGCN chapter
    "GCN": _PALETTE[0], "wGCN": _PALETTE[3], "MGCN": _PALETTE[5], "wMGCN": _PALETTE[1], "FRAME": _PALETTE[8],
    "wFRAME": _PALETTE[6], "GGCN": _PALETTE[2], "GGCN+AMS": _PALETTE[9], "GGCN-LHS+AMS": _PALETTE[4],
    "DCGAN": _PALETTE[7],
}


def colour(method: str, index: int = 0) -> str:
    """The method's colour; unknown methods cycle through the palette by ``index``."""
    return METHOD_COLOURS.get(method, _PALETTE[index % len(_PALETTE)])


def palette(n: int) -> list[str]:
    return [_PALETTE[i % len(_PALETTE)] for i in range(n)]


def use_style() -> None:
    """Apply the seaborn theme, then the packaged style file (which wins on conflicts)."""
    import matplotlib.pyplot as plt
    import seaborn as sns

    sns.set_theme(context="notebook", style="whitegrid", palette=_PALETTE)
    plt.style.use(str(Path(__file__).with_name("styles") / "paper.mplstyle"))
    try:  # inline SVG/PNG without the creation date, for stable notebook outputs
        from matplotlib_inline.backend_inline import set_matplotlib_formats

        set_matplotlib_formats("png")
    except Exception:  # noqa: BLE001 - outside IPython there is nothing to configure
        pass


def save_figure(fig, item_id: str, name: str = "figure") -> list[Path]:
    """Write ``results/<stem>.<name>.png`` and ``.svg`` (no dates in metadata) and return the paths."""
    from paperlib.core.catalogue import item

    stem = item(item_id).stem
    out = paths.results_dir()
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ext, meta in (("png", {"Software": None}), ("svg", {"Date": None})):
        p = atomic_write(out / f"{stem}.{name}.{ext}", lambda fh: fig.savefig(fh, format=ext, metadata=meta),
                         mode="wb")
        written.append(p)
    return written


def scatter_samples(ax, points, canvas, title: str = "", colour_: str = "C0") -> None:
    """Samples as in the released plotting script: alpha 0.2, size 10, outside points clamped to the
    canvas border minus 0.1 (so mass that escapes the canvas stays visible)."""
    import numpy as np

    x0, x1, y0, y1 = canvas
    p = np.asarray(points, dtype=float)
    p = np.c_[np.clip(p[:, 0], x0 + 0.1, x1 - 0.1), np.clip(p[:, 1], y0 + 0.1, y1 - 0.1)]
    ax.scatter(p[:, 0], p[:, 1], s=10, alpha=0.2, color=colour_, linewidths=0, rasterized=True)
    ax.set(xlim=(x0, x1), ylim=(y0, y1), title=title, xticks=[], yticks=[], aspect="equal")


def density_image(ax, density, canvas, title: str = "") -> None:
    """A density on the mesh as a heat map (magma), nodes at ``linspace`` of the canvas."""
    import numpy as np

    x0, x1, y0, y1 = canvas
    ax.imshow(np.asarray(density, dtype=float), origin="lower", extent=(x0, x1, y0, y1), cmap="magma",
              aspect="equal", interpolation="nearest")
    ax.set(title=title, xticks=[], yticks=[])


def energy_contours(ax, X, Y, energy, title: str = "") -> None:
    r"""An energy on the mesh as Dai et al. draw it: pcolormesh plus white contours at 15 quadratically
    spaced levels $\ell_i=\min+i^2(\max-\min)/15^2$, $i=0..14$ (spec B.6 CE-Fig1)."""
    import numpy as np

    X, Y = np.asarray(X, dtype=float), np.asarray(Y, dtype=float)
    e = np.asarray(energy, dtype=float).reshape(X.shape)
    ax.pcolormesh(X, Y, e, shading="auto", cmap="viridis", rasterized=True)
    lo, hi = e.min(), e.max()
    if hi > lo:
        ax.contour(X, Y, e, levels=lo + np.arange(15) ** 2 * (hi - lo) / 15**2, colors="white", linewidths=0.6,
                   negative_linestyles="solid")
    ax.set(title=title, xticks=[], yticks=[], aspect="equal")


def image_grid(images, nrow: int):
    """Images (N, C, H, W) tiled ``nrow`` per row with a one-pixel grey border, as an (H', W', C) array for
    ``imshow`` (torchvision's ``make_grid``)."""
    from torchvision.utils import make_grid

    return make_grid(images, nrow=nrow, padding=1, pad_value=0.5).permute(1, 2, 0).numpy()


def show_images(ax, images, nrow: int | None = None, title: str = "") -> None:
    """Images in [−1, 1] (N, C, H, W) tiled on ``ax`` ``nrow`` per row (default: a square grid, whatever N the
    profile gives), grey colour map for one channel, no ticks."""
    import math

    import torch

    x = ((torch.as_tensor(images).float() + 1) / 2).clamp(0, 1)
    grid = image_grid(x, nrow or math.ceil(math.sqrt(len(x))))
    ax.imshow(grid[..., 0] if x.shape[1] == 1 else grid, cmap="gray", vmin=0, vmax=1)
    ax.set(xticks=[], yticks=[], title=title)
    ax.grid(False)


# ------------------------------------------------------------------------------------- legibility
# A page shows the inline PNG (``figure.dpi`` 100 px per inch, bbox tight) scaled down to the book's content
# column when it is wider. BOOK_WIDTH_PX is that column's width in CSS px as measured in headless Chromium at
# a 1280-px window (tests/build/test_browser.py checks it); a CSS px is 1/96 in, a point 1/72 in.
BOOK_WIDTH_PX = 750
INLINE_DPI = 100
MIN_RENDERED_PT = 8.0        # tick labels, legends, titles: at least this at the rendered size
MIN_RENDERED_HEIGHT_PX = 220  # a wide strip shrunk below this is unreadable: stack it instead
MAX_ASPECT = 3.2             # width / height


def legibility(svg: str) -> dict:
    """How a figure (its saved SVG, in points) renders in the book: the scale to the column, the smallest font
    at that size in pt, the rendered height in px, the aspect ratio, and panel labels "(a)" used twice."""
    import re

    head = re.search(r'<svg[^>]*width="([\d.]+)pt"[^>]*height="([\d.]+)pt"', svg)
    if head is None:
        raise ValueError("not a matplotlib SVG (no width/height in pt)")
    w_in, h_in = float(head.group(1)) / 72, float(head.group(2)) / 72
    scale = min(1.0, BOOK_WIDTH_PX / (w_in * INLINE_DPI))
    # one size per text element: the largest of its spans (mathtext draws sub/superscripts at 0.7x by design)
    elements = re.findall(r"<text[^>]*>.*?</text>", svg, re.S)
    fonts = [max(float(f) for f in found) for e in elements if (found := re.findall(r"font-size:\s*([\d.]+)px", e))]
    texts = [re.sub(r"<[^>]+>", "", e).strip() for e in elements]
    labels = [m.group(1) for t in texts if (m := re.match(r"^\(([a-z])\)", t))]
    smallest = min(fonts) if fonts else None
    return {"width_in": round(w_in, 2), "height_in": round(h_in, 2), "scale": round(scale, 3),
            "min_font_pt": smallest,
            "rendered_min_font_pt": None if smallest is None else round(smallest * INLINE_DPI / 96 * scale, 2),
            "rendered_height_px": round(h_in * INLINE_DPI * scale), "aspect": round(w_in / h_in, 2),
            "duplicate_panel_labels": sorted({x for x in labels if labels.count(x) > 1})}


def legibility_problems(stats: dict) -> list[str]:
    """What :func:`legibility` found below the house rules (empty: readable at the book's width)."""
    out = []
    if stats["rendered_min_font_pt"] is not None and stats["rendered_min_font_pt"] < MIN_RENDERED_PT:
        out.append(f"smallest text {stats['min_font_pt']:g} pt renders at {stats['rendered_min_font_pt']:g} pt "
                   f"(< {MIN_RENDERED_PT:g}) in a {stats['width_in']:g}-in-wide figure scaled by {stats['scale']:g}")
    if stats["rendered_height_px"] < MIN_RENDERED_HEIGHT_PX:
        out.append(f"renders {stats['rendered_height_px']} px tall (< {MIN_RENDERED_HEIGHT_PX})")
    if stats["aspect"] > MAX_ASPECT:
        out.append(f"aspect {stats['aspect']:g} (> {MAX_ASPECT:g}): a strip; stack its panels")
    if stats["duplicate_panel_labels"]:
        out.append(f"panel labels used twice: {stats['duplicate_panel_labels']}")
    return out
