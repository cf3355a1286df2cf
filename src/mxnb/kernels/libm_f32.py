"""glibc's float32 `expf` and `logf`, transcribed so that Numba loops vectorise and give its bits.

MXNet's CPU kernels call the C library on float32 (`mshadow_op::exp` is `expf`,
`sigmoid` is `1.0f / (1.0f + expf(-x))`), so MXNet's numbers are glibc's.
Numba's own `math.exp` on a float32 calls the same `expf`, but as a scalar call
that stops the loop from vectorising. `expf` here is glibc's algorithm (2.28 and
later, from Arm's optimized-routines) in plain arithmetic:

    k = round(x * 32 / ln 2),  r = x * 32 / ln 2 - k   (in float64)
    exp(x) = 2^(k / 32) * (1 + C2 r + C1 r^2 + C0 r^3), rounded once to float32

glibc reads 2^(j / 32), j = k mod 32, from a 32-entry table; a table read
with a lane-dependent index would stop the vectoriser, so here the same double
is built from the bits of j: the product of 2^(2^b / 32) over j's set bits
(at most 5 ulp from the table's value) plus a correction of -1, 0 or 1 ulp per
j, packed two bits per j into one 64-bit constant. The result is the table's
value exactly, so nothing else changes.

glibc has two builds of `expf` on x86-64 and picks one when the process starts:
with FMA and AVX2 its compiler fuses four multiply-adds (read off the machine
code of glibc 2.36's `__expf_fma`), without them nothing is fused.
`expf_for_host()` gives the matching transcription, with explicit fused
multiply-adds (`fma64`) where glibc has them. Compared with the C library's
`expf` on every one of the 2^32 float32 inputs (`bench/check_libm_f32.py`): equal on
all of them, NaN payloads included (glibc's special cases are selects here).
`tests/test_libm_f32.py` checks a strided sample of 2^24 inputs and the edges.

`logf` (same origin) reads `1/c` and `log(c)` for 16 subintervals from a table:
here a tree of 15 selects on the index's 4 bits picks each, and the FMA build's
five fused multiply-adds are kept (again read off glibc 2.36's machine code).
Equal to the C library on all 2^32 inputs as well.

The cost: float64 lanes are half as many, and the selects add work. On 1e7 float32
elements (2 cores) exp takes about 10 ms against 5.9 ms for mxnb's float32 polynomial,
log about 20 ms against 7.4 ms; NumPy takes 44 and 80-120 ms. `MXNB_FAST_MATH=1` makes
the kernels use the polynomials (`kernels/builder.py`).

This module imports numba: import it only from kernel-building code.

>>> import numpy as np
>>> float(expf_fma(np.float32(4.0)))     # MXNet 1.9.1 prints 54.59815
54.598148345947266
"""
import numpy as np

from mxnb._jit import numba as _numba

from .intrinsics import f32_as_i32, f64_as_i64, fma64, i32_as_f32, i64_as_f64

__all__ = ["expf_fma", "expf_plain", "expf_for_host", "logf_fma", "logf_plain", "logf_for_host",
           "LOGF_INVC", "LOGF_LOGC"]

_jitable = _numba().extending.register_jitable
# helpers are inlined by numba itself: left to LLVM, logf's stayed calls and its loops scalar
_inline = _numba().njit(inline="always")

_N = 32
_INVLN2N = float.fromhex("0x1.71547652b82fep+0") * _N
_SHIFT = float.fromhex("0x1.8p+52")
_C0 = float.fromhex("0x1.c6af84b912394p-5") / _N / _N / _N
_C1 = float.fromhex("0x1.ebfce50fac4f3p-3") / _N / _N
_C2 = float.fromhex("0x1.62e42ff0c52d6p-1") / _N
_OVER = float.fromhex("0x1.62e42ep6")     # above: inf (float32 overflow)
_UNDER = -float.fromhex("0x1.9fe368p6")   # below: 0 (under 2^-150)
_LO, _HI = -104.0, 89.0                   # clamp: keeps k's bits sane, the selects decide


def _factors():
    """2^(2^b / 32) for b = 0..4, and the packed per-j corrections to their products."""
    f = [np.float64(2.0 ** ((1 << b) / _N)) for b in range(5)]
    packed = 0
    for j in range(_N):
        s = np.float64(1.0)
        for b in (4, 3, 2, 1, 0):  # the kernels' order
            s = s * (f[b] if j >> b & 1 else np.float64(1.0))
        d = int(np.float64(2.0 ** (j / _N)).view(np.int64)) - int(s.view(np.int64))
        if not -1 <= d <= 1:
            raise AssertionError(f"expf: 2^({j}/32) is {d} ulp from its factors' product")
        packed |= (d + 1) << (2 * j)
    return [float(v) for v in f], np.int64(np.uint64(packed).view(np.int64))


(_A1, _A2, _A4, _A8, _A16), _CORR = _factors()


@_inline
def _scale(ki):
    """2^(ki / 32) as glibc's table gives it (bits of the product, corrected, exponent added)."""
    s = _A16 if (ki << 59) < 0 else 1.0  # bit 4 of ki in the sign: one select, no compare
    s = s * (_A8 if (ki << 60) < 0 else 1.0)
    s = s * (_A4 if (ki << 61) < 0 else 1.0)
    s = s * (_A2 if (ki << 62) < 0 else 1.0)
    s = s * (_A1 if (ki << 63) < 0 else 1.0)
    d = ((_CORR >> ((ki & 31) << 1)) & 3) - 1
    return i64_as_f64(f64_as_i64(s) + d + ((ki >> 5) << 52))


@_inline
def _finish(x, xd, y):
    # glibc's special cases as selects: inf above log(FLT_MAX), 0 below log(2^-150), NaN as x + x
    y = np.inf if xd > _OVER else y
    y = 0.0 if xd < _UNDER else y
    r = np.float32(y)
    return x + x if x != x else r


@_jitable
def expf_fma(x):
    """glibc's `expf` as its FMA build computes it (x86-64 CPUs with FMA and AVX2).

    >>> float(expf_fma(np.float32(-1.0)))
    0.3678794503211975
    """
    xd = np.float64(x)
    xc = min(max(xd, _LO), _HI)
    kd = fma64(_INVLN2N, xc, _SHIFT)
    ki = f64_as_i64(kd)
    kd -= _SHIFT
    r = fma64(_INVLN2N, xc, -kd)
    y = fma64(fma64(_C0, r, _C1), r * r, fma64(_C2, r, 1.0))
    return _finish(x, xd, y * _scale(ki))


@_jitable
def expf_plain(x):
    """glibc's `expf` as its generic build computes it (no fused multiply-adds).

    Kernels calling it must be compiled without FMA contraction.

    >>> float(expf_plain(np.float32(-1.0)))
    0.3678794503211975
    """
    xd = np.float64(x)
    xc = min(max(xd, _LO), _HI)
    z = _INVLN2N * xc
    kd = z + _SHIFT
    ki = f64_as_i64(kd)
    kd -= _SHIFT
    r = z - kd
    y = (_C0 * r + _C1) * (r * r) + (_C2 * r + 1.0)
    return _finish(x, xd, y * _scale(ki))


def expf_for_host():
    """The transcription of the `expf` build glibc picks on this CPU (its x86-64 ifunc:
    the FMA build where the CPU has FMA and AVX2)."""
    from llvmlite import binding as ll

    feats = ll.get_host_cpu_features()
    return expf_fma if feats.get("fma") and feats.get("avx2") else expf_plain


# ---------------------------------------------------------------- logf

_H = float.fromhex
# glibc's __logf_data: 1/c and log(c) for 16 subintervals of [0x1.66p-1, 0x1.66p0)
LOGF_INVC = tuple(_H(v) for v in (
    "0x1.661ec79f8f3bep+0", "0x1.571ed4aaf883dp+0", "0x1.49539f0f010bp+0",
    "0x1.3c995b0b80385p+0", "0x1.30d190c8864a5p+0", "0x1.25e227b0b8eap+0",
    "0x1.1bb4a4a1a343fp+0", "0x1.12358f08ae5bap+0", "0x1.0953f419900a7p+0",
    "0x1p+0", "0x1.e608cfd9a47acp-1", "0x1.ca4b31f026aap-1",
    "0x1.b2036576afce6p-1", "0x1.9c2d163a1aa2dp-1", "0x1.886e6037841edp-1",
    "0x1.767dcf5534862p-1"))
LOGF_LOGC = tuple(_H(v) for v in (
    "-0x1.57bf7808caadep-2", "-0x1.2bef0a7c06ddbp-2", "-0x1.01eae7f513a67p-2",
    "-0x1.b31d8a68224e9p-3", "-0x1.6574f0ac07758p-3", "-0x1.1aa2bc79c81p-3",
    "-0x1.a4e76ce8c0e5ep-4", "-0x1.1973c5a611cccp-4", "-0x1.252f438e10c1ep-5",
    "0x0p+0", "0x1.aa5aa5df25984p-5", "0x1.c5e53aa362eb4p-4",
    "0x1.526e57720db08p-3", "0x1.bc2860d22477p-3", "0x1.1058bc8a07ee1p-2",
    "0x1.4043057b6ee09p-2"))
LOGF_LN2 = _H("0x1.62e42fefa39efp-1")
LOGF_A0 = _H("-0x1.00ea348b88334p-2")
LOGF_A1 = _H("0x1.5575b0be00b6ap-2")
LOGF_A2 = _H("-0x1.ffffef20a4123p-2")
_NAN32 = i32_as_f32(np.int32(-0x400000))     # x86's default NaN (0xffc00000), as 0/0 gives
_ZERO32, _INF32, _NINF32 = np.float32(0.0), np.float32(np.inf), np.float32(-np.inf)
_TWO23 = np.float32(2.0 ** 23)


@_inline
def _pick16(i, t):
    """t[i] for i in [0, 16) as a tree of selects on i's bits (a table read would not
    vectorise); `t` is a constant tuple, so every leaf is a constant."""
    b0 = (i & 1) != 0
    b1 = (i & 2) != 0
    b2 = (i & 4) != 0
    a0 = t[1] if b0 else t[0]
    a1 = t[3] if b0 else t[2]
    a2 = t[5] if b0 else t[4]
    a3 = t[7] if b0 else t[6]
    a4 = t[9] if b0 else t[8]
    a5 = t[11] if b0 else t[10]
    a6 = t[13] if b0 else t[12]
    a7 = t[15] if b0 else t[14]
    c0 = a1 if b1 else a0
    c1 = a3 if b1 else a2
    c2 = a5 if b1 else a4
    c3 = a7 if b1 else a6
    d0 = c1 if b2 else c0
    d1 = c3 if b2 else c2
    return d1 if (i & 8) != 0 else d0


@_inline
def _logf_parts(x):
    """(z, k, i, special, special value) of glibc's logf for a float32 x."""
    ix0 = f32_as_i32(x)
    # subnormals: scaled by 2^23 into the normals, 23 taken off the exponent (glibc's
    # uint32 arithmetic: wraps below zero, as the masks below do)
    ixs = f32_as_i32(x * _TWO23) - (23 << 23)
    ix = (ixs if (ix0 > 0 and ix0 < 0x00800000) else ix0) & 0xFFFFFFFF
    tmp = (ix - 0x3F330000) & 0xFFFFFFFF
    i = (tmp >> 19) & 15
    k = np.int32(tmp) >> 23
    z = np.float64(i32_as_f32(ix - (tmp & 0xFF800000)))
    # the special cases: 1 -> +0, +-0 -> -inf, inf -> inf, x < 0 -> NaN, NaN -> x + x
    a = ix0 & 0x7FFFFFFF
    sv = _ZERO32
    sv = _NINF32 if a == 0 else sv
    sv = _NAN32 if ix0 < 0 and a != 0 else sv
    sv = _INF32 if ix0 == 0x7F800000 else sv
    sv = x + x if a > 0x7F800000 else sv
    special = ix0 == 0x3F800000 or a == 0 or ix0 < 0 or a >= 0x7F800000
    return z, k, i, special, sv


@_jitable
def logf_fma(x):
    """glibc's `logf` as its FMA build computes it (x86-64 CPUs with FMA and AVX2).

    >>> float(logf_fma(np.float32(10.0)))
    2.3025851249694824
    """
    z, k, i, special, sv = _logf_parts(x)
    r = fma64(z, _pick16(i, LOGF_INVC), -1.0)
    y0 = fma64(np.float64(k), LOGF_LN2, _pick16(i, LOGF_LOGC))
    r2 = r * r
    y = fma64(LOGF_A1, r, LOGF_A2)
    y = fma64(LOGF_A0, r2, y)
    y = fma64(y, r2, y0 + r)
    return sv if special else np.float32(y)


@_jitable
def logf_plain(x):
    """glibc's `logf` as its generic build computes it (no fused multiply-adds).

    >>> float(logf_plain(np.float32(10.0)))
    2.3025851249694824
    """
    z, k, i, special, sv = _logf_parts(x)
    r = z * _pick16(i, LOGF_INVC) - 1.0
    y0 = _pick16(i, LOGF_LOGC) + np.float64(k) * LOGF_LN2
    r2 = r * r
    y = LOGF_A1 * r + LOGF_A2
    y = LOGF_A0 * r2 + y
    y = y * r2 + (y0 + r)
    return sv if special else np.float32(y)


def logf_for_host():
    """The `logf` build glibc picks on this CPU (as `expf_for_host`)."""
    return logf_fma if expf_for_host() is expf_fma else logf_plain
