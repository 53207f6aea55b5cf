"""`tsjit.nn`: PyTorch-compatible modules on tsjit tensors (`import tsjit.nn as nn`).

Module forwards are written in the TorchScript subset, as PyTorch's are, so that `tsjit.script`
can compile them from their source.
"""
from tsjit.nn.parameter import Parameter
from tsjit.nn import functional, init
from tsjit.nn.modules import *  # noqa: F401,F403 - the layer classes
from tsjit.nn.modules import __all__ as _modules_all

__all__ = ["Parameter", "functional", "init", *_modules_all]
