"""Compilation backends by name: `backend("c").compile(module)` gives an object with `.call(fn, *args)`.

A backend is any object with
    name: str                     # how users choose it
    pipeline: tuple[str, ...]     # ts-opt passes that bring a specialized ts module to its level
    compile(module) -> executable # executable.call(fn_name, *args) runs a function of the module

Built-ins are the table below (imported only when chosen); third parties add one through the
entry-point group `tsjit.backends` (name = a backend class or factory taking no arguments):

    [project.entry-points."tsjit.backends"]
    mine = "my_package.backend:MyBackend"

or at run time with `register("mine", MyBackend)`.
"""
from __future__ import annotations

import importlib
from collections.abc import Callable
from importlib.metadata import entry_points
from typing import Any, Protocol

from xdsl.dialects.builtin import ModuleOp

ENTRY_POINT_GROUP = "tsjit.backends"

#: built-in backend name -> "module:attribute" of its factory
BUILTIN: dict[str, str] = {"numpy": "tsjit.backends.registry:NumpyBackend", "c": "tsjit.backends.c:CBackend"}

#: backends registered at run time (or loaded from entry points): name -> factory
_REGISTERED: dict[str, Callable[[], Any]] = {}


class Executable(Protocol):
    def call(self, fn_name: str, *args: Any) -> Any: ...


class Backend(Protocol):
    name: str
    pipeline: tuple[str, ...]

    def compile(self, module: ModuleOp) -> Executable: ...


class NumpyBackend:
    """The reference interpreter: runs any level of the IR as it is, so it needs no lowering."""

    name = "numpy"
    pipeline: tuple[str, ...] = ()

    def compile(self, module: ModuleOp) -> Executable:
        from tsjit.backends.numpy import Program

        return Program(module)


def register(name: str, factory: Callable[[], Any]) -> None:
    """Make `backend(name)` return `factory()` (overrides a built-in or entry point of that name)."""
    _REGISTERED[name] = factory


def _entry_point_factories() -> dict[str, Any]:
    return {ep.name: ep for ep in entry_points(group=ENTRY_POINT_GROUP)}


def available() -> list[str]:
    """Every backend name that `backend()` accepts."""
    return sorted({*BUILTIN, *_REGISTERED, *_entry_point_factories()})


def backend(name: str) -> Backend:
    """A new instance of the backend called `name`."""
    factory = _REGISTERED.get(name)
    if factory is None and name in BUILTIN:
        module, attribute = BUILTIN[name].split(":")
        factory = getattr(importlib.import_module(module), attribute)
    if factory is None:
        ep = _entry_point_factories().get(name)
        if ep is None:
            raise ValueError(f"unknown backend '{name}'; available: {', '.join(available())}")
        factory = _REGISTERED[name] = ep.load()
    return factory()
