"""ts-coalesce-loops keeps every result: the loop-level module gives the same bits on the numpy
backend before and after the pass, and the C backend (where it runs in the pipeline) matches eager.
Shapes whose rows are not a multiple of the vector width (7, 28) are where it pays."""
from __future__ import annotations

import numpy as np
import pytest
from xdsl.dialects import func, scf
from xdsl.dialects.builtin import MemRefType

import tsjit as torch
from tsjit.backends.c import find_compiler
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass

STAGES = ("ts-decompose", "ts-to-linalg", "ts-widen-half", "ts-fuse-elementwise", "ts-bufferize",
          "ts-contractions-to-calls", "ts-linalg-to-loops")


def bias_relu6(x, b):
    return torch.clamp(x + b.view(1, -1, 1, 1), 0.0, 6.0)


def total_sum(x):
    return x.sum()


def plane_sums(x):
    return x.sum((2, 3))


def conv_bn_relu(x, w):
    return torch.relu(torch.nn.functional.conv2d(x, w, padding=1) * 0.5 + 0.25)


def broadcast_rows(x, r):
    return x * r


def transposed(x):
    return (x.transpose(2, 3) + 1.0).contiguous()


def _inputs(rng):
    x = rng.standard_normal((2, 6, 7, 7)).astype(np.float32)
    x[0, 1, 2, 3] = np.nan
    return {bias_relu6: (x, rng.standard_normal(6).astype(np.float32)),
            total_sum: (rng.standard_normal((3, 4, 28, 28)).astype(np.float32),),
            plane_sums: (rng.standard_normal((3, 4, 28, 28)).astype(np.float32),),
            transposed: (x,),
            conv_bn_relu: (rng.standard_normal((1, 3, 28, 28)).astype(np.float32),
                           rng.standard_normal((8, 3, 3, 3)).astype(np.float32)),
            broadcast_rows: (x, rng.standard_normal(7).astype(np.float32))}


CASES = list(_inputs(np.random.default_rng(0)))


def _loops(module) -> int:
    return sum(isinstance(op, scf.ForOp) for op in module.walk())


@pytest.mark.parametrize("fn", CASES, ids=lambda f: f.__name__)
def test_same_bits_before_and_after_on_numpy(fn):
    inputs = _inputs(np.random.default_rng(0))[fn]
    tensors = [torch.from_numpy(a) for a in inputs]
    traced = torch.jit.trace(fn, tensors)
    name = traced._compiled.func_op.sym_name.data
    module = torch.jit.specialize(traced, tensors)
    for f in [op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data != name]:
        module.body.block.erase_op(f)
    for stage in STAGES:
        apply_pass(stage, module)
    before = _run(module.clone(), name, inputs)
    loops = _loops(module)
    apply_pass("ts-coalesce-loops", module)
    module.verify()
    if fn is broadcast_rows:  # a row broadcast stays a nest
        assert _loops(module) == loops
    else:
        assert _loops(module) < loops, "nothing coalesced"
    for a, b in zip(before, _run(module, name, inputs), strict=True):
        np.testing.assert_array_equal(a, b)


def _run(module, name, inputs) -> list[np.ndarray]:
    """The function's results: its memref out-parameters (float32 here), allocated and returned."""
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == name)
    outs = [np.zeros(t.get_shape(), np.float32) for t in f.function_type.inputs.data[len(inputs):]
            if isinstance(t, MemRefType)]
    Program(module).call(name, *inputs, *outs)
    return outs


@pytest.mark.skipif(find_compiler() is None, reason="no C compiler")
@pytest.mark.parametrize("fn", CASES, ids=lambda f: f.__name__)
def test_c_matches_eager(fn):
    inputs = _inputs(np.random.default_rng(1))[fn]
    want = fn(*[torch.from_numpy(a) for a in inputs])
    want = want if isinstance(want, tuple) else (want,)
    compiled = torch.compile(torch.jit.script(fn), backend="c", example_inputs=list(inputs), fallback=False)
    got = compiled(*inputs)
    for w, g in zip(want, got if isinstance(got, tuple) else (got,)):
        np.testing.assert_allclose(np.asarray(g), w.numpy(), rtol=1e-5, atol=1e-5)
