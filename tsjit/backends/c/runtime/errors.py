"""C run-time error reporting, for conditions only the data decides (tsjit/lowering/run_time_errors.py).

    void tsjit_fail(int64_t code);       /* report an error; the first one of a call is kept */
    int64_t tsjit_take_error(void);      /* the code kept (0: none), cleared */

Threads of an OpenMP loop may report at once: the first code stored wins (an atomic compare and swap).
"""
from __future__ import annotations

ERRORS = r"""
static int64_t tsjit_error_code = 0;

void tsjit_fail(int64_t code) {
    int64_t none = 0;
    __atomic_compare_exchange_n(&tsjit_error_code, &none, code, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

int64_t tsjit_take_error(void) { return __atomic_exchange_n(&tsjit_error_code, 0, __ATOMIC_RELAXED); }
"""

SOURCES = {"tsjit_fail": (ERRORS, ())}
