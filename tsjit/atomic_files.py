"""Temporary siblings for atomic writes, and the clean-up of ones a killed writer left behind.

A save writes `.{name}.{pid}.{random}.tmp` next to its target and renames it into place, so a
reader sees the old file or the new one, never half of one. A writer killed before the rename
leaves its temporary behind; the next write to the same target removes those whose writer is
gone (the pid is not running here) or that are older than STALE_AFTER seconds (another host's,
or a reused pid). A live writer's temporary is never touched.
"""
from __future__ import annotations

import os
import re
import shutil
import tempfile
import time
from pathlib import Path

STALE_AFTER = 24 * 3600.0


def temp_sibling(target: str | os.PathLike, suffix: str = ".tmp", directory: bool = False) -> str:
    """A new temporary file (its fd closed) or directory beside `target`, after removing stale ones."""
    target = Path(target)
    remove_stale(target)
    prefix, where = f".{target.name}.{os.getpid()}.", target.parent
    if directory:
        return tempfile.mkdtemp(prefix=prefix, suffix=suffix, dir=where)
    fd, path = tempfile.mkstemp(prefix=prefix, suffix=suffix, dir=where)
    os.close(fd)
    return path


def remove_stale(target: str | os.PathLike) -> list[str]:
    """Remove the temporaries of `target` left by writers that are gone; returns their paths."""
    target = Path(target)
    pattern = re.compile(rf"\.{re.escape(target.name)}\.(\d+)\.[^.]+\.(tmp|old)")
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        found = pattern.fullmatch(name)
        path = target.parent / name
        if found is None or not _stale(path, int(found.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            try:
                path.unlink()
            except OSError:
                continue
        removed.append(str(path))
    return removed


def _stale(path: Path, pid: int) -> bool:
    try:
        age = time.time() - path.lstat().st_mtime
    except OSError:
        return False
    return age > STALE_AFTER or (pid != os.getpid() and not _running(pid))


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError, OSError):
        return True
    return True
