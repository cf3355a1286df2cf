"""Unary elementwise ops: y = f(x), with fused backward dx = g(dy, x, y) and a VJP in mxnb ops.

Each line is one op: name, scalar forward, scalar fused backward, VJP. Scalar
functions use the names of `_math.py` (rebound per dtype: `T` is the compute
type, `exp` a vectorisable float32 polynomial on the CPU). `exact=True` marks
ops closed over integers; other ops compute integer inputs in float64 and
truncate, as MXNet does.
"""
import math

import numpy as np

from . import _nd as nd
from ._math import (T, acos, acosh, asin, asinh, atan, atanh, cbrt, ceil, copysign, cos, cosh,
                    erf, exp, expm1, fabs, floor, log, log1p, log2, log10, sin, sinh, sqrt, tan,
                    tanh, trunc)
from .elemwise import unary

_PI = math.pi
# degrees/radians: MXNet multiplies by float32 quotients (180.0f / PI computed in float,
# 57.295776 and 0.017453292), an ulp off float32(180 / pi). float32 and float16 use them and
# give MXNet's bits. MXNet does the same to float64 data, 7 digits off the true value: mxnb
# keeps float64 exact [FIX].
_DEG64, _RAD64 = 180.0 / _PI, _PI / 180.0
_DEG32 = float(np.float32(180.0) / np.float32(_PI))
_RAD32 = float(np.float32(_PI) / np.float32(180.0))


def _factor(f64, f32):
    # T(f64) == f64 only when the compute type is float64; LLVM folds the choice away.
    return T(f64) if T(f64) == f64 else T(f32)


def _factor_nd(g, f64, f32):
    return g * (f64 if g.dtype == np.float64 else f32)
_LN2 = math.log(2.0)
_LN10 = math.log(10.0)
_TWO_OVER_SQRTPI = 2.0 / math.sqrt(math.pi)
POS = (0.1, 3.0)      # domain of ops defined for x > 0
UNIT = (-0.9, 0.9)    # domain of arcsin, arccos, arctanh


def _sigmoid(x):
    # MXNet's formula, so float64 gives its bits; exp(-x) overflowing to inf gives 1/inf = 0,
    # the right limit, and a NaN stays NaN.
    return T(1) / (T(1) + exp(-x))


def _relu(x):
    return x if not (x <= T(0)) else T(0)  # NaN passes through, as in MXNet


def _sign(x):
    return T(1) if x > T(0) else (T(-1) if x < T(0) else T(0))


def _round(x):
    # Halves away from zero, exactly (floor(x + 0.5) misrounds 0.49999997). Compare 2|x - r|
    # with 1: T(0.5) is 0 for integer dtypes, which would move every integer away from zero.
    r = trunc(x)
    d = fabs(x - r)
    return r + copysign(T(1), x) if d + d >= T(1) else r


def _rint(x):
    # MXNet's rint: the nearer of floor and ceil, n.5 going down (toward -inf), unlike C's
    # rint. Comparing the two distances (not x - floor with 0.5) keeps -0.49999997 at -0.0
    # in float32, where x - floor rounds to 0.5, and gives ceil's -0.0 sign as MXNet does.
    f = floor(x)
    c = ceil(x)
    return f if x - f <= c - x else c


def _cbrt(x):
    # The C library's cbrt, as MXNet calls it (a pow(|x|, 1/3) is up to an ulp off).
    return cbrt(x)


def _clip(x, lo, hi):
    # a_max is tested first, as in MXNet (matters only when a_min > a_max).
    return hi if x > hi else (lo if x < lo else x)


def _in(x, lo, hi):
    return T(1) if (x >= lo and x <= hi) else T(0)


def _step(x):
    return T(1) if x > T(0) else T(0)


unary("exp", lambda x: exp(x), lambda dy, x, y: dy * y,
      lambda g, x, y: g * y, cost=8)
unary("expm1", lambda x: expm1(x), lambda dy, x, y: dy * (y + T(1)),
      lambda g, x, y: g * nd.exp(x), cost=8)
unary("log", lambda x: log(x), lambda dy, x, y: dy / x,
      lambda g, x, y: g / x, cost=8, domain=POS)
unary("log1p", lambda x: log1p(x), lambda dy, x, y: dy / (T(1) + x),
      lambda g, x, y: g / (x + 1), cost=8, domain=(-0.5, 3.0))
unary("log2", lambda x: log2(x), lambda dy, x, y: dy / (x * T(_LN2)),
      lambda g, x, y: g / (x * _LN2), cost=8, domain=POS)
unary("log10", lambda x: log10(x), lambda dy, x, y: dy / (x * T(_LN10)),
      lambda g, x, y: g / (x * _LN10), cost=8, domain=POS)
unary("sqrt", lambda x: sqrt(x), lambda dy, x, y: dy * T(0.5) / y,
      lambda g, x, y: g * 0.5 / y, cost=2, domain=POS)
unary("rsqrt", lambda x: T(1) / sqrt(x), lambda dy, x, y: dy * T(-0.5) * y * y * y,
      lambda g, x, y: g * -0.5 * y * y * y, cost=2, domain=POS)
unary("cbrt", _cbrt, lambda dy, x, y: dy / (T(3) * y * y),
      lambda g, x, y: g / (3 * y * y), cost=8, domain=POS)
unary("rcbrt", lambda x: T(1) / _cbrt(x), lambda dy, x, y: dy * T(-1) / T(3) * y / x,
      lambda g, x, y: g * (-1.0 / 3) * y / x, cost=8, domain=POS)
unary("square", lambda x: x * x, lambda dy, x, y: dy * T(2) * x,
      lambda g, x, y: g * 2 * x, exact=True)
unary("reciprocal", lambda x: T(1) / x, lambda dy, x, y: -dy * y * y,
      lambda g, x, y: -g * y * y, domain=POS)
unary("abs", lambda x: fabs(x), lambda dy, x, y: dy * _sign(x),
      lambda g, x, y: g * nd.sign(x), exact=True, smooth=False, domain=(-2.0, 2.0))
unary("sign", _sign, zero_grad=True, exact=True)
unary("negative", lambda x: -x, lambda dy, x, y: -dy, lambda g, x, y: -g, exact=True)
unary("sigmoid", _sigmoid, lambda dy, x, y: dy * y * (T(1) - y),
      lambda g, x, y: g * y * (1 - y), cost=8, domain=(-4.0, 4.0))
unary("tanh", lambda x: tanh(x), lambda dy, x, y: dy * (T(1) - y * y),
      lambda g, x, y: g * (1 - y * y), cost=8)
unary("relu", _relu, lambda dy, x, y: dy * _step(x),
      lambda g, x, y: g * (x > 0), exact=True, smooth=False)
unary("softsign", lambda x: x / (T(1) + fabs(x)),
      lambda dy, x, y: dy / ((T(1) + fabs(x)) * (T(1) + fabs(x))),
      lambda g, x, y: g / nd.square(1 + nd.abs(x)), cost=2, smooth=False)
unary("sin", lambda x: sin(x), lambda dy, x, y: dy * cos(x),
      lambda g, x, y: g * nd.cos(x), cost=8)
unary("cos", lambda x: cos(x), lambda dy, x, y: -dy * sin(x),
      lambda g, x, y: -g * nd.sin(x), cost=8)
unary("tan", lambda x: tan(x), lambda dy, x, y: dy * (T(1) + y * y),
      lambda g, x, y: g * (1 + y * y), cost=8, domain=(-1.2, 1.2))
unary("arcsin", lambda x: asin(x), lambda dy, x, y: dy / sqrt(T(1) - x * x),
      lambda g, x, y: g * nd.rsqrt(1 - x * x), cost=8, domain=UNIT)
unary("arccos", lambda x: acos(x), lambda dy, x, y: -dy / sqrt(T(1) - x * x),
      lambda g, x, y: -g * nd.rsqrt(1 - x * x), cost=8, domain=UNIT)
unary("arctan", lambda x: atan(x), lambda dy, x, y: dy / (T(1) + x * x),
      lambda g, x, y: g / (1 + x * x), cost=8)
unary("sinh", lambda x: sinh(x), lambda dy, x, y: dy * cosh(x),
      lambda g, x, y: g * nd.cosh(x), cost=8)
unary("cosh", lambda x: cosh(x), lambda dy, x, y: dy * sinh(x),
      lambda g, x, y: g * nd.sinh(x), cost=8)
unary("arcsinh", lambda x: asinh(x), lambda dy, x, y: dy / sqrt(x * x + T(1)),
      lambda g, x, y: g * nd.rsqrt(x * x + 1), cost=8)
unary("arccosh", lambda x: acosh(x), lambda dy, x, y: dy / sqrt(x * x - T(1)),
      lambda g, x, y: g * nd.rsqrt(x * x - 1), cost=8, domain=(1.2, 3.0))
unary("arctanh", lambda x: atanh(x), lambda dy, x, y: dy / (T(1) - x * x),
      lambda g, x, y: g / (1 - x * x), cost=8, domain=UNIT)
unary("degrees", lambda x: x * _factor(_DEG64, _DEG32),
      lambda dy, x, y: dy * _factor(_DEG64, _DEG32),
      lambda g, x, y: _factor_nd(g, _DEG64, _DEG32))
unary("radians", lambda x: x * _factor(_RAD64, _RAD32),
      lambda dy, x, y: dy * _factor(_RAD64, _RAD32),
      lambda g, x, y: _factor_nd(g, _RAD64, _RAD32))
unary("erf", lambda x: erf(x), lambda dy, x, y: dy * T(_TWO_OVER_SQRTPI) * exp(-x * x),
      lambda g, x, y: g * _TWO_OVER_SQRTPI * nd.exp(-x * x), cost=8)
unary("floor", lambda x: floor(x), zero_grad=True, exact=True)
unary("ceil", lambda x: ceil(x), zero_grad=True, exact=True)
unary("round", _round, zero_grad=True, exact=True)
unary("rint", _rint, zero_grad=True, exact=True)
unary("trunc", lambda x: trunc(x), zero_grad=True, exact=True)
unary("fix", lambda x: trunc(x), zero_grad=True, exact=True)
unary("clip", _clip, lambda dy, x, y, lo, hi: dy * _in(x, lo, hi),
      lambda g, x, y, lo, hi: g * ((x >= lo) * (x <= hi)),
      attrs=(("a_min", None), ("a_max", None)), exact=True, smooth=False,
      test={"attrs": {"a_min": -0.5, "a_max": 0.5}})
