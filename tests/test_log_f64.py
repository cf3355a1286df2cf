"""`mt_core.log_f64` (glibc's double `log`, transcribed) gives glibc's bits.

The float64 polar sampler takes the log of r2 in (0, 1]; MXNet calls glibc's `log`
there, and the GPU must give the same bits as the CPU, so `log_f64` copies glibc's
algorithm with the FMAs where glibc's x86-64 FMA build has them. The oracle is
the C library's `log`, called from `@njit` as `np.log` (NumPy's own array `np.log`
has its own SIMD code and is not the oracle): only glibc >= 2.28 on x86-64 with
FMA and AVX2 (the variant glibc picks there) is the reference, so those tests skip
elsewhere. Pinned glibc 2.36 results, among them inputs on which a misplaced FMA
changes the result, check the transcription on every platform.
`bench/check_log_f64.py` runs the large version (about 4 * 10**7 inputs).
"""
import math
import platform

import numpy as np
import pytest

from mxnb._jit import njit
from mxnb._rng import mt_core as _c


def _glibc_fma():
    libc, ver = platform.libc_ver()
    if libc != "glibc" or platform.machine() != "x86_64":
        return False
    if tuple(int(v) for v in ver.split(".")[:2]) < (2, 28):
        return False
    try:
        with open("/proc/cpuinfo") as f:
            flags = f.read()
    except OSError:
        return False
    return " fma" in flags and " avx2" in flags


glibc = pytest.mark.skipif(not _glibc_fma(),
                           reason="the oracle is glibc >= 2.28's log on x86-64 with FMA")
OFF = 0x3FE6000000000000
ONE = 0x3FF0000000000000

# (x, glibc 2.36's log(x)), hex. The first ten change if one FMA of the
# transcription is a separate multiply and add: z*invc - 1 (two), the last two
# of the main path's polynomial, and three near-1 sites; the rest are edges.
PINNED = [
    ("0x1.c14ef643faccap-1", "-0x1.0b7fe24154d26p-3"),
    ("0x1.09527168ce17ap-1", "-0x1.509425e9f7154p-1"),
    ("0x1.4a04e64edc1eap-1", "-0x1.c1b6d288f74e5p-2"),
    ("0x1.3df96255ecb60p-1", "-0x1.e7c97a4687edcp-2"),
    ("0x1.e2000000000c3p-1", "-0x1.eea31c006ab89p-5"),
    ("0x1.e047dad569634p-1", "-0x1.05f48ffb050edp-4"),
    ("0x1.ea427247e6501p-1", "-0x1.6372ba58ac43cp-5"),
    ("0x1.e9854e7b8606ap-1", "-0x1.6fcd8c01500f5p-5"),
    ("0x1.e1c052ea2ca83p-1", "-0x1.f2dd9e52687f7p-5"),
    ("0x1.8c2f6f6b0e9d1p-9", "-0x1.734dbe32da947p+2"),
    ("0x1p-60", "-0x1.4cb5ecf0a9650p+5"),
    ("0x1.ep-1", "-0x1.08598b59e3a07p-4"),               # near-1 path's lower edge
    ("0x1.dffffffffffffp-1", "-0x1.08598b59e3a0fp-4"),   # just below it: table path
    ("0x1.fffffffffffffp-1", "-0x1.0000000000000p-53"),
    ("0x1.6p-1", "-0x1.7fafa3bd8151cp-2"),               # OFF: a table edge
    ("0x1.5ffffffffffffp-1", "-0x1.7fafa3bd8151fp-2"),
]


@njit
def _ours(x, out):
    for j in range(x.size):
        out[j] = _c.log_f64(x[j])


@njit
def _libm(x, out):
    for j in range(x.size):
        out[j] = np.log(x[j])


def assert_glibc_bits(x):
    ours, ref = np.empty_like(x), np.empty_like(x)
    _ours(x, ours)
    _libm(x, ref)
    bad = np.flatnonzero(ours.view(np.int64) != ref.view(np.int64))
    assert bad.size == 0, [(x[i].hex(), ours[i].hex(), ref[i].hex()) for i in bad[:5]]


def test_pinned_glibc_results():
    x = np.array([float.fromhex(a) for a, _ in PINNED])
    out = np.empty_like(x)
    _ours(x, out)
    assert [v.hex() for v in out] == [float.fromhex(b).hex() for _, b in PINNED]


def test_one_is_plus_zero():
    out = np.empty(1)
    _ours(np.array([1.0]), out)
    assert out.view(np.int64)[0] == 0          # +0.0 as glibc, not -0.0


@glibc
def test_polar_inputs():
    rng = np.random.default_rng(7)
    x, y = rng.uniform(-1.0, 1.0, (2, 400_000))
    r2 = x * x + y * y
    assert_glibc_bits(r2[(r2 > 0.0) & (r2 <= 1.0)])


@glibc
def test_near_one_and_its_edge():
    d = np.arange(-(1 << 15), 1 << 15, dtype=np.int64)
    lower = 0x3FEE000000000000 + d                       # both sides of 1 - 2**-4
    below1 = ONE - (1 << 15) + d                         # the last 2**16 doubles below 1
    assert_glibc_bits(np.concatenate([lower, below1, [ONE]]).view(np.float64))


@glibc
def test_table_interval_edges():
    j = np.arange(128, dtype=np.int64)[:, None] << 45
    d = np.arange(-16, 16, dtype=np.int64)[None, :]
    x = np.concatenate([(OFF + (e << 52) + j + d).ravel() for e in (-60, -31, -7, -1, 0)])
    x = x.view(np.float64)
    assert_glibc_bits(x[x <= 1.0])


@glibc
def test_tiny_values():
    rng = np.random.default_rng(8)
    e = np.repeat(np.arange(-60, 0), 2000)
    x = np.concatenate([np.ldexp(rng.uniform(1.0, 2.0, e.size), e),
                        np.ldexp(1.0, np.arange(-60, 1))])
    assert_glibc_bits(x)


@glibc
def test_oracle_is_libm():
    # numba's np.log in njit and Python's math.log are the same C function
    x = np.random.default_rng(9).uniform(0.0, 1.0, 2000)
    ref = np.empty_like(x)
    _libm(x, ref)
    assert [math.log(v).hex() for v in x] == [v.hex() for v in ref]
