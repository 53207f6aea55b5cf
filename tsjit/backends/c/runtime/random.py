"""C run-time random numbers: one 31-bit seed per random op per call, for the op's counter-based hash.

    int64_t tsjit_rng_next(void);      /* a seed in [0, 2^31 - 1) */
    void tsjit_rng_seed(uint64_t s);   /* restart the sequence (tsjit sets it before every call) */

A random op's lowering (tsjit/lowering/random.py) calls `tsjit_rng_next` once and draws the value
at element i as a pure function of (seed, i), so the elements compute in any order, on any thread.
The state is splitmix64 (Steele, Lea & Flood, 2014): the seeds of successive ops are independent.
"""
from __future__ import annotations

RNG = r"""
static uint64_t tsjit_rng_state = 0x853C49E6748FEA9Bu;

void tsjit_rng_seed(uint64_t s) { tsjit_rng_state = s; }

int64_t tsjit_rng_next(void) {
    uint64_t z = (tsjit_rng_state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return (int64_t)((z ^ (z >> 31)) % 2147483647u);
}
"""

SOURCES = {"tsjit_rng_next": (RNG, ())}
