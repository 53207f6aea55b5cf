"""Trace checking (`check_trace`, `check_inputs`), as torch.jit.trace's `_check_trace`.

For each set of check inputs the function is traced again and run: a different graph raises
TracingCheckError ("Graphs differed across invocations!" with a diff of the two graphs and
the first diverging op); outputs of the trace that differ from the Python function's (or
from the repeated trace's) give a TracerWarning, preceded by the list of nondeterministic
ops when there are any.
"""
from __future__ import annotations

import difflib
import re
from collections.abc import Callable
from typing import Any

from xdsl.dialects.func import FuncOp

from tsjit import dtypes
from tsjit.dialects.ts.constant import ConstantOp
from tsjit.frontend.trace.traced_tensor import TracerWarning
from tsjit.frontend.trace.user_frame import warn
from tsjit.testing import assert_close, default_tolerances


class TracingCheckError(Exception):
    def __init__(self, graph_diff_error: str | None, tensor_compare_error: str | None, extra_msg: str | None = None):
        self.message = "Tracing failed sanity checks!\n"
        if extra_msg is not None:
            self.message += extra_msg + "\n"
        if graph_diff_error is not None:
            self.message += "ERROR: Graphs differed across invocations!\n" + _indent(graph_diff_error) + "\n"
        if tensor_compare_error is not None:
            self.message += ("ERROR: Tensor-valued Constant nodes differed in value across invocations. This often "
                             "indicates that the tracer has encountered untraceable code.\n")
            self.message += _indent(tensor_compare_error) + "\n"
        super().__init__(self.message)


def _indent(s: str) -> str:
    return "\n".join("\t" + line for line in s.splitlines())


_MANGLE = re.compile(r"___torch_mangle_[0-9]+|___[0-9]+\b")
_DENSE = re.compile(r"dense<[^>]*>")


def op_text(op) -> str:
    """An op as text without source locations, mangled names or tensor constant data."""
    clone = op.clone()
    for o in clone.walk():
        o.attributes.pop("loc", None)
    return _DENSE.sub("dense<...>", _MANGLE.sub("", str(clone)))


def graph_text(func: FuncOp) -> str:
    return op_text(func)


def graph_diagnostic_info(traced: FuncOp, check: FuncOp) -> tuple[str | None, str | None]:
    """(graph diff, tensor constant difference): what differs between two traces of one function."""
    mine, theirs = graph_text(traced), graph_text(check)
    graph_diff = None
    if mine != theirs:
        graph_diff = "Graph diff:\n" + _indent("".join(difflib.ndiff(mine.splitlines(True), theirs.splitlines(True))))
        graph_diff += "\n"
        first = _first_difference(traced, mine, check, theirs)
        if first is not None:
            (line_a, op_a), (line_b, op_b) = first
            graph_diff += "First diverging operator:\n"
            graph_diff += "Node diff:\n" + _indent("".join(difflib.ndiff([line_a + "\n"], [line_b + "\n"]))) + "\n"
            for label, o in (("Trace", op_a), ("Check", op_b)):
                if o is not None and "loc" in o.attributes:
                    graph_diff += f"{label} source location:\n" + _indent(o.attributes["loc"].data) + "\n"
    tensor_diff = None
    for a, b in zip(traced.body.block.ops, check.body.block.ops):
        if a.name != b.name:
            break
        if isinstance(a, ConstantOp) and isinstance(b, ConstantOp) and _is_tensor(a) and _is_tensor(b):
            try:
                assert_close(a.py_value, b.py_value, equal_nan=True)
            except AssertionError as e:
                tensor_diff = "Node:\n" + _indent(op_text(a)) + "\n"
                if "loc" in a.attributes:
                    tensor_diff += "Source Location:\n" + _indent(a.attributes["loc"].data) + "\n"
                tensor_diff += "Comparison exception: " + _indent(str(e))
                break
    return graph_diff, tensor_diff


def _first_difference(traced: FuncOp, mine: str, check: FuncOp, theirs: str):
    """The first differing line of the two graph texts, each with its op (when lines map to ops)."""
    def lines_and_ops(f: FuncOp, text: str):
        lines = text.splitlines()[1:-1]
        ops = list(f.body.block.ops)
        return [(line, ops[i] if len(ops) == len(lines) else None) for i, line in enumerate(lines)]

    for a, b in zip(lines_and_ops(traced, mine), lines_and_ops(check, theirs)):
        if a[0] != b[0]:
            return a, b
    return None


def _is_tensor(op: ConstantOp) -> bool:
    import numpy as np

    return isinstance(op.py_value, np.ndarray)


def check_trace(check_inputs: list, func: Callable, traced: Any, traced_func: FuncOp, retrace: Callable,
                check_tolerance: float, nondeterministic: list) -> None:
    """Re-trace and re-run with each input tuple; `retrace(inputs) -> (callable, FuncOp)`."""
    for inputs in check_inputs:
        check_fn, check_func = retrace(clone_inputs(inputs))

        def run(fn, what):
            try:
                outs = fn(*clone_inputs(inputs))
            except Exception as e:
                diag = graph_diagnostic_info(traced_func, check_func)
                raise TracingCheckError(*diag, extra_msg=f"encountered an exception while running the {what} with "
                                                         f"test inputs.\nException:\n{_indent(str(e))}") from e
            return [o for o in (outs if isinstance(outs, tuple) else (outs,)) if _is_tensor_value(o)]

        warned = [False]

        def compare(original, reference, match_what) -> bool:
            ok = True
            for i, (orig, ref) in enumerate(zip(original, reference)):
                try:
                    wide = dtypes.complex128 if orig.is_complex() or ref.is_complex() else dtypes.float64
                    assert_close(orig.to(wide), ref.to(wide), rtol=check_tolerance,
                                 atol=default_tolerances(orig._data, ref._data)[1], equal_nan=True)
                except AssertionError as e:
                    if not warned[0]:
                        warned[0] = True
                        _warn_nondeterministic(nondeterministic)
                    warn(f"Output nr {i + 1}. of the traced function does not match the corresponding output of the "
                         f"{match_what}. Detailed error:\n{e}", TracerWarning)
                    ok = False
            return ok

        traced_outs = run(traced, "trace")
        fn_outs = run(func, "Python function")
        if compare(traced_outs, fn_outs, "Python function"):
            compare(traced_outs, run(check_fn, "repeated trace"), "repeated trace")
        diag = graph_diagnostic_info(traced_func, check_func)
        if any(d is not None for d in diag):
            raise TracingCheckError(*diag)


def _warn_nondeterministic(ops: list) -> None:
    if not ops:
        return
    nodes = "\n".join(_indent(op_text(op)) for op in ops[:20])
    warn("Trace had nondeterministic nodes. Did you forget call .eval() on your model? Nodes:\n" + nodes +
         "\nThis may cause errors in trace checking. To disable trace checking, pass check_trace=False to "
         "torch.jit.trace()", TracerWarning)


def _is_tensor_value(x: Any) -> bool:
    from tsjit.eager.tensor_class import Tensor

    return isinstance(x, Tensor)


def clone_inputs(inputs: Any) -> Any:
    """Fresh copies of the tensors inside (nested) inputs, so runs do not see each other's writes."""
    from tsjit.eager.tensor_class import Tensor

    if isinstance(inputs, Tensor):
        return inputs.clone()
    if isinstance(inputs, tuple):
        return tuple(clone_inputs(x) for x in inputs)
    if isinstance(inputs, list):
        return [clone_inputs(x) for x in inputs]
    if isinstance(inputs, dict):
        return {k: clone_inputs(v) for k, v in inputs.items()}
    return inputs
