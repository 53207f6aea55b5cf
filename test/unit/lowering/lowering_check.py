"""Shared by the ts-to-linalg family tests: trace a function, lower it, compare on the numpy backend.

`check_lowering(fn, *inputs, ops=...)` traces `fn` (tensors it captures become ts.constants, as in
a frozen graph), specializes it to the inputs, runs it at the ts level, lowers it with
ts-to-linalg, checks that none of `ops` is left and that the lowered function gives the same
results (and the eager ones). It returns the lowered module for further checks.
"""
from __future__ import annotations

import shutil
import subprocess

import numpy as np
from xdsl.dialects import func
from xdsl.printer import Printer

import tsjit as torch
from tsjit.backends.numpy import Program
from tsjit.passes import to_linalg
from tsjit.passes.to_linalg import TsToLinalgPass

MLIR_OPT = shutil.which("mlir-opt-19") or shutil.which("mlir-opt")


def _run(module, name, inputs):
    return Program(module).call(name, *[np.asarray(a.numpy() if hasattr(a, "numpy") else a)
                                                   for a in inputs])


def check_lowering(fn, *inputs, ops: tuple[str, ...], rtol=1e-5, atol=1e-5):
    traced = torch.jit.trace(fn, inputs)
    name = traced._compiled.func_op.sym_name.data
    module = torch.jit.specialize(traced, inputs)
    for f in [op for op in module.ops if isinstance(op, func.FuncOp) and op.sym_name.data != name]:
        module.body.block.erase_op(f)  # the compilation unit's other traced functions
    present = {op.name for op in module.walk()}
    missing = [name for name in ops if name not in present]
    assert not missing, f"the traced IR has no {missing}:\n{module}"
    expected = np.asarray(fn(*inputs).numpy())
    np.testing.assert_allclose(_run(module, name, inputs), expected, rtol=rtol, atol=atol)
    TsToLinalgPass(report=False).apply(None, module)
    module.verify()
    left = [(name, why) for name, _, why in to_linalg.unlowered(module) if name in ops]
    assert not left, f"not lowered: {left}\n{module}"
    assert not any(op.name in ops for op in module.walk()), str(module)
    np.testing.assert_allclose(_run(module, name, inputs), expected, rtol=rtol, atol=atol)
    return module


def generic_text(module) -> str:
    import io
    out = io.StringIO()
    Printer(stream=out, print_generic_format=True).print_op(module)
    return out.getvalue()


def upstream_verifies(module) -> None:
    """mlir-opt (upstream MLIR 19) parses and verifies the module's generic form."""
    result = subprocess.run([MLIR_OPT, "--allow-unregistered-dialect", "--verify-each", "-o", "/dev/null"],
                            input=generic_text(module), capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr + "\n" + generic_text(module)
