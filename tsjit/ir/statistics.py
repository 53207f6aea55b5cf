"""--mlir-pass-statistics: what each pass did to the IR, in MLIR's "Pass statistics report" layout.

Why these counters: MLIR's statistics are counters each pass declares (CSE's `num-cse'd`);
xDSL's passes declare none, but every pass changes operations, so the instrumentation counts
them itself: the operations before and after the pass, the ones it erased and the ones it
created (by identity, so a moved op is neither), summed over every anchor op and input chunk.
The `pipeline` display nests the rows as the pipeline does; `list` sums them by pass.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from xdsl.ir import Operation
from xdsl.passes import ModulePass

from tsjit.ir.pipeline import Instrumentation, Target

DISPLAYS = ("pipeline", "list")
COUNTERS = {
    "ops-in": "Number of operations before the pass",
    "ops-out": "Number of operations after the pass",
    "ops-erased": "Number of operations the pass erased",
    "ops-created": "Number of operations the pass created",
}
RULE = "===" + "-" * 73 + "==="


@dataclass
class Row:
    label: str
    counts: dict[str, int] | None = field(default=None)  # None: a pipeline heading


class Statistics(Instrumentation):
    """Counts operations around every pass; `report()` prints them."""

    def __init__(self, display: str = "pipeline"):
        self.display = display
        self.rows: dict[tuple[str, ...], Row] = {}
        self.pending: list[list[Operation]] = []

    @staticmethod
    def _ops(t: Target) -> list[Operation]:
        return [op for op in t.module.walk() if op is not t.module]

    def before(self, p: ModulePass, t: Target) -> None:
        self.pending.append(self._ops(t))  # kept alive, so no new op can reuse an erased op's id

    def after(self, p: ModulePass, t: Target) -> None:
        before, after = self.pending.pop(), self._ops(t)
        old, new = {id(op) for op in before}, {id(op) for op in after}
        row = self.rows.setdefault((*t.path, p.name), Row(f"{type(p).__name__} ({p.name})", dict.fromkeys(COUNTERS, 0)))
        assert row.counts is not None
        for key, n in (("ops-in", len(before)), ("ops-out", len(after)),
                       ("ops-erased", len(old - new)), ("ops-created", len(new - old))):
            row.counts[key] += n

    def timed(self, path: tuple[str, ...], seconds: float) -> None:
        if path and path[-1].endswith(" Pipeline"):  # a nest: its heading comes before its passes
            self.rows.setdefault(path, Row(path[-1]))

    def report(self) -> str:
        lines = [RULE, " " * 25 + "... Pass statistics report ...", RULE]
        if self.display == "list":
            merged: dict[str, dict[str, int]] = {}
            for row in self.rows.values():
                if row.counts is not None:
                    total = merged.setdefault(row.label, dict.fromkeys(COUNTERS, 0))
                    for key, n in row.counts.items():
                        total[key] += n
            for label, counts in merged.items():
                lines += [label, *_counters(counts, "  ")]
            return "\n".join(lines)
        for path, row in self.rows.items():
            indent = "  " * (len(path) - 1)
            lines.append(indent + row.label)
            if row.counts is not None:
                lines += _counters(row.counts, indent + "  ")
        return "\n".join(lines)


def _counters(counts: dict[str, int], indent: str) -> list[str]:
    width = max(len(str(n)) for n in counts.values())
    name_width = max(map(len, counts))
    return [f"{indent}(S) {n:>{width}} {key:<{name_width}} - {COUNTERS[key]}" for key, n in counts.items()]
