"""ts IR printed back as TorchScript-style Python source, as `ScriptFunction.code` shows it.

    def forward(self,
        x: Tensor) -> Tensor:
      _0 = torch.relu((self.fc1).forward(x, ))
      return (self.fc2).forward(_0, )

Layout follows TorchScript's printer (python_print.cpp): every parameter after the first on
its own line, two-space indentation, methods named by the last component of their symbol and
taking `self` unannotated, `if` always with an `else`, loop-carried values assigned before
the loop and at the end of each trip, a fork body as a nested `def __forked_function():`
started by `fut = fork(__forked_function)`. Op spellings live in templates.py, names in names.py,
the choice of inlined expressions in inline.py. Long lines are split as TorchScript splits them
(python_print's isLongLine: 40 characters or more with the indentation): a long constant is
assigned at the top of its function (`_0 = __torch__.pkg.mod.Color.RED`), a long inlined
expression where it is computed, with the inlined operands its user evaluates before it.
Where this printer differs from TorchScript:

- `ts.raise` prints `raise ValueError(msg)`, not `ops.prim.RaiseException(msg, "builtins.ValueError")`;
- assignments `x = x` between a loop's carried value and itself are left out;
- the condition variable of a `while` loop is always a fresh `_N`; a loop with both a trip
  count and a condition (TorchScript refuses to print it) counts trips explicitly:
  `i = 0` / `while i < n and _0:` / ... / `_0, i = c, i + 1`.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import numpy as np
from xdsl.dialects import builtin, func
from xdsl.ir import Attribute, Block, Operation, SSAValue
from xdsl.traits import SymbolTable

from tsjit.dialects.ts import ClassTypeOp, ConditionOp, ConstantOp, ForkOp, IfOp, LoopOp, MethodOp, YieldOp
from tsjit.dialects.ts.module_ir import INTERFACE
from tsjit.dialects.ts.types import ClassType, OptionalType, TupleType, UnionType
from tsjit.printer.expr import ADD, CMP, Expr, literal
from tsjit.printer.inline import InlineScan, interface_upcasts, loop_kind, upcast_ops
from tsjit.printer.names import Namer, base_name
from tsjit.printer.templates import render
from tsjit.printer.type_names import class_kinds, schema_type_name, type_name

_INDENT = "  "
_PARAM_SEP = ",\n    "  # TorchScript puts every parameter after the first on its own line
_UNPACKS = {"ts.list.unpack", "ts.tuple.unpack"}
_LONG_LINE = 40  # python_print's isLongLine: a line this long (with its indentation) is not inlined

# an assignment target: (name, its type for an Optional/Union annotation or None, value)
Target = tuple[str, Attribute | None, Expr]


class CodePrinter:
    """Prints the functions of one module; tensor constants are numbered across all of them."""

    def __init__(self) -> None:
        self.constants: list[np.ndarray] = []
        self._constant_index: dict[tuple, int] = {}

    def tensor_name(self, array: np.ndarray) -> str:
        key = (array.dtype.str, array.shape, array.tobytes())
        if key not in self._constant_index:
            self._constant_index[key] = len(self.constants)
            self.constants.append(array)
        return f"CONSTANTS.c{self._constant_index[key]}"

    def function(self, fn: func.FuncOp, name: str | None = None, is_method: bool | None = None) -> str:
        return _FunctionPrinter(self, fn, name, is_method).text()


def function_code(fn: func.FuncOp, name: str | None = None) -> str:
    """`fn` as TorchScript-style source (`def name(...) -> T:` and its body)."""
    return CodePrinter().function(fn, name)


def code_with_constants(fn: func.FuncOp, name: str | None = None) -> tuple[str, list[np.ndarray]]:
    """The code and its tensor constants: `CONSTANTS.c<i>` is `constants[i]`."""
    printer = CodePrinter()
    return printer.function(fn, name), printer.constants


def module_code_with_constants(module: builtin.ModuleOp, class_name: str) -> tuple[str, list[np.ndarray]]:
    """Every method of the `ts.class_type` named `class_name`, in declaration order, and the constants."""
    cls = SymbolTable.lookup_symbol(module, class_name)
    if not isinstance(cls, ClassTypeOp):
        raise ValueError(f"no ts.class_type named {class_name}")
    printer = CodePrinter()
    parts = []
    for decl in cls.body.block.ops:
        if isinstance(decl, MethodOp):
            fn = SymbolTable.lookup_symbol(module, decl.function)
            if not isinstance(fn, func.FuncOp):
                raise ValueError(f"method {decl.method_name.data} of {class_name}: no function {decl.function}")
            parts.append(printer.function(fn, decl.method_name.data, is_method=True))
    return "\n".join(parts), printer.constants


def module_code(module: builtin.ModuleOp, class_name: str) -> str:
    """All methods of a class, one after another (ScriptModule.code shows only forward)."""
    return module_code_with_constants(module, class_name)[0]


class _FunctionPrinter:
    def __init__(self, owner: CodePrinter, fn: func.FuncOp, name: str | None, is_method: bool | None):
        self.owner, self.fn = owner, fn
        self.name = name or fn.sym_name.data.rsplit(".", 1)[-1]
        self.is_method = _looks_like_method(fn) if is_method is None else is_method
        self.names = Namer()
        self.lines: list[str] = []
        self.depth = 1
        self.annotated: set[str] = set()
        self.kind_of = class_kinds(fn)
        # class objects converted to interfaces print as themselves (TorchScript converts implicitly)
        self.upcasts = interface_upcasts(fn.body.block, lambda c: self.kind_of(c) == INTERFACE) \
            if fn.body.blocks else {}
        self.silent = upcast_ops(self.upcasts)
        for interface_value, obj in self.upcasts.items():
            if interface_value.name_hint:
                self.names.prefer(obj, interface_value.name_hint)
        self.inlined = InlineScan(fn.body.block, self.upcasts).inlined if fn.body.blocks else set()
        self.long_constants: set[SSAValue] = set()
        self.exprs: dict[SSAValue, Expr] = {}  # inlined values, rendered where they are computed
        self.split_from: dict[Operation, int] = {}  # user -> the operands before which long lines were split

    def text(self) -> str:
        header = self._header()
        if self.fn.body.blocks:
            self._constant_table(self.fn.body.block)
            self._statements(self.fn.body.block)
        if not self.lines:
            self._emit("pass")
        return "\n".join([header, *self.lines]) + "\n"

    def _header(self) -> str:
        types = self.fn.function_type
        params = [name if i == 0 and self.is_method else f"{name}: {type_name(ty)}"
                  for i, (name, ty) in enumerate(zip(_parameter_names(self.fn, self.names, self.is_method),
                                                     types.inputs.data))]
        outs = types.outputs.data
        ret = "NoneType" if not outs else type_name(outs[0]) if len(outs) == 1 else \
            f"Tuple[{', '.join(type_name(t) for t in outs)}]"
        return f"def {self.name}({_PARAM_SEP.join(params)}) -> {ret}:"

    # -- expressions -------------------------------------------------------------------------------

    def _use(self, value: SSAValue) -> Expr:
        value = self.upcasts.get(value, value)
        op = value.owner
        if value in self.long_constants:
            return Expr(self.names.name(value))
        if isinstance(op, ConstantOp):
            return literal(op.py_value, value.type, self.owner.tensor_name)
        if op in self.inlined:
            return self.exprs[value] if value in self.exprs else self._expr(op)
        return Expr(self.names.name(value))

    def _expr(self, op: Operation) -> Expr:
        return render(op, [self._use(v) for v in op.operands], self.kind_of)

    # -- statements --------------------------------------------------------------------------------

    def _constant_table(self, block: Block) -> None:
        """python_print's constant table: the constants a body uses, in order of use (a fork's body
        has its own), are inlined unless their text is a long line (40 characters or more with the
        indentation): those are assigned first, `_0 = __torch__.pkg.mod.Color.RED`."""
        for value in _constants_by_use(block):
            text = literal(value.owner.py_value, value.type, self.owner.tensor_name).text
            if len(text) + len(_INDENT) * self.depth >= _LONG_LINE:
                self.long_constants.add(value)
                self._emit(f"{self.names.name(value)} = {text}")

    def _inline(self, op: Operation) -> None:
        """Render an inlined op where it is computed; a long one is assigned instead (python_print's
        splitLongInlines), with the inlined operands its users evaluate before it."""
        value = op.results[0]
        expr = self.exprs[value] = self._expr(op)
        if len(expr.text) + len(_INDENT) * self.depth < _LONG_LINE:
            return
        to_split: list[SSAValue] = []
        user, index = self._user_of(value)
        self._scan_long_inlines(user, index, to_split)
        for v in reversed(to_split):
            self.inlined.discard(v.owner)
            self._emit(f"{self.names.name(v)} = {self.exprs.pop(v).text}")

    def _scan_long_inlines(self, user: Operation, offset: int, to_split: list[SSAValue]) -> None:
        """python_print's scanLongInlines: `user`'s inlined operands up to `offset`, and, if `user` is
        inlined too, those before it in its own user."""
        present = user in self.split_from
        for i in range(offset, self.split_from[user] if present else -1, -1):
            prev = self.upcasts.get(user.operands[i], user.operands[i])
            if prev.owner in self.inlined and prev in self.exprs:
                to_split.append(prev)
        self.split_from[user] = offset
        if not present and user in self.inlined:
            outer, index = self._user_of(user.results[0])
            self._scan_long_inlines(outer, index - 1, to_split)

    def _user_of(self, value: SSAValue) -> tuple[Operation, int]:
        """The one use of an inlined value (seen through an upcast to an interface)."""
        use = value.get_unique_use()
        if use.operation in self.silent:
            use = use.operation.results[0].get_unique_use()
            if use.operation in self.silent:
                use = use.operation.results[0].get_unique_use()
        return use.operation, use.index

    def _emit(self, line: str) -> None:
        self.lines.append(_INDENT * self.depth + line)

    @contextmanager
    def _indented(self) -> Iterator[None]:
        self.depth += 1
        try:
            yield
        finally:
            self.depth -= 1

    def _statements(self, block: Block) -> None:
        for op in block.ops:
            if op in self.inlined:
                self._inline(op)
                continue
            if op in self.silent or isinstance(op, ConstantOp | YieldOp | ConditionOp):
                continue  # literals, upcasts, and terminators printed by their parent
            match op:
                case IfOp():
                    self._if(op)
                case LoopOp():
                    self._loop(op)
                case ForkOp():
                    self._fork(op)
                case func.ReturnOp():
                    self._return(op)
                case _:
                    self._define(op, self._expr(op))

    def _define(self, op: Operation, expr: Expr) -> None:
        """`names = expr` (results are assigned even when unused, as TorchScript does)."""
        if not op.results:
            self._emit(expr.text)
            return
        lhs = ", ".join(self.names.name(r) for r in op.results)
        if len(op.results) == 1 and op.name in _UNPACKS:
            lhs += ","
        self._emit(f"{lhs} = {expr.text}")

    def _return(self, op: func.ReturnOp) -> None:
        values = [self._use(v) for v in op.arguments]
        if not values:
            self._emit("return None")
        elif len(values) == 1:
            self._emit(f"return {values[0].text}")
        else:
            self._emit(f"return ({', '.join(v.text for v in values)})")

    def _assign(self, targets: list[Target]) -> None:
        """`a, b = x, y` (python_print's printAssignment); Optional/Union variables are annotated once."""
        targets = [t for t in targets if t[0] != t[2].text]
        if not targets:
            return
        lhs = ", ".join(name for name, _, _ in targets)
        name, ty, _ = targets[0]
        if len(targets) == 1 and isinstance(ty, OptionalType | UnionType) and name not in self.annotated:
            self.annotated.add(name)
            lhs += f" : {type_name(ty)}"
        self._emit(f"{lhs} = {', '.join(e.text for _, _, e in targets)}")

    def _block(self, block: Block, targets: Callable[[], list[Target]]) -> None:
        """An indented block: its statements, then the assignments of what it yields.

        `targets` is called after the statements, so names are handed out in printing order.
        """
        with self._indented():
            start = len(self.lines)
            self._statements(block)
            self._assign(targets())
            if len(self.lines) == start:
                self._emit("pass")

    def _yields(self, results: list[SSAValue], block: Block, skip: int = 0) -> list[Target]:
        values = list(block.last_op.operands)[skip:]
        return [(self.names.name(r), r.type, self._use(v)) for r, v in zip(results, values)]

    def _if(self, op: IfOp) -> None:
        for r in op.output:
            self.names.name(r)
        self._emit(f"if {self._use(op.cond).text}:")
        for block in (op.then_region.block, op.else_region.block):
            if block is op.else_region.block:
                self._emit("else:")
            self._block(block, lambda b=block: self._yields(list(op.output), b))

    def _loop(self, op: LoopOp) -> None:
        kind = loop_kind(op)
        body = op.body.block
        iteration, carried = body.args[0], list(body.args[1:])
        for arg, res in zip(carried, op.output):
            name = self.names.fresh(base_name(arg.name_hint or res.name_hint))
            self.names.alias(arg, name)
            self.names.alias(res, name)
        for r, v in zip(op.output, op.init):  # initial values: one line each, as TorchScript prints them
            self._assign([(self.names.name(r), r.type, self._use(v))])
        if kind == "for":
            i = self.names.name(iteration)
            self._emit(f"for {i} in range({self._use(op.max_trip_count).text}):")
            self._block(body, lambda: self._yields(carried, body, skip=1))
            return
        counter = self.names.name(iteration) if kind == "counted" else None
        cond = self.names.fresh("_")
        if counter:
            self._emit(f"{counter} = 0")
        self._emit(f"{cond} = {self._use(op.start_cond).text}")
        term = body.last_op
        if counter:
            trip = self._use(op.max_trip_count).at(CMP + 1)
            self._emit(f"while {counter} < {trip} and {cond}:")
            step = [(counter, None, Expr(f"{counter} + 1", ADD))]
        else:
            self._emit(f"while {cond}:")
            step = []
        self._block(body, lambda: [(cond, None, self._use(term.cond)), *self._yields(carried, body, skip=1), *step])

    def _fork(self, op: ForkOp) -> None:
        """A nested function started by `fork(...)`, as TorchScript prints prim::fork's subgraph."""
        fn = self.names.fresh("__forked_function")
        self._emit(f"def {fn}():")
        body = op.body.block
        with self._indented():
            self._constant_table(body)
            self._statements(body)
            self._emit(f"return {self._use(body.last_op.operands[0]).text}")
        self._define(op, Expr(f"fork({fn})"))


def _constants_by_use(block: Block) -> list[SSAValue]:
    """The `ts.constant` results `block`'s ops use, first use first (python_print's buildConstantList:
    each op's operands, then its regions; a fork's body is a function of its own)."""
    found: dict[SSAValue, None] = {}

    def scan(b: Block) -> None:
        for op in b.ops:
            for v in op.operands:
                if isinstance(v.owner, ConstantOp):
                    found.setdefault(v)
            if not isinstance(op, ForkOp):
                for region in op.regions:
                    for inner in region.blocks:
                        scan(inner)

    scan(block)
    return list(found)


def _parameter_names(fn: func.FuncOp, names: Namer, is_method: bool) -> list[str]:
    """Parameter names from the block arguments' hints; a method's first parameter is `self`."""
    count = len(fn.function_type.inputs.data)
    args: list[SSAValue | None] = list(fn.body.block.args) if fn.body.blocks else [None] * count
    out = []
    for i, arg in enumerate(args):
        wanted = "self" if i == 0 and is_method else None
        out.append(names.name(arg, wanted) if arg is not None else names.fresh(wanted or f"arg{i}"))
    return out


def function_schema(fn: func.FuncOp, name: str | None = None, defaults: dict[str, str] | None = None) -> str:
    """`f(Tensor x, int n=2) -> Tensor`, as `ScriptFunction.schema` shows it.

    A method's object reads `__torch__.M self`; `defaults` maps parameter names to rendered
    default values. Several results are one tuple, which TorchScript prints `-> ((Tensor, int))`;
    no result is `-> NoneType`.
    """
    defaults = defaults or {}
    types = fn.function_type
    kind_of = class_kinds(fn)
    params = _parameter_names(fn, Namer(), _looks_like_method(fn))
    args = ", ".join(f"{schema_type_name(ty, kind_of)} {p}" + (f"={defaults[p]}" if p in defaults else "")
                     for p, ty in zip(params, types.inputs.data))
    outs = list(types.outputs.data)
    if not outs:
        ret = "NoneType"
    elif len(outs) == 1 and not isinstance(outs[0], TupleType):
        ret = schema_type_name(outs[0], kind_of)
    else:
        ret = f"({schema_type_name(outs[0] if len(outs) == 1 else TupleType(outs), kind_of)})"
    return f"{name or fn.sym_name.data.rsplit('.', 1)[-1]}({args}) -> {ret}"


def _looks_like_method(fn: func.FuncOp) -> bool:
    """A method takes its object first and is named `<class>.<method>`."""
    inputs = fn.function_type.inputs.data
    return bool(inputs) and isinstance(inputs[0], ClassType) and \
        fn.sym_name.data.startswith(inputs[0].class_name.data + ".")
