"""Binary elementwise ops (broadcast_* and strict elemwise_*) and their scalar forms.

Binary backward functions are pairs (d lhs, d rhs) of scalar functions of
(dy, a, b, y); VJPs return the pair in mxnb ops. Scalar ops (`x + 2`,
`2 / x`, `x ** 3`) are unary ops with a `scalar` attribute, cast to the
array's dtype first as MXNet does (int32 * 2.5 multiplies by 2).
"""
import math

from . import _nd as nd
from ._math import T, floor, fmod, hypot, log, pow
from .elemwise import binary, scalar

POS = (0.5, 2.0)


def _mod(a, b):
    # Python's sign rule (the result takes the divisor's sign); x % 0 is 0. Written as MXNet's
    # mshadow `mod` so that zeros get its signs too: -2 % 2 is +0, -2 % -2 is -0.
    if b == T(0):
        return T(0)
    if b < T(0):
        if a < T(0):
            return -fmod(-a, -b)
        r = fmod(a, -b)
        return r + b if r != T(0) else r + T(0)
    if a < T(0):
        r = fmod(-a, b)
        return b - r if r != T(0) else T(0) - r
    return fmod(a, b)


def _max(a, b):
    return a if (a >= b or a != a) else b


def _min(a, b):
    return a if (a <= b or a != a) else b


def _b(c):
    return T(1) if c else T(0)


def _xor(a, b):
    return _b((a != T(0)) != (b != T(0)))


_ONE = (lambda dy, a, b, y: dy, lambda dy, a, b, y: dy)

binary("broadcast_add", lambda a, b: a + b, _ONE, lambda g, a, b, y: (g, g),
       elemwise_name="elemwise_add", aliases=("broadcast_plus",), exact=True)
binary("broadcast_sub", lambda a, b: a - b, (lambda dy, a, b, y: dy, lambda dy, a, b, y: -dy),
       lambda g, a, b, y: (g, -g), elemwise_name="elemwise_sub", aliases=("broadcast_minus",),
       exact=True)
binary("broadcast_mul", lambda a, b: a * b,
       (lambda dy, a, b, y: dy * b, lambda dy, a, b, y: dy * a),
       lambda g, a, b, y: (g * b, g * a), elemwise_name="elemwise_mul", exact=True)
binary("broadcast_div", lambda a, b: a / b,
       (lambda dy, a, b, y: dy / b, lambda dy, a, b, y: -dy * a / (b * b)),
       lambda g, a, b, y: (g / b, -g * a / (b * b)), elemwise_name="elemwise_div",
       domain=((-2.0, 2.0), POS))
binary("broadcast_mod", _mod,
       (lambda dy, a, b, y: dy, lambda dy, a, b, y: -dy * floor(a / b)),
       lambda g, a, b, y: (g, -g * nd.floor(a / b)), elemwise_name="_mod",
       domain=((0.1, 0.9), (1.1, 2.0)), smooth=False)
binary("broadcast_power", lambda a, b: pow(a, b),
       (lambda dy, a, b, y: dy * b * pow(a, b - T(1)), lambda dy, a, b, y: dy * y * log(a)),
       lambda g, a, b, y: (g * b * a ** (b - 1), g * y * nd.log(a)), elemwise_name="_power",
       domain=(POS, (-1.5, 1.5)), aliases=("broadcast_pow",), cost=8)
binary("broadcast_maximum", _max,
       (lambda dy, a, b, y: dy * _b(a >= b), lambda dy, a, b, y: dy * _b(a < b)),
       lambda g, a, b, y: (g * (a >= b), g * (a < b)), elemwise_name="_maximum", exact=True,
       smooth=False)
binary("broadcast_minimum", _min,
       (lambda dy, a, b, y: dy * _b(a <= b), lambda dy, a, b, y: dy * _b(a > b)),
       lambda g, a, b, y: (g * (a <= b), g * (a > b)), elemwise_name="_minimum", exact=True,
       smooth=False)
binary("broadcast_hypot", lambda a, b: hypot(a, b),
       (lambda dy, a, b, y: dy * a / y, lambda dy, a, b, y: dy * b / y),
       lambda g, a, b, y: (g * a / y, g * b / y), elemwise_name="_hypot", domain=POS, cost=4)
binary("broadcast_equal", lambda a, b: _b(a == b), zero_grad=True, exact=True,
       elemwise_name="_equal")
binary("broadcast_not_equal", lambda a, b: _b(a != b), zero_grad=True, exact=True,
       elemwise_name="_not_equal")
binary("broadcast_greater", lambda a, b: _b(a > b), zero_grad=True, exact=True,
       elemwise_name="_greater")
binary("broadcast_greater_equal", lambda a, b: _b(a >= b), zero_grad=True, exact=True,
       elemwise_name="_greater_equal")
binary("broadcast_lesser", lambda a, b: _b(a < b), zero_grad=True, exact=True,
       elemwise_name="_lesser")
binary("broadcast_lesser_equal", lambda a, b: _b(a <= b), zero_grad=True, exact=True,
       elemwise_name="_lesser_equal")
binary("broadcast_logical_and", lambda a, b: _b(a != T(0) and b != T(0)), zero_grad=True,
       exact=True, elemwise_name="_logical_and")
binary("broadcast_logical_or", lambda a, b: _b(a != T(0) or b != T(0)), zero_grad=True,
       exact=True, elemwise_name="_logical_or")
binary("broadcast_logical_xor", _xor, zero_grad=True, exact=True, elemwise_name="_logical_xor")

# ---------------------------------------------------------------- x (op) scalar
S = {"scalar": 1.7}
for _op in (scalar("_plus_scalar", lambda x, s: x + s, lambda dy, x, y, s: dy,
                  lambda g, x, y, s: g, exact=True, test=S),
            scalar("_minus_scalar", lambda x, s: x - s, lambda dy, x, y, s: dy,
                   lambda g, x, y, s: g, exact=True, test=S)):
    _op.passes_grad = True
scalar("_rminus_scalar", lambda x, s: s - x, lambda dy, x, y, s: -dy, lambda g, x, y, s: -g,
       exact=True, test=S)
scalar("_mul_scalar", lambda x, s: x * s, lambda dy, x, y, s: dy * s, lambda g, x, y, s: g * s,
       exact=True, test=S)
scalar("_div_scalar", lambda x, s: x / s, lambda dy, x, y, s: dy / s, lambda g, x, y, s: g / s,
       test=S)
scalar("_rdiv_scalar", lambda x, s: s / x, lambda dy, x, y, s: -dy * y / x,
       lambda g, x, y, s: -g * y / x, domain=POS, test=S)
scalar("_mod_scalar", lambda x, s: _mod(x, s), lambda dy, x, y, s: dy, lambda g, x, y, s: g,
       domain=(0.1, 1.6), smooth=False, test=S)
scalar("_rmod_scalar", lambda x, s: _mod(s, x), lambda dy, x, y, s: -dy * floor(s / x),
       lambda g, x, y, s: -g * nd.floor(s / x), domain=(1.0, 1.6), smooth=False, test=S)
scalar("_power_scalar", lambda x, s: pow(x, s), lambda dy, x, y, s: dy * s * pow(x, s - T(1)),
       lambda g, x, y, s: g * s * x ** (s - 1), domain=POS, cost=8, test=S)
scalar("_rpower_scalar", lambda x, s: pow(s, x), lambda dy, x, y, s: dy * y * log(s),
       lambda g, x, y, s: g * y * math.log(s), cost=8, test=S)
scalar("_maximum_scalar", lambda x, s: _max(x, s), lambda dy, x, y, s: dy * _b(x >= s),
       lambda g, x, y, s: g * (x >= s), exact=True, smooth=False, test={"scalar": 0.3})
scalar("_minimum_scalar", lambda x, s: _min(x, s), lambda dy, x, y, s: dy * _b(x <= s),
       lambda g, x, y, s: g * (x <= s), exact=True, smooth=False, test={"scalar": 0.3})
scalar("_hypot_scalar", lambda x, s: hypot(x, s), lambda dy, x, y, s: dy * x / y,
       lambda g, x, y, s: g * x / y, cost=4, test=S)
for _name, _f in (("_equal_scalar", lambda x, s: _b(x == s)),
                  ("_not_equal_scalar", lambda x, s: _b(x != s)),
                  ("_greater_scalar", lambda x, s: _b(x > s)),
                  ("_greater_equal_scalar", lambda x, s: _b(x >= s)),
                  ("_lesser_scalar", lambda x, s: _b(x < s)),
                  ("_lesser_equal_scalar", lambda x, s: _b(x <= s)),
                  ("_logical_and_scalar", lambda x, s: _b(x != T(0) and s != T(0))),
                  ("_logical_or_scalar", lambda x, s: _b(x != T(0) or s != T(0))),
                  ("_logical_xor_scalar", lambda x, s: _xor(x, s))):
    scalar(_name, _f, zero_grad=True, exact=True, test={"scalar": 0.5})
