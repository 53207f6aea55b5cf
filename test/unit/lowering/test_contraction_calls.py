"""ts-contractions-to-calls keeps results on the numpy backend (which runs the tsjit_* run-time
functions) for the lowering models, convolution variants, batched and f64 products; the IR
verifies; blocks and epilogues are placed as the pass promises."""
import numpy as np
import pytest
from xdsl.dialects import func, memref, scf

import tsjit as torch
import tsjit.nn as nn
import tsjit.nn.functional as F
from tsjit.backends.numpy.ops.upstream_runtime import gemm, im2col
from tsjit.lowering.loops import PARALLEL, WORK
from tsjit.passes import apply_pass

from test_lowering_end_to_end import MODELS, run

STAGES = ["ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize"]
ELEMENTWISE = {"relu_sigmoid", "gelu_tanh"}  # nothing to call: must stay as it is


class Conv(nn.Module):
    def __init__(self, c, f, k, **kw):
        super().__init__()
        self.conv = nn.Conv2d(c, f, k, **kw)

    def forward(self, x):
        return F.relu(self.conv(x))


class ConvSigmoid(Conv):
    def forward(self, x):
        return torch.sigmoid(self.conv(x)) * 2.0


class Bmm(nn.Module):
    def __init__(self, shape):
        super().__init__()
        self.w = nn.Parameter(torch.rand(*shape))

    def forward(self, x):
        return torch.matmul(x, self.w)


class Addmm(nn.Module):
    def __init__(self):
        super().__init__()
        self.b, self.w = nn.Parameter(torch.rand(5)), nn.Parameter(torch.rand(4, 5))

    def forward(self, x):
        return torch.sigmoid(torch.addmm(self.b, x, self.w, beta=0.5, alpha=2.0))


CASES = {
    **{name: (lambda cls=cls: cls(), shape) for name, (cls, shape) in MODELS.items()},
    "conv_stride_dilation": (lambda: Conv(3, 4, 3, stride=2, padding=2, dilation=2), (2, 3, 9, 8)),
    "conv_1x1": (lambda: Conv(6, 5, 1), (2, 6, 7, 7)),
    "conv_grouped": (lambda: Conv(4, 6, 3, groups=2, padding=1), (1, 4, 5, 5)),
    "conv_depthwise": (lambda: Conv(6, 12, 3, groups=6, padding=1, stride=2), (2, 6, 7, 5)),
    "conv_depthwise_sigmoid": (lambda: ConvSigmoid(6, 12, 3, groups=6, padding=1, stride=2), (2, 6, 7, 5)),
    "bmm": (lambda: Bmm((3, 4, 5)), (3, 2, 4)),
    "bmm_broadcast": (lambda: Bmm((4, 5)), (2, 3, 2, 4)),
    "addmm": (lambda: Addmm(), (3, 4)),
}


def lowered(name, dtype=None, tile_bytes=64):
    make, shape = CASES[name]
    torch.manual_seed(0)
    model = make().eval()
    x = torch.rand(*shape)
    if dtype is not None:
        model, x = model.double(), x.double()
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    expected = model(x).numpy()
    for stage in STAGES:
        apply_pass(stage, module)
    apply_pass("ts-contractions-to-calls", module, tile_bytes=tile_bytes)
    module.verify()
    return module, x, expected


def calls(module):
    return [op.callee.string_value() for op in module.walk() if isinstance(op, func.CallOp)]


@pytest.mark.parametrize("name", sorted(CASES))
def test_calls_keep_results_then_loops_too(name):
    module, x, expected = lowered(name)
    # 3x3 stride-1 convs with frozen weights: Winograd; depthwise ones: the direct stencil
    library = {"tsjit_sgemm", "tsjit_sgemm_packed", "tsjit_sgemm_ep", "tsjit_sgemm_packed_ep", "tsjit_conv_gemm_f32",
               "tsjit_conv_gemm_ep_f32", "tsjit_winograd_f32", "tsjit_dwconv_f32"}
    assert bool(library & set(calls(module))) == (name not in ELEMENTWISE)
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)
    apply_pass("ts-lower-to-loops", module)
    module.verify()
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)


def test_f64_uses_dgemm():
    module, x, expected = lowered("mlp", dtype="f64")
    assert set(calls(module)) == {"tsjit_dgemm"}
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-10)


def test_frozen_linear_weights_are_transposed_at_compile_time():
    """x @ W^T with W frozen (float64; float32 ones are packed: test_c_packed_gemm.py) reads a `<W>_t`
    global untransposed (transB = 0); the originals go."""
    module, x, expected = lowered("mlp", dtype="f64")
    globals_ = {op.sym_name.data: op for op in module.ops if isinstance(op, memref.GlobalOp)}
    transposed = [name for name in globals_ if name.endswith("_t")]
    assert len(transposed) == 2 and not {name[:-2] for name in transposed} & set(globals_)
    trans_b = [op.operands[13].owner.value.value.data for op in module.walk()
               if isinstance(op, func.CallOp) and op.callee.string_value() == "tsjit_dgemm"]
    assert trans_b == [0, 0]
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-10)


def test_whole_output_in_one_block_keeps_the_epilogue_generic():
    """An epilogue the GEMM call cannot apply (sigmoid of a scaled addmm), the output one block."""
    module, x, expected = lowered("addmm", tile_bytes=1 << 20)
    names = [op.name for op in next(f for f in module.ops if isinstance(f, func.FuncOp)).body.block.ops]
    assert "scf.for" not in names and names.count("func.call") == 1
    assert names.index("func.call") < names.index("linalg.generic")
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)


def test_lower_to_loops_option_runs_the_pass():
    make, shape = CASES["lenet"]
    torch.manual_seed(0)
    model, x = make().eval(), torch.rand(*shape)
    module = torch.jit.specialize(torch.jit.freeze(torch.jit.script(model)), (x,))
    apply_pass("ts-lower-to-loops", module, library_calls=True)
    assert "tsjit_sgemm_packed_ep" in calls(module) and {"tsjit_conv_gemm_f32", "tsjit_winograd_f32"} & set(calls(module))
    assert not any(op.name.startswith("linalg.") for op in module.walk())
    np.testing.assert_allclose(run(module, [x]), model(x).numpy(), rtol=1e-4, atol=1e-5)


def test_numpy_gemm_mirrors_blas_offsets_and_transposes():
    rng = np.random.default_rng(0)
    a, b = rng.random((3, 7)), rng.random((5, 4))
    c = rng.random((4, 6))
    expected = c.copy()
    expected[1:3, :4] = a[:, 1:3].T @ b[1:4, :4] + 2 * c[1:3, :4]
    gemm(a, b, c, 1, 4, 6, 2, 4, 3, 7, 4, 6, 1, 0, 2.0)
    np.testing.assert_allclose(c, expected)
    with pytest.raises(IndexError):
        gemm(a, b, c, 0, 0, 0, 2, 4, 30, 7, 4, 6, 0, 0, 0.0)


def test_numpy_im2col_is_the_windows():
    x = np.arange(2 * 5 * 6, dtype=np.float32).reshape(2, 5, 6)
    col = np.zeros(2 * 2 * 2 * 2 * 2, np.float32)
    im2col(x, col, 0, 2, 5, 6, 2, 2, 2, 3, 1, 2, 0, 2, 2)
    got = col.reshape(2, 2, 2, 2, 2)  # c, i, j, row, ow
    for c in range(2):
        for i in range(2):
            for j in range(2):
                for r in range(2):
                    for o in range(2):
                        assert got[c, i, j, r, o] == x[c, r * 2 + i, o * 3 + j * 2]
    with pytest.raises(IndexError):
        im2col(x, col, 0, 2, 5, 6, 2, 2, 2, 3, 1, 2, 1, 2, 2)


@pytest.mark.parametrize("shape,winograd", [((2, 3, 6, 8), True), ((1, 3, 7, 7), False)])
def test_winograd_for_stride_1_3x3_convolutions_of_even_size(shape, winograd):
    """Frozen float32 weights, stride 1, 3x3, even output: Winograd (weights transformed into a
    new global); an odd output size keeps im2col + GEMM. Both give the model's results."""
    CASES["conv_winograd"] = (lambda: Conv(3, 4, 3, padding=1), shape)
    try:
        module, x, expected = lowered("conv_winograd", tile_bytes=1 << 20)
    finally:
        del CASES["conv_winograd"]
    assert ("tsjit_winograd_f32" in calls(module)) == winograd
    assert any(op.name == "memref.global" and op.sym_name.data.endswith("_winograd") for op in module.ops) == winograd
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)
    apply_pass("ts-lower-to-loops", module)
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("name", ["conv_depthwise", "conv_depthwise_sigmoid"])
def test_depthwise_blocks_run_their_consumer_in_one_parallel_loop(name):
    """Blocks of channels of each image: one loop marked parallel (with the work of an iteration),
    the call in its body; the call reads the unpadded input. The bias and ReLU after it the call
    applies itself (ep = 1); another consumer (sigmoid) runs on each block, lowered to loops over it."""
    module, x, expected = lowered(name)
    loops = [op for op in module.walk() if isinstance(op, scf.ForOp) and WORK in op.attributes]
    assert len(loops) == 1 and PARALLEL in loops[0].attributes
    assert calls(loops[0]) == ["tsjit_dwconv_f32"]
    call = next(op for op in loops[0].walk() if isinstance(op, func.CallOp))
    ep = call.arguments[-3].owner
    assert ep.value.value.data == (name == "conv_depthwise")
    assert any(isinstance(op, scf.ForOp) for op in loops[0].body.block.ops) == (name != "conv_depthwise")
    assert not any(op.name in ("linalg.generic", "memref.copy") for op in module.walk())  # nor the padded copy
    np.testing.assert_allclose(run(module, [x]), expected, rtol=1e-4, atol=1e-5)
