"""Pass plugins: `--load-pass-plugin=file.py` and the `tsjit.passes` entry points.

Why: MLIR's --load-pass-plugin loads a shared library; the Python equivalent is a
.py file, so a user can try a pass without packaging it.  Every concrete ModulePass
subclass the file defines is registered under its `name`.  Installed packages
instead declare entry points in the group `tsjit.passes`, each loading to a
ModulePass subclass:

    [project.entry-points."tsjit.passes"]
    my-pass = "my_pkg.passes:MyPass"
"""

from __future__ import annotations

import importlib.util
import inspect
import sys
import traceback
from collections.abc import Callable
from importlib.metadata import entry_points
from pathlib import Path

from xdsl.passes import ModulePass

from tsjit.ir.diagnostics import ToolError

ENTRY_POINT_GROUP = "tsjit.passes"
PassFactory = Callable[[], type[ModulePass]]


def is_pass_class(obj: object) -> bool:
    """A concrete ModulePass subclass with a CLI name."""
    return (
        inspect.isclass(obj)
        and issubclass(obj, ModulePass)
        and not inspect.isabstract(obj)
        and isinstance(getattr(obj, "name", None), str)
    )


def _where(exc: BaseException) -> str:
    """`file.py:12: NameError: x`: enough to fix a plugin, without a traceback."""
    frames = traceback.extract_tb(exc.__traceback__)
    at = f"{frames[-1].filename}:{frames[-1].lineno}: " if frames else ""
    return f"{at}{type(exc).__name__}: {exc}"


def load_pass_file(path: str) -> dict[str, PassFactory]:
    """Import a Python file and return the passes it defines, by CLI name."""
    file = Path(path)
    if not file.is_file():
        raise ToolError(f"cannot load pass plugin '{path}': no such file")
    mod_name = f"tsjit_plugin_{abs(hash(str(file.resolve())))}"
    spec = importlib.util.spec_from_file_location(mod_name, file)
    if spec is None or spec.loader is None:
        raise ToolError(f"cannot load pass plugin '{path}': not a Python file")
    module = importlib.util.module_from_spec(spec)
    sys.modules[mod_name] = module  # dataclasses and get_type_hints look it up here
    try:
        spec.loader.exec_module(module)
    except Exception as e:
        del sys.modules[mod_name]
        raise ToolError(f"cannot load pass plugin '{path}': {_where(e)}") from None
    found = {
        cls.name: (lambda c=cls: c)
        for _, cls in inspect.getmembers(module, is_pass_class)
        if cls.__module__ == mod_name
    }
    if not found:
        raise ToolError(f"pass plugin '{path}' defines no ModulePass subclass")
    return found


def entry_point_passes(warn: Callable[[str], None]) -> dict[str, PassFactory]:
    """The passes of installed distributions; a broken one is skipped with a warning
    so that it cannot break runs that do not use it."""
    found: dict[str, PassFactory] = {}
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        origin = f"entry point '{ep.name} = {ep.value}'"
        if ep.dist is not None:
            origin += f" of '{ep.dist.name}'"
        try:
            cls = ep.load()
        except Exception as e:
            warn(f"skipping {origin}: {_where(e)}")
            continue
        if not is_pass_class(cls):
            warn(f"skipping {origin}: it is not a ModulePass subclass with a name")
            continue
        found[cls.name] = lambda c=cls: c
    return found
