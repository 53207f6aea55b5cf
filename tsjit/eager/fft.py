"""`torch.fft` on tsjit tensors (`tsjit.fft`): the registry's fft_* ops (tsjit/ops/fft.py,
misc_math.py's fftshift) under their torch.fft names. They are the torch-level bindings generated
from those ops, so `script` maps `torch.fft.rfft(x)` onto ts.fft_rfft as the importers do."""
from __future__ import annotations

from tsjit.eager import functions as _f

_NAMES = ("fft", "ifft", "rfft", "irfft", "hfft", "ihfft", "fft2", "ifft2", "rfft2", "irfft2", "fftn", "ifftn", "rfftn",
          "irfftn", "fftfreq", "rfftfreq", "fftshift", "ifftshift")
globals().update({name: getattr(_f, f"fft_{name}") for name in _NAMES})

__all__ = list(_NAMES)
