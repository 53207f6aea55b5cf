"""uint8, int8, int16 and bool tensors compile wholly to C with PyTorch's semantics: arithmetic wraps
around, uint8 compares, divides, takes min/max and widens as unsigned (the Kit picks the *ui ops and
u predicates for ui8; arith.constant is signless, so a uint8 constant is an i8 one bitcast), Python
scalars wrap into the dtype (uint8 - 1 subtracts 255 mod 256), and a float converts to an 8- or
16-bit integer through int32 as PyTorch does on x86 (-1.5 -> uint8 255, 300.7 -> int8 44, NaN and
values beyond int32 -> 0)."""
import math

import numpy as np
import pytest

from scripted_c_check import check_c, torch

_EDGES = [-1.0, -1.5, -0.5, -128.0, -129.0, -255.0, -256.0, -257.0, -300.7, 255.5, 256.0, 300.0, 1000.0,
          65539.0, 1e10, -1e10, 3e9, math.nan, math.inf, -math.inf, 2.0 ** 31, 2.0 ** 32 + 5, 2.0 ** 40 + 7,
          -2.0 ** 40 - 7, 0.0, 127.9, 12.5]


class _Conversions(torch.nn.Module):
    def forward(self, x):
        return (x.to(torch.uint8), x.to(torch.int8), x.to(torch.int16), x.double().to(torch.uint8),
                x.to(torch.uint8).to(torch.int8), x.to(torch.int8).to(torch.uint8), x.to(torch.uint8).float(),
                x.to(torch.int16).to(torch.uint8), x.to(torch.uint8).to(torch.int64), x.to(torch.bool).to(torch.uint8))


@pytest.mark.parametrize("n", [1, 40])  # 40 copies: a loop the C compiler vectorizes
def test_float_to_small_int_conversions(n):
    check_c(_Conversions(), torch.tensor(_EDGES * n), exact=True)


class _Arithmetic(torch.nn.Module):
    def forward(self, x, y):
        return (x + y, x - y, x * y, x / y, x // y, x % y, x < y, x >= y, x == y, torch.maximum(x, y),
                torch.minimum(x, y), x.sum(), x.sum(1), x.float().mean(), x.amax(), x.amin(1), x.max(1), x.min(0),
                x + 300, x - 1, x * 2.5, -x, x.to(torch.int64) - 1, x > 200, x < -1, x.clamp(3, 100),
                torch.where(x > y, x, y), x & y, x | y, x ^ y, x.abs(), x.prod(1), x.cumsum(1), x.argmax(1),
                x.sort(1)[0], x.topk(2, 1)[0], x.argsort(1), (x * 1.5).to(x.dtype), x.double() / 3)


def _ints(dtype, lo, hi, g):
    return torch.randint(lo, hi, (4, 6), generator=g).to(dtype)


@pytest.mark.parametrize("dtype", [torch.uint8, torch.int8, torch.int16])
def test_wrap_around_and_unsigned_semantics(dtype):
    g = torch.Generator().manual_seed(0)
    info = torch.iinfo(dtype)
    lo, hi = max(info.min, -300), min(info.max, 300) + 1
    x, y = _ints(dtype, lo, hi, g), _ints(dtype, lo, hi, g)
    y[y == 0] = 1                                   # integer division by zero raises in PyTorch
    x[0, :4] = torch.tensor([info.max, info.min, info.max, 0]).to(dtype)
    y[0, :4] = torch.tensor([1, -1 if info.min else 1, info.max, 1]).to(dtype)
    if dtype == torch.int8:
        y[0, 1] = 1                                 # int8 -128 // -1 overflows (PyTorch traps)
    check_c(_Arithmetic(), x, y, exact=False, rtol=1e-6)


class _Bools(torch.nn.Module):
    def forward(self, x, y):
        return x & y, x | y, x ^ y, ~x, x + y, x.sum(), x.to(torch.uint8) + 250, x < y, torch.maximum(x, y), x.any(1)


def test_bool():
    g = torch.Generator().manual_seed(1)
    check_c(_Bools(), torch.rand(3, 5, generator=g) > 0.5, torch.rand(3, 5, generator=g) > 0.5, exact=True)


def test_uint8_image_normalization():
    """The common use: a uint8 image scaled to float and back."""
    class Normalize(torch.nn.Module):
        def forward(self, img):
            x = img.float() / 255.0
            return ((x - 0.5) / 0.25 * 255).clamp(0, 255).to(torch.uint8), img.sum((1, 2)), (img // 2).amax()

    img = torch.from_numpy(np.random.default_rng(2).integers(0, 256, (3, 8, 8), dtype=np.uint8))
    check_c(Normalize(), img, exact=True)


class _MoreUint8(torch.nn.Module):
    def forward(self, x, y):
        return (torch.gcd(x, y), x.cummax(1)[0], x.sort(1, descending=True)[0], x.median(1)[0],
                x.kthvalue(2, 1)[0], torch.where(x > 128, x, 0), x.bitwise_not(), x.to(torch.int16) * 300,
                x.clamp(max=200), torch.remainder(x, 7), torch.fmod(x, 7), x.eq(255).sum(), torch.argmin(x, 1))


def test_more_uint8_ops():
    g = torch.Generator().manual_seed(3)
    x = torch.randint(0, 256, (4, 6), generator=g).to(torch.uint8)
    x[0, 0], x[1, 1] = 255, 0
    check_c(_MoreUint8(), x, torch.randint(1, 256, (4, 6), generator=g).to(torch.uint8), exact=True)
