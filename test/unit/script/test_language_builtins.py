"""TorchScript language pieces: int bit operators, the math module, builtins (hex, ord, chr,
divmod, round with digits, pow, reversed, list(range(...))), generator expressions in reductions,
%-formatting, tuple slicing, and Optional refinement merged across branches. Each scripted
function gives what Python gives (TorchScript agrees on all of these)."""
import math
from typing import List, Optional, Tuple

import pytest

import tsjit as torch


def bits(a: int, b: int):
    return a ^ b, a & b, a | b, a << 2, a >> 1, ~a, 1 < a < 10


def math_functions(x: float):
    return (math.tan(x), math.atan(x), math.atan2(x, 1.0), math.erf(x), math.erfc(x), math.expm1(x), math.log1p(x),
            math.gamma(x + 2), math.lgamma(x + 2), math.copysign(1.0, -x), math.degrees(x), math.radians(x),
            math.isfinite(x), math.hypot(x, 2.0), math.trunc(x), math.fmod(x, 0.3), math.ldexp(x, 3),
            math.remainder(x, 0.3), math.asinh(x), math.log2(x + 1))


def math_ints(n: int):
    return math.factorial(n), math.gcd(12, n * 3)


def builtins_(a: int, x: float):
    return hex(a), oct(a), bin(a), ord("a"), chr(a + 90), divmod(a, 3), round(x, 2), abs(-a), pow(a, 2)


def sequences(xs: List[int]):
    return (sum(x * 2 for x in xs), any(x > 2 for x in xs), all(x > 0 for x in xs), max([x - 1 for x in xs]),
            list(range(3)), sorted(xs), list(reversed(xs)), reversed(range(3)))


def percent(a: int, x: float, s: str):
    return "%d items, %5.2f %s %%, {braces} %x %r" % (a, x, s, a, s)


def tuple_slices(t: Tuple[int, int, int]):
    return t[1:], t[:-1], t[::2]


def refined(k: Optional[int], j: Optional[int]):
    if k is None:
        k = 2
    if j is None:
        return k
    return k + j


CASES = [(bits, (6, 3)), (bits, (-7, 2)), (math_functions, (0.7,)), (math_ints, (5,)), (builtins_, (10, 2.567)),
         (sequences, ([1, 2, 3],)), (percent, (12, 3.14159, "ok")), (tuple_slices, ((1, 2, 3),)),
         (refined, (None, None)), (refined, (3, 4)), (refined, (None, 5))]


def python_value(fn, args):
    value = fn(*args)
    if fn is sequences:  # reversed(range) is a list in TorchScript, an iterator in Python
        value = (*value[:-1], list(value[-1]))
    return value


@pytest.mark.parametrize("fn,args", CASES, ids=[f"{fn.__name__}{args}" for fn, args in CASES])
def test_scripted_gives_what_python_gives(fn, args):
    got = torch.jit.script(fn)(*args)
    expected = python_value(fn, args)
    assert got == pytest.approx(expected) if fn is math_functions else got == expected


def test_int_is_64_bit_and_wraps():
    def wrap(a: int):
        big = 4611686018427387904 * 4  # folded at compile time: wraps too
        return a * 4611686018427387904 * 4, big, -(-9223372036854775807 - 1), 1 << 63, 2 ** 64 + a

    got = torch.jit.script(wrap)(3)
    assert got == (0, 0, -9223372036854775808, -9223372036854775808, 2.0 ** 64)  # ** gives a float


def test_number_powers_are_floats_as_in_torchscript():
    def powers(a: int, b: int):
        return a ** 2, 2 ** 3, a ** b, 2.0 ** a, a ** 0.5, (-8.0) ** 0.5

    def zero_to_negative(a: float):
        return a ** -1.0

    got = torch.jit.script(powers)(3, 2)
    assert got[:5] == (9.0, 8.0, 9.0, 8.0, 3 ** 0.5) and all(type(v) is float for v in got)
    assert math.isnan(got[5])
    with pytest.raises(Exception, match="0.0 cannot be raised to a negative power"):
        torch.jit.script(zero_to_negative)(0.0)


def type_commented(x, n):
    # type: (Tensor, int) -> List[Tensor]
    return [x * n]


def test_type_comments_with_bare_names():
    [y] = torch.jit.script(type_commented)(torch.ones(2), 3)
    assert y.tolist() == [3.0, 3.0]


def describe(x: torch.Tensor):
    return x.device == torch.device("cpu"), x.is_floating_point(), x.dtype == torch.float32, x.device != torch.device("cpu")


def test_device_and_dtype_questions():
    scripted = torch.jit.script(describe)
    assert scripted(torch.ones(2)) == (True, True, True, False)
    assert scripted(torch.ones(2, dtype=torch.int64)) == (True, False, False, False)
    assert scripted(torch.ones(2, dtype=torch.float64)) == (True, True, False, False)


def literals(x: torch.Tensor, a: float, n: int):
    return (torch.tensor([1.0, 2.0]) + x, torch.tensor([[1, 2], [3, 4]], dtype=torch.float64),
            torch.tensor([a, a * 2]), torch.tensor([n, 3]), torch.tensor(3), torch.tensor(True))


def test_torch_tensor_inside_script_matches_eager():
    args = (torch.ones(2), 1.5, 4)
    for got, expected in zip(torch.jit.script(literals)(*args), literals(*args)):
        assert got.dtype == expected.dtype and got.tolist() == expected.tolist()


def containers_compare(a: List[int], b: List[int], t: Tuple[int, str]):
    return a == b, a != b, t == (1, "x"), torch.device("cpu") == torch.device("cpu")


def test_container_comparisons_give_valid_ir():
    from tsjit.dialects import parse_module

    scripted = torch.jit.script(containers_compare)
    assert scripted([1, 2], [1, 2], (1, "x")) == (True, False, True, True)
    assert scripted([1], [1, 2], (2, "x")) == (False, True, False, True)
    parse_module(str(scripted.graph))  # verifies: == on lists is ts.value.eq, not a scalar op
