"""The chain-rule input gradients of the member-batched nets equal autograd's (the fast path of issue 17)."""
from dataclasses import replace

import pytest
import torch

from paperlib.data import toy
from paperlib.estimators import stein
from paperlib.methods import stein_bridging as mt
from paperlib.nets.batched import MLP, LinearHeadEnergy, SigmoidExpertEnergy


@pytest.mark.parametrize("activation", ["tanh", "relu", "leaky_relu"])
def test_input_gradient_and_its_weight_gradient_equal_autograd(activation):
    torch.manual_seed(0)
    net = MLP([0, 1, 2], [2, 16, 16, 3], activation, "t").double()
    x = torch.randn(3, 40, 2, dtype=torch.float64)
    cot = lambda y: torch.sigmoid(y) * (1 - torch.sigmoid(y))  # noqa: E731 (an output-dependent cotangent)
    y, g = net.forward_and_input_grad(x, cot)
    xr = x.clone().requires_grad_(True)
    yr = net(xr)
    (gr,) = torch.autograd.grad(torch.sigmoid(yr).sum(), xr, create_graph=True)
    torch.testing.assert_close(y, yr)
    torch.testing.assert_close(g, gr)
    # a loss on the input gradient: one first-order backward equals double back-propagation
    w = list(net.parameters())
    fast = torch.autograd.grad(((g.norm(dim=-1) - 1) ** 2).sum(), w, allow_unused=True)
    ref = torch.autograd.grad(((gr.norm(dim=-1) - 1) ** 2).sum(), w, allow_unused=True)
    assert [a is None for a in fast] == [b is None for b in ref]   # the output bias does not reach g
    for a, b in zip(fast, ref):
        if a is not None:
            torch.testing.assert_close(a, b)
    assert max(float(a.abs().max()) for a in fast if a is not None) > 0   # not a comparison of zeros


def test_rows_restrict_the_gradient_and_batch_norm_is_refused():
    net = MLP([0], [2, 8, 1], "tanh", "t")
    x = torch.randn(1, 10, 2)
    y, g = net.forward_and_input_grad(x, rows=slice(6, None))
    assert y.shape == (1, 10, 1) and g.shape == (1, 4, 2)
    torch.testing.assert_close(g, net.forward_and_input_grad(x[:, 6:])[1])
    with pytest.raises(ValueError, match="batch normalisation"):
        MLP([0], [2, 8, 1], "relu", "t", batchnorm=True).forward_and_input_grad(x)


@pytest.mark.parametrize("energy_cls", [SigmoidExpertEnergy, LinearHeadEnergy])
def test_energy_scores_equal_autograd(energy_cls):
    torch.manual_seed(1)
    energy = energy_cls([0, 1], 16).double()
    x = torch.randn(2, 30, 2, dtype=torch.float64, requires_grad=True)
    fast = stein.ksd(x, stein.score(energy, x))
    ref = stein.ksd(x, stein.score(energy, x, autograd=True))
    torch.testing.assert_close(fast, ref)
    wrt = [x, *energy.parameters()]
    for a, b in zip(torch.autograd.grad(fast.sum(), wrt, allow_unused=True),
                    torch.autograd.grad(ref.sum(), wrt, allow_unused=True)):
        assert (a is None) == (b is None)
        if a is not None:
            torch.testing.assert_close(a, b)


def test_the_adversarial_suite_trains_the_same_on_the_fast_path():
    """Ten outer iterations of every adversarial member (penalty, scores, bridge, DAE): the chain-rule path and
    the autograd reference give the same weights to float round-off."""
    members = [(m, 0) for m in ["GAN", "WGAN-GP", "Joint-JS", "Joint-W", "WGAN-GP+LR", "GAN+ER"]]
    s = mt.TrainSettings(iterations=10, hidden=16, batch=32, lr_critic=1e-3, lr_gen=1e-3, lr_gen_bridge=1e-3)
    ds = toy.dataset("two_circle")
    fast, ref = (mt.make_trainer(ds, members, replace(s, autograd_input_grads=a)) for a in (False, True))
    for _ in range(10):
        lf, lr = fast.step(), ref.step()
    for k in lr:
        torch.testing.assert_close(lf[k], lr[k], rtol=1e-4, atol=1e-5)
    for (name, a), (_, b) in zip(fast.energy.named_parameters(), ref.energy.named_parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5, msg=name)
    for a, b in zip(fast.generator.parameters(), ref.generator.parameters()):
        torch.testing.assert_close(a, b, rtol=1e-4, atol=1e-5)
    moved = max(float((a - b).abs().max().detach()) for a, b in zip(fast.critic.parameters(),
                mt.make_trainer(ds, members, s).critic.parameters()))
    assert moved > 1e-3   # training moved the weights, so equal weights mean equal training
