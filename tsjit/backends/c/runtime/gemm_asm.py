"""The float32 GEMM micro-kernels of gemm_kernel.py for R x 32 blocks (R = 1..12), in x86-64 inline
assembly for AVX-512 (GCC and Clang): `tsjit_sgk_R_1`, with the signature and results of the C
vector-extension kernels they replace there.

Why assembly: gcc's register allocation of the C kernel rotates accumulators through extra moves on
the FMA ports, and it cannot be told where to prefetch relative to the loop's own pointers. Here
the registers are fixed, as in MLAS and BLIS kernels: zmm0-zmm1 a row of B's 32-column panel,
zmm2-zmm7 broadcasts of A (rotating, so consecutive rows do not wait on each other), zmm8-zmm31 the
2R accumulators. Rows of A are addressed from four base pointers (rows 0, 3, 6, 9) plus 0, 1 or 2
row strides, so one add per base advances them all; B is prefetched four rows ahead into L1.
Each element is still one FMA chain over the depth in order (the same results as the C kernel).
The block goes to a 64-byte aligned R x 32 buffer; C is then written (or accumulated) from it in C.
"""
from __future__ import annotations

from tsjit.lowering.packed_weights import NR

ROWS = 12
"""rows of the largest block (2 * ROWS accumulators + 2 B + 6 broadcast registers = 32 zmm)"""
assert NR == 32, "the kernels hold a row of B's panel in two zmm registers"


def _acc(r: int, q: int) -> int:
    return 8 + 2 * r + q


def _step(rows: int, second: bool) -> list[str]:
    """One depth step: a row of B (the next row when `second`), prefetch, and 2 * rows FMAs."""
    b = "%[b],%[bs],1" if second else "%[b]"
    pf = "%[pf],%[bs],1" if second else "%[pf]"
    lines = [f"prefetcht0 ({pf})", f"prefetcht0 64({pf})", f"vmovups ({b}), %%zmm0", f"vmovups 64({b}), %%zmm1"]
    for r in range(rows):
        base, step = divmod(r, 3)
        address = ("(%[a{0}])", "(%[a{0}],%[ld],1)", "(%[a{0}],%[ld],2)")[step].format(base)
        t = 2 + r % 6
        lines += [f"vbroadcastss {'4' if second else ''}{address}, %%zmm{t}",
                  f"vfmadd231ps %%zmm0, %%zmm{t}, %%zmm{_acc(r, 0)}",
                  f"vfmadd231ps %%zmm1, %%zmm{t}, %%zmm{_acc(r, 1)}"]
    return lines


def asm_kernel(rows: int) -> str:
    """`tsjit_sgk_asm_<rows>(kc, a, lda, b, bs, out)`: out[r][0:32] = sum_p a[r * lda + p] * b[p * bs + 0:32].
    The depth loop takes two steps per iteration (half the pointer updates), then an odd last one."""
    bases = (rows + 2) // 3
    lines = [f"vpxord %%zmm{_acc(r, q)}, %%zmm{_acc(r, q)}, %%zmm{_acc(r, q)}" for r in range(rows) for q in range(2)]
    lines += ["test %[k], %[k]", "jz 3f", ".p2align 4", "1:", *_step(rows, False), *_step(rows, True)]
    lines += [f"add $8, %[a{j}]" for j in range(bases)]
    lines += ["lea (%[b],%[bs],2), %[b]", "lea (%[pf],%[bs],2), %[pf]", "dec %[k]", "jnz 1b", "3:",
              "test %[odd], %[odd]", "jz 2f", *_step(rows, False), "2:"]
    lines += [f"vmovaps %%zmm{_acc(r, q)}, {128 * r + 64 * q}(%[out])" for r in range(rows) for q in range(2)]
    body = "\n".join(f'        "{line}\\n\\t"' for line in lines)
    outputs = ", ".join([*(f'[a{j}] "+r"(a{j})' for j in range(bases)), '[b] "+r"(b)', '[pf] "+r"(pf)',
                         '[k] "+r"(pairs)'])
    clobbers = ", ".join(f'"xmm{i}"' for i in range(32))
    pointers = "".join(f"    const float *a{j} = a + {3 * j} * lda;\n" for j in range(bases))
    return f"""static void tsjit_sgk_asm_{rows}(int64_t kc, const float *a, int64_t lda, const float *b, int64_t bs,
                              float *out) {{
{pointers}    const float *pf = b + 4 * bs;
    int64_t ld = lda * 4, pairs = kc >> 1, odd = kc & 1;
    bs *= 4;
    __asm__ volatile(
{body}
        : {outputs}
        : [ld] "r"(ld), [bs] "r"(bs), [odd] "r"(odd), [out] "r"(out)
        : {clobbers}, "memory", "cc");
}}
"""


WRITE_BACK = r"""
/* tsjit_sgk_R_1 on the assembly kernel: the R x 32 block, then C written or accumulated */
#define TSJIT_SGK_ROWS(R)                                                                                    \
static void tsjit_sgk_##R##_1(int64_t kc, const float *restrict a, int64_t lda, const float *restrict b,    \
                              int64_t bs, int64_t ps, float *restrict c, int64_t ldc, int acc, int64_t cols) { \
    (void)ps;                                                                                                \
    float t[R * TSJIT_SGK_NR] __attribute__((aligned(64)));                                                  \
    tsjit_sgk_asm_##R(kc, a, lda, b, bs, t);                                                                 \
    for (int r = 0; r < R; ++r) {                                                                            \
        float *d = c + r * ldc;                                                                              \
        const float *s = t + r * TSJIT_SGK_NR;                                                               \
        if (cols >= TSJIT_SGK_NR) {                                                                          \
            tsjit_v16 *d0 = (tsjit_v16 *)d, *d1 = (tsjit_v16 *)(d + 16);                                     \
            tsjit_v16 s0 = *(const tsjit_v16 *)s, s1 = *(const tsjit_v16 *)(s + 16);                         \
            if (acc) { *d0 += s0; *d1 += s1; } else { *d0 = s0; *d1 = s1; }                                  \
        } else                                                                                               \
            for (int64_t j = 0; j < cols; ++j) d[j] = acc ? d[j] + s[j] : s[j];                              \
    }                                                                                                        \
}
"""

SOURCE = "".join(asm_kernel(r) for r in range(1, ROWS + 1)) + WRITE_BACK
"""the kernels and TSJIT_SGK_ROWS, for gemm_kernel.py's x86-64 AVX-512 branch"""
