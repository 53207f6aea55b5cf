"""`ts-fusion-groups{min-group-size=2 contractions=false}`: outline fusible subgraphs into `ts.fusion_group`s.

TorchScript's tensor-expression fuser (`_jit_pass_fuse_tensorexprs`, tensorexpr_fuser.cpp) merges
the nodes NNC can compile into `prim::TensorExprGroup` subgraphs, at least `min_group_size`
(default 2) nodes each; the rest of the graph stays in the interpreter. We do the same, with
"can compile" meaning: the op has a lowering in `ts-to-linalg`'s table (tsjit/lowering/table.py),
its non-tensor operands are constants (the lowerings need them at compile time; they are cloned
into the group), it is pure, and all its results are tensors. Contractions and convolutions
(the `contractions`/`convolution` lowering families) join groups only with `contractions=true`:
that is what `tsjit.jit.enable_onednn_fusion(True)` turns on, as oneDNN Graph (LLGA) is the
fuser that takes matmul/conv with their elementwise neighbours, while NNC leaves them out.

Safety, as TorchScript's AliasDb checks: an op whose tensor operands or results may be written in
place (an in-place op, or an op of unknown effects, on the value or an alias of it; container
writes such as `list.append` do not write the tensors in the list) is not fused, so moving pure
ops never crosses a write of what they read. A group sits where its last op was; ops between its
first and last op that use its outputs move after it, which must be legal: they must be pure,
read no written value, and must not feed the group (that would be a cycle). Groups form inside
`ts.if`/`ts.loop`/`ts.fork` bodies too, never across a region boundary.

`with torch.jit.strict_fusion():` marks the ops of its block with a `strict_fusion` attribute
(its source location). A group holding such an op is kept even below `min-group-size`, and with
`check-strict=true` (the default) any marked op left outside a group (constants and terminators
excepted) fails the pass with TorchScript's "Found unfused operators" message, naming each op and
its source line.
"""
from __future__ import annotations

from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects.builtin import ComplexType, ModuleOp, StringAttr
from xdsl.dialects.func import FuncOp
from xdsl.ir import Block, Operation, Region, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.traits import IsTerminator, MemoryEffectKind, get_effects, is_side_effect_free
from xdsl.utils.exceptions import PassFailedException

from tsjit.dialects.ts.constant import ConstantOp
from tsjit.dialects.ts.fusion_ops import FusionGroupOp, FusionYieldOp
from tsjit.dialects.ts.types import TensorType
from tsjit.passes.cse import WRITES_INTO_FIRST, MutationInfo, written_operands
from tsjit.runtime import Error

#: lowering families (tsjit/lowering/<family>.py) that only `contractions=true` fuses
CONTRACTION_FAMILIES = ("tsjit.lowering.contractions", "tsjit.lowering.convolution")
STRICT_ATTR = "strict_fusion"


class StrictFusionError(PassFailedException, Error, RuntimeError):
    """Ops inside `with torch.jit.strict_fusion():` were not fused (a RuntimeError, as TorchScript's;
    a tsjit.jit.Error, so that the numpy backend passes it on unchanged when a group fails)."""


class TensorWrites(MutationInfo):
    """MutationInfo whose written set counts only writes that can change a tensor's contents."""

    def __init__(self, root: Operation):
        super().__init__(root)
        self._written = {self._find(v) for op in root.walk() if op.name not in WRITES_INTO_FIRST
                         for v in written_operands(op)}


def fusible_names(contractions: bool) -> set[str]:
    """The ts ops ts-to-linalg lowers (constants aside), asked from the lowering table."""
    from tsjit.lowering.table import lowerings

    return {name for name, fn in lowerings().items() if name != "ts.constant"
            and (contractions or fn.__module__ not in CONTRACTION_FAMILIES)}


def _compile_time_ops(value: SSAValue) -> list[Operation] | None:
    """The ops to clone into a group to recreate a constant operand (None: not constant)."""
    owner = value.owner
    if isinstance(owner, ConstantOp):
        return [owner]
    if getattr(owner, "name", "") == "ts.list.construct" and all(
            isinstance(v.owner, ConstantOp) for v in owner.operands):
        return [*(v.owner for v in owner.operands), owner]
    return None


def _reads(op: Operation) -> list[SSAValue]:
    """What the op reads: its operands and the values its regions capture."""
    from tsjit.backends.numpy.plan import _uses

    return list(_uses(op))


class _BlockFusion:
    """Grouping of one block's ops (see the module docstring for the rules)."""

    def __init__(self, block: Block, names: set[str], writes: tuple[TensorWrites, MutationInfo]):
        self.block, self.names = block, names
        self.writes, self.any_writes = writes
        self.ops = [op for op in block.ops if not op.has_trait(IsTerminator)]
        self.index = {op: i for i, op in enumerate(self.ops)}
        self.succ = {op: self._successors(op) for op in self.ops}

    def _ancestor(self, op: Operation) -> Operation | None:
        while op is not None and op.parent_block() is not self.block:
            op = op.parent_op()
        return op

    def _successors(self, op: Operation) -> set[Operation]:
        users = {self._ancestor(u.operation) for r in op.results for u in r.uses}
        return {u for u in users if u in self.index and u is not op}

    def fusible(self, op: Operation) -> bool:
        if op.name not in self.names or op.regions or not is_side_effect_free(op):
            return False
        if not op.results or not all(isinstance(r.type, TensorType) for r in op.results):
            return False
        if any(isinstance(getattr(v.type, "element_type", None), ComplexType) for v in (*op.operands, *op.results)):
            return False  # C has no complex types (ts-complex-to-real works on whole functions)
        for v in op.operands:
            if isinstance(v.type, TensorType):
                if self.writes.is_written(v):
                    return False
            elif _compile_time_ops(v) is None:
                return False
        return not any(self.writes.is_written(r) for r in op.results)

    def movable(self, op: Operation) -> bool:
        """May run later: it writes nothing, and what it reads is not written (tensor contents by
        tensor writes, containers and objects by any write); a mere allocation reads nothing."""
        effects = get_effects(op)
        if effects is None or any(e.kind not in (MemoryEffectKind.ALLOC, MemoryEffectKind.READ) for e in effects):
            return False
        if effects and not op.regions and all(e.kind == MemoryEffectKind.ALLOC for e in effects):
            return True
        return not any(self.writes.is_written(v) if isinstance(v.type, TensorType) else self.any_writes.is_written(v)
                       for v in _reads(op))

    def legal(self, members: set[Operation]) -> bool:
        """No cycle through an outside op, and every op to move after the group may move."""
        last = max(self.index[m] for m in members)
        seen: set[Operation] = set()
        todo = [s for m in members for s in self.succ[m] if s not in members]
        while todo:
            op = todo.pop()
            if op in seen or self.index[op] > last:
                continue
            seen.add(op)
            if not self.movable(op):
                return False
            for s in self.succ[op]:
                if s in members:
                    return False
                todo.append(s)
        return True

    def groups(self) -> list[list[Operation]]:
        group_of: dict[Operation, int] = {}
        groups: dict[int, set[Operation]] = {}
        for op in self.ops:
            if not self.fusible(op):
                continue
            current = {op}
            producers = {v.owner for v in op.operands if isinstance(v.owner, Operation)}
            for gid in sorted({group_of[p] for p in producers if p in group_of}, reverse=True):
                if self.legal(current | groups[gid]):
                    current |= groups.pop(gid)
            gid = len(group_of)
            groups[gid] = current
            for m in current:
                group_of[m] = gid
        return [sorted(g, key=self.index.__getitem__) for g in groups.values()]

    def outline(self, members: list[Operation]) -> FusionGroupOp:
        member_set = set(members)
        moved = self.dependents(member_set)
        inputs: list[SSAValue] = []
        cloned: dict[SSAValue, SSAValue] = {}
        block = Block()
        constants: list[Operation] = []
        for m in members:
            for v in m.operands:
                if v in cloned or (isinstance(v.owner, Operation) and v.owner in member_set):
                    continue
                ops = None if isinstance(v.type, TensorType) and not isinstance(v.owner, ConstantOp) \
                    else _compile_time_ops(v)
                if ops is None:
                    inputs.append(v)
                    cloned[v] = block.insert_arg(v.type, len(block.args))
                    continue
                for c in ops:
                    if c.results[0] not in cloned:
                        copy = c.clone(value_mapper=dict(cloned))
                        block.add_op(copy)
                        cloned[c.results[0]] = copy.results[0]
                        constants.append(c)
            copy = m.clone(value_mapper=dict(cloned))
            block.add_op(copy)
            cloned.update(zip(m.results, copy.results))
        outputs = [r for m in members for r in m.results
                   if any(self._ancestor(u.operation) not in member_set for u in r.uses)]
        block.add_op(FusionYieldOp(*[cloned[r] for r in outputs]))
        group = FusionGroupOp(inputs, [r.type for r in outputs], Region(block))
        last = members[-1]
        Rewriter.insert_op(group, InsertPoint.after(last))
        for old, new in zip(outputs, group.results):
            old.replace_all_uses_with(new)
        anchor = group
        for op in moved:
            op.detach()
            Rewriter.insert_op(op, InsertPoint.after(anchor))
            anchor = op
        for m in reversed(members):
            Rewriter.erase_op(m)
        for c in reversed(constants):
            if c.parent is not None and all(r.first_use is None for r in c.results):
                Rewriter.erase_op(c)
        return group

    def dependents(self, members: set[Operation]) -> list[Operation]:
        """The ops before the group's last op that use its results (directly or not), in order."""
        last = max(self.index[m] for m in members)
        found: set[Operation] = set()
        todo = [s for m in members for s in self.succ[m]]
        while todo:
            op = todo.pop()
            if op not in found and op not in members and self.index[op] < last:
                found.add(op)
                todo.extend(self.succ[op])
        return sorted(found, key=self.index.__getitem__)


def _strict(op: Operation) -> bool:
    return STRICT_ATTR in op.attributes


def _fuse_block(block: Block, names: set[str], writes: tuple[TensorWrites, MutationInfo], min_size: int) -> int:
    for op in list(block.ops):
        if not isinstance(op, FusionGroupOp):
            for region in op.regions:
                for inner in region.blocks:
                    _fuse_block(inner, names, writes, min_size)
    count = 0
    while True:  # one group at a time: outlining moves ops, so the next grouping starts afresh
        fusion = _BlockFusion(block, names, writes)
        chosen = [g for g in fusion.groups() if len(g) >= min_size or any(_strict(m) for m in g)]
        if not chosen:
            return count
        fusion.outline(chosen[0])
        count += 1


def unfused_strict_ops(func: FuncOp) -> list[str]:
    """`op at loc` for every op marked strict_fusion that is not inside a fusion group."""
    from tsjit.backends.numpy.plan import location

    found = []
    for op in func.walk():
        if not _strict(op) or isinstance(op, ConstantOp | FusionGroupOp) or op.has_trait(IsTerminator):
            continue
        parent = op.parent_op()
        while parent is not None and not isinstance(parent, FusionGroupOp):
            parent = parent.parent_op()
        if parent is None:
            found.append(f"{op.name} at {location(op) or 'unknown location'}")
    return found


def check_strict(func: FuncOp) -> None:
    unfused = unfused_strict_ops(func)
    if unfused:
        blocks = sorted({op.attributes[STRICT_ATTR].data for op in func.walk() if _strict(op)
                         and isinstance(op.attributes[STRICT_ATTR], StringAttr)})
        raise StrictFusionError("Found unfused operators:\n\t" + "\n\t".join(unfused)
                                + f"\nin the strict_fusion block at {', '.join(blocks)} of @{func.sym_name.data}")


def fuse_function(func: FuncOp, *, min_group_size: int = 2, contractions: bool = False,
                  check_strict_fusion: bool = True) -> int:
    """Outline the fusion groups of one function; returns how many were made."""
    count = _fuse_block(func.body.block, fusible_names(contractions),
                        (TensorWrites(func), MutationInfo(func)), min_group_size)
    if check_strict_fusion:
        check_strict(func)
    return count


@dataclass(frozen=True)
class TsFusionGroupsPass(ModulePass):
    name = "ts-fusion-groups"

    min_group_size: int = 2
    """groups with fewer ops (constants not counted) are not made, as TorchScript's fuser"""
    contractions: bool = False
    """let matmul/linear/conv join groups (what enable_onednn_fusion(True) turns on)"""
    check_strict: bool = True
    """fail when an op of a strict_fusion block stays unfused"""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        for func in [f for f in op.walk() if isinstance(f, FuncOp) and f.body.blocks]:
            fuse_function(func, min_group_size=self.min_group_size, contractions=self.contractions,
                          check_strict_fusion=self.check_strict)
