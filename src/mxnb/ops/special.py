"""Special functions MXNet 1.x has as elementwise ops: gamma, gammaln, erfinv; and the
polygamma family (`_polygamma`, n=0 is digamma) their derivatives are written with.

`_polygamma(x, n)`'s VJP is `_polygamma(x, n + 1)`, so gamma and gammaln are differentiable to
any order (MXNet 1.9.1 stops at the first). Polygamma shifts x up with the recurrence
psi_n(x) = psi_n(x + 1) - (-1)^n n! / x^(n + 1) until x >= 10, then sums the asymptotic
series (Abramowitz & Stegun 6.4.11 and 6.3.18); it is defined for any x that is not a
non-positive integer.
"""
import math

from . import _nd as nd
from ._math import T, exp, log, sqrt
from .elemwise import unary

_SQRTPI_2 = math.sqrt(math.pi) / 2.0
_TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)
# B_2k / (2k)! and B_2k / (2k) for k = 1..8 (Bernoulli numbers B_2k).
_BERN = (1.0 / 6, -1.0 / 30, 1.0 / 42, -1.0 / 30, 5.0 / 66, -691.0 / 2730, 7.0 / 6, -3617.0 / 510)
_B = tuple(b / math.factorial(2 * k + 2) for k, b in enumerate(_BERN))
_D = tuple(b / (2 * k + 2) for k, b in enumerate(_BERN))


def _ipow(x, k):
    # x ** k for an int k >= 0 by multiplication: `**` with a runtime exponent computes in
    # float64 on CUDA.
    r = T(1)
    for _ in range(k):
        r *= x
    return r


def _psi(x, n):
    """The polygamma function of order n (n = 0: digamma) at x."""
    k = int(n)
    nfact = T(1)
    for i in range(2, k + 1):
        nfact *= T(i)
    sign = T(1) if k % 2 == 1 else T(-1)   # (-1)^(n+1)
    acc = T(0)
    while x < T(10):
        acc += sign * nfact / _ipow(x, k + 1)
        x += T(1)
    inv2 = T(1) / (x * x)
    if k == 0:
        s = T(0)
        p = inv2
        for j in range(8):
            s += T(_D[j]) * p
            p *= inv2
        return acc + log(x) - T(0.5) / x - s
    xn = _ipow(x, k)
    s = nfact / T(k) / xn + nfact / (T(2) * xn * x)
    f = nfact          # m!, grown to (n + 2k - 1)! for term k
    m = k
    p = T(1) / (xn * x * x)
    for j in range(8):
        if j == 0:
            f *= T(m + 1)
            m += 1
        else:
            f *= T(m + 1) * T(m + 2)
            m += 2
        s += T(_B[j]) * f * p
        p *= inv2
    return acc + sign * s


def _erfinv(y):
    """Inverse error function: Giles' approximation, then two Newton steps on erf."""
    if not (y > T(-1) and y < T(1)):
        if y == T(1):
            return T(math.inf)
        if y == T(-1):
            return T(-math.inf)
        return T(math.nan)
    w = -log((T(1) - y) * (T(1) + y))
    if w < T(5):
        w = w - T(2.5)
        p = T(2.81022636e-08)
        p = T(3.43273939e-07) + p * w
        p = T(-3.5233877e-06) + p * w
        p = T(-4.39150654e-06) + p * w
        p = T(0.00021858087) + p * w
        p = T(-0.00125372503) + p * w
        p = T(-0.00417768164) + p * w
        p = T(0.246640727) + p * w
        p = T(1.50140941) + p * w
    else:
        w = sqrt(w) - T(3)
        p = T(-0.000200214257)
        p = T(0.000100950558) + p * w
        p = T(0.00134934322) + p * w
        p = T(-0.00367342844) + p * w
        p = T(0.00573950773) + p * w
        p = T(-0.0076224613) + p * w
        p = T(0.00943887047) + p * w
        p = T(1.00167406) + p * w
        p = T(2.83297682) + p * w
    x = p * y
    for _ in range(2):
        x = x - (math.erf(x) - y) / (T(_TWO_OVER_SQRTPI) * exp(-x * x))
    return x


def _gamma(x):
    return math.gamma(x)


def _gammaln(x):
    return math.lgamma(x)


POS = (0.5, 3.0)

unary("gamma", _gamma, lambda dy, x, y: dy * y * _psi(x, T(0)),
      lambda g, x, y: g * y * nd._polygamma(x, n=0), cost=16, domain=POS,
      doc="The gamma function (inf at 0, alternating poles at negative integers).")
unary("gammaln", _gammaln, lambda dy, x, y: dy * _psi(x, T(0)),
      lambda g, x, y: g * nd._polygamma(x, n=0), cost=16, domain=POS,
      doc="log|gamma(x)|.")
unary("erfinv", _erfinv, lambda dy, x, y: dy * T(_SQRTPI_2) * exp(y * y),
      lambda g, x, y: g * _SQRTPI_2 * nd.exp(y * y), cost=16, domain=(-0.9, 0.9),
      doc="The inverse error function (nan outside [-1, 1]).")
unary("_polygamma", _psi, lambda dy, x, y, n: dy * _psi(x, n + T(1)),
      lambda g, x, y, n: g * nd._polygamma(x, n=n + 1), attrs=(("n", 0),), cost=32,
      domain=POS, doc="The polygamma function of order n (n=0: digamma); gamma's derivatives.")
