"""The CUDA kernels of the random stream against the CPU pool, under Numba's
simulator (tiny sizes: it runs Python per thread) or on a real GPU. Run with
`NUMBA_ENABLE_CUDASIM=1 PYTHONPATH=src python -m pytest tests/cuda/test_rng_cuda.py`.

Everything is bit-identical, float64 normals included: they used the device's `log`
(within an ulp of glibc's, which the CPU uses), which put values up to 2 ulp off on
an H200; both sides now call the same transcription of glibc's `log` (`log_f64`),
whose FMAs are explicit and whose other products and sums NVVM cannot contract.
"""
import os
import warnings

import numpy as np
import pytest
from numba import cuda as _cuda

from mxnb._rng import GeneratorPool

pytestmark = pytest.mark.cudasim       # conftest skips where there is neither GPU nor simulator
SIM = os.environ.get("NUMBA_ENABLE_CUDASIM") == "1"


def same(got, want, sampler, dtype):
    # bit equality for every sampler (float64 normals: see the module docstring)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got.view(f"u{got.itemsize}"), want.view(f"u{want.itemsize}"))


@pytest.fixture
def cuda():
    from numba import cuda

    # uint32 wraparound warns on NumPy scalars; the simulator's threads do not
    # see np.errstate, so silence the warning process-wide for the test
    with warnings.catch_warnings(), np.errstate(over="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)
        yield cuda


def both(seed=42):
    return GeneratorPool(seed), GeneratorPool(seed, target="cuda")


def on_device(cuda, gpool, sampler, n, dtype, *args):
    d = cuda.device_array(n, dtype)
    getattr(gpool, sampler)(d, *args)
    return d.copy_to_host()


def on_host(hpool, sampler, n, dtype, *args):
    h = np.empty(n, dtype)
    getattr(hpool, sampler)(h, *args)
    return h


@pytest.mark.parametrize("sampler,args", [("uniform", ()), ("uniform", (-1.5, 2.0)),
                                          ("normal", ()), ("normal", (0.3, 1.7))])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_same_bits_as_cpu(cuda, sampler, args, dtype):
    host, gpu = both()
    for n in (1, 65, 130):   # 130 = three chunks; the second call continues the stream
        same(on_device(cuda, gpu, sampler, n, dtype, *args),
             on_host(host, sampler, n, dtype, *args), sampler, dtype)


@pytest.mark.parametrize("sampler,dtype,args", [
    ("uniform", np.float32, (-1.5, 2.0)), ("uniform", np.float64, ()),
    ("randint", np.int64, (-7, 1000)), ("normal", np.float32, ()),
    ("normal", np.float64, (0.5, 2.0))])
def test_long_chunks_cross_twists_from_odd_positions(cuda, monkeypatch, sampler, dtype, args):
    """Chunks longer than one state (twists inside one call), starting just before, at and
    just after a twist, so values of two or four words straddle one (a float64 normal
    starting at word 1 carries 3 words over, at word 623 carries 1): the GPU kernels
    against the CPU drivers. Normals run slower under the simulator: shorter chunks."""
    from mxnb._rng import pool as pool_mod

    step = 250 if sampler == "normal" else 700
    monkeypatch.setattr(pool_mod, "plan", lambda n: (3, step))   # the last chunk is shorter
    n = 3 * step - 200
    host, gpu = both(11)
    for p in (host, gpu):
        p._state()[1][:3] = [1, 623, 624]     # the short last chunk may not reach a twist
    same(on_device(cuda, gpu, sampler, n, dtype, *args), on_host(host, sampler, n, dtype, *args),
         sampler, dtype)
    a, b = host.state_copy(), gpu.state_copy()
    assert all(np.array_equal(x, y) for x, y in zip(a, b))


def test_randint_and_per_parameter_forms(cuda):
    host, gpu = both(3)
    for dtype in (np.int32, np.int64):
        np.testing.assert_array_equal(on_device(cuda, gpu, "randint", 100, dtype, -7, 1000),
                                      on_host(host, "randint", 100, dtype, -7, 1000))
    lo, hi = np.array([0.0, 10.0]), np.array([1.0, 12.5])   # float64 parameters
    for dtype in (np.float32, np.float64):
        d = cuda.device_array((2, 40), dtype)
        gpu.uniform_params(d, lo, hi)
        h = np.empty((2, 40), dtype)
        host.uniform_params(h, lo, hi)
        np.testing.assert_array_equal(d.copy_to_host(), h)
        gpu.normal_params(d, lo.astype(np.float32), hi.astype(np.float32))
        host.normal_params(h, lo.astype(np.float32), hi.astype(np.float32))
        same(d.copy_to_host(), h, "normal", dtype)


def test_host_fallbacks_keep_one_stream(cuda):
    host, gpu = both(5)
    np.testing.assert_array_equal(on_device(cuda, gpu, "uniform", 70, np.float32),
                                  on_host(host, "uniform", 70, np.float32))
    for sampler, dtype, args in (("poisson", np.float32, (4.0,)), ("gamma", np.float64, (2.5,)),
                                 ("uniform", np.float16, ())):
        np.testing.assert_array_equal(on_device(cuda, gpu, sampler, 70, dtype, *args),
                                      on_host(host, sampler, 70, dtype, *args))
    np.testing.assert_array_equal(on_device(cuda, gpu, "normal", 70, np.float32),
                                  on_host(host, "normal", 70, np.float32))
    a, b = host.state_copy(), gpu.state_copy()
    assert all(np.array_equal(x, y) for x, y in zip(a[1:], b[1:]))


def test_bad_device_out(cuda):
    _, gpu = both()
    with pytest.raises(TypeError, match="dtype"):
        gpu.uniform(cuda.device_array(4, np.int32))
    with pytest.raises(ValueError, match="less than"):
        gpu.randint(cuda.device_array(4, np.int32), 3, 3)


_k = None        # mxnb._rng.cuda_kernels once a test imports it (kernels see globals)


def _log_kernel(x, out):
    i = _cuda.grid(1)
    if i < x.size:
        out[i] = _k._log_f64(x[i])


def test_log_f64_device_gives_the_cpu_bits(cuda):
    """The device copy of glibc's log on the pinned inputs of tests/test_log_f64.py
    (where a misplaced FMA shows), polar inputs, both sides of the near-1 path's edge
    and tiny values, against the CPU's (glibc's bits). The simulator runs `_fma`
    exactly (its own `cuda.fma` is a*b + c, rounded twice)."""
    global _k
    try:
        from test_log_f64 import PINNED
    except ImportError:             # tests/ imported as a package
        from tests.test_log_f64 import PINNED
    from mxnb._jit import njit
    from mxnb._rng import cuda_kernels as _k
    from mxnb._rng import mt_core

    rng = np.random.default_rng(4)
    n = 100 if SIM else 10 ** 6
    x, y = rng.uniform(-1.0, 1.0, (2, n))
    r2 = x * x + y * y
    d = np.arange(-n // 10, n // 10, dtype=np.int64)
    a = np.concatenate([[float.fromhex(v) for v, _ in PINNED], r2[(r2 > 0.0) & (r2 <= 1.0)],
                        (0x3FEE000000000000 + d).view(np.float64),
                        (0x3FF0000000000000 - n // 10 + d[:n // 10]).view(np.float64),
                        np.ldexp(rng.uniform(1.0, 2.0, n // 5), rng.integers(-60, 0, n // 5)),
                        [1.0]])
    got = np.empty_like(a)
    _cuda.jit(_log_kernel)[(a.size + 127) // 128, 128](a, got)

    @njit
    def cpu(x, out):
        for j in range(x.size):
            out[j] = mt_core.log_f64(x[j])

    want = np.empty_like(a)
    cpu(a, want)
    np.testing.assert_array_equal(got.view(np.int64), want.view(np.int64))
