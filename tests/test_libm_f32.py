"""`kernels.libm_f32`: glibc's float32 expf and logf, vectorised, bit for bit (MXNet's exp,
sigmoid and log).

The oracle is the C library's `expf` (numba's `math.exp` on a float32), which is glibc's
algorithm only on glibc >= 2.28: elsewhere the comparison with the C library is skipped,
and the MXNet literals below still hold."""
import math
import platform

import numpy as np
import pytest

import mxnb as mx
from mxnb._jit import njit
from mxnb.kernels import libm_f32
from mxnb.kernels.intrinsics import f64_as_i64, fma64, i64_as_f64

_libc, _ver = platform.libc_ver()
GLIBC = _libc == "glibc" and tuple(map(int, _ver.split(".")[:2])) >= (2, 28)
needs_glibc = pytest.mark.skipif(not GLIBC, reason=f"C library is {_libc} {_ver}, not glibc 2.28+")


@njit(error_model="numpy")
def _libm_exp(x, out):
    for i in range(x.size):
        out[i] = math.exp(x[i])


@njit(error_model="numpy")
def _libm_log(x, out):
    for i in range(x.size):
        out[i] = math.log(x[i])


FNS = {"exp": (libm_f32.expf_fma, libm_f32.expf_plain, libm_f32.expf_for_host, _libm_exp,
               np.exp, (-100.0, 90.0)),
       "log": (libm_f32.logf_fma, libm_f32.logf_plain, libm_f32.logf_for_host, _libm_log,
               np.log, (1e-30, 1e30))}


def _kernel(fn):
    @njit(error_model="numpy")
    def run(x, out):
        for i in range(x.size):
            out[i] = fn(x[i])

    return run


def _inputs():
    # every 256th bit pattern (16.7M, both signs, NaNs and infinities included), then the
    # edges: exp's overflow, underflow limits and subnormal results; 0, +-1, tiny, subnormals
    u = np.arange(0, 1 << 32, 256, dtype=np.uint64).astype(np.uint32).view(np.float32)
    edges = np.array([88.72283, 88.722839, 88.72284, -87.33654, -103.27893, -103.97207,
                      -103.972084, -104.0, 0.0, -0.0, 1.0, -1.0, 1e-8, -1e-8, np.inf, -np.inf,
                      1e-45, 1e-40, 1.1754942e-38, 1.1754944e-38, 3.4028235e38],
                     np.float32)
    with np.errstate(over="ignore"):  # the step past FLT_MAX is inf, as wanted
        near = np.concatenate([np.nextafter(edges, np.float32(np.inf)),
                               np.nextafter(edges, np.float32(-np.inf))])
    return np.concatenate([u, edges, near.astype(np.float32)])


@needs_glibc
@pytest.mark.parametrize("name", FNS)
def test_matches_the_c_library(name):
    x = _inputs()
    ref = np.empty_like(x)
    out = np.empty_like(x)
    with np.errstate(all="ignore"):
        FNS[name][3](x, ref)
        _kernel(FNS[name][2]())(x, out)
    both_nan = np.isnan(out) & np.isnan(ref)
    bad = (out.view(np.uint32) != ref.view(np.uint32)) & ~both_nan
    assert not bad.any(), x[bad][:10]
    assert (np.signbit(out) == np.signbit(ref))[both_nan].all()  # x86's default NaN is negative


@pytest.mark.parametrize("name", FNS)
def test_the_two_builds_agree_away_from_rounding_ties(name):
    # The FMA and plain builds differ only where a double lands within ~2^-50 of a float32
    # rounding boundary: about one input in 2^27. On 2^20 random inputs: none.
    lo, hi = FNS[name][5]
    rs = np.random.RandomState(0)
    x = (rs.uniform(lo, hi, 1 << 20) if name == "exp" else
         np.exp(rs.uniform(np.log(lo), np.log(hi), 1 << 20))).astype(np.float32)
    a, b = np.empty_like(x), np.empty_like(x)
    with np.errstate(all="ignore"):
        _kernel(FNS[name][0])(x, a)
        _kernel(FNS[name][1])(x, b)
    np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", FNS)
def test_accuracy_against_float64(name):
    rs = np.random.RandomState(1)
    x = (rs.uniform(-87, 88, 1 << 18) if name == "exp" else
         np.exp(rs.uniform(-80, 80, 1 << 18))).astype(np.float32)
    out = np.empty_like(x)
    _kernel(FNS[name][2]())(x, out)
    ref = FNS[name][4](x.astype(np.float64))
    ulp = 2.0 ** (np.floor(np.log2(np.abs(ref))) - 23)  # of the exact result's binade
    # glibc's stated bounds: expf 0.502 ulp, logf 0.818 ulp
    assert np.max(np.abs(out - ref) / ulp) <= {"exp": 0.503, "log": 0.819}[name]


def test_mxnet_literals():
    # MXNet 1.9.1 (glibc expf and logf): nd.exp, nd.sigmoid and nd.log on these values
    x = mx.nd.array([4.0, -1.0, 0.5, 10.0, -7.25, 88.7])
    assert mx.nd.exp(x).asnumpy().tolist() == [
        54.598148345947266, 0.3678794503211975, 1.6487212181091309, 22026.46484375,
        0.0007101743831299245, 3.325976864406685e+38]
    assert mx.nd.sigmoid(x).asnumpy().tolist() == [
        0.9820137619972229, 0.2689414322376251, 0.622459352016449, 0.9999545812606812,
        0.0007096704212017357, 1.0]
    x = mx.nd.array([10.0, 0.5, 2.0, 1e-3, 123.456, 1e-40])
    assert mx.nd.log(x).asnumpy().tolist() == [
        2.3025851249694824, -0.6931471824645996, 0.6931471824645996, -6.907755374908447,
        4.815884590148926, -92.10340881347656]


def test_helpers():
    assert fma64(0.1, 10.0, -1.0) == 2.0 ** -54
    assert f64_as_i64(-0.0) == -(1 << 63)
    assert i64_as_f64(0x7FF0000000000000) == np.inf

    @njit
    def jitted(a, b, c):
        return fma64(a, b, c), i64_as_f64(f64_as_i64(a) + 1)

    assert jitted(0.1, 10.0, -1.0) == (2.0 ** -54, np.nextafter(0.1, 1.0))


def test_fast_math_setting_uses_the_polynomial_under_other_kernel_names():
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np, mxnb as mx\n"
        "from mxnb.kernels import builder, fastmath\n"
        "x = np.random.RandomState(3).uniform(0.1, 20, 4096).astype(np.float32)\n"
        "y = mx.nd.exp(mx.nd.array(x)).asnumpy()\n"
        "z = mx.nd.log(mx.nd.array(x)).asnumpy()\n"
        "import numba\n"
        "@numba.njit(fastmath={'contract'}, error_model='numpy')\n"  # as the kernels compile
        "def ref(x, e, l):\n"
        "    for i in range(x.size):\n"
        "        e[i] = fastmath.exp_f32(x[i]); l[i] = fastmath.log_f32(x[i])\n"
        "e, l = np.empty_like(x), np.empty_like(x); ref(x, e, l)\n"
        "ok = (y == e).all() and (z == l).all()\n"
        "print(builder.FAST_MATH, bool(ok), builder._source_hash())\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600,
                       env={**os.environ, "MXNB_FAST_MATH": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    fast, equal, digest = r.stdout.split()
    assert (fast, equal) == ("True", "True")
    from mxnb.kernels import builder

    assert not builder.FAST_MATH and digest != builder._source_hash()
