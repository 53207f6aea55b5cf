"""from_torch on modules whose scripted graphs reach the converters of aten_shapes_types.py,
aten_linalg_strided.py and aten_interpolate.py (F losses, Transformer layers, F.interpolate, torch.linalg,
windows, strided ops), on the numpy and C backends against PyTorch."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")
nn = torch.nn
F = torch.nn.functional

import tsjit  # noqa: E402
from tsjit.frontend import from_torch  # noqa: E402


def _check(module, *inputs, trace=False, backend="numpy", atol=1e-5, **options):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with torch.no_grad():
            want = module(*inputs)
        imported = from_torch(module, tuple(inputs)) if trace else from_torch(module)
        args = [tsjit.from_numpy(x.numpy().copy()) for x in inputs]
        compiled = tsjit.compile(imported, backend=backend, example_inputs=args, **options)
        got = compiled(*args)
    for g, w in zip(got if isinstance(got, tuple) else (got,), want if isinstance(want, tuple) else (want,)):
        np.testing.assert_allclose(g.numpy(), w.numpy(), atol=atol, rtol=1e-5)
        assert g.numpy().dtype == w.numpy().dtype


class Losses(nn.Module):
    def forward(self, x, y):
        return F.mse_loss(x, y) + F.l1_loss(x, y, reduction="sum") + F.smooth_l1_loss(x, y)


class ListMinMax(nn.Module):
    def forward(self, x):
        n = min(x.shape[0], 2)
        return x.reshape(n, -1) * max(x.shape) + sum(x.shape) + x.is_floating_point()


class Linalg(nn.Module):
    def forward(self, x, y):
        return (torch.linalg.vector_norm(x, 3.0, dim=[1]), torch.linalg.matrix_norm(y), torch.linalg.norm(x, dim=1),
                torch.linalg.cross(x[:, :3], x[:, 1:4]), torch.linalg.vecdot(x, x), torch.linalg.diagonal(y))


class Strided(nn.Module):
    def forward(self, x):
        return torch.as_strided(x, [3, 3], [1, 2], 1) + torch.hann_window(3) + torch.empty_strided([3, 3], [3, 1]).zero_()


class Bilinear(nn.Module):
    def forward(self, x, w):
        return torch._trilinear(x, w, x, [1, 3], [0], [1, 2], [2, 3])


class Compositions(nn.Module):
    def forward(self, x, y):
        lo, hi = torch.aminmax(x, dim=1)
        return (torch.nansum(x, 1) + lo + hi, torch.diff(x, dim=1), torch.cdist(x, y, p=1.0), torch.diagflat(x[0], 1),
                torch.eye(4, 5) + x[:, :5], x[None, :, None].squeeze([0, 2]), torch.addr(x[:, 0], y[:, 0], y[:, 1]))


@pytest.mark.parametrize("trace", [False, True])
def test_compositions(trace):
    _check(Compositions(), torch.randn(4, 6), torch.randn(4, 6), trace=trace, backend="numpy" if trace else "c")


@pytest.mark.parametrize("trace", [False, True])
def test_losses_broadcast_tensors(trace):
    _check(Losses(), torch.randn(4, 5), torch.randn(4, 5), trace=trace, backend="numpy" if trace else "c")


def test_int_list_min_max_sum_and_dtype_queries():
    _check(ListMinMax(), torch.randn(4, 5), backend="c")


def test_linalg_namespace():
    _check(Linalg(), torch.randn(4, 5), torch.randn(3, 4, 4), backend="c", atol=1e-4)


def test_as_strided_window_empty_strided_trilinear():
    _check(Strided(), torch.randn(4, 5), backend="c")
    _check(Bilinear(), torch.randn(2, 5), torch.randn(3, 5, 5), backend="c", atol=1e-4)


@pytest.mark.parametrize("module", [nn.Upsample(size=(3, 5)), nn.Upsample(scale_factor=2, mode="bilinear")],
                         ids=["size", "scale"])
def test_scripted_interpolate(module):
    _check(module, torch.randn(2, 3, 4, 4))


class Nearest1d(nn.Module):
    def forward(self, x):
        return F.interpolate(x, size=5)


class Linear1d(nn.Module):
    def forward(self, x):
        return F.interpolate(x, size=13, mode="linear", align_corners=True)


class AreaScale(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=2.0, mode="area")


class BilinearRecompute(nn.Module):
    def forward(self, x):
        return F.interpolate(x, scale_factor=1.7, mode="bilinear", recompute_scale_factor=True)


@pytest.mark.parametrize("backend", ["numpy", "c"])
@pytest.mark.parametrize("module,shape", [(Nearest1d, (2, 3, 8)), (Linear1d, (2, 3, 8)), (AreaScale, (2, 3, 4, 5)),
                                          (BilinearRecompute, (2, 3, 4, 5))], ids=lambda v: getattr(v, "__name__", ""))
def test_scripted_functional_interpolate(module, shape, backend):
    """The scale factors, known None once the module is frozen, reach casts on paths that cannot run."""
    scripted = torch.jit.script(module())  # in training mode: compiled as a frozen snapshot
    _check(scripted, torch.randn(*shape), backend=backend, fallback=False)


class Antialiased(nn.Module):
    def forward(self, x):
        return (F.interpolate(x, scale_factor=0.4, mode="bilinear", antialias=True),
                F.interpolate(x, size=(5, 9), mode="bicubic", antialias=True, align_corners=True))


@pytest.mark.parametrize("trace", [False, True])
def test_antialiased_interpolate_in_c(trace):
    _check(Antialiased(), torch.randn(2, 3, 16, 12), trace=trace, backend="c", fallback=False)


class Spectrogram(nn.Module):
    def forward(self, x):
        return torch.stft(x, 16, hop_length=4, window=torch.hann_window(16), return_complex=False)


@pytest.mark.parametrize("trace", [False, True])
def test_stft_in_c(trace):
    """torch.stft's scripted form pads a `[1] * (3 - x.dim())`-extended view: the list folds."""
    _check(Spectrogram(), torch.randn(2, 64), trace=trace, backend="c", fallback=False, atol=1e-4)


@pytest.mark.parametrize("backend", ["numpy", "c"])
def test_traced_complex_conv(backend):
    """A traced complex conv is three real convs joined by a complex scalar (`* 1j`) after
    resolve_conj of its operands, which must keep their values (it once imported as conj)."""
    torch.manual_seed(0)
    _check(nn.Conv1d(3, 4, 3).to(torch.complex64), torch.randn(2, 3, 10, dtype=torch.complex64), trace=True,
           backend=backend)


def test_transformer_layers_take_the_ordinary_path():
    torch.manual_seed(0)
    mod = nn.MultiheadAttention(8, 2, batch_first=True).eval()
    x = torch.randn(2, 5, 8)
    _check(mod, x, x, x, atol=1e-4)


@pytest.mark.parametrize("mask", ["attn_mask", "key_padding_mask"])
def test_scripted_attention_masks_compile_wholly_to_c(mask):
    """torch's MultiheadAttention checks `if mask is not None:` then casts: the cast's result keeps the
    mask's static type, so the dtype tests fold and every op after them lowers."""
    torch.manual_seed(0)

    class Causal(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = nn.MultiheadAttention(8, 2)

        def forward(self, x, m):
            return self.m(x, x, x, attn_mask=m)

    class Padded(nn.Module):
        def __init__(self):
            super().__init__()
            self.m = nn.MultiheadAttention(8, 2, batch_first=True)

        def forward(self, x, m):
            return self.m(x, x, x, key_padding_mask=m, need_weights=False)[0]

    if mask == "attn_mask":
        _check(Causal().eval(), torch.randn(5, 2, 8), torch.triu(torch.ones(5, 5, dtype=torch.bool), 1), backend="c",
               fallback=False)
    else:
        _check(Padded().eval(), torch.randn(2, 5, 8), torch.tensor([[False] * 5, [False] * 3 + [True] * 2]),
               backend="c", fallback=False)


def test_dropout_family_and_margin_losses():
    class M(nn.Module):
        def forward(self, x):
            return F.dropout2d(x, 0.3, self.training) + F.alpha_dropout(x, 0.2, self.training) + \
                F.feature_alpha_dropout(x, 0.1, self.training)
    _check(M().eval(), torch.randn(2, 3, 4, 4), backend="c")
    _check(nn.TripletMarginLoss(margin=0.5), torch.randn(4, 5), torch.randn(4, 5), torch.randn(4, 5), backend="c")
    _check(nn.PairwiseDistance(), torch.randn(4, 5), torch.randn(4, 5), backend="c")
    _check(nn.MultiMarginLoss(p=2, weight=torch.rand(5)), torch.randn(4, 5), torch.tensor([0, 4, 2, 2]), backend="c")
    _check(nn.MultiLabelMarginLoss(reduction="none"), torch.randn(2, 4), torch.tensor([[3, 3, -1, 0], [1, 0, 2, 3]]),
           backend="c")
    train = from_torch(M())
    out = train(tsjit.ones(2, 3, 4, 4))
    assert out.shape == (2, 3, 4, 4)


def test_eager_linalg_and_f_dropouts():
    a = np.random.default_rng(0).standard_normal((3, 4, 4)).astype(np.float32)
    x, t = tsjit.from_numpy(a), torch.from_numpy(a)
    for name, args in [("norm", ()), ("vector_norm", (1,)), ("matrix_norm", ("nuc",)), ("det", ()), ("inv", ()),
                       ("matrix_power", (3,)), ("svdvals", ())]:
        np.testing.assert_allclose(getattr(tsjit.linalg, name)(x, *args).numpy(),
                                   getattr(torch.linalg, name)(t, *args).numpy(), atol=1e-3, rtol=1e-4)
    np.testing.assert_allclose(tsjit.linalg.solve(x, x[:, 0]).numpy(), torch.linalg.solve(t, t[:, 0]).numpy(),
                               atol=1e-3, rtol=1e-3)
    import tsjit.nn.functional as TF
    assert np.array_equal(TF.dropout1d(x, training=False).numpy(), a)
    assert TF.dropout3d(x[None], training=False).shape == (1, 3, 4, 4)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        TF.dropout1d(x[0, 0, 0])
    with pytest.raises(ValueError, match="dropout probability"):
        TF.alpha_dropout(x, 1.5)
    s = tsjit.stft(tsjit.from_numpy(a[0].reshape(-1)), 8, return_complex=False)
    want = torch.stft(t[0].reshape(-1), 8, return_complex=False)
    np.testing.assert_allclose(s.numpy(), want.numpy(), atol=1e-5)


@pytest.mark.parametrize("trace", [False, True])
def test_vdot_conjugates_its_first_vector(trace):
    """aten::vdot once imported as dot: complex results lost the conjugate."""
    class M(nn.Module):
        def forward(self, a, b):
            return torch.vdot(a, b) + a.vdot(b)

    torch.manual_seed(0)
    _check(M(), torch.randn(5, dtype=torch.complex64), torch.randn(5, dtype=torch.complex64), trace=trace)
    _check(M(), torch.randn(5), torch.randn(5), trace=trace, backend="c", fallback=False)
