"""The text of an export's files besides the rendered source (see export.py): the loader glue
appended to model.c, model.h, demo.c, the Makefile and the README. Plain templates, filled from
the entry functions' descriptions, so what a file contains can be read here in one place."""
from __future__ import annotations

import os
import shlex

GLUE = r"""
/* ---- tsjit export glue: weights loading (format: README.md) and thread control ---- */
#include <stdio.h>

static int ts_take(const unsigned char *buf, int64_t size, int64_t *pos, void *out, int64_t n) {
    if (*pos < 0 || n < 0 || *pos + n > size) return 0;
    memcpy(out, buf + *pos, (size_t)n);
    *pos += n;
    return 1;
}

static int ts_fail(const char *path, const char *why, FILE *f, unsigned char *buf, char *filled) {
    fprintf(stderr, "ts_model_init: %s: %s\n", path, why);
    if (f) fclose(f);
    free(buf);
    free(filled);
    return 1;
}

/* Reads the weights file into ts_weights; 0 on success, else prints why and returns 1. Each
   tensor is read straight into its array, so loading needs no second copy of the weights. */
int ts_model_init(const char *weights_path) {
    const uint32_t probe = 1;
    if (*(const unsigned char *)&probe != 1) { fprintf(stderr, "ts_model_init: big-endian host\n"); return 1; }
    FILE *f = fopen(weights_path, "rb");
    if (!f) { perror(weights_path); return 1; }
    fseek(f, 0, SEEK_END);
    int64_t size = ftell(f);
    fseek(f, 0, SEEK_SET);
    unsigned char head[24];
    int64_t pos = 0;
    char magic[8];
    uint32_t version, count;
    uint64_t data_start;
    if (size < 24 || fread(head, 1, 24, f) != 24 || !ts_take(head, 24, &pos, magic, 8)
        || memcmp(magic, "TSJITWB", 8) != 0)
        return ts_fail(weights_path, "not a tsjit weights file", f, NULL, NULL);
    if (!ts_take(head, 24, &pos, &version, 4) || version != 1)
        return ts_fail(weights_path, "unsupported weights format version", f, NULL, NULL);
    if (!ts_take(head, 24, &pos, &count, 4) || !ts_take(head, 24, &pos, &data_start, 8))
        return ts_fail(weights_path, "truncated header", f, NULL, NULL);
    if (data_start > (uint64_t)size || data_start < 24)
        return ts_fail(weights_path, "data_start lies past the end of the file", f, NULL, NULL);
    unsigned char *buf = malloc((size_t)data_start);  /* the header and the table of tensors */
    char *filled = calloc((size_t)ts_num_weights + 1, 1);
    fseek(f, 0, SEEK_SET);
    if (!buf || !filled || fread(buf, 1, (size_t)data_start, f) != (size_t)data_start)
        return ts_fail(weights_path, "cannot read", f, buf, filled);
    for (uint32_t e = 0; e < count; ++e) {
        uint32_t name_len, dtype, ndim;
        char name[256];
        int64_t dims[64];
        uint64_t offset, nbytes;
        if (!ts_take(buf, (int64_t)data_start, &pos, &name_len, 4) || name_len >= sizeof name
            || !ts_take(buf, (int64_t)data_start, &pos, name, name_len)
            || !ts_take(buf, (int64_t)data_start, &pos, &dtype, 4) || !ts_take(buf, (int64_t)data_start, &pos, &ndim, 4)
            || ndim > 64 || !ts_take(buf, (int64_t)data_start, &pos, dims, 8 * (int64_t)ndim)
            || !ts_take(buf, (int64_t)data_start, &pos, &offset, 8)
            || !ts_take(buf, (int64_t)data_start, &pos, &nbytes, 8)
            || offset < data_start || offset > (uint64_t)size || nbytes > (uint64_t)size - offset)
            return ts_fail(weights_path, "bad tensor entry", f, buf, filled);
        name[name_len] = 0;
        int64_t k = 0;
        while (k < ts_num_weights && strcmp(ts_weights[k].name, name) != 0) ++k;
        if (k == ts_num_weights) {
            fprintf(stderr, "ts_model_init: %s: unknown weight '%s'\n", weights_path, name);
            return ts_fail(weights_path, "the file does not belong to this model", f, buf, filled);
        }
        const ts_weight_t *w = &ts_weights[k];
        int same_shape = ndim == w->ndim;
        for (uint32_t d = 0; same_shape && d < ndim; ++d) same_shape = dims[d] == w->dims[d];
        if (filled[k] || dtype != w->dtype || !same_shape || (int64_t)nbytes != w->bytes) {
            fprintf(stderr, "ts_model_init: %s: weight '%s': %s\n", weights_path, name,
                    filled[k] ? "listed twice" : dtype != w->dtype ? "wrong dtype" : !same_shape ? "wrong shape"
                    : "wrong byte count");
            return ts_fail(weights_path, "the file does not belong to this model", f, buf, filled);
        }
        if (fseek(f, (long)offset, SEEK_SET) != 0 || fread(w->data, 1, (size_t)nbytes, f) != (size_t)nbytes)
            return ts_fail(weights_path, "cannot read", f, buf, filled);
        filled[k] = 1;
    }
    for (int64_t k = 0; k < ts_num_weights; ++k)
        if (!filled[k]) {
            fprintf(stderr, "ts_model_init: %s: weight '%s' missing\n", weights_path, ts_weights[k].name);
            return ts_fail(weights_path, "the file does not belong to this model", f, buf, filled);
        }
    fclose(f);
    free(buf);
    free(filled);
    return 0;
}

/* OpenMP threads used by the entry functions (no effect without OpenMP). */
void ts_model_set_num_threads(int n) { ts_set_num_threads(n); }
"""


def _dims(shape) -> str:
    return "".join(f"[{d}]" for d in shape) if shape else "[1] (0-d)"


def _param(arg) -> str:
    return f"{arg.ctype} *TS_RESTRICT {arg.name}" if arg.shape is not None else f"{arg.ctype} {arg.name}"


def _describe(arg) -> str:
    if arg.shape is None:
        return f"{arg.name}: {arg.ctype} scalar, by value"
    role = "output (written)" if arg.written else "input"
    bits = f" ({arg.dtype.name} bit patterns)" if arg.dtype.name in ("float16", "bfloat16") else ""
    return f"{arg.name}: {role} {arg.ctype}{_dims(arg.shape)}{bits}"


def header_source(entries, main, marker: str) -> str:
    lines = [f"/* model.h: {marker}. Arrays are C-contiguous and must not overlap. */",
             "#ifndef TSJIT_MODEL_H", "#define TSJIT_MODEL_H", "#include <stdbool.h>", "#include <stdint.h>",
             "#ifdef __cplusplus", 'extern "C" {', "#define TS_RESTRICT __restrict", "#else",
             "#define TS_RESTRICT restrict", "#endif", "",
             "/* Load weights.bin into the model; call once before any entry function.",
             "   0 on success; otherwise prints why to stderr and returns non-zero. */",
             "int ts_model_init(const char *weights_path);", "",
             "/* OpenMP threads used by the entry functions (no effect when built without OpenMP). */",
             "void ts_model_set_num_threads(int n);", "",
             "/* The error the last entry call reported (a singular matrix, ...), cleared; NULL if none. */",
             "const char *ts_model_error(void);", ""]
    for e in entries:
        lines.append(f"/* {e.ir_name}")
        lines += [f" *   {_describe(a)}" for a in e.args]
        lines.append(" */")
        lines.append(f"void {e.c_name}({', '.join(_param(a) for a in e.args) or 'void'});")
        lines.append("")
    lines += [f"/* the main entry function (what demo.c runs): {main.ir_name} */",
              f"#define ts_model_main {main.c_name}", "", "#ifdef __cplusplus", "}", "#endif", "#endif", ""]
    return "\n".join(lines)


def glue_source(errors: dict[int, Exception], templates: dict[int, int] | None = None) -> str:
    """GLUE, and `ts_model_error`: the message of the error the last call reported (`errors`: code ->
    the exception of each of the model's run-time checks, tsjit/lowering/run_time_errors.py), or NULL;
    `templates`: code -> how many values the message takes (formatted into a static buffer)."""
    templates = templates or {}
    cases = "".join(f"\n    case INT64_C({code}): "
                    + (_formatting(str(error), templates[code]) if code in templates else
                       f"return {_c_string(str(error))};")
                    for code, error in sorted(errors.items()))
    body = ("    switch (tsjit_take_error()) {\n    case 0: return NULL;" + cases +
            '\n    default: return "an error in compiled code";\n    }') if errors else "    return NULL;"
    buffer = "\nstatic char ts_error_text[512];\n" if templates else ""
    return GLUE + buffer + "\nconst char *ts_model_error(void) {\n" + body + "\n}\n"


def _formatting(message: str, count: int) -> str:
    """C statements returning `message` with its {0} and {1} replaced by the reported values."""
    text, order = message.replace("%", "%%"), []
    while True:
        at = [(text.find(f"{{{k}}}"), k) for k in range(count) if f"{{{k}}}" in text]
        if not at:
            break
        pos, k = min(at)
        text = text[:pos] + "%lld" + text[pos + len(f"{{{k}}}"):]
        order.append(k)
    values = "".join(f", (long long)tsjit_error_value({k})" for k in order)
    return f"snprintf(ts_error_text, sizeof ts_error_text, {_c_string(text)}{values}); return ts_error_text;"


def _c_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'



#: npy descr of a dtype (what demo.c accepts in .npy headers)
def _npy_descr(dtype) -> str:
    return dtype.newbyteorder("<").str if dtype.itemsize > 1 else dtype.str


DEMO = r"""/* demo.c: generated by tsjit.export_c. Runs %(main)s once per rep.
   usage: demo [-w WEIGHTS (default: weights.bin beside demo)] [-r REPS] [-t THREADS] [-o PREFIX] [INPUT ...]
   INPUT: per input array a raw little-endian file (.bin) or a .npy file of exactly its size
   (per scalar input, a number); no INPUT: deterministic inputs. Output i goes to PREFIXi.bin
   (raw; default prefix "out"); prints a checksum per output, the time per call and the peak
   resident set. */
#include "model.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

typedef struct { const char *name, *ctype, *descr, *dims; int written, is_array, is_float; size_t count, elem; } arg_t;
static const arg_t ARGS[] = {
%(args)s
};
enum { NARGS = %(nargs)d };

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Fills an array from a .bin/.npy file; exits with a message when the size or dtype is wrong. */
static void read_input(const char *path, const arg_t *a, void *dst) {
    FILE *f = fopen(path, "rb");
    if (!f) { perror(path); exit(2); }
    fseek(f, 0, SEEK_END);
    long size = ftell(f), start = 0;
    fseek(f, 0, SEEK_SET);
    unsigned char head[12] = {0};
    size_t got = fread(head, 1, sizeof head, f);
    if (got >= 10 && memcmp(head, "\x93NUMPY", 6) == 0) {
        long hlen = head[6] == 1 ? head[8] | head[9] << 8 : head[8] | head[9] << 8 | (long)head[10] << 16 | (long)head[11] << 24;
        start = (head[6] == 1 ? 10 : 12) + hlen;
        char *text = calloc((size_t)hlen + 1, 1);
        fseek(f, start - hlen, SEEK_SET);
        if (fread(text, 1, (size_t)hlen, f) != (size_t)hlen || !strstr(text, a->descr) || strstr(text, "True")) {
            fprintf(stderr, "demo: %%s: expected a C-order .npy of dtype %%s for %%s\n", path, a->descr, a->name);
            exit(2);
        }
        free(text);
    }
    if (size - start != (long)(a->count * a->elem)) {
        fprintf(stderr, "demo: %%s: %%ld data bytes, expected %%zu for %%s %%s%%s\n", path, size - start,
                a->count * a->elem, a->name, a->ctype, a->dims);
        exit(2);
    }
    fseek(f, start, SEEK_SET);
    if (fread(dst, a->elem, a->count, f) != a->count) { perror(path); exit(2); }
    fclose(f);
}

/* Deterministic inputs: a 32-bit LCG, floats in [-1, 1), integers in [0, 10), bools alternating. */
static void generate(const arg_t *a, void *dst, uint32_t seed) {
    for (size_t i = 0; i < a->count; ++i) {
        seed = seed * 1664525u + 1013904223u;
        double u = (seed >> 8) / 16777216.0;
        %(generate)s
    }
}

static void checksum(const arg_t *a, const void *data, double *sum, double *abs_sum) {
    *sum = *abs_sum = 0;
    for (size_t i = 0; i < a->count; ++i) {
        double v = 0;
        %(load)s
        *sum += v;
        *abs_sum += v < 0 ? -v : v;
    }
}

int main(int argc, char **argv) {
    const char *weights = NULL, *prefix = "out";
    int reps = 10, threads = 0, ninputs = 0;
    const char *inputs[NARGS + 1];
    for (int i = 1; i < argc; ++i) {
        if (!strcmp(argv[i], "-w") && i + 1 < argc) weights = argv[++i];
        else if (!strcmp(argv[i], "-r") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-t") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) prefix = argv[++i];
        else if (argv[i][0] == '-' && argv[i][1] && (argv[i][1] < '0' || argv[i][1] > '9')) {
            fprintf(stderr, "usage: %%s [-w WEIGHTS] [-r REPS] [-t THREADS] [-o PREFIX] [INPUT ...]\n", argv[0]);
            return 2;
        } else if (ninputs < NARGS) inputs[ninputs++] = argv[i];
        else { fprintf(stderr, "demo: too many inputs\n"); return 2; }
    }
    int expected = 0;
    for (int k = 0; k < NARGS; ++k) expected += !ARGS[k].written;
    if (ninputs != 0 && ninputs != expected) {
        fprintf(stderr, "demo: %%d inputs given, the model takes %%d\n", ninputs, expected);
        return 2;
    }
    char beside[4096];  /* default: weights.bin next to the executable */
    const char *slash = strrchr(argv[0], '/');
    snprintf(beside, sizeof beside, "%%.*sweights.bin", slash ? (int)(slash - argv[0] + 1) : 0, argv[0]);
    if (ts_model_init(weights ? weights : beside) != 0) return 1;
    if (threads > 0) ts_model_set_num_threads(threads);
    void *buf[NARGS + 1];
    double scalar[NARGS + 1];
    for (int k = 0, in = 0; k < NARGS; ++k) {
        buf[k] = calloc(ARGS[k].count, ARGS[k].elem);
        scalar[k] = 0;
        if (ARGS[k].written) continue;
        if (!ARGS[k].is_array) scalar[k] = ninputs ? atof(inputs[in++]) : 1;
        else if (ninputs) read_input(inputs[in++], &ARGS[k], buf[k]);
        else generate(&ARGS[k], buf[k], 12345u + 7919u * (uint32_t)k);
    }
    if (reps < 1) reps = 1;
    double *ms = malloc(sizeof(double) * (size_t)reps);
    const char *error;
    %(call)s /* warm-up */
    for (int r = 0; r < reps; ++r) {
        double t0 = now_ms();
        %(call)s
        ms[r] = now_ms() - t0;
    }
    qsort(ms, (size_t)reps, sizeof(double), cmp_double);
    for (int k = 0, out = 0; k < NARGS; ++k) {
        if (!ARGS[k].written) continue;
        char path[4096];
        snprintf(path, sizeof path, "%%s%%d.bin", prefix, out);
        FILE *f = fopen(path, "wb");
        if (!f || fwrite(buf[k], ARGS[k].elem, ARGS[k].count, f) != ARGS[k].count) { perror(path); return 1; }
        fclose(f);
        double sum, abs_sum;
        checksum(&ARGS[k], buf[k], &sum, &abs_sum);
        printf("output %%d %%s%%s -> %%s: checksum sum=%%.9g abs_sum=%%.9g\n", out++, ARGS[k].ctype, ARGS[k].dims,
               path, sum, abs_sum);
    }
    printf("time per call: median %%.4f ms, min %%.4f ms over %%d reps\n", ms[reps / 2], ms[0], reps);
    struct rusage usage;  /* Linux keeps the exec-ing process's peak across execve: run from a shell */
    if (getrusage(RUSAGE_SELF, &usage) == 0) printf("peak resident set: %%ld KB\n", (long)usage.ru_maxrss);
    return 0;
}
"""

#: C element type -> (store expression for a generated value, load expression for the checksum)
_GEN = {"float": "((float *)dst)[i] = (float)(2 * u - 1);", "double": "((double *)dst)[i] = 2 * u - 1;",
        "bool": "((bool *)dst)[i] = i % 2;"}


def demo_source(main) -> str:
    rows, ctypes = [], sorted({a.ctype for a in main.args})
    for a in main.args:
        count = 1
        for d in a.shape or ():
            count *= d
        rows.append(f'    {{"{a.name}", "{a.ctype}", "{_npy_descr(a.dtype)}", "{_dims(a.shape or ())}", '
                    f"{int(a.written)}, {int(a.shape is not None)}, {int(a.ctype in ('float', 'double'))}, "
                    f"{count}, sizeof({a.ctype})}},")
    generate = " else ".join(
        f'if (!strcmp(a->ctype, "{t}")) {_GEN.get(t, f"(({t} *)dst)[i] = ({t})(u * 10);")}' for t in ctypes)
    load = " else ".join(f'if (!strcmp(a->ctype, "{t}")) v = (double)((const {t} *)data)[i];' for t in ctypes)
    args = ", ".join(f"({a.ctype} *)buf[{k}]" if a.shape is not None else f"({a.ctype})scalar[{k}]"
                     for k, a in enumerate(main.args))
    call = (f"{main.c_name}({args}); if ((error = ts_model_error()) != NULL) "
            '{ fprintf(stderr, "demo: %s\\n", error); return 1; }')
    return DEMO % {"main": main.ir_name, "args": "\n".join(rows) or "    {0}", "nargs": len(main.args),
                   "generate": generate or "(void)u;", "load": load or "(void)data;", "call": call}


def blas_variables() -> dict[str, str]:
    """BLAS_CFLAGS / BLAS_LIBS as the C backend builds (blas.py: scipy-openblas32 when installed and
    not TSJIT_BLAS=none); empty otherwise, and the run-time functions use their portable C GEMM."""
    from tsjit.backends.c import blas

    found = blas.openblas()
    if found is None:
        return {"BLAS_CFLAGS": "", "BLAS_LIBS": ""}
    return {"BLAS_CFLAGS": shlex.join(blas.compile_flags(found)), "BLAS_LIBS": shlex.join(blas.link_flags(found))}


def _blas_note(uses_blas: bool, blas: dict[str, str], lapack: bool = False) -> str:
    if not uses_blas:
        return "not used by this model"
    if lapack:
        return "scipy-openblas32 as found at export time; required (the model calls LAPACK)"
    if blas["BLAS_LIBS"]:
        return "scipy-openblas32 as found at export time (empty both: the portable C GEMM)"
    return "none found at export time: the portable C GEMM (set both to -DTSJIT_USE_CBLAS -I.. / -L.. -l..)"


def makefile(uses_blas: bool, lapack: bool = False) -> str:
    from tsjit.backends.c.build import default_flags

    blas = blas_variables() if uses_blas else {"BLAS_CFLAGS": "", "BLAS_LIBS": ""}
    cflags = os.environ["CFLAGS"] if "CFLAGS" in os.environ else shlex.join(default_flags())
    return f"""# Makefile: generated by tsjit.export_c. Needs only a C compiler (and BLAS when BLAS_LIBS is set).
#   make                      libmodel.so, libmodel.a and demo
#   make run                  ./demo with deterministic inputs
#   make CC=clang CFLAGS=-O2  other compiler/flags; OPENMP= builds without OpenMP
CFLAGS ?= {cflags}
OPENMP ?= $(shell printf 'int main(void){{return 0;}}' | $(CC) -fopenmp -x c - -o /dev/null 2>/dev/null && echo -fopenmp)
# BLAS: {_blas_note(uses_blas, blas, lapack)}
BLAS_CFLAGS ?= {blas['BLAS_CFLAGS']}
BLAS_LIBS ?= {blas['BLAS_LIBS']}
ALL_CFLAGS = -std=gnu11 $(CFLAGS) $(OPENMP) $(BLAS_CFLAGS)

all: libmodel.so libmodel.a demo

model.o: model.c model.h
\t$(CC) $(ALL_CFLAGS) -fPIC -c model.c -o $@

libmodel.so: model.o
\t$(CC) $(CFLAGS) $(OPENMP) -shared model.o -o $@ $(BLAS_LIBS) -lm

libmodel.a: model.o
\t$(AR) rcs $@ model.o

demo: demo.c model.h libmodel.a
\t$(CC) $(ALL_CFLAGS) demo.c libmodel.a -o $@ $(BLAS_LIBS) -lm

run: demo
\t./demo

clean:
\trm -f model.o libmodel.so libmodel.a demo out*.bin

.PHONY: all run clean
"""


def _blas_needs(uses_blas: bool, lapack: bool) -> str:
    return ", + LAPACK from scipy-openblas32 (required)" if lapack else ", + BLAS (sgemm)" if uses_blas else ""


def readme(entries, main, weight_names, uses_blas: bool, lapack: bool = False) -> str:
    funcs = "\n".join(f"- `{e.c_name}` ({e.ir_name}): " + "; ".join(_describe(a) for a in e.args) for e in entries)
    return f"""# A model exported by tsjit.export_c

Plain C99 (+ optional OpenMP{_blas_needs(uses_blas, lapack)}); no Python needed.

    make                 # libmodel.so, libmodel.a, demo (CC, CFLAGS, OPENMP, BLAS_CFLAGS, BLAS_LIBS overridable)
    ./demo               # deterministic inputs; prints checksums and the time per call
    ./demo x.npy         # or raw little-endian .bin files, one per input array; outputs go to out0.bin, ...

## Calling it

```c
#include "model.h"
if (ts_model_init("weights.bin") != 0) return 1;   /* once */
{main.c_name}(...);   /* also: ts_model_main(...) */
```

Arrays are C-contiguous, of exactly the shapes below, and must not overlap; outputs are written
in place. Entry functions (model.h has the prototypes):

{funcs}

## weights.bin ({len(weight_names)} tensors)

Little-endian: `char magic[8] = "TSJITWB\\0"`, `u32 version = 1`, `u32 count`, `u64 data_start`;
then per tensor `u32 name_len`, the name's bytes, `u32 dtype` (1 f32, 2 f64, 3 i64, 4 i32, 5 i16,
6 i8, 7 u8, 8 bool, 9 f16, 10 bf16), `u32 ndim`, `i64 dims[ndim]`, `u64 offset`, `u64 nbytes`. Each tensor's data
is in C order at its offset, a multiple of 64. `ts_model_init` fills the `ts_weights` table of
model.c by name and checks every size; small constants (16 elements or fewer) stay in model.c.
"""
