r"""Objectives of Stein Bridging and related frameworks (SB Table 1, spec A.5; reconstructed).

Each objective is data: a list of problems $\min_{\text{vars}}\sum_k w_k\,\mathcal D_k(P,Q)$ over
the distributions below. Table 1 and the Fig. 1 framework diagram are both rendered from these
definitions, so the two cannot disagree.
"""
from __future__ import annotations

from dataclasses import dataclass

DISTRIBUTIONS = {
    "data": r"P_r",
    "generator": r"P_\theta",
    "energy": r"p_\phi",
    "revised": r"\tilde{P}_\phi",
}
DISTRIBUTION_NAMES = {"data": "real data", "generator": "implicit generator",
                      "energy": "explicit energy model", "revised": "MCMC-revised samples"}


@dataclass(frozen=True)
class Term:
    """$w\\,\\mathcal D(P, Q)$ between two named distributions, optionally through a critic."""

    divergence: str          # LaTeX symbol, e.g. r"\mathcal D_1" or r"\mathrm{KL}"
    first: str               # key of DISTRIBUTIONS
    second: str
    weight: str = ""         # LaTeX weight, "" for 1
    critic: str = ""         # what estimates it, e.g. "Wasserstein critic $D_\psi$"

    def latex(self) -> str:
        w = f"{self.weight}\\," if self.weight else ""
        sep = r"\,\|\," if self.divergence == r"\mathrm{KL}" else ", "
        return f"{w}{self.divergence}({DISTRIBUTIONS[self.first]}{sep}{DISTRIBUTIONS[self.second]})"


@dataclass(frozen=True)
class Problem:
    variables: str           # LaTeX of the minimised variables, e.g. r"\theta,\phi"
    terms: tuple[Term, ...]
    inner_max: str = ""      # LaTeX of a maximised variable written explicitly (EBGAN)
    expression: str = ""     # explicit LaTeX objective instead of a sum of terms

    def latex(self) -> str:
        body = self.expression or " + ".join(t.latex() for t in self.terms)
        mx = f"\\max_{{{self.inner_max}}}\\;" if self.inner_max else ""
        return f"\\min_{{{self.variables}}}\\;{mx}{body}"


@dataclass(frozen=True)
class Objective:
    model: str
    reference: str
    problems: tuple[Problem, ...]
    note: str = ""

    def latex(self) -> str:
        return r",\quad ".join(p.latex() for p in self.problems)


D, D1, D2, KL = r"\mathcal{D}", r"\mathcal{D}_1", r"\mathcal{D}_2", r"\mathrm{KL}"

STEIN_BRIDGING = Objective(
    "Stein Bridging", "Wu, Gao, Zha, eq. 5",
    (Problem(r"\theta,\phi", (
        Term(D1, "data", "generator", critic=r"Wasserstein critic $D_\psi$ (or GAN discriminator)"),
        Term(D2, "data", "energy", r"\lambda_1", critic=r"Stein critic (kernel or network)"),
        Term(D2, "generator", "energy", r"\lambda_2", critic=r"the same Stein critic: the bridge"),
    )),),
    note=r"$\mathcal{D}_1$: Wasserstein-1 (Joint-W) or Jensen-Shannon (Joint-JS); $\mathcal{D}_2$: Stein discrepancy.",
)

TABLE1 = (
    Objective("GAN", "Goodfellow et al. 2014; Arjovsky et al. 2017",
              (Problem(r"\theta", (Term(D, "data", "generator"),)),)),
    Objective("Energy model", "maximum likelihood / score matching",
              (Problem(r"\phi", (Term(D, "data", "energy"),)),)),
    Objective("Energy-based GAN", "Zhao et al. 2017; Dai et al. 2017",
              (Problem(r"\theta", (Term(D, "data", "generator"),), inner_max=r"\phi",
                       expression=r"\mathbb E_{P_\theta}E_\phi-\mathbb E_{P_r}E_\phi\;(+\mathrm{reg.})"),),
              note="the energy plays the critic; equivalently a distance between data and generator"),
    Objective("Contrastive learning", "Kim & Bengio 2016; Hinton 2002",
              (Problem(r"\phi", (Term(KL, "data", "energy"),)),
               Problem(r"\theta", (Term(KL, "generator", "energy"),))),
              note=r"negative phase of the energy's gradient from $P_\theta$"),
    Objective("Cooperative learning", "Xie et al. 2018",
              (Problem(r"\phi", (Term(D, "data", "energy"),)),
               Problem(r"\theta", (Term(D, "revised", "generator"),))),
              note=r"$\tilde{P}_\phi$: generator samples revised by MCMC on $E_\phi$"),
    STEIN_BRIDGING,
)
