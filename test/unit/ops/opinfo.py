"""The op-info harness: run one op definition on one sample through every path and compare.

Paths: the kernel itself (the eager library's numbers), its shape and dtype rules, PyTorch's
`torch.ops.aten.<name>` (when installed), a one-op IR function on the numpy backend, and the same
function specialized and compiled by the C backend. Results agree in dtype and shape exactly and
in value to the sample's tolerances (NaNs where NaNs are); where one path raises, the others must
raise too.
"""
from __future__ import annotations

from typing import Any

import numpy as np
from xdsl.dialects import func
from xdsl.dialects.builtin import FunctionType, ModuleOp
from xdsl.ir import Block, Region

from tsjit.dialects.ts.types import DTYPES, FloatType, IntType, ListType, NoneType, OptionalType, TensorType
from tsjit.dtypes import BFLOAT16
from tsjit.frontend.script.ir_builder import IRBuilder
from tsjit.ops.infer import infer
from tsjit.ops.registry import RANDOM, WRITES, OpDef, Sample
from tsjit.ops.rules import D, NeedRank, ShapeError, T

ERRORS = (RuntimeError, ValueError, TypeError, IndexError, ArithmeticError, NotImplementedError)


def copy(value: Any) -> Any:
    """Fresh copies of the arrays in an operand (in-place ops write their first operand)."""
    if isinstance(value, np.ndarray):
        return value.copy() if value.flags.c_contiguous else value.copy(order="K")
    if isinstance(value, list):
        return [copy(v) for v in value]
    return value


_KINDS = {"Tensor": lambda v: isinstance(v, np.ndarray), "Scalar": lambda v: isinstance(v, int | float | bool),
          "int": lambda v: isinstance(v, int) and not isinstance(v, bool), "float": lambda v: isinstance(v, int | float),
          "bool": lambda v: isinstance(v, bool), "str": lambda v: isinstance(v, str),
          "ScalarType": lambda v: isinstance(v, int)}


def fits(value: Any, kind: str) -> bool:
    """Whether a sample operand has the schema kind it is given for."""
    if kind.endswith("?") and value is None:
        return True
    kind = kind.rstrip("?")
    if kind.endswith("[]"):
        return isinstance(value, list) and all(v is None or fits(v, kind[:-2].rstrip("?")) for v in value)
    return any(_KINDS[k](value) for k in kind.split("|") if k in _KINDS)


def run_kernel(defn: OpDef, s: Sample) -> Any:
    """The kernel's result on the sample (an exception instance when it raises)."""
    for value, arg in zip(s.operands, defn.schema.args, strict=True):
        assert fits(value, arg.kind), f"sample operand {value!r} is not a {arg.kind} ('{arg.name}')"
    operands = [copy(v) for v in s.operands]
    try:
        with np.errstate(all="ignore"):
            out = defn.kernel(*operands)
    except ERRORS as e:
        return e
    return out


def results(value: Any) -> list[Any]:
    """A result as a flat list: tuples and lists of tensors are spread out."""
    if isinstance(value, tuple | list):
        return [r for v in value for r in results(v)]
    return [value]


def assert_same(got: Any, want: Any, s: Sample, what: str) -> None:
    got, want = results(got), results(want)
    assert len(got) == len(want), f"{what}: {len(got)} results, expected {len(want)}"
    for g, w in zip(got, want):
        if isinstance(w, np.ndarray | np.generic) or hasattr(w, "numpy"):
            w = np.asarray(w.numpy() if hasattr(w, "numpy") else w)
            g = np.asarray(g.numpy() if hasattr(g, "numpy") else g)
            assert g.dtype == w.dtype, f"{what}: dtype {g.dtype}, expected {w.dtype}"
            assert g.shape == w.shape, f"{what}: shape {g.shape}, expected {w.shape}"
            if w.dtype == BFLOAT16:
                g, w = g.astype(np.float32), w.astype(np.float32)
            if w.dtype.kind in "fc":
                np.testing.assert_allclose(g, w, rtol=s.rtol, atol=s.atol, equal_nan=True, err_msg=what)
            else:
                np.testing.assert_array_equal(g, w, err_msg=what)
        else:
            assert g == w or (g != g and w != w), f"{what}: {g!r}, expected {w!r}"


# -- shape and dtype rules ------------------------------------------------------------------------

def abstract(value: Any) -> Any:
    if isinstance(value, np.ndarray):
        return T(tuple(value.shape), value.dtype)
    if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
        return [abstract(v) for v in value]
    return value


def check_rules(defn: OpDef, s: Sample, out: Any) -> None:
    """The rules predict the kernel's result types (and reject what the kernel rejects, or leave it)."""
    n = len(defn.schema.results)
    try:
        got = infer(defn, [abstract(v) for v in s.operands], n)
    except (ShapeError, NeedRank):
        return  # a rule may refuse what it cannot know; the kernel decides at run time
    if isinstance(out, BaseException):
        return
    expected = out if n > 1 else (out,)
    for g, e, r in zip(got, expected, defn.schema.results):
        if not r.kind.startswith("Tensor"):
            continue
        if r.kind == "Tensor[]":  # (a dim that depends on the data may be unknown: D)
            assert [(tuple(n if d == D else d for d, n in zip(t.sizes, x.shape)), t.dtype) for t, x in zip(g, e)] \
                == [(x.shape, x.dtype) for x in e] and len(g) == len(e), (g, e)
        else:
            e = np.asarray(e)
            sizes = tuple(n if d == D else d for d, n in zip(g.sizes, e.shape)) if len(g.sizes) == e.ndim else g.sizes
            assert (sizes, g.dtype) == (e.shape, e.dtype), f"rule gives {g}, kernel {e.dtype}{list(e.shape)}"


# -- PyTorch ---------------------------------------------------------------------------------------

def torch_call(defn: OpDef, s: Sample) -> Any:
    """`torch.ops.aten.<aten name>` on the sample (keyword-only arguments by name)."""
    import torch

    from tsjit.dtypes import _BY_CODE

    def convert(value: Any, kind: str) -> Any:
        if isinstance(value, np.ndarray) and value.dtype == BFLOAT16:  # torch reads no ml_dtypes array
            return torch.from_numpy(copy(value.view(np.int16))).view(torch.bfloat16)
        if isinstance(value, np.ndarray):
            return torch.from_numpy(copy(value))
        if isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
            return [convert(v, "Tensor") for v in value]
        if kind.startswith("ScalarType") and isinstance(value, int):
            return getattr(torch, _BY_CODE[value].name)
        return value

    args, kwargs = [], {}
    for value, arg in zip(s.operands, defn.schema.args):
        if arg.kwonly:
            kwargs[arg.name] = convert(value, arg.kind)
        else:
            args.append(convert(value, arg.kind))
    fn = getattr(torch.ops.aten, defn.aten[0])
    try:
        out = fn(*args, **kwargs)
    except Exception as e:  # noqa: BLE001 - torch raises many kinds; any error is a rejection
        return e
    if defn.effects == WRITES and defn.name.endswith("_"):  # in-place ops return their first operand
        return args[0]
    return out


def to_numpy(value: Any) -> Any:
    if hasattr(value, "numpy"):
        if hasattr(value, "resolve_conj"):  # torch's lazy conjugate / negative views
            value = value.resolve_conj().resolve_neg()
        if str(value.dtype) == "torch.bfloat16":
            import torch

            return value.view(torch.int16).numpy().view(BFLOAT16)
        return value.numpy()
    if isinstance(value, tuple | list):
        return type(value)(to_numpy(v) for v in value) if isinstance(value, tuple) else [to_numpy(v) for v in value]
    return value


# -- one-op IR -------------------------------------------------------------------------------------

def one_op_function(defn: OpDef, s: Sample) -> tuple[ModuleOp, list[np.ndarray]]:
    """`func.func @f(tensors...)` applying ts.<name> to the sample: arrays are arguments, other
    operands constants; and the arguments to call it with."""
    arrays: list[np.ndarray] = []
    block = Block()
    b = IRBuilder(block)

    def tensor(a: np.ndarray):
        arrays.append(copy(a))
        return block.insert_arg(TensorType(a.shape, DTYPES[a.dtype.name]), len(block.args))

    operands = []
    for value, arg in zip(s.operands, defn.schema.args):
        if isinstance(value, np.ndarray):
            operands.append(tensor(value))
        elif isinstance(value, list) and any(isinstance(v, np.ndarray) for v in value):
            items = [tensor(v) if v is not None else b.none() for v in value]
            elt = TensorType() if arg.kind == "Tensor[]" else OptionalType(TensorType()) if any(v is None for v in value) else items[0].type
            operands.append(b.op("list.construct", items, [ListType(elt)]).results[0])
        elif value is None:
            operands.append(b.none())
        elif arg.kind.rstrip("?") == "float" and isinstance(value, int):
            operands.append(b.const(float(value), FloatType()))
        elif isinstance(value, list):
            operands.append(b.const(value, ListType(IntType())))
        else:
            operands.append(b.const(value))
    op = b.op(defn.name, operands)
    outs = list(op.results)
    b.add(func.ReturnOp(*outs))
    fn = func.FuncOp("f", FunctionType.from_lists(list(block.arg_types), [r.type for r in outs]), Region([block]))
    assert all(not isinstance(t, NoneType) for t in block.arg_types)
    return ModuleOp([fn]), arrays


def shape_tokens(arrays: list[np.ndarray]) -> tuple[str, ...]:
    """ts-specialize's `shapes` option for these arguments (2x3xf32, ...)."""
    short = {"float32": "f32", "float64": "f64", "float16": "f16", "bfloat16": "bf16", "int64": "i64", "int32": "i32",
             "bool": "i1"}
    return tuple("x".join([*map(str, a.shape), short[a.dtype.name]]) for a in arrays)


def skip_values(defn: OpDef) -> bool:
    """Random ops: only types can be compared."""
    return defn.effects == RANDOM


def check_whole_c(defn: OpDef, s: Sample, what: str) -> None:
    """The op on the sample compiles to C without numpy fallback and agrees with its kernel."""
    import tsjit
    from tsjit.passes import apply_pass

    want = run_kernel(defn, s)
    assert not isinstance(want, BaseException), want
    module, args = one_op_function(defn, s)
    apply_pass("ts-specialize", module, shapes=shape_tokens(args), function="f")
    compiled = tsjit.compile(module, backend="c")
    assert compiled.backend == "c", f"ts.{defn.name} fell back to numpy"
    if not skip_values(defn):
        assert_same(compiled(*args), want, s, what)
