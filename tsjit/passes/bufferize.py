"""`ts-bufferize`: tensors -> memrefs for fully lowered (builtin-tensor) functions.

xDSL 0.74 has no bufferization, so this is a small one for our straight-line linalg IR:
- Every tensor value gets a buffer. A destination-passing op (every linalg op) writes into the
  buffer of its `outs`: a fresh `memref.alloc` when the init is a `tensor.empty` (one per use,
  so a `tensor.empty` merged by `cse` never makes two values share memory), the init's own
  buffer when that is provably free to overwrite, otherwise a copy of it.
- "Free to overwrite" (in-place reuse): the buffer's root is an alloc of this function (never a
  function argument or a constant global), and every tensor value living in that buffer (the
  value and its views) has its last use at this op, which reads it through no other operand.
  An elementwise generic whose init is a `tensor.empty` also reuses an input's buffer under
  the same conditions when that input has the result's type and indexing map (each result a
  different input's).
- `arith.constant dense` -> a constant `memref.global` + `memref.get_global` (read-only).
- `tensor.extract_slice` -> `memref.subview` copied into a contiguous alloc; `insert_slice`
  -> a copy into a subview of the destination's buffer; `collapse_shape`/`expand_shape` ->
  the memref views of the same name (aliases of their source).
- Tensor arguments become memref arguments; results become extra memref out-parameters
  appended to the arguments, and the function returns nothing (a scalar result: a 0-d one,
  tsjit/lowering/scalar_results.py). A returned value's alloc is
  replaced by its out-parameter when possible, else it is copied into it.
- Temporaries get a `memref.dealloc` before the return.
- `ts.runtime_call` (a C run-time function on tensors, tsjit/dialects/ts/runtime_call.py) ->
  `func.call` of the function on flat views of the buffers, a fresh buffer per result.
- `scf.for` / `scf.while` / `scf.if` on tensors: a buffer per carried tensor or result, written by the body
  (tsjit/lowering/control_flow_buffers.py); `tensor.extract` -> `memref.load`; a slice at a
  run-time offset (`x[t]` in a loop) is a subview with a dynamic offset.
Functions that still use `ts` values (partly lowered) are left alone.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from xdsl.context import Context
from xdsl.dialects import arith, func, memref, scf, tensor
from xdsl.dialects.builtin import (
    ArrayAttr,
    DenseArrayBase,
    DYNAMIC_INDEX,
    DenseIntOrFPElementsAttr,
    DictionaryAttr,
    FunctionType,
    IndexType,
    IntegerAttr,
    MemRefType,
    ModuleOp,
    NoneAttr,
    TensorType,
    UnitAttr,
    i64,
)
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.passes import ModulePass
from xdsl.rewriter import InsertPoint, Rewriter
from xdsl.transforms.dead_code_elimination import region_dce
from xdsl.utils.exceptions import PassFailedException

from tsjit.backends.signature import OUTPUT, SCALAR_OUTPUT
from tsjit.dialects.ts.runtime_call import RuntimeCallOp
from tsjit.lowering import body_reads
from tsjit.lowering import control_flow_buffers as regions
from tsjit.lowering import scalar_results
from tsjit.lowering.buffer_views import ConstantGlobals as _Globals
from tsjit.lowering.buffer_views import memref_of, mixed_offsets, static_only, unit_groups
from tsjit.lowering.runtime_functions import declare


def _is_tensor(v: SSAValue) -> bool:
    return isinstance(v.type, TensorType)


def _is_builtin_only(fn: func.FuncOp) -> bool:
    """No `ts` value used or made in `fn` (an unused `self` argument may stay)."""
    def ok(t: Attribute) -> bool:
        return not type(t).__module__.startswith("tsjit.")
    types = list(fn.function_type.outputs)
    for op in fn.body.walk():
        types += [v.type for v in (*op.operands, *op.results)]
    return all(ok(t) for t in types)


class _FuncBufferizer:
    def __init__(self, fn: func.FuncOp, globals_: _Globals):
        self.fn = fn
        self.block = fn.body.block
        self.globals = globals_
        self.buf: dict[SSAValue, SSAValue] = {}      # tensor value -> its memref
        self.root: dict[SSAValue, SSAValue] = {}     # memref -> the alloc/arg/global it views
        self.members: dict[SSAValue, list[SSAValue]] = {}  # root -> tensor values living in it
        self.writable: set[SSAValue] = set()         # roots we may overwrite (our allocs)
        self.allocs: list[memref.AllocOp] = []
        self.last_use: dict[SSAValue, int] = {}
        self.index = 0
        self.at: Operation | None = None
        self.alloc_at: Operation | None = None       # where allocs go (before a region op)
        self.yield_targets: dict[SSAValue, SSAValue] = {}  # value -> carried buffer it may write

    # -- bookkeeping ------------------------------------------------------------------------
    def _insert(self, op: Operation) -> Operation:
        assert self.at is not None
        Rewriter.insert_op(op, InsertPoint.before(self.at))
        return op

    def _bind(self, value: SSAValue, buffer: SSAValue, root: SSAValue | None = None) -> None:
        root = self.root.get(buffer, buffer) if root is None else root
        self.buf[value] = buffer
        self.root[buffer] = root
        self.members.setdefault(root, []).append(value)

    def _alloc(self, t: TensorType) -> SSAValue:
        op = memref.AllocOp.get(t.element_type, shape=t.get_shape())
        regions.insert_alloc(self, op)
        self.allocs.append(op)
        self.writable.add(op.memref)
        self.root[op.memref] = op.memref
        return op.memref

    def _free_at(self, value: SSAValue, op: Operation) -> bool:
        """May `op` (at self.index) overwrite `value`'s buffer?"""
        root = self.root[self.buf[value]]
        if root not in self.writable:
            return False
        if any(self.last_use.get(w, -1) > self.index for w in self.members[root]):
            return False
        others = [v for v in op.operands if _is_tensor(v) and v is not value] + body_reads.read_tensors(op)
        return all(self.root[self.buf[v]] is not root for v in others if v in self.buf)

    def _read(self, v: SSAValue) -> SSAValue:
        if not _is_tensor(v):
            return v
        if v not in self.buf:  # a tensor.empty read as an input: undefined contents
            self._bind(v, self._alloc(v.type))
        return self.buf[v]

    def _dest(self, op: Operation, init: SSAValue, index: int, taken: Sequence[SSAValue] = ()) -> SSAValue:
        """The buffer `op` writes its `index`-th result into (`taken`: its earlier results' buffers)."""
        if (target := regions.yield_dest(self, op, index)) is not None:
            if not isinstance(init.owner, tensor.EmptyOp) and self.buf[init] is not target:
                self._insert(memref.CopyOp(self.buf[init], target))
            return target
        if isinstance(init.owner, tensor.EmptyOp):
            reused = self._reusable_input(op, index, taken)
            return self.buf[reused] if reused is not None else self._alloc(init.type)
        if self._free_at(init, op):
            return self.buf[init]
        new = self._alloc(init.type)
        self._insert(memref.CopyOp(self.buf[init], new))
        return new

    def _reusable_input(self, op: Operation, index: int, taken: Sequence[SSAValue]) -> SSAValue | None:
        if not (isinstance(op, linalg.GenericOp) and all(
                it.data == linalg.IteratorType.PARALLEL for it in op.iterator_types)):
            return None
        maps = op.indexing_maps.data
        out_map = maps[len(op.inputs) + index]
        for value, amap in zip(op.inputs, maps):
            if (value.type == op.outputs[index].type and amap == out_map
                    and value in self.buf and self.buf[value] is self.root[self.buf[value]]
                    and self._free_at(value, op) and not any(self.buf[value] is t for t in taken)):
                return value  # (one output per input buffer: two results never share memory)
        return None

    # -- per-op rules -----------------------------------------------------------------------
    def _linalg(self, op: Operation) -> None:
        ins = [self._read(v) for v in op.inputs]
        outs: list[SSAValue] = []
        for k, v in enumerate(op.outputs):
            outs.append(self._dest(op, v, k, outs))
        body_reads.to_loads(self, op)
        regions = [op.detach_region(r) for r in list(op.regions)]
        new = op.create(operands=[*ins, *outs], result_types=[],
                        properties=dict(op.properties), attributes=dict(op.attributes),
                        regions=regions)
        self._insert(new)
        for res, out in zip(op.results, outs):
            self._bind(res, out)

    def _constant(self, op: arith.ConstantOp) -> None:
        g = self.globals.get(op.value)
        get = self._insert(memref.GetGlobalOp(g.sym_name.data, g.type))
        self._bind(op.result, get.memref, get.memref)

    def _extract_slice(self, op: tensor.ExtractSliceOp) -> None:
        static_only(op)
        src = self._read(op.source)
        sizes, shape = op.static_sizes.get_values(), tuple(op.result.type.get_shape())
        reduced = len(shape) < len(src.type.get_shape())
        # xDSL's rank reduction drops every unit dim; a result that keeps some (select dim 2 of
        # [1,5,1] is [1,5]) takes a full-rank copy into its buffer seen through an expand_shape
        keeps_units = reduced and 1 in shape
        offsets, strides = mixed_offsets(op.static_offsets, op.offsets), op.static_strides.get_values()
        view = self._insert(memref.SubviewOp.get(src, offsets, sizes, strides, memref.SubviewOp.infer_result_type(
            src.type, offsets, sizes, strides, reduce_rank=reduced and not keeps_units)))
        new = self._alloc(op.result.type)
        dest = self._view(memref.ExpandShapeOp, new, unit_groups(tuple(sizes), shape), tuple(sizes)) \
            if keeps_units else new
        self._insert(memref.CopyOp(view.result, dest))
        self._bind(op.result, new)

    def _insert_slice(self, op: tensor.InsertSliceOp) -> None:
        static_only(op)
        dest = self._dest(op, op.dest, 0)
        offsets, sizes, strides = (mixed_offsets(op.static_offsets, op.offsets), op.static_sizes.get_values(),
                                   op.static_strides.get_values())
        reduced = len(op.source.type.get_shape()) < len(dest.type.get_shape())
        view = self._insert(memref.SubviewOp.get(dest, offsets, sizes, strides, memref.SubviewOp.infer_result_type(
            dest.type, offsets, sizes, strides, reduce_rank=reduced)))
        self._insert(memref.CopyOp(self._read(op.source), view.result))
        self._bind(op.result, dest)

    def _reshape(self, op: tensor.CollapseShapeOp | tensor.ExpandShapeOp) -> None:
        src = self._read(op.src)
        props = {"reassociation": op.reassociation}
        if isinstance(op, tensor.ExpandShapeOp):
            props["static_output_shape"] = op.static_output_shape
        cls = memref.CollapseShapeOp if isinstance(op, tensor.CollapseShapeOp) else memref.ExpandShapeOp
        view = self._insert(cls.create(operands=[src], result_types=[memref_of(op.result.type)],
                                       properties=props))
        self._bind(op.result, view.results[0])

    def _view(self, cls, src: SSAValue, runs: list[list[int]], shape: tuple[int, ...]) -> SSAValue:
        props: dict[str, Attribute] = {"reassociation": ArrayAttr(
            [ArrayAttr([IntegerAttr(k, i64) for k in run]) for run in runs])}
        if cls is memref.ExpandShapeOp:
            props["static_output_shape"] = DenseArrayBase.from_list(i64, list(shape))
        t = MemRefType(src.type.element_type, shape)
        return self._insert(cls.create(operands=[src], result_types=[t], properties=props)).results[0]

    def _reshape_any(self, op: tensor.ReshapeOp) -> None:
        """Row-major reshape (static): collapse to 1-D, expand to the result's shape (views)."""
        src = self._read(op.source)
        shape = tuple(op.result.type.get_shape())
        src_shape = tuple(src.type.get_shape())
        view = src
        if src_shape != shape:
            if len(src_shape) != 1:
                view = self._view(memref.CollapseShapeOp, view,
                                  [list(range(len(src_shape)))] if src_shape else [],
                                  (math.prod(src_shape),) if shape else ())
            if len(shape) != 1 and shape != tuple(view.type.get_shape()):
                view = self._view(memref.ExpandShapeOp, view,
                                  [list(range(len(shape)))] if view.type.get_shape() else [], shape)
        self._bind(op.result, view)

    def _pad(self, op: tensor.PadOp) -> None:
        """A fresh buffer filled with the padding value, the source copied into its interior."""
        if op.low or op.high:
            raise PassFailedException("ts-bufferize: 'tensor.pad' with dynamic padding")
        body = op.region.block
        pad_value = body.last_op.operands[0]
        mapping: dict[SSAValue, SSAValue] = {}
        for inner in list(body.ops)[:-1]:  # the padding value may be computed in the region
            self._insert(inner.clone(mapping))
        pad_value = mapping.get(pad_value, pad_value)
        new = self._alloc(op.result.type)
        self._insert(linalg.FillOp((pad_value,), (new,), ()))
        src = self._read(op.source)
        view = self._insert(memref.SubviewOp.from_static_parameters(
            new, new.type, op.static_low.get_values(), src.type.get_shape(),
            [1] * len(src.type.get_shape())))
        self._insert(memref.CopyOp(src, view.result))
        self._bind(op.result, new)

    def _runtime_call(self, op: RuntimeCallOp) -> None:
        """`func.call @callee(inputs..., results..., sizes...)`: tensors as flat `memref<?xT>` views of
        their buffers (a strided one copied first), a fresh buffer per result, sizes as index constants."""
        def flat(buffer: SSAValue) -> SSAValue:
            t = buffer.type
            if not isinstance(t.layout, NoneAttr):  # a view (x[i] at a run-time i): a contiguous copy
                copy = self._alloc(TensorType(t.element_type, t.get_shape()))
                self._insert(memref.CopyOp(buffer, copy))
                buffer = copy
                t = copy.type
            if len(t.get_shape()) != 1:
                buffer = self._view(memref.CollapseShapeOp, buffer, [list(range(len(t.get_shape())))],
                                    (math.prod(t.get_shape()),))
            return self._insert(memref.CastOp.get(buffer, MemRefType(t.element_type, [DYNAMIC_INDEX]))).results[0]

        args = [flat(self._read(v)) if _is_tensor(v) else v for v in op.inputs]
        for r in op.outputs:
            buffer = self._alloc(r.type)
            self._bind(r, buffer)
            args.append(flat(buffer))
        args += [self._insert(arith.ConstantOp(IntegerAttr(s, IndexType()))).results[0] for s in op.size_values()]
        declare(self.fn, op.callee.data, [a.type for a in args], [])
        self._insert(func.CallOp(op.callee.data, args, []))

    def _return(self, op: func.ReturnOp, out_params: list[SSAValue]) -> None:
        replaced: dict[SSAValue, SSAValue] = {}  # buffer -> the out-parameter that took its place
        for value, param in zip(op.arguments, out_params):
            if not _is_tensor(value):  # a scalar result: stored into its 0-d out-parameter
                self._insert(scalar_results.store(value, param))
                continue
            src = self.buf[value]
            alloc = src.owner
            if (isinstance(alloc, memref.AllocOp) and src in self.writable and src not in replaced
                    and src.type == param.type):
                replaced[src] = param
                src.replace_all_uses_with(param)
                self.allocs.remove(alloc)
                Rewriter.erase_op(alloc)
            else:  # (`return y, y`: the second copies the first's out-parameter)
                self._insert(memref.CopyOp(replaced.get(src, src), param))
        for alloc in self.allocs:
            self._insert(memref.DeallocOp.get(alloc.memref))
        self._insert(func.ReturnOp())

    # -- driver -----------------------------------------------------------------------------
    def run(self) -> None:
        ops = list(self.block.ops)
        for i, op in enumerate(ops):
            for inner in op.walk():
                for v in inner.operands:
                    if _is_tensor(v):
                        self.last_use[v] = i
        out_params = self._rewrite_signature()
        for i, op in enumerate(ops):
            self.index, self.at = i, op
            if isinstance(op, func.ReturnOp):
                self._return(op, out_params)
            else:
                self._op(op)
        for op in reversed(ops):
            if isinstance(op, func.ReturnOp) or any(_is_tensor(v) for v in op.results):
                Rewriter.erase_op(op)
        for arg in [a for a in self.block.args if a not in self._new_args]:
            self.block.erase_arg(arg)

    def _op(self, op: Operation) -> None:
        if isinstance(op, linalg.LinalgStructuredOperation):
            self._linalg(op)
        elif isinstance(op, arith.ConstantOp) and isinstance(op.value, DenseIntOrFPElementsAttr):
            self._constant(op)
        elif isinstance(op, tensor.EmptyOp):
            pass  # buffers are allocated where an op writes into it
        elif isinstance(op, scf.ForOp | scf.WhileOp | scf.IfOp) and any(
                _is_tensor(v) for inner in op.walk() for v in (*inner.operands, *inner.results)):
            (regions.bufferize_for if isinstance(op, scf.ForOp) else regions.bufferize_while
             if isinstance(op, scf.WhileOp) else regions.bufferize_if)(self, op)
        elif isinstance(op, tensor.ExtractOp):  # an element read: a load; the op goes now
            load = self._insert(memref.LoadOp.get(self._read(op.tensor), op.indices))
            op.result.replace_all_uses_with(load.res)
            Rewriter.erase_op(op)
        elif isinstance(op, RuntimeCallOp):
            self._runtime_call(op)
        elif type(op) in _RULES:
            getattr(self, _RULES[type(op)])(op)
        elif any(_is_tensor(v) for v in (*op.operands, *op.results)):
            raise PassFailedException(
                f"ts-bufferize: cannot bufferize '{op.name}' in @{self.fn.sym_name.data}")

    def _rewrite_signature(self) -> list[SSAValue]:
        old_args = list(self.block.args)
        self._new_args: list[SSAValue] = []
        for arg in old_args:
            t = memref_of(arg.type) if _is_tensor(arg) else arg.type
            new = self.block.insert_arg(t, len(self.block.args))
            new.name_hint = arg.name_hint
            self._new_args.append(new)
            if _is_tensor(arg):
                self.buf[arg] = new
                self.root[new] = new
                self.members[new] = [arg]
            else:
                arg.replace_all_uses_with(new)
        outs, marks = [], []
        for k, t in enumerate(self.fn.function_type.outputs):
            scalar = None if isinstance(t, TensorType) else scalar_results.out_parameter(t)
            if not isinstance(t, TensorType) and scalar is None:
                raise PassFailedException(
                    f"ts-bufferize: @{self.fn.sym_name.data} returns a {t}, neither a tensor nor a scalar")
            outs.append(self.block.insert_arg(memref_of(t) if scalar is None else scalar[0], len(self.block.args)))
            outs[-1].name_hint = f"out{k}"
            marks.append({OUTPUT: UnitAttr()} if scalar is None else
                         {OUTPUT: UnitAttr(), SCALAR_OUTPUT: scalar[1]})
        self._new_args += outs
        self.writable.update(outs)
        self.fn.function_type = FunctionType.from_lists([a.type for a in self._new_args], [])
        self.fn.arg_attrs = ArrayAttr([DictionaryAttr({})] * (len(self._new_args) - len(outs))
                                      + [DictionaryAttr(m) for m in marks])
        self.fn.res_attrs = None
        return outs


_RULES = {
    tensor.ExtractSliceOp: "_extract_slice",
    tensor.InsertSliceOp: "_insert_slice",
    tensor.CollapseShapeOp: "_reshape",
    tensor.ExpandShapeOp: "_reshape",
    tensor.ReshapeOp: "_reshape_any",
    tensor.PadOp: "_pad",
}


@dataclass(frozen=True)
class TsBufferizePass(ModulePass):
    """Tensors -> memrefs; function results become out-parameters."""

    name = "ts-bufferize"

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        globals_ = _Globals(op)
        for fn in [f for f in op.walk() if isinstance(f, func.FuncOp)]:
            if fn.body.blocks:
                region_dce(fn.body)  # dead scalar ts constants left by ts-to-linalg
            if fn.body.blocks and _is_builtin_only(fn) and _uses_tensors(fn):
                if len(fn.body.blocks) != 1:
                    raise PassFailedException("ts-bufferize: multi-block functions are not supported")
                _FuncBufferizer(fn, globals_).run()


def _uses_tensors(fn: func.FuncOp) -> bool:
    return any(isinstance(t, TensorType) for t in (*fn.function_type.inputs, *fn.function_type.outputs)) \
        or any(_is_tensor(v) for op in fn.walk() for v in op.results)
