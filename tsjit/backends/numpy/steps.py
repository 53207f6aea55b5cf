"""Steps: one closure per op that reads its operand slots, calls the op's callable, stores the
results and frees the slots of values that die here.

A generic step (`for i in ins: args.append(env[i])`, then a loop over outputs and frees) costs
several times more than the op it runs on tiny tensors. So steps are specialised by shape: for
each (operand count, result count, free count, takes env) we generate once, with `exec`, a
factory whose step does exactly the loads and stores it needs:

    def factory(fn, i0, i1, o0, f0):
        def step(env):
            env[o0] = fn(env[i0], env[i1])
            env[f0] = None
        return step
"""
from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

Step = Callable[[list], None]

_FACTORIES: dict[tuple[int, int, int, bool], Callable[..., Step]] = {}
_LOCK = threading.Lock()


def make_step(fn: Callable, ins: Sequence[int], outs: Sequence[int], frees: Sequence[int],
              pass_env: bool = False) -> Step:
    """A step computing `outs = fn([env,] *ins)`, then clearing `frees`."""
    key = (len(ins), len(outs), len(frees), pass_env)
    factory = _FACTORIES.get(key)
    if factory is None:
        with _LOCK:
            factory = _FACTORIES.setdefault(key, _build_factory(*key))
    return factory(fn, *ins, *outs, *frees)


def make_free_step(frees: Sequence[int]) -> Step:
    """A step that only clears slots (after an op that has no step of its own)."""
    return make_step(_nothing, (), (), frees)


def _nothing() -> None:
    return None


def _build_factory(n_in: int, n_out: int, n_free: int, pass_env: bool) -> Callable[..., Step]:
    ins = [f"i{k}" for k in range(n_in)]
    outs = [f"o{k}" for k in range(n_out)]
    frees = [f"f{k}" for k in range(n_free)]
    args = (["env"] if pass_env else []) + [f"env[{i}]" for i in ins]
    call = f"fn({', '.join(args)})"
    if n_out == 1:
        call = f"env[{outs[0]}] = {call}"
    elif n_out > 1:
        call = f"{', '.join(f'env[{o}]' for o in outs)} = {call}"
    lines = [call] + [f"env[{f}] = None" for f in frees]
    source = (f"def factory(fn, {', '.join(ins + outs + frees)}):\n"
              f"    def step(env):\n"
              + "".join(f"        {line}\n" for line in lines)
              + "    return step\n")
    namespace: dict = {"__name__": __name__}  # its frames are tsjit's (user_warnings skips them)
    exec(compile(source, f"<step {n_in}-{n_out}-{n_free}{'-env' if pass_env else ''}>", "exec"), namespace)
    return namespace["factory"]
