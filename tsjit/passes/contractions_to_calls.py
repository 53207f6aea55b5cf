"""`ts-contractions-to-calls`: memref-level contractions -> calls of the C run-time GEMM, epilogues per block.

Runs after `ts-bufferize`, before the loop stage. TorchScript has no such pass: its fusers leave
matmul/conv to ATen's BLAS/oneDNN kernels; this pass is that decision made in the IR, as
Inductor's `extern_kernels.addmm` is. Rewrites (f32 -> `@tsjit_sgemm`, f64 -> `@tsjit_dgemm`,
declared as body-less private functions, see tsjit/backends/c/runtime/):

- `linalg.matmul`: one GEMM. An operand written by `linalg.transpose` [1, 0] into a temporary
  (how `linear` lowers `x @ W^T`) is read untransposed with the transpose flag instead. A float32
  B that is a constant global (W or W^T) is packed at compile time into the micro-kernel's panel
  layout, `<W>_packed` / `<W>_t_packed`, and the call is `@tsjit_sgemm_packed`
  (tsjit/lowering/packed_weights.py: no packing of B per call); a float64 constant W^T gets a
  transposed copy `<W>_t` (OpenBLAS packs an untransposed B faster: an MLP's 64x784 @ 784x512
  took 0.76 ms with W^T, 0.60 ms with W pre-transposed).
- a batched matmul `linalg.generic` (what `matmul_nd` builds for bmm/matmul, batch dims possibly
  broadcast): one GEMM per batch index, in scf.for loops. An operand that is a temporary copy of a
  strided view (attention's head split, the unbound q/k/v, k transposed for q @ k^T; chains of
  them) is read in place with the view's strides and the transpose flag, and the copies go
  (tsjit/lowering/strided_operands.py), unless the source may be written before the matmul.
- `linalg.conv_2d_nchw_fchw` / `conv_2d_ngchw_gfchw` (input already padded): per image (and
  group) and block of output rows, `@tsjit_conv_gemm_*` (im2col into the calling thread's scratch
  buffer, then a GEMM `weight (F x C*kh*kw) @ col`); 1x1 stride-1 convolutions multiply the image
  directly; float32
  stride-1 3x3 ones with constant weights and even output sizes use Winograd F(2x2, 3x3)
  (`@tsjit_winograd_f32`, weights transformed at compile time: tsjit/lowering/winograd.py).
  Depthwise ones (one input channel per group) call a direct stencil per block of channels,
  `@tsjit_dwconv_*`, with the elementwise op after them run per block (tsjit/lowering/depthwise.py).

A zero `linalg.fill` of the output right before the contraction becomes beta = 0 (else beta = 1:
the linalg ops accumulate). The contraction's `ts.epilogue` consumer (bias, relu, residual...)
moves into the block loop right after the call and is lowered to loops restricted to that block,
so it runs while the tile is in cache; a float32 one that is a bias and a clamp (a folded batch
norm + ReLU/ReLU6, a linear's bias + ReLU: tsjit/lowering/bias_activation.py) the GEMM call
applies itself, tile by tile (`@tsjit_sgemm_ep`, `@tsjit_sgemm_packed_ep`,
`@tsjit_conv_gemm_ep_f32`). A block holds about `tile-bytes` of output (and im2col), a
convolution's at least MIN_GEMM_COLS output pixels.

Threads: blocks, and the batch indices of a batched matmul, are independent, so their loops are
marked parallel (`parallel_work`, in units of GEMM_WORK multiply-adds) and the C renderer shares
them among threads, each call then running on one thread (the epilogues too); a contraction that
is one block splits inside its GEMM instead. More than one block makes an even count.

Operands are passed as their contiguous memrefs collapsed to 1-D and cast to `memref<?xT>`, with
element offsets and leading dimensions as index arguments (the run-time calling convention).
A contraction whose operands are not contiguous, alias, or have other element types is left to
the loop stage. The numpy backend runs the calls (backends/numpy/ops/upstream_runtime.py).
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from xdsl.context import Context
from xdsl.dialects import arith, func, memref
from xdsl.dialects.builtin import Float32Type, Float64Type, ModuleOp, StringAttr
from xdsl.dialects.linalg import ops as linalg
from xdsl.ir import Attribute, Operation, SSAValue
from xdsl.ir.affine import AffineConstantExpr, AffineDimExpr, AffineMap
from xdsl.passes import ModulePass

from tsjit.lowering import bias_activation, depthwise, packed_weights, strided_operands, winograd
from tsjit.lowering.call_matching import epilogue as find_epilogue
from tsjit.lowering.call_matching import operands_ok, untransposed, zero_fill
from tsjit.lowering.library_calls import (
    GEMM_WORK, Emitter, Index, Matrix, blocks, constant_global, derived_constant, root,
)
from tsjit.lowering.loops import EPILOGUE

GEMM = {Float32Type: "tsjit_sgemm", Float64Type: "tsjit_dgemm"}
CONV_GEMM = {Float32Type: "tsjit_conv_gemm_f32", Float64Type: "tsjit_conv_gemm_f64"}
MIN_GEMM_COLS = 128
"""a convolution's block has at least this many output pixels (the GEMM's N) whatever tile-bytes says:
ResNet-18's 7x7 convolutions in blocks of 21 pixels ran at half the GEMM's speed in blocks of 49"""


@dataclass(frozen=True)
class TsContractionsToCallsPass(ModulePass):
    """linalg matmul / batched matmul / conv on memrefs -> run-time GEMM calls with blocked epilogues."""

    name = "ts-contractions-to-calls"

    tile_bytes: int = 512 * 1024
    """bytes of output (plus im2col scratch) per block; the epilogue runs on each block after its GEMM"""

    def apply(self, ctx: Context, op: ModuleOp) -> None:
        declared: dict[str, list[Attribute]] = {}
        read_before = _globals_read(op)
        for f in [f for f in op.ops if isinstance(f, func.FuncOp) and f.body.blocks]:
            for c in [o for o in f.walk() if type(o) in _REWRITES]:
                _REWRITES[type(c)](c, self.tile_bytes, declared)
        _drop_replaced_globals(op, read_before)
        for name, inputs in declared.items():
            if not any(isinstance(o, func.FuncOp) and o.sym_name.data == name for o in op.ops):
                decl = func.FuncOp.external(name, inputs, [])
                decl.sym_visibility = StringAttr("private")
                op.body.block.add_op(decl)


def _globals_read(module: ModuleOp) -> set[str]:
    return {g.name_.root_reference.data for g in module.walk() if isinstance(g, memref.GetGlobalOp) and g.memref.uses}


def _drop_replaced_globals(module: ModuleOp, read_before: set[str]) -> None:
    """Globals read before the rewrites and no longer (weights replaced by a compile-time transformed
    copy), with their dead get_globals: xDSL has no symbol-dce, and they would double the weights."""
    for g in [g for g in module.walk() if isinstance(g, memref.GetGlobalOp) and not g.memref.uses]:
        g.detach()
        g.erase()
    dropped = read_before - _globals_read(module)
    for g in [g for g in module.ops if isinstance(g, memref.GlobalOp) and g.sym_name.data in dropped]:
        g.detach()
        g.erase()


# ---------------------------------------------------------------------------------------------
# rewrites: each returns whether it rewrote


def _finish(c: Operation, em: Emitter, erase: list[Operation], beta_fill: Operation | None) -> None:
    em.insert_before(c)
    for op in [c, *([beta_fill] if beta_fill else []), *erase]:
        op.detach()
        op.erase()
    em.lower_epilogues()


def _matmul(c: linalg.MatmulOp, tile_bytes: int, declared: dict) -> bool:
    if not operands_ok(c):
        return False
    (a, b), out = c.inputs, c.outputs[0]
    (m, k), (_, n) = a.type.get_shape(), b.type.get_shape()
    a_src, ta, erase_a = untransposed(a, c)
    b_src, tb, erase_b = untransposed(b, c)
    fill = zero_fill(c)
    epilogue = find_epilogue(c)
    em = Emitter(declared)
    gemm = GEMM[type(out.type.element_type)]
    if packed_weights.applies(b_src):  # B constant: packed once, at compile time (transposed too)
        packed = packed_weights.packed_weights(b_src, tb)
        em.head.append(packed)
        gemm, b_src, tb = packed_weights.CALL, packed.memref, False
    elif tb and constant_global(b_src) is not None:  # x @ W^T, W constant: transposed once, at compile time
        transposed = derived_constant(b_src, "_t", np.transpose)
        em.head.append(transposed)
        b_src, tb = transposed.memref, False
    elt = out.type.element_type
    rows, count = blocks(m, tile_bytes // (n * elt.bitwidth // 8), even=True) if epilogue else (m, 1)
    A, B, C = Matrix(em.flat(a_src), a_src.type.get_shape()[1], ta), \
        Matrix(em.flat(b_src), n if gemm == packed_weights.CALL else b_src.type.get_shape()[1], tb), \
        Matrix(em.flat(out), n, False)
    fused = _fused_epilogue(epilogue, out, 1, em)  # a bias per column (and clamp): in the GEMM's tiles

    def block(e: Emitter, r0: Index) -> None:
        nrows = e.min(rows, e.sub(m, r0)) if m % rows else rows
        a, c_block, beta = A.at(e.mul(r0, 1 if ta else A.ld)), C.at(e.mul(r0, n)), 0.0 if fill else 1.0
        if fused is not None:
            e.gemm_ep(EPILOGUE_CALL[gemm], a, B, c_block, nrows, n, k, beta, elt, fused[0], False, *fused[1:])
            return
        e.gemm(gemm, a, B, c_block, nrows, n, k, beta, elt)
        if epilogue is not None:
            e.epilogue(epilogue, {0: (r0, e.add(r0, nrows))} if count > 1 else {})

    em.loop(0, m, rows, block, parallel_work=rows * n * k // GEMM_WORK)
    _finish(c, em, erase_a + erase_b + ([epilogue] if fused is not None else []), fill)
    return True


def _conv(c: Operation, tile_bytes: int, declared: dict) -> bool:
    if not operands_ok(c) or c.outputs[0].type.element_type != c.inputs[0].type.element_type:
        return False
    grouped = isinstance(c, linalg.Conv2DNgchwGfchwOp)
    (x, w), out = c.inputs, c.outputs[0]
    xs, ws, os = x.type.get_shape(), w.type.get_shape(), out.type.get_shape()
    if grouped:
        (n, g, cg, h, wd), (_, fg, _, kh, kw), (_, _, _, oh, ow) = xs, ws, os
    else:
        (n, cg, h, wd), (fg, _, kh, kw), (_, _, oh, ow) = xs, ws, os
        g = 1
    sh, sw = c.strides.get_values()
    dh, dw = c.dilations.get_values()
    elt = out.type.element_type
    size = elt.bitwidth // 8
    k = cg * kh * kw
    direct = kh == kw == sh == sw == 1 and (h, wd) == (oh, ow)
    fill = zero_fill(c)
    epilogue = None if grouped else find_epilogue(c)
    if depthwise.applies(c, grouped, fill is not None):
        _finish(c, *depthwise.rewrite(c, tile_bytes, declared), fill)
        return True
    if winograd.applies(c, grouped, fill is not None):
        return _winograd(c, fill, epilogue, declared)
    rows, count = blocks(oh, max(tile_bytes // ((fg + (0 if direct else k)) * ow * size), -(-MIN_GEMM_COLS // ow)),
                         even=True)
    em = Emitter(declared)
    X, W, O = em.flat(x), Matrix(em.flat(w), k, False), Matrix(em.flat(out), oh * ow, False)
    beta = 0.0 if fill else 1.0
    fused = _fused_epilogue(epilogue, out, 1, em)  # a bias per channel and a clamp: in the GEMM's tiles

    def block(e: Emitter, t: Index) -> None:  # t: (image, group, block of output rows)
        plane, r0 = e.div(t, count), e.mul(e.rem(t, count), rows)
        ni, gi = e.div(plane, g), e.rem(plane, g)
        nrows = e.min(rows, e.sub(oh, r0)) if oh % rows else rows
        x_off, o_off = e.mul(plane, cg * h * wd), e.add(e.mul(plane, fg * oh * ow), e.mul(r0, ow))
        if direct and fused is not None:
            e.gemm_ep(EPILOGUE_CALL[GEMM[type(elt)]], W.at(e.mul(gi, fg * k)),
                      Matrix(X, h * wd, False).at(e.add(x_off, e.mul(r0, ow))), O.at(o_off), fg, e.mul(nrows, ow), k,
                      beta, elt, fused[0].at(e.mul(gi, fg)), True, *fused[1:])
            return
        if fused is not None:  # im2col, then the GEMM applying the bias and clamp
            e.call("tsjit_conv_gemm_ep_f32", [X, W.value, O.value, fused[0].value],
                   [x_off, e.mul(gi, fg * k), o_off, cg, h, wd, kh, kw, sh, sw, dh, dw, r0, nrows, ow, fg, oh * ow,
                    e.mul(gi, fg)], [e.float(v, elt) for v in (beta, *fused[1:])])
            return
        if direct:
            e.gemm(GEMM[type(elt)], W.at(e.mul(gi, fg * k)), Matrix(X, h * wd, False).at(e.add(x_off, e.mul(r0, ow))),
                   O.at(o_off), fg, e.mul(nrows, ow), k, beta, elt)
        else:  # im2col into the thread's scratch, then the GEMM
            e.call(CONV_GEMM[type(elt)], [X, W.value, O.value],
                   [x_off, e.mul(gi, fg * k), o_off, cg, h, wd, kh, kw, sh, sw, dh, dw, r0, nrows, ow, fg, oh * ow],
                   [e.float(beta, elt)])
        if epilogue is not None:
            bounds = {0: (ni, e.add(ni, 1))} if n > 1 else {}
            if count > 1:
                bounds[2] = (r0, e.add(r0, nrows))
            e.epilogue(epilogue, bounds)

    em.loop(0, n * g * count, 1, block, parallel_work=fg * k * rows * ow // GEMM_WORK)
    _finish(c, em, [epilogue] if fused is not None else [], fill)
    return True


EPILOGUE_CALL = {"tsjit_sgemm": "tsjit_sgemm_ep", packed_weights.CALL: "tsjit_sgemm_packed_ep"}
"""the float32 GEMM calls that apply a bias + clamp epilogue themselves (tsjit/lowering/bias_activation.py)"""


def _fused_epilogue(epilogue: Operation | None, out: SSAValue, channel: int,
                    em: Emitter) -> tuple[Matrix, float, float] | None:
    """(the bias as a flat matrix, lo, hi) when the float32 contraction's in-place epilogue is a bias
    along dimension `channel` of its output and a clamp (a folded batch norm + ReLU/ReLU6, a
    linear's bias + ReLU), for the GEMM call to apply; None to run the epilogue as loops."""
    if epilogue is None or not isinstance(out.type.element_type, Float32Type):
        return None
    found = bias_activation.match(epilogue, out, channel)
    if found is None:
        return None
    return Matrix(em.flat(found.bias), 1, False), found.lo, found.hi


def _winograd(c: Operation, fill: Operation, epilogue: Operation | None, declared: dict) -> bool:
    """Per image and block of tile rows: `@tsjit_winograd_f32`, then the epilogue on those rows (a
    bias and clamp the call applies as it writes)."""
    (x, w), out = c.inputs, c.outputs[0]
    (n, ch, h, wd), (f, _, _, _), (_, _, oh, ow) = x.type.get_shape(), w.type.get_shape(), out.type.get_shape()
    em = Emitter(declared)
    u = winograd.transformed_weights(w)
    em.head.append(u)
    X, U, O = em.flat(x), em.flat(u.memref), em.flat(out)
    per, count = winograd.tile_row_blocks(oh, ow)
    fused = _fused_epilogue(epilogue, out, 1, em)
    bias, ep = (fused[0].value, [1, *fused[1:]]) if fused is not None else (U, [0, 0.0, 0.0])

    def block(e: Emitter, t: Index) -> None:  # t: (image, block of tile rows)
        ni, t0 = e.div(t, count), e.mul(e.rem(t, count), per)
        nt = e.min(per, e.sub(oh // 2, t0)) if (oh // 2) % per else per
        e.call(winograd.CALL, [X, U, O, bias], [e.mul(ni, ch * h * wd), e.mul(ni, f * oh * ow), ch, h, wd, f, oh, ow,
                                                t0, nt, ep[0]], [e.float(v, out.type.element_type) for v in ep[1:]])
        if epilogue is not None and fused is None:
            bounds = {0: (ni, e.add(ni, 1))} if n > 1 else {}
            if count > 1:
                bounds[2] = (e.mul(t0, 2), e.mul(e.add(t0, nt), 2))
            e.epilogue(epilogue, bounds)

    em.loop(0, n * count, 1, block, parallel_work=16 * f * ch * per * (ow // 2) // GEMM_WORK)
    _finish(c, em, [epilogue] if fused is not None else [], fill)
    return True


def _batch_matmul(c: linalg.GenericOp, tile_bytes: int, declared: dict) -> bool:
    """A generic `out[b.., i, j] += a[b'.., i, k] * b[b''.., k, j]` (batch dims broadcast or not).
    An operand that is a temporary copy of a strided view is read in place (strided_operands)."""
    spec = _batch_spec(c)
    if spec is None or not operands_ok(c):
        return False
    (a, b), out = c.inputs, c.outputs[0]
    amap, bmap = spec
    shape = out.type.get_shape()
    r = len(shape)
    m, n, k = shape[-2], shape[-1], a.type.get_shape()[-1]
    elt = out.type.element_type
    fill = zero_fill(c)
    em = Emitter(declared)
    a_read, b_read = _operand(a, c, out, m, k), _operand(b, c, out, k, n)
    A, B, C = Matrix(em.flat(a_read[0]), *a_read[3]), Matrix(em.flat(b_read[0]), *b_read[3]), \
        Matrix(em.flat(out), n, False)

    def offset(e: Emitter, ivs: list[Index], read: tuple, batch_map: list) -> Index:
        total, strides = read[1], read[2]
        for p, expr in enumerate(batch_map):
            if isinstance(expr, AffineDimExpr):
                total = e.add(total, e.mul(ivs[expr.position], strides[p]))
        return total

    out_read = (out, 0, [math.prod(shape[p + 1:]) for p in range(r)])

    def nest(e: Emitter, ivs: list[Index]) -> None:
        if len(ivs) < r - 2:  # batch loops: each index one GEMM (or a nest of them) on a thread
            e.loop(0, shape[len(ivs)], 1, lambda e2, iv: nest(e2, [*ivs, iv]),
                   parallel_work=math.prod(shape[len(ivs) + 1:r - 2]) * m * n * k // GEMM_WORK)
            return
        out_map = [AffineDimExpr(d) for d in range(r - 2)]
        e.gemm(GEMM[type(elt)], A.at(offset(e, ivs, a_read, amap)), B.at(offset(e, ivs, b_read, bmap)),
               C.at(offset(e, ivs, out_read, out_map)), m, n, k, 0.0 if fill else 1.0, elt)

    nest(em, [])
    _finish(c, em, [], fill)
    strided_operands.erase_unread([*a_read[4], *b_read[4]])
    return True


def _operand(value: SSAValue, c: Operation, out: SSAValue, rows: int, cols: int) -> tuple:
    """(buffer, offset, strides, (leading dimension, transposed?), bypassed copies) of a batched
    matmul operand: read in place through its copies when that is a GEMM-shaped strided read."""
    shape = value.type.get_shape()
    plain = (value, 0, [math.prod(shape[p + 1:]) for p in range(len(shape))], (cols, False), ())
    found = strided_operands.strided(value, c)
    if found is None or found.buffer is root(out):
        return plain
    layout = strided_operands.matrix_layout(found.strides, rows, cols)
    if layout is None:
        return plain
    return found.buffer, found.offset, list(found.strides), layout, found.copies


def _batch_spec(c: linalg.GenericOp) -> tuple[list, list] | None:
    """The batch parts of the two input maps, if `c` is a (batched) matmul generic."""
    if EPILOGUE in c.attributes or len(c.inputs) != 2 or len(c.outputs) != 1:
        return None
    iters = [it.data for it in c.iterator_types]
    r = len(iters) - 1
    if r < 3 or iters != [linalg.IteratorType.PARALLEL] * r + [linalg.IteratorType.REDUCTION]:
        return None
    maps: list[AffineMap] = [m.data for m in c.indexing_maps]
    if maps[2] != AffineMap(r + 1, 0, tuple(AffineDimExpr(d) for d in range(r))):
        return None
    ra, rb = list(maps[0].results), list(maps[1].results)
    i, j, kd = AffineDimExpr(r - 2), AffineDimExpr(r - 1), AffineDimExpr(r)
    if len(ra) < 2 or len(rb) < 2 or ra[-2:] != [i, kd] or rb[-2:] != [kd, j]:
        return None
    for batch, value in ((ra[:-2], c.inputs[0]), (rb[:-2], c.inputs[1])):
        vshape = value.type.get_shape()
        for p, expr in enumerate(batch):
            ok_dim = isinstance(expr, AffineDimExpr) and expr.position == r - 2 - len(batch) + p
            ok_const = isinstance(expr, AffineConstantExpr) and expr.value == 0 and vshape[p] == 1
            if not (ok_dim or ok_const):
                return None
    ops = list(c.body.block.ops)
    args = c.body.block.args
    if len(ops) != 3 or not isinstance(ops[0], arith.MulfOp) or not isinstance(ops[1], arith.AddfOp):
        return None
    if set(ops[0].operands) != {args[0], args[1]} or set(ops[1].operands) != {args[2], ops[0].result} \
            or ops[2].operands[0] is not ops[1].result:
        return None
    return ra[:-2], rb[:-2]


_REWRITES = {
    linalg.MatmulOp: _matmul,
    linalg.Conv2DNchwFchwOp: _conv,
    linalg.Conv2DNgchwGfchwOp: _conv,
    linalg.GenericOp: _batch_matmul,
}
