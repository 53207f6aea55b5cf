"""The user's code behind a traced op: its source location, and where tracer warnings point.

TorchScript's tracer records each op's Python source range and issues TracerWarnings
against the user's line (`fill_row_zero.py:4: TracerWarning: ...`); both skip tsjit's
own frames.
"""
from __future__ import annotations

from tsjit.user_warnings import user_frame, warn  # noqa: F401  (the tracer's warnings)


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
