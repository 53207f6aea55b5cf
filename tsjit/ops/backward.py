"""The `*_backward` ops PyTorch exposes as functions (threshold_backward, nll_loss_backward, ...),
defined as ordinary ops: a gradient computed from given tensors, not autograd.

The activations' backward ops are elementwise in (grad_output, input or result): one `Pointwise`
body each, written as ATen's CPU kernel computes it and run by the numpy kernel too (as special.py
does); the operands broadcast and promote, and only threshold_backward takes integers. The softmax,
nll_loss and mse_loss backward ops are decompositions into elementwise ops and sums.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.dims import wrap_dim
from tsjit.kernels.promotion import (
    BOOL, CODE_OF_DTYPE, can_cast, cast, dtype_of, not_implemented, result_dtype, torch_name,
)
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import Pointwise, defop, sample
from tsjit.ops.rules import broadcast_of, dims, promoted, same
from tsjit.ops.special import _run

_IN_PLACE = ("In-place {} backward calculation is triggered with a negative slope which is not supported. This is "
             "caused by calling in-place forward function with a negative slope, please call out-of-place version "
             "instead.")
_LEAKY_TAIL = (" File an issue at https://github.com/pytorch/pytorch if you do require supporting in-place leakRelu "
               "backward calculation with negative slope")


def _pointwise(name, schema, body, kernel_name, *, values=(0, 1), params=(), ints=False, check=None, samples):
    """An elementwise backward op: `body(k, grad, x)` in the promoted dtype of the `values` operands."""
    def kernel(*operands):
        xs = [operands[i] for i in values]
        dtype = result_dtype(*xs)
        if dtype == BOOL or not ints and not is_float(dtype):
            raise not_implemented(kernel_name, dtype)
        np.broadcast_shapes(*(x.shape for x in xs))
        consts = tuple(operands[i] for i in params)
        if check is not None:
            check(*consts)
        return _run(body, dtype, *(cast(x, dtype) for x in xs), params=consts)
    kernel.__name__ = name

    def lowered(k, *xs):
        if check is not None:
            try:
                check(*k.params)
            except RuntimeError as e:
                k.refuse(str(e))
        return body(k, *xs)
    defop(name, schema, kernel, shape=broadcast_of(*values), dtype=promoted(*values),
          lower=Pointwise(lowered, values=values, params=params, float_only=not ints), samples=samples)


def _grad_samples(*extra, ints=False, result=None, broadcast_options=None, **options):
    """(grad_output, input) pairs: ordinary, broadcast, NaN/inf, 0-d, empty, float64 and mixed, integers."""
    def make():
        x = result or s.f32
        out = [sample(s.f32(2, 3), x(2, 3), *extra, **options),
               sample(s.f32(2, 3), x(3), *extra, **(broadcast_options or options)),
               sample(s.f32(3, 4), s.special(), *extra, **options), sample(s.special(), x(3, 4), *extra, **options),
               sample(np.array(s.f32(1)[0]), np.array(x(1)[0]), *extra, **options),
               sample(s.f32(0, 3), x(0, 3), *extra, **options), sample(s.f64(4), x(4).astype(np.float64), *extra),
               sample(s.f32(4), x(4).astype(np.float64), *extra, **options),
               sample(s.f32(3, 4), x(4, 3).T, *extra, **options), sample(s.i64(3), s.i64(3), *extra),
               sample(s.mask(3), s.mask(3), *extra), sample(s.f32(3), x(4), *extra)]
        return out + ([sample(s.i64(2, 3), s.f32(3), *extra), sample(s.i32(3), s.i64(3), *extra)] if ints else [])
    return make


def _threshold_body(k, grad, x):
    return k.select(k.cmp("le", x, k.c(k.params[0])), k.c(0), grad)


_pointwise("threshold_backward", "(Tensor grad_output, Tensor self, Scalar threshold) -> Tensor", _threshold_body,
           "threshold_cpu", params=(2,), ints=True,
           samples=s.joined(_grad_samples(0.0, ints=True), _grad_samples(0.25), lambda: [sample(s.i64(4), s.i64(4), 2)]))


def _elu_check(alpha, scale, input_scale, is_result):
    if is_result and alpha < 0:
        raise RuntimeError(_IN_PLACE.format("elu"))


def _elu_body(k, grad, x):
    alpha, scale, input_scale, is_result = k.params
    if is_result:
        neg = k.mul(k.mul(grad, k.c(input_scale)), k.add(x, k.c(alpha * scale)))
    else:
        neg = k.mul(k.mul(k.mul(grad, k.c(input_scale)), k.c(alpha * scale)), k.exp(k.mul(x, k.c(input_scale))))
    return k.select(k.cmp("le", x, k.c(0)), neg, k.mul(grad, k.c(scale)))


_pointwise("elu_backward", "(Tensor grad_output, Scalar alpha, Scalar scale, Scalar input_scale, bool is_result, "
           "Tensor self_or_result) -> Tensor", _elu_body, "elu_backward_cpu", values=(0, 5), params=(1, 2, 3, 4),
           check=_elu_check,
           samples=lambda: [sample(g, 1.0, 1.0, 1.0, False, x) for g, x in ((s.f32(2, 3), s.f32(2, 3)),
                                                                             (s.f32(3, 4), s.special()),
                                                                             (s.f32(0, 3), s.f32(3)))]
           + [sample(s.f32(2, 3), 0.5, 2.0, 1.5, False, s.f32(3)), sample(s.f32(2, 3), 0.5, 2.0, 1.5, True, s.f32(3)),
              sample(s.f32(3, 4), 1.0, 1.0, 1.0, True, s.special()), sample(s.f64(3), 1.0, 1.0, 1.0, False, s.f32(3)),
              sample(s.f32(3), -1.0, 1.0, 1.0, True, s.f32(3)), sample(s.f32(3), -1.0, 1.0, 1.0, False, s.f32(3)),
              sample(s.i64(3), 1.0, 1.0, 1.0, False, s.i64(3)), sample(s.f32(3), 1.0, 1.0, 1.0, False, s.f32(2))])


_GELU_ALPHA = math.sqrt(0.5)
_GELU_PDF = 2 / math.sqrt(math.pi) * math.sqrt(0.5) * 0.5
_GELU_TANH_BETA, _KAPPA = math.sqrt(2) * 2 / math.sqrt(math.pi) * 0.5, 0.044715


_ONEDNN = {"torch": False, "note": "torch's oneDNN gelu_backward fails on broadcast operands (a reorder primitive)"}


def _gelu_check(approximate):
    if approximate not in ("none", "tanh"):
        raise RuntimeError("approximate argument must be either none or tanh.")


def _gelu_body(k, grad, x):
    if k.params[0] == "none":
        cdf = k.mul(k.c(0.5), k.add(k.c(1), k.erf(k.mul(x, k.c(_GELU_ALPHA)))))
        pdf = k.mul(k.c(_GELU_PDF), k.exp(k.mul(k.mul(x, x), k.c(-0.5))))
        return k.mul(grad, k.add(cdf, k.mul(x, pdf)))
    x_sq = k.mul(x, x)
    inner = k.mul(k.c(_GELU_TANH_BETA), k.add(x, k.mul(k.c(_KAPPA), k.mul(x_sq, x))))
    t = k.tanh(inner)
    left = k.mul(k.c(0.5), x)
    left_derivative = k.mul(k.c(0.5), k.add(k.c(1), t))
    inner_derivative = k.mul(k.c(_GELU_TANH_BETA), k.add(k.c(1), k.mul(k.c(3 * _KAPPA), x_sq)))
    right_derivative = k.mul(k.mul(left, k.sub(k.c(1), k.mul(t, t))), inner_derivative)
    return k.mul(grad, k.add(left_derivative, right_derivative))


_pointwise("gelu_backward", "(Tensor grad_output, Tensor self, *, str approximate=\"none\") -> Tensor", _gelu_body,
           "GeluBackwardKernelImpl", params=(2,), check=_gelu_check,
           samples=s.joined(_grad_samples("none", broadcast_options=_ONEDNN), _grad_samples("tanh", broadcast_options=_ONEDNN),
                            lambda: [sample(s.f32(3), s.f32(3), "x")]))


def _leaky_check(slope, self_is_result):
    if self_is_result and slope < 0:
        raise RuntimeError(_IN_PLACE.format("leakyReLu") + _LEAKY_TAIL)


_pointwise("leaky_relu_backward", "(Tensor grad_output, Tensor self, Scalar negative_slope, bool self_is_result) -> "
           "Tensor", lambda k, g, x: k.select(k.cmp("gt", x, k.c(0)), g, k.mul(g, k.c(k.params[0]))),
           "leaky_relu_backward_cpu", params=(2, 3), check=_leaky_check,
           samples=s.joined(_grad_samples(0.01, False), lambda: [sample(s.f32(3), s.f32(3), 0.2, True),
                                                                 sample(s.f32(3), s.f32(3), -0.2, True),
                                                                 sample(s.f32(3), s.f32(3), -0.2, False)]))


def _softplus_body(k, grad, x):
    beta, threshold = k.params
    z = k.exp(k.mul(x, k.c(beta)))
    return k.select(k.cmp("gt", k.mul(x, k.c(beta)), k.c(threshold)), grad, k.div(k.mul(grad, z), k.add(z, k.c(1))))


_pointwise("softplus_backward", "(Tensor grad_output, Tensor self, Scalar beta, Scalar threshold) -> Tensor",
           _softplus_body, "softplus_backward_cpu", params=(2, 3),
           samples=s.joined(_grad_samples(1.0, 20.0), lambda: [sample(s.f32(3, 4), s.special(), 2.0, 3.0),
                                                               sample(s.f32(5), s.f32(5) * 10, 0.5, 1.0)]))

_pointwise("tanh_backward", "(Tensor grad_output, Tensor output) -> Tensor",
           lambda k, g, y: k.mul(g, k.sub(k.c(1), k.mul(y, y))), "tanh_backward_cpu",
           samples=_grad_samples(result=lambda *shape: np.tanh(s.f32(*shape))))
_pointwise("sigmoid_backward", "(Tensor grad_output, Tensor output) -> Tensor",
           lambda k, g, y: k.mul(k.mul(g, k.sub(k.c(1), y)), y), "sigmoid_backward_cpu",
           samples=_grad_samples(result=lambda *shape: s.f32(*shape, lo=0, hi=1)))


def _hardtanh_body(k, grad, x):
    lo, hi = k.params
    outside = k.or_(k.cmp("le", x, k.c(lo)), k.cmp("ge", x, k.c(hi)))
    return k.select(outside, k.c(0), grad)


_pointwise("hardtanh_backward", "(Tensor grad_output, Tensor self, Scalar min_val, Scalar max_val) -> Tensor",
           _hardtanh_body, "hardshrink_backward_cpu", params=(2, 3),
           samples=s.joined(_grad_samples(-1.0, 1.0), lambda: [sample(s.f32(3, 4), s.special(), 0.0, 6.0),
                                                               sample(s.f32(3), s.f32(3), 0.5, -0.5)]))


def _hardswish_body(k, grad, x):
    middle = k.mul(grad, k.add(k.div(x, k.c(3)), k.c(0.5)))
    return k.select(k.cmp("le", x, k.c(-3)), k.c(0), k.select(k.cmp("lt", x, k.c(3)), middle, grad))


def _hardsigmoid_body(k, grad, x):
    inside = k.and_(k.cmp("gt", x, k.c(-3)), k.cmp("lt", x, k.c(3)))
    return k.select(inside, k.div(grad, k.c(6)), k.c(0))


def _silu_body(k, grad, x):
    sig = k.recip(k.add(k.c(1), k.exp(k.neg(x))))
    return k.mul(k.mul(grad, sig), k.add(k.c(1), k.mul(x, k.sub(k.c(1), sig))))


def _spread(*shape):
    return s.f32(*shape) * 3


for _name, _body, _kernel in (("hardswish_backward", _hardswish_body, "hardswish_backward_cpu"),
                              ("hardsigmoid_backward", _hardsigmoid_body, "hardsigmoid_backward"),
                              ("silu_backward", _silu_body, "silu_backward_cpu")):
    _pointwise(_name, "(Tensor grad_output, Tensor self) -> Tensor", _body, _kernel,
               samples=s.joined(_grad_samples(result=_spread),
                                lambda: [sample(np.ones(6, np.float32), np.array([-3, 3, -3.5, 2.9, 0, 3.5], np.float32))]))


# -- softmax and log_softmax backward (decomposed) ----------------------------------------------------

def _softmax_grad(log: bool):
    kernel_name = "log_softmax_backward_lastdim_kernel_impl" if log else "softmax_backward_lastdim_kernel_impl"

    def decompose(g, grad, out, dim, input_dtype):
        """softmax: y (grad - sum(grad y)); log_softmax: grad - exp(y) sum(grad), over dim."""
        dtype, wanted = g.dtype(grad), dtype_of(g.value(input_dtype))
        if g.shape(grad) != g.shape(out):
            raise reject(g, RuntimeError(
                f"Expected tensor for argument #1 'grad' to have same size as tensor for argument #2 'output'; but "
                f"{list(g.shape(grad))} does not equal {list(g.shape(out))} (while checking arguments for "
                f"{'log_' if log else ''}softmax_backward)"))
        if g.dtype(out) != dtype:
            raise reject(g, RuntimeError(f"expected scalar type {torch_name(dtype)} but found {torch_name(g.dtype(out))}"))
        if not is_float(dtype):
            raise reject(g, not_implemented(kernel_name, dtype))
        if dtype == np.float32 and wanted == np.float16:
            raise reject(g, RuntimeError("expected scalar type Float but found Half"))
        try:
            d = wrap_dim(g.value(dim), max(g.dim(grad), 1))
        except IndexError as e:
            raise reject(g, e) from None
        if log:
            return g.sub(grad, g.mul(g.exp(out), g.sum(grad, [d], True)))
        return g.mul(out, g.sub(grad, g.sum(g.mul(grad, out), [d], True)))
    decompose.__name__ = "_log_softmax_backward_data" if log else "_softmax_backward_data"
    return decompose


_LOG_BROADCAST = ("torch's log_softmax backward does not check the sizes, and reads a broadcast output as if it "
                  "were full size; tsjit raises softmax's size error")


def _softmax_grad_samples(log: bool):
    def out(*shape):
        x = np.asarray(s.f32(*shape))
        e = np.exp(x - x.max(axis=-1, keepdims=True)) if x.ndim else np.ones_like(x)
        y = e / e.sum(axis=-1, keepdims=True) if x.ndim else e
        return np.asarray(np.log(y) if log else y, np.float32)
    f32, f64, f16, i64 = 6, 7, 5, 4
    return lambda: [sample(s.f32(2, 5), out(2, 5), 1, f32), sample(s.f32(3, 4, 2), out(3, 4, 2), 0, f32),
                    sample(s.f32(3, 4), out(3, 4), -1, f64), sample(s.f64(3, 4), out(3, 4).astype(np.float64), 1, f32),
                    sample(s.special(), out(3, 4), 1, f32), sample(np.array(1.5, np.float32), out(), 0, f32),
                    sample(np.array(1.5, np.float32), out(), -1, f32), sample(s.f32(0, 3), out(0, 3), 1, f32),
                    sample(s.f32(2, 3), out(2, 3), 2, f32),
                    sample(s.f32(2, 3), out(3), 0, f32, **({"torch": False, "note": _LOG_BROADCAST} if log else {})),
                    sample(s.f32(3), out(3).astype(np.float64), 0, f32), sample(s.f32(3), out(3), 0, f16),
                    sample(s.i64(3), s.i64(3), 0, i64)]


for _name, _log in (("_softmax_backward_data", False), ("_log_softmax_backward_data", True)):
    defop(_name, "(Tensor grad_output, Tensor output, int dim, ScalarType input_dtype) -> Tensor",
          decompose=_softmax_grad(_log), shape=same, dtype=lambda grad, *rest: grad.dtype,
          samples=_softmax_grad_samples(_log))


# -- nll_loss and mse_loss backward (decomposed) ------------------------------------------------------

def _nll_loss_backward(g, grad, x, target, weight, reduction, ignore_index, total_weight):
    """-weight[target] * grad (divided by total_weight for the mean) at each target class, 0 elsewhere
    and where the target is ignore_index: a one-hot comparison with the class ids, as the forward."""
    reduction, ignore_index, n = g.value(reduction), g.value(ignore_index), g.dim(x)
    dtype, shape, tshape = g.dtype(x), g.shape(x), g.shape(target)
    if not 0 < n <= 2:
        raise reject(g, RuntimeError("input tensor should be 1D or 2D"))
    if len(tshape) > 1:
        raise reject(g, RuntimeError("0D or 1D target tensor expected, multi-target not supported"))
    no_batch = n == 1 and not tshape
    if not no_batch and (not tshape or shape[0] != tshape[0]):
        raise reject(g, RuntimeError(f"size mismatch (got input: {list(shape)}, target: {list(tshape)})"))
    if int(np.prod(g.shape(total_weight))) != 1:
        raise reject(g, RuntimeError(f"expected total_weight to be a single element tensor, got: "
                                     f"{list(g.shape(total_weight))} ({int(np.prod(g.shape(total_weight)))} elements)"))
    classes = shape[-1]
    if weight is not None and int(np.prod(g.shape(weight))) != classes:
        raise reject(g, RuntimeError("weight tensor should be defined either for all or no classes"))
    if not is_float(dtype):
        raise reject(g, not_implemented("nll_loss_backward_out_frame", dtype))
    if g.dtype(target) != np.dtype(np.int64):
        raise reject(g, RuntimeError(f"expected scalar type Long but found {torch_name(g.dtype(target))}"))
    for other in (grad, total_weight):
        if g.dtype(other) != dtype:
            raise reject(g, RuntimeError(f"expected scalar type {torch_name(dtype)} but found "
                                         f"{torch_name(g.dtype(other))}"))
    if reduction == 0 and not no_batch and tuple(g.shape(grad)) != tshape:
        gs = g.shape(grad)
        if not gs:
            raise reject(g, IndexError("Dimension specified as 0 but tensor has no dimensions"))
        raise reject(g, RuntimeError(f"Expected a tensor of dimension 1 and tensor.size[0] == {tshape[0]} but got: "
                                     f"dimension {len(gs)} and tensor.size[0] = {gs[0]}"))
    if reduction != 0 and int(np.prod(g.shape(grad))) != 1:
        raise reject(g, RuntimeError(f"Expected a single element grad_output tensor, but got: {list(g.shape(grad))}"))
    if isinstance(target, np.ndarray):  # eager: ATen's bounds check (data, so not in IR)
        bad = target[(target != ignore_index) & ((target < 0) | (target >= classes))]
        if bad.size:
            raise IndexError(f"Target {bad.flat[0]} is out of bounds.")
    if reduction != 0 or no_batch:
        grad = g.reshape(grad, [])
        if reduction == 1:
            grad = g.div(grad, g.reshape(total_weight, []))
    picked = g.unsqueeze(target, -1)
    hot = g.logical_and(g.eq(picked, np.arange(classes, dtype=np.int64)), g.ne(picked, ignore_index))
    scale = g.neg(grad if reduction != 0 and not no_batch or no_batch else g.unsqueeze(grad, -1))
    if weight is not None:
        scale = g.mul(scale, g.reshape(weight, [classes]))
    return g.where(hot, scale, 0.0)


def _nll_backward_samples():
    t = s.i64(4, lo=0, hi=3)
    t[1] = -100
    one, total = np.array(1.0, np.float32), np.array(4.0, np.float32)
    return [sample(one, s.f32(4, 3), s.i64(4, lo=0, hi=3), None, 1, -100, total),
            sample(s.f32(4), s.f32(4, 3), t, s.pos(3), 0, -100, total),
            sample(np.array(0.5, np.float32), s.f32(4, 3), t, s.pos(3), 1, -100, np.array(2.5, np.float32)),
            sample(np.array([2.0], np.float32), s.f32(4, 3), t, None, 2, 1, total),
            sample(s.f32(4), s.f32(4, 3), np.array([2, 0, 2, 1]), None, 0, 2, total), sample(one, s.f32(3), np.array(1), None, 1, -100, total),
            sample(np.array(3.0, np.float32), s.f32(3), np.array(2), s.pos(3), 0, -100, total),
            sample(np.array(1.0), s.f64(4, 3), s.i64(4, lo=0, hi=3), None, 2, -100, np.array(4.0)),
            sample(one, s.f32(0, 3), s.i64(0), None, 1, -100, total),
            sample(one, s.f32(4, 3), t, None, 1, -100, np.array(0.0, np.float32)),
            sample(s.f32(4), s.f32(4, 3), t, None, 1, -100, total), sample(s.f32(3), s.f32(4, 3), t, None, 0, -100, total),
            sample(one, s.f32(4, 3), t, None, 0, -100, total), sample(one, s.f32(4, 3), t, s.pos(2), 1, -100, total),
            sample(one, s.f32(4, 3), t.astype(np.int32), None, 1, -100, total),
            sample(one, s.f32(4, 3), t[:3], None, 1, -100, total),
            sample(one, s.f32(4, 3), np.array([0, 1, 5, 1]), None, 1, -100, total),
            sample(one, s.i64(4, 3), t, None, 1, -100, total), sample(one, s.f32(2, 3, 4), t, None, 1, -100, total),
            sample(one.astype(np.float64), s.f32(4, 3), t, None, 1, -100, total),
            sample(one, s.f32(4, 3), t, None, 1, -100, total.astype(np.float64)),
            sample(one, s.f32(4, 3), t, None, 1, -100, np.array([4.0, 1.0], np.float32))]


def _nll_backward_shape(grad, x, *rest):
    return dims(x)


defop("nll_loss_backward", "(Tensor grad_output, Tensor self, Tensor target, Tensor? weight, int reduction, "
      "int ignore_index, Tensor total_weight) -> Tensor", decompose=_nll_loss_backward, shape=_nll_backward_shape,
      dtype=lambda grad, x, *rest: x.dtype, samples=_nll_backward_samples)


def _mse_loss_backward(g, grad, x, target, reduction):
    """norm (x - target) grad, norm 2 (2 / numel for the mean) in the operands' common dtype, written
    into a tensor of the input's dtype and of the operands' broadcast shape."""
    dtype, out = result_dtype(*(np.empty(0, g.dtype(v)) if g.dim(v) else np.empty((), g.dtype(v))
                                for v in (grad, x, target))), g.dtype(x)
    if not can_cast(dtype, out):
        raise reject(g, RuntimeError(f"result type {torch_name(dtype)} can't be cast to the desired output type "
                                     f"{torch_name(out)}"))
    try:
        np.broadcast_shapes(g.shape(x), g.shape(target), g.shape(grad))
    except ValueError:
        a, b = g.shape(x), g.shape(target)
        i = next(i for i in range(1, min(len(a), len(b)) + 1) if a[-i] != b[-i] and 1 not in (a[-i], b[-i]))
        raise reject(g, RuntimeError(f"The size of tensor a ({a[-i]}) must match the size of tensor b ({b[-i]}) at "
                                     f"non-singleton dimension {len(a) - i}")) from None
    numel = int(np.prod(g.shape(x)))
    norm = 2.0 / numel if g.value(reduction) == 1 and numel else 2.0 if g.value(reduction) != 1 else math.inf
    norm = norm if is_float(dtype) else int(norm)
    cast_ = (lambda v: v) if g.dtype(x) == dtype else (lambda v: g.to(v, CODE_OF_DTYPE[dtype]))
    diff = g.sub(cast_(x), target if g.dtype(target) == dtype else g.to(target, CODE_OF_DTYPE[dtype]))
    result = g.mul(g.mul(diff, norm), grad if g.dtype(grad) == dtype else g.to(grad, CODE_OF_DTYPE[dtype]))
    return result if out == dtype else g.to(result, CODE_OF_DTYPE[out])


def _mse_backward_shape(grad, x, target, reduction):
    from tsjit.ops.rules import broadcast
    return broadcast(dims(grad), dims(x), dims(target))


defop("mse_loss_backward", "(Tensor grad_output, Tensor self, Tensor target, int reduction) -> Tensor",
      decompose=_mse_loss_backward, shape=_mse_backward_shape, dtype=lambda grad, x, *rest: x.dtype,
      samples=lambda: [sample(np.array(1.0, np.float32), s.f32(3, 4), s.f32(3, 4), 1),
                       sample(s.f32(2, 3), s.f32(2, 3), s.f32(3), 0), sample(np.array(0.5, np.float32), s.f32(3), s.f32(3), 2),
                       sample(np.array(1.0, np.float32), s.special(), s.f32(3, 4), 1),
                       sample(np.array(1.0, np.float32), s.f32(3), s.f64(3), 1),
                       sample(np.array(1.0), s.f64(3), s.f64(3), 1), sample(np.array(1.0, np.float32), s.f32(0, 3),
                                                                               s.f32(0, 3), 1),
                       sample(np.array(1.0, np.float32), np.array(2.0, np.float32), np.array(0.5, np.float32), 1),
                       sample(s.i64(2), s.i64(2), s.i64(2), 0), sample(np.array(1.0, np.float32), s.i64(2), s.i64(2), 0),
                       sample(np.array(1.0, np.float32), s.f32(3), s.f32(4), 0), sample(s.f32(2, 3), s.f32(3), s.f32(3), 0)])
