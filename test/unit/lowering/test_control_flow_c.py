"""Scripted control flow reaches C: `ts.loop` (a for loop with a static trip count) becomes one
`scf.for` with iter_args (not unrolled), `ts.if` on a run-time scalar becomes `scf.if`, and
`x[t]` at the loop index is a slice at a run-time offset (tsjit/lowering/control_flow.py,
control_flow_buffers.py). Each model is checked against eager and the numpy backend, at every
lowering stage and compiled to C with fallback=False."""
import warnings

import numpy as np
import pytest
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import MemRefType

import tsjit
import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.c.render_loops import trip_count
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass

STAGES = ["ts-constant-propagation", "ts-decompose", "ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-lower-to-loops"]


class LSTMLoop(nn.Module):
    def __init__(self):
        super().__init__()
        self.cell = nn.LSTMCell(8, 16)

    def forward(self, x):
        h = torch.zeros(x.size(1), 16)
        c = torch.zeros(x.size(1), 16)
        for t in range(x.size(0)):
            h, c = self.cell(x[t], (h, c))
        return h


def int_accumulator(x):
    y = x
    k = 0
    for t in range(6):
        k = k + t
        if k > 5:
            y = y * 0.5
        else:
            y = y + x[t % 4]
    return y


def size_if(x):
    if x.size(0) > 2:
        y = x.relu()
    else:
        y = x.sigmoid()
    return y


def value_if(x):
    if x.sum() > 0:
        y = x * 2
    else:
        y = torch.tanh(x) - 1
    return y


def swap_loop(x):
    a = x
    b = x * 2
    for _ in range(3):
        a, b = b, a + b
    return a


def _eager(model, x):
    return np.asarray(model(x).numpy())


def _run(module, x):
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    types = f.function_type.inputs.data
    outs = [np.zeros(t.get_shape(), np.float32) for t in types[1:] if isinstance(t, MemRefType)]
    result = Program(module).call(f.sym_name.data, x.numpy(), *outs)
    return outs[0] if outs else result


def _specialized(model, x):
    scripted = torch.jit.script(model)
    if isinstance(model, nn.Module):
        scripted = torch.jit.freeze(scripted)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # every shape static: no "shape * is not static" notes
        return torch.jit.specialize(scripted, (x,))


CASES = {
    "lstm": (lambda: LSTMLoop().eval(), (32, 4, 8)),
    "int_accumulator": (lambda: int_accumulator, (4, 3)),
    "size_if": (lambda: size_if, (4, 3)),
    "value_if": (lambda: value_if, (4, 3)),
    "swap_loop": (lambda: swap_loop, (2, 5)),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_every_stage_matches_eager(name):
    make, shape = CASES[name]
    torch.manual_seed(0)
    model = make()
    x = torch.randn(*shape)
    module = _specialized(model, x)
    expected = _eager(model, x)
    for stage in STAGES:
        apply_pass(stage, module)
        module.verify()
        np.testing.assert_allclose(_run(module, x), expected, rtol=1e-5, atol=1e-5, err_msg=stage)
    assert not [op.name for op in module.walk() if op.name.startswith("ts.")]


@pytest.mark.parametrize("name", sorted(CASES))
def test_compiles_to_c_without_fallback(name):
    make, shape = CASES[name]
    torch.manual_seed(1)
    model = make()
    x = torch.randn(*shape)
    compiled = tsjit.compile(model, backend="c", example_inputs=(x,), fallback=False)
    assert compiled.backend == "c"
    on_numpy = tsjit.compile(model, backend="numpy", example_inputs=(x,))
    for inp in (x, -x):  # the run-time branches go both ways
        expected = _eager(model, inp)
        np.testing.assert_allclose(np.asarray(compiled(inp).numpy()), expected, rtol=1e-5, atol=1e-5)
        np.testing.assert_allclose(np.asarray(on_numpy(inp).numpy()), expected, rtol=1e-5, atol=1e-5)


def test_lstm_loop_is_one_loop_not_unrolled():
    torch.manual_seed(0)
    model = LSTMLoop().eval()
    x = torch.randn(32, 4, 8)
    module = _specialized(model, x)
    apply_pass("ts-constant-propagation", module)
    apply_pass("ts-lower-to-loops", module)
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    (time_loop,) = [op for op in f.body.block.ops if isinstance(op, scf.ForOp)]
    assert trip_count(time_loop) == 32
    assert sum(op.name == "memref.subview" and len(op.offsets) > 0 for op in module.walk()) == 1  # x[t]
    compiled = tsjit.compile(model, backend="c", example_inputs=(x,), fallback=False)
    body = compiled.executable.source.split("void ts___torch__")[1]
    assert body.count("tsjit_sgemm(") + body.count("* v") > 0
    assert body.count("tsjit_sgemm(") <= 2  # x W_ih and h W_hh once, in the loop: not 32 copies
    assert body.count("a0 + ") == 1  # x[t]: one pointer at a run-time offset


def test_if_on_a_run_time_value_is_scf_if():
    x = torch.randn(4, 3)
    module = _specialized(value_if, x)
    apply_pass("ts-decompose", module)
    apply_pass("ts-to-linalg", module)
    ifs = [op for op in module.walk() if isinstance(op, scf.IfOp)]
    assert len(ifs) == 1 and ifs[0].results[0].type.get_shape() == (4, 3)
    assert any(op.name == "tensor.extract" for op in module.walk())


def countdown(x):
    i = 0
    while i < 3:
        x = x * 2
        i += 1
    return x


def first_break(x):
    y = x
    for i in range(10):
        if i == 3:
            break
        y = y + i
    return y


def odd_steps(x):
    y = x
    for i in range(5):
        if i % 2 == 0:
            continue
        y = y * 2 - i
    return y


def early_return(x):
    for i in range(4):
        if i == x.size(0):
            return x * i
    return x


@pytest.mark.parametrize("fn", [countdown, first_break, odd_steps, early_return], ids=lambda f: f.__name__)
def test_loops_counted_at_compile_time_compile_to_c(fn):
    """A while loop (or a `break`, `continue` or `return` inside a for loop) whose condition only
    the iteration number and scalar constants decide makes a number of iterations ts-count-loops
    finds when compiling: it becomes a for loop (then unrolled, or scf.for) and runs in C."""
    x = torch.randn(2, 2)
    compiled = tsjit.compile(fn, backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_allclose(np.asarray(compiled(x).numpy()), fn(x).numpy(), rtol=1e-6)


def test_while_loop_on_values_runs_in_c():
    """A condition read from tensor values is an scf.while (test/unit/compile/test_while_loops_in_c.py)."""
    def halve_until_small(x):
        while bool(x.abs().max() > 1.0):
            x = x * 0.5
        return x

    x = torch.randn(2, 2) * 10
    compiled = tsjit.compile(halve_until_small, backend="c", example_inputs=(x,), fallback=False)
    assert compiled.backend == "c"
    np.testing.assert_allclose(np.asarray(compiled(x).numpy()), halve_until_small(x).numpy(), rtol=1e-6)
