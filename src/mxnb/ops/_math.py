"""The names an op's scalar functions may use, as plain Python.

Op files write their scalar forward/backward functions against these names
(`T(1) / (T(1) + exp(-x))`). The kernel builder compiles each function with
the names rebound per dtype and target: `T` becomes the compute type
(np.float32 for float32 and float16, np.float64, or an integer type), `exp`
becomes a vectorisable float32 polynomial on the CPU or `math.exp` on CUDA.
The plain-Python values below are only what a reader (or a debugger) sees.
"""
import math

import numpy as np

T = float
exp = math.exp
expm1 = math.expm1
log = math.log
log1p = math.log1p
log2 = math.log2
log10 = math.log10
tanh = math.tanh
sqrt = math.sqrt
sin = math.sin
cos = math.cos
tan = math.tan
asin = math.asin
acos = math.acos
atan = math.atan
sinh = math.sinh
cosh = math.cosh
asinh = math.asinh
acosh = math.acosh
atanh = math.atanh
erf = math.erf
floor = math.floor
ceil = math.ceil
trunc = math.trunc
fabs = math.fabs
copysign = math.copysign
fmod = math.fmod
pow = math.pow  # noqa: A001 - rebound per target like the others
hypot = math.hypot
isnan = math.isnan
cbrt = np.cbrt  # the C library's cbrt (math.cbrt needs Python 3.11)

NAMES = (
    "exp", "expm1", "log", "log1p", "log2", "log10", "tanh", "sqrt", "sin", "cos", "tan",
    "asin", "acos", "atan", "sinh", "cosh", "asinh", "acosh", "atanh", "erf", "floor",
    "ceil", "trunc", "fabs", "copysign", "fmod", "pow", "hypot", "isnan", "cbrt",
)
