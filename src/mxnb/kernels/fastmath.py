"""Vectorisable float32 exp, log, tanh and friends for Numba CPU kernels.

Numba's ``math.exp``/``math.log``/``math.tanh`` are scalar libm calls (no SVML in
llvmlite), so a loop that uses them does not vectorise. These helpers use only
float32 arithmetic, comparisons (which become selects) and bit moves, so LLVM's loop
vectoriser turns a loop calling them into SIMD code.

Each helper is a plain Python function: it runs as is on NumPy float32 scalars (for
debugging), and it is registered with ``numba.extending.register_jitable``, so jitted
code (and the other helpers) can call it by name. Wrap it with
``njit(inline='always')`` to bind it into a kernel template. Every helper takes a
float32 and returns a float32; Python float literals would promote to float64 in
Numba, so all constants are module-level ``np.float32`` values.

Accuracy: each docstring states the max error in float32 ulps (of the binade of
the exact result) against the float64 function, measured over all 2^32 float32
inputs by ``bench/accuracy_fastmath.py``, both with FMA contraction (kernels built
with ``fastmath={'contract'}`` on a CPU with FMA) and without (other CPUs, and the
plain-Python version); ``tests/test_fastmath.py`` re-checks the bounds on a dense
sample. Compile loops with ``error_model='numpy'`` (``tanh_f32``, ``sigmoid_f32``
and ``log1p_f32`` divide). Never with ``nnan``/``ninf``/``reassoc``: the
special-value selects and the exact-arithmetic tricks rely on IEEE semantics.

For float64 and on CUDA, use ``math.exp`` etc.; these helpers are float32-only
(a float64 argument fails to compile). ``F32_HELPERS`` maps the plain names to
them. Run as plain Python, NumPy may warn about overflow or invalid values for
special inputs (the results are still right); use ``np.errstate(all='ignore')``.

NOTE: numba's on-disk cache checks only the kernel's own source file, not this one;
kernel cache keys must change when this file changes (the builder hashes the
package version).

>>> import numpy as np
>>> from mxnb.kernels.fastmath import exp_f32
>>> exp_f32(np.float32(1.0))
np.float32(2.7182817)
"""
import numpy as np

from mxnb._jit import numba as _numba
from mxnb.kernels.intrinsics import f32_as_i32, i32_as_f32

__all__ = [
    "exp_f32", "expm1_f32", "log_f32", "log1p_f32",
    "tanh_f32", "sigmoid_f32", "erf_f32", "F32_HELPERS",
]

_jitable = _numba().extending.register_jitable

_F = np.float32
_ZERO, _HALF, _ONE, _TWO = _F(0.0), _F(0.5), _F(1.0), _F(2.0)
_INF, _NAN = _F(np.inf), _F(np.nan)
_SIGN = np.int32(-0x80000000)
_MIN_NORMAL = _F(2.0 ** -126)
_TWO23 = _F(2.0 ** 23)

# Adding 1.5 * 2^23 rounds a float32 of magnitude < 2^22 to an integer (to nearest
# even) and leaves that integer in the low significand bits.
_SHIFT = _F(1.5 * 2 ** 23)
# With 127 added as well, the low 8 bits are (n + 127), the biased exponent of 2^n,
# and a left shift by 23 moves them into place (the higher bits shift out).
_SHIFT_BIASED = _F(1.5 * 2 ** 23 + 127)
# Even offsets round ties as _SHIFT does; the low bits then hold n + 128 (or
# n + 126), so the 2^n factors built from them absorb a factor 2 (or 1/2).
_SHIFT_128 = _F(1.5 * 2 ** 23 + 128)
_SHIFT_126 = _F(1.5 * 2 ** 23 + 126)

# Cody-Waite split of ln 2: n * _LN2_HI is exact for |n| < 2^15 (Cephes).
_LN2_HI = _F(0.693359375)
_LN2_LO = _F(-2.12194440e-4)
_LOG2E = _F(1.44269504088896341)


# ---------------------------------------------------------------------------
# exp, expm1


@_jitable
def _exp_reduce(x, n):
    """r = x - n ln2, with the rounding error of n ln2 left out (Cody-Waite)."""
    r = x - n * _LN2_HI
    return r - n * _LN2_LO


@_jitable
def _round(x):
    """x rounded to an integer (ties to even), for |x| < 2^22; NaN stays NaN."""
    return (x + _SHIFT) - _SHIFT


@_jitable
def _exp_q(r):
    """e^r - 1 for |r| <= ln2/2, as r + r^2 P(r); P is a degree-4 minimax fit
    (relative error of e^r 3.1e-9: `lawson(..., 4, ...)` in bench/fit_fastmath.py),
    evaluated by Estrin's scheme: a shorter dependency chain than Horner, and one
    multiply-add fewer than the degree-5 fit this replaced."""
    r2 = r * r
    a = _F(0.1666652113199234) * r + _F(0.4999999403953552)
    b = _F(0.008368710055947304) * r + _F(0.04166838899254799)
    p = (_F(0.001381461275741458) * r2 + b) * r2 + a
    return p * r2 + r


@_jitable
def _expm1_poly(r):
    """e^r - 1 for -0.35 <= r <= 0.5 (fitted on |r| <= 0.7), as r + r^2 P(r); P is a minimax fit (relative error
    1.4e-9, see bench/fit_fastmath.py)."""
    p = _F(2.4780782041489147e-05)
    p = p * r + _F(0.000201005648705177)
    p = p * r + _F(0.0013890485279262066)
    p = p * r + _F(0.008332601748406887)
    p = p * r + _F(0.04166661947965622)
    p = p * r + _F(0.16666673123836517)
    p = p * r + _HALF
    return p * (r * r) + r


@_jitable
def _pow2(n):
    """2^n for an integer-valued float32 n in [-126, 127], built from bits."""
    return i32_as_f32(f32_as_i32(n + _SHIFT_BIASED) << 23)


_EXP_HI = _F(89.0)     # exp(88.73) > FLT_MAX: clamping here still gives inf
_EXP_LO = _F(-104.0)   # exp(-103.98) < 2^-150: clamping here still gives 0


@_jitable
def exp_f32(x):
    """e**x for a float32 x, as a float32; vectorises.

    Max error 1.02 ulp over all float32 inputs (exhaustive, subnormal results
    included; 0.99 without FMA). exp(-inf) = 0, exp(inf) = inf, NaN
    propagates; inf for x >= 88.722839 (the float32 above log(FLT_MAX)),
    subnormal results for x < -87.33655, and 0 for x <= -103.972084.

    >>> exp_f32(np.float32(-1.0))
    np.float32(0.36787945)
    """
    # Python's max/min keep their first argument unless the second lies strictly
    # beyond it, so NaN passes; LLVM emits one vmaxps and one vminps (the two
    # ifs this replaced gave a compare, a max and a blend).
    x = min(max(x, _EXP_LO), _EXP_HI)
    # n = x / ln2 rounded (ties to even: the offset is even), with n + 128 left
    # in the low bits of t.
    t = x * _LOG2E + _SHIFT_128
    n = t - _SHIFT_128
    q = _exp_q(_exp_reduce(x, n))
    # 2^n in two factors, each a normal float, so that both the overflow to inf and
    # the subnormal results come out of the last multiply, rounded once:
    # s1 = 2^(n1 - 1) with n1 = n / 2 rounded, and s2 = 2^(n - n1 + 1), read off
    # the bits of t - n1 (exact) without another add.
    t1 = n * _HALF + _SHIFT_126
    n1 = t1 - _SHIFT_126
    s1 = i32_as_f32(f32_as_i32(t1) << 23)
    s2 = i32_as_f32(f32_as_i32(t - n1) << 23)
    # (1 + q) s1 as one multiply-add: s1 is a power of two that keeps the product
    # normal, so this rounds exactly as 1 + q would, one operation sooner.
    return (q * s1 + s1) * s2


_EXPM1_HI = _F(88.8)   # expm1(88.8) overflows; NaN passes both clamps
_EXPM1_LO = _F(-18.0)  # expm1(x) rounds to -1 below -17.33
_TINY = _F(2.0 ** -25)  # below this, expm1(x) and log1p(x) round to x


@_jitable
def expm1_f32(x):
    """e**x - 1 for a float32 x, accurate near 0; vectorises.

    Max error 1.02 ulp over all float32 inputs (exhaustive; 0.98 without FMA).
    expm1(-inf) = -1, expm1(inf) = inf, expm1(-0) = -0, NaN propagates.

    >>> expm1_f32(np.float32(1e-5))
    np.float32(1.000005e-05)
    """
    xc = x
    if xc > _EXPM1_HI:
        xc = _EXPM1_HI
    if xc < _EXPM1_LO:
        xc = _EXPM1_LO
    n = _round(xc * _LOG2E)
    # No reduction on [0, 0.5): with n = 1 there, e^r - 1 < 0 and the sum below
    # would cancel. (On the negative side n = -1 cancels less than n = 0 would;
    # above 0.5 the rounding errors of the polynomial without FMA grow instead.)
    if xc >= _ZERO and xc < _HALF:
        n = _ZERO
    em = _expm1_poly(_exp_reduce(xc, n))
    # e^x - 1 = 2 (s em + s - 1/2) with s = 2^(n-1), finite up to the overflow
    # threshold. s - 1/2 is exact up to n = 24; beyond, subtract 1/2 from the
    # (exact) s em instead, so that only the final sum rounds noticeably.
    s = _pow2(n - _ONE)
    big = n > _F(24.0)
    a = -_HALF if big else s - _HALF
    b = s if big else _ZERO
    y = _TWO * ((s * em + a) + b)
    if abs(x) < _TINY:
        y = x
    return y


# ---------------------------------------------------------------------------
# log, log1p

_SQRTH_BITS = np.int32(0x3F3504F3)   # bits of sqrt(1/2)
_MANT_MASK = np.int32(0x007FFFFF)
_ABS_MASK = np.int32(0x7FFFFFFF)
_EXP_SHIFT_BITS = np.int32(0x4B400000)   # bits of _SHIFT
_LOG_OFFSET = np.int32(0x40000000 - 0x3F3504F3)
_SHIFT_128 = _F(1.5 * 2 ** 23 + 128)


@_jitable
def _log_split(u):
    """For a positive normal float32 u, return (k, f) with u = 2^k (1 + f),
    sqrt(1/2) <= 1 + f < sqrt(2); k is an integer-valued float32, f exact."""
    # Offsetting the bits by 2^30 - bits(sqrt(1/2)) moves the split point to a
    # binade boundary and keeps the sum non-negative below 2^32, so that LLVM can
    # do the shift in 32-bit lanes.
    ix = (f32_as_i32(u) & _ABS_MASK) + _LOG_OFFSET
    m = i32_as_f32((ix & _MANT_MASK) + _SQRTH_BITS)
    # The exponent (+128) as a float without an int->float conversion (which does
    # not vectorise from int64 on AVX2): place it in the significand of _SHIFT.
    k = i32_as_f32((ix >> 23) + _EXP_SHIFT_BITS) - _SHIFT_128
    return k, m - _ONE


@_jitable
def _log_finish(k, f, c):
    """k ln2 + log(1 + f) + c for |f| <= 0.415 and a small correction c (Cephes logf)."""
    z = f * f
    p = _F(7.0376836292e-2)
    p = p * f + _F(-1.1514610310e-1)
    p = p * f + _F(1.1676998740e-1)
    p = p * f + _F(-1.2420140846e-1)
    p = p * f + _F(1.4249322787e-1)
    p = p * f + _F(-1.6668057665e-1)
    p = p * f + _F(2.0000714765e-1)
    p = p * f + _F(-2.4999993993e-1)
    p = p * f + _F(3.3333331174e-1)
    y = p * f * z + (k * _LN2_LO + c)
    y = y - _HALF * z
    return (f + y) + k * _LN2_HI


@_jitable
def log_f32(x):
    """Natural logarithm of a float32 x, as a float32; vectorises.

    Max error 0.83 ulp over all float32 inputs (exhaustive, with and without
    FMA; subnormal inputs included). log(+-0) = -inf, log(x < 0) = NaN,
    log(inf) = inf, NaN propagates.

    >>> log_f32(np.float32(10.0))
    np.float32(2.3025851)
    """
    tiny = x < _MIN_NORMAL
    u = x * _TWO23 if tiny else x
    k, f = _log_split(u)
    if tiny:
        k = k - _F(23.0)
    y = _log_finish(k, f, _ZERO)
    if not x < _INF:   # inf, NaN
        y = x
    if x < _ZERO:
        y = _NAN
    if x == _ZERO:
        y = -_INF
    return y


_MINUS_ONE = _F(-1.0)


@_jitable
def log1p_f32(x):
    """log(1 + x) for a float32 x, accurate near 0; vectorises.

    Max error 0.86 ulp over all float32 inputs (exhaustive, with and without
    FMA). log1p(-1) = -inf, log1p(x < -1) = NaN, log1p(inf) = inf,
    log1p(-0) = -0, NaN propagates.

    >>> log1p_f32(np.float32(1e-5))
    np.float32(9.99995e-06)
    """
    u = x + _ONE
    # The rounding error of 1 + x, exactly (Fast2Sum, larger operand first),
    # enters as log(u + err) = log(u) + err / u.
    err = (_ONE - (u - x)) if x > _ONE else (x - (u - _ONE))
    k, f = _log_split(u)
    y = _log_finish(k, f, err / u)
    if abs(x) < _TINY:
        y = x
    if not x < _INF:   # inf, NaN
        y = x
    if x < _MINUS_ONE:
        y = _NAN
    if x == _MINUS_ONE:
        y = -_INF
    return y


# ---------------------------------------------------------------------------
# tanh, sigmoid, erf


@_jitable
def _copysign(y, x):
    """y (non-negative or NaN) with the sign of x."""
    return i32_as_f32(f32_as_i32(y) | (f32_as_i32(x) & _SIGN))


_TANH_SMALL = _F(0.625)


@_jitable
def tanh_f32(x):
    """Hyperbolic tangent of a float32 x, as a float32; vectorises.

    Max error 1.33 ulp over all float32 inputs (exhaustive, with and without
    FMA; the largest errors are just above |x| = 0.625, where the exp-based
    branch starts). tanh(+-inf) = +-1, tanh(-0) = -0, no cancellation for small
    x, NaN propagates.

    >>> tanh_f32(np.float32(0.5))
    np.float32(0.46211717)
    """
    a = abs(x)
    # |x| < 0.625: odd polynomial (Cephes tanhf), no cancellation near 0.
    z = a * a
    p = _F(-5.70498872745e-3)
    p = p * z + _F(2.06390887954e-2)
    p = p * z + _F(-5.37397155531e-2)
    p = p * z + _F(1.33314422036e-1)
    p = p * z + _F(-3.33332819422e-1)
    small = p * z * a + a
    # Otherwise 1 - 2 / (e^2|x| + 1): exp overflows to inf for large |x|, giving 1.
    # NOTE: an inlined exp clamped at |x| = 9.1 (one 2^n factor, no range clamps)
    # gave the same bits and ran 20% faster on one thread, but 25% slower on two
    # (2-vCPU VM, parallel kernel: more constants live, rematerialised every
    # iteration), which is the path large arrays take.
    large = _ONE - _TWO / (exp_f32(a + a) + _ONE)
    y = small if a < _TANH_SMALL else large
    return _copysign(y, x)


@_jitable
def sigmoid_f32(x):
    """Logistic function 1 / (1 + e**-x) of a float32 x; vectorises.

    Max error 1.97 ulp over all float32 inputs (exhaustive, with and without
    FMA; for x < 0 the 1 ulp error of e**x counts double where the result falls
    one binade below it). Safe at both tails: it
    never evaluates e**x for positive x, so it goes to 1 for large x and follows
    e**x down through the subnormals for very negative x (no 1/inf = 0 cliff at
    -88.7). sigmoid(-inf) = 0, sigmoid(inf) = 1, NaN propagates.

    >>> sigmoid_f32(np.float32(0.0))
    np.float32(0.5)
    """
    e = exp_f32(-abs(x))
    pos = x >= _ZERO
    num = _ONE if pos else e
    s = _ONE + e
    q = num / s
    # 1 + e rounded; put its exact rounding error back: num / (s + err) is about
    # q - q err / s, and 1 / s is q or 1 - q, so no second division is needed.
    err = e - (s - _ONE)
    inv_s = q if pos else _ONE - q
    return q - (q * inv_s) * err


_ERF_SMALL = _F(0.95)
_ERF_ONE = _F(3.93)   # erfc(3.93) < 2^-25: erf rounds to 1 from here on


@_jitable
def erf_f32(x):
    """Error function of a float32 x, as a float32; vectorises.

    Max error 1.36 ulp over all float32 inputs (exhaustive; 1.18 with FMA).
    erf(+-inf) = +-1, erf(-0) = -0, NaN propagates.

    >>> erf_f32(np.float32(0.5))
    np.float32(0.5204999)
    """
    a = abs(x)
    # |x| < 0.95: x + x P(x^2), minimax for erf(x)/x - 1 (relative error 6e-10).
    z = a * a
    p = _F(8.185093611245975e-05)
    p = p * z + _F(-0.0008097703685052693)
    p = p * z + _F(0.005196952261030674)
    p = p * z + _F(-0.026857705786824226)
    p = p * z + _F(0.11283663660287857)
    p = p * z + _F(-0.37612631916999817)
    p = p * z + _F(0.12837916612625122)
    small = p * a + a
    # Otherwise 1 - e^Q(|x|), Q minimax for log(erfc) on [0.95, 3.93] (error of erf
    # 1.3e-9); the clamp keeps Q in its range and gives 1 beyond (NaN passes).
    t = _ERF_ONE if a > _ERF_ONE else a
    q = _F(0.00019150407752022147)
    q = q * t + _F(-0.0029995401855558157)
    q = q * t + _F(0.022051995620131493)
    q = q * t + _F(-0.10356688499450684)
    q = q * t + _F(-0.6376000642776489)
    q = q * t + _F(-1.127426028251648)
    q = q * t + _F(-0.0002564462192822248)
    large = _ONE - exp_f32(q)
    y = small if a < _ERF_SMALL else large
    return _copysign(y, x)


# The names a kernel template binds, for float32 on the CPU.
F32_HELPERS = {
    "exp": exp_f32, "expm1": expm1_f32, "log": log_f32, "log1p": log1p_f32,
    "tanh": tanh_f32, "sigmoid": sigmoid_f32, "erf": erf_f32,
}
