"""Check `mt_core.log_f64` (glibc's double `log`, transcribed) against this machine's glibc.

    python bench/check_log_f64.py              # CPU: about 3 * 10**7 inputs, some seconds
    python bench/check_log_f64.py --n 1e8      # more random polar inputs
    python bench/check_log_f64.py --cuda       # also the device copy (real GPU or simulator)

The oracle is numba's `np.log` inside `@njit`, which calls the C library's `log`
(NumPy's own `np.log` on arrays has its own SIMD code and is not the oracle). It is
glibc's result only on glibc >= 2.28, x86-64 with FMA (the `-mfma -mavx2` variant);
elsewhere mismatches measure the platform, not the transcription. Prints the number
of inputs and of mismatches for each family, and exits 1 if any differ.
"""
import argparse
import math
import platform
import sys
import time

import numpy as np
from numba import cuda

from mxnb._jit import njit
from mxnb._rng import mt_core as _c

OFF = 0x3FE6000000000000
ONE = 0x3FF0000000000000


@njit
def _ours(x, out):
    for j in range(x.size):
        out[j] = _c.log_f64(x[j])


@njit
def _libm(x, out):
    for j in range(x.size):
        out[j] = np.log(x[j])


def polar(n, seed):
    """`n` draws of r2 = x*x + y*y, x and y uniform in [-1, 1], kept if in (0, 1]."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1.0, 1.0, n)
    y = rng.uniform(-1.0, 1.0, n)
    r2 = x * x + y * y
    return r2[(r2 > 0.0) & (r2 <= 1.0)]


def near_one(half_width):
    """Every double within `half_width` ulps of 1 - 2**-4 (the near-1 path's lower edge),
    of 1 from below, and of 1 + 0x1.09p-4 (its upper edge, above the sampler's range)."""
    d = np.arange(-half_width, half_width, dtype=np.int64)
    edges = [0x3FEE000000000000, ONE - half_width, 0x3FF1090000000000]
    return np.concatenate([e + d for e in edges]).view(np.float64)


def table_edges(half_width, exponents):
    """Doubles around each of the 128 table intervals' edges, in binades 2**e for e in
    `exponents` (the interval index and the exponent both change at these)."""
    j = np.arange(128, dtype=np.int64) << 45
    d = np.arange(-half_width, half_width, dtype=np.int64)
    ix = [OFF + (e << 52) + j[:, None] + d[None, :] for e in exponents]
    x = np.concatenate([a.ravel() for a in ix]).view(np.float64)
    return x[(x > 0.0) & (x <= 1.0)]


def tiny(per_binade, seed):
    """Random mantissas in every binade from 2**-60 to 1, plus the powers of two."""
    rng = np.random.default_rng(seed)
    e = np.repeat(np.arange(-60, 0), per_binade)
    m = rng.uniform(1.0, 2.0, e.size)
    return np.concatenate([np.ldexp(m, e), np.ldexp(1.0, np.arange(-60, 1))])


def mismatches(x):
    ours = np.empty_like(x)
    ref = np.empty_like(x)
    _ours(x, ours)
    _libm(x, ref)
    return np.flatnonzero(ours.view(np.int64) != ref.view(np.int64)), ours, ref


_k = None                               # mxnb._rng.cuda_kernels, imported with --cuda


def _cuda_log(a, out):
    i = cuda.grid(1)
    if i < a.size:
        out[i] = _k._log_f64(a[i])


def cuda_mismatches(x):
    """The device copy on `x` (keep it tiny under the simulator), against glibc."""
    global _k
    from mxnb._rng import cuda_kernels as _k

    out = np.empty_like(x)
    cuda.jit(_cuda_log)[(x.size + 127) // 128, 128](x, out)
    ref = np.array([math.log(v) for v in x])
    return np.flatnonzero(out.view(np.int64) != ref.view(np.int64))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=float, default=2.6e7, help="random (x, y) pairs")
    ap.add_argument("--cuda", action="store_true", help="also check the CUDA device copy")
    args = ap.parse_args()
    print(platform.libc_ver(), platform.machine())
    fams = [("polar r2", polar(int(args.n), 1)),
            ("near 1", near_one(1 << 20)),
            ("table edges", table_edges(1 << 10, range(-60, 1))),
            ("tiny", tiny(1 << 14, 2))]
    bad = 0
    for name, x in fams:
        t = time.perf_counter()
        idx, ours, ref = mismatches(x)
        t = time.perf_counter() - t
        bad += idx.size
        print(f"{name:12s} {x.size:>10d} inputs  {idx.size} differ  ({t:.1f} s)")
        for i in idx[:5]:
            print(f"    x={x[i].hex()} ours={ours[i].hex()} glibc={ref[i].hex()}")
    # python's math.log is the same glibc function: a spot check that the oracle is libm's
    x = fams[0][1][:100000]
    py = np.array([math.log(v) for v in x])
    _, _, ref = mismatches(x)
    same = np.array_equal(py.view(np.int64), ref.view(np.int64))
    print("numba np.log == math.log on 1e5 inputs:", same)
    bad += not same
    if args.cuda:
        from numba import config

        n = 2000 if config.ENABLE_CUDASIM else 10 ** 6
        x = np.concatenate([f[1][::max(1, f[1].size // n)][:n] for f in fams])
        idx = cuda_mismatches(x)
        bad += idx.size
        print(f"cuda{' (simulator)' if config.ENABLE_CUDASIM else ''}: {x.size} inputs, "
              f"{idx.size} differ")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
