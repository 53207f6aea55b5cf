"""tsjit's numpy backend: the reference interpreter of ts-dialect IR.

    from tsjit.backends.numpy import Program
    prog = Program(module_op)
    prog.call("forward", x)

See program.py (the API), plan.py (how IR becomes steps over value slots), table.py (the
op -> implementation table that other levels extend) and ops/ (the implementations).
"""
from tsjit.backends.numpy.fork import run_inline, thread_pool_executor
from tsjit.backends.numpy.printing import ts_str
from tsjit.backends.numpy.program import Program
from tsjit.backends.numpy.table import CONSTANTS, IMPLS, register, register_constant, register_fn

__all__ = ["Program", "IMPLS", "CONSTANTS", "register", "register_fn", "register_constant",
           "run_inline", "thread_pool_executor", "ts_str"]
