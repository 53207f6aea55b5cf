"""Gathers, embedding bags and transposed convolutions compile wholly to C (fallback=False) and agree
with eager and with PyTorch: ts.embedding / index_select / gather (tsjit/lowering/gather.py: a
generic whose body reads the source at the index, a load after ts-bufferize), nn.EmbeddingBag
(a gather and a reduction, or an offsets membership mask), conv_transpose1d/2d
(tsjit/lowering/conv_transpose.py: GEMM + col2im) and F.interpolate's 2x upsampling."""
import numpy as np
import pytest
from xdsl.dialects import func
from xdsl.dialects.builtin import MemRefType

import tsjit
from tsjit.backends.numpy import Program
from tsjit.passes import apply_pass

torch = pytest.importorskip("torch")
rng = np.random.default_rng(0)


def _classes(lib):
    """The test models for one library (tsjit or torch): the same source builds both."""
    nn, F = lib.nn, lib.nn.functional

    class Lookups(nn.Module):
        """nn.Embedding (padding_idx; int64 and int32 indices of ranks 2, 3 and 0), index_select, gather."""

        def __init__(self):
            super().__init__()
            self.emb = nn.Embedding(10, 4, padding_idx=0)
            self.small = nn.Embedding(6, 3)

        def forward(self, ids, ids32, x, cols, where):
            return (self.emb(ids), self.small(ids32), self.small(ids32[0, 0, 1]),
                    x.index_select(1, cols), x.gather(1, where))

    class Bags(nn.Module):
        """EmbeddingBag of every mode on fixed-size bags, and on 1-D indices cut by offsets (int32,
        empty bags, include_last_offset, per_sample_weights)."""

        def __init__(self):
            super().__init__()
            self.sum = nn.EmbeddingBag(12, 5, mode="sum")
            self.mean = nn.EmbeddingBag(12, 5, mode="mean", padding_idx=2)
            self.max = nn.EmbeddingBag(12, 5, mode="max", padding_idx=2)
            self.last = nn.EmbeddingBag(12, 5, mode="sum", include_last_offset=True)

        def forward(self, bags, flat, offsets, flat32, offsets32, weights, flat_weights):
            return (self.sum(bags), self.max(bags), self.sum(flat, offsets),
                    self.mean(flat32, offsets32), self.max(flat, offsets), self.last(flat, offsets),
                    self.sum(bags, per_sample_weights=weights), self.sum(flat, offsets, flat_weights))

    class DLRM(nn.Module):
        def __init__(self):
            super().__init__()
            self.bags = nn.ModuleList([nn.EmbeddingBag(50, 8, mode="sum") for _ in range(3)])
            self.bottom = nn.Sequential(nn.Linear(13, 16), nn.ReLU(), nn.Linear(16, 8), nn.ReLU())
            self.top = nn.Sequential(nn.Linear(32, 16), nn.ReLU(), nn.Linear(16, 1))

        def forward(self, dense, idx0, idx1, idx2):
            feats = [self.bottom(dense), self.bags[0](idx0), self.bags[1](idx1), self.bags[2](idx2)]
            return lib.sigmoid(self.top(lib.cat(feats, dim=1)))

    class UpConvs(nn.Module):
        """ConvTranspose2d tiling its output (UNet's 2x2 stride 2), overlapping (3x3 stride 2,
        output_padding, or an output_size), dilated and grouped, ConvTranspose1d, and 2x
        bilinear/nearest interpolation."""

        def __init__(self):
            super().__init__()
            self.tile = nn.ConvTranspose2d(6, 4, 2, stride=2)
            self.overlap = nn.ConvTranspose2d(6, 4, 3, stride=2, padding=1, output_padding=1)
            self.dilated = nn.ConvTranspose2d(6, 4, 3, stride=2, padding=2, dilation=2, groups=2, bias=False)
            self.line = nn.ConvTranspose1d(6, 3, 4, stride=2, padding=1)

        def forward(self, x):
            return (self.tile(x), self.overlap(x), self.dilated(x), self.line(x[:, :, 0]),
                    self.overlap(x, output_size=[x.size(2) * 2 - 1, x.size(3) * 2]),
                    F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False),
                    F.interpolate(x, scale_factor=(2.0, 2.0), mode="nearest"))

    return {"Lookups": Lookups, "Bags": Bags, "DLRM": DLRM, "UpConvs": UpConvs}


def _pair(cls):
    """The tsjit model and the same model in torch, with the same weights."""
    torch.manual_seed(0)
    ref = _classes(torch)[cls]().eval()
    model = _classes(tsjit)[cls]()
    model.load_state_dict({k: tsjit.from_numpy(v.detach().numpy().copy()) for k, v in ref.state_dict().items()})
    return model.eval(), ref


def _check(cls, *inputs, atol=1e-5):
    model, ref = _pair(cls)
    with torch.no_grad():
        want = ref(*[torch.from_numpy(a) for a in inputs])
    want = [w.numpy() for w in (want if isinstance(want, tuple) else (want,))]
    args = [tsjit.from_numpy(a) for a in inputs]
    compiled = tsjit.compile(model, backend="c", example_inputs=args, fallback=False)
    assert compiled.backend == "c"
    for results in (model(*args), compiled(*args)):
        results = results if isinstance(results, tuple) else (results,)
        assert len(results) == len(want)
        for k, (got, w) in enumerate(zip(results, want)):
            np.testing.assert_allclose(got.numpy(), w, atol=atol, rtol=1e-5, err_msg=f"result {k}")


def test_embedding_index_select_and_gather_compile_to_c():
    ids = rng.integers(0, 10, (3, 5))
    ids[0, :2] = 0  # padding_idx rows are read like any other
    _check("Lookups", ids, rng.integers(0, 6, (2, 2, 3)).astype(np.int32), rng.standard_normal((4, 7), np.float32),
           np.array([6, 0, 0, 3]), rng.integers(0, 7, (4, 3)))


def test_gathers_run_on_the_numpy_backend_at_every_stage():
    """The body's read of the source: tensor.extract, then memref.load, then a load in the loops."""
    model, _ = _pair("Lookups")
    inputs = [rng.integers(0, 10, (3, 5)), rng.integers(0, 6, (2, 2, 3)).astype(np.int32),
              rng.standard_normal((4, 7), np.float32), np.array([6, 0, 0, 3]), rng.integers(0, 7, (4, 3))]
    args = [tsjit.from_numpy(a) for a in inputs]
    want = [w.numpy() for w in model(*args)]
    module = tsjit.jit.specialize(tsjit.jit.freeze(tsjit.jit.script(model)), tuple(args))
    for stage in ["ts-decompose", "ts-to-linalg", "ts-fuse-elementwise", "ts-bufferize", "ts-linalg-to-loops"]:
        apply_pass(stage, module)
        f = next(op for op in module.ops if isinstance(op, func.FuncOp) and op.body.blocks)
        outs = [np.zeros(t.get_shape(), np.float32) for t in f.function_type.inputs.data[len(inputs):]
                if isinstance(t, MemRefType)]
        got = Program(module).call(f.sym_name.data, *inputs, *outs)
        for k, (g, w) in enumerate(zip(outs or got, want)):
            np.testing.assert_allclose(np.asarray(g), w, rtol=1e-6, err_msg=f"{stage}: result {k}")


def test_embedding_bags_compile_to_c():
    bags = rng.integers(0, 12, (4, 3))
    bags[1] = 2  # a bag of padding only: zeros
    flat = rng.integers(0, 12, 9)
    offsets = np.array([0, 3, 3, 7])  # bag 1 is empty
    _check("Bags", bags, flat, offsets, flat.astype(np.int32), offsets.astype(np.int32),
           rng.standard_normal((4, 3), np.float32), rng.standard_normal(9, np.float32))


def test_dlrm_like_model_compiles_to_c():
    _check("DLRM", rng.standard_normal((4, 13), np.float32), *(rng.integers(0, 50, (4, 6)) for _ in range(3)))


def test_transposed_convolutions_and_upsampling_compile_to_c():
    _check("UpConvs", rng.standard_normal((2, 6, 5, 4), np.float32), atol=1e-4)


def gather_dead_index(x):
    y = x.abs()  # a buffer of its own, dead after the gather
    return y.gather(1, y)


def test_a_gather_never_writes_over_the_tensor_its_body_reads():
    """The index is also the gathered tensor and dies here: the result must not reuse its buffer."""
    x = np.array([[1, 0, 3, 2], [3, 3, 0, 1]])
    compiled = tsjit.compile(tsjit.jit.script(gather_dead_index), backend="c", example_inputs=[tsjit.from_numpy(x)],
                             fallback=False)
    np.testing.assert_array_equal(compiled(tsjit.from_numpy(x)).numpy(), np.take_along_axis(x, x, 1))


def test_a_folded_constant_index_list_lowers():
    """x[torch.tril_indices(4, 5)[0]]: freezing folds the index list into a constant; it lowers to C."""
    def rows(x):
        return x[tsjit.tril_indices(4, 5)[0]]

    x = tsjit.randn(4, 5)
    compiled = tsjit.compile(tsjit.jit.script(rows), backend="c", example_inputs=(x,), fallback=False)
    np.testing.assert_array_equal(compiled(x).numpy(), rows(x).numpy())
