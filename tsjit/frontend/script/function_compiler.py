"""One Python function (or method) -> one `func.func` of ts IR: the ast.NodeVisitor of `script`.

The visitor is split by concern into mixins (statements, expressions, operators, calls,
targets, tensor calls, modules); this file holds its state, the signature, and the helpers
every part uses (errors with source excerpts, names of values, constants).
"""
from __future__ import annotations

import ast
import functools
import inspect
from dataclasses import dataclass, field
from typing import Any

from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, StringAttr
from xdsl.ir import Attribute, Block, Region, SSAValue

from tsjit.dialects.ts.constant import DeviceAttr
from tsjit.dialects.ts.types import ClassType, StrType, TensorType
from tsjit.frontend.script.calls import CallCompiler
from tsjit.frontend.script.comprehensions import ComprehensionCompiler
from tsjit.frontend.script.container_methods import ContainerMethodCompiler
from tsjit.frontend.script.enums import EnumCompiler, EnumTypeError, register_enums
from tsjit.frontend.script.errors import UNSUPPORTED_NODES, CompileError, NotSupportedError, UnsupportedNodeError, located
from tsjit.frontend.script.expressions import ExpressionCompiler, unwrap_class
from tsjit.frontend.script.ignored_methods import IgnoredMethodCompiler
from tsjit.frontend.script.interfaces import InterfaceCompiler
from tsjit.frontend.script.ir_builder import IRBuilder
from tsjit.frontend.script.module_access import ModuleAccessCompiler
from tsjit.frontend.script.namedtuples import NamedTupleCompiler
from tsjit.frontend.script.operators import OperatorCompiler
from tsjit.frontend.script.scope import Scope
from tsjit.frontend.script.source import ParsedSource
from tsjit.frontend.script.statements import StatementCompiler
from tsjit.frontend.script.targets import TargetCompiler
from tsjit.frontend.script.tensor_containers import TensorContainerCompiler, tensor_key_dicts
from tsjit.frontend.script.tensor_calls import TensorCallCompiler, eager_object
from tsjit.frontend.script.type_annotations import NotAType, resolve_annotation
from tsjit.frontend.script.values import ModuleRef, NullContext, PyObj, TypeValue


@dataclass
class Param:
    name: str
    type: Attribute
    default: Any = inspect.Parameter.empty


@dataclass
class CompiledFunction:
    """A compiled function's symbol, IR and Python-level signature (for calls and `.schema`)."""

    name: str  # symbol of the func.func
    qualname: str  # Python name, for messages
    params: list[Param]
    return_type: Attribute
    func_op: func.FuncOp | None = None
    python_return: Any = None  # the return annotation object (NamedTuple results are rebuilt)
    method_of: str | None = None  # class name for methods (params exclude self)
    extra: dict = field(default_factory=dict)

    def bind(self, args: tuple, kwargs: dict) -> list:
        """Positional values for every parameter, defaults filled in, as Python would bind them."""
        params = self.params
        if len(args) > len(params):
            raise RuntimeError(f"{self.qualname}() expected at most {len(params)} argument(s) but received "
                               f"{len(args)} argument(s).")
        values = list(args)
        for p in params[len(args):]:
            if p.name in kwargs:
                values.append(kwargs.pop(p.name))
            elif p.default is not inspect.Parameter.empty:
                values.append(p.default)
            else:
                raise RuntimeError(f"{self.qualname}() is missing value for argument '{p.name}'.")
        if kwargs:
            raise RuntimeError(f"{self.qualname}() got an unexpected keyword argument '{next(iter(kwargs))}'.")
        return values


@functools.cache
def _BUILTIN_TYPE_NAMES() -> dict[str, Any]:  # noqa: N802 - a constant, built on first use
    import typing

    from tsjit.eager import Tensor

    names = {n: getattr(typing, n) for n in ("List", "Dict", "Tuple", "Optional", "Union", "Any", "NamedTuple")}
    return {**names, "Tensor": Tensor}


class FunctionCompiler(EnumCompiler, ContainerMethodCompiler, InterfaceCompiler, NamedTupleCompiler, TensorContainerCompiler,
                       IgnoredMethodCompiler, StatementCompiler, ComprehensionCompiler, ExpressionCompiler,
                       OperatorCompiler, CallCompiler, TargetCompiler, TensorCallCompiler, ModuleAccessCompiler):
    def __init__(self, cu, src: ParsedSource, symbol: str, qualname: str, globals_: dict, closure: dict,
                 self_info: Any = None, self_module: Any = None):
        self.cu, self.src, self.symbol, self.qualname = cu, src, symbol, qualname
        self.globals, self.closure = globals_, closure
        self.self_info, self.self_module = self_info, self_module
        self.scope = Scope()
        self.builder = IRBuilder(Block())
        self.loops: list[str] = []
        self.return_type: Attribute | None = None
        self.inferred: set[str] = set()  # parameters typed Tensor for want of an annotation
        self.declared_return: Attribute | None = None

    # -- the whole function --------------------------------------------------------------------
    def signature(self, defaults: tuple = ()) -> tuple[list[Param], Attribute | None]:
        node = self.src.node
        a = node.args
        culprit = a.vararg or a.kwarg or next((d for d in a.kw_defaults if d is not None), None) or (
            a.kwonlyargs[0] if a.kwonlyargs else None) or (a.posonlyargs[0] if a.posonlyargs else None)
        if culprit is not None:
            self.error(culprit, "Compiled functions can't take variable number of arguments or use keyword-only "
                                "arguments with defaults", NotSupportedError)
        names = [arg for arg in a.args]
        if self.self_info is not None:
            names = names[1:]
        comment = self.type_comment(node)
        params = []
        first_default = len(names) - len(defaults)
        for i, arg in enumerate(names):
            if comment is not None:
                if len(comment.argtypes) != len(names):
                    self.error(node, f"Number of type annotations ({len(comment.argtypes)}) did not match the number "
                                     f"of function parameters ({len(names)})")
                arg.annotation = comment.argtypes[i]
            t = self.annotation(arg.annotation) if arg.annotation is not None else TensorType()
            if arg.annotation is None:
                self.inferred.add(arg.arg)
            default = defaults[i - first_default] if i >= first_default else inspect.Parameter.empty
            params.append(Param(arg.arg, t, default))
        returns = comment.returns if comment is not None else node.returns
        ret = self.annotation(returns) if returns is not None else None
        return params, ret

    def type_comment(self, node: ast.FunctionDef) -> ast.FunctionType | None:
        """`# type: (int, Tensor) -> Tensor`, the Python 2 style signature TorchScript accepts."""
        text = getattr(node, "type_comment", None)
        if not text:
            return None
        try:
            return ast.parse(text, mode="func_type")
        except SyntaxError as e:
            self.error(node, f"malformed type comment '{text}': {e.msg}")

    def compile(self, params: list[Param], declared_return: Attribute | None) -> func.FuncOp:
        node = self.src.node
        self.declared_return = declared_return
        self_types = [ClassType(self.self_info.class_name)] if self.self_info is not None else []
        arg_types = self_types + [p.type for p in params]
        block = Block(arg_types=arg_types)
        self.builder.block = block
        args = list(block.args)
        if self.self_info is not None:
            self_arg = args.pop(0)
            # TorchScript binds the first parameter as the receiver, whatever its name
            self_name = node.args.args[0].arg if node.args.args else "self"
            self.name_value(self_arg, self_name)
            self.scope.set(self_name, ModuleRef(self.self_module, self_arg, self.self_info)
                           if self.self_info.is_module else self_arg)
        for p, arg in zip(params, args):
            self.name_value(arg, p.name)
            self.scope.set(p.name, arg)
        self.compile_block(node.body)
        result = self.finish_body(node)
        self.inferred_python_return = self.returned_annotation(result) if declared_return is None else None
        self.at(node)
        block.add_op(func.ReturnOp(result))
        ftype = FunctionType.from_lists(arg_types, [result.type])
        func_op = func.FuncOp(self.symbol, ftype, Region([block]))
        tensor_key_dicts(func_op)
        return func_op

    # -- helpers shared by the mixins ----------------------------------------------------------
    def at(self, node: ast.AST) -> None:
        if hasattr(node, "lineno"):
            self.current = node
            r = self.src.range(node)
            self.builder.location = f"{r.filename}:{r.line}:{r.col + 1}"

    def error(self, node: ast.AST | None, message: str, cls: type[Exception] = CompileError):
        where = self.src.range(node) if node is not None and hasattr(node, "lineno") else None
        raise located(cls, message, where, self.cu.call_chain)

    def unsupported(self, node: ast.AST, what: str | None = None):
        if what is None and type(node) in UNSUPPORTED_NODES:
            cls, message = UNSUPPORTED_NODES[type(node)]
            self.error(node, message, cls)
        self.error(node, f"{what or type(node).__name__} aren't supported", UnsupportedNodeError
                   if what is None else NotSupportedError)

    def annotation(self, node: ast.expr) -> Attribute:
        # TorchScript knows Tensor, List, Dict, ... without imports (`# type: (Tensor, int) -> Tensor`)
        scope = {**{k: v for k, v in _BUILTIN_TYPE_NAMES().items() if k not in self.globals}, **self.closure}
        try:
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                obj = eval(node.value, self.globals, scope)  # noqa: S307 - annotations are code
            else:
                obj = eval(compile(ast.Expression(node), "<annotation>", "eval"), self.globals, scope)
        except Exception as e:  # noqa: BLE001
            self.error(node, f"Unknown type annotation: '{ast.unparse(node)}' ({e})")
        return self.resolve_type(node, obj)

    def resolve_type(self, node: ast.AST, obj: Any) -> Attribute:
        if isinstance(obj, TypeValue):
            return obj.type
        try:
            t = resolve_annotation(unwrap_class(obj), self.cu.class_type_for)
            register_enums(self.cu.classes, t)
        except (NotAType, EnumTypeError) as e:
            self.error(node, str(e))
        return t

    def name_value(self, value: SSAValue, name: str) -> None:
        if isinstance(value, SSAValue) and value.name_hint is None and not name.startswith("$"):
            try:
                value.name_hint = name
            except ValueError:
                pass

    def type_name(self, t: Attribute | None) -> str:
        if t is None:
            return "None"
        try:
            from tsjit.printer.type_names import type_name

            return type_name(t)
        except Exception:  # noqa: BLE001 - printing must never hide the real error
            return str(t)

    def str_attr(self, s: str) -> StringAttr:
        return StringAttr(s)

    def device_attr(self, s: str) -> DeviceAttr:
        return DeviceAttr(s)

    @staticmethod
    def is_dtype(v: Any) -> bool:
        from tsjit.dtypes import dtype

        return isinstance(v, dtype)

    @staticmethod
    def is_device(v: Any) -> bool:
        from tsjit.eager.meta import device

        return isinstance(v, device)

    @staticmethod
    def is_device_class(v: Any) -> bool:
        from tsjit.eager.meta import device

        return v is device

    @staticmethod
    def eager(key: str) -> Any:
        return eager_object(key)

    @staticmethod
    def is_null_context(ctx: Any) -> bool:
        """`with torch.no_grad():` and friends change nothing in compiled code."""
        return isinstance(ctx, PyObj) and isinstance(ctx.obj, NullContext)

    def exception_of(self, exc: ast.expr) -> tuple[str, SSAValue | None]:
        """`ValueError("msg")` -> ("builtins.ValueError", msg value)."""
        call = exc if isinstance(exc, ast.Call) else None
        target = self.expr(call.func if call else exc)
        obj = getattr(target, "obj", None)
        if not (isinstance(obj, type) and issubclass(obj, BaseException)):
            self.error(exc, "exceptions must derive from BaseException")
        name = obj.__name__ if obj is AssertionError else f"{obj.__module__}.{obj.__qualname__}"
        message = None
        if call is not None and call.args:
            parts = [self.value(a) for a in call.args]
            if len(parts) == 1 and isinstance(parts[0].type, StrType):
                message = parts[0]
            else:  # several arguments print as Python would: "a, b"
                fmt = self.builder.const(", ".join(["{}"] * len(parts)))
                message = self.builder.op("str.format", [fmt, *parts], [StrType()]).results[0]
        return name, message

