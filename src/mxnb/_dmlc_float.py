"""The float32 value MXNet 1.9.1 gives an operator's `float` parameter.

MXNet's frontend passes every keyword argument as `str(value)`, and dmlc-core parses it with
its own `dmlc::stof`, not the C library's: integer and fraction digits are read separately,
the fraction is divided in double, rounded to float32 and only then added to the integer part
in float32, and the exponent scales in float32 too. So `rescale_grad=1.2304113526906009`
becomes 1.2304112911224365, one ulp below `np.float32(1.2304113526906009)`; about one random
double in ten parses differently from `np.float32(x)`. Short decimals (0.1, 0.001, 0.9) and
integers parse as `np.float32` would.

>>> float(stof("1.2304113526906009")), float(np.float32(1.2304113526906009))
(1.2304112911224365, 1.2304114103317261)
"""
import numpy as np

from .base import MXNetError

_F = np.float32
_MAX_DIGITS = 19      # dmlc's kStrtofMaxDigits: later fraction digits are ignored
_cache = {}


def stod(s):
    """dmlc::stod(s): the same digit-by-digit parse in double (MXNet's `double` parameters, such
    as the `scalar` of `x * 0.1`); about one random double in fourteen comes out an ulp off."""
    return _parse(s, float)


_as_double = {}
_as_single = {}


def double_attr(v):
    """The double MXNet parses from `str(v)` for a Python float `v` (a `double` attribute)."""
    r = _as_double.get(v)
    if r is None:
        if v != v or v == 0.0 or v in (float("inf"), float("-inf")):
            return v  # NaN never hits a cache; +-0.0 share a key; both parse to themselves
        r = stod(repr(v))
        if len(_as_double) > 4096:
            _as_double.clear()
        _as_double[v] = r
    return r


def single_attr(v):
    """The float32 (as a Python float) MXNet parses from `str(v)` for a Python float `v`
    (a `float` attribute: clip's bounds, LeakyReLU's slope, ...)."""
    r = _as_single.get(v)
    if r is None:
        if v != v or v == 0.0 or v in (float("inf"), float("-inf")):
            return v
        try:
            r = float(stof(repr(v)))
        except (OverflowError, ValueError):
            return v  # out of float32 range: the caller's own cast decides, as before
        if len(_as_single) > 4096:
            _as_single.clear()
        _as_single[v] = r
    return r


def float_param(v):
    """`single_attr` for any value a user passes to a `float` parameter (str, int or float),
    as a Python float: LayerNorm's eps=1e-5 is 9.99999974738e-06 in MXNet, also on float64 data.

    >>> float_param(1e-5)
    9.999999747378752e-06
    """
    if isinstance(v, str):
        return float(stof(v))
    return single_attr(float(v))


def stof(s):
    """dmlc::stof(s) (its range-checked variant), as a NumPy float32; OverflowError out of range."""
    return _parse(s, _F)


def _parse(s, T):
    """dmlc's ParseFloat in the type `T` (np.float32 for stof, float for stod): every step is
    rounded to T, as the C++ template does."""
    s = s.strip()
    i, n = 0, len(s)
    positive = True
    if i < n and s[i] in "+-":
        positive = s[i] == "+"
        i += 1
    low = s[i:i + 3].lower()
    if low == "inf":
        return T(np.inf if positive else -np.inf)
    if low == "nan":
        return T(np.nan)
    predec = 0
    while i < n and s[i].isdigit():
        predec = (predec * 10 + int(s[i])) % (1 << 64)   # uint64 arithmetic
        i += 1
    value = T(predec)
    if i < n and s[i] == ".":
        i += 1
        val2, pow10, count = 0, 1, 0
        while i < n and s[i].isdigit():
            if count < _MAX_DIGITS:
                val2 = val2 * 10 + int(s[i])
                pow10 *= 10
            i += 1
            count += 1
        value = T(value + T(float(val2) / float(pow10)))
    if i < n and s[i] in "eE":
        i += 1
        negative = False
        if i < n and s[i] in "+-":
            negative = s[i] == "-"
            i += 1
        expon = 0
        while i < n and s[i].isdigit():
            expon = expon * 10 + int(s[i])
            i += 1
        if T is _F and (expon > 38 or (expon == 38 and (
                (not negative and value > _F(3.402823466))
                or (negative and value < _F(1.175494351))))):
            raise OverflowError(s)
        scale = T(1)
        while expon >= 8:
            scale = T(scale * T(1e8))
            expon -= 8
        while expon > 0:
            scale = T(scale * T(10))
            expon -= 1
        value = T(value / scale) if negative else T(value * scale)
    if i == 0 or (i < n and s[i:] not in ("f", "F")):
        raise ValueError(s)
    return value if positive else -value


def param(value, name, op):
    """MXNet's float32 for parameter `name` of operator `op` given `value` (cached)."""
    key = (value.__class__, value)
    r = _cache.get(key)
    if r is None:
        s = str(value)
        try:
            r = stof(s)
        except OverflowError:
            raise MXNetError(f"Out of range value for {name}, value='{s}', in operator "
                             f"{op}") from None
        except ValueError:
            raise MXNetError(f"Invalid Parameter format for {name} expect float but value="
                             f"'{s}', in operator {op}") from None
        if len(_cache) > 4096:
            _cache.clear()
        _cache[key] = r
    return r
