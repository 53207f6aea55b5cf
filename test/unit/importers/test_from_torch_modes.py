"""from_torch keeps the module's train/eval switch: every submodule's `training` reads the imported
module's one `training` attribute, so `.eval()` / `.train()` on it switch BatchNorm, Dropout, RReLU
and InstanceNorm (whose running statistics training updates) as they switch the PyTorch model;
`tsjit.compile` compiles a model in the mode it is in (train mode: batch statistics, with a
warning that its state is not updated); a model that still changes its state once frozen in eval
mode is refused, naming the attributes."""
from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn

import tsjit
from tsjit.compiler import StateChangeError, TrainingModeWarning
from tsjit.frontend import from_torch


def _ts(x):
    return tsjit.from_numpy(x.numpy().copy())


def _import(model, *inputs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return from_torch(model, tuple(inputs)) if inputs else from_torch(model)


def _close(got, want):
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), atol=1e-5, rtol=1e-5)


class ConvBN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv, self.bn, self.drop = nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.Dropout(0.5)

    def forward(self, x):
        return self.drop(self.bn(self.conv(x)))


def _trained_batch_norm():
    torch.manual_seed(0)
    model = ConvBN()
    model.train()
    for _ in range(3):  # running statistics other than the initial ones
        model(torch.randn(4, 3, 8, 8) * 2 + 1)
    return model


def test_imported_in_train_mode_switches_with_eval_and_train():
    model = _trained_batch_norm()
    x = torch.randn(2, 3, 8, 8)
    imported = _import(model)
    assert imported.training
    imported.eval(), model.eval()
    _close(imported(_ts(x)), model(x))
    model.drop = nn.Identity()  # train mode below: batch statistics, without dropout's randomness
    imported_bn = _import(model.train())
    reference = copy.deepcopy(model)
    _close(imported_bn(_ts(x)), reference(x))
    state = imported_bn.state_dict()
    np.testing.assert_allclose(state["bn.running_mean"].numpy(), reference.bn.running_mean.numpy(), atol=1e-6)
    assert int(state["bn.num_batches_tracked"].numpy()) == int(reference.bn.num_batches_tracked)


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_compiling_follows_the_mode_of_the_model(backend):
    model = _trained_batch_norm()
    model.drop = nn.Identity()  # train mode: batch statistics, without dropout's randomness
    x = torch.randn(2, 3, 8, 8)
    imported = _import(model)
    before = imported.state_dict()["bn.running_mean"].numpy().copy()
    with pytest.warns(TrainingModeWarning, match="does not update its state"):
        compiled = tsjit.compile(imported, backend=backend, example_inputs=(_ts(x),), fallback=False)
    for _ in range(2):  # each call normalises with its own batch's statistics
        _close(compiled(_ts(x)), copy.deepcopy(model)(x))
    assert imported.training and np.array_equal(imported.state_dict()["bn.running_mean"].numpy(), before)
    model.eval()
    compiled = tsjit.compile(_import(model), backend=backend, example_inputs=(_ts(x),), fallback=False)
    with torch.no_grad():
        _close(compiled(_ts(x)), model(x))


def test_rrelu_and_instance_norm_follow_the_mode():
    torch.manual_seed(0)
    x = torch.randn(4, 3, 6)
    rrelu = _import(nn.RReLU(0.1, 0.3).eval())
    _close(rrelu(_ts(x)), nn.RReLU(0.1, 0.3).eval()(x))
    rrelu.train()
    out, a = rrelu(_ts(x)).numpy(), x.numpy()
    slopes = out[a < 0] / a[a < 0]
    assert np.array_equal(out[a >= 0], a[a >= 0]) and slopes.min() >= 0.1 - 1e-6 and slopes.max() <= 0.3 + 1e-6
    assert len(np.unique(slopes.round(6))) > 1  # drawn per element in training, not their mean

    norm = nn.InstanceNorm1d(3, track_running_stats=True, momentum=0.3)
    norm.running_mean.fill_(0.5), norm.running_var.fill_(2.0)
    imported = _import(norm.train())
    imported.eval(), norm.eval()
    _close(imported(_ts(x)), norm(x))
    imported.train(), norm.train()
    for _ in range(2):  # training: batch statistics, and the running ones move as PyTorch moves them
        _close(imported(_ts(x)), norm(x))
        for name in ("running_mean", "running_var"):
            np.testing.assert_allclose(imported.state_dict()[name].numpy(), getattr(norm, name).numpy(), rtol=1e-5)


@pytest.mark.parametrize("dims", [1, 2, 3])
def test_traced_instance_norm_tracks_running_stats_and_tracing_leaves_the_model_as_it_was(dims):
    """torch.jit.trace runs the model (and again to check the trace); from_torch puts its state back."""
    norm = getattr(nn, f"InstanceNorm{dims}d")(3, track_running_stats=True, affine=True)
    x = torch.randn(2, 3, *[4, 5, 3][:dims])
    imported = _import(norm, x)
    assert not norm.running_mean.any() and np.array_equal(imported.state_dict()["running_var"].numpy(), np.ones(3))
    _close(imported(_ts(x)), norm(x))
    for name in ("running_mean", "running_var"):
        np.testing.assert_allclose(imported.state_dict()[name].numpy(), getattr(norm, name).numpy(), rtol=1e-5)
    compiled = tsjit.compile(imported, backend="c", example_inputs=(_ts(x),), fallback=False)
    _close(compiled(_ts(x)), copy.deepcopy(norm)(x))


def test_a_submodule_left_in_the_other_mode_keeps_it():
    model = _trained_batch_norm()
    model.drop = nn.Identity()
    model.bn.eval()  # frozen statistics while the rest trains
    x = torch.randn(2, 3, 8, 8)
    imported = _import(model)
    _close(imported(_ts(x)), model(x))
    imported.eval()
    _close(imported(_ts(x)), model.eval()(x))


def test_an_op_needing_its_mode_at_import_keeps_the_current_mode(monkeypatch):
    from tsjit.frontend.importers import build
    from tsjit.frontend.importers.aten_operands import _const

    constant_only = build.ATEN["aten::rrelu"]
    monkeypatch.setitem(build.ATEN, "aten::rrelu",
                        lambda b, node, args: constant_only(b, node, args) if _const(args[3]) is False else None)
    x = torch.randn(4, 5)
    with pytest.warns(UserWarning, match="imported in eval mode for good"):
        imported = from_torch(nn.RReLU().eval())
    imported.train()  # keeps its eval-mode slope
    _close(imported(_ts(x)), nn.RReLU().eval()(x))


def test_compiling_a_model_traced_in_train_mode_names_the_state_it_changes():
    model = _trained_batch_norm()
    model.drop = nn.Identity()
    x = torch.randn(2, 3, 8, 8)
    imported = _import(model, x).eval()  # the trace records batch_norm in training mode, whatever the flag
    with warnings.catch_warnings(), pytest.raises(
            StateChangeError, match=r"'bn\.running_mean'.*'bn\.num_batches_tracked'|"
                                    r"'bn\.num_batches_tracked'.*'bn\.running_mean'"):
        warnings.simplefilter("ignore")  # the buffers' shapes, unknown to ts-specialize
        tsjit.compile(imported, backend="numpy", example_inputs=(_ts(x),))
