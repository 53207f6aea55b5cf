"""C run-time error reporting, for conditions only the data decides (tsjit/lowering/run_time_errors.py).

    void tsjit_fail(int64_t code);       /* report an error; the first one of a call is kept */
    void tsjit_fail_with(int64_t code, int64_t a, int64_t b);  /* one with two values for its message */
    int64_t tsjit_take_error(void);      /* the code kept (0: none), cleared */
    int64_t tsjit_error_value(int64_t k);  /* value k (0 or 1) the kept report carried */

Threads of an OpenMP loop may report at once: the first code stored wins (an atomic compare and swap).
"""
from __future__ import annotations

ERRORS = r"""
static int64_t tsjit_error_code = 0;
static int64_t tsjit_error_values[2];

void tsjit_fail(int64_t code) {
    int64_t none = 0;
    __atomic_compare_exchange_n(&tsjit_error_code, &none, code, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED);
}

int64_t tsjit_error_value(int64_t k) { return tsjit_error_values[k & 1]; }

int64_t tsjit_take_error(void) { return __atomic_exchange_n(&tsjit_error_code, 0, __ATOMIC_RELAXED); }
"""

WITH_VALUES = r"""
void tsjit_fail_with(int64_t code, int64_t a, int64_t b) {
    int64_t none = 0;
    if (__atomic_compare_exchange_n(&tsjit_error_code, &none, code, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED)) {
        tsjit_error_values[0] = a;
        tsjit_error_values[1] = b;
    }
}
"""

SOURCES = {"tsjit_fail": (ERRORS, ()), "tsjit_fail_with": (WITH_VALUES, ("tsjit_fail",))}
