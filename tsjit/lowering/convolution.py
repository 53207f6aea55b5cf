"""Lowerings of conv2d/conv1d → tensor.pad + linalg.conv_2d_nchw_fchw (+ a broadcast bias generic).

Padding is an explicit `tensor.pad` with a constant body, so the convolution reads only real
elements; strides and dilations are the named op's attributes; the output starts as a zero fill.
groups > 1 use `linalg.conv_2d_ngchw_gfchw` on views with the group as its own dim (expand_shape
of input, weight and output: (N, G*C, ...) → (N, G, C, ...), (G*F, C, ...) → (G, F, C, ...)),
which matches PyTorch's weight layout without a transpose. conv1d is conv2d on (N, C, 1, L).
Unbatched inputs get a unit batch dim and lose it again.
"""
from __future__ import annotations

from collections.abc import Sequence

from xdsl.builder import Builder
from xdsl.dialects import tensor
from xdsl.dialects.builtin import DenseIntElementsAttr, IndexType, i64
from xdsl.dialects.builtin import TensorType as BuiltinTensorType
from xdsl.dialects.linalg.ops import Conv2DNchwFchwOp, Conv2DNgchwGfchwOp
from xdsl.ir import Block, Region, SSAValue
from xdsl.rewriter import InsertPoint

from tsjit.lowering.contractions import add_bias, filled, optional_tensor, reshaped, scalar, shape_of
from tsjit.lowering.shape import collapse, expand
from tsjit.lowering.table import Lower, NotLowerable


def pad(lower: Lower, x: SSAValue, low: Sequence[int], high: Sequence[int], value: float) -> SSAValue:
    """x padded by `low`/`high` elements per dim with the constant `value` (`tensor.pad`)."""
    if not any(low) and not any(high):
        return x
    shape = shape_of(x)
    out = BuiltinTensorType(x.type.element_type, [s + lo + hi for s, lo, hi in zip(shape, low, high)])
    block = Block(arg_types=[IndexType()] * len(shape))
    b = Builder(InsertPoint.at_end(block))
    b.insert(tensor.YieldOp(scalar(b, value, x.type.element_type)))
    return lower.insert(tensor.PadOp(x, [], [], Region(block), list(low), list(high), out)).results[0]


def ints(values: Sequence[int] | int, n: int, name: str) -> tuple[int, ...]:
    """A list argument of n ints (one value stands for all n, as in PyTorch)."""
    values = [values] if isinstance(values, int) else list(values)
    if len(values) == 1:
        values *= n
    if len(values) != n or not all(isinstance(v, int) for v in values):
        raise NotLowerable(f"{name} must be {n} ints, not {values}")
    return tuple(values)


def window_attr(values: Sequence[int]) -> DenseIntElementsAttr:
    """strides/dilations as the named ops take them: dense<...> : tensor<2xi64>."""
    return DenseIntElementsAttr.from_list(BuiltinTensorType(i64, [len(values)]), list(values))


def conv2d_nchw(lower: Lower, x: SSAValue, w: SSAValue, stride: Sequence[int], padding: Sequence[int],
                dilation: Sequence[int], groups: int, out_shape: Sequence[int]) -> SSAValue:
    """A batched (N, C, H, W) x (F, C/groups, kh, kw) convolution without bias."""
    elt = x.type.element_type
    if w.type.element_type != elt:
        raise NotLowerable("input and weight of different dtypes")
    n, c = shape_of(x)[:2]
    f, cg, kh, kw = shape_of(w)
    if groups <= 0 or c != cg * groups or f % groups:
        raise NotLowerable(f"{c} channels, weight {shape_of(w)} and groups={groups} do not match")
    x = pad(lower, x, (0, 0, *padding), (0, 0, *padding), 0)
    attrs = {"strides": window_attr(stride), "dilations": window_attr(dilation)}
    oh, ow = out_shape[2:]
    if groups == 1:
        init = filled(lower, BuiltinTensorType(elt, [n, f, oh, ow]), 0)
        return lower.insert(Conv2DNchwFchwOp([x, w], [init], [init.type], **attrs)).results[0]
    h, wd = shape_of(x)[2:]
    xg = expand(lower, x, [[0], [1, 2], [3], [4]], (n, groups, cg, h, wd))
    wg = expand(lower, w, [[0, 1], [2], [3], [4]], (groups, f // groups, cg, kh, kw))
    init = filled(lower, BuiltinTensorType(elt, [n, groups, f // groups, oh, ow]), 0)
    y = lower.insert(Conv2DNgchwGfchwOp([xg, wg], [init], [init.type], **attrs)).results[0]
    return collapse(lower, y, [[0], [1, 2], [3], [4]])


def lower_conv(op, lower: Lower):
    spatial = 2 if op.name == "ts.conv2d" else 1
    x, w, bias = lower.tensor(0), lower.tensor(1), optional_tensor(lower, 2)
    stride = ints(lower.constant(3), spatial, "stride")
    padding = lower.constant(4)
    if isinstance(padding, str):
        raise NotLowerable(f"padding={padding!r}")
    padding = ints(padding, spatial, "padding")
    dilation = ints(lower.constant(5), spatial, "dilation")
    groups = lower.constant(6)
    out = lower.result_type()
    rank = len(shape_of(x))
    if rank not in (spatial + 1, spatial + 2) or len(shape_of(w)) != spatial + 2:
        raise NotLowerable("unexpected input or weight rank")
    # to 4-D: a unit batch for unbatched input, a unit height for conv1d
    batched = rank == spatial + 2
    out4 = list(out.get_shape()) if batched else [1, *out.get_shape()]
    xs = shape_of(x) if batched else (1, *shape_of(x))
    if spatial == 1:
        x = reshaped(lower, x, (xs[0], xs[1], 1, xs[2]))
        w = reshaped(lower, w, (*shape_of(w)[:2], 1, shape_of(w)[2]))
        stride, padding, dilation = (1, *stride), (0, *padding), (1, *dilation)
        out4 = [*out4[:2], 1, out4[2]]
    else:
        x = reshaped(lower, x, xs)
    y = conv2d_nchw(lower, x, w, stride, padding, dilation, groups, out4)
    if bias is not None:
        y = add_bias(lower, y, bias, 1)
    return [reshaped(lower, y, tuple(out.get_shape()))]
