"""NumPy float64 references for the elementwise ops, written independently of the op table."""
import math

import numpy as np
from scipy import special


def _mod(a, b):
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.fmod(a, b)
        r = np.where((r != 0) & ((r < 0) != (b < 0)), r + b, r)
        return np.where(b == 0, 0.0, r)


def _round(x):
    return np.sign(x) * np.floor(np.abs(x) + 0.5)


def _rint(x):
    f = np.floor(x)
    return np.where(x - f <= 0.5, f, f + 1)


def _max(a, b):
    return np.where((a >= b) | np.isnan(a), a, b)


def _min(a, b):
    return np.where((a <= b) | np.isnan(a), a, b)


def _b(c):
    return c.astype(np.float64)


UNARY = {
    "exp": np.exp, "expm1": np.expm1, "log": np.log, "log1p": np.log1p, "log2": np.log2,
    "log10": np.log10, "sqrt": np.sqrt, "rsqrt": lambda x: 1 / np.sqrt(x), "cbrt": np.cbrt,
    "rcbrt": lambda x: 1 / np.cbrt(x), "square": np.square, "reciprocal": lambda x: 1 / x,
    "abs": np.abs, "sign": np.sign, "negative": np.negative,
    "sigmoid": lambda x: 1 / (1 + np.exp(-x)), "tanh": np.tanh, "relu": lambda x: np.maximum(x, 0),
    "softsign": lambda x: x / (1 + np.abs(x)), "sin": np.sin, "cos": np.cos, "tan": np.tan,
    "arcsin": np.arcsin, "arccos": np.arccos, "arctan": np.arctan, "sinh": np.sinh,
    "cosh": np.cosh, "arcsinh": np.arcsinh, "arccosh": np.arccosh, "arctanh": np.arctanh,
    "degrees": np.degrees, "radians": np.radians, "erf": special.erf, "floor": np.floor,
    "ceil": np.ceil, "round": _round, "rint": _rint, "trunc": np.trunc, "fix": np.fix,
}

# d/dx of each differentiable unary op, for the fused-backward checks.
UNARY_GRAD = {
    "exp": np.exp, "expm1": np.exp, "log": lambda x: 1 / x, "log1p": lambda x: 1 / (1 + x),
    "log2": lambda x: 1 / (x * math.log(2)), "log10": lambda x: 1 / (x * math.log(10)),
    "sqrt": lambda x: 0.5 / np.sqrt(x), "rsqrt": lambda x: -0.5 * x ** -1.5,
    "cbrt": lambda x: np.cbrt(x) ** -2 / 3, "rcbrt": lambda x: -np.cbrt(x) ** -4 / 3,
    "square": lambda x: 2 * x, "reciprocal": lambda x: -1 / x ** 2, "abs": np.sign,
    "negative": lambda x: -np.ones_like(x), "sigmoid": lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2,
    "tanh": lambda x: 1 - np.tanh(x) ** 2, "relu": lambda x: (x > 0).astype(float),
    "softsign": lambda x: 1 / (1 + np.abs(x)) ** 2, "sin": np.cos, "cos": lambda x: -np.sin(x),
    "tan": lambda x: 1 / np.cos(x) ** 2, "arcsin": lambda x: 1 / np.sqrt(1 - x * x),
    "arccos": lambda x: -1 / np.sqrt(1 - x * x), "arctan": lambda x: 1 / (1 + x * x),
    "sinh": np.cosh, "cosh": np.sinh, "arcsinh": lambda x: 1 / np.sqrt(x * x + 1),
    "arccosh": lambda x: 1 / np.sqrt(x * x - 1), "arctanh": lambda x: 1 / (1 - x * x),
    "degrees": lambda x: np.full_like(x, 180 / math.pi),
    "radians": lambda x: np.full_like(x, math.pi / 180),
    "erf": lambda x: 2 / math.sqrt(math.pi) * np.exp(-x * x),
}

BINARY = {
    "add": np.add, "sub": np.subtract, "mul": np.multiply, "div": np.divide, "mod": _mod,
    "power": np.power, "maximum": _max, "minimum": _min, "hypot": np.hypot,
    "equal": lambda a, b: _b(a == b), "not_equal": lambda a, b: _b(a != b),
    "greater": lambda a, b: _b(a > b), "greater_equal": lambda a, b: _b(a >= b),
    "lesser": lambda a, b: _b(a < b), "lesser_equal": lambda a, b: _b(a <= b),
    "logical_and": lambda a, b: _b((a != 0) & (b != 0)),
    "logical_or": lambda a, b: _b((a != 0) | (b != 0)),
    "logical_xor": lambda a, b: _b((a != 0) != (b != 0)),
}

BINARY_GRAD = {
    "add": (lambda a, b: np.ones_like(a), lambda a, b: np.ones_like(b)),
    "sub": (lambda a, b: np.ones_like(a), lambda a, b: -np.ones_like(b)),
    "mul": (lambda a, b: b, lambda a, b: a),
    "div": (lambda a, b: 1 / b, lambda a, b: -a / b ** 2),
    "mod": (lambda a, b: np.ones_like(a), lambda a, b: -np.floor(a / b)),
    "power": (lambda a, b: b * a ** (b - 1), lambda a, b: a ** b * np.log(a)),
    "maximum": (lambda a, b: _b(a >= b), lambda a, b: _b(a < b)),
    "minimum": (lambda a, b: _b(a <= b), lambda a, b: _b(a > b)),
    "hypot": (lambda a, b: a / np.hypot(a, b), lambda a, b: b / np.hypot(a, b)),
}

# scalar op -> (reference of (x, s), d/dx of (x, s))
SCALAR = {
    "_plus_scalar": (lambda x, s: x + s, lambda x, s: np.ones_like(x)),
    "_minus_scalar": (lambda x, s: x - s, lambda x, s: np.ones_like(x)),
    "_rminus_scalar": (lambda x, s: s - x, lambda x, s: -np.ones_like(x)),
    "_mul_scalar": (lambda x, s: x * s, lambda x, s: np.full_like(x, s)),
    "_div_scalar": (lambda x, s: x / s, lambda x, s: np.full_like(x, 1 / s)),
    "_rdiv_scalar": (lambda x, s: s / x, lambda x, s: -s / x ** 2),
    "_mod_scalar": (lambda x, s: _mod(x, np.full_like(x, s)), lambda x, s: np.ones_like(x)),
    "_rmod_scalar": (lambda x, s: _mod(np.full_like(x, s), x), lambda x, s: -np.floor(s / x)),
    "_power_scalar": (lambda x, s: x ** s, lambda x, s: s * x ** (s - 1)),
    "_rpower_scalar": (lambda x, s: s ** x, lambda x, s: s ** x * math.log(s)),
    "_maximum_scalar": (lambda x, s: _max(x, np.full_like(x, s)), lambda x, s: _b(x >= s)),
    "_minimum_scalar": (lambda x, s: _min(x, np.full_like(x, s)), lambda x, s: _b(x <= s)),
    "_hypot_scalar": (lambda x, s: np.hypot(x, s), lambda x, s: x / np.hypot(x, s)),
    "_equal_scalar": (lambda x, s: _b(x == s), None),
    "_not_equal_scalar": (lambda x, s: _b(x != s), None),
    "_greater_scalar": (lambda x, s: _b(x > s), None),
    "_greater_equal_scalar": (lambda x, s: _b(x >= s), None),
    "_lesser_scalar": (lambda x, s: _b(x < s), None),
    "_lesser_equal_scalar": (lambda x, s: _b(x <= s), None),
    "_logical_and_scalar": (lambda x, s: _b((x != 0) & (s != 0)), None),
    "_logical_or_scalar": (lambda x, s: _b((x != 0) | (s != 0)), None),
    "_logical_xor_scalar": (lambda x, s: _b((x != 0) != (s != 0)), None),
}

# ---------------------------------------------------------------- nn activations (ops/nn.py)
# The private elementwise ops behind Activation / LeakyReLU, and smooth_l1, at their default
# parameters (slope 0.25, scalar 1).
_SELU_L, _SELU_A = 1.0507009873554805, 1.6732632423543772


def _softrelu(x):
    return np.where(x > 20, x, np.log1p(np.exp(np.minimum(x, 20))))


def _sigmoid(x):
    return 0.5 * (1 + np.tanh(0.5 * x))


UNARY.update({
    "_softrelu": _softrelu,
    "_leaky": lambda x: np.where(x > 0, x, 0.25 * x),
    "_elu": lambda x: np.where(x > 0, x, 0.25 * np.expm1(np.minimum(x, 0))),
    "_selu": lambda x: _SELU_L * np.where(x > 0, x, _SELU_A * np.expm1(np.minimum(x, 0))),
    "_gelu": lambda x: 0.5 * x * (1 + special.erf(x / math.sqrt(2))),
    "smooth_l1": lambda x: np.where(np.abs(x) < 1, 0.5 * x * x, np.abs(x) - 0.5),
})
UNARY_GRAD.update({
    "_softrelu": _sigmoid,
    "_leaky": lambda x: np.where(x > 0, 1.0, 0.25),
    "_elu": lambda x: np.where(x > 0, 1.0, 0.25 * np.exp(np.minimum(x, 0))),
    "_selu": lambda x: _SELU_L * np.where(x > 0, 1.0, _SELU_A * np.exp(np.minimum(x, 0))),
    "_gelu": lambda x: (0.5 * (1 + special.erf(x / math.sqrt(2)))
                        + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)),
    "smooth_l1": lambda x: np.where(np.abs(x) < 1, x, np.sign(x)),
})
BINARY["_prelu"] = lambda a, b: np.where(a > 0, a, b * a)
BINARY_GRAD["_prelu"] = (lambda a, b: np.where(a > 0, 1.0, b), lambda a, b: np.where(a > 0, 0.0, a))
# hard_sigmoid's alpha is a `float` attribute in MXNet: 0.2 reaches even float64 arrays as the
# float32 nearest to it (mxnb._dmlc_float).
_HS_ALPHA = float(np.float32(0.2))
UNARY.update({
    "logical_not": lambda x: (x == 0).astype(np.float64),
    "hard_sigmoid": lambda x: np.clip(_HS_ALPHA * x + 0.5, 0, 1),
})
UNARY_GRAD["hard_sigmoid"] = lambda x: np.where(
    (_HS_ALPHA * x + 0.5 > 0) & (_HS_ALPHA * x + 0.5 < 1), _HS_ALPHA, 0.0)
UNARY.update({
    "gamma": special.gamma, "gammaln": special.gammaln, "erfinv": special.erfinv,
    "_polygamma": special.digamma,  # default n=0
})
UNARY_GRAD.update({
    "gamma": lambda x: special.gamma(x) * special.digamma(x),
    "gammaln": special.digamma,
    "erfinv": lambda x: math.sqrt(math.pi) / 2 * np.exp(special.erfinv(x) ** 2),
    "_polygamma": lambda x: special.polygamma(1, x),
})
