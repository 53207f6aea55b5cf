"""Every tsjit.nn module scripts, traces, freezes and compiles (numpy and C backends), giving its
eager outputs; the table must name every module class the package exports."""
import inspect
import re

import numpy as np
import pytest

import tsjit as torch
import tsjit.nn as nn
from tsjit.backends.c import find_compiler

#: class name -> (constructor args, constructor kwargs, input shape)
MODULES = {
    "AdaptiveAvgPool2d": (((3, 2),), {}, (2, 3, 7, 5)),
    "AdaptiveAvgPool1d": ((3,), {}, (2, 3, 7)),
    "AdaptiveAvgPool3d": (((3, 4, 2),), {}, (2, 3, 7, 5, 4)),
    "AdaptiveMaxPool1d": ((3,), {}, (2, 3, 7)),
    "AdaptiveMaxPool3d": (((3, 2, 2),), {}, (2, 3, 7, 5, 4)),
    "AdaptiveMaxPool2d": (((3, 2),), {}, (2, 3, 7, 5)),
    "AvgPool2d": ((3, 2, 1), {"ceil_mode": True}, (1, 2, 7, 7)),
    "AvgPool1d": ((3, 2, 1), {"ceil_mode": True}, (1, 2, 8)),
    "AvgPool3d": ((3, 2, 1), {"ceil_mode": True, "count_include_pad": False}, (1, 2, 5, 6, 7)),
    "BatchNorm1d": ((3,), {}, (5, 3)),
    "BatchNorm2d": ((3,), {}, (2, 3, 4, 4)),
    "Conv1d": ((2, 4, 3), {"padding": 1}, (2, 2, 9)),
    "Conv2d": ((3, 4, 3), {"stride": 2}, (2, 3, 9, 8)),
    "Dropout": ((0.3,), {}, (3, 4)),
    "ChannelShuffle": ((3,), {}, (2, 6, 3, 4)),
    "ELU": ((0.7,), {}, (3, 4)),
    "Embedding": ((7, 3), {"padding_idx": 2}, None),
    "Flatten": ((), {}, (2, 3, 4)),
    "Fold": (((4, 5), (2, 3)), {"padding": 1}, (2, 12, 25)),
    "GRU": ((4, 5), {"num_layers": 2, "batch_first": True}, (2, 3, 4)),
    "GRUCell": ((4, 5), {}, (3, 4)),
    "LSTM": ((4, 5), {"num_layers": 2, "bidirectional": True}, (3, 2, 4)),
    "LSTMCell": ((4, 5), {}, (3, 4)),
    "RNN": ((4, 5), {"nonlinearity": "relu", "bidirectional": True, "bias": False}, (3, 2, 4)),
    "RNNCell": ((4, 5), {"nonlinearity": "relu"}, (3, 4)),
    "GELU": (("tanh",), {}, (3, 4)),
    "GroupNorm": ((2, 6), {}, (2, 6, 3)),
    "Hardsigmoid": ((), {}, (3, 4)),
    "Hardswish": ((), {}, (3, 4)),
    "Hardtanh": ((-0.5, 2.0), {}, (3, 4)),
    "Identity": ((), {}, (2, 3)),
    "LayerNorm": (([3, 4],), {}, (2, 3, 4)),
    "LeakyReLU": ((0.1,), {}, (3, 4)),
    "Linear": ((3, 2), {}, (4, 3)),
    "LogSoftmax": ((1,), {}, (2, 3, 4)),
    "MaxPool1d": ((3, 2, 1), {}, (1, 2, 9)),
    "MaxPool2d": ((3, 2, 1), {"ceil_mode": True}, (2, 2, 7, 7)),
    "Mish": ((), {}, (3, 4)),
    "MaxPool3d": ((3, 2, 1), {"ceil_mode": True}, (1, 2, 5, 6, 7)),
    "PixelUnshuffle": ((2,), {}, (2, 3, 4, 6)),
    "ReLU": ((), {}, (3, 4)),
    "ReLU6": ((), {}, (3, 4)),
    "SiLU": ((), {}, (3, 4)),
    "Sigmoid": ((), {}, (3, 4)),
    "Softmax": ((1,), {}, (2, 3, 4)),
    "Softplus": ((2.0, 1.0), {}, (3, 4)),
    "Softsign": ((), {}, (3, 4)),
    "Tanh": ((), {}, (3, 4)),
    "Tanhshrink": ((), {}, (3, 4)),
    "Threshold": ((0.2, -1.0), {}, (3, 4)),
    "Unfold": (((2, 3),), {"dilation": (1, 2), "stride": 2}, (2, 3, 7, 8)),
    "Upsample": ((None, 1.7), {"mode": "bilinear"}, (1, 2, 4, 5)),
    "UpsamplingBilinear2d": (((5, 7),), {}, (1, 2, 4, 3)),
    "UpsamplingNearest2d": ((None, 2), {}, (1, 2, 3, 4)),
}
# tsjit/nn/modules: transformer, conv_more, norm_more, embedding_bag, layers_more, padding, activation_more
MODULES.update({
    "TransformerEncoderLayer": ((8, 2, 16), {"batch_first": True, "norm_first": True, "activation": "gelu"},
                                (2, 5, 8)),
    "TransformerEncoder": ((nn.TransformerEncoderLayer(8, 2, 16), 2), {"norm": nn.LayerNorm(8)}, (5, 2, 8)),
    "ConvTranspose1d": ((2, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, (2, 2, 7)),
    "ConvTranspose2d": ((4, 6, 3), {"stride": 2, "groups": 2}, (1, 4, 5, 6)),
    "Conv3d": ((2, 4, 3), {"stride": (1, 2, 1), "padding": (0, 1, 1)}, (2, 2, 5, 6, 7)),
    "BatchNorm3d": ((3,), {}, (2, 3, 2, 3, 4)),
    "InstanceNorm1d": ((3,), {"affine": True}, (2, 3, 6)),
    "InstanceNorm2d": ((3,), {}, (2, 3, 4, 5)),
    "InstanceNorm3d": ((2,), {"track_running_stats": True}, (1, 2, 3, 4, 5)),
    "EmbeddingBag": ((7, 3), {"mode": "mean"}, None),
    "Unflatten": ((1, (2, 2)), {}, (3, 4)),
    "PixelShuffle": ((2,), {}, (2, 8, 3, 4)),
    "ConstantPad1d": ((2, 3.5), {}, (2, 3, 4)),
    "ConstantPad2d": (((1, 0, 2, 1), -1.0), {}, (1, 2, 3, 4)),
    "ConstantPad3d": ((1, 0.5), {}, (1, 2, 2, 3, 2)),
    "ZeroPad1d": ((2,), {}, (2, 3, 4)),
    "ZeroPad2d": (((1, 2, 0, 3),), {}, (1, 2, 3, 4)),
    "ZeroPad3d": ((1,), {}, (1, 2, 2, 3, 2)),
    "ReflectionPad1d": ((2,), {}, (2, 3, 4)),
    "ReflectionPad2d": ((2,), {}, (1, 2, 4, 5)),
    "ReflectionPad3d": ((1,), {}, (1, 2, 3, 3, 3)),
    "ReplicationPad1d": ((2,), {}, (2, 3, 4)),
    "ReplicationPad2d": (((1, 0, 2, 1),), {}, (1, 2, 3, 4)),
    "ReplicationPad3d": ((1,), {}, (1, 2, 3, 3, 3)),
    "CircularPad1d": ((2,), {}, (2, 3, 4)),
    "CircularPad2d": ((1,), {}, (1, 2, 3, 4)),
    "CircularPad3d": ((1,), {}, (1, 2, 3, 3, 3)),
    "Softmin": ((1,), {}, (2, 3, 4)),
    "Softmax2d": ((), {}, (2, 3, 4, 2)),
    "GLU": ((), {}, (3, 4)),
    "CELU": ((0.7,), {}, (3, 4)),
    "SELU": ((), {}, (3, 4)),
    "Hardshrink": ((0.3,), {}, (3, 4)),
    "Softshrink": ((), {}, (3, 4)),
    "LogSigmoid": ((), {}, (3, 4)),
    "PReLU": ((3, 0.1), {}, (2, 3, 4)),
})
# tsjit/nn/modules: dropout, pooling_more, norm_local, activation_more (RReLU)
MODULES.update({
    "Dropout1d": ((0.3,), {}, (2, 3, 4)),
    "Dropout2d": ((0.3,), {}, (2, 3, 4, 2)),
    "Dropout3d": ((0.3,), {}, (1, 2, 3, 2, 2)),
    "AlphaDropout": ((0.2,), {}, (3, 4)),
    "FeatureAlphaDropout": ((0.2,), {}, (2, 3, 4)),
    "RReLU": ((0.1, 0.3), {}, (3, 4)),
    "LPPool1d": ((2, 3, 2), {}, (1, 2, 8)),
    "LPPool2d": ((2, (3, 2)), {"stride": 2, "ceil_mode": True}, (1, 2, 6, 5)),
    "LPPool3d": ((1, 2), {}, (1, 2, 4, 4, 2)),
    "LocalResponseNorm": ((3,), {"alpha": 0.1}, (2, 5, 3, 2)),
    "CrossMapLRN2d": ((3,), {"alpha": 0.1}, (1, 5, 3, 2)),
    "RMSNorm": (([3, 4],), {"eps": 1e-5}, (2, 3, 4)),
    "SyncBatchNorm": ((3,), {}, (2, 3, 4)),
    "ConvTranspose3d": ((4, 2, (2, 3, 2)), {"stride": (2, 1, 2), "padding": (1, 0, 1), "output_padding": (1, 0, 0),
                                            "groups": 2}, (1, 4, 3, 3, 2)),
})
#: modules of several inputs: class name -> (constructor args, kwargs, inputs); an input is a float shape,
#: ("int", high, shape), ("prob", shape) in [0, 1) or ("sign", shape) of +-1
MULTI_INPUT = {
    "MultiheadAttention": ((8, 2), {"batch_first": True}, [(2, 3, 8), (2, 5, 8), (2, 5, 8)]),
    "TransformerDecoderLayer": ((8, 2, 16), {}, [(4, 2, 8), (5, 2, 8)]),
    "TransformerDecoder": ((nn.TransformerDecoderLayer(8, 2, 16), 2), {}, [(4, 2, 8), (5, 2, 8)]),
    "Transformer": ((8, 2, 1, 1, 16), {}, [(5, 2, 8), (4, 2, 8)]),
    "Bilinear": ((3, 4, 5), {}, [(6, 3), (6, 4)]),
    "L1Loss": ((), {}, [(3, 4), (3, 4)]),
    "MSELoss": ((), {"reduction": "sum"}, [(3, 4), (3, 4)]),
    "SmoothL1Loss": ((), {"beta": 0.5, "reduction": "sum"}, [(3, 4), (3, 4)]),
    "HuberLoss": ((), {"delta": 0.7}, [(3, 4), (3, 4)]),
    "BCELoss": ((), {}, [("prob", (3, 4)), ("prob", (3, 4))]),
    "BCEWithLogitsLoss": ((), {}, [(3, 4), ("prob", (3, 4))]),
    "NLLLoss": ((), {"ignore_index": 1}, [(5, 4), ("int", 4, (5,))]),
    "CrossEntropyLoss": ((), {"label_smoothing": 0.2}, [(5, 4, 2), ("int", 4, (5, 2))]),
    "KLDivLoss": ((), {"reduction": "batchmean"}, [(3, 4), ("prob", (3, 4))]),
    "CosineEmbeddingLoss": ((), {"margin": 0.2}, [(5, 4), (5, 4), ("sign", (5,))]),
    "MarginRankingLoss": ((), {"margin": 0.1}, [(5,), (5,), ("sign", (5,))]),
    # tsjit/nn/modules: loss_more, distance, pooling_more
    "SoftMarginLoss": ((), {}, [(3, 4), ("sign", (3, 4))]),
    "HingeEmbeddingLoss": ((), {"margin": 0.5}, [(3, 4), ("sign", (3, 4))]),
    "PoissonNLLLoss": ((), {"full": True}, [(3, 4), ("prob", (3, 4))]),
    "GaussianNLLLoss": ((), {"full": True}, [(3, 4), (3, 4), ("prob", (3, 1))]),
    "TripletMarginLoss": ((), {"swap": True, "reduction": "sum"}, [(5, 4), (5, 4), (5, 4)]),
    "TripletMarginWithDistanceLoss": ((), {"distance_function": nn.CosineSimilarity(), "swap": True},
                                      [(5, 4), (5, 4), (5, 4)]),
    "MultiMarginLoss": ((2, 0.5), {}, [(5, 4), ("int", 4, (5,))]),
    "MultiLabelMarginLoss": ((), {"reduction": "none"}, [(3, 4), ("int", 4, (3, 4), -1)]),
    "MultiLabelSoftMarginLoss": ((), {}, [(3, 4), ("prob", (3, 4))]),
    "CTCLoss": ((), {"zero_infinity": True}, [(6, 2, 4), ("int", 4, (2, 3), 1), ("int", 7, (2,), 3),
                                              ("int", 4, (2,), 1)]),
    "NLLLoss2d": ((), {}, [(2, 4, 3, 2), ("int", 4, (2, 3, 2))]),
    "PairwiseDistance": ((1.5,), {"keepdim": True}, [(5, 4), (5, 4)]),
    "CosineSimilarity": ((), {}, [(5, 4), (5, 4)]),
    "MaxUnpool1d": ((2,), {}, [(2, 3, 3), ("choice", 6, (2, 3, 3))]),
    "MaxUnpool2d": ((2,), {}, [(1, 2, 2, 3), ("choice", 24, (1, 2, 2, 3))]),
    "MaxUnpool3d": ((2, 1), {}, [(1, 1, 2, 2, 2), ("choice", 27, (1, 1, 2, 2, 2))]),
}
CONTAINERS = {"Module", "ModuleDict", "ModuleList", "Sequential"}  # scripted through what they hold
CONTAINERS |= {"ParameterList", "ParameterDict"}  # hold parameters; no forward
CONTAINERS |= {"RNNBase", "RNNCellBase"}  # base classes, scripted through RNN/LSTM/GRU and the cells
#: Lazy* modules become their concrete class (in the table) at the first call; test_nn_against_torch checks that
LAZY = {n for n in dir(nn) if n.startswith("Lazy")}


def test_the_table_names_every_module():
    exported = {n for n, c in vars(nn).items() if inspect.isclass(c) and issubclass(c, nn.Module)}
    assert exported - CONTAINERS - LAZY == set(MODULES) | set(MULTI_INPUT)


def flat(out):
    """A result as a list of arrays (recurrent modules return nested tuples)."""
    if isinstance(out, (tuple, list)):
        return [a for o in out for a in flat(o)]
    return [np.asarray(out.numpy() if hasattr(out, "numpy") else out)]


def assert_close(got, expected, **tolerances):
    got = flat(got)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        np.testing.assert_allclose(g, e, **tolerances)


def one_op(frozen) -> bool:
    """A module whose frozen forward is one tensor op: the op-info test compiles that op to C."""
    from tsjit.ops import REGISTRY

    names = re.findall(r"= ts\.([\w.]+)", str(frozen.graph))
    return sum(name in REGISTRY for name in names) <= 1


def build(name):
    args, kwargs, shape = MODULES[name]
    torch.manual_seed(0)
    module = getattr(nn, name)(*args, **kwargs).eval()
    rng = np.random.default_rng(0)
    x = torch.tensor(rng.integers(0, 7, (2, 5))) if shape is None else \
        torch.tensor(rng.standard_normal(shape).astype(np.float32) * 2)
    return module, x


@pytest.mark.parametrize("name", sorted(MODULES))
def test_module_scripts_traces_freezes_and_compiles(name):
    module, x = build(name)
    expected = flat(module(x))
    scripted = torch.jit.script(module)
    assert_close(scripted(x), expected, rtol=1e-5, atol=1e-6)
    traced = torch.jit.trace(module, (x,))
    assert_close(traced(x), expected, rtol=1e-5, atol=1e-6)
    frozen = torch.jit.freeze(scripted)
    assert_close(frozen(x), expected, rtol=1e-5, atol=1e-6)
    backends = ["numpy"] + (["c"] if find_compiler() is not None and not one_op(frozen) else [])
    for backend in backends:
        compiled = torch.compile(module, backend=backend, example_inputs=(x,))
        assert_close(compiled(x.numpy()), expected, rtol=1e-5, atol=1e-5, err_msg=backend)


def test_adaptive_max_pool_returns_indices_when_asked():
    module, x = nn.AdaptiveMaxPool2d((2, 3), return_indices=True), torch.randn(1, 2, 5, 6)
    values, indices = torch.jit.script(module)(x)
    expect_values, expect_indices = module(x)
    np.testing.assert_array_equal(values.numpy(), expect_values.numpy())
    np.testing.assert_array_equal(indices.numpy(), expect_indices.numpy())


def _multi_inputs(name):
    rng = np.random.default_rng(0)
    inputs = []
    for spec in MULTI_INPUT[name][2]:
        if spec[0] == "int":  # ("int", high, shape[, low])
            inputs.append(torch.tensor(rng.integers(spec[3] if len(spec) > 3 else 0, spec[1], spec[2])))
        elif spec[0] == "choice":  # ("choice", high, shape): distinct ints in [0, high) per (N, C) plane
            planes = [rng.choice(spec[1], int(np.prod(spec[2][2:])), replace=False)
                      for _ in range(spec[2][0] * spec[2][1])]
            inputs.append(torch.tensor(np.stack(planes).reshape(spec[2])))
        elif spec[0] == "prob":
            inputs.append(torch.tensor(rng.uniform(0.01, 0.99, spec[1]).astype(np.float32)))
        elif spec[0] == "sign":
            inputs.append(torch.tensor(np.where(rng.random(spec[1]) < 0.5, -1.0, 1.0).astype(np.float32)))
        else:
            inputs.append(torch.tensor(rng.standard_normal(spec).astype(np.float32)))
    return inputs


def _flat(value):
    if isinstance(value, (tuple, list)):
        return [o for v in value for o in _flat(v)]
    return [None if value is None else np.asarray(value.numpy() if hasattr(value, "numpy") else value)]


def _assert_same(got, expected, **kw):
    got, expected = _flat(got), _flat(expected)
    assert len(got) == len(expected)
    for g, e in zip(got, expected):
        assert (g is None) == (e is None)
        if e is not None:
            np.testing.assert_allclose(g, e, rtol=1e-5, atol=1e-5, **kw)


@pytest.mark.parametrize("name", sorted(MULTI_INPUT))
def test_multi_input_module_scripts_traces_freezes_and_compiles(name):
    args, kwargs, _ = MULTI_INPUT[name]
    torch.manual_seed(0)
    module = getattr(nn, name)(*args, **kwargs).eval()
    xs = _multi_inputs(name)
    expected = module(*xs)
    scripted = torch.jit.script(module)
    _assert_same(scripted(*xs), expected)
    _assert_same(torch.jit.trace(module, tuple(xs))(*xs), expected)
    _assert_same(torch.jit.freeze(scripted)(*xs), expected)
    for backend in ["numpy"] + (["c"] if find_compiler() is not None else []):
        compiled = torch.compile(module, backend=backend, example_inputs=tuple(xs))
        _assert_same(compiled(*[x.numpy() for x in xs]), expected, err_msg=backend)


def test_freezing_a_loss_without_reduction():
    """Its _reduce returns its argument once the ifs fold (ts-inline used to leave it dangling)."""
    x, y = torch.randn(3, 4), torch.randn(3, 4)
    frozen = torch.jit.freeze(torch.jit.script(nn.L1Loss(reduction="none").eval()))
    np.testing.assert_allclose(frozen(x, y).numpy(), (x - y).abs().numpy(), rtol=1e-6)
