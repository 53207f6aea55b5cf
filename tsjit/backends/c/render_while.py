"""`scf.while` in C: the carried values are variables, the before region runs at the top of an
endless loop and its `scf.condition` breaks out of it.

    T b0 = init0;                 // the before region's arguments
    T r0;                         // the results, which are also the after region's arguments
    for (;;) {
        ... before region ...
        r0 = forwarded0;
        if (!cond) break;
        ... after region ...
        b0 = yielded0;            // scf.yield, through temporaries (render._yield)
    }
"""
from __future__ import annotations

from tsjit.backends.c.render_tables import c_type


def render_while(r, op) -> None:
    before, after = op.before_region.block, op.after_region.block
    carried = [r.define(arg) for arg in before.args]
    for arg, init in zip(before.args, op.arguments):
        r.emit(f"{c_type(arg.type)} {r.name(arg)} = {r.name(init)};")
    results = [r.define(res) for res in op.results]
    for res in op.results:
        r.emit(f"{c_type(res.type)} {r.name(res)};")
    for arg, res in zip(after.args, results):
        r.define(arg, res)
    r.emit("for (;;) {")
    r._yield_targets.append(results)  # scf.condition forwards into the results
    r.block(before)
    r._yield_targets[-1] = carried     # scf.yield of the after region sets the next iteration's
    r.block(after)
    r._yield_targets.pop()
    r.emit("}")


def render_condition(r, op) -> None:
    for target, value in zip(r._yield_targets[-1], op.args):
        r.emit(f"{target} = {r.name(value)};")
    r.emit(f"if (!{r.name(op.condition)}) break;")
