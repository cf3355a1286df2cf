"""float16 load/store and float32 bit-cast intrinsics: bit-exact against NumPy.

h2f/f2h are checked on both code paths: the F16C one (where the CPU has it) and the
portable integer one (forced via intrinsics._HW_HALF = False), and once in a fresh
process compiled for a generic x86-64 CPU, where an LLVM half conversion would
become an unresolved runtime call and crash.
"""
import os
import re
import subprocess
import sys

import numpy as np
import pytest

from mxnb._jit import numba as _numba

nb = _numba()
from mxnb.kernels import intrinsics  # noqa: E402
from mxnb.kernels.intrinsics import f2h, f32_as_i32, h2f, i32_as_f32  # noqa: E402


def _kernels():
    @nb.njit
    def load(u, out):
        for i in range(u.size):
            out[i] = h2f(u[i])

    @nb.njit
    def store(x, out):
        for i in range(x.size):
            out[i] = f2h(x[i])

    return load, store


_BUILT = {}


def kernels(hw):
    """(load, store) loops compiled with the F16C path (hw=None: auto) or without."""
    if hw not in _BUILT:
        saved = intrinsics._HW_HALF
        intrinsics._HW_HALF = hw
        try:
            load, store = _kernels()
            load(np.zeros(4, np.uint16), np.empty(4, np.float32))
            store(np.zeros(4, np.float32), np.empty(4, np.uint16))
        finally:
            intrinsics._HW_HALF = saved
        _BUILT[hw] = load, store
    return _BUILT[hw]


def all_halves():
    return np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)


def float_sample():
    """Random bit patterns plus every float16 rounding boundary and NaN/inf edge."""
    rng = np.random.default_rng(99)
    rand = rng.integers(0, 1 << 32, 1 << 21, dtype=np.uint64).astype(np.uint32).view(np.float32)
    halves = all_halves()[:0x7C00].view(np.float16).astype(np.float64)   # finite, >= 0
    mids = (halves[1:] + halves[:-1]) / 2                              # exact ties
    ties = np.concatenate([mids, [65520.0, 65504.0 + 8, 2.0 ** -25, 3 * 2.0 ** -26]]).astype(np.float32)
    near = np.concatenate([ties, np.nextafter(ties, 0), np.nextafter(ties, np.inf)])
    nan_bits = np.concatenate([
        np.uint32(0x7F800000) + rng.integers(1, 1 << 23, 4096).astype(np.uint32),  # any NaN
        np.uint32(0x7F800000) + np.arange(1, 1 << 13, dtype=np.uint32),           # payload < 2^13
        np.array([0x7F800001, 0x7FC00000, 0x7FBFFFFF, 0x7FFFFFFF, 0x7F802000], np.uint32),
    ])
    edges = np.array([0.0, np.inf, 65504.0, 65519.996, 65536.0, 1e38, 2.0 ** -24, 2.0 ** -14,
                      2.0 ** -149, 2.0 ** -126, 6e-8, 3e-8], np.float32)
    x = np.concatenate([rand, near, nan_bits.view(np.float32), edges])
    return np.concatenate([x, -x])


@pytest.mark.parametrize("hw", [None, False], ids=["auto", "portable"])
def test_h2f_all_halves_bit_exact(hw):
    load, _ = kernels(hw)
    u = all_halves()
    out = np.empty(u.size, np.float32)
    load(u, out)
    want = u.view(np.float16).astype(np.float32)
    bad = out.view(np.uint32) != want.view(np.uint32)
    assert not bad.any(), (u[bad][:8], out.view(np.uint32)[bad][:8], want.view(np.uint32)[bad][:8])


@pytest.mark.parametrize("hw", [None, False], ids=["auto", "portable"])
def test_f2h_bit_exact(hw):
    _, store = kernels(hw)
    x = float_sample()
    out = np.empty(x.size, np.uint16)
    store(x, out)
    with np.errstate(all="ignore"):
        want = x.astype(np.float16).view(np.uint16)
    bad = out != want
    assert not bad.any(), (x.view(np.uint32)[bad][:8], out[bad][:8], want[bad][:8])


def test_round_trip_and_add_match_numpy_float16():
    load, store = kernels(None)

    @nb.njit
    def add(a, b, out):
        for i in range(a.size):
            out[i] = f2h(h2f(a[i]) + h2f(b[i]))

    rng = np.random.default_rng(3)
    a = (rng.standard_normal(4096) * 100).astype(np.float16)
    b = (rng.standard_normal(4096) * 100).astype(np.float16)
    out = np.empty(a.size, np.uint16)
    add(a.view(np.uint16), b.view(np.uint16), out)
    np.testing.assert_array_equal(out, (a + b).view(np.uint16))


def test_python_versions_match_numpy():
    for u in [0x0000, 0x8000, 0x0001, 0x03FF, 0x3C00, 0x7BFF, 0x7C00, 0xFC00, 0x7C01, 0x7E00, 0xFE3F]:
        want = np.uint16(u).view(np.float16).astype(np.float32)
        got = h2f(np.uint16(u))
        assert type(got) is np.float32 and got.view(np.uint32) == want.view(np.uint32)
    with np.errstate(all="ignore"):
        for v in [0.0, -0.0, 1.0, 65520.0, 1e-8, np.inf, np.nan, -3.14159]:
            got = f2h(np.float32(v))
            assert type(got) is np.uint16 and got == np.float32(v).astype(np.float16).view(np.uint16)
    assert f32_as_i32(np.float32(-2.0)) == -0x40000000
    assert i32_as_f32(np.int64(-0x40000000)) == np.float32(-2.0)
    assert i32_as_f32(0x3F800000 + (5 << 32)) == np.float32(1.0)   # low 32 bits only


def test_bitcasts_jitted():
    @nb.njit
    def roundtrip(x):
        return i32_as_f32(f32_as_i32(x) ^ np.int32(-0x80000000)), f32_as_i32(x)

    neg, bits = roundtrip(np.float32(1.5))
    assert neg == -1.5 and bits == 0x3FC00000
    (sig,) = roundtrip.nopython_signatures
    assert sig.return_type == nb.types.Tuple((nb.float32, nb.int32))


def test_f32_as_i32_rejects_float64():
    @nb.njit
    def bad(x):
        return f32_as_i32(x)

    with pytest.raises(nb.core.errors.TypingError):
        bad(1.0)


@pytest.mark.parametrize("hw", [None, False], ids=["auto", "portable"])
def test_loops_vectorise(hw):
    from numba.core.registry import cpu_target

    features = getattr(cpu_target.target_context.codegen(), "_tm_features", "") or ""
    width = 8 if "+avx" in features.split(",") else 4
    for k in kernels(hw):
        ir = k.inspect_llvm(k.signatures[0])
        # the float side of the conversion is a vector; no runtime-library calls
        # (__extendhfsf2 / __truncsfhf2) that the JIT could not resolve anyway
        widths = {int(w) for w in re.findall(r"<(\d+) x float>", ir)}
        assert max(widths, default=0) >= width
        assert not re.search(r"call [^\n]*@__", ir)


_GENERIC_SCRIPT = """
import numpy as np
from mxnb.kernels.intrinsics import h2f, f2h
from mxnb._jit import numba
nb = numba()

@nb.njit
def load(u, out):
    for i in range(u.size):
        out[i] = h2f(u[i])

@nb.njit
def store(x, out):
    for i in range(x.size):
        out[i] = f2h(x[i])

u = np.arange(1 << 16, dtype=np.uint32).astype(np.uint16)
f = np.empty(u.size, np.float32)
load(u, f)
assert (f.view(np.uint32) == u.view(np.float16).astype(np.float32).view(np.uint32)).all()
h = np.empty(u.size, np.uint16)
store(f, h)
assert (h == u).all()
print("ok")
"""


@pytest.mark.skipif(not sys.platform.startswith("linux") or os.uname().machine != "x86_64",
                    reason="checks x86-64 code generation without F16C")
def test_generic_cpu_does_not_crash():
    env = dict(os.environ, NUMBA_CPU_NAME="generic", MXNB_NO_CACHE="1")
    src = os.path.join(os.path.dirname(__file__), os.pardir, "src")
    env["PYTHONPATH"] = os.pathsep.join([os.path.abspath(src), env.get("PYTHONPATH", "")])
    res = subprocess.run([sys.executable, "-c", _GENERIC_SCRIPT], env=env,
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and res.stdout.strip() == "ok", (res.returncode, res.stderr[-2000:])


def test_import_mxnb_does_not_import_numba():
    code = "import sys, mxnb, mxnb.kernels; assert 'numba' not in sys.modules; print('ok')"
    src = os.path.join(os.path.dirname(__file__), os.pardir, "src")
    env = dict(os.environ, PYTHONPATH=os.path.abspath(src))
    res = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.strip() == "ok", res.stderr[-2000:]
