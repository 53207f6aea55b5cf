"""Print `_TEMME` of tsjit/ops/gamma_functions.py: the Taylor coefficients in eta of the c_k(eta) of
Temme's uniform expansion Q(a, x) = erfc(eta sqrt(a/2)) / 2 + exp(-a eta^2 / 2) / sqrt(2 pi a) sum_k c_k(eta) a^-k,
where eta^2 / 2 = lambda - 1 - log(lambda), lambda = x / a, sign(eta) = sign(lambda - 1).

Derived in exact rationals: lambda - 1 = mu(eta) by reverting eta = mu sqrt(2 (mu - log(1 + mu)) / mu^2),
then c_0 = 1 / mu - 1 / eta and c_k = c_{k-1}'(eta) / eta + g_k / mu, with the constant g_k the one that
cancels the pole at eta = 0 (it is (-1)^k times the k-th coefficient of 1 / Gamma*(a)'s expansion).
Usage: python utils/gen_temme_coefficients.py [K N]
"""
from __future__ import annotations

import sys
from fractions import Fraction as F


def _mul(a, b, n):
    out = [F(0)] * n
    for i, x in enumerate(a[:n]):
        if x:
            for j, y in enumerate(b[:n - i]):
                out[i + j] += x * y
    return out


def _inv(a, n):
    out = [F(0)] * n
    out[0] = 1 / a[0]
    for m in range(1, n):
        out[m] = -sum(a[j] * out[m - j] for j in range(1, min(m, len(a) - 1) + 1)) / a[0]
    return out


def _sqrt(a, n):  # a[0] == 1
    out = [F(1)] + [F(0)] * (n - 1)
    for m in range(1, n):
        out[m] = (a[m] - sum(out[j] * out[m - j] for j in range(1, m))) / 2
    return out


def coefficients(k_terms: int, n_terms: int) -> list[list[F]]:
    n = n_terms + 2 * k_terms + 4
    s = _sqrt([F(2 * (-1) ** j, j + 2) for j in range(n + 1)], n + 1)  # eta = mu s(mu)
    t = [F(1)] + [F(0)] * n  # mu = eta t(eta): iterate t = 1 / s(eta t), one order per step
    for _ in range(n + 1):
        mu = [F(0)] + t[:n]
        comp, power = [F(0)] * (n + 1), [F(1)] + [F(0)] * n
        for j in range(n + 1):
            if j:
                power = _mul(power, mu, n + 1)
            comp = [c + s[j] * p for c, p in zip(comp, power)]
        t = _inv(comp, n + 1)
    regular = _inv(t, n + 1)[1:]  # 1 / mu - 1 / eta
    rows = [regular]
    for _ in range(1, k_terms):
        prev = rows[-1]
        g = -prev[1]  # cancels prev'(0) / eta
        rows.append([j * prev[j] + g * r for j, r in zip(range(2, len(prev)), regular)])
    return [row[:n_terms] for row in rows]


def main(k_terms: int = 8, n_terms: int = 20) -> None:
    print("_TEMME = (")
    for row in coefficients(k_terms, n_terms):
        values = [repr(float(v)) for v in row]
        print("    (" + ",\n     ".join(", ".join(values[i:i + 4]) for i in range(0, len(values), 4)) + "),")
    print(")")


if __name__ == "__main__":
    main(*map(int, sys.argv[1:3]))
