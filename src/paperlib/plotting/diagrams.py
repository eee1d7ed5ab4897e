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
