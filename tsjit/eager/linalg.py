"""`torch.linalg` on tsjit tensors (`tsjit.linalg`), over the registry's ops (tsjit/ops/norms.py,
tsjit/ops/linalg.py).

Most functions are the torch-level bindings generated from those ops (`linalg.vector_norm` is
`tsjit.linalg_vector_norm`, `linalg.inv` is `tsjit.inverse`), so `script` maps them onto their ts op
as it does any torch function. `norm` and `matrix_norm` take a number or a string `ord` (the ops
linalg_norm / linalg_norm_str, linalg_matrix_norm / linalg_matrix_norm_str): they are the
hand-written `tsjit.linalg_norm` / `tsjit.linalg_matrix_norm`, which script maps to the numeric op.
"""
from __future__ import annotations

from typing import List, Optional, Sequence

from tsjit.eager import functions as _f
from tsjit.eager.core import _array, _wrap
from tsjit.eager.tensor_class import Tensor
from tsjit.ops import EAGER as K


def _code(dtype) -> Optional[int]:
    return None if dtype is None else getattr(dtype, "code", dtype)


def _dims(dim) -> Optional[List[int]]:
    if dim is None:
        return None
    return [int(dim)] if isinstance(dim, int) else [int(d) for d in dim]


def _no_out(out) -> None:
    if out is not None:
        raise NotImplementedError("torch.linalg: out= is not supported by tsjit")


def linalg_norm(self: Tensor, ord=None, dim=None, keepdim: bool = False, *, out=None, dtype=None) -> Tensor:
    """torch.linalg.norm(A, ord=None, dim=None, keepdim=False, *, out=None, dtype=None)."""
    _no_out(out)
    name = "linalg_norm_str" if isinstance(ord, str) else "linalg_norm"
    return _wrap(K[name](_array(self), ord, _dims(dim), bool(keepdim), _code(dtype)))


def linalg_matrix_norm(self: Tensor, ord="fro", dim=(-2, -1), keepdim: bool = False, *, dtype=None,
                       out=None) -> Tensor:
    """torch.linalg.matrix_norm(A, ord='fro', dim=(-2, -1), keepdim=False, *, dtype=None, out=None)."""
    _no_out(out)
    name = "linalg_matrix_norm_str" if isinstance(ord, str) else "linalg_matrix_norm"
    return _wrap(K[name](_array(self), ord, _dims(dim), bool(keepdim), _code(dtype)))


def linalg_cond(A: Tensor, p=None, *, out=None) -> Tensor:
    """torch.linalg.cond(A, p=None): p None / 2 / -2 / 1 / -1 / inf / -inf, or 'fro' / 'nuc'."""
    _no_out(out)
    name = "linalg_cond_str" if isinstance(p, str) else "linalg_cond"
    return _wrap(K[name](_array(A), p))


norm = linalg_norm
cond = linalg_cond
matrix_norm = linalg_matrix_norm
vector_norm = _f.linalg_vector_norm
cross = _f.linalg_cross
det = _f.det
inv = _f.inverse
solve = _f.linalg_solve
vecdot = _f.linalg_vecdot
matrix_power = _f.matrix_power
svdvals = _f.linalg_svdvals
matmul = _f.matmul
lu_factor = _f.linalg_lu_factor
lu_factor_ex = _f.linalg_lu_factor_ex
lu_solve = _f.linalg_lu_solve
lu = _f.linalg_lu
inv_ex = _f.linalg_inv_ex
cholesky_ex = _f.linalg_cholesky_ex
eigvals = _f.linalg_eigvals


def diagonal(A: Tensor, *, offset: int = 0, dim1: int = -2, dim2: int = -1) -> Tensor:
    return _wrap(K["diagonal"](_array(A), int(offset), int(dim1), int(dim2)))


def multi_dot(tensors: Sequence[Tensor], *, out=None) -> Tensor:
    """The product of the matrices left to right (a leading 1-D operand is a row, a trailing one a column)."""
    _no_out(out)
    arrays = [_array(t) for t in tensors]
    if len(arrays) < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {len(arrays)}")
    result = arrays[0]
    for a in arrays[1:]:
        result = K["matmul"](result, a)
    return _wrap(result)


__all__ = ["cholesky_ex", "cond", "eigvals", "inv_ex", "lu", "lu_factor", "lu_factor_ex", "lu_solve",
           "cross", "det", "diagonal", "inv", "matmul", "matrix_norm", "matrix_power", "multi_dot", "norm", "solve",
           "svdvals", "vecdot", "vector_norm"]

cholesky = _f.linalg_cholesky
qr = _f.linalg_qr
eigh = _f.linalg_eigh
eigvalsh = _f.linalg_eigvalsh
svd = _f.linalg_svd
pinv = _f.linalg_pinv
matrix_rank = _f.linalg_matrix_rank
solve_triangular = _f.linalg_solve_triangular
lstsq = _f.linalg_lstsq
matrix_exp = _f.linalg_matrix_exp
vander = _f.linalg_vander
__all__ += ["cholesky", "eigh", "eigvalsh", "lstsq", "matrix_exp", "matrix_rank", "pinv", "qr", "solve_triangular",
            "svd", "vander"]
