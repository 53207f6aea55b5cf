"""The examples of the TorchScript documentation, run with `import tsjit as torch`."""
from typing import Dict, Final

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F


def test_foo_with_control_flow():
    @torch.jit.script
    def foo(len):
        # type: (int) -> torch.Tensor
        rv = torch.zeros(3, 4)
        for i in range(len):
            if i < 10:
                rv = rv - 1.0
            else:
                rv = rv + 1.0
        return rv

    for n in (0, 3, 12):
        expected = np.zeros((3, 4), np.float32) - min(n, 10) + max(n - 10, 0)
        np.testing.assert_array_equal(foo(n).numpy(), expected)
    assert foo.schema == "foo(int len) -> Tensor"
    assert "for i in range(len" in foo.code and "torch.sub(rv0, 1.)" in foo.code
    assert "ts.loop" in foo.graph and "ts.if" in foo.graph


def test_scripted_fn_doubles_twelve_times():
    @torch.jit.script
    def scripted_fn(x: torch.Tensor):
        for i in range(12):
            x = x + x
        return x

    x = torch.rand(4, 5)
    np.testing.assert_allclose(scripted_fn(x).numpy(), x.numpy() * 4096, rtol=1e-6)


def test_my_module_with_export():
    class MyModule(nn.Module):
        def implicitly_compiled_method(self, x):
            return x + 99

        def forward(self, x):
            return x + 10

        @torch.jit.export
        def another_forward(self, x):
            return self.implicitly_compiled_method(x)

        def unused_method(self, x):
            return x - 20

    m = torch.jit.script(MyModule())
    x = torch.ones(2)
    np.testing.assert_array_equal(m(x).numpy(), [11, 11])
    np.testing.assert_array_equal(m.another_forward(x).numpy(), [100, 100])
    compiled = set(m._info.methods)
    assert compiled == {"forward", "another_forward", "implicitly_compiled_method"}
    assert "unused_method" not in compiled


def test_model_with_two_convs():
    class Model(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 20, 5)
            self.conv2 = nn.Conv2d(20, 20, 5)

        def forward(self, x):
            x = F.relu(self.conv1(x))
            return F.relu(self.conv2(x))

    torch.manual_seed(0)
    my_model = Model()
    my_scripted_model = torch.jit.script(my_model)
    x = torch.randn(2, 1, 16, 16)
    np.testing.assert_allclose(my_scripted_model(x).numpy(), my_model(x).numpy(), rtol=1e-5, atol=1e-6)
    assert "conv1" in my_scripted_model.code and "ts.call_method" in my_scripted_model.graph


def test_attribute_inferred_int():
    class Model(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.x = 2

        def forward(self):
            return self.x

    m = torch.jit.script(Model())
    assert m() == 2
    m.x = 5
    assert m() == 5


def test_annotated_empty_dict_attribute():
    class MyModule(torch.nn.Module):
        my_dict: Dict[str, int]

        def __init__(self):
            super().__init__()
            self.my_dict = {}
            self.my_int = 20

        def forward(self):
            pass

    m = torch.jit.script(MyModule())
    assert m() is None
    assert m.my_int == 20 and m.my_dict == {}


def test_final_constant_is_inlined():
    class M(nn.Module):
        K: Final[int] = 3
        __constants__ = ["mode"]

        def __init__(self):
            super().__init__()
            self.mode = "double"

        def forward(self, x):
            if self.mode == "double":
                return x * self.K
            return x

    m = torch.jit.script(M())
    np.testing.assert_array_equal(m(torch.ones(2)).numpy(), [3, 3])
    assert "ts.if" not in m.graph  # the branch on a constant vanished


def test_ignore_and_unused():
    @torch.jit.ignore
    def python_helper(x):
        return x + 1

    @torch.jit.unused
    def never(x):
        import pdb
        pdb.set_trace()
        return x

    @torch.jit.script
    def uses_ignored(x):
        return python_helper(x) * 2

    np.testing.assert_array_equal(uses_ignored(torch.ones(2)).numpy(), [4, 4])

    @torch.jit.script
    def uses_unused(x, flag: bool):
        if flag:
            return never(x)
        return x

    np.testing.assert_array_equal(uses_unused(torch.ones(2), False).numpy(), [1, 1])
    with pytest.raises(torch.jit.Error, match="annotated to be ignored"):
        uses_unused(torch.ones(2), True)
