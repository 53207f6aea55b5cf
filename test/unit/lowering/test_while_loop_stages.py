"""A data-dependent while loop gives the ts level's outputs at every lowering stage on the numpy
backend, which interprets `scf.while` (upstream_scf.py): the stages are checked apart from C."""
import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType

import tsjit
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass

STAGES = ["ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-lower-to-loops"]


def halves(x):
    while bool(x.sum() > 1.0):
        x = x / 2
    return x


def swaps(x, h):
    i = 0
    while float(h.abs().max()) < 10.0 and i < 30:
        x, h = h, x + h
        i += 1
    return h


def run(module, inputs):
    """Call the forward with memref out-parameters allocated; the first output."""
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
    args = [a.numpy() for a in inputs]
    outs = [np.zeros(t.get_shape(), dtype=np.float32) for t in f.function_type.inputs.data[len(args):]
            if isinstance(t, MemRefType)]
    result = Program(module).call(f.sym_name.data, *args, *outs)
    return outs[0] if outs else result


@pytest.mark.parametrize("fn, shapes", [(halves, [(3, 4)]), (swaps, [(2, 3), (2, 3)])])
def test_every_stage_runs_the_while_loop(fn, shapes):
    tsjit.manual_seed(0)
    inputs = [tsjit.rand(*s) * 4 + 0.1 for s in shapes]
    expected = fn(*inputs).numpy()
    module = tsjit.jit.specialize(tsjit.jit.script(fn), tuple(inputs))
    for stage in STAGES:
        apply_pass(stage, module)
        module.verify()
        np.testing.assert_allclose(run(module, inputs), expected, rtol=1e-5, err_msg=stage)
    assert "scf.while" in str(module) and "ts.loop" not in str(module)
