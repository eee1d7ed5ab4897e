"""The one training loop: bitwise resume, refused checkpoints (flipped, foreign, crafted), NaN messages that
name only the members using the loss, the best-state keeper, and where the parameters lived."""
from __future__ import annotations

import hashlib
import io

import numpy as np
import pytest
import torch

from paperlib.core import safefile
from paperlib.data import toy
from paperlib.methods import stein_bridging as sb
from paperlib.training import NonFiniteLossError, device_of, fit

TINY = sb.TrainSettings(iterations=6, hidden=16, n_critic=2, eval_every=3, eval_samples=200, eval_mesh=20,
                        final_mesh=20, ebgan_batch=100, lr_critic=1e-4, lr_gen=1e-4, lr_gen_bridge=1e-4)
MEMBERS = [("Joint-W", 0), ("GAN", 1)]


class Toy:
    """A two-member linear model whose evaluate() reports a scripted metric (for the generic tests)."""

    def __init__(self, metric=None, nan_at=None):
        self.name, self.members, self.iteration = "toy", [("A", 0), ("B", 1)], 0
        self.net = torch.nn.Linear(1, 2)
        with torch.no_grad():
            self.net.bias.zero_()
        self.metric, self.nan_at = metric or [], nan_at

    def modules(self):
        return {"net": self.net}

    def step(self):
        self.iteration += 1
        with torch.no_grad():
            self.net.bias += 1.0
        loss = torch.zeros(2)
        extra = torch.zeros(2)
        if self.nan_at == self.iteration:
            extra[1] = float("nan")   # only member B's "b_only" loss is NaN
        return {"both": loss, "b_only": extra}

    def loss_users(self, name):
        return torch.tensor([True, True]) if name == "both" else torch.tensor([False, True])

    def evaluate(self, final=False):
        i = self.iteration // 2 - 1
        return {"valid": self.metric[i] if 0 <= i < len(self.metric) else 0.0, "bias": self.net.bias.detach().clone().numpy()}

    def state_dict(self):
        return {"iteration": self.iteration, "net": self.net.state_dict()}

    def load_state_dict(self, st):
        self.iteration = st["iteration"]
        self.net.load_state_dict(st["net"])


@pytest.fixture(scope="module")
def circle():
    return toy.dataset("two_circle")


def _straight(circle):
    return fit(sb.make_trainer(circle, MEMBERS, TINY), 6, 3, progress=False)


def _interrupted(circle, ckpt):
    with pytest.raises(KeyboardInterrupt):
        fit(sb.make_trainer(circle, MEMBERS, TINY), 6, 3, checkpoint=ckpt, checkpoint_every=2, progress=False,
            stop_after=4)
    assert ckpt.exists()


def _same(a, b):
    assert np.array_equal(a["iteration"], b["iteration"])
    for part in ("final", "history"):
        for k in a[part]:
            assert np.array_equal(a[part][k], b[part][k]), (part, k)


def test_resume_is_bitwise_identical(circle, tmp_path):
    ckpt = tmp_path / "run.ckpt"
    _interrupted(circle, ckpt)
    resumed = fit(sb.make_trainer(circle, MEMBERS, TINY), 6, 3, checkpoint=ckpt, checkpoint_every=2, progress=False)
    _same(_straight(circle), resumed)


def test_flipped_bit_checkpoint_is_refused_and_training_restarts(circle, tmp_path, capsys):
    ckpt = tmp_path / "run.ckpt"
    _interrupted(circle, ckpt)
    data = bytearray(ckpt.read_bytes())
    data[len(data) // 2] ^= 0x10
    ckpt.write_bytes(bytes(data))
    capsys.readouterr()
    out = fit(sb.make_trainer(circle, MEMBERS, TINY), 6, 3, checkpoint=ckpt, progress=False)
    assert "refused" in capsys.readouterr().out
    _same(_straight(circle), out)


def test_checkpoint_of_another_structure_is_refused_from_iteration_zero(circle, tmp_path, capsys):
    ckpt = tmp_path / "run.ckpt"
    _interrupted(circle, ckpt)
    st = safefile.load(ckpt)
    del st["trainer"]["modules"]["critic"]           # a foreign or older checkpoint, with a valid checksum
    st["structure"] = {k: v for k, v in st["structure"].items() if not k.startswith("/critic/")}
    safefile.save(ckpt, st)
    capsys.readouterr()
    out = fit(sb.make_trainer(circle, MEMBERS, TINY), 6, 3, checkpoint=ckpt, progress=False)
    assert "refused" in capsys.readouterr().out
    _same(_straight(circle), out)   # the landed code said "from scratch" but went on from iteration 4


class _Payload:
    def __init__(self, marker):
        self.marker = str(marker)

    def __reduce__(self):
        from pathlib import Path
        return (Path.touch, (Path(self.marker),))


def test_crafted_checkpoint_never_runs(tmp_path, capsys):
    ckpt, marker = tmp_path / "run.ckpt", tmp_path / "pwned"
    buf = io.BytesIO()
    torch.save({"trainer": _Payload(marker), "history": {}}, buf)
    payload = buf.getvalue()
    ckpt.write_bytes(safefile.MAGIC + hashlib.sha256(payload).hexdigest().encode() + b"\n" + payload)
    out = fit(Toy(), 4, 2, checkpoint=ckpt, progress=False)
    assert not marker.exists(), "the crafted payload ran"
    assert "refused" in capsys.readouterr().out and out["iteration"].tolist() == [2, 4]


def test_nan_names_only_the_members_that_use_the_loss():
    with pytest.raises(NonFiniteLossError) as err:
        fit(Toy(nan_at=3), 6, 2, progress=False)
    msg = str(err.value)
    assert "toy: loss 'b_only'" in msg and "B (seed 1)" in msg and "A (seed 0)" not in msg
    assert "iteration 3" in msg and "no checkpoint was written yet" in msg


def test_nan_in_a_loss_nobody_uses_is_not_an_error():
    tr = Toy(nan_at=3)
    tr.loss_users = lambda name: torch.tensor([True, True]) if name == "both" else torch.tensor([False, False])
    assert fit(tr, 4, 2, progress=False)["iteration"].tolist() == [2, 4]


def test_best_state_is_kept_and_restored():
    tr = Toy(metric=[3.0, 1.0, 2.0])                 # evaluations at iterations 2, 4, 6
    out = fit(tr, 6, 2, progress=False, keep_best="valid")
    assert out["best"] == {"iteration": 4, "value": 1.0}
    fresh = Toy()
    fit(fresh, 4, 2, progress=False)
    assert torch.equal(tr.net.bias, fresh.net.bias)   # the state at iteration 4, not 6


def test_non_finite_selection_metric_is_an_error():
    with pytest.raises(NonFiniteLossError, match="valid is nan at iteration 2"):
        fit(Toy(metric=[float("nan")]), 4, 2, progress=False, keep_best="valid")


def test_record_of_the_device_is_where_the_parameters_live(circle):
    tr = sb.make_trainer(circle, MEMBERS, TINY)
    assert device_of(tr) == "cpu"
    assert fit(tr, 1, 1, progress=False)["device"] == "cpu"
