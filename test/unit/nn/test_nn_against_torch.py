"""With weights copied from a torch layer, each tsjit layer gives torch's outputs (atol 1e-5)."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tsjit  # noqa: E402
import tsjit.nn as nn  # noqa: E402
import tsjit.nn.functional as F  # noqa: E402

RNG = np.random.default_rng(1)

LAYERS = [
    ("Linear", (3, 2), (4, 3)),
    ("Linear", (3, 2, False), (2, 5, 3)),
    ("Conv1d", (2, 4, 3), (2, 2, 9)),
    ("Conv1d", (2, 4, 2), (1, 2, 6), dict(stride=2, padding=1, dilation=2, groups=2)),
    ("Conv2d", (3, 4, 3), (2, 3, 7, 6)),
    ("Conv2d", (4, 6, (3, 2)), (1, 4, 8, 7), dict(stride=(2, 1), padding=(1, 2), dilation=(1, 2), groups=2)),
    ("Conv2d", (2, 2, 4), (1, 2, 7, 7), dict(padding="same", bias=False)),
    ("Conv2d", (2, 2, 3), (1, 2, 5, 5), dict(padding=1, padding_mode="reflect")),
    ("BatchNorm1d", (3,), (5, 3)),
    ("BatchNorm1d", (3,), (4, 3, 2), dict(momentum=None)),
    ("BatchNorm2d", (3,), (2, 3, 4, 4), dict(momentum=0.3)),
    ("BatchNorm2d", (3,), (2, 3, 4, 4), dict(affine=False, track_running_stats=False)),
    ("LayerNorm", ([3, 4],), (2, 3, 4)),
    ("LayerNorm", (4,), (2, 4), dict(bias=False)),
    ("GroupNorm", (2, 6), (2, 6, 3)),
    ("ReLU", (), (3, 4)), ("ReLU6", (), (3, 4)), ("GELU", (), (3, 4)), ("GELU", ("tanh",), (3, 4)),
    ("Sigmoid", (), (3, 4)), ("Tanh", (), (3, 4)), ("SiLU", (), (3, 4)), ("Mish", (), (3, 4)),
    ("ELU", (0.7,), (3, 4)), ("LeakyReLU", (0.1,), (3, 4)), ("Hardtanh", (-0.5, 2.0), (3, 4)),
    ("Softplus", (2.0, 1.0), (3, 4)), ("Threshold", (0.2, -1.0), (3, 4)),
    ("Hardswish", (), (3, 4)), ("Hardsigmoid", (), (3, 4)), ("Softsign", (), (3, 4)),
    ("Tanhshrink", (), (3, 4)),
    ("Softmax", (1,), (2, 3, 4)), ("LogSoftmax", (-1,), (2, 3, 4)),
    ("MaxPool1d", (3, 2, 1), (1, 2, 9)),
    ("MaxPool2d", (2,), (1, 2, 6, 6)),
    ("MaxPool2d", (3, 2, 1), (2, 2, 7, 7), dict(ceil_mode=True)),
    ("MaxPool2d", (2, 1, 0, 2), (1, 1, 6, 6)),
    ("AvgPool2d", (2,), (1, 2, 6, 6)),
    ("AvgPool2d", (3, 2, 1), (1, 2, 7, 7), dict(ceil_mode=True, count_include_pad=False)),
    ("AvgPool2d", (3, 1, 1), (1, 1, 5, 5), dict(divisor_override=4)),
    ("AdaptiveAvgPool2d", ((3, 2),), (2, 3, 7, 5)),
    ("AdaptiveMaxPool2d", ((3, None),), (2, 3, 7, 5)),
    ("Flatten", (), (2, 3, 4)),
    ("Identity", (), (2, 3)),
]


def _copy_state(torch_layer, layer):
    layer.load_state_dict({k: v.detach().numpy() for k, v in torch_layer.state_dict().items()})


@pytest.mark.parametrize("case", LAYERS, ids=[f"{c[0]}{c[1]}{c[3] if len(c) > 3 else ''}" for c in LAYERS])
@pytest.mark.parametrize("training", [True, False], ids=["train", "eval"])
def test_layer_matches_torch(case, training):
    name, args, shape = case[:3]
    kwargs = case[3] if len(case) > 3 else {}
    torch_layer = getattr(torch.nn, name)(*args, **kwargs)
    layer = getattr(nn, name)(*args, **kwargs)
    assert repr(layer) == repr(torch_layer)
    _copy_state(torch_layer, layer)
    torch_layer.train(training)
    layer.train(training)
    x = RNG.standard_normal(shape).astype(np.float32) * 2
    for _ in range(2):  # twice: running statistics must evolve the same way
        expect = torch_layer(torch.from_numpy(x)).detach().numpy()
        got = layer(tsjit.tensor(x)).numpy()
        np.testing.assert_allclose(got, expect, atol=1e-5, rtol=1e-5)
    for key, value in torch_layer.state_dict().items():
        np.testing.assert_allclose(layer.state_dict()[key].numpy(), value.numpy(), atol=1e-6, err_msg=key)


def test_embedding_matches_torch():
    torch_layer = torch.nn.Embedding(7, 3, padding_idx=2)
    layer = nn.Embedding(7, 3, padding_idx=2)
    _copy_state(torch_layer, layer)
    idx = np.array([[0, 2, 6], [1, 1, 5]])
    np.testing.assert_allclose(layer(tsjit.tensor(idx)).numpy(),
                               torch_layer(torch.from_numpy(idx)).detach().numpy())


def test_state_dict_keys_match_torch():
    def build(lib):
        return lib.Sequential(lib.Conv2d(1, 2, 3), lib.BatchNorm2d(2), lib.ReLU(), lib.Flatten(),
                              lib.Linear(2, 2), lib.LayerNorm(2), lib.Embedding(3, 2))
    assert list(build(nn).state_dict()) == list(build(torch.nn).state_dict())
    assert repr(build(nn)) == repr(build(torch.nn))


def test_functional_losses_and_helpers_match_torch():
    """(and tsjit/eager/functional_more.py: the F functions written in Python in PyTorch)"""
    x = RNG.standard_normal((4, 5)).astype(np.float32)
    y = RNG.standard_normal((4, 5)).astype(np.float32)
    target = np.array([0, 4, 2, -100])
    w = np.abs(RNG.standard_normal(5)).astype(np.float32)
    tx, ty, tt, tw = (torch.from_numpy(a) for a in (x, y, target, w))
    jx, jy, jt, jw = (tsjit.tensor(a) for a in (x, y, target, w))
    cases = [
        (F.mse_loss(jx, jy, reduction="sum"), torch.nn.functional.mse_loss(tx, ty, reduction="sum")),
        (F.cross_entropy(jx, jt), torch.nn.functional.cross_entropy(tx, tt)),
        (F.cross_entropy(jx, jt, weight=jw, reduction="none"),
         torch.nn.functional.cross_entropy(tx, tt, weight=tw, reduction="none")),
        (F.cross_entropy(jx, jt, label_smoothing=0.1), torch.nn.functional.cross_entropy(tx, tt, label_smoothing=0.1)),
        (F.cross_entropy(jx, F.softmax(jy, 1)), torch.nn.functional.cross_entropy(tx, ty.softmax(1))),
        (F.nll_loss(jx, jt, weight=jw), torch.nn.functional.nll_loss(tx, tt, weight=tw)),
        (F.normalize(jx, p=1.0, dim=0), torch.nn.functional.normalize(tx, p=1.0, dim=0)),
        (F.pad(jx, [1, 1, 2, 0], value=3.0), torch.nn.functional.pad(tx, [1, 1, 2, 0], value=3.0)),
        (F.softmin(jx, 1), torch.nn.functional.softmin(tx, 1)),
        (F.rrelu(jx, 0.1, 0.3), torch.nn.functional.rrelu(tx, 0.1, 0.3)),
        (F.lp_pool1d(jx.unsqueeze(0), 2, 3, 2), torch.nn.functional.lp_pool1d(tx.unsqueeze(0), 2, 3, 2)),
        (F.lp_pool2d(jx.unsqueeze(0), 3, (2, 3), ceil_mode=True),
         torch.nn.functional.lp_pool2d(tx.unsqueeze(0), 3, (2, 3), ceil_mode=True)),
        (F.lp_pool3d(jx.reshape(1, 1, 2, 2, 5), float("inf"), 2),
         torch.nn.functional.lp_pool3d(tx.reshape(1, 1, 2, 2, 5), float("inf"), 2)),
        (F.local_response_norm(jx.reshape(1, 4, 5), 3, 0.1), torch.nn.functional.local_response_norm(
            tx.reshape(1, 4, 5), 3, 0.1)),
        (F.local_response_norm(jx.reshape(1, 4, 5, 1), 2), torch.nn.functional.local_response_norm(
            tx.reshape(1, 4, 5, 1), 2)),
        (F.gaussian_nll_loss(jx, jy, jw.abs().unsqueeze(0), full=True),
         torch.nn.functional.gaussian_nll_loss(tx, ty, tw.abs().unsqueeze(0), full=True)),
        (F.gaussian_nll_loss(jx, jy, 0.5, reduction="none"),
         torch.nn.functional.gaussian_nll_loss(tx, ty, 0.5, reduction="none")),
        (F.multilabel_soft_margin_loss(jx, (jy > 0).float(), jw),
         torch.nn.functional.multilabel_soft_margin_loss(tx, (ty > 0).float(), tw)),
    ]
    for got, expect in cases:
        np.testing.assert_allclose(got.numpy(), expect.numpy(), atol=1e-5, rtol=1e-5)


def _pooled(lib, n):
    """(values, indices) of a max pool of kernel 2 over n dims, for the unpooling layers."""
    x = RNG.standard_normal((1, 2) + (4,) * n).astype(np.float32)
    pool = getattr(torch.nn, f"MaxPool{n}d")(2, return_indices=True)
    values, indices = pool(torch.from_numpy(x))
    return values.numpy(), indices.numpy()


#: eval-mode modules compared with torch: (name, args, kwargs, inputs); an input is a float shape or an array
_POOLED = {n: _pooled(torch.nn, n) for n in (1, 2, 3)}
EVAL_MODULES = [
    ("Dropout1d", (0.3,), {}, [(2, 3, 4)]), ("Dropout2d", (0.3,), {}, [(2, 3, 4, 2)]),
    ("Dropout3d", (0.3,), {"inplace": True}, [(1, 2, 3, 2, 2)]), ("AlphaDropout", (0.2,), {}, [(3, 4)]),
    ("FeatureAlphaDropout", (0.2,), {}, [(2, 3, 4)]), ("RReLU", (0.1, 0.3), {}, [(3, 4)]),
    ("RReLU", (), {"inplace": True}, [(3, 4)]),
    ("LPPool1d", (2, 3, 2), {}, [(1, 2, 8)]),
    ("LPPool2d", (2, (3, 2)), {"stride": 2, "ceil_mode": True}, [(1, 2, 6, 5)]),
    ("LPPool3d", (1, 2), {}, [(1, 2, 4, 4, 2)]), ("LPPool2d", (3, 2), {}, [(2, 4, 4)]),
    ("LocalResponseNorm", (3,), {"alpha": 0.1}, [(2, 5, 3, 2)]), ("LocalResponseNorm", (4,), {"k": 2.0}, [(2, 5, 3)]),
    ("CrossMapLRN2d", (3,), {"alpha": 0.1}, [(1, 5, 3, 2)]), ("CrossMapLRN2d", (4, 0.5, 0.6, 2), {}, [(2, 7, 2, 2)]),
    ("CrossMapLRN2d", (5,), {"alpha": 0.3}, [(1, 3, 2, 2)]),
    ("RMSNorm", ([3, 4],), {"eps": 1e-5}, [(2, 3, 4)]), ("RMSNorm", (4,), {"elementwise_affine": False}, [(2, 4)]),
    ("SyncBatchNorm", (3,), {}, [(2, 3, 4)]),
    ("SoftMarginLoss", (), {}, [(3, 4), np.sign(RNG.standard_normal((3, 4))).astype(np.float32)]),
    ("HingeEmbeddingLoss", (), {"margin": 0.5}, [(3, 4), np.sign(RNG.standard_normal((3, 4))).astype(np.float32)]),
    ("PoissonNLLLoss", (), {"full": True}, [(3, 4), RNG.uniform(0, 3, (3, 4)).astype(np.float32)]),
    ("PoissonNLLLoss", (False,), {"reduction": "none"}, [RNG.uniform(0.1, 2, (3, 4)).astype(np.float32), (3, 4)]),
    ("GaussianNLLLoss", (), {"full": True}, [(3, 4), (3, 4), RNG.uniform(0.1, 2, (3, 1)).astype(np.float32)]),
    ("GaussianNLLLoss", (), {"reduction": "sum"}, [(3, 4), (3, 4), RNG.uniform(0.1, 2, (3,)).astype(np.float32)]),
    ("GaussianNLLLoss", (), {"eps": 0.2}, [(2, 3, 4), (2, 3, 4), RNG.uniform(0.1, 2, (2, 1, 4)).astype(np.float32)]),
    ("GaussianNLLLoss", (), {}, [(3, 4), (3, 4), 0.7]),
    ("TripletMarginLoss", (), {"swap": True, "reduction": "sum"}, [(5, 4), (5, 4), (5, 4)]),
    ("TripletMarginLoss", (0.5, 1.0), {"reduction": "none"}, [(5, 4), (5, 4), (5, 4)]),
    ("TripletMarginWithDistanceLoss", (), {"swap": True, "margin": 0.5}, [(5, 4), (5, 4), (5, 4)]),
    ("TripletMarginWithDistanceLoss", (), {"reduction": "none"}, [(4,), (4,), (4,)]),
    ("MultiMarginLoss", (2, 0.5), {}, [(5, 4), RNG.integers(0, 4, (5,))]),
    ("MultiMarginLoss", (1, 1.0, tsjit.tensor([0.5, 1.0, 2.0, 1.5])), {"reduction": "none"},
     [(5, 4), RNG.integers(0, 4, (5,))]),
    ("MultiLabelMarginLoss", (), {"reduction": "none"},
     [(3, 4), np.array([[1, 3, -1, 0], [0, 1, 2, 3], [-1, 2, 2, 2]])]),
    ("MultiLabelMarginLoss", (), {}, [(4,), np.array([3, 0, -1, 1])]),
    ("MultiLabelSoftMarginLoss", (), {}, [(3, 4), RNG.uniform(0, 1, (3, 4)).astype(np.float32)]),
    ("NLLLoss2d", (), {}, [(2, 4, 3, 2), RNG.integers(0, 4, (2, 3, 2))]),
    ("PairwiseDistance", (1.5,), {"keepdim": True}, [(5, 4), (5, 4)]), ("PairwiseDistance", (), {}, [(5, 4), (4,)]),
    ("CosineSimilarity", (), {}, [(5, 4), (5, 4)]), ("CosineSimilarity", (0, 1e-6), {}, [(5, 4), (5, 4)]),
    ("MaxUnpool1d", (2,), {}, list(_POOLED[1])), ("MaxUnpool2d", (2,), {}, list(_POOLED[2])),
    ("MaxUnpool3d", ((2, 2, 2),), {}, list(_POOLED[3])),
    ("ConvTranspose3d", (2, 4, 3), {}, [(1, 2, 3, 4, 5)]),
    ("ConvTranspose3d", (4, 6, (3, 2, 2)), {"stride": (2, 1, 2), "padding": (1, 0, 1), "output_padding": (1, 0, 1),
                                            "groups": 2, "dilation": (1, 2, 1)}, [(2, 4, 3, 4, 3)]),
    ("ConvTranspose3d", (2, 3, 2), {"stride": 2, "bias": False}, [(2, 3, 3, 3)]),
]


@pytest.mark.filterwarnings("ignore::FutureWarning")
@pytest.mark.parametrize("case", EVAL_MODULES, ids=[f"{c[0]}{c[1]}{c[2]}" for c in EVAL_MODULES])
def test_eval_module_matches_torch(case):
    name, args, kwargs, specs = case
    torch_args = tuple(torch.from_numpy(a.numpy()) if isinstance(a, tsjit.Tensor) else a for a in args)
    torch_layer = getattr(torch.nn, name)(*torch_args, **kwargs).eval()
    layer = getattr(nn, name)(*args, **kwargs).eval()
    assert repr(layer) == repr(torch_layer)
    _copy_state(torch_layer, layer)
    xs = [RNG.standard_normal(s).astype(np.float32) if isinstance(s, tuple) else s for s in specs]
    expect = torch_layer(*[torch.from_numpy(x.copy()) if isinstance(x, np.ndarray) else x for x in xs])
    got = layer(*[tsjit.tensor(x.copy()) if isinstance(x, np.ndarray) else x for x in xs])
    np.testing.assert_allclose(got.numpy(), expect.detach().numpy(), atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("name", ["Dropout1d", "Dropout2d", "Dropout3d", "FeatureAlphaDropout"])
def test_channel_dropouts_zero_whole_channels_in_training(name):
    shape = {"Dropout1d": (4, 8, 5), "Dropout2d": (4, 8, 3, 2), "Dropout3d": (4, 8, 2, 2, 2)}.get(name, (4, 8, 5))
    x = tsjit.ones(*shape)
    y = getattr(nn, name)(0.5).train()(x).numpy().reshape(4, 8, -1)
    assert all(len(np.unique(channel)) == 1 for channel in y.reshape(32, -1))  # one value per channel


def test_dropout2d_on_3d_input_warns_like_torch():
    import warnings

    x = RNG.standard_normal((2, 3, 4)).astype(np.float32)
    with warnings.catch_warnings(record=True) as got:
        warnings.simplefilter("always")
        nn.Dropout2d()(tsjit.tensor(x))
    with warnings.catch_warnings(record=True) as expect:
        warnings.simplefilter("always")
        torch.nn.Dropout2d()(torch.from_numpy(x))
    assert [str(w.message) for w in got] == [str(w.message) for w in expect]


def test_conv_transpose3d_output_size_matches_torch():
    torch_layer, layer = torch.nn.ConvTranspose3d(2, 3, 3, stride=2, padding=1), nn.ConvTranspose3d(2, 3, 3, stride=2,
                                                                                                   padding=1)
    _copy_state(torch_layer, layer)
    x = RNG.standard_normal((1, 2, 3, 3, 3)).astype(np.float32)
    expect = torch_layer(torch.from_numpy(x), [6, 5, 6]).detach().numpy()
    np.testing.assert_allclose(tsjit.jit.script(layer)(tsjit.tensor(x), [6, 5, 6]).numpy(), expect, atol=1e-5)


def test_max_unpool1d_function_matches_torch():
    values, indices = _POOLED[1]
    for kwargs in ({}, {"output_size": [5]}):
        expect = torch.nn.functional.max_unpool1d(torch.from_numpy(values), torch.from_numpy(indices), 2, **kwargs)
        got = F.max_unpool1d(tsjit.tensor(values), tsjit.tensor(indices), 2, **kwargs)
        np.testing.assert_array_equal(got.numpy(), expect.numpy())


def test_new_module_errors_match_torch():
    for build in (lambda lib: lib.TripletMarginLoss(margin=0.0), lambda lib: lib.MultiMarginLoss(p=3),
                  lambda lib: lib.Dropout1d(1.5), lambda lib: lib.AlphaDropout(-0.1)):
        with pytest.raises(ValueError) as expect:
            build(torch.nn)
        with pytest.raises(ValueError, match=str(expect.value).replace("(", r"\(").replace(")", r"\)")):
            build(nn)
    with pytest.raises(RuntimeError, match="dropout1d: Expected 2D or 3D input"):
        nn.Dropout1d()(tsjit.randn(2, 3, 4, 5))
    with pytest.raises(ValueError, match="CrossMapLRN2d: Expected input to be 4D, got 3D instead"):
        nn.CrossMapLRN2d(3)(tsjit.randn(2, 3, 4))
    for var in (tsjit.ones(3, 2), -tsjit.ones(3, 1)):
        with pytest.raises(ValueError, match="var is of incorrect size|var has negative entry"):
            nn.GaussianNLLLoss()(tsjit.randn(3, 4), tsjit.randn(3, 4), var)


LAZY = [("LazyLinear", (3,), {}, (2, 4)), ("LazyConv1d", (4, 3), {}, (3, 5)),
        ("LazyConv2d", (4, 3), {"stride": 2, "groups": 2}, (1, 2, 6, 6)), ("LazyConv3d", (2, 2), {}, (1, 2, 3, 3, 3)),
        ("LazyConvTranspose1d", (4, 3), {}, (1, 2, 5)), ("LazyConvTranspose2d", (4, 3), {"stride": 2}, (1, 2, 3, 3)),
        ("LazyConvTranspose3d", (2, 2), {}, (1, 2, 2, 2, 2)), ("LazyBatchNorm1d", (), {}, (4, 3)),
        ("LazyBatchNorm2d", (), {"momentum": 0.3}, (2, 3, 4, 4)),
        ("LazyBatchNorm3d", (), {"affine": False}, (2, 3, 2, 2, 2)), ("LazyInstanceNorm1d", (), {}, (2, 3, 5)),
        ("LazyInstanceNorm2d", (), {"track_running_stats": False}, (2, 3, 4, 4)),
        ("LazyInstanceNorm3d", (), {"bias": False}, (1, 2, 2, 3, 3))]


@pytest.mark.parametrize("case", LAZY, ids=[c[0] for c in LAZY])
def test_lazy_module_becomes_its_concrete_module_as_torch(case):
    name, args, kwargs, shape = case
    torch_layer, layer = getattr(torch.nn, name)(*args, **kwargs), getattr(nn, name)(*args, **kwargs)
    assert repr(layer) == repr(torch_layer)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    with pytest.raises(RuntimeError, match="has uninitialized parameters"):
        tsjit.jit.script(layer)
    x = RNG.standard_normal(shape).astype(np.float32)
    expect = torch_layer(torch.from_numpy(x)).detach().numpy()
    got = layer(tsjit.tensor(x)).numpy()
    assert type(layer).__name__ == type(torch_layer).__name__ and repr(layer) == repr(torch_layer)
    assert {k: tuple(v.shape) for k, v in layer.state_dict().items()} == \
        {k: tuple(v.shape) for k, v in torch_layer.state_dict().items()}
    if "Norm" in name:  # no random initialisation: the training-mode outputs (and statistics) agree
        np.testing.assert_allclose(got, expect, atol=1e-5, rtol=1e-5)
    _copy_state(torch_layer, layer)
    torch_layer.eval()
    layer.eval()
    expect = torch_layer(torch.from_numpy(x)).detach().numpy()
    np.testing.assert_allclose(layer(tsjit.tensor(x)).numpy(), expect, atol=1e-5, rtol=1e-5)
    np.testing.assert_allclose(tsjit.jit.script(layer)(tsjit.tensor(x)).numpy(), expect, atol=1e-5, rtol=1e-5)


def test_lazy_conv_rejects_inputs_of_the_wrong_rank():
    with pytest.raises(RuntimeError, match=r"Expected 2D \(unbatched\) or 3D \(batched\) input to LazyConv1d"):
        nn.LazyConv1d(4, 3)(tsjit.randn(3))
