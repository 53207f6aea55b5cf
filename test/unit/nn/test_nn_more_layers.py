"""The layers of transformer.py, attention.py, conv_more.py, norm_more.py, embedding_bag.py, layers_more.py,
padding.py, activation_more.py, loss.py and parameter_containers.py against torch: equal reprs, torch's
state_dicts load, equal outputs (atol 1e-5) in eval mode."""
import numpy as np
import pytest

torch = pytest.importorskip("torch")

import tsjit  # noqa: E402
import tsjit.nn as nn  # noqa: E402

RNG = np.random.default_rng(3)


def f32(*shape, lo=None, hi=None):
    if lo is not None:
        return RNG.uniform(lo, hi, shape).astype(np.float32)
    return RNG.standard_normal(shape).astype(np.float32)


def ints(hi, *shape):
    return RNG.integers(0, hi, shape)


def signs(*shape):
    return np.where(RNG.random(shape) < 0.5, -1.0, 1.0).astype(np.float32)


# (name, constructor args, constructor kwargs, inputs): inputs are numpy arrays (or dicts of keyword inputs)
CASES = [
    ("MultiheadAttention", (8, 2), {}, [f32(3, 2, 8), f32(5, 2, 8), f32(5, 2, 8)]),
    ("MultiheadAttention", (8, 2), {"batch_first": True, "kdim": 6, "vdim": 4},
     [f32(2, 3, 8), f32(2, 5, 6), f32(2, 5, 4)]),
    ("MultiheadAttention", (8, 4), {"bias": False}, [f32(3, 8), f32(3, 8), f32(3, 8)]),
    ("TransformerEncoderLayer", (8, 2, 16), {}, [f32(5, 2, 8)]),
    ("TransformerEncoderLayer", (8, 2, 16), {"batch_first": True, "norm_first": True, "activation": "gelu"},
     [f32(2, 5, 8)]),
    ("TransformerDecoderLayer", (8, 2, 16), {}, [f32(4, 2, 8), f32(5, 2, 8)]),
    ("TransformerDecoderLayer", (8, 2, 16), {"batch_first": True, "norm_first": True, "activation": "gelu"},
     [f32(2, 4, 8), f32(2, 5, 8)]),
    ("Transformer", (8, 2, 2, 1, 16), {}, [f32(5, 2, 8), f32(4, 2, 8)]),
    ("ConvTranspose1d", (2, 4, 3), {"stride": 2, "padding": 1, "output_padding": 1}, [f32(2, 2, 7)]),
    ("ConvTranspose2d", (4, 6, 3), {"stride": 2, "padding": 1, "groups": 2, "dilation": 2}, [f32(1, 4, 5, 6)]),
    ("ConvTranspose2d", (2, 3, (2, 3)), {"bias": False}, [f32(1, 2, 4, 4)]),
    ("Conv3d", (2, 4, 3), {}, [f32(2, 2, 5, 6, 7)]),
    ("Conv3d", (4, 6, (3, 2, 2)), {"stride": (2, 1, 2), "padding": 1, "dilation": (1, 2, 1), "groups": 2},
     [f32(1, 4, 7, 6, 7)]),
    ("Conv3d", (2, 2, 3), {"padding": 1, "padding_mode": "replicate"}, [f32(2, 5, 5, 5)]),
    ("BatchNorm3d", (3,), {}, [f32(2, 3, 2, 3, 4)]),
    ("InstanceNorm1d", (3,), {}, [f32(2, 3, 6)]),
    ("InstanceNorm2d", (3,), {"affine": True}, [f32(2, 3, 4, 5)]),
    ("InstanceNorm2d", (3,), {"track_running_stats": True}, [f32(3, 4, 5)]),
    ("InstanceNorm3d", (2,), {}, [f32(1, 2, 3, 4, 5)]),
    ("Embedding", (7, 3), {"padding_idx": 2}, [ints(7, 2, 5)]),
    ("EmbeddingBag", (10, 3), {"mode": "sum"}, [ints(10, 4, 3)]),
    ("EmbeddingBag", (10, 3), {}, [ints(10, 8), np.array([0, 3, 3, 6])]),
    ("EmbeddingBag", (10, 3), {"mode": "max", "padding_idx": 1}, [np.array([1, 2, 1, 5, 1, 7]), np.array([0, 2, 3])]),
    ("EmbeddingBag", (10, 3), {"mode": "sum", "include_last_offset": True},
     [ints(10, 7), np.array([0, 2, 5, 7]), {"per_sample_weights": f32(7)}]),
    ("Bilinear", (3, 4, 5), {}, [f32(6, 3), f32(6, 4)]),
    ("Unflatten", (1, (2, 3)), {}, [f32(4, 6, 2)]),
    ("PixelShuffle", (2,), {}, [f32(2, 8, 3, 4)]),
    ("ZeroPad2d", ((1, 2, 0, 3),), {}, [f32(1, 2, 3, 4)]),
    ("ConstantPad1d", (2, 3.5), {}, [f32(2, 3, 4)]),
    ("ConstantPad3d", (1, -1.0), {}, [f32(1, 2, 2, 3, 2)]),
    ("ReflectionPad2d", (2,), {}, [f32(1, 2, 4, 5)]),
    ("ReflectionPad1d", ((1, 2),), {}, [f32(2, 3, 5)]),
    ("ReplicationPad2d", ((1, 0, 2, 1),), {}, [f32(1, 2, 3, 4)]),
    ("ReplicationPad1d", (2,), {}, [f32(2, 3, 4)]),
    ("CircularPad2d", (1,), {}, [f32(1, 2, 3, 4)]),
    ("Softmin", (1,), {}, [f32(2, 3, 4)]),
    ("Softmax2d", (), {}, [f32(2, 3, 4, 2)]),
    ("GLU", (), {}, [f32(3, 4)]),
    ("CELU", (0.7,), {}, [f32(3, 4)]),
    ("SELU", (), {}, [f32(3, 4)]),
    ("Hardshrink", (0.3,), {}, [f32(3, 4)]),
    ("Softshrink", (), {}, [f32(3, 4)]),
    ("LogSigmoid", (), {}, [f32(3, 4)]),
    ("PReLU", (), {}, [f32(3, 4)]),
    ("PReLU", (3, 0.1), {}, [f32(2, 3, 4)]),
    ("L1Loss", (), {}, [f32(3, 4), f32(3, 4)]),
    ("MSELoss", (), {"reduction": "sum"}, [f32(3, 4), f32(3, 4)]),
    ("SmoothL1Loss", (), {"beta": 0.5, "reduction": "none"}, [f32(3, 4), f32(3, 4)]),
    ("HuberLoss", (), {"delta": 0.7}, [f32(3, 4), f32(3, 4)]),
    ("BCELoss", (), {}, [f32(3, 4, lo=0.01, hi=0.99), f32(3, 4, lo=0.0, hi=1.0)]),
    ("BCEWithLogitsLoss", (), {"reduction": "sum"}, [f32(3, 4), f32(3, 4, lo=0.0, hi=1.0)]),
    ("NLLLoss", (), {"ignore_index": 1}, [f32(5, 4), ints(4, 5)]),
    ("NLLLoss", (), {"reduction": "none"}, [f32(2, 4, 3), ints(4, 2, 3)]),
    ("CrossEntropyLoss", (), {}, [f32(5, 4), ints(4, 5)]),
    ("CrossEntropyLoss", (), {"label_smoothing": 0.2, "ignore_index": 0}, [f32(5, 4, 2), ints(4, 5, 2)]),
    ("CrossEntropyLoss", (), {"reduction": "sum", "label_smoothing": 0.1}, [f32(5, 4), f32(5, 4, lo=0.0, hi=1.0)]),
    ("KLDivLoss", (), {"reduction": "batchmean"}, [f32(3, 4), f32(3, 4, lo=0.0, hi=1.0)]),
    ("KLDivLoss", (), {"reduction": "sum", "log_target": True}, [f32(3, 4), f32(3, 4)]),
    ("CosineEmbeddingLoss", (), {"margin": 0.2}, [f32(5, 4), f32(5, 4), signs(5)]),
    ("MarginRankingLoss", (), {"margin": 0.1, "reduction": "none"}, [f32(5), f32(5), signs(5)]),
]


def _split(inputs):
    args = [a for a in inputs if not isinstance(a, dict)]
    kwargs = {k: v for a in inputs if isinstance(a, dict) for k, v in a.items()}
    return args, kwargs


def _copy_state(torch_layer, layer):
    result = layer.load_state_dict({k: v.detach().numpy() for k, v in torch_layer.state_dict().items()})
    assert not result.missing_keys and not result.unexpected_keys


def _outputs(value):
    if isinstance(value, (tuple, list)):
        return [o for v in value for o in _outputs(v)]
    return [None if value is None else np.asarray(value.detach().numpy() if hasattr(value, "detach")
                                                  else value.numpy())]


def _check(expect, got):
    expect, got = _outputs(expect), _outputs(got)
    assert len(expect) == len(got)
    for e, g in zip(expect, got):
        assert (e is None) == (g is None)
        if e is not None:
            np.testing.assert_allclose(g, e, atol=1e-5, rtol=1e-5)


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(CASES)])
def test_layer_matches_torch(case):
    name, args, kwargs, inputs = case
    torch.manual_seed(0)
    torch_layer = getattr(torch.nn, name)(*args, **kwargs)
    layer = getattr(nn, name)(*args, **kwargs)
    assert repr(layer) == repr(torch_layer)
    assert list(layer.state_dict()) == list(torch_layer.state_dict())
    _copy_state(torch_layer, layer)
    torch_layer.eval()
    layer.eval()
    args_, kwargs_ = _split(inputs)
    expect = torch_layer(*[torch.from_numpy(a) for a in args_], **{k: torch.from_numpy(v) for k, v in kwargs_.items()})
    got = layer(*[tsjit.tensor(a) for a in args_], **{k: tsjit.tensor(v) for k, v in kwargs_.items()})
    _check(expect, got)


def _attention_inputs(batch_first):
    q = f32(2, 3, 8) if batch_first else f32(3, 2, 8)
    kv = f32(2, 5, 8) if batch_first else f32(5, 2, 8)
    padding = np.zeros((2, 5), bool)
    padding[0, 4] = padding[1, 0] = True
    return q, kv, padding


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masks", ["float", "bool", "padding", "both"])
@pytest.mark.parametrize("need_weights,average", [(True, True), (True, False), (False, True)])
def test_multihead_attention_masks_and_weights(batch_first, masks, need_weights, average):
    torch_layer = torch.nn.MultiheadAttention(8, 2, batch_first=batch_first).eval()
    layer = nn.MultiheadAttention(8, 2, batch_first=batch_first).eval()
    _copy_state(torch_layer, layer)
    q, kv, padding = _attention_inputs(batch_first)
    kw = {"need_weights": need_weights, "average_attn_weights": average}
    if masks in ("float", "both"):
        kw["attn_mask"] = f32(3, 5)
    if masks == "bool":
        kw["attn_mask"] = np.triu(np.ones((3, 5), bool), 3)
    if masks in ("padding", "both"):
        kw["key_padding_mask"] = padding
    wrap = {k: (torch.from_numpy(v), tsjit.tensor(v)) if isinstance(v, np.ndarray) else (v, v) for k, v in kw.items()}
    expect = torch_layer(torch.from_numpy(q), torch.from_numpy(kv), torch.from_numpy(kv),
                         **{k: v[0] for k, v in wrap.items()})
    got = layer(tsjit.tensor(q), tsjit.tensor(kv), tsjit.tensor(kv), **{k: v[1] for k, v in wrap.items()})
    _check(expect, got)
    scripted = tsjit.jit.script(layer)
    _check(expect, scripted(tsjit.tensor(q), tsjit.tensor(kv), tsjit.tensor(kv), **{k: v[1] for k, v in wrap.items()}))


@pytest.mark.parametrize("norm_first", [False, True])
def test_encoder_stack_with_masks_loads_a_torch_state_dict(norm_first):
    layer = torch.nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first)
    torch_model = torch.nn.TransformerEncoder(layer, 2, norm=torch.nn.LayerNorm(8),
                                              enable_nested_tensor=False).eval()
    model = nn.TransformerEncoder(nn.TransformerEncoderLayer(8, 2, 16, norm_first=norm_first), 2,
                                  norm=nn.LayerNorm(8), enable_nested_tensor=False).eval()
    assert repr(model) == repr(torch_model)
    _copy_state(torch_model, model)
    x = f32(5, 2, 8)
    causal = np.triu(np.full((5, 5), -np.inf, np.float32), 1)
    padding = np.zeros((2, 5), bool)
    padding[1, 3:] = True
    expect = torch_model(torch.from_numpy(x), mask=torch.from_numpy(causal),
                         src_key_padding_mask=torch.from_numpy(padding))
    got = model(tsjit.tensor(x), mask=tsjit.tensor(causal), src_key_padding_mask=tsjit.tensor(padding))
    _check(expect, got)
    scripted = tsjit.jit.script(model)
    _check(expect, scripted(tsjit.tensor(x), mask=tsjit.tensor(causal), src_key_padding_mask=tsjit.tensor(padding)))


def test_decoder_stack_matches_torch():
    torch_model = torch.nn.TransformerDecoder(torch.nn.TransformerDecoderLayer(8, 2, 16), 2).eval()
    model = nn.TransformerDecoder(nn.TransformerDecoderLayer(8, 2, 16), 2).eval()
    assert repr(model) == repr(torch_model)
    _copy_state(torch_model, model)
    tgt, memory = f32(4, 2, 8), f32(5, 2, 8)
    causal = np.triu(np.ones((4, 4), bool), 1)
    expect = torch_model(torch.from_numpy(tgt), torch.from_numpy(memory), tgt_mask=torch.from_numpy(causal))
    _check(expect, model(tsjit.tensor(tgt), tsjit.tensor(memory), tgt_mask=tsjit.tensor(causal)))


def test_conv_transpose_output_size():
    torch_layer = torch.nn.ConvTranspose2d(2, 3, 3, stride=2)
    layer = nn.ConvTranspose2d(2, 3, 3, stride=2)
    _copy_state(torch_layer, layer)
    x = f32(1, 2, 4, 4)
    _check(torch_layer(torch.from_numpy(x), output_size=[10, 10]), layer(tsjit.tensor(x), output_size=[10, 10]))


def test_instance_norm_updates_running_stats_in_training():
    torch_layer = torch.nn.InstanceNorm1d(3, track_running_stats=True, affine=True)
    layer = nn.InstanceNorm1d(3, track_running_stats=True, affine=True)
    _copy_state(torch_layer, layer)
    for _ in range(2):
        x = f32(4, 3, 6)
        _check(torch_layer(torch.from_numpy(x)), layer(tsjit.tensor(x)))
    for key, value in torch_layer.state_dict().items():
        np.testing.assert_allclose(layer.state_dict()[key].numpy(), value.numpy(), atol=1e-6, err_msg=key)


def test_parameter_containers_match_torch():
    shapes = [(3, 4), (2,)]
    torch_list = torch.nn.ParameterList([torch.nn.Parameter(torch.randn(*s)) for s in shapes])
    plist = nn.ParameterList([nn.Parameter(tsjit.zeros(*s)) for s in shapes])
    assert repr(plist) == repr(torch_list)
    _copy_state(torch_list, plist)
    assert len(plist) == 2 and list(dict(plist.named_parameters())) == ["0", "1"]
    np.testing.assert_array_equal(plist[-1].numpy(), torch_list[-1].detach().numpy())
    plist.append(tsjit.ones(2))
    assert isinstance(plist[2], nn.Parameter) and len(list(plist.parameters())) == 3
    torch_dict = torch.nn.ParameterDict({"a": torch.nn.Parameter(torch.randn(2, 2)), "b": torch.nn.Parameter(torch.randn(3))})
    pdict = nn.ParameterDict({"a": nn.Parameter(tsjit.zeros(2, 2)), "b": nn.Parameter(tsjit.zeros(3))})
    assert repr(pdict) == repr(torch_dict)
    _copy_state(torch_dict, pdict)
    np.testing.assert_array_equal(pdict["b"].numpy(), torch_dict["b"].detach().numpy())
    assert list(pdict.keys()) == ["a", "b"] and "a" in pdict and len(pdict) == 2
    del pdict["a"]
    assert list(pdict.state_dict()) == ["b"]
