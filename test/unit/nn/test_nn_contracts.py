"""The contracts the script compiler relies on: F signatures are PyTorch's, forwards are TorchScript."""
import ast
import inspect
import textwrap

import pytest

import tsjit.nn as nn
import tsjit.nn.functional as F

# PyTorch's signatures as text (several are C++ builtins in torch, so inspect cannot read them there).
SIGNATURES = {
    "linear": "(input, weight, bias=None)",
    "conv1d": "(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)",
    "conv2d": "(input, weight, bias=None, stride=1, padding=0, dilation=1, groups=1)",
    "relu": "(input, inplace=False)",
    "relu6": "(input, inplace=False)",
    "gelu": "(input, approximate='none')",
    "sigmoid": "(input)",
    "tanh": "(input)",
    "silu": "(input, inplace=False)",
    "elu": "(input, alpha=1.0, inplace=False)",
    "leaky_relu": "(input, negative_slope=0.01, inplace=False)",
    "hardtanh": "(input, min_val=-1.0, max_val=1.0, inplace=False)",
    "softplus": "(input, beta=1.0, threshold=20.0)",
    "threshold": "(input, threshold, value, inplace=False)",
    "softmax": "(input, dim=None, _stacklevel=3, dtype=None)",
    "log_softmax": "(input, dim=None, _stacklevel=3, dtype=None)",
    "dropout": "(input, p=0.5, training=True, inplace=False)",
    "batch_norm": "(input, running_mean, running_var, weight=None, bias=None, training=False, momentum=0.1, eps=1e-05)",
    "layer_norm": "(input, normalized_shape, weight=None, bias=None, eps=1e-05)",
    "group_norm": "(input, num_groups, weight=None, bias=None, eps=1e-05)",
    "max_pool2d": "(input, kernel_size, stride=None, padding=0, dilation=1, ceil_mode=False, return_indices=False)",
    "avg_pool2d": "(input, kernel_size, stride=None, padding=0, ceil_mode=False, count_include_pad=True, divisor_override=None)",
    "adaptive_avg_pool2d": "(input, output_size)",
    "adaptive_max_pool2d": "(input, output_size, return_indices=False)",
    "embedding": "(input, weight, padding_idx=None, max_norm=None, norm_type=2.0, scale_grad_by_freq=False, sparse=False)",
    "pad": "(input, pad, mode='constant', value=None)",
    "normalize": "(input, p=2.0, dim=1, eps=1e-12, out=None)",
    "mse_loss": "(input, target, size_average=None, reduce=None, reduction='mean', weight=None)",
    "nll_loss": "(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean')",
    "cross_entropy": "(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean', label_smoothing=0.0)",
}


def _plain(sig: inspect.Signature) -> str:
    return str(sig.replace(parameters=[p.replace(annotation=inspect.Parameter.empty)
                                       for p in sig.parameters.values()],
                           return_annotation=inspect.Signature.empty))


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_functional_signature_is_pytorchs(name):
    assert _plain(inspect.signature(getattr(F, name))) == SIGNATURES[name]


@pytest.mark.parametrize("name", sorted(n for n in SIGNATURES if n not in ("linear", "conv1d", "conv2d", "gelu",
                                                                           "softplus", "avg_pool2d")))
def test_functional_signature_matches_installed_torch(name):
    torch_f = pytest.importorskip("torch.nn.functional")
    expected = torch_f._max_pool2d if name == "max_pool2d" else getattr(torch_f, name)
    if name == "adaptive_max_pool2d":
        expected = torch_f.adaptive_max_pool2d_with_indices
    assert _plain(inspect.signature(getattr(F, name))) == _plain(inspect.signature(expected))


FORBIDDEN = (ast.Lambda, ast.Try, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Starred,
             ast.Yield, ast.Global, ast.Nonlocal, ast.Set, ast.SetComp, ast.GeneratorExp)
SCRIPTED_METHODS = ("forward", "_conv_forward", "_check_input_dim")


#: torch leaves Sequential.forward unannotated: its input is a Tensor and its result inferred
#: (TorchScript's documented Sequential known issue, which tsjit reproduces).
UNANNOTATED_AS_IN_TORCH = {"Sequential.forward"}
RESULT_CHOSEN_BY_A_FLAG = {"AdaptiveMaxPool2d.forward", "AdaptiveMaxPool1d.forward", "AdaptiveMaxPool3d.forward",
                           "MaxPool3d.forward"}


def _scripted_methods():
    """Every distinct forward (and helper) that a layer class runs, inherited ones included."""
    seen = {nn.Module.forward}
    for name in nn.modules.__all__:
        for method in SCRIPTED_METHODS:
            fn = getattr(getattr(nn, name), method, None)
            if fn is not None and fn not in seen:
                seen.add(fn)
                yield fn.__qualname__, fn


@pytest.mark.parametrize("qualname,fn", list(_scripted_methods()), ids=lambda v: v if isinstance(v, str) else "")
def test_forward_is_in_the_torchscript_subset(qualname, fn):
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    func = tree.body[0]
    args = func.args
    assert args.vararg is None and args.kwarg is None, qualname
    if qualname not in UNANNOTATED_AS_IN_TORCH:
        assert all(a.annotation is not None for a in args.args[1:]), f"{qualname}: unannotated argument"
    # values or (values, indices) as a constant flag says: unannotated, as in torch.nn
    assert func.returns is not None or qualname in RESULT_CHOSEN_BY_A_FLAG | UNANNOTATED_AS_IN_TORCH, \
        f"{qualname}: no return annotation"
    for node in ast.walk(func):
        if node is not func:
            assert not isinstance(node, FORBIDDEN), f"{qualname}: {type(node).__name__}"
        if isinstance(node, ast.comprehension):
            assert not node.ifs, f"{qualname}: comprehension with if"
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "self":
            assert not node.attr.startswith("__"), qualname


def test_constants_exist_on_instances():
    samples = [nn.Linear(2, 2), nn.Conv2d(1, 1, 1), nn.BatchNorm2d(1), nn.LayerNorm(2), nn.GELU(),
               nn.MaxPool2d(2), nn.AvgPool2d(2), nn.Dropout(), nn.Embedding(2, 2), nn.Flatten(),
               nn.Softmax(1), nn.LeakyReLU(), nn.AdaptiveAvgPool2d(1)]
    for m in samples:
        for const in type(m).__constants__:
            assert hasattr(m, const), f"{type(m).__name__}.{const}"
