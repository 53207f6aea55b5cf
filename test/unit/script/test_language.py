"""Each TorchScript language feature: the scripted function gives the eager Python result."""
import math
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit import Tensor


def same(fn, *args):
    """Script `fn`, run both versions on the same inputs, compare results."""
    expected = fn(*args)
    got = torch.jit.script(fn)(*args)
    _compare(got, expected)
    return got


def _compare(got, expected):
    if isinstance(expected, Tensor):
        assert isinstance(got, Tensor)
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6, atol=1e-6)
    elif isinstance(expected, (list, tuple)):
        assert type(got) is type(expected) and len(got) == len(expected)
        for g, e in zip(got, expected):
            _compare(g, e)
    elif isinstance(expected, dict):
        assert got.keys() == expected.keys()
        for k in expected:
            _compare(got[k], expected[k])
    else:
        assert got == expected and type(got) is type(expected), (got, expected)


def test_scalars_and_python_division_semantics():
    def f(a: int, b: int, x: float) -> Tuple[int, int, float, float, bool]:
        return a // b, a % b, a / b, x ** 2 + a * x, 0 < a < 10

    for a, b in ((-7, 2), (7, -3), (9, 4)):
        same(f, a, b, 1.5)


def test_if_elif_else_and_ternary():
    def f(x, n: int):
        if n < 0:
            y = x - 1
        elif n == 0:
            y = x
        else:
            y = x + n
        return y * 2 if n != 5 else y

    for n in (-1, 0, 3, 5):
        same(f, torch.ones(3), n)


def test_while_break_continue_and_early_return():
    def f(n: int) -> int:
        i = 0
        total = 0
        while i < n:
            i += 1
            if i % 2 == 0:
                continue
            if total > 20:
                break
            total += i
        return total

    def g(xs: List[int], target: int) -> int:
        for i, x in enumerate(xs):
            if x == target:
                return i
        return -1

    def h(x: Tensor):  # the return's type is found with the counter unknown
        i = 0
        while i < 5:
            i += 1
            if i >= 3:
                return x + i
        return x - i

    for n in range(15):
        same(f, n)
    same(g, [4, 5, 6], 5)
    same(g, [4, 5, 6], 7)
    same(h, torch.ones(2))


def test_nested_loops_with_flags():
    def f(n: int) -> int:
        count = 0
        for i in range(n):
            for j in range(n):
                if j > i:
                    break
                if (i + j) % 3 == 0:
                    continue
                count += i * j
        return count

    same(f, 6)


def test_for_over_lists_tuples_dicts_strings_zip_and_tensors():
    def f(xs: List[int], d: Dict[str, int], s: str, t: Tensor) -> Tuple[int, int, str, Tensor, int]:
        total = 0
        for x in xs:
            total += x
        dsum = 0
        for k, v in d.items():
            dsum += v + len(k)
        for k in d.keys():
            dsum += 1
        for v in d.values():
            dsum += v
        rev = ""
        for c in s:
            rev = c + rev
        acc = torch.zeros(3)
        for row in t:
            acc = acc + row
        z = 0
        for a, b in zip(xs, [10, 20]):
            z += a * b
        for x in (1, 2, 3):
            z += x
        return total, dsum, rev, acc, z

    same(f, [1, 2, 3], {"a": 1, "bb": 2}, "abc", torch.arange(6.0).reshape(2, 3))


def test_range_forms():
    def f(a: int, b: int) -> List[int]:
        out: List[int] = []
        for i in range(a, b, 3):
            out.append(i)
        for i in range(b, a, -2):
            out.append(i)
        return out

    same(f, 1, 11)
    same(f, 5, 2)


def test_lists_dicts_tuples_and_comprehensions():
    def f(xs: List[int]) -> Tuple[List[int], Dict[int, int], int, List[int]]:
        squares = [x * x for x in xs]
        table = {x: x + 1 for x in xs}
        ys = xs[1:]
        ys.append(100)
        ys.insert(0, -1)
        last = ys.pop()
        a, b = xs[0], xs[-1]
        table[a] = b
        return squares, table, last + len(ys), sorted(ys)

    same(f, [3, 1, 2])


def test_optional_refinement_and_isinstance():
    def f(x: Optional[Tensor], y: Tensor) -> Tensor:
        if x is None:
            return y
        return x + y

    def g(x: Optional[int]) -> int:
        assert x is not None, "x must be given"
        return x + 1

    def h(u: Union[int, float]) -> float:
        if isinstance(u, int):
            return float(u * 2)
        return u

    same(f, None, torch.ones(2))
    same(f, torch.ones(2), torch.ones(2))
    same(g, 4)
    same(h, 3)
    same(h, 2.5)
    with pytest.raises(torch.jit.Error, match="AssertionError: x must be given"):
        torch.jit.script(g)(None)


def test_raise_and_strings():
    def f(s: str, n: int) -> str:
        if n < 0:
            raise ValueError(f"negative: {n}")
        parts = s.split(",")
        return "-".join(parts).upper() + str(n) + f"<{len(parts)}>"

    same(f, "a,b,c", 2)
    with pytest.raises(torch.jit.Error, match="builtins.ValueError: negative: -3"):
        torch.jit.script(f)("x", -3)


def test_math_module_and_builtins():
    def f(x: float, n: int) -> Tuple[float, int, int, float, int, bool, int]:
        return (math.sqrt(x) + math.exp(0.5) * math.pi, math.floor(x), max(n, 3), abs(-x), min([4, n, 9]),
                math.isnan(x), int(x) + 2)

    same(f, 2.25, 7)


def test_tensor_methods_indexing_and_inplace():
    def f(x: Tensor) -> Tuple[Tensor, Tensor, Tensor, int, Tensor]:
        y = x.view(2, 6).transpose(0, 1).contiguous()
        z = y[1:4, 0] * 2
        w = x.clone()
        w[0] = 5.0
        w += 1
        m, idx = torch.max(x.reshape(3, 4), dim=1)
        return z, w, m, x.size(0) + x.dim(), F.softmax(x.reshape(3, 4), dim=-1).sum(dim=1, keepdim=True)

    same(f, torch.arange(12.0))


def test_calls_between_functions_and_defaults():
    def helper(x: Tensor, scale: float = 2.0) -> Tensor:
        return x * scale

    def f(x: Tensor) -> Tensor:
        return helper(x) + helper(x, scale=0.5)

    same(f, torch.ones(3))


class Point(NamedTuple):
    x: int
    y: float


def test_namedtuple():
    def f(a: int) -> float:
        p = Point(a, 2.5)
        return p.x + p.y

    same(f, 3)


class Counter:
    def __init__(self, start: int):
        self.count = start

    def bump(self, by: int) -> int:
        self.count += by
        return self.count


def test_script_class():
    def f(n: int) -> int:
        c = Counter(n)
        c.bump(2)
        return c.bump(3)

    same(f, 10)
    ScriptedCounter = torch.jit.script(Counter)
    c = ScriptedCounter(1)
    assert c.bump(4) == 5 and c.count == 5


def test_is_scripting_and_annotate():
    def f(x: Tensor) -> List[int]:
        out = torch.jit.annotate(List[int], [])
        if torch.jit.is_scripting():
            out.append(1)
        else:
            out.append(0)
        return out

    assert f(torch.ones(1)) == [0]
    assert torch.jit.script(f)(torch.ones(1)) == [1]


def test_modules_with_containers_and_optional_submodules():
    class Block(nn.Module):
        def __init__(self, n: int, downsample: bool):
            super().__init__()
            self.layers = nn.ModuleList([nn.Linear(n, n) for _ in range(3)])
            self.acts = nn.ModuleDict({"relu": nn.ReLU(), "tanh": nn.Tanh()})
            self.down = nn.Linear(n, n) if downsample else None
            self.seq = nn.Sequential(nn.Linear(n, n), nn.Sigmoid())

        def forward(self, x):
            for i, layer in enumerate(self.layers):
                x = layer(x) if i % 2 == 0 else self.acts["relu"](layer(x))
            for name, act in self.acts.items():
                x = act(x)
            if self.down is not None:
                x = self.down(x)
            return self.seq(x) + self.layers[0](x)

    torch.manual_seed(1)
    x = torch.randn(4, 5)
    for down in (True, False):
        m = Block(5, down)
        s = torch.jit.script(m)
        np.testing.assert_allclose(s(x).numpy(), m(x).numpy(), rtol=1e-5, atol=1e-6)


def test_batchnorm_training_and_eval_state():
    torch.manual_seed(0)
    m = nn.Sequential(nn.Conv2d(3, 4, 3), nn.BatchNorm2d(4), nn.ReLU())
    s = torch.jit.script(m)
    x = torch.randn(2, 3, 6, 6)
    np.testing.assert_allclose(s(x).numpy(), m(x).numpy(), rtol=1e-4, atol=1e-5)  # training: stats update
    np.testing.assert_allclose(s[1].running_mean.numpy(), m[1].running_mean.numpy(), rtol=1e-5)
    s.eval()
    m.eval()
    assert s.training is False and s[1].training is False
    np.testing.assert_allclose(s(x).numpy(), m(x).numpy(), rtol=1e-4, atol=1e-5)


def test_script_module_attributes_and_state_dict():
    torch.manual_seed(0)
    m = nn.Linear(3, 2)
    s = torch.jit.script(m)
    assert set(s.state_dict()) == {"weight", "bias"}
    s.load_state_dict({"weight": np.ones((2, 3), np.float32), "bias": np.zeros(2, np.float32)})
    np.testing.assert_array_equal(s(torch.ones(1, 3)).numpy(), [[3.0, 3.0]])
    s.bias = nn.Parameter(torch.ones(2))
    np.testing.assert_array_equal(s(torch.ones(1, 3)).numpy(), [[4.0, 4.0]])
    assert [n for n, _ in s.named_parameters()] == ["weight", "bias"]
    assert "original_name=Linear" in repr(s)


def test_compilation_unit_source():
    cu = torch.jit.CompilationUnit("""
def quad(x: int) -> int:
    return sq(x) * sq(x)

def sq(x: int) -> int:
    return x * x
""")
    assert cu.quad(3) == 81


def test_disable_returns_argument(monkeypatch):
    monkeypatch.setenv("TSJIT_DISABLE", "1")

    def f(x):
        return x

    assert torch.jit.script(f) is f
    m = nn.Linear(2, 2)
    assert torch.jit.script(m) is m


@torch.jit.interface
class OneArg(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        pass


class AddOne(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x + 1


class TimesTen(nn.Module):
    def forward(self, x: Tensor) -> Tensor:
        return x * 10


class Holder(nn.Module):
    impl: OneArg

    def __init__(self):
        super().__init__()
        self.impl = AddOne()

    def forward(self, x: Tensor) -> Tensor:
        return self.impl.forward(x)


def test_interface_attribute_swapped_at_run_time():
    s = torch.jit.script(Holder())
    np.testing.assert_array_equal(s(torch.ones(2)).numpy(), [2, 2])
    s.impl = torch.jit.script(TimesTen())
    np.testing.assert_array_equal(s(torch.ones(2)).numpy(), [10, 10])


def test_module_attribute_wrapper_and_null_context():
    class M(nn.Module):
        def __init__(self):
            super().__init__()
            self.names = torch.jit.Attribute({}, Dict[str, int])
            self.count = 0

        def forward(self, x):
            with torch.no_grad():
                y = x * 2
            self.count += 1
            return y

    s = torch.jit.script(M())
    s(torch.ones(2))
    s(torch.ones(2))
    assert s.count == 2 and s.names == {}


def test_values_of_a_raising_branch_do_not_shape_the_merge():
    def f(c: bool, t: Tensor) -> Tensor:
        if c:
            x = 1
            raise ValueError("no")
        else:
            x = t
        return x

    s = torch.jit.script(f)
    s._compiled.func_op.verify()  # no int/Tensor mix in the if's results
    np.testing.assert_array_equal(s(False, torch.ones(2)).numpy(), [1, 1])
    with pytest.raises(torch.jit.Error, match="builtins.ValueError: no"):
        s(True, torch.ones(2))


def test_a_function_that_always_raises_keeps_its_annotated_return_type():
    @torch.jit.script
    def bad(x) -> torch.Tensor:
        raise ValueError("no")

    @torch.jit.script
    def user(x, y):
        return bad(x) + y

    assert "-> !ts.tensor" in bad.graph
    with pytest.raises(torch.jit.Error, match="builtins.ValueError: no"):
        user(torch.ones(1), torch.ones(1))


def test_receiver_parameter_may_have_any_name():
    """TorchScript binds a method's first parameter as the module, whatever it is called."""

    class M(nn.Module):
        def __init__(me):
            super().__init__()
            me.scale = 3.0
            me.fc = nn.Linear(2, 2)

        def forward(me, x):
            return me.fc(x) * me.scale

    m = M()
    x = torch.randn(4, 2)
    np.testing.assert_allclose(torch.jit.script(m)(x).numpy(), m(x).detach().numpy(), rtol=1e-6)
