"""Variables in scope while compiling: one Scope per block, looking outward for reads.

Control flow merges scopes: an `if` yields the variables either branch assigned, a loop
carries the ones its body assigns. A scope also records whether its block has certainly
exited (return, raise, break, continue) so code after it is dead.
"""
from __future__ import annotations

from typing import Any

from xdsl.ir import Attribute


class Scope:
    def __init__(self, parent: Scope | None = None):
        self.parent = parent
        self.vars: dict[str, Any] = {}
        self.declared: dict[str, Attribute] = {}  # annotated variables keep their declared type
        self.undefined: dict[str, str] = {}  # name -> why it is not usable here
        self.exited = False  # every path through this block left it
        self.exit_kind: str | None = None  # how: "raise", "return" or "loop" (break/continue)
        self.refinements: set[str] = set()  # names only narrowed (not assigned) in this block

    def lookup(self, name: str) -> Any:
        return self.find(name)[0]

    def why_undefined(self, name: str) -> str | None:
        return self.find(name)[1]

    def find(self, name: str) -> tuple[Any, str | None]:
        """(value, None) from the nearest scope binding `name`, or (None, why it is undefined)."""
        scope: Scope | None = self
        while scope is not None:
            if name in scope.vars:
                return scope.vars[name], None
            if name in scope.undefined:
                return None, scope.undefined[name]
            scope = scope.parent
        return None, None

    def declared_type(self, name: str) -> Attribute | None:
        scope: Scope | None = self
        while scope is not None:
            if name in scope.declared:
                return scope.declared[name]
            scope = scope.parent
        return None

    def set(self, name: str, value: Any) -> None:
        self.vars[name] = value
        self.undefined.pop(name, None)
        self.refinements.discard(name)

    def leave(self, kind: str) -> None:
        self.exited, self.exit_kind = True, kind

    def reads_after(self, name: str) -> bool:
        """Whether code after this (exited) block can still read `name`: after a raise nothing
        can; after a return only the return flags; after break/continue the loop reads everything."""
        if not self.exited or self.exit_kind == "loop":
            return True
        return self.exit_kind == "return" and name.startswith("$")

    def refine(self, name: str, value: Any) -> None:
        """Narrow a variable's type here without it counting as an assignment at a merge."""
        self.set(name, value)
        self.refinements.add(name)

    def delete(self, name: str) -> None:
        self.vars.pop(name, None)
        self.undefined[name] = f"'{name}' was deleted"
