"""Module bookkeeping: registration, traversal, state_dict, modes, hooks, repr."""
from collections import OrderedDict

import numpy as np
import pytest

import tsjit
import tsjit.nn as nn


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc = nn.Linear(4, 3)
        self.bn = nn.BatchNorm1d(3)
        self.scale = nn.Parameter(tsjit.ones(3))
        self.register_buffer("offset", tsjit.zeros(3))
        self.register_buffer("scratch", tsjit.zeros(2), persistent=False)
        self.plain = 5

    def forward(self, x):
        return self.bn(self.fc(x)) * self.scale + self.offset


def test_registration_puts_values_in_the_right_dicts():
    net = Net()
    assert list(net._parameters) == ["scale"]
    assert list(net._buffers) == ["offset", "scratch"]
    assert list(net._modules) == ["fc", "bn"]
    assert "plain" in net.__dict__ and net.plain == 5
    assert net.fc is net._modules["fc"] and net.offset is net._buffers["offset"]
    with pytest.raises(AttributeError, match="'Net' object has no attribute 'nope'"):
        net.nope


def test_assigning_tensor_to_buffer_name_updates_the_buffer():
    net = Net()
    new = tsjit.ones(3)
    net.offset = new
    assert net._buffers["offset"] is new
    with pytest.raises(TypeError, match="cannot assign 'int' as buffer 'offset'"):
        net.offset = 3
    with pytest.raises(TypeError, match="cannot assign 'tsjit.Tensor' as parameter 'scale'"):
        net.scale = tsjit.ones(3)
    net.scale = None
    assert net._parameters["scale"] is None and net.scale is None


def test_reassigning_a_name_moves_it_between_kinds():
    net = Net()
    net.fc = nn.Parameter(tsjit.zeros(1))
    assert "fc" not in net._modules and "fc" in net._parameters
    with pytest.raises(TypeError, match="cannot assign '.*ReLU' as parameter 'fc'"):
        net.fc = nn.ReLU()  # as in PyTorch: a parameter name only takes Parameters or None
    net.bn = None
    assert net._modules["bn"] is None and [n for n, _ in net.named_children()] == []


def test_register_errors_and_aliases():
    net = Net()
    with pytest.raises(KeyError, match="attribute 'plain' already exists"):
        net.register_buffer("plain", tsjit.zeros(1))
    with pytest.raises(KeyError, match="buffer name can.*t contain"):
        net.register_buffer("a.b", tsjit.zeros(1))
    with pytest.raises(TypeError, match="cannot assign 'tsjit.Tensor' object to parameter 'p'"):
        net.register_parameter("p", tsjit.zeros(1))
    with pytest.raises(TypeError, match="is not a Module subclass"):
        net.add_module("m", 3)
    net.register_module("extra", nn.Identity())
    net.register_parameter("nothing", None)
    assert net.extra is net._modules["extra"] and net.nothing is None
    with pytest.raises(AttributeError, match="cannot assign parameters before Module.__init__"):
        class Early(nn.Module):
            def __init__(self):
                self.p = nn.Parameter(tsjit.zeros(1))
        Early()


def test_delattr_and_dir():
    net = Net()
    assert {"fc", "bn", "scale", "offset", "forward"} <= set(dir(net))
    del net.fc, net.scale, net.offset, net.plain
    assert "fc" not in net._modules and "scale" not in net._parameters and "offset" not in net._buffers
    assert not hasattr(net, "plain")


def test_named_traversal_with_prefixes_and_dedupe():
    net = Net()
    assert [n for n, _ in net.named_parameters()] == ["scale", "fc.weight", "fc.bias", "bn.weight", "bn.bias"]
    assert [n for n, _ in net.named_buffers()] == [
        "offset", "scratch", "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert [n for n, _ in net.named_parameters(prefix="m", recurse=False)] == ["m.scale"]
    assert [n for n, _ in net.named_modules()] == ["", "fc", "bn"]
    assert [n for n, _ in net.named_children()] == ["fc", "bn"]
    assert len(list(net.parameters())) == 5 and len(list(net.buffers(recurse=False))) == 2
    shared = nn.Linear(2, 2)
    seq = nn.Sequential(shared, shared)
    assert len(list(seq.modules())) == 2 and len(list(seq.parameters())) == 2
    assert len(list(seq.named_modules(remove_duplicate=False))) == 3
    assert [n for n, _ in seq.named_parameters(remove_duplicate=False)] == [
        "0.weight", "0.bias", "1.weight", "1.bias"]


def test_state_dict_keys_values_and_numpy_round_trip():
    tsjit.manual_seed(0)
    net = Net()
    sd = net.state_dict()
    assert isinstance(sd, OrderedDict)
    assert list(sd) == ["scale", "offset", "fc.weight", "fc.bias", "bn.weight", "bn.bias",
                        "bn.running_mean", "bn.running_var", "bn.num_batches_tracked"]
    assert not isinstance(sd["fc.weight"], nn.Parameter)
    weight = net.fc.weight
    arrays = {k: np.full(tuple(v.shape), 0.5, dtype=v.numpy().dtype) for k, v in sd.items()}
    result = net.load_state_dict(arrays)
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert repr(result) == "<All keys matched successfully>"
    assert net.fc.weight is weight  # copied in place
    np.testing.assert_array_equal(net.fc.weight.numpy(), np.full((3, 4), 0.5, np.float32))
    assert int(net.bn.num_batches_tracked.item()) == 0  # int64 0.5 -> 0
    other = Net()
    other.load_state_dict(net.state_dict())
    for (k, a), (_, b) in zip(net.state_dict().items(), other.state_dict().items()):
        np.testing.assert_array_equal(a.numpy(), b.numpy(), err_msg=k)


def test_load_state_dict_errors_have_pytorch_layout():
    lin = nn.Linear(4, 3)
    with pytest.raises(RuntimeError) as err:
        lin.load_state_dict({"weight": np.zeros((3, 4), np.float32)})
    assert str(err.value) == ('Error(s) in loading state_dict for Linear:\n\t'
                              'Missing key(s) in state_dict: "bias". ')
    with pytest.raises(RuntimeError) as err:
        lin.load_state_dict({"weight": np.zeros((3, 4), np.float32), "bias": np.zeros(3, np.float32),
                             "extra": np.zeros(1), "sub.x": np.zeros(1)})
    assert str(err.value) == ('Error(s) in loading state_dict for Linear:\n\t'
                              'Unexpected key(s) in state_dict: "extra", "sub.x". ')
    with pytest.raises(RuntimeError) as err:
        lin.load_state_dict({"weight": np.zeros((4, 3), np.float32), "bias": np.zeros(3, np.float32)})
    assert str(err.value) == (
        "Error(s) in loading state_dict for Linear:\n\tsize mismatch for weight: copying a param with "
        "shape torch.Size([4, 3]) from checkpoint, the shape in current model is torch.Size([3, 4]).")
    result = lin.load_state_dict({"weight": np.ones((3, 4), np.float32), "extra": np.zeros(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["extra"]
    np.testing.assert_array_equal(lin.weight.numpy(), np.ones((3, 4), np.float32))


def test_train_eval_recurse_and_return_self():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(), nn.BatchNorm1d(2)))
    assert net.eval() is net
    assert all(not m.training for m in net.modules())
    assert net.train() is net
    assert all(m.training for m in net.modules())
    with pytest.raises(ValueError, match="training mode is expected to be boolean"):
        net.train(1)


def test_apply_to_float_double_requires_grad():
    net = nn.Sequential(nn.Linear(2, 2), nn.BatchNorm1d(2))
    seen = []
    assert net.apply(lambda m: seen.append(type(m).__name__)) is net
    assert seen == ["Linear", "BatchNorm1d", "Sequential"]
    weight = net[0].weight
    assert net.double() is net
    assert net[0].weight is weight and weight.dtype == tsjit.float64
    assert net[1].running_mean.dtype == tsjit.float64
    assert net[1].num_batches_tracked.dtype == tsjit.int64
    assert net.to(tsjit.float32) is net and weight.dtype == tsjit.float32
    assert net.float() is net and net.cpu() is net and net.to("cpu") is net
    assert net.requires_grad_(False) is net and not weight.requires_grad
    assert net.zero_grad() is None


def test_call_runs_forward_and_hooks():
    lin = nn.Linear(2, 2)
    x = tsjit.ones(1, 2)
    calls = []
    pre = lin.register_forward_pre_hook(lambda m, args: calls.append("pre"))
    post = lin.register_forward_hook(lambda m, args, out: out * 0)
    out = lin(x)
    assert calls == ["pre"] and float(out.abs().sum()) == 0.0
    pre.remove()
    post.remove()
    assert float(lin(x).abs().sum()) != 0.0 and calls == ["pre"]
    with pytest.raises(NotImplementedError, match='missing the required "forward" function'):
        nn.Module()(x)


def test_repr_matches_pytorch_text():
    net = nn.Sequential(OrderedDict([
        ("conv", nn.Conv2d(1, 2, 3)),
        ("block", nn.Sequential(nn.BatchNorm2d(2), nn.ReLU(inplace=True))),
        ("pool", nn.AdaptiveAvgPool2d((1, 1))),
        ("flat", nn.Flatten()),
        ("fc", nn.Linear(2, 3, bias=False)),
    ]))
    assert repr(net) == """Sequential(
  (conv): Conv2d(1, 2, kernel_size=(3, 3), stride=(1, 1))
  (block): Sequential(
    (0): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, bias=True, track_running_stats=True)
    (1): ReLU(inplace=True)
  )
  (pool): AdaptiveAvgPool2d(output_size=(1, 1))
  (flat): Flatten(start_dim=1, end_dim=-1)
  (fc): Linear(in_features=2, out_features=3, bias=False)
)"""
    assert repr(nn.ModuleList([nn.ReLU(), nn.ReLU(), nn.Tanh()])) == (
        "ModuleList(\n  (0-1): 2 x ReLU()\n  (2): Tanh()\n)")
    assert repr(nn.ModuleList()) == "ModuleList()"
    assert net._get_name() == "Sequential"


LAYER_REPRS = [
    (lambda: nn.Linear(4, 3), "Linear(in_features=4, out_features=3, bias=True)"),
    (lambda: nn.Identity(), "Identity()"),
    (lambda: nn.Conv2d(2, 4, (3, 1), stride=2, padding=1, dilation=2, groups=2, bias=False,
                       padding_mode="reflect"),
     "Conv2d(2, 4, kernel_size=(3, 1), stride=(2, 2), padding=(1, 1), dilation=(2, 2), groups=2, "
     "bias=False, padding_mode=reflect)"),
    (lambda: nn.Conv1d(1, 2, 3, padding="same"), "Conv1d(1, 2, kernel_size=(3,), stride=(1,), padding=same)"),
    (lambda: nn.BatchNorm1d(3, momentum=None, affine=False),
     "BatchNorm1d(3, eps=1e-05, momentum=None, affine=False, bias=False, track_running_stats=True)"),
    (lambda: nn.LayerNorm(4), "LayerNorm((4,), eps=1e-05, elementwise_affine=True, bias=True)"),
    (lambda: nn.LayerNorm([2, 3], elementwise_affine=False),
     "LayerNorm((2, 3), eps=1e-05, elementwise_affine=False, bias=False)"),
    (lambda: nn.GroupNorm(2, 4), "GroupNorm(2, 4, eps=1e-05, affine=True, bias=True)"),
    (lambda: nn.ReLU(), "ReLU()"),
    (lambda: nn.GELU("tanh"), "GELU(approximate='tanh')"),
    (lambda: nn.Softmax(1), "Softmax(dim=1)"),
    (lambda: nn.LogSoftmax(dim=-1), "LogSoftmax(dim=-1)"),
    (lambda: nn.LeakyReLU(0.2, True), "LeakyReLU(negative_slope=0.2, inplace=True)"),
    (lambda: nn.ReLU6(), "ReLU6()"),
    (lambda: nn.ELU(0.5, True), "ELU(alpha=0.5, inplace=True)"),
    (lambda: nn.Hardtanh(), "Hardtanh(min_val=-1.0, max_val=1.0)"),
    (lambda: nn.Softplus(), "Softplus(beta=1.0, threshold=20.0)"),
    (lambda: nn.Threshold(0.1, 20), "Threshold(threshold=0.1, value=20)"),
    (lambda: nn.Sigmoid(), "Sigmoid()"),
    (lambda: nn.SiLU(True), "SiLU(inplace=True)"),
    (lambda: nn.MaxPool2d(3, 2, 1), "MaxPool2d(kernel_size=3, stride=2, padding=1, dilation=1, ceil_mode=False)"),
    (lambda: nn.AvgPool2d(2), "AvgPool2d(kernel_size=2, stride=2, padding=0)"),
    (lambda: nn.AdaptiveAvgPool2d(1), "AdaptiveAvgPool2d(output_size=1)"),
    (lambda: nn.AdaptiveMaxPool2d(2), "AdaptiveMaxPool2d(output_size=2)"),
    (lambda: nn.Flatten(0, 2), "Flatten(start_dim=0, end_dim=2)"),
    (lambda: nn.Dropout(0.2, True), "Dropout(p=0.2, inplace=True)"),
    (lambda: nn.Embedding(10, 3), "Embedding(10, 3)"),
    (lambda: nn.Embedding(10, 3, padding_idx=0, max_norm=1.0), "Embedding(10, 3, padding_idx=0, max_norm=1.0)"),
]


@pytest.mark.parametrize("make,text", LAYER_REPRS, ids=[t for _, t in LAYER_REPRS])
def test_layer_reprs(make, text):
    assert repr(make()) == text


def test_constants_match_pytorch():
    assert nn.Linear.__constants__ == ["in_features", "out_features"]
    assert nn.Conv2d.__constants__ == ["stride", "padding", "dilation", "groups", "padding_mode",
                                       "output_padding", "in_channels", "out_channels", "kernel_size"]
    assert nn.BatchNorm2d.__constants__ == ["track_running_stats", "momentum", "eps", "num_features", "affine"]
    assert nn.LeakyReLU.__constants__ == ["inplace", "negative_slope"]
    assert nn.MaxPool2d.__constants__ == ["kernel_size", "stride", "padding", "dilation", "return_indices",
                                          "ceil_mode"]
    assert nn.Dropout.__constants__ == ["p", "inplace"]


def test_parameter_is_a_tensor_with_requires_grad():
    p = nn.Parameter(tsjit.tensor([1.0, 2.0]))
    assert isinstance(p, tsjit.Tensor) and p.requires_grad
    assert repr(p) == "Parameter containing:\ntensor([1., 2.], requires_grad=True)"
    assert not nn.Parameter(tsjit.zeros(1), requires_grad=False).requires_grad
    assert tuple(nn.Parameter().shape) == (0,)
