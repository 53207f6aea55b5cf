"""Strides of a tensor value known at compile time, for folding `x.stride()` and `x.is_contiguous()`.

The ts program has values, not memory, but PyTorch's answer depends on how a tensor was made: a
new tensor made from row-major ones (by the families in _NEW_MEMORY) is row-major (from others
PyTorch may keep their layout: `x.t() * 2`), so is a constant, and so is taken to be a function's
argument (a compiled model records which ones, CONTIGUOUS_INPUTS, and refuses a non-contiguous
tensor there); a view (`x.t()`, `x.expand(...)`, `x[:, ::2]`) has its base's strides rearranged.
The view kernels return numpy views where PyTorch returns views, so the strides of a chain of views
are those of the kernels run on an empty row-major array of the base's shape: the answer the
numpy kernels of `ts.stride` would give at run time. Anything else (a view whose arguments are not
constants, a new tensor from a view, a loop-carried tensor, unknown sizes) is not known.
"""
from __future__ import annotations

import json
import math

import numpy as np
from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Block, BlockArgument, Operation, SSAValue
from xdsl.pattern_rewriter import PatternRewriter, RewritePattern

from tsjit.dialects.ts.folding import NotConstant
from tsjit.dialects.ts.canonicalize import LAYOUT_QUERIES
from tsjit.dialects.ts.types import DYNAMIC, ClassType, IntType, ListType, TensorType
from tsjit.passes.view_writes import _FRESH, ALIASING_FAMILIES, _const, _same_dtype, defn

#: families whose ops make new memory, row-major when their tensor operands are
_NEW_MEMORY = frozenset({
    "arithmetic", "division", "comparison", "math", "activation", "transcendental", "special", "special_functions",
    "gamma_functions", "bessel", "misc_math", "orthogonal_polynomials", "contraction", "convolution",
    "convolution_3d", "pooling", "pooling_nd", "normalization", "loss", "elementwise_losses", "reduction",
    "statistics", "sorting", "padding", "creation", "random", "random_more", "resampling", "indexing", "scatter",
    "scatter_variants", "placed_writes", "norms", "distances", "quantiles", "counting"})
#: how far back a chain of views is followed, and the largest base made to run the kernels on
_DEPTH = 32
_MAX_ELEMENTS = 1 << 24


def _sizes(value: SSAValue) -> tuple[int, ...] | None:
    t = value.type
    if not isinstance(t, TensorType) or t.sizes is None or DYNAMIC in t.sizes:
        return None
    return tuple(t.sizes)


def _fresh(value: SSAValue) -> np.ndarray | None:
    sizes = _sizes(value)
    if sizes is None or math.prod(sizes) > _MAX_ELEMENTS:
        return None
    return np.empty(sizes, np.uint8)


def _all_contiguous(operands, depth: int, used: set | None) -> bool:
    """Whether every tensor among `operands` (also in a list built here) is known row-major."""
    for v in operands:
        if isinstance(v.type, ListType) and isinstance(v.type.element_type, TensorType):
            if getattr(v.owner, "name", "") != "ts.list.construct":
                return False
            if not _all_contiguous(v.owner.operands, depth, used):
                return False
        elif isinstance(v.type, TensorType):
            a = strided_array(v, depth - 1, used)
            if a is None or not a.flags.c_contiguous:
                return False
    return True


def _is_function_argument(value: BlockArgument) -> bool:
    block = value.owner
    parent = block.parent_op() if isinstance(block, Block) else None
    return parent is not None and parent.name == "func.func" and block is parent.regions[0].blocks.first


def strided_array(value: SSAValue, depth: int = _DEPTH, used: set | None = None) -> np.ndarray | None:
    """An array (of uint8) with the shape and element strides `value` has in PyTorch, or None; the
    function arguments the answer takes to be contiguous are added to `used`."""
    if isinstance(value, BlockArgument):
        if not _is_function_argument(value):
            return None
        if used is not None:
            used.add(value)
        return _fresh(value)
    op = value.owner
    if isinstance(op, Operation) and op.name == "ts.constant":
        return _fresh(value)
    d = defn(op) if isinstance(op, Operation) else None
    if d is None or d.effects == "writes" or op.regions or len(op.results) != 1 or depth <= 0:
        return None
    if d.name == "contiguous":
        return _fresh(value)
    if d.name in ("to", "type_as"):  # x itself when the dtype stays, else x's layout (preserve_format)
        same = _same_dtype(op)
        if same is None or not same and not _all_contiguous(op.operands[:1], depth, used):
            return None
        return strided_array(op.operands[0], depth - 1, used) if same else _fresh(value)
    if d.family in _NEW_MEMORY or d.family in ALIASING_FAMILIES and d.name in _FRESH:
        # row-major from row-major operands; from others PyTorch may keep their layout (x.t() * 2)
        return _fresh(value) if d.name != "empty_strided" and _all_contiguous(op.operands, depth, used) else None
    if d.family not in ALIASING_FAMILIES:
        return None  # linalg's column-major results, diagonal's and attention's views, ...: not followed
    base = strided_array(op.operands[0], depth - 1, used)
    args = [_fresh(v) if isinstance(v.type, TensorType) else _const(v) for v in op.operands[1:]]
    if base is None or any(a is None and isinstance(v.type, TensorType) or a is NotConstant
                           for a, v in zip(args, op.operands[1:])):
        return None
    try:
        out = _kernel(d.name)(base, *args)
    except Exception:  # noqa: BLE001 - the op's own error is reported where it runs
        return None
    if not isinstance(out, np.ndarray) or out.shape != _sizes(value):
        return None
    return out


def _kernel(name: str):
    from tsjit.ops import EAGER

    return EAGER[name]


def _layout_of(value: SSAValue) -> np.ndarray | None:
    """The strided array of `value`; the arguments it relies on are recorded on their function."""
    used: set = set()
    a = strided_array(value, used=used)
    if a is not None and used:
        block = next(iter(used)).owner
        inputs = [arg for arg in block.args if not isinstance(arg.type, ClassType)]  # not a method's self
        record_contiguous_inputs(block.parent_op(), {inputs.index(arg) for arg in used})
    return a


class StaticLayout(RewritePattern):
    """stride(), stride(d) and is_contiguous() where the value's strides are known (a view's too)
    become constants (run by ts-constant-propagation and ts-peephole)."""

    def match_and_rewrite(self, op: Operation, rewriter: PatternRewriter) -> None:
        from tsjit.dialects.ts.constant import ConstantOp
        from tsjit.dialects.ts.folding import constant_of

        if op.name not in LAYOUT_QUERIES or not isinstance(op.operands[0].type, TensorType):
            return
        if op.name == "ts.is_contiguous":
            value = static_contiguous(op.operands[0])
        else:
            value = static_strides(op.operands[0])
            if value is not None and op.name == "ts.stride_dim":
                try:
                    d = constant_of(op.operands[1])
                except NotConstant:
                    return
                value = value[d] if isinstance(d, int) and -len(value) <= d < len(value) else None
        if value is not None:
            rewriter.replace(op, ConstantOp.of(list(value) if isinstance(value, tuple) else value,
                                               ListType(IntType()) if isinstance(value, tuple) else None))


def static_strides(value: SSAValue) -> tuple[int, ...] | None:
    """PyTorch's `value.stride()`, when known at compile time."""
    from tsjit.kernels.dims import element_strides

    a = _layout_of(value)
    return None if a is None else element_strides(a)


def static_contiguous(value: SSAValue) -> bool | None:
    """PyTorch's `value.is_contiguous()`, when known at compile time."""
    a = _layout_of(value)
    return None if a is None else bool(a.flags.c_contiguous)


#: on a function: JSON list of the inputs (by position) a folded stride()/is_contiguous() took to be contiguous;
#: a compiled model refuses a non-contiguous tensor there rather than give a different answer
CONTIGUOUS_INPUTS = "ts.contiguous_inputs"


def record_contiguous_inputs(func: Operation, args: set[int]) -> None:
    attr = func.attributes.get(CONTIGUOUS_INPUTS)
    known = set(json.loads(attr.data)) if isinstance(attr, StringAttr) else set()
    if not args <= known:
        func.attributes[CONTIGUOUS_INPUTS] = StringAttr(json.dumps(sorted(known | args)))


def contiguous_inputs(func: Operation) -> list[int]:
    attr = func.attributes.get(CONTIGUOUS_INPUTS)
    return json.loads(attr.data) if isinstance(attr, StringAttr) else []
