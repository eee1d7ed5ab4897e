"""`device` is real: every experiment sends its tensors and networks to the device it is given.

No accelerator is needed: :class:`FakeAccelerator` is a torch function mode that records every request for the
device ``cuda:3`` (a ``.to(...)`` or a ``device=`` argument) and serves it on the CPU. An experiment that ignored
its ``device`` argument would make no such request, and its test fails.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch.overrides import TorchFunctionMode

from paperlib.core.cache import Cache
from paperlib.core.devices import place, used

FAKE = "cuda:3"
REPO_DATA = Path(__file__).resolve().parents[1] / "data"


class FakeAccelerator(TorchFunctionMode):
    def __init__(self):
        super().__init__()
        self.requests = 0

    def _swap(self, value):
        if isinstance(value, (str, torch.device)) and str(value) == FAKE:
            self.requests += 1
            return "cpu"
        return value

    def __torch_function__(self, func, types, args=(), kwargs=None):
        kwargs = {k: (self._swap(v) if k == "device" else v) for k, v in (kwargs or {}).items()}
        if getattr(func, "__name__", "") == "to":
            args = tuple(self._swap(a) for a in args)
        return func(*args, **kwargs)


def _requests(run) -> int:
    with FakeAccelerator() as mode:
        run()
    return mode.requests


def test_the_fake_accelerator_sees_a_placement_and_misses_none():
    assert _requests(lambda: place(torch.zeros(3), FAKE)) == 1
    assert _requests(lambda: torch.zeros(3).to("cpu")) == 0
    assert "cpu" in used()


def test_stein_bridging_runs(tmp_path):
    from paperlib.experiments import stein_bridging as ex
    from paperlib.methods import stein_bridging as sb
    s = sb.TrainSettings(iterations=2, hidden=8, n_critic=1, eval_every=2, eval_samples=50, eval_mesh=10, final_mesh=10,
                         ebgan_batch=50)
    for members in ([("Joint-W", 0)], [("EGAN", 0)]):
        assert _requests(lambda: ex.run("two_circle", members, s, cache=Cache(tmp_path), progress=False,
                                        device=FAKE)) > 5


def test_calibrating_ebgan_runs(tmp_path):
    from paperlib.experiments import calibrating_ebgan as cex
    from paperlib.methods import energy_gan as ce
    s = ce.settings("biased", dict(hidden=8, batch=50, eval_every=2, eval_samples=200, final_samples=200,
                                   diagnostic_points=50, iterations=2, gan_iterations=2))
    for members in ([("GAN", 0)], [("EGAN-Ent-VI", 0), ("EGAN-Ent-NN", 0)]):
        assert _requests(lambda: cex.run("biased", members, s, cache=Cache(tmp_path), progress=False, device=FAKE)) > 5


def test_digit_runs(tmp_path, monkeypatch):
    from paperlib.experiments import calibrating_ebgan as cex
    from paperlib.methods import digit_gan as dr
    monkeypatch.setenv("PAPERLIB_DATA", str(REPO_DATA))
    s = dr.DigitSettings(width=0.0625, batch=24, iterations=2, eval_every=1, pool=500)
    assert _requests(lambda: cex.digit_run("EGAN-Ent-NN", s, cache=Cache(tmp_path), progress=False, device=FAKE)) > 5


@pytest.mark.parametrize("method", ["ml", "cd", "kale"])
def test_density_fits(method):
    from paperlib.data import tabular
    from paperlib.methods import flow_density
    s = tabular.split(tabular.load("banana", seed=0, n=200), seed=0)
    assert _requests(lambda: flow_density.fit(method, s, 4, layers=1, hidden=4, energy_hidden=4, eval_every=2,
                                              n_mc=100, device=FAKE)) > 2


def test_gebm_training():
    from paperlib.methods import gebm
    model = gebm.GEBM(gebm.mlp_energy(8), gebm.CircleBase())
    data = torch.randn(64, 2, dtype=torch.float64)
    assert _requests(lambda: gebm.train(model.double(), data, 4, batch=16, log_every=2, device=FAKE)) > 1


def test_particle_flows_and_divergences():
    from paperlib.estimators import divergences as dv
    from paperlib.sampling import particle_flows as pf
    x, y0 = torch.randn(30, 2, dtype=torch.float64), torch.randn(20, 2, dtype=torch.float64)
    for kind, params in (("mmd", dict(sigma=1.0, lr=0.1, steps=3, snapshots=2)),
                         ("kale", dict(lam=0.1, sigma=1.0, lr=0.1, steps=3, snapshots=2)),
                         ("ula", dict(step=0.01, steps=3, snapshots=2))):
        flow = {"mmd": pf.mmd_flow, "kale": pf.kale_flow, "ula": lambda y, *a, **k: pf.ula_flow(y, lambda z: -z, **k)}[kind]
        assert _requests(lambda: flow(y0, x, **params, device=FAKE)) >= 1, kind
    data = pf.student_teacher_data(20, 20, dim=5, seed=0)
    assert _requests(lambda: pf.student_teacher_flow(data, "sobolev", n_particles=4, epochs=1, batch=10,
                                                     device=FAKE)) >= 3
    assert _requests(lambda: dv.kale(y0, x, lam=0.1, device=FAKE)) >= 2
    assert _requests(lambda: dv.kale_neural(y0, x, steps=2, hidden=4, device=FAKE)) >= 3
    assert _requests(lambda: dv.mmd2(y0, x, device=FAKE)) >= 2
    assert _requests(lambda: dv.mmd_witness(y0, x, x[:5], device=FAKE)) >= 3


def test_stein_bridging_image_runs(tmp_path, monkeypatch):
    from paperlib.core.profiles import item_parameters
    from paperlib.experiments import stein_bridging as ex
    monkeypatch.setenv("PAPERLIB_DATA", str(REPO_DATA))
    p = item_parameters("sb-tab02", "smoke")
    p.update(iterations=2, eval_every=2, final_samples=50, classifier_iterations=2, held_out=100, ood_images=20,
             rank_pool=10)
    for method in ("Joint-W", "DGM"):
        assert _requests(lambda: ex.image_run("stand-in", method, p, cache=Cache(tmp_path), device=FAKE)) > 10
