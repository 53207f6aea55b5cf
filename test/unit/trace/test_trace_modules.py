"""torch.jit.trace / trace_module of nn.Modules: parameters stay parameters, results match script."""
import warnings

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F


class MLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(16, 32), nn.Linear(32, 32), nn.Linear(32, 10)

    def forward(self, x):
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 6, 5), nn.Conv2d(6, 16, 5)
        self.fc1, self.fc2, self.fc3 = nn.Linear(16 * 4 * 4, 120), nn.Linear(120, 84), nn.Linear(84, 10)

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        x = x.view(x.size(0), -1)
        return self.fc3(F.relu(self.fc2(F.relu(self.fc1(x)))))


class BasicBlock(nn.Module):
    def __init__(self, channels=8):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + x)


MODELS = {"mlp": (MLP, (4, 16)), "lenet": (LeNet, (2, 1, 28, 28)), "resnet_block": (BasicBlock, (2, 8, 10, 10))}


@pytest.mark.parametrize("name", sorted(MODELS))
def test_traced_and_scripted_straight_line_models_agree(name):
    cls, shape = MODELS[name]
    torch.manual_seed(0)
    model = cls().eval()
    traced = torch.jit.trace(model, torch.rand(*shape))
    scripted = torch.jit.script(model)
    for batch in (shape[0], shape[0] + 3):
        x = torch.rand(batch, *shape[1:])
        expected = model(x)
        np.testing.assert_array_equal(traced(x).numpy(), scripted(x).numpy())
        np.testing.assert_array_equal(traced(x).numpy(), expected.numpy())


def test_parameters_stay_parameters_of_the_traced_module():
    model = LeNet().eval()
    traced = torch.jit.trace(model, torch.rand(1, 1, 28, 28))
    assert isinstance(traced, torch.jit.ScriptModule)
    assert list(traced.state_dict()) == list(model.state_dict())
    assert "ts.get_attr" in traced.graph and "dense<" not in traced.graph
    assert 'ts.get_attr %self["conv1"]' in traced.graph
    x = torch.rand(1, 1, 28, 28)
    before = traced(x)
    with torch.no_grad():
        traced.fc3.bias.add_(1.0)  # shared with the eager module, as in PyTorch
    torch.testing.assert_close(traced(x), before + 1.0)
    torch.testing.assert_close(model(x), before + 1.0)


def test_trace_module_traces_several_methods():
    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)

        def forward(self, x):
            return self.lin(x)

        def scaled(self, x, y):
            return self.lin(x) * y

    net = Net()
    traced = torch.jit.trace_module(net, {"forward": torch.rand(2, 3), "scaled": (torch.rand(2, 3), torch.rand(2, 3))})
    x, y = torch.rand(4, 3), torch.rand(4, 3)
    torch.testing.assert_close(traced(x), net(x))
    torch.testing.assert_close(traced.scaled(x, y), net.scaled(x, y))
    assert traced.scaled.schema == "scaled(Tensor x, Tensor y) -> Tensor"
    with pytest.raises(AttributeError, match="expected a dictionary"):
        torch.jit.trace_module(net, torch.rand(2, 3))


def test_tracing_a_modules_forward_method_traces_the_module():
    net = MLP()
    traced = torch.jit.trace(net.forward, torch.rand(2, 16))
    assert isinstance(traced, torch.jit.ScriptModule)
    assert "ts.get_attr" in traced.graph


def test_tracing_another_method_bakes_parameters_in_as_constants():
    net = MLP()

    def hidden(x):
        return net.fc1(x)

    traced = torch.jit.trace(hidden, torch.rand(2, 16))
    assert isinstance(traced, torch.jit.ScriptFunction) and "dense<" in traced.graph


def test_training_mode_batch_norm_updates_running_stats_when_run():
    bn = nn.BatchNorm1d(3)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", torch.jit.TracerWarning)
        traced = torch.jit.trace(bn, torch.rand(4, 3), check_trace=False)
    before = bn.running_mean.clone()
    traced(torch.rand(4, 3) + 5)
    assert not np.allclose(traced.running_mean.numpy(), before.numpy())


def test_dropout_in_training_is_nondeterministic():
    model = nn.Sequential(nn.Linear(8, 8), nn.Dropout(0.5))
    with pytest.warns(torch.jit.TracerWarning) as record:
        torch.jit.trace(model, torch.rand(16, 8))
    assert any("Trace had nondeterministic nodes. Did you forget call .eval() on your model?" in str(w.message)
               and "ts.dropout" in str(w.message) for w in record)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.jit.trace(model.eval(), torch.rand(16, 8))


def test_a_scripted_submodule_is_called_not_traced_through():
    class Gate(nn.Module):
        def forward(self, x):
            if x.sum() > 0:
                return x
            return torch.zeros_like(x)

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.lin = nn.Linear(3, 3)
            self.gate = torch.jit.script(Gate())

        def forward(self, x):
            return self.gate(self.lin(x))

    net = Net()
    traced = torch.jit.trace(net, torch.rand(2, 3))
    assert 'ts.call_method' in traced.graph and "ts.if" not in traced.graph
    for x in (torch.rand(2, 3) * 10, -torch.rand(2, 3) * 10):
        torch.testing.assert_close(traced(x), net(x))


def test_check_inputs_with_other_batch_sizes_pass_for_a_module():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        torch.jit.trace(LeNet().eval(), torch.rand(2, 1, 28, 28),
                        check_inputs=[(torch.rand(5, 1, 28, 28),), (torch.rand(1, 1, 28, 28),)])


def test_traced_module_code_and_repr():
    traced = torch.jit.trace(MLP(), torch.rand(2, 16))
    assert traced.code.startswith("def forward(self,")
    assert "self.fc1" in traced.code and ".weight" in traced.code
    assert traced.original_name == "MLP"
