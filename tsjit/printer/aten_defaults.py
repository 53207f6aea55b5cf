"""ATen default values and keyword-only arguments of the tensor ops, for printing calls as TorchScript does.

TorchScript's printer drops trailing arguments equal to their schema default
(`torch.add(x, y)` for alpha=1, `torch.sum(x)`) and names keyword-only arguments
(`torch.zeros([2], dtype=6)`). Values come from native_functions.yaml; `int[2] stride=1`
defaults are the expanded lists `[1, 1]`, as TorchScript stores them.
"""
from __future__ import annotations

_CONV2 = {"bias": None, "stride": [1, 1], "padding": [0, 0], "dilation": [1, 1], "groups": 1}
_REDUCE = {"dim": None, "keepdim": False, "dtype": None}
_DIM_KEEP = {"dim": None, "keepdim": False}
_NORM = {"weight": None, "bias": None, "eps": 1e-05, "cudnn_enable": True, "cudnn_enabled": True}
_CREATE = {"dtype": None}

#: op name (without `ts.`) -> {argument name: default}; only trailing arguments are ever dropped.
DEFAULTS: dict[str, dict[str, object]] = {
    **{name: {"alpha": 1} for name in ("add", "sub", "rsub", "add_", "sub_")},
    "addmm": {"beta": 1, "alpha": 1},
    "sum": _REDUCE, "mean": _REDUCE, "prod": _REDUCE,
    "amax": {"dim": [], "keepdim": False}, "amin": {"dim": [], "keepdim": False},
    "max_dim": {"keepdim": False}, "min_dim": {"keepdim": False},
    "argmax": _DIM_KEEP, "argmin": _DIM_KEEP, "any": _DIM_KEEP, "all": _DIM_KEEP,
    "var": {"dim": None, "correction": None, "keepdim": False},
    "std": {"dim": None, "correction": None, "keepdim": False},
    "norm": {"p": 2, "dim": None, "keepdim": False},
    "logsumexp": {"keepdim": False},
    "cumsum": _CREATE,
    "softmax": _CREATE, "log_softmax": _CREATE,
    "gelu": {"approximate": "none"},
    "leaky_relu": {"negative_slope": 0.01},
    "elu": {"alpha": 1, "scale": 1, "input_scale": 1},
    "hardtanh": {"min_val": -1, "max_val": 1},
    "softplus": {"beta": 1, "threshold": 20},
    "clamp": {"min": None, "max": None}, "clamp_": {"min": None, "max": None},
    "linear": {"bias": None},
    "conv1d": {"bias": None, "stride": [1], "padding": [0], "dilation": [1], "groups": 1},
    "conv2d": _CONV2,
    "conv_transpose2d": {**_CONV2, "output_padding": [0, 0]},
    "layer_norm": _NORM, "group_norm": _NORM,
    "max_pool1d": {"stride": [], "padding": [0], "dilation": [1], "ceil_mode": False},
    "max_pool2d": {"stride": [], "padding": [0, 0], "dilation": [1, 1], "ceil_mode": False},
    "avg_pool2d": {"stride": [], "padding": [0, 0], "ceil_mode": False, "count_include_pad": True,
                   "divisor_override": None},
    "flatten": {"start_dim": 0, "end_dim": -1},
    "squeeze": {"dim": None},
    "expand": {"implicit": False},
    "slice": {"dim": 0, "start": None, "end": None, "step": 1},
    "chunk": {"dim": 0}, "split": {"dim": 0}, "unbind": {"dim": 0}, "cat": {"dim": 0}, "stack": {"dim": 0},
    "pad": {"mode": "constant", "value": None},
    "embedding": {"padding_idx": -1},
    "index_put_": {"accumulate": False},
    "arange": {"step": 1, "dtype": None},
    **{name: _CREATE for name in ("zeros", "ones", "empty", "full", "linspace", "eye", "rand", "randn", "randint",
                                  "zeros_like", "ones_like", "empty_like", "full_like", "rand_like", "randn_like")},
}

#: op name -> its first keyword-only argument (everything after ATen's `*`).
KWARG_FROM: dict[str, str] = {
    **{name: "alpha" for name in ("add", "sub", "rsub", "add_", "sub_")},
    "addmm": "beta", "div_mode": "rounding_mode", "var": "correction", "std": "correction", "gelu": "approximate", "expand": "implicit",
    "scatter_with_reduce": "reduce", "quantile_tensor": "interpolation", "nanquantile_tensor": "interpolation",
}
#: Ops whose `dtype` argument is positional; elsewhere `dtype` starts the keyword-only arguments.
POSITIONAL_DTYPE = frozenset({"softmax", "log_softmax", "to"})

#: op name -> the function TorchScript prints (overloads share one name: size.int is torch.size).
CALL_NAMES: dict[str, str] = {
    "size_dim": "torch.size", "stride_dim": "torch.stride", "max_dim": "torch.max", "min_dim": "torch.min",
    "nonzero_numpy": "torch.where",
    "to_bool": "bool", "to_int": "int", "to_float": "float",
    "div_mode": "torch.div", "clamp_tensor": "torch.clamp", "median_dim": "torch.median",
    "assign_": "torch.copy_",
    "quantile_tensor": "torch.quantile", "nanquantile_tensor": "torch.nanquantile",
    "scatter_with_reduce": "torch.scatter", "linalg_cond_str": "torch.linalg_cond",
    "conv1d_padding": "torch.conv1d", "conv2d_padding": "torch.conv2d", "conv3d_padding": "torch.conv3d",
    "num_to_tensor": "ops.prim.NumToTensor", "dtype": "ops.prim.dtype", "device": "ops.prim.device",
}


def first_keyword(op_name: str, arg_names: list[str]) -> int:
    """Index of the first keyword-only argument of `op_name` (len(arg_names) if none)."""
    kw = KWARG_FROM.get(op_name) or ("dtype" if op_name not in POSITIONAL_DTYPE else None)
    return arg_names.index(kw) if kw in arg_names else len(arg_names)
