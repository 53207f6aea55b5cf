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
    ]
    for got, expect in cases:
        np.testing.assert_allclose(got.numpy(), expect.numpy(), atol=1e-5, rtol=1e-5)
