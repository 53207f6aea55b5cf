"""Loop-level IR (func/scf/memref/arith/math/affine.apply) -> C99 source.

Table-driven: `EXPRESSIONS` maps a pure op to a C expression template over its operands'
variable names ({0}, {1}, ...; {t} is the result's C type), `STATEMENTS` maps the other ops to
a function that emits lines. A memref value is a pointer to its allocation's first element;
its type's strides and offset (row-major unless the type says otherwise) give the index
arithmetic, so subviews and reshapes are the same pointer with another type.

The C vocabulary (prelude, op tables, types, literals) is in render_tables.py, `scf.while` in
render_while.py; speed comes from the sibling modules: render_loops.py (OpenMP parallel/simd
pragmas from the `tsjit.parallel` marks), render_math.py (vectorisable float math instead of libm calls),
render_memory.py (weights filled at load time, an arena for temporaries), render_half.py (f16
stored as 16 bits, computed in float). A call of a body-less
`func.func` is a call of a C run-time function (tsjit.backends.c.runtime), its source appended.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from xdsl.dialects.builtin import (
    DYNAMIC_INDEX, DenseIntOrFPElementsAttr, Float32Type, IndexType, MemRefType, ModuleOp,
)
from xdsl.dialects.func import FuncOp
from xdsl.ir import Operation, SSAValue
from xdsl.ir.affine import AffineBinaryOpExpr, AffineConstantExpr, AffineDimExpr, AffineSymExpr

from tsjit.backends.c import render_half, render_loops, render_memory
from tsjit.backends.c.render_math import clamp_template, float_math
from tsjit.backends.c.render_while import render_condition, render_while
from tsjit.backends.c.render_tables import (  # noqa: F401 (UnsupportedOp, c_type: public here)
    _NP, AFFINE, CMPF, CMPI, EXPRESSIONS, PRELUDE, REDUCTION_CLAUSES, UnsupportedOp, c_identifier, c_type, literal,
    unsigned_c_type,
)
from tsjit.dialects.ts.constant import dense_to_numpy

@dataclass
class RenderedC:
    """A rendered module: C source, {IR function name: C name}, and the weights of its
    `ts_weights` table in table order (symbol name, C-contiguous values) to copy in after loading."""

    source: str
    functions: dict[str, str]
    weights: list[tuple[str, np.ndarray]] = field(default_factory=list)


class Renderer:
    """Renders one module; `render()` gives the C source, `functions` the C names of its functions,
    `weights` the values of the weight buffers."""

    def __init__(self, module: ModuleOp):
        self.module = module
        self.names: dict[SSAValue, str] = {}
        self.lines: list[str] = []
        self.depth = 0
        self.functions: dict[str, str] = {}
        self.weights: list[tuple[str, np.ndarray]] = []
        self.runtime_calls: set[str] = set()
        self.declared = {op.sym_name.data for op in module.ops if isinstance(op, FuncOp) and not op.body.blocks}
        self.pragmas: dict[Operation, str] = {}
        self.arena: dict[Operation, int] = {}
        self._yield_targets: list[list[str]] = []
        self.rebased: set[SSAValue] = set()  # memrefs whose pointer includes their (run-time) offset
        self.half = False  # an f16 buffer was rendered: the source needs the conversions

    # -- helpers -------------------------------------------------------------------------
    def emit(self, line: str) -> None:
        self.lines.append("    " * self.depth + line)

    def name(self, value: SSAValue) -> str:
        return self.names[value]

    def define(self, value: SSAValue, name: str | None = None) -> str:
        self.names[value] = name or f"v{len(self.names)}"
        return self.names[value]

    def element(self, memref: SSAValue, indices: list[str]) -> str:
        """`p[offset + i0*s0 + ...]` (indices are C names) from the memref type's layout."""
        t = memref.type
        strides, offset = t.get_strides(), 0 if memref in self.rebased else t.get_offset()
        if offset is None or strides is None or any(s is None for s in strides):
            raise UnsupportedOp(f"C backend: dynamic layout {t}")
        terms = [str(offset)] if offset else []
        terms += [i if s == 1 else f"{i} * {s}" for i, s in zip(indices, strides)]
        return f"{self.name(memref)}[{' + '.join(terms) or '0'}]"

    def block(self, block) -> None:
        self.depth += 1
        for op in block.ops:
            self.op(op)
        self.depth -= 1

    def load(self, op) -> None:
        value = self.element(op.memref, [self.name(i) for i in op.indices])
        if c_type(op.res.type) == "bool":  # read as a byte: GCC vectorises no loop loading a _Bool (a mask)
            value = f"((const uint8_t *){self.name(op.memref)}){value[len(self.name(op.memref)):]} != 0"
        if render_half.is_half(op.memref.type):
            value, self.half = render_half.load(op.memref.type, value), True
        self.emit(f"{c_type(op.res.type)} {self.define(op.res)} = {value};")

    def store(self, op) -> None:
        value = self.name(op.value)
        if render_half.is_half(op.memref.type):
            value, self.half = render_half.store(op.memref.type, value), True
        self.emit(f"{self.element(op.memref, [self.name(i) for i in op.indices])} = {value};")

    def op(self, op: Operation) -> None:
        if op.name in EXPRESSIONS:
            t = op.results[0].type
            half = render_half.is_half(t)
            template = (None if half else clamp_template(op)) \
                or (float_math(op) if half or isinstance(t, Float32Type) else None) or EXPRESSIONS[op.name]
            u = unsigned_c_type(op.operands[0].type) if "{u}" in template else ""
            expr = template.format(*(self.name(o) for o in op.operands), t=c_type(t), u=u)
            if half:
                expr, self.half = render_half.rounded(t, op.name, expr), True
            self.emit(f"{c_type(t)} {self.define(op.results[0])} = {expr};")
            return
        handler = STATEMENTS.get(op.name)
        if handler is None:
            raise UnsupportedOp(f"C backend: no rendering for '{op.name}'")
        handler(self, op)

    # -- module --------------------------------------------------------------------------
    def render(self) -> str:
        body: list[str] = []
        for op in self.module.ops:
            self.lines = []
            if op.name == "memref.global":
                render_global(self, op)
            elif isinstance(op, FuncOp):
                if op.body.blocks:
                    render_function(self, op)
            else:
                raise UnsupportedOp(f"C backend: no rendering for top-level '{op.name}'")
            body += self.lines
        from tsjit.backends.c.runtime import source_for

        runtime = source_for(self.runtime_calls) + "\n" if self.runtime_calls else ""
        table = render_memory.weight_table(self.weights)
        half = render_half.HALF_PRELUDE if self.half else ""
        return PRELUDE + half + "\n" + runtime + "\n".join(body + table) + "\n"


# -- statements ----------------------------------------------------------------------------
def render_global(r: Renderer, op) -> None:
    t = op.type
    name = render_memory.global_name(op.sym_name.data)
    size = max(1, int(np.prod(t.get_shape())))
    const = "const " if op.constant is not None else ""
    value = op.initial_value
    weight = render_memory.weight_value(op)
    half = render_half.is_half(t)
    if weight is not None:
        r.weights.append((op.sym_name.data, weight.astype(render_half.narrow(t).numpy if half else _NP[c_type(t)],
                                                          copy=False)))
        r.emit(f"static {c_type(t)} {name}[{size}] __attribute__((aligned(64)));")
    elif isinstance(value, DenseIntOrFPElementsAttr):
        data = np.broadcast_to(dense_to_numpy(value), t.get_shape()).ravel()
        items = ", ".join(str(int(v)) for v in render_half.storage(data, t.element_type)) if half else \
            ", ".join(literal(v, t.element_type) for v in data.tolist())
        r.emit(f"static {const}{c_type(t)} {name}[{size}] __attribute__((aligned(64))) = {{{items}}};")
    else:
        r.emit(f"static {c_type(t)} {name}[{size}] __attribute__((aligned(64)));")


def render_function(r: Renderer, op: FuncOp) -> None:
    if op.function_type.outputs.data:
        raise UnsupportedOp("C backend: functions must return nothing (results are memref out-parameters)")
    cname = r.functions[op.sym_name.data] = c_identifier(op.sym_name.data)
    params = []
    for i, arg in enumerate(op.body.block.args):
        ptr = " *restrict" if isinstance(arg.type, MemRefType) else ""
        params.append(f"{c_type(arg.type)}{ptr} {r.define(arg, f'a{i}')}")
    r.emit(f"void {cname}({', '.join(params) or 'void'}) {{")
    r.pragmas = {}
    for loop in render_loops.top_level_loops(op):
        r.pragmas.update(render_loops.plan(loop))
    r.arena, size = render_memory.plan_arena(
        op.body.block, lambda t: np.dtype(_NP[c_type(t)]).itemsize)
    if size:
        r.depth += 1
        for line in render_memory.arena_prologue(size):
            r.emit(line)
        r.depth -= 1
    r.block(op.body.block)
    r.emit("}")
    r.emit("")


def _constant(r: Renderer, op) -> None:
    t = op.result.type
    value = op.value
    if isinstance(value, DenseIntOrFPElementsAttr) or not hasattr(value, "value"):
        raise UnsupportedOp(f"C backend: non-scalar constant {value}")
    v = value.value.data
    r.emit(f"const {c_type(t)} {r.define(op.result)} = {literal(v, t)};")


def _compare(table: dict[int, str]) -> Callable:
    def render(r: Renderer, op) -> None:
        cond = table[op.predicate.value.data].format(r.name(op.lhs), r.name(op.rhs))
        r.emit(f"bool {r.define(op.result)} = {cond};")

    return render


def _for(r: Renderer, op) -> None:
    body = op.body.block
    iv = r.define(body.args[0])
    results = [r.define(res) for res in op.results]
    for res, init in zip(op.results, op.iter_args):
        r.emit(f"{c_type(res.type)} {r.name(res)} = {r.name(init)};")
    for arg, res in zip(body.args[1:], results):
        r.define(arg, res)
    lb, ub, step = r.name(op.lb), r.name(op.ub), r.name(op.step)
    if op in r.pragmas:
        r.emit(r.pragmas[op])
    elif "tsjit.reduction" in op.attributes:  # ts-wide-accumulators: a reduction the compiler may split in lanes
        clause = REDUCTION_CLAUSES[op.attributes["tsjit.reduction"].data]
        r.emit(f"#pragma omp simd reduction({clause.format(c_type(op.results[0].type))}:{results[0]})")
    r.emit(f"for (int64_t {iv} = {lb}; {iv} < {ub}; {iv} += {step}) {{")
    r._yield_targets.append(results)
    r.block(body)
    r._yield_targets.pop()
    r.emit("}")


def _if(r: Renderer, op) -> None:
    results = [r.define(res) for res in op.results]
    for res in op.results:
        r.emit(f"{c_type(res.type)} {r.name(res)};")
    r._yield_targets.append(results)
    r.emit(f"if ({r.name(op.cond)}) {{")
    r.block(op.true_region.block)
    if op.false_region.blocks:
        r.emit("} else {")
        r.block(op.false_region.block)
    r.emit("}")
    r._yield_targets.pop()


def _yield(r: Renderer, op) -> None:
    targets = r._yield_targets[-1]
    # through temporaries: a yield may permute the loop-carried values
    temps = [f"{t}_next" for t in targets]
    for temp, value in zip(temps, op.operands):
        r.emit(f"{c_type(value.type)} {temp} = {r.name(value)};")
    for target, temp in zip(targets, temps):
        r.emit(f"{target} = {temp};")


def _affine_expr(expr, dims: list[str], syms: list[str]) -> str:
    if isinstance(expr, AffineDimExpr):
        return dims[expr.position]
    if isinstance(expr, AffineSymExpr):
        return syms[expr.position]
    if isinstance(expr, AffineConstantExpr):
        return str(expr.value)
    if isinstance(expr, AffineBinaryOpExpr):
        return AFFINE[expr.kind].format(_affine_expr(expr.lhs, dims, syms), _affine_expr(expr.rhs, dims, syms))
    raise UnsupportedOp(f"C backend: affine expression {expr}")


def _affine_apply(r: Renderer, op) -> None:
    amap = op.map.data
    names = [r.name(o) for o in op.mapOperands]
    expr = _affine_expr(amap.results[0], names[:amap.num_dims], names[amap.num_dims:])
    r.emit(f"int64_t {r.define(op.result)} = {expr};")


def _alloc(r: Renderer, op) -> None:
    t = op.memref.type
    if op.dynamic_sizes:
        raise UnsupportedOp("C backend: dynamic memref sizes")
    ctype, n = c_type(t), max(1, int(np.prod(t.get_shape())))
    if op in r.arena:
        r.emit(f"{ctype} *{r.define(op.memref)} = ({ctype} *)(ts_base + {r.arena[op]});")
        return
    size = (n * np.dtype(_NP[ctype]).itemsize + 63) // 64 * 64
    r.emit(f"{ctype} *{r.define(op.memref)} = aligned_alloc(64, {size});")


def _dealloc(r: Renderer, op) -> None:
    alloc = op.memref.owner
    if alloc not in r.arena:
        r.emit(f"free({r.name(op.memref)});")


def _return(r: Renderer, op) -> None:
    if r.arena:
        r.emit(render_memory.ARENA_EPILOGUE)
    r.emit("return;")




def _alias(r: Renderer, op) -> None:
    """subview/collapse/expand/cast: the same pointer; the result type carries the new layout.
    A subview at a run-time offset (`x[t]` in a loop), or of such a view, is a new pointer to its
    first element instead ("rebased": its elements are addressed from offset 0)."""
    src, res = op.operands[0], op.results[0]
    if getattr(op, "dynamic_sizes", None) or getattr(op, "sizes", None) or getattr(op, "strides", None):
        raise UnsupportedOp(f"C backend: dynamic {op.name}")
    if op.name == "memref.subview" and (op.offsets or src in r.rebased):
        strides = src.type.get_strides()
        base = 0 if src in r.rebased else src.type.get_offset()
        if strides is None or base is None or any(s is None for s in strides):
            raise UnsupportedOp(f"C backend: dynamic layout {src.type}")
        terms = [str(base)] if base else []
        dynamic = iter(op.offsets)
        for offset, stride in zip(op.static_offsets.get_values(), strides):
            if offset == DYNAMIC_INDEX:
                terms.append(f"{r.name(next(dynamic))} * {stride}")
            elif offset:
                terms.append(str(offset * stride))
        r.emit(f"{c_type(res.type)} *{r.define(res)} = {r.name(src)} + {' + '.join(terms) or '0'};")
        r.rebased.add(res)
        return
    if getattr(op, "offsets", None):
        raise UnsupportedOp(f"C backend: dynamic {op.name}")
    r.names[res] = r.name(src)
    if src in r.rebased:
        r.rebased.add(res)


def _copy(r: Renderer, op) -> None:
    """A loop nest (memref.copy's operands do not overlap): SIMD inside, threads outside when big."""
    source, target = op.source, op.destination
    shape = [n for n in target.type.get_shape()]
    ivs = [f"c{len(r.lines)}_{d}" for d in range(len(shape))]
    unit = shape and all(t.get_strides() and t.get_strides()[-1] == 1 for t in (source.type, target.type))
    size = int(np.prod(shape))
    outer = next((d for d, n in enumerate(shape[:-1]) if n > 1), None)  # first loop worth sharing
    threads = outer is not None and size >= 2 * render_loops.MIN_WORK_PER_THREAD and \
        render_loops.enclosing_loop(op) is None
    for d, (iv, n) in enumerate(zip(ivs, shape)):
        if threads and d == outer:
            r.emit("    " * d + f"#pragma omp parallel for schedule(static) num_threads(ts_num_threads(INT64_C({size})))")
        if d == len(shape) - 1 and unit:
            r.emit("    " * d + render_loops.simd_pragma(n))
        r.emit("    " * d + f"for (int64_t {iv} = 0; {iv} < {n}; ++{iv})")
    r.emit("    " * len(shape) + f"{r.element(target, ivs)} = {r.element(source, ivs)};")


def _call(r: Renderer, op) -> None:
    """A defined function by its C name; a declared one (a run-time function) by its symbol,
    memrefs as pointers to their first element (the type's static offset added)."""
    if op.results and (len(op.results) > 1 or op.callee.string_value() not in r.declared):
        raise UnsupportedOp("C backend: func.call with results")
    if any(a in r.rebased for a in op.arguments):
        raise UnsupportedOp("C backend: a view at a run-time offset passed to a call")
    callee = op.callee.string_value()
    if callee not in r.declared:
        args = ", ".join(r.name(a) for a in op.arguments)
        r.emit(f"{c_identifier(callee)}({args});")
        return
    _check_lapack(callee)
    r.runtime_calls.add(callee)
    args = []
    for a in op.arguments:
        offset = a.type.get_offset() if isinstance(a.type, MemRefType) else 0
        if offset is None:
            raise UnsupportedOp(f"C backend: dynamic offset of {a.type} in a call of {callee}")
        value = render_loops.constant_int(a) if isinstance(a.type, IndexType) else None
        # constants as literals: inlined run-time code specialises on them, also inside OpenMP regions
        args.append(f"INT64_C({value})" if value is not None else f"{r.name(a)} + {offset}" if offset else r.name(a))
    call = f"{callee}({', '.join(args)})"
    r.emit(f"{c_type(op.results[0].type)} {r.define(op.results[0])} = {call};" if op.results else f"{call};")


def _check_lapack(callee: str) -> None:
    """A LAPACK run-time function needs scipy-openblas32: without it the call is refused (the
    compile falls back to numpy, or raises FallbackError, naming the reason)."""
    from tsjit.backends.c import blas
    from tsjit.backends.c.runtime.lapack import LAPACK_FUNCTIONS

    if callee in LAPACK_FUNCTIONS and blas.openblas() is None:
        raise UnsupportedOp(f"C backend: {callee} needs LAPACK from scipy-openblas32 (not installed, or TSJIT_BLAS=none)")


#: op -> function(renderer, op) emitting its statements
STATEMENTS: dict[str, Callable[[Renderer, Operation], None]] = {
    "arith.constant": _constant,
    "arith.cmpf": _compare(CMPF),
    "arith.cmpi": _compare(CMPI),
    "affine.apply": _affine_apply,
    "scf.for": _for,
    "scf.if": _if,
    "scf.yield": _yield,
    "scf.while": render_while,
    "scf.condition": render_condition,
    "memref.load": Renderer.load,
    "memref.store": Renderer.store,
    "memref.alloc": _alloc,
    "memref.alloca": _alloc,
    "memref.dealloc": _dealloc,
    "memref.get_global": lambda r, op: r.emit(
        f"{c_type(op.memref.type)} *{r.define(op.memref)} = ({c_type(op.memref.type)} *)"
        f"{render_memory.global_name(op.name_.string_value())};"),
    "memref.subview": _alias,
    "memref.collapse_shape": _alias,
    "memref.expand_shape": _alias,
    "memref.cast": _alias,
    "memref.copy": _copy,
    "func.call": _call,
    "func.return": _return,
}


def render_module(module: ModuleOp) -> RenderedC:
    """The C source of `module`, its functions' C names and the weights to fill after loading."""
    renderer = Renderer(module)
    source = renderer.render()
    return RenderedC(source, renderer.functions, renderer.weights)


def render(module: ModuleOp) -> tuple[str, dict[str, str]]:
    """The C source of `module` and {IR function name: C function name}."""
    rendered = render_module(module)
    return rendered.source, rendered.functions
