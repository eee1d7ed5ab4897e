r"""Sanity bars: what a trained model must show before claims about it are tested (one place for every family).

A claim about a model below its bar reads *not testable here: <model> did not train (<numbers>)*
(:mod:`paperlib.core.claims`), and such a verdict never settles a budget. The bars are the companion's,
chosen from what a failed run looks like, not from any claim's verdict:

* **image generator** — a generator that repeats one image, or draws a texture the classifier cannot place,
  has a classifier Inception score near 1 ($\exp \mathbb E\,\mathrm{KL}(p(y|x)\|p(y))=1$ when every sample gets
  the same class distribution); one that draws one prototype per class has a high score but no diversity.
  Bar: score $\ge 2$ (of the 10 classes; real digits score about 9.6) **and** mean pairwise sample distance at
  least half the data's (:func:`paperlib.estimators.image_metrics` diversity).
* **image energy** — an energy trained on images must at least rank held-out data above uniform noise.
  Bar: ROC area (data against uniform noise, higher energy = less likely) $\ge 0.9$.

The 2-D models have no bar: their claims are judged on seeds, and the issue of a model that never trains is an
image-scale one.

A number that was not measured (missing or NaN) leaves the bar *unmeasured*: the model is not declared failed,
and the page says the bar could not be checked.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping


@dataclass(frozen=True)
class Bar:
    family: str
    text: str                                  # the bar in words, with its numbers
    needs: tuple[str, ...]                     # the numbers the test reads
    test: Callable[[Mapping[str, float]], bool]


BARS = {b.family: b for b in (
    Bar("image generator", "classifier score ≥ 2 and sample diversity ≥ 0.5 × the data's",
        ("IS", "diversity", "data diversity"),
        lambda n: n["IS"] >= 2.0 and n["diversity"] >= 0.5 * n["data diversity"]),
    Bar("image energy", "ROC area of held-out data against uniform noise ≥ 0.9", ("noise AUC",),
        lambda n: n["noise AUC"] >= 0.9),
)}


@dataclass(frozen=True)
class Sanity:
    model: str
    family: str
    passed: bool
    measured: bool                      # False: a number the bar needs is missing (the bar is not checked)
    numbers: dict = field(default_factory=dict)

    def describe(self) -> str:
        nums = ", ".join(f"{k} {v:.3g}" for k, v in self.numbers.items())
        if not self.measured:
            return f"{self.model}: sanity bar not measured ({nums or 'no numbers'})"
        state = "trained" if self.passed else "did not train"
        return f"{self.model} {state} ({nums}; bar: {BARS[self.family].text})"

    def as_dict(self) -> dict:
        return {"model": self.model, "family": self.family, "passed": self.passed, "measured": self.measured,
                "bar": BARS[self.family].text, "numbers": self.numbers}


def check(model: str, family: str, **numbers: float) -> Sanity:
    """Test ``model`` against its family's bar with the page's ``numbers`` (names as in :data:`BARS`)."""
    if family not in BARS:
        raise KeyError(f"no sanity bar for family {family!r}; families: {', '.join(BARS)}")
    bar = BARS[family]
    unknown = set(numbers) - set(bar.needs)
    if unknown:
        raise KeyError(f"{family} bar reads {bar.needs}, not {sorted(unknown)}")
    nums = {k: float(v) for k, v in numbers.items()}
    measured = all(k in nums and not math.isnan(nums[k]) for k in bar.needs)
    passed = bool(bar.test(nums)) if measured else True
    return Sanity(model, family, passed, measured, nums)


def table(results: Mapping[str, Sanity]):
    """The sanity bars of a page's models as a rendered table (numbers, bar, trained or not)."""
    import pandas as pd

    from paperlib.core.page import Table

    rows = [{"model": s.model, "family": s.family, **{k: v for k, v in s.numbers.items()},
             "bar": BARS[s.family].text,
             "trained": ("yes" if s.passed else "no") if s.measured else "not measured"} for s in results.values()]
    frame = pd.DataFrame(rows).set_index("model")
    return Table(frame, "Sanity bars: claims about a model that did not train are not testable here",
                 precision=3, text_columns=("bar",), name="sanity")


def within_class(images, labels, diversity: Callable) -> float:
    """Mean of ``diversity`` over the classes present (at least two images each): the diversity a conditional
    generator must show *within* a class (one prototype per class is diverse across classes only)."""
    import torch

    labels = torch.as_tensor(labels)
    values = [diversity(images[labels == k]) for k in labels.unique() if int((labels == k).sum()) >= 2]
    return float(sum(values) / len(values)) if values else float("nan")


def generator(model: str, score: float, samples, data, diversity: Callable, labels=None, data_labels=None,
              n_data: int = 500) -> Sanity:
    """The image-generator bar from a model's samples: its classifier ``score``, and the ``diversity`` of its
    samples against that of ``n_data`` seeded data images, both within a class when ``labels`` are given
    (a conditional model). ``diversity`` is the estimator (passed in: ``core`` imports no estimator)."""
    import torch

    pick = torch.randperm(len(data), generator=torch.Generator().manual_seed(0))[:n_data]
    x, ref = samples.float(), data[pick].float()
    if labels is None:
        div, ref_div = diversity(x), diversity(ref)
    else:
        div, ref_div = within_class(x, labels, diversity), within_class(ref, data_labels[pick], diversity)
    return check(model, "image generator", IS=score, diversity=div, **{"data diversity": ref_div})
