"""Seeded random TorchScript programs over two [4, 8] float32 tensors, for compile-isolation tests.

Each program is the source of one function `def <name>(x, y)` of 3-6 statements drawn from a few
kinds of op: elementwise arithmetic and activations (which lower to C), row reductions broadcast
back, softmax, and ops the C backend leaves to numpy (the max of a data-dependent nonzero, times
zero), so some programs compile wholly to C and some around fusion groups.
"""
from __future__ import annotations

import random

UNARY = ["torch.relu({a})", "torch.sigmoid({a})", "torch.tanh({a})", "torch.exp({a} * 0.1)", "{a} * 0.5 + 1.0",
         "torch.softmax({a}, -1)", "{a} - {a}.mean(1, keepdim=True)", "{a}.sum(1, keepdim=True) + {a}",
         "torch.abs({a})", "torch.clamp({a}, -1.0, 1.0)"]
BINARY = ["{a} + {b}", "{a} * {b}", "{a} - {b}", "torch.maximum({a}, {b})", "torch.where({a} > {b}, {a}, {b})"]
NUMPY_ONLY = ["torch.nonzero({a} > -1e30).amax() * 0.0 + {a}", "{a} * 0.5 + torch.nonzero(torch.sigmoid({a}) > -1.0).amax() * 0.0"]


def program(seed: int, name: str) -> str:
    rng = random.Random(seed)
    values = ["x", "y"]
    lines = [f"def {name}(x, y):"]
    for i in range(rng.randint(3, 6)):
        kind = rng.random()
        a, b = rng.choice(values), rng.choice(values)
        if kind < 0.1:
            expr = rng.choice(NUMPY_ONLY).format(a=a)
        elif kind < 0.55:
            expr = rng.choice(UNARY).format(a=a)
        else:
            expr = rng.choice(BINARY).format(a=a, b=b)
        lines.append(f"    v{i} = {expr}")
        values.append(f"v{i}")
    lines.append(f"    return {values[-1]}")
    return "\n".join(lines) + "\n"
