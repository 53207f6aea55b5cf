"""`Program`: runs the functions and methods of a module on run-time values.

    prog = Program(module_op)
    prog.call("fn", *args)                       # or: f = prog.function("fn"); f(*args)
    prog.call_method(obj, "forward", *args)      # or: m = prog.method("__torch__.Net", "forward")
    prog.invalidate()                            # after a pass changed the IR

Functions are planned lazily, once, on first use; calls between functions (`ts.call_function`,
`ts.call_method`, `func.call`) look the callee's plan up when they run, so recursion and
methods of classes chosen at run time work. A prepared function keeps no per-call state:
each call gets a fresh frame, so it may run in several threads at once (planning happens under
a lock). `ts.fork` bodies run on the shared inter-op thread pool (fork.py); pass
`fork_executor=run_inline` to run them at once, in the forking thread. `ts.fusion_group` bodies
run here unless `fusion` is given: `fusion(group_op, unfused)` then gives the callable that runs
the group (the JIT compiles groups with the C backend: tsjit/jit/fusion_kernels.py).
"""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from xdsl.dialects.builtin import ModuleOp
from xdsl.dialects.func import FuncOp

from tsjit.backends.numpy import ops  # noqa: F401  (fills the op table)
from tsjit.backends.numpy.fork import ForkExecutor, run_on_interop_pool
from tsjit.backends.numpy.plan import Planner
from tsjit.dialects.ts.module_ops import ClassTypeOp
from tsjit.runtime import Error


class Program:
    """The numpy backend's executable form of a `builtin.module` of func.func and ts.class_type ops."""

    def __init__(self, module: ModuleOp, *, kernels: dict[str, Callable] | None = None,
                 fork_executor: ForkExecutor = run_on_interop_pool,
                 fusion: Callable[[Any, Callable], Callable] | None = None):
        self.module = module
        self.fork_executor = fork_executor
        self.fusion = fusion
        self._kernels = kernels
        self._lock = threading.RLock()
        self._functions: dict[str, Callable] = {}
        self._methods: dict[tuple[str, str], Callable] = {}
        self._symbols: dict[str, Any] | None = None

    @property
    def kernels(self) -> dict[str, Callable]:
        """The tensor kernels (`tsjit.ops.KERNELS` unless others were given)."""
        if self._kernels is None:
            from tsjit.ops import KERNELS

            self._kernels = KERNELS
        return self._kernels

    def invalidate(self) -> None:
        """Forget every prepared plan (the IR changed); the next calls plan again."""
        with self._lock:
            self._functions.clear()
            self._methods.clear()
            self._symbols = None

    def call(self, name: str, *args: Any) -> Any:
        return self.function(name)(*args)

    def call_method(self, obj: Any, name: str, *args: Any) -> Any:
        return self.method(obj._class_name, name)(obj, *args)

    def function(self, name: str) -> Callable:
        """The prepared `func.func @name`: a callable(*args) -> None, a value, or a tuple."""
        fn = self._functions.get(name)
        if fn is None:
            with self._lock:
                fn = self._functions.get(name)
                if fn is None:
                    fn = self._functions[name] = self._prepare(self._lookup(name, FuncOp, "function"))
        return fn

    def method(self, class_name: str, method_name: str) -> Callable:
        """The prepared method of a `ts.class_type`: a callable(obj, *args)."""
        key = (class_name, method_name)
        fn = self._methods.get(key)
        if fn is None:
            cls = self._lookup(class_name, ClassTypeOp, "class")
            target = cls.methods().get(method_name)
            if target is None:
                raise Error(f"class {class_name} has no method '{method_name}'")
            fn = self._methods[key] = self.function(target.string_value())
        return fn

    def _lookup(self, name: str, kind: type, what: str) -> Any:
        symbols = self._symbols
        if symbols is None:
            symbols = self._symbols = {op.sym_name.data: op for op in self.module.body.block.ops
                                       if isinstance(op, FuncOp | ClassTypeOp)}
        op = symbols.get(name)
        if not isinstance(op, kind):
            raise Error(f"the program has no {what} named '{name}'")
        return op

    def _prepare(self, func_op: FuncOp) -> Callable:
        name = func_op.sym_name.data
        if not func_op.body.blocks:
            from tsjit.backends.numpy.ops.upstream_runtime import RUNTIME_FUNCTIONS

            if name in RUNTIME_FUNCTIONS:  # a C run-time function (func.call of its declaration)
                return RUNTIME_FUNCTIONS[name]

            def external(*args: Any) -> Any:
                raise Error(f"@{name} is only declared: it has no body to run")

            return external
        if len(func_op.body.blocks) != 1:
            raise Error(f"@{name}: the numpy backend runs single-block functions only")
        planner = Planner(self)
        block = func_op.body.block
        nargs = len(block.args)
        run = planner.block(block)
        tail = tuple(planner.template[nargs:])

        def call(*args: Any) -> Any:
            if len(args) != nargs:
                raise TypeError(f"@{name} takes {nargs} arguments, got {len(args)}")
            return run([*args, *tail])

        call.__name__ = call.__qualname__ = name
        return call
