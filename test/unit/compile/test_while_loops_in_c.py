"""While loops whose condition reads tensor values (`while bool(x.sum() > 1):`) compile to C as
`scf.while`, with carried tensors and scalars, break/continue/return inside, nested in an if or
a for loop, and running zero times; each is checked against eager, the scripted numpy backend
and (when installed) PyTorch's own torch.jit.script."""
import numpy as np
import pytest

import tsjit
import tsjit.nn as nn
from tsjit.backends.c import find_compiler
from tsjit.compiler import FallbackError, FallbackWarning

pytestmark = pytest.mark.skipif(find_compiler() is None, reason="no C compiler")


def halves(x):
    while bool(x.sum() > 1.0):
        x = x / 2
    return x


def implicit_bool(x):
    while x.max() > 1:
        x = x * 0.5
    return x


def norm_and_counter(x):
    i = 0
    while float(x.norm()) > 0.5 and i < 100:
        x = x * 0.9
        i += 1
    return x, i


def swaps_two_tensors_and_a_float(x, h):
    scale = 1.0
    while float(h.abs().max()) < 10.0:
        x, h = h, x + h
        scale = scale * 2.0
    return x, h, scale


def reads_the_old_value_after_the_new(x):
    while bool(x.sum() > 1.0):
        y = x * 0.5
        z = x - y * 0.1
        x = y + z * 0.1
    return x


def inside_an_if(x):
    if bool(x.mean() > 0.5):
        while bool(x.sum() > 1.0):
            x = x - 0.25
    else:
        x = x * 2
    return x


def breaks(x):
    while bool(x.sum() > 1.0):
        x = x / 2
        if bool(x.max() < 0.3):
            break
    return x


def continues(x):
    i = 0
    while bool(x.sum() > 1.0):
        i += 1
        x = x - 0.1
        if i % 2 == 0:
            continue
        x = x * 0.9
    return x, i


def returns_early(x):
    while bool(x.sum() > 1.0):
        x = x / 2
        if bool(x.max() < 0.3):
            return x * 10
    return x


def returns_at_a_count(x):
    i = 0
    while bool(x.sum() > 1.0):
        x = x / 2
        i += 1
        if i >= 3:
            return x + i
    return x - i


def for_with_an_early_return(x):
    for k in range(10):
        if bool(x.max() < 1.0):
            return x * k
        x = x * 0.5
    return x


def for_with_a_data_dependent_break(x):
    for _ in range(20):
        if bool(x.sum() < 1.0):
            break
        x = x * 0.75
    return x


def nested_in_a_for(x):
    for k in range(3):
        while bool(x.sum() > 1.0 + k):
            x = x / 2
        x = x + 1
    return x


def nested_whiles(x):
    n = 0
    while bool(x.sum() > 1.0):
        while bool(x.max() > 0.5):
            x = x * 0.75
            n += 1
        x = x - 0.05
    return x, n


def an_if_choosing_what_to_update(x, y):
    while bool(x.sum() > 1.0):
        if bool(y.sum() > x.sum()):
            y = y * 0.5
        else:
            x = x * 0.5
    return x, y


def run_time_range_with_a_break(x):
    acc = x * 0
    for _ in range(int(x.sum())):
        acc = acc + x
        if bool(acc.sum() > 40.0):
            break
    return acc


def fixed_point(x, w):
    n = 0
    while bool((x - (x @ w).tanh()).abs().max() > 1e-4) and n < 50:
        x = (x @ w).tanh()
        n += 1
    return x, n


def positive(*shape):
    return tsjit.rand(*shape) + 0.1


CASES = [
    (halves, lambda: (positive(3, 4) * 4,)),
    (halves, lambda: (tsjit.rand(2, 2) * 0.1,)),  # the loop runs zero times
    (implicit_bool, lambda: (positive(5) * 8,)),
    (norm_and_counter, lambda: (positive(4, 4),)),
    (norm_and_counter, lambda: (positive(4) * 1e6,)),  # stops at the counter
    (swaps_two_tensors_and_a_float, lambda: (positive(2, 3), positive(2, 3))),
    (reads_the_old_value_after_the_new, lambda: (positive(2, 2) * 3,)),
    (inside_an_if, lambda: (positive(3) + 0.5,)),
    (inside_an_if, lambda: (tsjit.rand(3) * 0.2,)),
    (breaks, lambda: (positive(6) * 3,)),
    (continues, lambda: (positive(4) * 2,)),
    (returns_early, lambda: (positive(6) * 3,)),
    (returns_early, lambda: (tsjit.rand(3) * 0.1,)),  # returns after a loop that never ran
    (returns_at_a_count, lambda: (positive(3) * 100,)),
    (returns_at_a_count, lambda: (positive(3) * 2,)),
    (for_with_an_early_return, lambda: (positive(2, 2) * 5,)),
    (for_with_a_data_dependent_break, lambda: (positive(3, 3) * 4,)),
    (nested_in_a_for, lambda: (positive(2, 3) * 4,)),
    (nested_whiles, lambda: (positive(3) * 3,)),
    (an_if_choosing_what_to_update, lambda: (positive(2, 2) * 3, positive(2, 2) * 5)),
    (run_time_range_with_a_break, lambda: (positive(4) * 3,)),
    (fixed_point, lambda: (positive(1, 4), tsjit.rand(4, 4) * 0.3)),
]


def assert_same(got, expected, what):
    if isinstance(expected, tuple):
        assert isinstance(got, tuple) and len(got) == len(expected), what
        for g, e in zip(got, expected):
            assert_same(g, e, what)
    elif isinstance(expected, tsjit.Tensor):
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6, err_msg=what)
    else:
        assert type(got) is type(expected) and got == pytest.approx(expected), what


@pytest.mark.parametrize("fn, make", CASES, ids=[f"{fn.__name__}-{i}" for i, (fn, _) in enumerate(CASES)])
def test_a_data_dependent_while_loop_runs_in_c(fn, make):
    tsjit.manual_seed(0)
    args = make()
    expected = fn(*(a.clone() for a in args))
    assert_same(tsjit.jit.script(fn)(*(a.clone() for a in args)), expected, "scripted (numpy)")
    compiled = tsjit.compile(fn, backend="c", example_inputs=args, fallback=False)
    assert compiled.backend == "c"
    assert_same(compiled(*(a.clone() for a in args)), expected, "c")
    try:
        import torch
    except ImportError:
        return
    got = torch.jit.script(fn)(*(torch.from_numpy(a.numpy().copy()) for a in args))
    got = tuple(tsjit.tensor(g.numpy()) if isinstance(g, torch.Tensor) else g for g in got) \
        if isinstance(got, tuple) else tsjit.tensor(got.numpy())
    assert_same(got, expected, "torch.jit.script")


class Normalizer(nn.Module):
    """The loop as a module's forward, with an attribute in its condition."""

    def __init__(self, limit: float):
        super().__init__()
        self.limit = limit

    def forward(self, x):
        while bool(x.sum() > self.limit):
            x = x / 2
        return x


def test_a_module_whose_forward_loops_on_a_tensor_condition():
    m, x = Normalizer(1.5), positive(3, 4) * 4
    compiled = tsjit.compile(m, backend="c", example_inputs=(x,), fallback=False)
    assert compiled.backend == "c"
    np.testing.assert_allclose(compiled(x).numpy(), m(x).numpy(), rtol=1e-6)


def test_a_while_loop_imported_from_torch():
    torch = pytest.importorskip("torch")
    from tsjit.frontend import from_torch

    class Halve(torch.nn.Module):
        def forward(self, x):
            i = 0
            while float(x.norm()) > 1.0 and i < 64:
                x = x / 2
                i += 1
            return x, i

    x = torch.rand(3, 4) * 10 + 1
    compiled = tsjit.compile(from_torch(torch.jit.script(Halve())), backend="c",
                             example_inputs=(tsjit.tensor(x.numpy()),), fallback=False)
    got, n = compiled(tsjit.tensor(x.numpy()))
    expected, m = Halve()(x)
    np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)
    assert n == m


def test_a_carried_tensor_changing_shape_is_a_named_fallback():
    """C needs each carried tensor's shape and dtype static: a loop that shrinks one (or divides
    an int tensor) stays on numpy, and fallback=False says which value and why."""

    def shrinks(x):
        while bool(x.sum() > 1.0):
            x = x[1:]
        return x

    x = tsjit.rand(8)
    with pytest.raises(FallbackError, match=r"ts.loop at .*carried tensor #0 changes shape "
                                             r"between iterations \(!ts.tensor<\[8\], f32> becomes"):
        tsjit.compile(shrinks, backend="c", example_inputs=(x,), fallback=False)
    with pytest.warns(FallbackWarning):
        compiled = tsjit.compile(shrinks, backend="c", example_inputs=(x,))
    np.testing.assert_allclose(compiled(x).numpy(), shrinks(x).numpy())

    def promotes(x):
        while bool(x.sum() > 1):
            x = x / 2
        return x

    with pytest.raises(FallbackError, match=r"carried tensor #0 changes dtype between iterations"):
        tsjit.compile(promotes, backend="c", example_inputs=(tsjit.tensor([4, 8, 3]),), fallback=False)
