"""One definition per tensor op: `REGISTRY[name]` is an `OpDef` carrying all the compiler knows of it.

    @op("logit", "(Tensor self, float? eps=None) -> Tensor", shape=same, dtype=to_float,
        lower=Pointwise(...), api="torch Tensor", samples=unary_samples)
    def logit(x, eps=None):                 # the numpy kernel (eager, numpy backend, folding)
        ...

Everything else reads this table: the ts dialect makes one op class per definition (schema,
effects, extra verifier checks, folding by the kernel), `ts-specialize` applies its shape and
dtype rules, the numpy backend and the eager library call its kernel, `ts-to-linalg` lowers it
(a `Pointwise` body, or a named lowering function of tsjit/lowering), `ts-decompose` rewrites it
into simpler ts ops, `script` and the importers map calls onto its schema, and the op-info test
cross-checks it on its samples. Definitions live by family in tsjit/ops/<family>.py.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from tsjit.ops import complex_inputs, reduced_precision
from tsjit.ops.decomposition import kernel_of
from tsjit.ops.schema import Schema, parse_schema

#: Effects: pure ops fold, CSE and die when unused; `WRITES` ops write an operand in place (in-place
#: ops `name_` their first, which they return; batch_norm in training its running statistics);
#: `RANDOM` ops have unknown effects (a generator's state changes), never merged or moved.
PURE, WRITES, RANDOM = "pure", "writes", "random"


@dataclass(frozen=True)
class Pointwise:
    """An elementwise op lowered to one all-parallel `linalg.generic` (tsjit/lowering/elementwise.py).

    `body(k, *xs)` builds the scalar computation with a Kit `k` (k.add, k.exp, k.select, k.c(1.0),
    ...; `k.params` holds the constant parameters). `values` are the operands read per element
    (tensors, broadcast as PyTorch does, or constant scalars), `params` the constant operands
    passed as parameters, `bools` the values read as i1; the body computes in the result's
    element type (`compute="result"`), the promoted operand type (comparisons: "promoted"), i1
    ("bool") or the first value's type ("input"). `float_only`: PyTorch has no integer kernel."""

    body: Callable[..., Any]
    values: tuple[int, ...] = (0,)
    params: tuple[int, ...] = ()
    bools: tuple[int, ...] = ()
    compute: str = "result"
    float_only: bool = False


@dataclass(frozen=True)
class Sample:
    """One cross-check input: the op's operands in schema order (numpy arrays for tensors, Python
    values for the rest). `torch=False` skips the PyTorch comparison (say why in `note`); tolerances
    are for float results."""

    operands: tuple[Any, ...]
    rtol: float = 1e-4
    atol: float = 1e-5
    torch: bool = True
    note: str = ""


def sample(*operands: Any, **options: Any) -> Sample:
    return Sample(tuple(operands), **options)


@dataclass(frozen=True)
class OpDef:
    """Everything about `ts.<name>` (see the module docstring); built by `op`/`defop`."""

    name: str
    schema: Schema
    kernel: Callable[..., Any] | None
    shape: Any = None
    dtype: Any = None
    lower: Pointwise | str | None = None
    decompose: Callable[..., Any] | None = None
    verify: tuple = ()
    effects: str = PURE
    fold: bool = True
    numpy_only: str | None = None
    samples: Callable[[], Sequence[Sample]] | Sequence[Sample] = ()
    api: tuple[str, ...] = ()
    aten: tuple[str, ...] = ()
    doc: str = ""
    family: str = field(default="", compare=False)

    @property
    def op_name(self) -> str:
        return f"ts.{self.name}"

    def sample_list(self) -> list[Sample]:
        return list(self.samples() if callable(self.samples) else self.samples)


#: ts op name (without `ts.`) -> its definition, in definition order.
REGISTRY: dict[str, OpDef] = {}


def defop(name: str, schema: str, kernel: Callable[..., Any] | None = None, *, shape: Any = None,
          dtype: Any = None, lower: Pointwise | str | None = None, decompose: Callable[..., Any] | None = None,
          verify: tuple | Any = (), effects: str = PURE, fold: bool = True, numpy_only: str | None = None,
          samples: Any = (), api: str | Sequence[str] = (), aten: str | Sequence[str] | None = None,
          doc: str = "") -> OpDef:
    """Define `ts.<name>` (see OpDef); `api` names the eager surfaces generated from the schema
    ("torch", "Tensor", "F"); `aten` the ATen names importers map onto it (default: `name`). An op
    with a decomposition and no kernel runs its decomposition eagerly as its kernel."""
    if name in REGISTRY:
        raise ValueError(f"op '{name}' is defined twice")
    if kernel is None and decompose is not None:
        kernel = kernel_of(decompose)
    family = _caller_family()
    schema_ = parse_schema(schema)
    kernel = reduced_precision.kernel_for(name, family, schema_, effects == WRITES, kernel)
    kernel = complex_inputs.kernel_for(name, kernel)
    defn = OpDef(
        name=name, schema=schema_, kernel=kernel, shape=shape, dtype=dtype, lower=lower,
        decompose=decompose, verify=tuple(verify) if isinstance(verify, list | tuple) else (verify,),
        effects=effects, fold=fold and effects == PURE, numpy_only=numpy_only, samples=samples,
        api=tuple(api.split()) if isinstance(api, str) else tuple(api),
        aten=(name,) if aten is None else tuple(aten.split()) if isinstance(aten, str) else tuple(aten),
        doc=doc or f"`ts.{name}`: {schema}", family=family)
    REGISTRY[name] = defn
    return defn


def op(name: str, schema: str, **options: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator form of `defop`: the decorated function is the op's numpy kernel."""
    def register(kernel: Callable[..., Any]) -> Callable[..., Any]:
        defop(name, schema, kernel, **options)
        return kernel
    return register


#: code of helpers that call defop on behalf of their caller (`defines_ops`)
_DEFINING_HELPERS: set = set()


def defines_ops(helper: Callable[..., Any]) -> Callable[..., Any]:
    """Mark a helper that defines ops for its caller (special.py's `_float_binary`): the ops it makes
    belong to the family of the module calling it, not the helper's."""
    _DEFINING_HELPERS.add(helper.__code__)
    return helper


def _caller_family() -> str:
    import sys

    frame = sys._getframe(2)
    while frame is not None and (frame.f_globals.get("__name__") == __name__ or frame.f_code in _DEFINING_HELPERS):
        frame = frame.f_back
    module = frame.f_globals.get("__name__", "") if frame is not None else ""
    return module.rsplit(".", 1)[-1]
