"""Signal-processing ops: the window functions (hann, hamming, blackman, bartlett, kaiser) and stft of
real input with real output (return_complex=False: the last dim holds real and imaginary parts).

Windows are constants of their arguments: with constant operands (the usual case) canonicalize
folds them into a ts.constant, so compiled code never runs them. stft's kernel is an FFT of every
frame (numpy's pocketfft); compiled, it decomposes into frames (unfold), the window and the DFT as
products with constant cos / sin matrices, which lower to C. stft with return_complex=True raises.
"""
from __future__ import annotations

import math

import numpy as np

from tsjit.dtypes import is_float
from tsjit.kernels.promotion import as_array, dtype_of, promote_types, torch_name
from tsjit.ops import samples as s
from tsjit.ops.decomposition import reject
from tsjit.ops.registry import op, sample
from tsjit.ops.rules import ShapeError, dims, dtype_arg, promote

_FOLDED = ("a constant of its arguments: canonicalize folds it into a ts.constant; otherwise it runs on numpy (C "
           "code runs it around fusion groups)")
_F32, _F64, _I64 = 6, 7, 4


def _window(name: str, n: int, periodic: bool, dtype, formula) -> np.ndarray:
    out = dtype_of(dtype, np.dtype(np.float32))
    if not is_float(out):
        raise RuntimeError(f"{name} expects floating point dtypes, got: {torch_name(out)}")
    if n < 0:
        raise RuntimeError(f"{name} requires non-negative window_length, got window_length={n}")
    if n == 0:
        return np.zeros(0, out)
    if n == 1:
        return np.ones(1, out)
    m = n + 1 if periodic else n
    w = formula(np.arange(m, dtype=np.float64), m)
    return as_array(w[:n].astype(out))


def _window_shape(n, *rest):
    return (n,)


def _window_dtype(*args):
    return dtype_arg(args[-1], np.dtype(np.float32))


def _window_samples(*extra):
    return lambda: [sample(8, True, *extra, None), sample(7, False, *extra, _F64), sample(1, True, *extra, None),
                    sample(0, True, *extra, None), sample(5, True, *extra, _I64), sample(-1, True, *extra, None)]


def _cosines(*coefficients):
    def formula(k, m):
        return sum(c * np.cos(2 * math.pi * i * k / (m - 1)) * (-1) ** i for i, c in enumerate(coefficients))
    return formula


@op("hann_window", "(int window_length, bool periodic=True, *, ScalarType? dtype=None) -> Tensor",
    shape=_window_shape, dtype=_window_dtype, numpy_only=_FOLDED, api="torch", samples=_window_samples())
def hann_window(window_length, periodic=True, dtype=None):
    return _window("hann_window", window_length, periodic, dtype, _cosines(0.5, 0.5))


@op("hamming_window", "(int window_length, bool periodic=True, float alpha=0.54, float beta=0.46, *, "
    "ScalarType? dtype=None) -> Tensor", shape=_window_shape, dtype=_window_dtype, numpy_only=_FOLDED, api="torch",
    samples=_window_samples(0.54, 0.46))
def hamming_window(window_length, periodic=True, alpha=0.54, beta=0.46, dtype=None):
    return _window("hamming_window", window_length, periodic, dtype, _cosines(alpha, beta))


@op("blackman_window", "(int window_length, bool periodic=True, *, ScalarType? dtype=None) -> Tensor",
    shape=_window_shape, dtype=_window_dtype, numpy_only=_FOLDED, api="torch", samples=_window_samples())
def blackman_window(window_length, periodic=True, dtype=None):
    return _window("blackman_window", window_length, periodic, dtype, _cosines(0.42, 0.5, 0.08))


@op("bartlett_window", "(int window_length, bool periodic=True, *, ScalarType? dtype=None) -> Tensor",
    shape=_window_shape, dtype=_window_dtype, numpy_only=_FOLDED, api="torch", samples=_window_samples())
def bartlett_window(window_length, periodic=True, dtype=None):
    return _window("bartlett_window", window_length, periodic, dtype,
                   lambda k, m: 1 - np.abs(2 * k / (m - 1) - 1))


@op("kaiser_window", "(int window_length, bool periodic=True, float beta=12.0, *, ScalarType? dtype=None) -> Tensor",
    shape=_window_shape, dtype=_window_dtype, numpy_only=_FOLDED, api="torch", samples=_window_samples(12.0))
def kaiser_window(window_length, periodic=True, beta=12.0, dtype=None):
    def formula(k, m):
        alpha = (m - 1) / 2
        return np.i0(beta * np.sqrt(np.clip(1 - ((k - alpha) / alpha) ** 2, 0, None))) / np.i0(beta)
    return _window("kaiser_window", window_length, periodic, dtype, formula)


# -- stft --------------------------------------------------------------------------------------------

def _stft_plan(shape, n_fft, hop_length, win_length, window_shape, onesided, return_complex):
    if len(shape) not in (1, 2):
        raise RuntimeError(f"stft: expected a 1D or 2D tensor, but got {len(shape)}D tensor")
    length = shape[-1]
    hop = n_fft // 4 if hop_length is None else hop_length
    win = n_fft if win_length is None else win_length
    if return_complex is None:
        raise RuntimeError("stft requires the return_complex parameter be given for real inputs, and will further "
                           "require that return_complex=True in a future PyTorch release.")
    if return_complex:
        raise NotImplementedError("stft: return_complex=True gives a complex tensor, which tsjit does not have")
    if n_fft <= 0 or n_fft > length:
        raise RuntimeError(f"stft: expected 0 < n_fft <= {length}, but got n_fft={n_fft}")
    if hop <= 0:
        raise RuntimeError(f"stft: expected hop_length > 0, but got hop_length={hop}")
    if win <= 0 or win > n_fft:
        raise RuntimeError(f"stft: expected 0 < win_length <= n_fft, but got win_length={win}")
    if window_shape is not None and (len(window_shape) != 1 or window_shape[0] != win):
        raise RuntimeError(f"stft: expected a 1D window tensor of size equal to win_length={win}, but got window "
                           f"with size {list(window_shape)}")
    frames = 1 + (length - n_fft) // hop
    freqs = n_fft // 2 + 1 if onesided is None or onesided else n_fft
    return hop, win, frames, freqs


def _stft_shape(x, n_fft, hop_length=None, win_length=None, window=None, normalized=False, onesided=None,
                return_complex=None, align_to_window=None):
    shape = dims(x)
    try:
        _, _, frames, freqs = _stft_plan(shape, n_fft, hop_length, win_length,
                                         None if window is None else dims(window), onesided, return_complex)
    except (RuntimeError, NotImplementedError) as e:
        raise ShapeError(str(e)) from None
    return tuple(shape[:-1]) + (freqs, frames, 2)


def _stft_decompose(g, x, n_fft, hop_length=None, win_length=None, window=None, normalized=False, onesided=None,
                    return_complex=None, align_to_window=None):
    """The frames (unfold) times the window, then the DFT as two products with constant cos / sin
    matrices: O(n_fft^2) per frame where the kernel's FFT is O(n_fft log n_fft), but it lowers to C."""
    dtype = g.dtype(x) if window is None else promote_types(g.dtype(x), g.dtype(window))
    if not is_float(g.dtype(x)):
        raise reject(g, RuntimeError(f"stft: expected a tensor of floating point or complex values, got "
                                     f"{torch_name(g.dtype(x))}"))
    n_fft = g.value(n_fft)
    try:
        hop, win, frames, freqs = _stft_plan(g.shape(x), n_fft, g.value(hop_length), g.value(win_length),
                                             None if window is None else g.shape(window), g.value(onesided),
                                             g.value(return_complex))
    except (RuntimeError, NotImplementedError) as e:
        raise reject(g, e) from None
    segments = g.unfold(x, -1, n_fft, hop)  # [..., frames, n_fft]
    left = (n_fft - win) // 2
    if window is not None:
        w = g.pad(window, [left, n_fft - win - left], "constant", 0.0) if win < n_fft else window
        segments = g.mul(segments, w)
    elif win < n_fft:
        segments = g.mul(segments, np.pad(np.ones(win, dtype), (left, n_fft - win - left)))
    angle = 2 * math.pi * np.outer(np.arange(n_fft), np.arange(freqs)) / n_fft
    scale = 1 / math.sqrt(n_fft) if g.value(normalized) else 1.0
    real = g.matmul(segments, (np.cos(angle) * scale).astype(dtype))
    imag = g.matmul(segments, (-np.sin(angle) * scale).astype(dtype))
    return g.transpose(g.stack([real, imag], -1), -2, -3)  # [..., freqs, frames, 2]


@op("stft", "(Tensor self, int n_fft, int? hop_length=None, int? win_length=None, Tensor? window=None, "
    "bool normalized=False, bool? onesided=None, bool? return_complex=None, bool? align_to_window=None) -> Tensor",
    shape=_stft_shape, dtype=lambda x, n_fft, hop=None, win=None, window=None, *rest: promote(x, window),
    decompose=_stft_decompose,
    samples=lambda: [sample(s.f32(2, 64), 16, None, None, None, False, None, False, None),
                     sample(s.f32(64), 16, 4, 12, s.f32(12, lo=0.0, hi=1.0), False, True, False, None),
                     sample(s.f64(3, 40), 8, 3, None, None, True, None, False, None),
                     sample(s.f32(2, 32), 8, 2, None, s.f32(8), False, False, False, None),
                     sample(s.f32(2, 64), 16, None, None, None, False, None, None, None),
                     sample(s.f32(2, 10), 16, None, None, None, False, None, False, None),
                     sample(s.f32(2, 64), 16, 0, None, None, False, None, False, None),
                     sample(s.f32(2, 64), 16, None, None, s.f32(5), False, None, False, None),
                     sample(s.f32(2, 2, 64), 16, None, None, None, False, None, False, None)])
def stft(x, n_fft, hop_length=None, win_length=None, window=None, normalized=False, onesided=None,
         return_complex=None, align_to_window=None):
    """Real input, real output: [..., n_fft // 2 + 1 (onesided) or n_fft, frames, 2]. ATen's form, without
    `center` (torch.stft pads the input itself first: tsjit/eager/functions_nn.py)."""
    if not is_float(x.dtype):
        raise RuntimeError(f"stft: expected a tensor of floating point or complex values, got {torch_name(x.dtype)}")
    hop, win, frames, freqs = _stft_plan(x.shape, n_fft, hop_length, win_length,
                                         None if window is None else window.shape, onesided, return_complex)
    w = np.ones(win, np.float64) if window is None else window.astype(np.float64)
    left = (n_fft - win) // 2
    w = np.pad(w, (left, n_fft - win - left))
    starts = np.arange(frames) * hop
    segments = x.astype(np.float64)[..., starts[:, None] + np.arange(n_fft)] * w  # [..., frames, n_fft]
    spectrum = np.fft.fft(segments, axis=-1)[..., :freqs]
    if normalized:
        spectrum = spectrum / math.sqrt(n_fft)
    out = np.stack([spectrum.real, spectrum.imag], -1)  # [..., frames, freqs, 2]
    dtype = x.dtype if window is None else promote_types(x.dtype, window.dtype)
    return as_array(np.swapaxes(out, -2, -3).astype(dtype))
