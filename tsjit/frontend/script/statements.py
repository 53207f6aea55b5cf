"""Statements -> ts IR: assignments, if, loops, return/break/continue, raise, assert, with.

Exits are compiled without gotos, as TorchScript's exit transform does. A branch that
always exits takes the rest of the block into the other branch (`if x is None: return y`
then refines `x` for everything after). Otherwise `break`, `continue` and `return` set
flags (`$brk`, `$cont`, `$ret`, and `$retval`) that if-merges and loops carry like variables,
and the statements after a maybe-exiting one run under `if not <flags>`.
"""
from __future__ import annotations

import ast

from xdsl.dialects.builtin import StringAttr
from xdsl.ir import Block, Region, SSAValue

from tsjit.dialects.ts.control_flow import ConditionOp, IfOp, LoopOp, YieldOp
from tsjit.dialects.ts.types import (
    AnyType,
    BoolType,
    IntType,
    NoneType,
    OptionalType,
    TensorType,
    is_subtype,
    join_types,
)
from tsjit.frontend.script.errors import NotSupportedError
from tsjit.frontend.script.scope import Scope
from tsjit.frontend.script.values import Iteration, ModuleRef, PyConst, SugaredTuple, is_ir

FLAGS = ("$brk", "$cont", "$ret")
INT64_MAX = 2**63 - 1


def always_exits(stmts: list[ast.stmt]) -> bool:
    """Syntactically, every path through `stmts` ends in return/raise/break/continue."""
    if not stmts:
        return False
    last = stmts[-1]
    if isinstance(last, ast.Return | ast.Raise | ast.Break | ast.Continue):
        return True
    if isinstance(last, ast.If):
        return always_exits(last.body) and always_exits(last.orelse)
    return False


def assigned_names(stmts: list[ast.stmt]) -> set[str]:
    """Names a block may (re)bind, including nested blocks: a loop carries these."""
    names: set[str] = set()
    for stmt in stmts:
        for node in ast.walk(stmt):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store | ast.Del):
                names.add(node.id)
    return names


def contains(stmts: list[ast.stmt], kinds: tuple[type, ...], into_loops: bool = True) -> bool:
    todo = list(stmts)
    while todo:
        node = todo.pop()
        if isinstance(node, kinds):
            return True
        if not into_loops and isinstance(node, ast.For | ast.While):
            todo.extend(node.orelse)
            continue
        todo.extend(ast.iter_child_nodes(node))
    return False


class StatementCompiler:
    """Mixin of FunctionCompiler: one `stmt_<Node>` method per statement kind."""

    # -- blocks --------------------------------------------------------------------------------
    def compile_block(self, stmts: list[ast.stmt]) -> None:
        for i, stmt in enumerate(stmts):
            if self.scope.exited:
                return  # dead code after an exit, as Python would never run it
            rest = stmts[i + 1:]
            if isinstance(stmt, ast.If) and rest:
                if always_exits(stmt.body) and not always_exits(stmt.orelse):
                    return self.compile_if(stmt, stmt.body, stmt.orelse + rest)
                if always_exits(stmt.orelse) and not always_exits(stmt.body):
                    return self.compile_if(stmt, stmt.body + rest, stmt.orelse)
            if isinstance(stmt, ast.Assert) and rest:
                return self.compile_assert(stmt, rest)
            self.compile_stmt(stmt)
            pending = [f for f in FLAGS if is_ir(self.scope.lookup(f))]
            if pending and rest and not self.scope.exited:
                return self.guard_rest(stmt, pending, rest)

    def compile_stmt(self, stmt: ast.stmt) -> None:
        self.at(stmt)
        method = getattr(self, f"stmt_{type(stmt).__name__}", None)
        if method is None:
            self.unsupported(stmt)
        method(stmt)

    def guard_rest(self, node: ast.AST, flags: list[str], rest: list[ast.stmt]) -> None:
        """Run `rest` only when no exit flag is set."""
        stop = None
        for flag in flags:
            value = self.scope.lookup(flag)
            stop = value if stop is None else self.builder.value("scalar.or", stop, value, type=BoolType())
        go = self.builder.value("scalar.not", stop, type=BoolType())

        def run_rest():
            for flag in flags:
                self.scope.set(flag, PyConst(False))
            self.compile_block(rest)

        self.emit_if(node, go, run_rest, lambda: None)

    # -- simple statements ---------------------------------------------------------------------
    def stmt_Expr(self, stmt: ast.Expr) -> None:
        if isinstance(stmt.value, ast.Constant) and isinstance(stmt.value.value, str):
            return  # a docstring
        self.expr(stmt.value)

    def stmt_Pass(self, stmt: ast.Pass) -> None:
        pass

    def stmt_Assign(self, stmt: ast.Assign) -> None:
        value = self.expr(stmt.value)
        for target in stmt.targets:
            self.assign(target, value, stmt.value)

    def stmt_AnnAssign(self, stmt: ast.AnnAssign) -> None:
        declared = self.annotation(stmt.annotation)
        if not isinstance(stmt.target, ast.Name):
            if stmt.value is not None:
                self.assign(stmt.target, self.expr(stmt.value, hint=declared), stmt.value)
            return
        if stmt.value is None:
            self.scope.declared[stmt.target.id] = declared
            return
        value = self.as_value(self.expr(stmt.value, hint=declared), stmt.value, hint=declared)
        if not is_subtype(value.type, declared):
            self.error(stmt, f"Variable '{stmt.target.id}' is annotated with type {self.type_name(declared)} but "
                             f"is being assigned to a value of type {self.type_name(value.type)}")
        self.scope.declared[stmt.target.id] = declared
        self.assign(stmt.target, value, stmt.value)

    def stmt_AugAssign(self, stmt: ast.AugAssign) -> None:
        target = stmt.target
        load = ast.copy_location(type(target)(**{**{f: getattr(target, f) for f in target._fields}, "ctx": ast.Load()}),
                                 target)
        current = self.expr(load)
        rhs = self.expr(stmt.value)
        if is_ir(current) and isinstance(current.type, TensorType):
            result = self.inplace_binop(stmt, stmt.op, current, rhs)
        else:
            result = self.binop(stmt, stmt.op, current, rhs)
        if isinstance(target, ast.Name) or not (is_ir(current) and isinstance(current.type, TensorType)):
            self.assign(target, result, stmt)
        elif isinstance(target, ast.Attribute):
            self.assign(target, result, stmt)

    def stmt_Delete(self, stmt: ast.Delete) -> None:
        for target in stmt.targets:
            if isinstance(target, ast.Name):
                self.scope.delete(target.id)
            elif isinstance(target, ast.Subscript):
                container = self.as_value(self.expr(target.value), target.value)
                key = self.expr(target.slice)
                self.delete_item(target, container, key)
            else:
                self.unsupported(target, "del of this target")

    def stmt_Return(self, stmt: ast.Return) -> None:
        hint = self.declared_return
        value = self.expr(stmt.value, hint=hint) if stmt.value is not None else PyConst(None)
        value = self.implicit_number(self.as_value(value, stmt.value or stmt, hint=hint), hint)
        if hint is not None:
            if not is_subtype(value.type, hint):
                self.error(stmt, f"Return value was annotated as having type {self.type_name(hint)} but is actually "
                                 f"of type {self.type_name(value.type)}")
        elif self.return_type is not None and not (is_subtype(value.type, self.return_type)
                                                   or is_subtype(self.return_type, value.type)):
            self.error(stmt, f"Previous return statement returned a value of type {self.type_name(self.return_type)} "
                             f"but this return statement returns a value of type {self.type_name(value.type)}")
        if self.return_type is None or (hint is None and is_subtype(self.return_type, value.type)):
            self.return_type = hint or value.type
        self.scope.set("$retval", value)
        self.scope.set("$ret", PyConst(True))
        self.scope.leave("return")

    def stmt_Break(self, stmt: ast.Break) -> None:
        self.loop_exit(stmt, "$brk")

    def stmt_Continue(self, stmt: ast.Continue) -> None:
        self.loop_exit(stmt, "$cont")

    def loop_exit(self, stmt: ast.stmt, flag: str) -> None:
        if not self.loops:
            self.error(stmt, f"'{type(stmt).__name__.lower()}' outside a loop")
        if self.loops[-1] == "unrolled":
            raise self.error(stmt, f"{type(stmt).__name__.lower()} is not supported in a loop over a module "
                                   "container or tuple (it is unrolled at compile time)", NotSupportedError)
        self.scope.set(flag, PyConst(True))
        self.scope.leave("loop")

    def stmt_Raise(self, stmt: ast.Raise) -> None:
        name, message = self.exception_of(stmt.exc) if stmt.exc is not None else ("builtins.RuntimeError", None)
        msg = message if message is not None else self.builder.const("")
        self.builder.op("raise", [msg], [], exception=self.str_attr(name))
        self.scope.leave("raise")

    def compile_assert(self, stmt: ast.Assert, rest: list[ast.stmt]) -> None:
        """`assert c, msg` is `if not c: raise AssertionError(msg)`; the rest is refined by `c`."""
        fail = ast.Raise(exc=ast.Call(func=ast.Name("AssertionError", ast.Load()),
                                      args=[stmt.msg] if stmt.msg is not None else [], keywords=[]), cause=None)
        ast.copy_location(fail, stmt)
        ast.fix_missing_locations(fail)
        self.compile_if(stmt, rest, [fail], test=stmt.test)

    def stmt_Assert(self, stmt: ast.Assert) -> None:
        self.compile_assert(stmt, [])

    def stmt_With(self, stmt: ast.With) -> None:
        strict = False
        for item in stmt.items:
            ctx = self.expr(item.context_expr)
            if item.optional_vars is not None:
                self.unsupported(item.optional_vars, "with ... as")
            if not self.is_null_context(ctx):
                self.unsupported(item.context_expr, "this context manager")
            strict = strict or ctx.obj.strict
        block, before = self.builder.block, self.builder.block.last_op
        self.compile_block(stmt.body)
        if strict:  # ts-fusion-groups checks that every op marked here was fused
            r = self.src.range(stmt)
            where = StringAttr(f"{r.filename}:{r.line}:{r.col + 1}")
            op = block.first_op if before is None else before.next_op
            while op is not None:
                for inner in op.walk():
                    inner.attributes["strict_fusion"] = where
                op = op.next_op

    def stmt_Global(self, stmt) -> None:
        self.unsupported(stmt)

    # -- if ------------------------------------------------------------------------------------
    def stmt_If(self, stmt: ast.If) -> None:
        self.compile_if(stmt, stmt.body, stmt.orelse)

    def compile_if(self, node: ast.AST, body: list[ast.stmt], orelse: list[ast.stmt], test: ast.expr | None = None):
        test = node.test if test is None else test
        cond, refine_true, refine_false = self.condition(test)
        if isinstance(cond, PyConst):  # decided at compile time: only the taken branch is compiled
            self.apply_refinements(refine_true if cond.value else refine_false)
            return self.compile_block(body if cond.value else orelse)
        self.emit_if(node, cond, lambda: (self.apply_refinements(refine_true), self.compile_block(body)),
                     lambda: (self.apply_refinements(refine_false), self.compile_block(orelse)))

    def emit_if(self, node: ast.AST, cond: SSAValue, then_fn, else_fn) -> None:
        """A ts.if whose branches run `then_fn`/`else_fn` and yield the variables they change."""
        outer, outer_block = self.scope, self.builder.block
        scopes, blocks = [], []
        for fn in (then_fn, else_fn):
            self.scope, self.builder.block = Scope(outer), Block()
            fn()
            scopes.append(self.scope)
            blocks.append(self.builder.block)
        self.scope, self.builder.block = outer, outer_block
        self.at(node)
        merged, types, yields = [], [], ([], [])
        for name in sorted(set(scopes[0].vars) | set(scopes[1].vars)):
            # a branch that only narrowed `name` gives its narrowed value when the other assigns it
            # (`if k is None: k = 2` leaves an int either way); narrowed in both, it stays as it was
            assigned = [name in s.vars and name not in s.refinements for s in scopes]
            values = [outer.lookup(name) if name in s.refinements and not any(assigned) else s.lookup(name)
                      for s in scopes]
            if name in FLAGS:
                values = [PyConst(False) if v is None else v for v in values]
            if any(v is None and not s.exited for v, s in zip(values, scopes)) and not name.startswith("$"):
                missing = "true" if values[0] is None else "false"
                outer.undefined[name] = f"'{name}' is not defined in the {missing} branch"
                outer.vars.pop(name, None)
                continue
            live = [v for v, s in zip(values, scopes) if v is not None and s.reads_after(name)]
            if not live:
                continue  # both branches left and nothing after them reads it
            first = live[0]
            same = all(v is first or isinstance(v, PyConst) and v == first for v in live)
            if same and (not is_ir(first) or len(live) > 1 or first is outer.lookup(name)):
                outer.set(name, first)  # one value, defined outside the branches: nothing to yield
                continue
            result_type = self.branch_type(node, name, live, outer)
            for v, s, block, out in zip(values, scopes, blocks, yields):
                self.builder.block = block
                out.append(self.as_value(v, node, hint=result_type) if v is not None and s.reads_after(name)
                           else self.builder.uninitialized(result_type))
            self.builder.block = outer_block
            merged.append(name)
            types.append(result_type)
        for block, values in zip(blocks, yields):
            block.add_op(YieldOp(*values))
        op = self.builder.add(IfOp(cond, types, Region([blocks[0]]), Region([blocks[1]])))
        for name, result in zip(merged, op.results):
            self.name_value(result, name)
            outer.set(name, result)
        if scopes[0].exited and scopes[1].exited:
            kinds = {s.exit_kind for s in scopes}
            outer.leave("loop" if "loop" in kinds else "return" if "return" in kinds else "raise")

    def branch_type(self, node: ast.AST, name: str, live: list, outer: Scope):
        """The type of a variable after an if: the join of what the branches that continue give it."""
        if any(isinstance(v, ModuleRef | SugaredTuple | Iteration) for v in live):
            self.error(node, f"'{name}' refers to different modules in the two branches")
        types = [self.value_type(v) for v in live]
        result_type = types[0]
        for t in types[1:]:
            joined = join_types(result_type, t)
            if joined is None:
                self.error(node, f"Type mismatch: {name} is set to type {self.type_name(result_type)} in the true "
                                 f"branch and type {self.type_name(t)} in the false branch")
            result_type = joined
        declared = outer.declared_type(name)
        narrowed = isinstance(declared, OptionalType) and not is_subtype(NoneType(), result_type)
        if declared is not None and not isinstance(declared, AnyType) and is_subtype(result_type, declared) \
                and not narrowed:  # an Optional assigned a value on every path is that value's type
            result_type = declared
        return result_type

    # -- loops ---------------------------------------------------------------------------------
    def stmt_While(self, stmt: ast.While) -> None:
        if stmt.orelse:
            self.unsupported(stmt, "while ... else")
        first, _, _ = self.condition(stmt.test)
        if isinstance(first, PyConst) and not first.value:
            return
        start = self.as_value(first, stmt.test)
        trip = self.builder.const(INT64_MAX)
        self.emit_loop(stmt, trip, start, stmt.body, bind=lambda i: None, test=stmt.test)

    def stmt_For(self, stmt: ast.For) -> None:
        if stmt.orelse:
            self.unsupported(stmt, "for ... else")
        iterable = self.expr(stmt.iter)
        unrolled = self.unrolled_items(stmt.iter, iterable)
        if unrolled is not None:
            self.loops.append("unrolled")
            try:
                for item in unrolled:
                    self.assign(stmt.target, item, stmt.iter)
                    self.compile_block(stmt.body)
            finally:
                self.loops.pop()
            return
        trip, bind = self.iteration(stmt.iter, iterable)
        true = self.builder.const(True)
        self.emit_loop(stmt, trip, true, stmt.body, bind=lambda i: self.assign(stmt.target, bind(i), stmt.iter))

    def emit_loop(self, node: ast.AST, trip: SSAValue, start: SSAValue, body: list[ast.stmt], bind, test=None):
        may_return = contains(body, (ast.Return,))
        names = [n for n in sorted(assigned_names(body)) if is_ir(self.scope.lookup(n))
                 or isinstance(self.scope.lookup(n), PyConst)]
        inits = [self.as_value(self.scope.lookup(n), node, hint=self.scope.declared_type(n)) for n in names]
        types = [self.scope.declared_type(n) or v.type for n, v in zip(names, inits)]
        if may_return:
            ret_type = self.declared_return or self.return_type or self.discover_return_type(
                node, body, bind, list(zip(names, types)))
            names += ["$ret", "$retval"]
            inits += [self.builder.const(False), self.builder.uninitialized(ret_type)]
            types += [BoolType(), ret_type]
        outer, outer_block = self.scope, self.builder.block
        block = Block(arg_types=[IntType(), *types])
        self.scope, self.builder.block = Scope(outer), block
        self.name_value(block.args[0], "i")
        for name, arg in zip(names, block.args[1:]):
            self.scope.set(name, arg)
            self.name_value(arg, name)
        self.scope.set("$brk", PyConst(False))
        self.scope.set("$cont", PyConst(False))
        self.loops.append("loop")
        try:
            bind(block.args[0])
            self.compile_block(body)
            self.scope.exited = False
            self.at(node)
            stop = [self.scope.lookup(f) for f in ("$brk", "$ret") if self.scope.lookup(f) is not None]
            stop = [s for s in stop if not (isinstance(s, PyConst) and not s.value)]
            if any(isinstance(s, PyConst) for s in stop):
                go: SSAValue | PyConst = PyConst(False)
            else:
                go = PyConst(True)
                for s in stop:
                    not_s = self.builder.value("scalar.not", s, type=BoolType())
                    go = not_s if isinstance(go, PyConst) else self.builder.value("scalar.and", go, not_s,
                                                                                 type=BoolType())
            if test is not None and not (isinstance(go, PyConst) and not go.value):
                if isinstance(go, PyConst):
                    go = self.condition(test)[0]
                else:  # re-test the while condition only when the body did not break or return
                    self.emit_if(test, go, lambda: self.scope.set("$go", self.condition(test)[0]),
                                 lambda: self.scope.set("$go", PyConst(False)))
                    go = self.scope.lookup("$go")
            go_value = self.as_value(go, node, hint=BoolType())
            carried = []
            for name, t in zip(names, types):
                value = self.scope.lookup(name)
                if value is None:
                    self.error(node, f"'{name}' is not defined at the end of the loop body")
                value = self.as_value(value, node, hint=t)
                if not is_subtype(value.type, t):
                    self.error(node, f"Variable '{name}' previously had type {self.type_name(t)} but is now being "
                                     f"assigned to a value of type {self.type_name(value.type)}")
                carried.append(value)
            block.add_op(ConditionOp(go_value, *carried))
        finally:
            self.loops.pop()
            self.scope, self.builder.block = outer, outer_block
        op = self.builder.add(LoopOp(trip, start, inits, Region([block])))
        for name, result in zip(names, op.results):
            self.name_value(result, name)
            outer.set(name, result)

    def discover_return_type(self, node, body, bind, carried=()):
        """Compile the loop body once on the side to learn what its `return` returns. The values it
        carries are unknown there, as in the loop (a counter's first value would fold `if i >= 3:`
        and hide the return)."""
        saved = (self.scope, self.builder.block, self.return_type)
        block = Block(arg_types=[IntType(), *(t for _, t in carried)])
        self.scope, self.builder.block = Scope(self.scope), block
        for (name, _), arg in zip(carried, block.args[1:]):
            self.scope.set(name, arg)
        self.loops.append("loop")
        try:
            bind(self.builder.block.args[0])
            self.compile_block(body)
            found = self.return_type
        finally:
            self.loops.pop()
            self.scope, self.builder.block, self.return_type = saved
        return found or NoneType()

    # -- helpers used by both -------------------------------------------------------------------
    def apply_refinements(self, refinements: dict) -> None:
        for name, refined in refinements.items():
            value = self.scope.lookup(name)
            if is_ir(value) and value.type != refined:
                cast = self.builder.op("unchecked_cast", [value], [refined]).results[0]
                self.name_value(cast, name)
                self.scope.refine(name, cast)

    def finish_body(self, node: ast.AST) -> SSAValue | None:
        """The function's return value once its body is compiled (None falls off the end)."""
        ret = self.scope.lookup("$ret")
        retval = self.scope.lookup("$retval")
        if ret is None or (isinstance(ret, PyConst) and not ret.value):
            if self.declared_return is not None and not is_subtype(NoneType(), self.declared_return):
                if not self.scope.exited:
                    self.error(node, f"Function was annotated as returning {self.type_name(self.declared_return)} "
                                     "but it can reach its end without returning a value")
                return self.builder.uninitialized(self.declared_return)  # the end is unreachable: it raised
            return self.as_value(PyConst(None), node, hint=self.declared_return)
        if isinstance(ret, PyConst) or self.scope.exited:
            return self.as_value(retval, node, hint=self.declared_return or self.return_type)
        self.emit_if(node, ret, lambda: None, lambda: self.scope.set("$retval", PyConst(None)))
        return self.as_value(self.scope.lookup("$retval"), node)
