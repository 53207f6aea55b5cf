"""ts-fuse-elementwise, ts-bufferize and the loop stage preserve results on the numpy backend.

Inputs are the hand-written linalg IR of the lit tests (test/lit/passes/), run before and after
each stage; memref out-parameters are allocated here. Also: CSE'd `tensor.empty`s never make two
live values share a buffer, and every stage's IR is valid upstream MLIR (mlir-opt-19).
"""
import io
import pathlib
import shutil
import subprocess

import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType
from xdsl.printer import Printer
from xdsl.transforms.common_subexpression_elimination import CommonSubexpressionElimination

from tsjit.backends.numpy import Program
from tsjit.dialects import context, parse_module
from tsjit.lowering.loops import lower_linalg_to_loops
from tsjit.passes import apply_pass

LIT = pathlib.Path(__file__).parents[2] / "lit" / "passes"


def load(name: str):
    return parse_module((LIT / name).read_text(), name)


def call(module, fn: str, *args):
    """Call @fn; for a bufferized function, allocate its out-parameters and return them."""
    f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data == fn)
    outs = [np.zeros(t.get_shape(), np.float32) for t in f.function_type.inputs.data[len(args):]
            if isinstance(t, MemRefType)]
    result = Program(module).call(fn, *args, *outs)
    if outs:
        return tuple(outs) if len(outs) > 1 else outs[0]
    return result


def stages(module):
    """Yield the module after each stage: fusion, bufferization, loops."""
    apply_pass("ts-fuse-elementwise", module)
    yield "ts-fuse-elementwise"
    apply_pass("ts-bufferize", module)
    yield "ts-bufferize"
    lower_linalg_to_loops(module)
    yield "loops"


rng = np.random.default_rng(0)
CASES = {  # file, function, inputs
    "chain": ("ts-fuse-elementwise.mlir", "chain", [rng.standard_normal((2, 3), np.float32)]),
    "broadcast": ("ts-fuse-elementwise.mlir", "broadcast",
                  [rng.standard_normal(3, np.float32), rng.standard_normal((2, 3), np.float32)]),
    "linear_relu": ("ts-fuse-elementwise.mlir", "linear_relu",
                    [rng.standard_normal((2, 4), np.float32), rng.standard_normal((4, 3), np.float32),
                     rng.standard_normal(3, np.float32)]),
    "shared": ("ts-fuse-elementwise.mlir", "shared", [rng.random(4, np.float32) + 0.5]),
    "in_place": ("ts-bufferize.mlir", "chain", [rng.random(4, np.float32)]),
    "shared_empty": ("ts-bufferize.mlir", "shared_empty", [rng.random(4, np.float32) + 0.5]),
    "mm_init_live": ("ts-bufferize.mlir", "mm", [rng.standard_normal((2, 2), np.float32),
                                                 rng.standard_normal((2, 2), np.float32)]),
    "shapes": ("ts-bufferize.mlir", "shapes", [rng.standard_normal((2, 4), np.float32)]),
    "pool": ("ts-lower-to-loops.mlir", "pool", [rng.standard_normal((1, 1, 4, 4), np.float32)]),
}


def _only(module, fn):
    for f in [op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data != fn]:
        f.detach()
    return module


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_stage_keeps_the_results(case):
    path, fn, args = CASES[case]
    module = _only(load(path), fn)
    expected = call(module, fn, *args)
    for stage in stages(module):
        module.verify()
        got = call(module, fn, *args)
        for g, e in zip(np.atleast_1d(got) if not isinstance(got, tuple) else got,
                        np.atleast_1d(expected) if not isinstance(expected, tuple) else expected):
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-6, err_msg=f"{case} after {stage}")


def test_relu_sigmoid_chain_is_one_loop_nest():
    module = _only(load("ts-fuse-elementwise.mlir"), "chain")
    apply_pass("ts-lower-to-loops", module)
    f = next(op for op in module.ops if isinstance(op, func.FuncOp))
    assert [op.name for op in f.body.block.ops].count("scf.for") == 1


def test_cse_merged_empty_tensors_do_not_alias():
    module = _only(load("ts-bufferize.mlir"), "shared_empty")
    x = rng.random(4, np.float32) + 0.5
    expected = np.exp(x) - np.log(x)
    CommonSubexpressionElimination().apply(context(), module)
    apply_pass("ts-bufferize", module)
    np.testing.assert_allclose(call(module, "shared_empty", x), expected, rtol=1e-5)


def test_pipeline_names_the_failing_stage():
    module = parse_module("""
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %c = arith.constant 1.0 : f32
      %y = tensor.splat %c : tensor<4xf32>
      func.return %y : tensor<4xf32>
    }""")
    from xdsl.utils.exceptions import PassFailedException

    with pytest.raises(PassFailedException, match="stage 'ts-bufferize'.*tensor.splat"):
        apply_pass("ts-lower-to-loops", module)


def test_pipeline_names_the_ts_ops_left_unlowered_as_the_cause():
    """A ts op without a lowering makes a later stage fail; the error names that op and where it
    came from, not the later stage's own complaint (xDSL: "linalg.transpose with tensor results")."""
    module = parse_module("""
    func.func @f(%x: !ts.tensor<[3,3], f32>) -> (!ts.tensor<[?,2], i64>, !ts.tensor<[3,3], f32>) {
      %c = ts.nonzero %x {loc = "model.py:5:12"} : (!ts.tensor<[3,3], f32>) -> !ts.tensor<[?,2], i64>
      %t = ts.t %x : (!ts.tensor<[3,3], f32>) -> !ts.tensor<[3,3], f32>
      func.return %c, %t : !ts.tensor<[?,2], i64>, !ts.tensor<[3,3], f32>
    }""")
    from xdsl.utils.exceptions import PassFailedException

    with pytest.raises(PassFailedException, match=r"earlier stages left ops at the ts level \(ts.nonzero \(model.py:5:12\): its "
                                                  r"result's size depends.*\).*numpy backend"):
        apply_pass("ts-lower-to-loops", module)


@pytest.mark.skipif(shutil.which("mlir-opt-19") is None, reason="mlir-opt-19 is not on PATH")
@pytest.mark.parametrize("path", ["ts-fuse-elementwise.mlir", "ts-bufferize.mlir", "ts-lower-to-loops.mlir"])
def test_linalg_memref_and_loop_levels_are_valid_upstream_mlir(path):
    module = load(path)
    for stage in ["input", *stages(module)]:
        text = io.StringIO()
        Printer(stream=text, print_generic_format=True).print_op(module)
        proc = subprocess.run(["mlir-opt-19", "--verify-each", "-o", "/dev/null"], input=text.getvalue(),
                              capture_output=True, text=True)
        assert proc.returncode == 0, f"{path} at stage {stage}:\n{proc.stderr}"


def test_a_value_returned_twice_fills_both_out_parameters():
    """`return y, y`: y's buffer becomes the first out-parameter, which the second copies (it once
    copied from the buffer the first had replaced)."""
    module = parse_module("""
    func.func @f(%x: !ts.tensor<[3], f32>) -> (!ts.tensor<[3], f32>, !ts.tensor<[3], f32>) {
      %one = ts.constant 1
      %y = ts.add %x, %x, %one : (!ts.tensor<[3], f32>, !ts.tensor<[3], f32>, !ts.int) -> !ts.tensor<[3], f32>
      func.return %y, %y : !ts.tensor<[3], f32>, !ts.tensor<[3], f32>
    }""")
    apply_pass("ts-lower-to-loops", module)
    x = rng.standard_normal(3).astype(np.float32)
    first, second = call(module, "f", x)
    np.testing.assert_array_equal(first, 2 * x)
    np.testing.assert_array_equal(second, 2 * x)
