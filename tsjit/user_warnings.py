"""Warnings against the user's line: the innermost frame outside the tsjit package, so a
warning from a pass, a kernel build or a run names the call in the user's code, not tsjit's
internals (TorchScript's tracer warnings point there the same way)."""
from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

#: tsjit's own directory: frames in it are not the user's
PACKAGE = os.path.dirname(os.path.abspath(__file__)) + os.sep


def _internal(frame: FrameType) -> bool:
    """tsjit's code, or code tsjit generated (whose globals name a tsjit module)."""
    name = frame.f_globals.get("__name__") or ""
    return frame.f_code.co_filename.startswith(PACKAGE) or name == "tsjit" or name.startswith("tsjit.")


def user_frame() -> FrameType | None:
    """The innermost frame outside the tsjit package."""
    frame = sys._getframe(1)
    while frame is not None and _internal(frame):
        frame = frame.f_back
    return frame


#: how many warnings `warn` has issued in this process (a compile that warned is not kept on disk)
issued = 0


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """Issue a warning against the user's line, as `warnings.warn` with the right stacklevel would."""
    global issued
    issued += 1
    frame = user_frame()
    if frame is None:
        warnings.warn(message, category, stacklevel=2)
        return
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__"), registry=registry)
