"""Diagrams drawn from the library's definitions (SB Fig. 1 from ``objectives.STEIN_BRIDGING``)."""
from __future__ import annotations

from paperlib.theory.objectives import DISTRIBUTION_NAMES, DISTRIBUTIONS, Objective

# Triangle layout of the three distributions of Fig. 1.
_POS = {"data": (0.5, 0.86), "generator": (0.12, 0.18), "energy": (0.88, 0.18)}


def framework_diagram(objective: Objective, ax=None):
    """Boxes for the distributions of ``objective``; one labelled edge per term (its weight,
    divergence and critic). Returns the figure."""
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=(8.5, 5.4))
    fig = ax.figure
    ax.set_axis_off()
    ax.set_xlim(-0.25, 1.25)
    ax.set_ylim(0.0, 1.0)
    terms = [t for p in objective.problems for t in p.terms]
    nodes = sorted({n for t in terms for n in (t.first, t.second)}, key=list(_POS).index)
    for n in nodes:
        x, y = _POS[n]
        ax.text(x, y, f"{DISTRIBUTION_NAMES[n]}\n${DISTRIBUTIONS[n]}$", ha="center", va="center", fontsize=11,
                bbox=dict(boxstyle="round,pad=0.6", fc="#f2f2f2", ec="#333333"), zorder=3)
    for k, t in enumerate(terms):
        (x0, y0), (x1, y1) = _POS[t.first], _POS[t.second]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0), zorder=1,
                    arrowprops=dict(arrowstyle="<->", lw=2, color=f"C{k}", shrinkA=38, shrinkB=38))
        mx, my = (x0 + x1) / 2, (y0 + y1) / 2
        dy = -0.09 if my < 0.3 else 0.0
        # labels of the slanted edges sit outside the triangle, the bottom one below it
        ha, dx = ("center", 0.0) if abs(mx - 0.5) < 0.05 else (("right", -0.05) if mx < 0.5 else ("left", 0.05))
        label = f"${t.latex()}$" + (f"\n{t.critic}" if t.critic else "")
        ax.text(mx + dx, my + dy, label, ha=ha, va="center", fontsize=10, color=f"C{k}",
                bbox=dict(boxstyle="round,pad=0.3", fc="white", ec="none", alpha=0.9), zorder=2)
    ax.set_title(f"{objective.model}: ${objective.problems[0].latex()}$", fontsize=11)
    return fig


def _box(ax, x, y, text, fc="#f2f2f2"):
    ax.text(x, y, text, ha="center", va="center", fontsize=10, zorder=3,
            bbox=dict(boxstyle="round,pad=0.45", fc=fc, ec="#333333"))


def _arrow(ax, a, b, label="", colour="#333333"):
    ax.annotate("", xy=b, xytext=a, arrowprops=dict(arrowstyle="->", lw=1.8, color=colour, shrinkA=28, shrinkB=28))
    if label:
        ax.text((a[0] + b[0]) / 2, (a[1] + b[1]) / 2 + 0.07, label, ha="center", va="bottom", fontsize=9, color=colour)


def ggcn_pipeline_diagram(grids, steps: int):
    """GGCN Fig. 3 from the library's settings: (a) MGCN's grids (``grids``, each initialised by upsampling the
    coarser synthesis) against GGCN's generator + synthesiser; (b) the symmetrical learning of GGCN with its two
    losses. Returns the figure."""
    import matplotlib.pyplot as plt

    fig, (a, b) = plt.subplots(2, 1, figsize=(8.5, 6.6))
    for ax in (a, b):
        ax.set_axis_off()
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
    xs = [0.12 + 0.76 * i / max(1, len(grids) - 1) for i in range(len(grids))]
    for i, (x, g) in enumerate(zip(xs, grids)):
        _box(a, x, 0.78, f"grid {i + 1}\n{g}×{g} GCN\n{steps} Langevin steps")
        if i:
            _arrow(a, (xs[i - 1], 0.78), (x, 0.78), "linear upsampling")
    a.text(0.0, 0.97, "(a) MGCN: one energy per grid", fontsize=10, weight="bold", va="top")
    a.text(0.0, 0.5, "GGCN: the first grid is replaced by a hidden space, the upsampling by a generator",
           fontsize=10, weight="bold", va="top")
    _box(a, 0.12, 0.22, "hidden z\n(learned per image)", "#e8f1fa")
    _box(a, 0.5, 0.22, "generator g(z)\nnon-linear upsampling", "#e8f1fa")
    _box(a, 0.88, 0.22, f"synthesiser f(x)\n{grids[-1]}×{grids[-1]} GCN", "#e8f1fa")
    _arrow(a, (0.12, 0.22), (0.5, 0.22))
    _arrow(a, (0.5, 0.22), (0.88, 0.22), "Langevin revision")
    b.text(0.0, 0.97, "(b) symmetrical learning", fontsize=10, weight="bold", va="top")
    _box(b, 0.15, 0.55, "observed x", "#eef7ee")
    _box(b, 0.5, 0.8, "revised x̃", "#eef7ee")
    _box(b, 0.5, 0.3, "g(z)", "#e8f1fa")
    _box(b, 0.85, 0.55, "synthesiser f", "#e8f1fa")
    _arrow(b, (0.15, 0.55), (0.85, 0.55), "L1: MLE, f(x) vs f(x̃) (generator frozen)", "#0173B2")
    _arrow(b, (0.5, 0.8), (0.5, 0.3), "L2: ‖x̃ − g(z)‖² and ‖x − g(z)‖² (synthesiser frozen)", "#D55E00")
    fig.tight_layout()
    return fig
