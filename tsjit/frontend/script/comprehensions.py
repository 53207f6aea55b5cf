"""Comprehensions -> ts IR: `[e for x in xs]` and `{k: v for x in xs}` as a loop (or, over a
tuple or a module list, an unrolled sequence) appending to a new list or dict, as TorchScript does."""
from __future__ import annotations

import ast

from xdsl.ir import Block

from tsjit.dialects.ts.types import IntType
from tsjit.frontend.script.errors import NotSupportedError
from tsjit.frontend.script.scope import Scope


class ComprehensionCompiler:
    """`[e for x in xs]` and `{k: v for x in xs}`: a loop appending to a new list or dict."""

    def expr_ListComp(self, node: ast.ListComp, hint=None):
        return self.comprehension(node, [node.elt], hint)

    def expr_GeneratorExp(self, node: ast.GeneratorExp, hint=None):
        """`sum(x * 2 for x in xs)`: the generator's items as a list (what its consumer takes)."""
        return self.comprehension(node, [node.elt], hint)

    def list_of(self, node: ast.expr):
        """`list(range(n))`, `list(enumerate(xs))`: the items an iteration gives, as a new list."""
        item = ast.Name("$item", ast.Store())
        comp = ast.ListComp(ast.Name("$item", ast.Load()), [ast.comprehension(item, node, [], 0)])
        ast.copy_location(comp, node)
        ast.fix_missing_locations(comp)
        return self.expr(comp)

    def expr_DictComp(self, node: ast.DictComp, hint=None):
        return self.comprehension(node, [node.key, node.value], hint)

    def comprehension(self, node, parts: list[ast.expr], hint):
        from tsjit.dialects.ts.types import DictType, ListType

        if len(node.generators) != 1:
            self.error(node, "Only a single generator is currently supported", NotSupportedError)
        gen = node.generators[0]
        if gen.ifs:
            self.error(gen.ifs[0], "Comprehension ifs are not supported yet", NotSupportedError)
        iterable = self.expr(gen.iter)
        unrolled = self.unrolled_items(gen.iter, iterable)
        if unrolled is None:
            trip, bind = self.iteration(gen.iter, iterable)
        types = self.part_types(gen, parts, unrolled, bind if unrolled is None else None)
        name = f"$comp{id(node)}"
        if len(parts) == 1:
            result_type = hint if isinstance(hint, ListType) else ListType(types[0])
            result = self.builder.op("list.construct", [], [result_type]).results[0]
            add = ast.Expr(ast.Call(ast.Attribute(ast.Name(name, ast.Load()), "append", ast.Load()), [parts[0]], []))
        else:
            result_type = hint if isinstance(hint, DictType) else DictType(*types)
            result = self.builder.op("dict.construct", [], [result_type]).results[0]
            add = ast.Assign([ast.Subscript(ast.Name(name, ast.Load()), parts[0], ast.Store())], parts[1])
        ast.copy_location(add, node)
        ast.fix_missing_locations(add)
        self.scope.set(name, result)
        if unrolled is not None:
            for item in unrolled:
                self.assign(gen.target, item, gen.iter)
                self.compile_stmt(add)
        else:
            self.emit_loop(node, trip, self.builder.const(True), [add],
                           bind=lambda i: self.assign(gen.target, bind(i), gen.iter))
        self.scope.vars.pop(name, None)
        return result

    def part_types(self, gen, parts, unrolled, bind) -> list:
        """The element types, found by compiling the parts once on the side."""
        saved = (self.scope, self.builder.block)
        self.scope, self.builder.block = Scope(self.scope), Block(arg_types=[IntType()])
        try:
            item = unrolled[0] if unrolled else bind(self.builder.block.args[0])
            self.assign(gen.target, item, gen.iter)
            return [self.value(p).type for p in parts]
        finally:
            self.scope, self.builder.block = saved
