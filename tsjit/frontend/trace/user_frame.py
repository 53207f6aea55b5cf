"""The user's code behind a traced op: its source location, and where tracer warnings point.

TorchScript's tracer records each op's Python source range and issues TracerWarnings
against the user's line (`fill_row_zero.py:4: TracerWarning: ...`); both skip tsjit's
own frames.
"""
from __future__ import annotations

import os
import sys
import warnings
from types import FrameType

#: tsjit's own directory: frames in it are not the user's
_PACKAGE = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))) + os.sep


def user_frame() -> FrameType | None:
    """The innermost frame outside the tsjit package."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_PACKAGE):
        frame = frame.f_back
    return frame


def location() -> str | None:
    """`file:line:col` of the user's code running now."""
    frame = user_frame()
    if frame is None:
        return None
    col = 0
    positions = frame.f_code.co_positions()
    for i, pos in enumerate(positions):
        if i == frame.f_lasti // 2:
            col = pos[2] or 0
            break
    return f"{frame.f_code.co_filename}:{frame.f_lineno}:{col + 1}"


def warn(message: str, category: type[Warning]) -> None:
    """Issue a warning against the user's line, as `warnings.warn` with the right stacklevel would."""
    frame = user_frame()
    if frame is None:
        warnings.warn(message, category, stacklevel=2)
        return
    registry = frame.f_globals.setdefault("__warningregistry__", {})
    warnings.warn_explicit(message, category, frame.f_code.co_filename, frame.f_lineno,
                           module=frame.f_globals.get("__name__"), registry=registry)
