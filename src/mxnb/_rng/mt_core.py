"""MT19937 and float-conversion primitives shared by the CPU kernels.

Everything here is an `@njit` helper that the kernels in `cpu_kernels.py`
inline; nothing is a kernel by itself. Imported lazily (it imports numba).

Why the odd style: Numba types arithmetic on `uint32` as 64-bit, which stops
LLVM from packing eight generators' words into one AVX register, so every
intermediate is cast back with `_U(...)`. Indices are unsigned (`uint64`):
signed computed indices get wraparound checks that block vectorisation, and
mixing `uint64` with `int64` silently promotes to float64.

The float32 `log` is a transcription of glibc's `logf` (glibc 2.28 and later,
`sysdeps/ieee754/flt-32/e_logf.c`): MXNet's `std::normal_distribution<float>`
calls glibc `logf`, which is not correctly rounded, so only the same algorithm
reproduces MXNet's normal samples bit for bit. It is plain arithmetic, so it
vectorises, and it does not depend on the platform's libm. It was checked
against glibc 2.36 `logf` on every normal float32 in [2**-126, 2].
"""
import numpy as np

from mxnb._jit import njit, numba

_nb = numba()
from numba import types  # noqa: E402  (numba is imported through mxnb._jit first)
from numba.extending import intrinsic  # noqa: E402

_U = np.uint32
_U64 = np.uint64
NSTATE = 624                      # words in one MT19937 state
_ONE_BELOW_F32 = np.float32(0.99999994)                 # nextafter(1, 0) in float32
_ONE_BELOW_F64 = 1.0 - 2.0 ** -53
_TWO_M32 = np.float32(2.0 ** -32)


@intrinsic
def _u32_to_f32(typingctx, x):
    """uint32 -> float32, rounded to nearest (one `uitofp`, so it vectorises)."""
    if x != types.uint32:
        return None

    def codegen(context, builder, sig, args):
        return builder.uitofp(args[0], context.get_value_type(types.float32))

    return types.float32(types.uint32), codegen


@intrinsic
def _f32_bits(typingctx, x):
    """The bits of a float32 as a uint32."""
    if x != types.float32:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], context.get_value_type(types.uint32))

    return types.uint32(types.float32), codegen


@intrinsic
def _bits_f32(typingctx, x):
    """A uint32 reinterpreted as a float32."""
    if x != types.uint32:
        return None

    def codegen(context, builder, sig, args):
        return builder.bitcast(args[0], context.get_value_type(types.float32))

    return types.float32(types.uint32), codegen


@intrinsic
def _fma(typingctx, a, b, c):
    """Fused multiply-add in float64 (glibc's x86-64 logf is built with FMA)."""
    if not (a == b == c == types.float64):
        return None

    def codegen(context, builder, sig, args):
        return builder.fma(*args)

    return types.float64(types.float64, types.float64, types.float64), codegen


@njit(inline="always")
def temper(y):
    """MT19937 output tempering of one state word."""
    y = _U(y ^ _U(y >> _U(11)))
    y = _U(y ^ _U(_U(y << _U(7)) & _U(0x9D2C5680)))
    y = _U(y ^ _U(_U(y << _U(15)) & _U(0xEFC60000)))
    return _U(y ^ _U(y >> _U(18)))


@njit(inline="always")
def _mix(a, b, c):
    y = _U(_U(a & _U(0x80000000)) | _U(b & _U(0x7FFFFFFF)))
    return _U(_U(c ^ _U(y >> _U(1))) ^ _U(_U(_U(0) - _U(y & _U(1))) & _U(0x9908B0DF)))


@njit
def twist(mt, g):
    """Regenerate the 624 words of generator row `g` in place.

    Split into the index ranges where `i + 397` does and does not wrap, so
    there is no modulo and each range is a plain loop that LLVM vectorises.
    """
    for i in range(_U64(0), _U64(227)):
        mt[g, i] = _mix(mt[g, i], mt[g, i + _U64(1)], mt[g, i + _U64(397)])
    for i in range(_U64(227), _U64(623)):
        mt[g, i] = _mix(mt[g, i], mt[g, i + _U64(1)], mt[g, i - _U64(227)])
    mt[g, 623] = _mix(mt[g, 623], mt[g, 0], mt[g, 396])


@njit
def init_genrand(mt, g, s):
    """Seed row `g` as `std::mt19937::seed(s)` / `init_genrand` does."""
    x = _U(s)
    mt[g, 0] = x
    for i in range(1, NSTATE):
        x = _U(_U(_U(1812433253) * _U(x ^ _U(x >> _U(30)))) + _U(i))
        mt[g, i] = x


@njit(inline="always")
def raw(mt, g, p):
    """Next tempered word of generator `g` at position `p`: (word, new p)."""
    if p >= _U64(NSTATE):
        twist(mt, g)
        p = _U64(0)
    return temper(mt[g, p]), p + _U64(1)


@njit(inline="always")
def u01_f32(y):
    """`std::generate_canonical<float, 24>` of one raw word (libstdc++)."""
    return min(_u32_to_f32(y) * _TWO_M32, _ONE_BELOW_F32)


@njit(inline="always")
def u01_f64(a, b):
    """`std::generate_canonical<double, 53>` of two raw words (libstdc++)."""
    v = (np.float64(a) + np.float64(b) * 4294967296.0) * (2.0 ** -64)
    return min(v, _ONE_BELOW_F64)


@njit(inline="always")
def draw_f32(mt, g, p):
    """One float32 uniform in [0, 1): (u, new p)."""
    y, p = raw(mt, g, p)
    return u01_f32(y), p


@njit(inline="always")
def draw_f64(mt, g, p):
    """One float64 uniform in [0, 1) from two raw words: (u, new p)."""
    a, p = raw(mt, g, p)
    b, p = raw(mt, g, p)
    return u01_f64(a, b), p


_H = float.fromhex
_LOGF_INVC = np.array([_H(v) for v in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0",
    "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
    "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1",
    "0x1.767dcf5534862p-1")])
_LOGF_LOGC = np.array([_H(v) for v in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5",
    "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
    "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2",
    "0x1.4043057b6ee09p-2")])
_LOGF_LN2 = _H("0x1.62e42fefa39efp-1")
_LOGF_A0 = _H("-0x1.00ea348b88334p-2")
_LOGF_A1 = _H("0x1.5575b0be00b6ap-2")
_LOGF_A2 = _H("-0x1.ffffef20a4123p-2")


@njit(inline="always")
def logf(x):
    """glibc's float32 `logf` for positive normal `x` (no special cases).

    Zero, subnormals, negatives, inf and NaN give garbage rather than an
    error; the callers only use those lanes' results after discarding them.
    """
    ix = _f32_bits(x)
    tmp = _U(ix - _U(0x3F330000))
    i = _U64(_U(tmp >> _U(19)) & _U(15))
    k = np.int32(tmp) >> np.int32(23)
    iz = _U(ix - _U(tmp & _U(0xFF800000)))
    z = np.float64(_bits_f32(iz))
    r = _fma(z, _LOGF_INVC[i], -1.0)
    y0 = _fma(np.float64(k), _LOGF_LN2, _LOGF_LOGC[i])
    r2 = r * r
    y = _fma(_LOGF_A1, r, _LOGF_A2)
    y = _fma(_LOGF_A0, r2, y)
    y = _fma(y, r2, y0 + r)
    return np.float32(y)


@njit(inline="always")
def polar_f32(x, y):
    """Marsaglia's polar step in float32: (sample, accepted)."""
    r2 = x * x + y * y
    ok = (r2 <= np.float32(1.0)) and (r2 != np.float32(0.0))
    return y * np.sqrt(np.float32(-2.0) * logf(r2) / r2), ok


@njit(error_model="numpy")
def normal_f32(mt, g, p):
    """`std::normal_distribution<float>` with a fresh object: (z, new p)."""
    while True:
        u, p = draw_f32(mt, g, p)
        v, p = draw_f32(mt, g, p)
        z, ok = polar_f32(np.float32(2.0) * u - np.float32(1.0),
                          np.float32(2.0) * v - np.float32(1.0))
        if ok:
            return z, p


@njit(error_model="numpy")
def normal_f64_once(mt, g, p):
    """One try of the double polar method: (z, new p), z NaN if rejected."""
    u, p = draw_f64(mt, g, p)
    v, p = draw_f64(mt, g, p)
    x = 2.0 * u - 1.0
    y = 2.0 * v - 1.0
    r2 = x * x + y * y
    if r2 <= 1.0 and r2 != 0.0:
        return y * np.sqrt(-2.0 * np.log(r2) / r2), p
    return np.nan, p


@njit(error_model="numpy")
def normal_f64(mt, g, p):
    """`std::normal_distribution<double>` with a fresh object: (z, new p).

    Uses the platform's `log` (glibc's on Linux, as MXNet does).
    """
    while True:
        u, p = draw_f64(mt, g, p)
        v, p = draw_f64(mt, g, p)
        x = 2.0 * u - 1.0
        y = 2.0 * v - 1.0
        r2 = x * x + y * y
        if r2 <= 1.0 and r2 != 0.0:
            return y * np.sqrt(-2.0 * np.log(r2) / r2), p
