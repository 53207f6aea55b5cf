"""`ts-remove-mutation`: an in-place op on a tensor nothing else can see becomes its
out-of-place form (TorchScript's RemoveMutation), so code written as torchvision writes it
(`nn.ReLU(inplace=True)` after a conv, `F.hardtanh(x, inplace=True)`) lowers like pure code.

`y = relu_(v)` turns into `y = relu(v)`, and the uses of `v` after it take `y`, when:
- `v` is new memory: the result of a ts op that never returns a view of an operand (not a
  function argument, a constant, a view, or an in-place result), defined in the same block;
- no view of `v` exists (a view would see the write), and
- the out-of-place result has `v`'s static type (so no dtype promotion or broadcast differs:
  `int_tensor.add_(1.5)` stays in place).
`copy_(v, src)` with such a `v`, and a `src` of `v`'s type used only there, becomes `src`.
Uses of `v` before the in-place op keep reading the old value, as they did.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ModuleOp
from xdsl.ir import Operation, OpResult, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter

from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import FloatType, IntType, TensorType, dtype_name

#: families whose results may be views of an operand (or the operand itself)
ALIASING_FAMILIES = frozenset({"view", "slicing", "layout", "conversion", "strided", "aten_internals", "inplace"})
_PASS_ON = frozenset({"func.return", "ts.yield"})  # hand the value on (later ones read the new value)
_FLOAT_ONLY = frozenset({"sigmoid_", "tanh_", "div_"})  # an integer self would change dtype out of place


def _defn(op: Operation):
    from tsjit.ops import REGISTRY

    return REGISTRY.get(op.name.removeprefix("ts.")) if op.name.startswith("ts.") else None


def may_alias(op: Operation) -> bool:
    """Whether a result of `op` may share memory with an operand (unknown ops: yes)."""
    defn = _defn(op)
    return defn is None or defn.family in ALIASING_FAMILIES


def _static(t) -> bool:
    return isinstance(t, TensorType) and t.sizes is not None and all(d >= 0 for d in t.sizes) \
        and t.element_type is not None


def _private(v: SSAValue, writer: Operation) -> bool:
    """`v` is new memory of a static type, defined in `writer`'s block, with no view taken of it."""
    if not isinstance(v, OpResult) or v.op.parent_block() is not writer.parent_block() or may_alias(v.op):
        return False
    if v.op.name == "ts.constant" or not _static(v.type):
        return False
    return all(use.operation is writer or use.operation.name in _PASS_ON or not may_alias(use.operation)
               for use in v.uses)


def _same_type_out_of_place(op: Operation, name: str) -> bool:
    self_type = op.operands[0].type
    is_float = dtype_name(self_type.element_type) in ("float16", "bfloat16", "float32", "float64")
    if name in _FLOAT_ONLY and not is_float:
        return False
    for other in op.operands[1:]:
        t = other.type
        if isinstance(t, TensorType):
            if t != self_type and name != "masked_fill_":
                return False
        elif isinstance(t, FloatType) and not is_float:
            return False
        elif not isinstance(t, FloatType | IntType) and name not in ("clamp_", "masked_fill_"):
            return False
    return True


def _replace_later_uses(old: SSAValue, new: SSAValue, after: Operation) -> None:
    """Uses of `old` by ops after `after` in its block (or nested in them) read `new` instead."""
    block = after.parent_block()
    later = set()
    op = after.next_op
    while op is not None:
        later.add(op)
        op = op.next_op
    for use in list(old.uses):
        top = use.operation
        while top is not None and top.parent_block() is not block:
            top = top.parent_op()
        if top in later:
            use.operation.operands[use.index] = new


def remove_mutation(module: ModuleOp) -> int:
    """Rewrite what qualifies; how many in-place ops went."""
    count = 0
    for op in list(module.walk()):
        name = op.name.removeprefix("ts.")
        if not op.name.startswith("ts.") or not name.endswith("_") or not op.operands:
            continue
        target = op.operands[0]
        if not _private(target, op):
            continue
        if name == "copy_":
            src = op.operands[1]
            if src.type != target.type or not src.has_one_use() or not isinstance(src, OpResult) or may_alias(src.op):
                continue
            _replace_later_uses(target, src, op)
            op.results[0].replace_all_uses_with(src)
            Rewriter.erase_op(op)
            count += 1
            continue
        pure = TENSOR_OP_CLASSES.get(name[:-1])
        if pure is None or not _same_type_out_of_place(op, name):
            continue
        new = pure.create(operands=list(op.operands), result_types=[target.type], attributes=dict(op.attributes))
        Rewriter.insert_op(new, InsertPoint.before(op))
        new.results[0].name_hint = op.results[0].name_hint or target.name_hint
        _replace_later_uses(target, new.results[0], op)
        op.results[0].replace_all_uses_with(new.results[0])
        Rewriter.erase_op(op)
        count += 1
    return count


@dataclass(frozen=True)
class TsRemoveMutationPass(ModulePass):
    name = "ts-remove-mutation"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        remove_mutation(op)
