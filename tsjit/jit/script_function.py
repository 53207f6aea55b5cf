"""`ScriptFunction`: a compiled function, callable from Python, with `.graph`, `.code`, `.schema`."""
from __future__ import annotations

import inspect
from functools import partial
from typing import Any

from tsjit.frontend.trace import state as trace_state
from tsjit.jit.fusion import FUSER, fused_callable
from tsjit.jit.values import converter_in, converter_out, to_runtime


class ScriptFunction:
    """A compiled function: callable, with its name, `.graph` (ts IR), `.code` and `.schema`."""

    def __init__(self, cu, compiled, python_fn: Any = None, obj: Any = None):
        """`obj`: the run-time object a method is bound to (None for a free function)."""
        self._cu, self._compiled, self._obj = cu, compiled, obj
        self._fn = None
        self._in = [converter_in(p.type) for p in compiled.params]
        self._out = converter_out(compiled.return_type, compiled.python_return)
        self.__name__ = self.name
        self.__doc__ = getattr(python_fn, "__doc__", None)
        if python_fn is not None:
            python_fn._tsjit_compiled = compiled

    @property
    def name(self) -> str:
        return self._compiled.qualname.rsplit(".", 1)[-1]

    @property
    def graph(self) -> str:
        """The ts IR of the function, as text."""
        return str(self._compiled.func_op)

    @property
    def inlined_graph(self) -> str:
        """The graph with every call to another scripted function inlined, as TorchScript shows it."""
        from tsjit.passes import apply_pass

        func = self._compiled.func_op
        module = func.parent_op()
        if module is None:
            return str(func)
        copy = module.clone()
        name = func.sym_name.data
        apply_pass("ts-inline", copy, functions=(name,))
        return str(next(op for op in copy.ops if getattr(op, "sym_name", None) is not None
                        and op.sym_name.data == name))

    @property
    def code(self) -> str:
        from tsjit.printer import function_code

        return function_code(self._compiled.func_op, self.name)

    @property
    def schema(self) -> str:
        return schema_of(self._compiled, self.name)

    @property
    def qualified_name(self) -> str:
        return self._compiled.name

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if trace_state._stack and trace_state.current() is not None:  # called while tracing: record a call
            from tsjit.frontend.trace.calls import call_compiled

            return call_compiled(trace_state.current(), self, args, kwargs)
        if kwargs or len(args) != len(self._in):
            args = self._compiled.bind(args, kwargs)
        return self._run(args)

    def _run(self, args) -> Any:
        """Run on one value per parameter."""
        fn = fused_callable(self) if FUSER.enabled else self._fn
        if fn is None:
            fn = self._fn = self._prepare()
        return self._out(fn(*[c(a) for c, a in zip(self._in, args)]))

    def _prepare(self):
        """The backend's callable, the bound object first for methods."""
        program, compiled = self._cu.program, self._compiled
        if self._obj is None:
            return program.function(compiled.name)
        return partial(program.method(compiled.method_of, self.name), self._obj)

    def __repr__(self) -> str:
        return f"<tsjit.jit.{type(self).__name__} object {self.qualified_name}>"


class ScriptMethod(ScriptFunction):
    """A compiled method bound to its module's (or script object's) run-time object."""

    def __init__(self, cu, compiled, obj: Any):
        super().__init__(cu, compiled, obj=obj)


def schema_of(compiled, name: str) -> str:
    from tsjit.printer.type_names import class_kinds, schema_type_name

    kind_of = class_kinds(compiled.func_op)  # Enum<...> and InterfaceType<...> need the class declarations
    parts = []
    for p in compiled.params:
        default = "" if p.default is inspect.Parameter.empty else f"={_default_text(p.default)}"
        parts.append(f"{schema_type_name(p.type, kind_of)} {p.name}{default}")
    return f"{name}({', '.join(parts)}) -> {schema_type_name(compiled.return_type, kind_of)}"


def _default_text(v: Any) -> str:
    if isinstance(v, bool):
        return "True" if v else "False"
    if v is None:
        return "None"
    if isinstance(v, str):
        return repr(v).replace("'", '"')
    return repr(to_runtime(v))
