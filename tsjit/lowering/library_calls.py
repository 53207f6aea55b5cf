"""IR building for `ts-contractions-to-calls`: index arithmetic that folds constants, loops that
vanish when they would run once, flat `memref<?xT>` views, run-time calls and their declarations,
and epilogue generics lowered to loops restricted to one block.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np
from xdsl.dialects import arith, func, memref, scf
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, ArrayAttr, DenseIntOrFPElementsAttr, FloatAttr, IndexType, IntegerAttr, MemRefType, StringAttr,
    UnitAttr, i64,
)
from xdsl.ir import Attribute, Block, Operation, Region, SSAValue
from xdsl.traits import SymbolTable

from tsjit.dialects.ts.constant import dense_to_numpy, numpy_to_dense
from tsjit.lowering.loops import PARALLEL, WORK, lower_op

Index = int | SSAValue
VIEWS = ("memref.subview", "memref.collapse_shape", "memref.expand_shape", "memref.cast")


def root(value: SSAValue) -> SSAValue:
    """The buffer a memref value views (through subview/collapse/expand/cast)."""
    while isinstance(value.owner, Operation) and value.owner.name in VIEWS:
        value = value.owner.operands[0]
    return value


def constant_global(value: SSAValue) -> memref.GlobalOp | None:
    """The constant global `value` reads (through views), or None."""
    op = root(value).owner
    if not isinstance(op, memref.GetGlobalOp):
        return None
    glob = SymbolTable.lookup_symbol(op, op.name_)
    if not isinstance(glob, memref.GlobalOp) or glob.constant is None \
            or not isinstance(glob.initial_value, DenseIntOrFPElementsAttr):
        return None
    return glob


def derived_constant(value: SSAValue, suffix: str, transform: Callable[[np.ndarray], np.ndarray]) -> memref.GetGlobalOp:
    """A get_global of `transform` applied at compile time to the constant global `value` reads: a new
    constant global `<name><suffix>` next to it (made once; ts-contractions-to-calls drops the
    original when nothing reads it any more)."""
    glob = constant_global(value)
    name = glob.sym_name.data + suffix
    existing = SymbolTable.lookup_symbol(glob, name)
    if existing is None:
        values = np.broadcast_to(dense_to_numpy(glob.initial_value), tuple(glob.type.get_shape()))
        new = np.ascontiguousarray(transform(values))
        existing = memref.GlobalOp.get(StringAttr(name), MemRefType(glob.type.element_type, new.shape),
                                       numpy_to_dense(new), constant=UnitAttr())
        glob.parent_block().insert_op_after(existing, glob)
    return memref.GetGlobalOp(name, existing.type)


def blocks(total: int, per_block: int, even: bool = False) -> tuple[int, int]:
    """(block size, count): at most per_block (>= 1) each, balanced. `even`: more than one block
    makes an even count where the total allows (blocks shared by two threads end together)."""
    count = max(1, math.ceil(total / max(1, per_block)))
    if even and count % 2 and 1 < count < total:
        count += 1
    size = math.ceil(total / count)
    return size, math.ceil(total / size)


GEMM_WORK = 32
"""multiply-adds of a GEMM worth one loop iteration in a `parallel_work` mark (the C renderer
starts a thread per 4096 iterations, render_loops.MIN_WORK_PER_THREAD; a GEMM splits across threads
per 2^17 multiply-adds, the same)"""


@dataclass(frozen=True)
class Matrix:
    """A row-major matrix in flat storage: `value` (memref<?xT>), element offset, row stride, transposed?"""

    value: SSAValue
    ld: int
    trans: bool
    offset: Index = 0

    def at(self, offset: Index) -> Matrix:
        return replace(self, offset=offset)


def flat_type(elt: Attribute) -> MemRefType:
    return MemRefType(elt, [DYNAMIC_INDEX])


class Emitter:
    """Collects ops for one rewrite; nested emitters fill loop bodies and share the root's state."""

    def __init__(self, declared: dict[str, list[Attribute]], parent: Emitter | None = None):
        self.declared = declared
        self.root = parent.root if parent else self
        self.ops: list[Operation] = []
        if parent is None:
            self.head: list[Operation] = []  # constants, flat views, scratch buffers: before everything
            self.tail: list[Operation] = []  # deallocs: after everything
            self.consts: dict[int, SSAValue] = {}
            self.flats: dict[SSAValue, SSAValue] = {}
            self.epilogues: list[tuple[Operation, dict[int, tuple[Index, Index]]]] = []

    # index arithmetic (Python ints fold)
    def idx(self, v: Index) -> SSAValue:
        if isinstance(v, SSAValue):
            return v
        consts = self.root.consts
        if v not in consts:
            op = arith.ConstantOp(IntegerAttr(v, IndexType()))
            self.root.head.append(op)
            consts[v] = op.result
        return consts[v]

    def _binary(self, cls, a: Index, b: Index) -> SSAValue:
        op = cls(self.idx(a), self.idx(b))
        self.ops.append(op)
        return op.result

    def add(self, a: Index, b: Index) -> Index:
        if isinstance(a, int) and isinstance(b, int):
            return a + b
        return a if b == 0 else b if a == 0 else self._binary(arith.AddiOp, a, b)

    def sub(self, a: Index, b: Index) -> Index:
        if isinstance(a, int) and isinstance(b, int):
            return a - b
        return a if b == 0 else self._binary(arith.SubiOp, a, b)

    def mul(self, a: Index, b: Index) -> Index:
        if isinstance(a, int) and isinstance(b, int):
            return a * b
        if 0 in (a, b):
            return 0
        return a if b == 1 else b if a == 1 else self._binary(arith.MuliOp, a, b)

    def div(self, a: Index, b: int) -> Index:
        """a / b for a >= 0."""
        if isinstance(a, int):
            return a // b
        return a if b == 1 else self._binary(arith.DivSIOp, a, b)

    def rem(self, a: Index, b: int) -> Index:
        """a % b for a >= 0."""
        if isinstance(a, int):
            return a % b
        return 0 if b == 1 else self._binary(arith.RemSIOp, a, b)

    def min(self, a: Index, b: Index) -> Index:
        if isinstance(a, int) and isinstance(b, int):
            return min(a, b)
        return self._binary(arith.MinSIOp, a, b)

    # memrefs
    def flat(self, value: SSAValue) -> SSAValue:
        """`value` (a contiguous memref) as memref<?xT> over the same storage."""
        flats = self.root.flats
        if value not in flats:
            t = value.type
            shape = t.get_shape()
            view = value
            if len(shape) != 1:
                props = {"reassociation": ArrayAttr([ArrayAttr([IntegerAttr(d, i64) for d in range(len(shape))])])}
                collapse = memref.CollapseShapeOp.create(
                    operands=[value], result_types=[MemRefType(t.element_type, [math.prod(shape)])], properties=props)
                self.root.head.append(collapse)
                view = collapse.results[0]
            cast = memref.CastOp.get(view, flat_type(t.element_type))
            self.root.head.append(cast)
            flats[value] = cast.results[0]
        return flats[value]

    def scratch(self, size: int, elt: Attribute) -> SSAValue:
        """A fresh buffer of `size` elements (allocated before, freed after the rewrite), flat."""
        alloc = memref.AllocOp.get(elt, shape=[size])
        self.root.head.append(alloc)
        return self.flat(alloc.memref)

    def dealloc(self, flat: SSAValue) -> None:
        self.root.tail.append(memref.DeallocOp.get(root(flat)))

    # control and calls
    def loop(self, lb: int, ub: int, step: int, body: Callable[[Emitter, Index], None],
             parallel_work: int | None = None) -> None:
        """body(emitter, iv) for iv in range(lb, ub, step): inline when it runs once. With
        `parallel_work`, the iterations are independent, each worth that many loop iterations
        (marks for the C renderer's `omp parallel for`)."""
        if math.ceil((ub - lb) / step) <= 1:
            body(self, lb)
            return
        block = Block(arg_types=[IndexType()])
        inner = Emitter(self.declared, self)
        body(inner, block.args[0])
        block.add_ops([*inner.ops, scf.YieldOp()])
        loop = scf.ForOp(self.idx(lb), self.idx(ub), self.idx(step), [], Region(block))
        if parallel_work is not None:
            loop.attributes[PARALLEL] = UnitAttr()
            loop.attributes[WORK] = IntegerAttr(parallel_work, i64)
        self.ops.append(loop)

    def call(self, name: str, memrefs: list[SSAValue], indices: list[Index], scalars: list[SSAValue] = ()) -> None:
        args = [*memrefs, *(self.idx(i) for i in indices), *scalars]
        self.declared.setdefault(name, [a.type for a in args])
        self.ops.append(func.CallOp(name, args, []))

    def float(self, value: float, elt: Attribute) -> SSAValue:
        op = arith.ConstantOp(FloatAttr(value, elt))
        self.root.head.append(op)
        return op.result

    def gemm(self, name: str, a: Matrix, b: Matrix, c: Matrix, m: Index, n: Index, k: int, beta: float,
             elt: Attribute) -> None:
        self.call(name, [a.value, b.value, c.value],
                  [a.offset, b.offset, c.offset, m, n, k, a.ld, b.ld, c.ld, int(a.trans), int(b.trans)],
                  [self.float(beta, elt)])

    def gemm_ep(self, name: str, a: Matrix, b: Matrix, c: Matrix, m: Index, n: Index, k: int, beta: float,
                elt: Attribute, bias: Matrix, per_row: bool, lo: float, hi: float) -> None:
        """`name` (tsjit_sgemm_ep, tsjit_sgemm_packed_ep): the GEMM, then C = clamp(C + bias, lo, hi)
        with the bias (from its offset) per row or per column."""
        self.call(name, [a.value, b.value, c.value, bias.value],
                  [a.offset, b.offset, c.offset, m, n, k, a.ld, b.ld, c.ld, int(a.trans), int(b.trans), bias.offset,
                   int(per_row)],
                  [self.float(beta, elt), self.float(lo, elt), self.float(hi, elt)])

    def epilogue(self, op: Operation, bounds: dict[int, tuple[Index, Index]]) -> None:
        """Run the epilogue generic `op` here, on the loop ranges `bounds` (dim -> [lb, ub)) only."""
        op.detach()
        self.ops.append(op)
        self.root.epilogues.append((op, {d: (self.idx(lo), self.idx(hi)) for d, (lo, hi) in bounds.items()}))

    # placing
    def insert_before(self, anchor: Operation) -> None:
        block = anchor.parent_block()
        for op in [*self.head, *self.ops, *self.tail]:
            block.insert_op_before(op, anchor)

    def lower_epilogues(self) -> None:
        """Epilogues with bounds become loop nests over those ranges (the others stay generics)."""
        for op, bounds in self.root.epilogues:
            if not bounds:
                continue
            loop = lower_op(op)
            for depth in range(max(bounds) + 1):
                if depth in bounds:
                    lo, hi = bounds[depth]
                    loop.operands[0], loop.operands[1] = lo, hi
                if depth < max(bounds):
                    loop = loop.body.block.first_op
                    assert isinstance(loop, scf.ForOp), "epilogue loops are perfectly nested"
