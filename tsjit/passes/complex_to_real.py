"""`ts-complex-to-real`: complex tensors held as real pairs, so a program with complex values runs in C.

The C backend has no complex types. A complex tensor of shape S becomes a real tensor of shape
S + (2,) (its `view_as_real`: the real part at [..., 0], the imaginary part at [..., 1]), and each
op on complex values becomes real ops on the pairs (complex_rules.py): a product is four real
products, `abs` a `hypot`, and an FFT a product with a DFT matrix (fft_rules.py), which runs through
the same GEMM as a linear layer. A complex argument or result of the function becomes a pair too;
the function's COMPLEX_PAIRS attribute lists them, and tsjit.compile's Compiled views the caller's
complex arrays as pairs and its pair results as complex arrays, without copying.

All or nothing per function: one holding a complex op without a rule (or a rule that cannot apply:
an FFT too long for a DFT matrix) is left as it was, and runs those ops on numpy as before.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects.builtin import FunctionType, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import Rewriter

from tsjit.dialects.ts import OPS_BY_NAME
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.types import ComplexType, ListType, TensorType
from tsjit.ops.decomposition import NotDecomposable
from tsjit.passes.decompose import IRBuilder

#: the function attribute naming its complex arguments and results: {"inputs": [...], "results": [...]}
COMPLEX_PAIRS = "ts.complex_pairs"


class NotConvertible(Exception):
    """An op on complex values without a rule here, or one its rule cannot take."""


def is_complex(t) -> bool:
    return isinstance(t, TensorType) and isinstance(t.element_type, ComplexType)


def pair_type(t: TensorType) -> TensorType:
    return TensorType((*t.sizes, 2), t.element_type.element_type)


@dataclass
class Pairs:
    """What a rule sees: the builder, the op, and which values are complex pairs."""

    g: IRBuilder
    op: Operation
    pairs: set

    def is_pair(self, v) -> bool:
        return isinstance(v, SSAValue) and v in self.pairs

    def rank(self, pair: SSAValue) -> int:
        """The rank of the complex tensor a pair holds."""
        return len(pair.type.sizes) - 1

    def dim(self, pair: SSAValue, d: int, extra: int = 0) -> int:
        """A dim of the complex tensor, non-negative (so it never names the pair's last dim)."""
        rank = self.rank(pair) + extra
        if not -max(rank, 1) <= d < max(rank, 1):
            raise NotConvertible(f"dim {d} out of range")
        return d % max(rank, 1)

    def re(self, p: SSAValue) -> SSAValue:
        return self.g.select(p, -1, 0)

    def im(self, p: SSAValue) -> SSAValue:
        return self.g.select(p, -1, 1)

    def pack(self, re: SSAValue, im: SSAValue) -> SSAValue:
        out = self.g.stack([re, im], -1)
        self.pairs.add(out)
        return out

    def mark(self, v: SSAValue) -> SSAValue:
        """`v`, a real tensor of shape S + (2,), taken as a pair."""
        self.pairs.add(v)
        return v

    def like(self, x: SSAValue, pair: SSAValue) -> SSAValue:
        """A real tensor in the pair's real dtype."""
        return x if x.type.element_type == pair.type.element_type else self.g.type_as(x, self.re(pair))

    def as_pair(self, x: SSAValue, pair: SSAValue) -> SSAValue:
        """A real tensor as a complex one (imaginary part 0), in the pair's precision."""
        x = self.like(x, pair)
        return self.pack(x, self.g.zeros_like(x, None))

    def scalar(self, v) -> float | None:
        """A real scalar operand's value (None for a tensor); complex scalars are not taken."""
        if isinstance(v, SSAValue) and isinstance(v.type, TensorType):
            return None
        value = self.g.value(v) if isinstance(v, SSAValue) else v
        if isinstance(value, complex):
            if value.imag:
                raise NotConvertible("a complex scalar operand")
            value = value.real
        if not isinstance(value, int | float):
            raise NotConvertible(f"a {type(value).__name__} operand")
        return value


Rule = Callable[..., list]


def convert_function(func: FuncOp, rules: dict[str, Rule], real_too: frozenset = frozenset()) -> bool:
    """Hold `func`'s complex values as pairs, and rewrite the ops named in `real_too` (an FFT between
    real tensors: hfft) though no complex value is in sight; False when there is nothing to do.
    Raises NotConvertible (the function then partly rewritten: convert a clone) when some complex
    op has no rule."""
    block = func.body.block
    touched = any(is_complex(v.type) for op in func.walk() for v in (*op.operands, *op.results)) \
        or any(is_complex(a.type) for a in block.args) or any(op.name in real_too for op in block.ops)
    if not touched:
        return False
    for op in block.ops:
        if op.regions and any(is_complex(v.type) for inner in op.walk() for v in (*inner.operands, *inner.results)):
            raise NotConvertible(f"{op.name} with complex values inside")
    mapping: dict[SSAValue, SSAValue] = {}
    pairs: set = set()
    inputs = []
    for i, arg in enumerate(list(block.args)):
        if is_complex(arg.type):
            if not arg.type.has_static_shape:
                raise NotConvertible("a complex argument of unknown shape")
            new = block.insert_arg(pair_type(arg.type), arg.index)
            new.name_hint = arg.name_hint
            mapping[arg] = new
            pairs.add(new)
            inputs.append(i)
    done = []
    for op in list(block.ops):
        if op.name == "func.return":
            continue
        if not any(v in mapping for v in op.operands) and not any(is_complex(r.type) for r in op.results) \
                and op.name not in real_too:
            continue
        g = IRBuilder(op)
        new_values = _apply(Pairs(g, op, pairs), op, mapping, rules)
        for old, new in zip(op.results, new_values, strict=True):
            if is_complex(old.type):
                if new not in pairs or new.type != pair_type(old.type):
                    raise NotConvertible(f"{op.name}: its rule gives {new.type} for {old.type}")
                mapping[old] = new
            elif isinstance(old.type, ListType) and new in pairs:
                mapping[old] = new
            else:
                if new.type != old.type:
                    raise NotConvertible(f"{op.name}: its rule gives {new.type} for {old.type}")
                old.replace_all_uses_with(new)
        done.append(op)
    ret = block.last_op
    results = [i for i, v in enumerate(ret.operands) if v in mapping]
    ret.operands = [mapping.get(v, v) for v in ret.operands]
    for op in reversed(done):
        Rewriter.erase_op(op, safe_erase=False)
    for old in mapping:
        if old in block.args:
            block.erase_arg(old)
    func.function_type = FunctionType.from_lists([a.type for a in block.args], [v.type for v in ret.operands])
    func.attributes[COMPLEX_PAIRS] = StringAttr(json.dumps({"inputs": inputs, "results": results}))
    return True


def _apply(p: Pairs, op: Operation, mapping: dict, rules: dict[str, Rule]) -> list:
    if op.name == "ts.constant":
        value = np.asarray(op.py_value)
        real = np.ascontiguousarray(np.stack([value.real, value.imag], -1))
        return [p.mark(p.g._insert(ConstantOp.of(real)).results[0])]
    if op.name == "ts.list.construct":
        items = [mapping.get(v, v) for v in op.operands]
        if not all(p.is_pair(v) for v in items):
            raise NotConvertible("a list of complex and real tensors")
        built = p.g._insert(OPS_BY_NAME["ts.list.construct"].create(operands=items, result_types=[op.results[0].type]))
        return [p.mark(built.results[0])]
    rule = rules.get(op.name)
    if rule is None:
        raise NotConvertible(f"{op.name} has no rule for complex values")
    out = rule(p, *[mapping.get(v, v) for v in op.operands])
    return out if isinstance(out, list) else [out]


def convert_functions(module: ModuleOp) -> bool:
    """Hold complex values as pairs in each function of `module` that every rule covers (the
    others stay as they are); whether any changed."""
    from tsjit.passes.complex_rules import RULES
    from tsjit.passes.fft_rules import FFT_RULES

    changed = False
    for func in [op for op in module.ops if isinstance(op, FuncOp) and op.body.blocks]:
        converted = func.clone()
        try:
            if not convert_function(converted, RULES, frozenset(FFT_RULES)):
                continue
        except (NotConvertible, NotDecomposable):
            continue
        Rewriter.replace_op(func, converted)
        changed = True
    return changed


def complex_to_real(module: ModuleOp) -> ModuleOp | None:
    """A copy of `module` with its complex values held as pairs, or None when nothing changed."""
    converted = module.clone()
    return converted if convert_functions(converted) else None


def unpair(array: np.ndarray) -> np.ndarray:
    """A pair result (real, shape S + (2,)) as the complex array of shape S it holds (a view)."""
    dtype = np.complex64 if array.dtype == np.float32 else np.complex128
    return np.ascontiguousarray(array).view(dtype)[..., 0]


def as_pair(array: np.ndarray) -> np.ndarray:
    """A complex argument as its pair (a view when it is C-contiguous)."""
    array = np.ascontiguousarray(array)
    return array.view(array.real.dtype).reshape(*array.shape, 2)


@dataclass(frozen=True)
class ComplexToRealPass(ModulePass):
    name = "ts-complex-to-real"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        convert_functions(op)
