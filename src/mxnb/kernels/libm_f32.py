"""glibc's float32 `expf`, transcribed so that Numba loops vectorise and give its bits.

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
`expf` on every one of the 2^32 float32 inputs (`bench/check_expf.py`): equal on
all of them except the payload bits of signalling NaNs (both give a NaN).
`tests/test_libm_f32.py` checks a strided sample of 2^24 inputs and the edges.

About 2x the float32 polynomial's cost (float64 lanes are half as many); still
within the memory traffic's time for most CPUs on large arrays (see bench/README.md).

This module imports numba: import it only from kernel-building code.

>>> import numpy as np
>>> float(expf_fma(np.float32(4.0)))     # MXNet 1.9.1 prints 54.59815
54.598148345947266
"""
import numpy as np

from mxnb._jit import numba as _numba

from .intrinsics import f64_as_i64, fma64, i64_as_f64

__all__ = ["expf_fma", "expf_plain", "expf_for_host"]

_jitable = _numba().extending.register_jitable

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


@_jitable
def _scale(ki):
    """2^(ki / 32) as glibc's table gives it (bits of the product, corrected, exponent added)."""
    s = _A16 if (ki << 59) < 0 else 1.0  # bit 4 of ki in the sign: one select, no compare
    s = s * (_A8 if (ki << 60) < 0 else 1.0)
    s = s * (_A4 if (ki << 61) < 0 else 1.0)
    s = s * (_A2 if (ki << 62) < 0 else 1.0)
    s = s * (_A1 if (ki << 63) < 0 else 1.0)
    d = ((_CORR >> ((ki & 31) << 1)) & 3) - 1
    return i64_as_f64(f64_as_i64(s) + d + ((ki >> 5) << 52))


@_jitable
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
