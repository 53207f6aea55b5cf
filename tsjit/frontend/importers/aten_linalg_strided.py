"""aten:: kinds of torch.linalg and of the strided/internal ops whose ATen arguments differ from
the ts schema (merged into build.py's `ATEN` table; see aten_overloads.py for what a Converter is):

- `aten::linalg_diagonal(A, offset, dim1=-2, dim2=-1)` is ts.diagonal;
- `aten::cross(self, other, dim?)` with a constant dim is ts.linalg_cross (dim None, "the first dim
  of size 3", is left unimported);
- `aten::linalg_multi_dot(Tensor[])` of a list construct is a chain of ts.matmul;
- `aten::empty_strided(size, stride, dtype?, layout?, device?, pin_memory?)` drops the placement
  arguments; `aten::new_empty_strided` takes self's dtype when none is given;
- `aten::pinverse(self, rcond)` is ts.linalg_pinv with rtol = rcond; `aten::svd(self, some, compute_uv=true)`
  is ts.linalg_svd (full_matrices = not some) with V = Vh's conjugate transpose;
- `aten::fft_fftfreq` / `fft_rfftfreq` drop the placement arguments;
- the window functions' overloads (how many of periodic/alpha/beta they give) and `aten::stft`
  (ATen's form; `stft.center` with center a constant false).
"""
from __future__ import annotations

from xdsl.ir import Operation

from tsjit.dialects.ts.folding import NotConstant, constant_of
from tsjit.dialects.ts.types import NoneType


def _const(v, default=None):
    try:
        return constant_of(v)
    except NotConstant:
        return default


def _is_none(v) -> bool:
    return v is None or isinstance(v.type, NoneType)


def _cross(b, node, args):
    if len(args) == 3 and not _is_none(args[2]) and isinstance(_const(args[2]), int):
        return b.schema_op("linalg_cross", args)
    return None


def _multi_dot(b, node, args):
    lst = args[0]
    if not isinstance(lst.owner, Operation) or lst.owner.name != "ts.list.construct" or len(lst.owner.operands) < 2:
        return None
    out = lst.owner.operands[0]
    for t in lst.owner.operands[1:]:
        out = b.schema_op("matmul", [out, t])[0]
    return [out]


def _new_empty_strided(b, node, args):
    dtype = args[3] if len(args) > 3 and not _is_none(args[3]) else b.schema_op("dtype", [args[0]])[0]
    return b.schema_op("empty_strided", [args[1], args[2], dtype])


def _pinverse(b, node, args):
    return b.schema_op("linalg_pinv", [args[0], b.none(), args[1], b.const(False)]) if len(args) == 2 else None


def _svd(b, node, args):
    """svd(self, some, compute_uv): U, S, V of linalg_svd (only with compute_uv true)."""
    if len(args) != 3 or _const(args[2]) is not True or not isinstance(_const(args[1]), bool):
        return None
    u, sv, vh = b.schema_op("linalg_svd", [args[0], b.const(not _const(args[1])), b.none()])
    return [u, sv, b.schema_op("mH", [vh])[0]]


ATEN_LINALG_STRIDED: dict = {
    "aten::fft_fftfreq": lambda b, node, args: b.schema_op("fft_fftfreq", args[:3]),
    "aten::fft_rfftfreq": lambda b, node, args: b.schema_op("fft_rfftfreq", args[:3]),
    "aten::pinverse": _pinverse,
    "aten::svd": _svd,
    "aten::linalg_diagonal": lambda b, node, args: b.schema_op("diagonal", args[:4]),
    "aten::cross": _cross,
    "aten::linalg_multi_dot": _multi_dot,
    "aten::empty_strided": lambda b, node, args: b.schema_op("empty_strided", args[:3]),
    "aten::new_empty_strided": _new_empty_strided,
}


def _window(name):
    """aten::<name>_window(N, [periodic, [alpha, [beta,]]] dtype?, layout?, device?, pin_memory?): the
    overloads differ in how many leading arguments they give; the rest take the schema's defaults."""
    from tsjit.ops import REGISTRY

    schema = REGISTRY[name].schema.args

    def convert(b, node, args):
        if len(args) < 5:
            return None
        given, dtype = list(args[:-4]), args[-4]
        operands = given + [b.const(a.default) for a in schema[len(given):-1]]
        return b.schema_op(name, [*operands, dtype])
    return convert


def _stft_center(b, node, args):
    """stft.center(self, n_fft, hop?, win?, window?, center, pad_mode, normalized, onesided?, complex?, align?)
    with center a constant false is ATen's stft without those two arguments."""
    if len(args) != 11 or _const(args[5]) is not False:
        return None
    return b.schema_op("stft", [*args[:5], *args[7:]])


ATEN_LINALG_STRIDED.update({f"aten::{n}_window": _window(f"{n}_window")
                            for n in ("hann", "hamming", "blackman", "bartlett", "kaiser")})
ATEN_LINALG_STRIDED["aten::stft"] = lambda b, node, args: (b.schema_op("stft", args) if len(args) == 9
                                                           else _stft_center(b, node, args))
