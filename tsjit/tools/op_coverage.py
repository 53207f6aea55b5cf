"""How much of PyTorch's operator set tsjit covers, and which of its ops run on numpy in C.

    python -m tsjit.tools.op_coverage              # the summary, by family
    python -m tsjit.tools.op_coverage --missing    # also every aten op tsjit does not import

With PyTorch installed, every `aten::` operator in `torch._C._jit_get_all_schemas()` (overloads
counted once) is checked against what the TorchScript importer converts (its node table and the
op registry, tsjit/frontend/importers/build.py `converter_for`), grouped by tsjit's op family where
the registry names the op and by a kind read from the name otherwise (backward, in-place, fft,
sparse/quantized, internal `_` ops). Without PyTorch only the registry side is printed. The last
part lists the registry's ops that have neither a lowering nor a decomposition (they run on numpy
around C fusion groups), with the reason each definition gives.
"""
from __future__ import annotations

import argparse
import collections
import sys

_KINDS = [  # (kind, test on the aten name) for ops the registry does not name, first match wins
    ("backward", lambda n: "backward" in n),
    ("quantized / sparse / mkldnn", lambda n: any(k in n for k in ("quantiz", "sparse", "mkldnn", "_q_", "q_",
                                                                     "fbgemm", "int_mm", "_weight_int"))),
    ("fft", lambda n: n.startswith("fft_") or n.startswith("_fft")),
    ("special", lambda n: n.startswith("special_")),
    ("linalg", lambda n: n.startswith("linalg_") or n.startswith("_linalg")),
    ("internal (_ prefix)", lambda n: n.startswith("_")),
    ("in-place / out variants", lambda n: n.endswith("_")),
]


def aten_ops() -> list[str] | None:
    """The names (no overload) of PyTorch's aten operators, or None without PyTorch."""
    try:
        import torch
    except ImportError:
        return None
    return sorted({s.name.split("::", 1)[1] for s in torch._C._jit_get_all_schemas() if s.name.startswith("aten::")})


def family_of(name: str, families: dict[str, str]) -> str:
    for candidate in (name, name.rstrip("_"), name.lstrip("_")):
        if candidate in families:
            return families[candidate]
    return next((kind for kind, test in _KINDS if test(name)), "other")


def registry_families() -> dict[str, str]:
    """aten name (and ts name) -> family, from the op registry."""
    from tsjit.ops import REGISTRY

    out: dict[str, str] = {}
    for d in REGISTRY.values():
        out.setdefault(d.name, d.family)
        for alias in d.aten:
            out.setdefault(alias, d.family)
    return out


def compiles_to_c(defn) -> bool:
    """An op the C backend compiles: it has a loop-level lowering, a decomposition, or (an op only
    complex values reach) a rule that makes it real ops on pairs."""
    from tsjit.passes.complex_rules import RULES

    return defn.lower is not None or defn.decompose is not None or f"ts.{defn.name}" in RULES


def report(missing: bool) -> str:
    from tsjit.frontend.importers.build import converter_for
    from tsjit.ops import REGISTRY

    lines = []
    names = aten_ops()
    if names is None:
        lines.append("PyTorch is not installed: the aten schema coverage needs it (pip install torch).")
    else:
        families = registry_families()
        total, covered = collections.Counter(), collections.Counter()
        absent: dict[str, list[str]] = collections.defaultdict(list)
        for name in names:
            family = family_of(name, families)
            total[family] += 1
            if converter_for(f"aten::{name}") is not None:
                covered[family] += 1
            else:
                absent[family].append(name)
        n, k = len(names), sum(covered.values())
        lines += [f"aten operators in PyTorch's schemas: {n}; tsjit imports {k} ({100 * k / n:.1f}%)", "",
                  f"{'family':32} {'covered':>8} {'of':>5}"]
        for family, count in sorted(total.items(), key=lambda kv: (-kv[1], kv[0])):
            lines.append(f"{family:32} {covered[family]:8} {count:5}")
        if missing:
            for family in sorted(absent):
                lines += ["", f"not imported, {family}: " + ", ".join(absent[family])]
    numpy_only = sorted((d.family, d.name, d.numpy_only) for d in REGISTRY.values() if not compiles_to_c(d))
    in_c = len(REGISTRY) - len(numpy_only)
    lines += ["", f"tsjit ops: {len(REGISTRY)}; {in_c} compile to C (a lowering, a decomposition or a "
                  "ts-complex-to-real rule); "
                  f"{len(numpy_only)} run on numpy around C fusion groups:"]
    lines += [f"  {family}.{name}: {why}" for family, name, why in numpy_only]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tsjit.tools.op_coverage", description=__doc__.split("\n")[0])
    parser.add_argument("--missing", action="store_true", help="list every aten op tsjit does not import")
    args = parser.parse_args(argv)
    print(report(args.missing))
    return 0


if __name__ == "__main__":
    sys.exit(main())
