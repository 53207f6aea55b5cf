"""Shared by the ts-to-linalg numeric tests: build a one-op ts function, run it on the numpy
backend before and after ts-to-linalg, and check the op was lowered and the results agree."""
from __future__ import annotations

import numpy as np
from xdsl.dialects import func
from xdsl.parser import Parser

from tsjit.backends.numpy import Program
from tsjit.dialects import context
from tsjit.passes import to_linalg
from tsjit.passes import apply_pass

NP = {"f32": np.float32, "f64": np.float64, "i64": np.int64, "i32": np.int32, "i1": np.bool_}


def function(op: str, operands: list, result: str, args: list[str]) -> str:
    """`ts.<op>` applied to `operands`: "%a0".. name the arguments (types `args`, e.g. "[2,3], f32"),
    (literal, type) pairs become ts.constants."""
    lines, names, types = [], [], []
    for k, o in enumerate(operands):
        if isinstance(o, tuple):
            lines.append(f"  %c{k} = ts.constant {o[0]}" + (f" : {o[1]}" if o[1].startswith("!ts.list") else ""))
            names.append(f"%c{k}")
            types.append(o[1])
        else:
            names.append(o)
            types.append(f"!ts.tensor<{args[int(o[2:])]}>")
    params = ", ".join(f"%a{i}: !ts.tensor<{a}>" for i, a in enumerate(args))
    res = f"!ts.tensor<{result}>"
    lines.append(f"  %r = ts.{op} {', '.join(names)} : ({', '.join(types)}) -> {res}")
    return f"func.func @f({params}) -> {res} {{\n" + "\n".join(lines) + f"\n  func.return %r : {res}\n}}\n"


def inputs(args: list[str], seed: int = 0) -> list[np.ndarray]:
    rng = np.random.default_rng(seed)
    out = []
    for a in args:
        dims, dtype = a.rsplit(",", 1)
        shape = tuple(int(d) for d in dims.strip("[] ").split(",") if d.strip())
        dtype = NP[dtype.strip()]
        if dtype == np.bool_:
            out.append(rng.random(shape) < 0.5)
        elif np.issubdtype(dtype, np.integer):
            out.append(rng.integers(-5, 6, shape).astype(dtype))
        else:
            out.append((rng.standard_normal(shape) * 2).astype(dtype))
    return out


def lower_and_compare(text: str, args: list[np.ndarray], rtol: float = 1e-5, atol: float = 1e-6):
    """Run, lower, check nothing tensor-valued stayed at the ts level, run again, compare; gives the module."""
    module = Parser(context(), text).parse_module()
    expected = np.asarray(Program(module).call("f", *args))
    apply_pass("ts-to-linalg", module, report=False)
    module.verify()
    assert to_linalg.unlowered(module) == [], to_linalg.unlowered(module)
    f = next(o for o in module.ops if isinstance(o, func.FuncOp))
    assert not any(o.name.startswith("ts.") and o.name != "ts.constant" for o in f.body.walk()), str(module)
    got = np.asarray(Program(module).call("f", *args))
    assert got.dtype == expected.dtype and got.shape == expected.shape, (got.dtype, got.shape, expected.dtype)
    if expected.dtype.kind == "f":
        scale = max(1.0, float(np.nanmax(np.abs(expected))) if expected.size and np.isfinite(expected).any() else 1.0)
        np.testing.assert_allclose(got, expected, rtol=rtol, atol=atol * scale, equal_nan=True)
    else:
        np.testing.assert_array_equal(got, expected)
    return module
