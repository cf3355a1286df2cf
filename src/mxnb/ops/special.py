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
    """Inverse error function as MXNet 1.9.1 computes it, in double for every dtype: Pavlis'
    rational approximation, then two Newton steps on erf (float32 gives MXNet's bits)."""
    v = float(y)
    a = math.fabs(v)
    if not (a < 1.0):
        if a == 1.0:
            return T(math.copysign(math.inf, v))
        return T(math.nan)
    if a <= 0.7:
        z = v * v
        num = ((-0.140543331 * z + 0.914624893) * z - 1.645349621) * z + 0.886226899
        dem = (((0.012229801 * z - 0.329097515) * z + 1.442710462) * z - 2.118377725) * z + 1.0
        x = v * num / dem
    else:
        z = math.sqrt(-math.log((1.0 - a) / 2.0))
        num = ((1.641345311 * z + 3.429567803) * z - 1.624906493) * z - 1.970840454
        dem = (1.637067800 * z + 3.543889200) * z + 1.0
        x = math.copysign(num, v) / dem
    for _ in range(2):
        x = x - (math.erf(x) - v) / (_TWO_OVER_SQRTPI * math.exp(-x * x))
    return T(x)


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
_ERFINV = unary("erfinv", _erfinv, lambda dy, x, y: dy * T(_SQRTPI_2) * exp(y * y),
      lambda g, x, y: g * _SQRTPI_2 * nd.exp(y * y), cost=16, domain=(-0.9, 0.9),
      doc="The inverse error function (nan outside [-1, 1]).")
_ERFINV.double_inside = True  # float32 too computes in double, as MXNet does
unary("_polygamma", _psi, lambda dy, x, y, n: dy * _psi(x, n + T(1)),
      lambda g, x, y, n: g * nd._polygamma(x, n=n + 1), attrs=(("n", 0),), cost=32,
      domain=POS, doc="The polygamma function of order n (n=0: digamma); gamma's derivatives.")
