"""Assignment targets, tensor indexing, and what `for` iterates over.

Tensor indexing follows TorchScript: `x[i]` is select, `x[a:b]` slice, `None` unsqueeze,
`...` skips dims, a tensor index is advanced indexing; `x[idx] = v` writes through the view
(copy_/fill_) or index_put_. Loops over ranges, lists, dicts, strings and tensors become
ts.loop; loops over module containers and tuples are unrolled at compile time.
"""
from __future__ import annotations

import ast
from typing import Any

from xdsl.ir import SSAValue

from tsjit.dialects.ts.types import (
    DictType,
    IntType,
    ListType,
    OptionalType,
    StrType,
    TensorType,
    TupleType,
)
from tsjit.frontend.script.values import Iteration, ModuleRef, PyConst, PyObj, SugaredTuple, is_ir


class TargetCompiler:
    """Mixin of FunctionCompiler."""

    # -- assignment ----------------------------------------------------------------------------
    def assign(self, target: ast.expr, value: Any, node: ast.AST) -> None:
        if isinstance(target, ast.Name):
            declared = self.scope.declared_type(target.id)
            if declared is not None and not isinstance(value, ModuleRef | PyObj | SugaredTuple):
                value = self.as_value(value, node, hint=declared)
                from tsjit.dialects.ts.types import is_subtype

                if not is_subtype(value.type, declared):
                    self.error(target, f"Variable '{target.id}' is annotated with type {self.type_name(declared)} "
                                       f"but is being assigned to a value of type {self.type_name(value.type)}")
            if is_ir(value):
                self.name_value(value, target.id)
            self.scope.set(target.id, value)
        elif isinstance(target, ast.Tuple | ast.List):
            self.assign_unpacked(target, value, node)
        elif isinstance(target, ast.Attribute):
            self.assign_attribute(target, self.expr(target.value), target.attr, value, node)
        elif isinstance(target, ast.Subscript):
            self.assign_item(target, value, node)
        elif isinstance(target, ast.Starred):
            self.error(target, "cannot statically infer the expected size of a list in this context")
        else:
            self.unsupported(target, "this assignment target")

    def assign_unpacked(self, target: ast.Tuple | ast.List, value: Any, node: ast.AST) -> None:
        if any(isinstance(e, ast.Starred) for e in target.elts):
            self.error(target, "cannot statically infer the expected size of a list in this context")
        n = len(target.elts)
        if isinstance(value, SugaredTuple):
            items = value.items
        elif isinstance(value, PyConst) and isinstance(value.value, tuple):
            items = [PyConst(v) for v in value.value]
        else:
            v = self.as_value(value, node)
            if isinstance(v.type, TupleType):
                items = self.unpack_tuple(v)
            elif isinstance(v.type, ListType):
                items = list(self.builder.op("list.unpack", [v], [v.type.element_type] * n).results)
            elif isinstance(v.type, TensorType):
                parts = self.builder.value("unbind", v, self.builder.const(0))
                items = list(self.builder.op("list.unpack", [parts], [TensorType()] * n).results)
            else:
                self.error(node, f"cannot unpack a value of type {self.type_name(v.type)}")
        if len(items) != n:
            self.error(target, f"too many values to unpack: need {n} but found {len(items)}" if len(items) > n
                       else f"need {n} values to unpack but found only {len(items)}")
        for t, item in zip(target.elts, items):
            self.assign(t, item, node)

    def assign_item(self, target: ast.Subscript, value: Any, node: ast.AST) -> None:
        container = self.as_value(self.expr(target.value), target.value)
        t = container.type
        if isinstance(t, ListType):
            index = self.int_value(target.slice)
            self.builder.op("list.set", [container, index, self.as_value(value, node, hint=t.element_type)], [])
        elif isinstance(t, DictType):
            key = self.as_value(self.expr(target.slice), target.slice, hint=t.key_type)
            self.builder.op("dict.set", [container, key, self.as_value(value, node, hint=t.value_type)], [])
        elif isinstance(t, TensorType):
            self.tensor_setitem(target, container, target.slice, value, node)
        else:
            self.error(target, f"'{self.type_name(t)}' object does not support item assignment")

    def delete_item(self, node, container: SSAValue, key: Any) -> None:
        if isinstance(container.type, DictType):
            self.builder.op("dict.delete", [container, self.as_value(key, node, hint=container.type.key_type)], [])
        elif isinstance(container.type, ListType):
            self.builder.op("list.pop", [container, self.as_value(key, node)], [container.type.element_type])
        else:
            self.error(node, f"cannot delete items of {self.type_name(container.type)}")

    # -- tensors -------------------------------------------------------------------------------
    def tensor_property(self, node: ast.AST, x: SSAValue, name: str):
        if name == "shape":
            return self.builder.value("size", x)
        if name == "dtype":
            return self.builder.value("dtype", x)
        if name == "device":
            return self.builder.value("device", x)
        if name == "ndim":
            return self.builder.value("dim", x)
        if name in ("T", "mT", "mH", "real", "imag"):
            return self.builder.value("numpy_T" if name == "T" else name, x)
        if name == "is_cuda":
            return PyConst(False)
        if name == "requires_grad":
            return PyConst(False)
        if name == "data":
            return self.builder.value("detach", x)
        from tsjit.frontend.script.values import BoundMethod

        return BoundMethod(x, name)

    def index_parts(self, index: ast.expr) -> list[ast.expr]:
        return list(index.elts) if isinstance(index, ast.Tuple) else [index]

    def tensor_index(self, node: ast.AST, x: SSAValue, index: ast.expr) -> SSAValue:
        result, advanced = self.basic_index(node, x, index)
        if advanced:
            result = self.builder.value("index", result, self.index_list(advanced))
        return result

    def index_list(self, advanced: list) -> SSAValue:
        """The `Tensor?[]` of aten::index/index_put_: None (a constant) for the dims before a tensor index
        that it does not index."""
        if all(v is not None for v in advanced):
            return self.builder.op("list.construct", advanced, [ListType(TensorType())]).results[0]
        items = [self.builder.none() if v is None else v for v in advanced]
        return self.builder.op("list.construct", items, [ListType(OptionalType(TensorType()))]).results[0]

    def basic_index(self, node: ast.AST, x: SSAValue, index: ast.expr) -> tuple[SSAValue, list]:
        """Apply ints, slices, None and `...`; collect tensor indices, with None for each dim a slice or
        None keeps before them (ints select first, as in TorchScript)."""
        parts = self.index_parts(index)
        dim, advanced = 0, []
        for i, part in enumerate(parts):
            if isinstance(part, ast.Constant) and part.value is Ellipsis:
                after = len(parts) - i - 1
                rank = self.builder.value("dim", x)
                dim_v = self.builder.value("scalar.sub", rank, self.builder.const(after), type=IntType())
                dim = dim_v  # dims counted from the end from here on
                continue
            dim_value = self.builder.const(dim) if isinstance(dim, int) else dim
            if isinstance(part, ast.Slice):
                start = self.builder.none() if part.lower is None else self.int_value(part.lower)
                end = self.builder.none() if part.upper is None else self.int_value(part.upper)
                step = self.builder.const(1) if part.step is None else self.int_value(part.step)
                x = self.builder.value("slice", x, dim_value, start, end, step)
                dim = self.next_dim(dim)
                advanced.append(None)
                continue
            value = self.expr(part)
            if isinstance(value, PyConst) and value.value is None:
                x = self.builder.value("unsqueeze", x, dim_value)
                dim = self.next_dim(dim)
                advanced.append(None)
                continue
            v = self.as_value(value, part)
            if isinstance(v.type, IntType):
                x = self.builder.value("select", x, dim_value, v)
            elif isinstance(v.type, TensorType):
                if len(parts) != 1 and not isinstance(dim, int):
                    self.unsupported(part, "tensor indices after `...`")
                advanced.append(v)
                dim = self.next_dim(dim)
            elif isinstance(v.type, ListType):
                t = self.builder.op("generic", [v], [TensorType()], op_name=self.str_attr("aten::tensor")).results[0]
                advanced.append(t)
                dim = self.next_dim(dim)
            else:
                self.error(part, f"Unsupported index type {self.type_name(v.type)}")
        while advanced and advanced[-1] is None:
            advanced.pop()
        return x, advanced

    def next_dim(self, dim):
        if isinstance(dim, int):
            return dim + 1
        return self.builder.value("scalar.add", dim, self.builder.const(1), type=IntType())

    def tensor_setitem(self, target, x: SSAValue, index: ast.expr, value: Any, node) -> None:
        view, advanced = self.basic_index(target, x, index)
        v = self.as_value(value, node)
        if advanced:
            if not isinstance(v.type, TensorType):
                v = self.builder.value("num_to_tensor", v)
            self.builder.value("index_put_", view, self.index_list(advanced), v, self.builder.const(False))
        elif isinstance(v.type, TensorType):
            self.builder.value("copy_", view, v)
        else:
            self.builder.value("fill_", view, v)

    # -- iteration -----------------------------------------------------------------------------
    def unrolled_items(self, node: ast.AST, iterable: Any) -> list | None:
        """Items of a loop unrolled at compile time, or None for a real loop."""
        if isinstance(iterable, ModuleRef):
            return self.module_items(node, iterable)
        if isinstance(iterable, SugaredTuple):
            return list(iterable.items)
        if isinstance(iterable, PyConst) and isinstance(iterable.value, tuple):
            return [PyConst(v) for v in iterable.value]
        if is_ir(iterable) and isinstance(iterable.type, TupleType):
            return self.unpack_tuple(iterable)
        if isinstance(iterable, Iteration) and iterable.kind in ("enumerate", "zip") and any(
                isinstance(a, ModuleRef | SugaredTuple) for a in iterable.args):
            lists = [self.unrolled_items(node, a) or self.error(node, "cannot zip a module container with a list")
                     for a in iterable.args if not (isinstance(a, PyConst) and isinstance(a.value, int))]
            if iterable.kind == "enumerate":
                start = iterable.args[1].value if len(iterable.args) > 1 else 0
                return [SugaredTuple([PyConst(i + start), item]) for i, item in enumerate(lists[0])]
            return [SugaredTuple(list(items)) for items in zip(*lists)]
        if isinstance(iterable, Iteration) and iterable.kind == "items_of_module":
            return iterable.args
        return None

    def iteration(self, node: ast.AST, iterable: Any):
        """(trip count, function from the iteration number to the loop variable's value)."""
        if isinstance(iterable, Iteration):
            return getattr(self, f"iterate_{iterable.kind}")(node, iterable.args)
        v = self.as_value(iterable, node)
        return self.iterate_value(node, v)

    def iterate_value(self, node, v: SSAValue):
        t = v.type
        if isinstance(t, ListType):
            n = self.builder.value("len", v, type=IntType())
            return n, lambda i: self.builder.value("list.get", v, i, type=t.element_type)
        if isinstance(t, StrType):
            n = self.builder.value("len", v, type=IntType())
            return n, lambda i: self.builder.value("str.getitem", v, i, type=StrType())
        if isinstance(t, DictType):
            keys = self.builder.value("dict.keys", v, type=ListType(t.key_type))
            return self.iterate_value(node, keys)
        if isinstance(t, TensorType):
            n = self.builder.value("size_dim", v, self.builder.const(0))
            return n, lambda i: self.builder.value("select", v, self.builder.const(0), i)
        self.error(node, f"'{self.type_name(t)}' object is not iterable")

    def iterate_range(self, node, args):
        values = [self.as_value(a, node) for a in args]
        for a in values:
            if not isinstance(a.type, IntType):
                self.error(node, f"all inputs of range must be ints, found {self.type_name(a.type)}"
                                 f"{' (inferred)' if isinstance(a.type, TensorType) else ''} in argument 0")
        if len(values) == 1:
            return values[0], lambda i: i
        start, stop = values[0], values[1]
        step_c = args[2].value if len(args) > 2 and isinstance(args[2], PyConst) else 1 if len(args) < 3 else None
        if step_c is None:
            self.unsupported(node, "range with a step that is not a constant")
        if step_c == 0:
            self.error(node, "range() arg 3 must not be zero")
        b = self.builder
        span = b.value("scalar.sub", stop, start, type=IntType()) if step_c > 0 else \
            b.value("scalar.sub", start, stop, type=IntType())
        size = abs(step_c)
        if size != 1:
            span = b.value("scalar.add", span, b.const(size - 1), type=IntType())
            span = b.value("scalar.floordiv", span, b.const(size), type=IntType())
        n = b.value("scalar.max", span, b.const(0), type=IntType())
        step = b.const(step_c)
        return n, lambda i: b.value("scalar.add", start, b.value("scalar.mul", i, step, type=IntType()),
                                    type=IntType())

    def iterate_enumerate(self, node, args):
        n, item = self.iteration(node, args[0])
        start = self.as_value(args[1], node) if len(args) > 1 else None

        def bind(i):
            index = i if start is None else self.builder.value("scalar.add", i, start, type=IntType())
            return SugaredTuple([index, item(i)])

        return n, bind

    def iterate_zip(self, node, args):
        parts = [self.iteration(node, a) for a in args]
        n = parts[0][0]
        for m, _ in parts[1:]:
            n = self.builder.value("scalar.min", n, m, type=IntType())
        return n, lambda i: SugaredTuple([item(i) for _, item in parts])

