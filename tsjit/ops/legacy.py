"""Tensor ops not yet moved to their family file (a transition table: it shrinks to nothing).

`LEGACY_OPS[name] = (schema, checks, effects)`; `register()` defines each op not defined by a
family file, with the kernel, shape rule and lowering found in the old per-layer tables.
"""
from __future__ import annotations

from tsjit.ops import checks as chk
from tsjit.ops.registry import PURE, RANDOM, REGISTRY, WRITES, defop


_BINARY = "(Tensor self, Tensor|Scalar other) -> Tensor"
_BINARY_ALPHA = "(Tensor self, Tensor|Scalar other, Scalar alpha) -> Tensor"
_UNARY = "(Tensor self) -> Tensor"
_REDUCE = "(Tensor self, int[]? dim, bool keepdim, ScalarType? dtype) -> Tensor"
_LIKE = "(Tensor self, ScalarType? dtype) -> Tensor"
_CONV = ("(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding, int[] dilation,"
         " int groups) -> Tensor")

#: name -> (schema, extra verifier, effects). Pure ops fold by running their kernel (tsjit.kernels).
LEGACY_OPS: dict[str, tuple] = {
    # elementwise arithmetic (broadcasting), as aten::add.Tensor/add.Scalar etc.
    "add": (_BINARY_ALPHA, chk.broadcast(0, 1)),
    "sub": (_BINARY_ALPHA, chk.broadcast(0, 1)),
    "rsub": (_BINARY_ALPHA, chk.broadcast(0, 1)),
    "mul": (_BINARY, chk.broadcast(0, 1)),
    "div": (_BINARY, chk.broadcast(0, 1)),
    "floor_divide": (_BINARY, chk.broadcast(0, 1)),
    "remainder": (_BINARY, chk.broadcast(0, 1)),
    "pow": (_BINARY, chk.broadcast(0, 1)),
    "maximum": ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)),
    "minimum": ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)),
    "atan2": ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)),
    "bitwise_and": (_BINARY, chk.broadcast(0, 1)),
    "bitwise_or": (_BINARY, chk.broadcast(0, 1)),
    "logical_and": ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)),
    "logical_or": ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)),
    "where": ("(Tensor condition, Tensor self, Tensor|Scalar other) -> Tensor", chk.broadcast(0, 1, 2)),
    "masked_fill": ("(Tensor self, Tensor mask, Scalar value) -> Tensor", chk.broadcast(0, 1)),
    "clamp": ("(Tensor self, Scalar? min, Scalar? max) -> Tensor", chk.SAME_SHAPE),
    "lerp": ("(Tensor self, Tensor end, Scalar weight) -> Tensor", chk.broadcast(0, 1)),
    # comparisons give bool tensors
    "eq": (_BINARY, chk.comparison(0, 1)),
    "ne": (_BINARY, chk.comparison(0, 1)),
    "lt": (_BINARY, chk.comparison(0, 1)),
    "le": (_BINARY, chk.comparison(0, 1)),
    "gt": (_BINARY, chk.comparison(0, 1)),
    "ge": (_BINARY, chk.comparison(0, 1)),
    "isnan": (_UNARY, chk.SAME_SHAPE),
    "logical_not": (_UNARY, chk.SAME_SHAPE),
    # unary math
    **{name: (_UNARY, chk.SAME_SHAPE) for name in (
        "neg", "abs", "exp", "log", "log2", "log1p", "expm1", "sqrt", "rsqrt", "sin", "cos", "tan",
        "tanh", "erf", "floor", "ceil", "round", "trunc", "sign", "reciprocal", "bitwise_not")},
    # activations
    **{name: (_UNARY, chk.SAME_SHAPE) for name in (
        "relu", "relu6", "sigmoid", "silu", "mish", "hardsigmoid", "hardswish", "softsign", "tanhshrink")},
    "gelu": ("(Tensor self, str approximate) -> Tensor", chk.SAME_SHAPE),
    "leaky_relu": ("(Tensor self, Scalar negative_slope) -> Tensor", chk.SAME_SHAPE),
    "elu": ("(Tensor self, Scalar alpha, Scalar scale, Scalar input_scale) -> Tensor", chk.SAME_SHAPE),
    "hardtanh": ("(Tensor self, Scalar min_val, Scalar max_val) -> Tensor", chk.SAME_SHAPE),
    "softplus": ("(Tensor self, Scalar beta, Scalar threshold) -> Tensor", chk.SAME_SHAPE),
    "threshold": ("(Tensor self, Scalar threshold, Scalar value) -> Tensor", chk.SAME_SHAPE),
    "prelu": ("(Tensor self, Tensor weight) -> Tensor", None),
    "softmax": ("(Tensor self, int dim, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    "log_softmax": ("(Tensor self, int dim, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    # contractions
    "matmul": ("(Tensor self, Tensor other) -> Tensor", chk.MATMUL),
    "mm": ("(Tensor self, Tensor mat2) -> Tensor", chk.MATMUL),
    "bmm": ("(Tensor self, Tensor mat2) -> Tensor", chk.MATMUL),
    "addmm": ("(Tensor self, Tensor mat1, Tensor mat2, Scalar beta, Scalar alpha) -> Tensor", None),
    "linear": ("(Tensor input, Tensor weight, Tensor? bias) -> Tensor", chk.LINEAR),
    "dot": ("(Tensor self, Tensor tensor) -> Tensor", chk.rank_in(0, (1,), "dot operand")),
    # convolution, normalisation, pooling
    "conv1d": (_CONV, chk.conv(1)),
    "conv2d": (_CONV, chk.conv(2)),
    "conv_transpose2d": ("(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding,"
                         " int[] output_padding, int groups, int[] dilation) -> Tensor", chk.conv(2)),
    "batch_norm": ("(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var,"
                   " bool training, float momentum, float eps, bool cudnn_enabled) -> Tensor", chk.SAME_SHAPE,
                   WRITES),  # training=True updates running_mean/running_var in place
    "layer_norm": ("(Tensor input, int[] normalized_shape, Tensor? weight, Tensor? bias, float eps,"
                   " bool cudnn_enable) -> Tensor", chk.SAME_SHAPE),
    "group_norm": ("(Tensor input, int num_groups, Tensor? weight, Tensor? bias, float eps,"
                   " bool cudnn_enabled) -> Tensor", chk.SAME_SHAPE),
    "max_pool1d": ("(Tensor self, int[] kernel_size, int[] stride, int[] padding, int[] dilation,"
                   " bool ceil_mode) -> Tensor", chk.rank_in(0, (2, 3), "max_pool1d input")),
    "max_pool2d": ("(Tensor self, int[] kernel_size, int[] stride, int[] padding, int[] dilation,"
                   " bool ceil_mode) -> Tensor", chk.rank_in(0, (3, 4), "max_pool2d input")),
    "avg_pool2d": ("(Tensor self, int[] kernel_size, int[] stride, int[] padding, bool ceil_mode,"
                   " bool count_include_pad, int? divisor_override) -> Tensor",
                   chk.rank_in(0, (3, 4), "avg_pool2d input")),
    "adaptive_avg_pool2d": ("(Tensor self, int[] output_size) -> Tensor",
                            chk.rank_in(0, (3, 4), "adaptive_avg_pool2d input")),
    "adaptive_max_pool2d": ("(Tensor self, int[] output_size) -> (Tensor values, Tensor indices)",
                            chk.rank_in(0, (3, 4), "adaptive_max_pool2d input")),
    # reductions
    "sum": (_REDUCE, None),
    "mean": (_REDUCE, None),
    "prod": ("(Tensor self, int? dim, bool keepdim, ScalarType? dtype) -> Tensor", None),
    "amax": ("(Tensor self, int[] dim, bool keepdim) -> Tensor", None),
    "amin": ("(Tensor self, int[] dim, bool keepdim) -> Tensor", None),
    "max": (_UNARY, None),
    "min": (_UNARY, None),
    "max_dim": ("(Tensor self, int dim, bool keepdim) -> (Tensor values, Tensor indices)", None),
    "min_dim": ("(Tensor self, int dim, bool keepdim) -> (Tensor values, Tensor indices)", None),
    "argmax": ("(Tensor self, int? dim, bool keepdim) -> Tensor", None),
    "argmin": ("(Tensor self, int? dim, bool keepdim) -> Tensor", None),
    "var": ("(Tensor self, int[]? dim, int? correction, bool keepdim) -> Tensor", None),
    "std": ("(Tensor self, int[]? dim, int? correction, bool keepdim) -> Tensor", None),
    "norm": ("(Tensor self, Scalar? p, int[]? dim, bool keepdim) -> Tensor", None),
    "logsumexp": ("(Tensor self, int[] dim, bool keepdim) -> Tensor", None),
    "any": ("(Tensor self, int? dim, bool keepdim) -> Tensor", None),
    "all": ("(Tensor self, int? dim, bool keepdim) -> Tensor", None),
    "cumsum": ("(Tensor self, int dim, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    # shape and layout
    "view": ("(Tensor self, int[] size) -> Tensor", None),
    "reshape": ("(Tensor self, int[] shape) -> Tensor", None),
    "flatten": ("(Tensor self, int start_dim, int end_dim) -> Tensor", None),
    "permute": ("(Tensor self, int[] dims) -> Tensor", None),
    "transpose": ("(Tensor self, int dim0, int dim1) -> Tensor", None),
    "t": (_UNARY, chk.rank_in(0, (0, 1, 2), "t() input")),
    "squeeze": ("(Tensor self, int? dim) -> Tensor", None),
    "unsqueeze": ("(Tensor self, int dim) -> Tensor", None),
    "expand": ("(Tensor self, int[] size, bool implicit) -> Tensor", None),
    "expand_as": ("(Tensor self, Tensor other) -> Tensor", None),
    "repeat": ("(Tensor self, int[] repeats) -> Tensor", None),
    "flip": ("(Tensor self, int[] dims) -> Tensor", chk.SAME_SHAPE),
    "cat": ("(Tensor[] tensors, int dim) -> Tensor", None),
    "stack": ("(Tensor[] tensors, int dim) -> Tensor", None),
    "slice": ("(Tensor self, int dim, int? start, int? end, int step) -> Tensor", None),
    "select": ("(Tensor self, int dim, int index) -> Tensor", None),
    "narrow": ("(Tensor self, int dim, int start, int length) -> Tensor", None),
    "chunk": ("(Tensor self, int chunks, int dim) -> Tensor[]", None),
    "split": ("(Tensor self, int split_size, int dim) -> Tensor[]", None),
    "unbind": ("(Tensor self, int dim) -> Tensor[]", None),
    "index": ("(Tensor self, Tensor?[] indices) -> Tensor", None),
    "index_select": ("(Tensor self, int dim, Tensor index) -> Tensor", None),
    "gather": ("(Tensor self, int dim, Tensor index) -> Tensor", None),
    "pad": ("(Tensor self, int[] pad, str mode, float? value) -> Tensor", None),
    "contiguous": (_UNARY, chk.SAME_SHAPE),
    "clone": (_UNARY, chk.SAME_SHAPE),
    "detach": (_UNARY, chk.SAME_SHAPE),
    "to": ("(Tensor self, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    "type_as": ("(Tensor self, Tensor other) -> Tensor", chk.SAME_SHAPE),
    # tensor metadata
    "size": ("(Tensor self) -> int[]", None),
    "size_dim": ("(Tensor self, int dim) -> int", None),
    "dim": ("(Tensor self) -> int", None),
    "numel": ("(Tensor self) -> int", None),
    "dtype": ("(Tensor self) -> int", None),
    "device": ("(Tensor self) -> Device", None),
    "item": ("(Tensor self) -> Scalar", None),
    "to_bool": ("(Tensor self) -> bool", None),
    "to_int": ("(Tensor self) -> int", None),
    "to_float": ("(Tensor self) -> float", None),
    # creation
    "zeros": ("(int[] size, ScalarType? dtype) -> Tensor", None),
    "ones": ("(int[] size, ScalarType? dtype) -> Tensor", None),
    "empty": ("(int[] size, ScalarType? dtype) -> Tensor", None),
    "full": ("(int[] size, Scalar fill_value, ScalarType? dtype) -> Tensor", None),
    "arange": ("(Scalar start, Scalar end, Scalar step, ScalarType? dtype) -> Tensor", None),
    "linspace": ("(Scalar start, Scalar end, int steps, ScalarType? dtype) -> Tensor", None),
    "eye": ("(int n, ScalarType? dtype) -> Tensor", None),
    "zeros_like": (_LIKE, chk.SAME_SHAPE),
    "ones_like": (_LIKE, chk.SAME_SHAPE),
    "empty_like": (_LIKE, chk.SAME_SHAPE),
    "full_like": ("(Tensor self, Scalar fill_value, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    "num_to_tensor": ("(Scalar a) -> Tensor", None),
    "embedding": ("(Tensor weight, Tensor indices, int padding_idx) -> Tensor",
                  chk.rank_in(0, (2,), "embedding weight")),
    # random: unknown effects
    "rand": ("(int[] size, ScalarType? dtype) -> Tensor", None, RANDOM),
    "randn": ("(int[] size, ScalarType? dtype) -> Tensor", None, RANDOM),
    "randint": ("(int low, int high, int[] size, ScalarType? dtype) -> Tensor", None, RANDOM),
    "rand_like": (_LIKE, chk.SAME_SHAPE, RANDOM),
    "randn_like": (_LIKE, chk.SAME_SHAPE, RANDOM),
    "dropout": ("(Tensor input, float p, bool train) -> Tensor", chk.SAME_SHAPE, RANDOM),
    "manual_seed": ("(int seed) -> ()", None, RANDOM),
    # in place: they write (and return) their first operand
    **{f"{name}_": (_BINARY_ALPHA, chk.broadcast(0, 1), WRITES) for name in ("add", "sub")},
    **{f"{name}_": (_BINARY, chk.broadcast(0, 1), WRITES) for name in ("mul", "div")},
    **{f"{name}_": (_UNARY, chk.SAME_SHAPE, WRITES) for name in ("relu", "sigmoid", "tanh", "zero")},
    "clamp_": ("(Tensor self, Scalar? min, Scalar? max) -> Tensor", chk.SAME_SHAPE, WRITES),
    "fill_": ("(Tensor self, Scalar value) -> Tensor", chk.SAME_SHAPE, WRITES),
    "copy_": ("(Tensor self, Tensor src) -> Tensor", chk.broadcast(0, 1), WRITES),
    "masked_fill_": ("(Tensor self, Tensor mask, Scalar value) -> Tensor", chk.broadcast(0, 1), WRITES),
    "index_put_": ("(Tensor self, Tensor?[] indices, Tensor values, bool accumulate) -> Tensor", None, WRITES),
    # -- more ops of imported PyTorch models (tsjit.frontend.from_torch) ------------------------
    **{name: (_UNARY, chk.SAME_SHAPE) for name in (
        "exp2", "log10", "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erfc", "frac",
        "square", "positive", "isinf", "isfinite", "logsigmoid", "selu", "median")},
    "nan_to_num": ("(Tensor self, float? nan, float? posinf, float? neginf) -> Tensor", chk.SAME_SHAPE),
    **{name: (_BINARY, chk.broadcast(0, 1)) for name in ("fmod", "bitwise_xor", "hypot", "copysign")},
    **{name: ("(Tensor self, Tensor other) -> Tensor", chk.broadcast(0, 1)) for name in (
        "logical_xor", "fmax", "fmin")},
    "div_mode": ("(Tensor self, Tensor|Scalar other, str? rounding_mode) -> Tensor", chk.broadcast(0, 1)),
    "addcmul": ("(Tensor self, Tensor tensor1, Tensor tensor2, Scalar value) -> Tensor", chk.broadcast(0, 1, 2)),
    "addcdiv": ("(Tensor self, Tensor tensor1, Tensor tensor2, Scalar value) -> Tensor", chk.broadcast(0, 1, 2)),
    "clamp_tensor": ("(Tensor self, Tensor? min, Tensor? max) -> Tensor", None),
    "celu": ("(Tensor self, Scalar alpha) -> Tensor", chk.SAME_SHAPE),
    "hardshrink": ("(Tensor self, Scalar lambd) -> Tensor", chk.SAME_SHAPE),
    "softshrink": ("(Tensor self, Scalar lambd) -> Tensor", chk.SAME_SHAPE),
    "glu": ("(Tensor self, int dim) -> Tensor", None),
    "tril": ("(Tensor self, int diagonal) -> Tensor", chk.SAME_SHAPE),
    "triu": ("(Tensor self, int diagonal) -> Tensor", chk.SAME_SHAPE),
    "roll": ("(Tensor self, int[] shifts, int[] dims) -> Tensor", chk.SAME_SHAPE),
    "movedim": ("(Tensor self, int[] source, int[] destination) -> Tensor", None),
    "unflatten": ("(Tensor self, int dim, int[] sizes) -> Tensor", None),
    "split_with_sizes": ("(Tensor self, int[] split_sizes, int dim) -> Tensor[]", None),
    "scatter": ("(Tensor self, int dim, Tensor index, Tensor|Scalar src) -> Tensor", chk.SAME_SHAPE),
    "scatter_add": ("(Tensor self, int dim, Tensor index, Tensor src) -> Tensor", chk.SAME_SHAPE),
    "index_fill": ("(Tensor self, int dim, Tensor index, Tensor|Scalar value) -> Tensor", chk.SAME_SHAPE),
    "repeat_interleave": ("(Tensor self, Tensor|Scalar repeats, int? dim) -> Tensor", None),
    "tile": ("(Tensor self, int[] dims) -> Tensor", None),
    "one_hot": ("(Tensor self, int num_classes) -> Tensor", None),
    "diag": ("(Tensor self, int diagonal) -> Tensor", None),
    "reshape_as": ("(Tensor self, Tensor other) -> Tensor", None),
    "cumprod": ("(Tensor self, int dim, ScalarType? dtype) -> Tensor", chk.SAME_SHAPE),
    "sort": ("(Tensor self, int dim, bool descending) -> (Tensor values, Tensor indices)", None),
    "argsort": ("(Tensor self, int dim, bool descending) -> Tensor", chk.SAME_SHAPE),
    "topk": ("(Tensor self, int k, int dim, bool largest, bool sorted) -> (Tensor values, Tensor indices)", None),
    "count_nonzero": ("(Tensor self, int[]? dim) -> Tensor", None),
    "var_mean": ("(Tensor self, int[]? dim, int? correction, bool keepdim) -> (Tensor result0, Tensor result1)",
                 None),
    "std_mean": ("(Tensor self, int[]? dim, int? correction, bool keepdim) -> (Tensor result0, Tensor result1)",
                 None),
    "median_dim": ("(Tensor self, int dim, bool keepdim) -> (Tensor values, Tensor indices)", None),
    "baddbmm": ("(Tensor self, Tensor batch1, Tensor batch2, Scalar beta, Scalar alpha) -> Tensor", None),
    "mv": ("(Tensor self, Tensor vec) -> Tensor", None),
    "addmv": ("(Tensor self, Tensor mat, Tensor vec, Scalar beta, Scalar alpha) -> Tensor", None),
    "outer": ("(Tensor self, Tensor vec2) -> Tensor", None),
    "einsum": ("(str equation, Tensor[] tensors) -> Tensor", None),
    "instance_norm": ("(Tensor input, Tensor? weight, Tensor? bias, Tensor? running_mean, Tensor? running_var,"
                      " bool use_input_stats, float momentum, float eps, bool cudnn_enabled) -> Tensor",
                      chk.SAME_SHAPE),  # pure: it never updates running stats (the importer refuses that case)
    "avg_pool1d": ("(Tensor self, int[] kernel_size, int[] stride, int[] padding, bool ceil_mode,"
                   " bool count_include_pad) -> Tensor", chk.rank_in(0, (2, 3), "avg_pool1d input")),
    "adaptive_avg_pool1d": ("(Tensor self, int[] output_size) -> Tensor",
                            chk.rank_in(0, (2, 3), "adaptive_avg_pool1d input")),
    "adaptive_max_pool1d": ("(Tensor self, int[] output_size) -> (Tensor values, Tensor indices)",
                            chk.rank_in(0, (2, 3), "adaptive_max_pool1d input")),
    "conv_transpose1d": ("(Tensor input, Tensor weight, Tensor? bias, int[] stride, int[] padding,"
                         " int[] output_padding, int groups, int[] dilation) -> Tensor", chk.conv(1)),
    "pixel_shuffle": ("(Tensor self, int upscale_factor) -> Tensor", None),
    "cosine_similarity": ("(Tensor x1, Tensor x2, int dim, float eps) -> Tensor", None),
    "mse_loss": ("(Tensor self, Tensor target, int reduction) -> Tensor", None),
    "l1_loss": ("(Tensor self, Tensor target, int reduction) -> Tensor", None),
    # self <- src (cast, broadcast to self's shape) after torch's in-place castability check
    "assign_": ("(Tensor self, Tensor src) -> Tensor", chk.broadcast(0, 1), WRITES),
}

#: Pure ops whose value is not a function of their operands (uninitialised memory).
NOT_FOLDABLE = frozenset({"empty", "empty_like"})
#: The rules of a legacy op live in tsjit/dialects/ts/shape_functions_*.py.
LEGACY = "legacy"


def register() -> None:
    from tsjit.kernels import KERNELS

    for name, (schema, check, *effects) in LEGACY_OPS.items():
        if name in REGISTRY:
            continue
        defop(name, schema, KERNELS.get(name), shape=LEGACY, dtype=LEGACY, verify=() if check is None else check,
              effects=effects[0] if effects else PURE, fold=name not in NOT_FOLDABLE)
