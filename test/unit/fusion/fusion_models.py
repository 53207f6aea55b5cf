"""Scripted functions for the fusion tests (script needs their source in a file)."""
from typing import List

import tsjit as torch


def mixed(x, y, names: List[str], tag: str):
    """A Python list, a string and a data-dependent `if` around fusible tensor code."""
    a = torch.relu(x * y + 1.0)
    b = torch.sigmoid(a) * a
    out = [b]
    if bool(b.sum() > 0.5):
        c = torch.tanh(b) + x
        out.append(c - 2.0)
    else:
        out.append(b * 3.0)
    if tag == "double":
        out.append(b + b)
    names.append(tag)
    return out


def chain(x):
    return torch.sigmoid(x * 2.0 + 1.0).tanh()


def strict_ok(x):
    a = x * 2.0
    with torch.jit.strict_fusion():
        y = torch.sigmoid(a + 1.0)
    return y.tanh()


def strict_bad(x):
    with torch.jit.strict_fusion():
        y = x.relu() + 1
        z = y.sum().item()
    return y * z


def in_place(x):
    a = x * 2.0
    b = a + 1.0
    a.add_(1.0)
    return b.relu() * a
