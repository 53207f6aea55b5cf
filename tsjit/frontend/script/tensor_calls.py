"""Calls of torch functions, Tensor methods and nn.functional -> ts tensor ops.

The eager library is the single source of each function's Python signature: a call in
scripted code is bound with `inspect.signature` of the eager function (so defaults and
keyword names agree by construction), then its arguments are matched by name to the
operands of the ts op's schema. Most names need no entry here: `torch.relu`, `Tensor.relu`
and `F.relu` all become `ts.relu`. SPECS lists the exceptions; OVERLOADS picks among ts ops
by the argument types, as TorchScript's overload resolution does.
"""
from __future__ import annotations

import ast
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cache
from typing import Any

from tsjit.dialects.ts.tensor_ops import TENSOR_OP_CLASSES
from tsjit.dialects.ts.types import IntType, ListType, TensorType, TupleType
from tsjit.frontend.script.values import PyConst, SugaredTuple, is_ir


@dataclass(frozen=True)
class OpSpec:
    """How a Python call maps onto `ts.<op>`."""

    op: str
    rename: dict = field(default_factory=dict)  # schema operand -> Python parameter
    fixed: dict = field(default_factory=dict)  # schema operand -> constant
    ndim: int = 0  # an int given for an int[] operand is repeated ndim times (stride=2 -> [2, 2])
    prepare: Callable[[dict], None] | None = None  # derives operands from others (stride=None -> kernel)
    indices_flag: str | None = None  # a constant flag choosing (values, indices) over values alone


def _stride_defaults_to_kernel(args: dict) -> None:
    """Pooling's stride=None (or an empty stride) means the kernel size, as in PyTorch."""
    stride = args.get("stride")
    if stride is None or isinstance(stride, PyConst) and stride.value in (None, ()):
        args["stride"] = args["kernel_size"]


def _embedding(args: dict) -> None:
    if isinstance(args.get("padding_idx"), PyConst) and args["padding_idx"].value is None:
        args["padding_idx"] = PyConst(-1)


def _unbiased(args: dict) -> None:
    unbiased = args.pop("unbiased", None)
    if isinstance(unbiased, PyConst) and unbiased.value is not None:
        args["correction"] = PyConst(1 if unbiased.value else 0)


def _loss_reduction(args: dict) -> None:
    """A loss's reduction string (and the legacy size_average/reduce flags) as at::Reduction's int."""
    from tsjit.eager.loss_functions import _reduction_enum

    flags = [args.pop(name, PyConst(None)) for name in ("size_average", "reduce")]
    reduction = args.get("reduction")
    if all(isinstance(v, PyConst) for v in (*flags, reduction)) and isinstance(reduction.value, str):
        try:
            args["reduction"] = PyConst(_reduction_enum(flags[0].value, flags[1].value, reduction.value))
            return
        except ValueError:
            pass
    args.update((name, v) for name, v in zip(("size_average", "reduce"), flags) if v != PyConst(None))


def _align_corners_false(args: dict) -> None:
    """align_corners=None means False (affine_grid, grid_sample)."""
    if isinstance(args.get("align_corners"), PyConst) and args["align_corners"].value is None:
        args["align_corners"] = PyConst(False)


def _grid_modes(args: dict) -> None:
    """grid_sample's mode strings as grid_sampler's ints."""
    from tsjit.eager.functional import _GRID_MODES, _GRID_PADDING

    _align_corners_false(args)
    mode, padding = args.pop("mode", None), args.get("padding_mode")
    if isinstance(mode, PyConst) and mode.value in _GRID_MODES:
        args["interpolation_mode"] = PyConst(_GRID_MODES[mode.value])
    if isinstance(padding, PyConst) and padding.value in _GRID_PADDING:
        args["padding_mode"] = PyConst(_GRID_PADDING[padding.value])


_POOL2 = dict(ndim=2, prepare=_stride_defaults_to_kernel)
_LOSSES = {"mse_loss": "mse_loss", "l1_loss": "l1_loss", "nll_loss": "nll_loss_nd", "cross_entropy": "cross_entropy_loss",
           "kl_div": "kl_div", "binary_cross_entropy": "binary_cross_entropy", "poisson_nll_loss": "poisson_nll_loss",
           "binary_cross_entropy_with_logits": "binary_cross_entropy_with_logits", "huber_loss": "huber_loss",
           "smooth_l1_loss": "smooth_l1_loss", "soft_margin_loss": "soft_margin_loss",
           "hinge_embedding_loss": "hinge_embedding_loss", "margin_ranking_loss": "margin_ranking_loss",
           "cosine_embedding_loss": "cosine_embedding_loss", "triplet_margin_loss": "triplet_margin_loss",
           "multi_margin_loss": "multi_margin_loss", "multilabel_margin_loss": "multilabel_margin_loss"}

#: Keys are "torch.<name>", "Tensor.<name>" or "F.<name>"; anything absent maps to `ts.<name>`.
SPECS: dict[str, OpSpec] = {
    "F.conv1d": OpSpec("conv1d", ndim=1),
    "F.conv2d": OpSpec("conv2d", ndim=2),
    "F.conv3d": OpSpec("conv3d", ndim=3),
    "torch.conv1d": OpSpec("conv1d", ndim=1),
    "torch.conv2d": OpSpec("conv2d", ndim=2),
    "torch.conv3d": OpSpec("conv3d", ndim=3),
    "F.max_pool1d": OpSpec("max_pool1d", ndim=1, prepare=_stride_defaults_to_kernel),
    "F.max_pool2d": OpSpec("max_pool2d", **_POOL2),
    "F.avg_pool2d": OpSpec("avg_pool2d", **_POOL2),
    "F.adaptive_avg_pool2d": OpSpec("adaptive_avg_pool2d", ndim=2),
    "F.adaptive_max_pool2d": OpSpec("adaptive_max_pool2d", ndim=2, indices_flag="return_indices"),
    "F.max_pool3d": OpSpec("max_pool3d_with_indices", ndim=3, prepare=_stride_defaults_to_kernel,
                           indices_flag="return_indices"),
    "F.avg_pool3d": OpSpec("avg_pool3d", ndim=3, prepare=_stride_defaults_to_kernel),
    "F.avg_pool1d": OpSpec("avg_pool1d", ndim=1, prepare=_stride_defaults_to_kernel),
    "F.adaptive_avg_pool1d": OpSpec("adaptive_avg_pool1d", ndim=1),
    "F.adaptive_avg_pool3d": OpSpec("adaptive_avg_pool3d", ndim=3),
    "F.adaptive_max_pool1d": OpSpec("adaptive_max_pool1d", ndim=1, indices_flag="return_indices"),
    "F.adaptive_max_pool3d": OpSpec("adaptive_max_pool3d", ndim=3, indices_flag="return_indices"),
    "F.unfold": OpSpec("im2col", ndim=2),
    "F.fold": OpSpec("col2im", ndim=2),
    "F.affine_grid": OpSpec("affine_grid_generator", prepare=_align_corners_false),
    "F.grid_sample": OpSpec("grid_sampler", prepare=_grid_modes),
    "F.batch_norm": OpSpec("batch_norm", fixed={"cudnn_enabled": False}),
    "F.layer_norm": OpSpec("layer_norm", fixed={"cudnn_enable": False}),
    "F.group_norm": OpSpec("group_norm", fixed={"cudnn_enabled": False}),
    "F.dropout": OpSpec("dropout", rename={"train": "training"}),
    **{f"F.{name}": OpSpec(op, rename={"train": "training"}) for name, op in (
        ("dropout1d", "feature_dropout"), ("dropout2d", "feature_dropout"), ("dropout3d", "feature_dropout"),
        ("feature_alpha_dropout", "feature_alpha_dropout"), ("alpha_dropout", "alpha_dropout"))},
    "F.embedding": OpSpec("embedding", rename={"indices": "input"}, prepare=_embedding),
    "F.elu": OpSpec("elu", fixed={"scale": 1.0, "input_scale": 1.0}),
    "Tensor.var": OpSpec("var", prepare=_unbiased),
    "Tensor.std": OpSpec("std", prepare=_unbiased),
    "torch.var": OpSpec("var", prepare=_unbiased),
    "torch.std": OpSpec("std", prepare=_unbiased),
    "Tensor.view": OpSpec("view", rename={"size": "shape"}),
    "Tensor.expand": OpSpec("expand", rename={"size": "sizes"}, fixed={"implicit": False}),
}
SPECS.update({f"F.{name}": OpSpec(op, prepare=_loss_reduction) for name, op in _LOSSES.items()})
#: arguments that change nothing here: cpu placement, autograd, warnings' stack levels
_FACTORY_IGNORED = ("device", "requires_grad", "layout", "pin_memory", "memory_format", "out", "generator",
                    "_stacklevel")


def eager_object(key: str) -> Any:
    """The eager function a key names: "torch.relu" -> tsjit.relu, "F.linear", "Tensor.view"."""
    from tsjit import eager
    from tsjit.eager import functional

    prefix, name = key.split(".", 1)
    return getattr({"torch": eager, "F": functional, "Tensor": eager.Tensor}[prefix], name)


def eager_key(obj: Any) -> str | None:
    """The key of an eager torch / F function, or None."""
    return _eager_keys().get(id(obj))


@cache
def _eager_keys() -> dict[int, str]:
    """One key per function object. Aliases (cat, concat, concatenate) share an object: the name
    with a spec wins, then a name that is a ts op or an overload."""
    from tsjit import eager
    from tsjit.eager import functional

    def rank(key: str) -> int:
        name = key.split(".", 1)[1]
        return 2 if key in SPECS else 1 if name in TENSOR_OP_CLASSES or name in OVERLOADS else 0

    keys: dict[int, str] = {}
    for prefix, ns in (("torch", eager), ("F", functional)):
        for name, value in vars(ns).items():
            if callable(value) and not isinstance(value, type) and (not name.startswith("_") or name in TENSOR_OP_CLASSES):
                key, old = f"{prefix}.{name}", keys.get(id(value))
                if old is None or rank(key) > rank(old):
                    keys[id(value)] = key
    return keys


@cache
def signature(fn: Any) -> inspect.Signature | None:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):
        return None


class TensorCallCompiler:
    """Mixin of FunctionCompiler: binding a call to an eager function and emitting its ts op."""

    def call_tensor_op(self, node: ast.AST, key: str, fn: Any, args: list, kwargs: dict, receiver: Any = None):
        name = key.split(".", 1)[1]
        overload = OVERLOADS.get(name)
        if overload is not None:
            result = overload(self, node, key, args if receiver is None else [receiver, *args], kwargs)
            if result is not NotImplemented:
                return result
        spec = SPECS.get(key) or OpSpec(name)
        if spec.op not in TENSOR_OP_CLASSES:
            self.error(node, f"'{key.replace('F.', 'torch.nn.functional.')}' is not supported in TorchScript by "
                             "tsjit yet")
        return self.emit_bound(node, spec, fn, args if receiver is None else [receiver, *args], kwargs, key)

    def bind(self, node: ast.AST, fn: Any, args: list, kwargs: dict, key: str) -> dict:
        sig = signature(fn)
        if sig is None:
            self.error(node, f"cannot read the signature of {key}")
        try:
            bound = sig.bind(*args, **kwargs)
        except TypeError as e:
            self.error(node, f"Arguments for call are not valid: {key}{sig}: {e}")
        values: dict[str, Any] = {}
        for pname, param in sig.parameters.items():
            if pname in bound.arguments:
                v = bound.arguments[pname]
                if param.kind is inspect.Parameter.VAR_POSITIONAL:
                    v = self.varargs_list(node, list(v))
                elif param.kind is inspect.Parameter.VAR_KEYWORD:
                    values.update(v)
                    continue
                values[pname] = v
            elif param.default is not inspect.Parameter.empty:
                values[pname] = PyConst(param.default)
        if "self" in values:
            values.setdefault("input", values.pop("self"))
        return values

    def varargs_list(self, node: ast.AST, items: list) -> Any:
        """`x.view(2, 3)` and `x.view((2, 3))` / `x.view(shape)` mean the same."""
        if len(items) == 1:
            only = items[0]
            if isinstance(only, PyConst) and isinstance(only.value, tuple | list):
                return PyConst(tuple(only.value))
            if is_ir(only) and isinstance(only.type, ListType | TupleType):
                return only
            if isinstance(only, SugaredTuple):
                return only
        if all(isinstance(i, PyConst) for i in items):
            return PyConst(tuple(i.value for i in items))
        return SugaredTuple(items)

    def emit_bound(self, node: ast.AST, spec: OpSpec, fn: Any, args: list, kwargs: dict, key: str):
        values = self.bind(node, fn, args, kwargs, key)
        if spec.prepare is not None:
            spec.prepare(values)
        padding = values.get("padding")
        if spec.op in ("conv1d", "conv2d", "conv3d") and isinstance(padding, PyConst) \
                and isinstance(padding.value, str):
            spec = replace(spec, op=f"{spec.op}_padding")  # padding='same' / 'valid': aten::conv{n}d.padding
        inplace = values.pop("inplace", PyConst(False))
        if not isinstance(inplace, PyConst):
            self.error(node, f"argument 'inplace' of {key} must be a constant")
        with_indices = False
        if spec.indices_flag is not None and spec.indices_flag in values:
            flag = values.pop(spec.indices_flag)
            if not isinstance(flag, PyConst):
                self.error(node, f"argument '{spec.indices_flag}' of {key} must be a constant (it decides the "
                                 "result's type); declare the attribute in __constants__ or pass True/False")
            with_indices = bool(flag.value)
        cls = TENSOR_OP_CLASSES[spec.op]
        operands, used = [], set()
        for arg in cls.SCHEMA.args:
            source = spec.rename.get(arg.name, arg.name)
            if arg.name in spec.fixed:
                value = PyConst(spec.fixed[arg.name])
            elif source in values:
                value = values[source]
                used.add(source)
            elif arg.kind.endswith("?"):
                value = PyConst(None)
            else:
                self.error(node, f"{key} has no argument for operand '{arg.name}' of ts.{spec.op}")
            operands.append(self.coerce(node, value, arg.kind, arg.name, spec, cls))
        for pname, value in values.items():
            if pname in used or self.ignorable(fn, pname, value):
                continue
            self.error(node, f"argument '{pname}' of {key} is not supported by tsjit's script")
        results = self.builder.op(spec.op, operands).results
        if inplace.value:  # F.hardtanh(x, inplace=True): the result is written into x, as PyTorch does
            return self.builder.value("copy_", operands[0], results[0])
        if spec.indices_flag is not None and not with_indices:
            return results[0]
        return results[0] if len(results) == 1 else self.builder.op(
            "tuple.construct", list(results), [TupleType([r.type for r in results])]).results[0]

    @staticmethod
    def ignorable(fn: Any, pname: str, value: Any) -> bool:
        """A Python argument without an operand may only keep its default (or None/False); device,
        requires_grad and the like accept any constant, as they change nothing on the cpu."""
        if not isinstance(value, PyConst):
            return False
        if pname in _FACTORY_IGNORED:
            return True
        param = signature(fn).parameters.get(pname)
        return value.value in (None, False) or param is not None and value.value == param.default

    def coerce(self, node: ast.AST, value: Any, kind: str, what: str, spec: OpSpec | None = None, cls=None):
        """A call argument as an operand of schema kind `kind` (an error names what was expected)."""
        from tsjit.dialects.ts.schema import KINDS

        optional = kind.endswith("?")
        base = kind[:-1] if optional else kind
        if isinstance(value, PyConst) and value.value is None:
            if optional:
                return self.builder.none()
        if base == "int[]":
            value = self.int_list(node, value, spec.ndim if spec else 0)
        elif base in ("Tensor[]", "Tensor?[]"):
            value = self.tuple_as_list(node, value, TensorType())
        elif base == "float" and isinstance(value, PyConst) and isinstance(value.value, int):
            value = PyConst(float(value.value))
        v = self.as_value(value, node, hint=None)
        if base == "float" and isinstance(v.type, IntType):
            v = self.builder.value("scalar.float", v)
        if not KINDS[kind](v.type):
            schema = f"ts.{cls.SCHEMA and cls.name[3:]}{cls.SCHEMA}" if cls is not None else kind
            self.error(node, f"Arguments for call are not valid.\nThe following variants are available:\n  \n  "
                             f"{schema}:\n  Expected a value of type '{kind.replace('|', ' or ')}' for argument "
                             f"'{what}' but instead found type '{self.type_name(v.type)}'.\n\nThe original call is")
        return v

    def int_list(self, node: ast.AST, value: Any, ndim: int) -> Any:
        if isinstance(value, PyConst):
            v = value.value
            if isinstance(v, int) and not isinstance(v, bool):
                return self.builder.const([v] * max(ndim, 1), ListType(IntType()))
            if isinstance(v, tuple | list):
                return self.builder.const(list(v), ListType(IntType()))
        if is_ir(value) and isinstance(value.type, IntType):
            return self.builder.op("list.construct", [value] * max(ndim, 1), [ListType(IntType())]).results[0]
        return self.tuple_as_list(node, value, IntType())

    def tuple_as_list(self, node: ast.AST, value: Any, element_type) -> Any:
        """A tuple (compile-time or IR) given for a list operand, as a new list; others unchanged."""
        if isinstance(value, SugaredTuple):
            items = [self.as_value(v, node) for v in value.items]
        elif is_ir(value) and isinstance(value.type, TupleType):
            items = self.unpack_tuple(value)
        else:
            return value
        return self.builder.op("list.construct", items, [ListType(element_type)]).results[0]


from tsjit.frontend.script.overloads import OVERLOADS  # noqa: E402
