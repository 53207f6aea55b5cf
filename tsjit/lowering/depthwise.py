"""Depthwise convolutions for `ts-contractions-to-calls`: a grouped convolution with one input
channel per group (MobileNet's 3x3 layers), zero-filled output, becomes calls of `@tsjit_dwconv_*`
(tsjit/backends/c/runtime/depthwise.py), a direct stencil per channel. As im2col + GEMM it was one
GEMM with a single row per channel: call and packing overhead around a few taps of work.

The calls cover blocks of output channels of each image, in one loop whose iterations are
independent (marked parallel: OpenMP shares the blocks among threads). An elementwise consumer
of the output runs on each block right after its call, while the block is in cache
(`call_matching.consumer`); when it is the folded batch norm's bias and a ReLU/ReLU6 and nothing
else reads the convolution's output, the call applies it as it writes, into the consumer's buffer
(tsjit/lowering/bias_activation.py). A zero-padded copy of the input made for
the convolution alone is not made: the call reads the source and implies the zeros.
"""
from __future__ import annotations

import math

from xdsl.dialects import memref
from xdsl.dialects.builtin import Float32Type, Float64Type
from xdsl.ir import Operation

from tsjit.lowering import bias_activation
from tsjit.lowering.call_matching import consumer, only_read_by, padded_copy
from tsjit.lowering.library_calls import VIEWS, Emitter, Index, blocks, root

CALL = {Float32Type: "tsjit_dwconv_f32", Float64Type: "tsjit_dwconv_f64"}

MIN_BLOCKS = 16
"""At least this many channel blocks per image when there are enough channels: blocks to share
among threads."""


def applies(c: Operation, grouped: bool, zero_filled: bool) -> bool:
    """Whether the convolution `c` (operands already checked contiguous) is depthwise."""
    return grouped and zero_filled and c.inputs[0].type.get_shape()[2] == 1


def rewrite(c: Operation, tile_bytes: int, declared: dict) -> tuple[Emitter, list[Operation]]:
    """The calls (and consumer blocks) replacing `c`, for the caller to place and finish, and the
    ops that made c's padded input, to erase after c."""
    (x, w), out = c.inputs, c.outputs[0]
    (n, g, _, h, wd), (_, m, _, kh, kw), (_, _, _, oh, ow) = (v.type.get_shape() for v in (x, w, out))
    sh, sw = c.strides.get_values()
    dh, dw = c.dilations.get_values()
    channels, plane = g * m, oh * ow
    after = consumer(c, (n, channels, oh, ow))
    padded = padded_copy(c)
    (ph, pw), erase = (0, 0), []
    if padded is not None:  # read the unpadded source: the call implies the zeros
        x, (ph, pw), erase = padded
        h, wd = x.type.get_shape()[2:]
    elt = out.type.element_type
    per = min(max(1, tile_bytes // (plane * elt.bitwidth // 8)), math.ceil(channels / MIN_BLOCKS))
    size, count = blocks(channels, per)
    em = Emitter(declared)
    X, W = em.flat(x), em.flat(w)
    fused = bias_activation.match(after, out, 1) if after is not None else None
    if fused is not None and not only_read_by(root(out), {c, after}):
        fused = None
    if fused is None:
        O, ep = em.flat(out), [W, 0, 0.0, 0.0]  # bias (not read), ep, lo, hi
    else:  # the call writes the consumer's result; the consumer and c's buffer go
        O, ep = em.flat(after.outputs[0]), [em.flat(fused.bias), 1, fused.lo, fused.hi]
        erase += [after, *_buffer_ops(root(out))]
        after = None

    def block(e: Emitter, t: Index) -> None:
        ni, o0 = (0, e.mul(t, size)) if n == 1 else (e.div(t, count), e.mul(e.rem(t, count), size))
        no = e.min(size, e.sub(channels, o0)) if channels % size else size
        e.call(CALL[type(elt)], [X, W, O, ep[0]], [e.mul(ni, g * h * wd), e.mul(ni, channels * plane), m, h, wd, ph,
                                                   pw, kh, kw, sh, sw, dh, dw, oh, ow, o0, no, ep[1]],
               [e.float(ep[2], elt), e.float(ep[3], elt)])
        if after is not None:
            bounds = {0: (ni, e.add(ni, 1))} if n > 1 else {}
            if count > 1:
                bounds[1] = (o0, e.add(o0, no))
            e.epilogue(after, bounds)

    em.loop(0, n * count, 1, block, parallel_work=size * plane * kh * kw)
    return em, erase


def _buffer_ops(buffer) -> list[Operation]:
    """A buffer's views and deallocs, then its alloc, in erasable order (empty if it is no alloc)."""
    if not isinstance(buffer.owner, memref.AllocOp):
        return []
    found: list[Operation] = []

    def visit(value) -> None:  # views before what they view; the convolution and its fill go first anyway
        for user in {use.operation for use in value.uses}:
            if user.name in VIEWS:
                for r in user.results:
                    visit(r)
                found.append(user)
            elif isinstance(user, memref.DeallocOp):
                found.append(user)
    visit(buffer)
    return [*found, buffer.owner]
