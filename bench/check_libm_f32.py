"""Check `libm_f32` (glibc's float32 `expf` and `logf`, transcribed) against this machine's C
library on every float32 input.

    python bench/check_libm_f32.py                 # exp and log, all 2**32 inputs: a minute each
    python bench/check_libm_f32.py log --step 4096 # every 4096th bit pattern: seconds

The oracle is numba's `math.exp`/`math.log` on a float32 inside `@njit`, which calls the C
library's `expf`/`logf` (NumPy's float32 ufuncs have their own SIMD code and are not the
oracle). It is glibc's result only on glibc >= 2.28; on x86-64 glibc runs its FMA build
where the CPU has FMA and AVX2, as `expf_for_host()` does. NaNs whose payloads differ are
counted apart. Exits 1 on any other mismatch, and prints the first few.
"""
import argparse
import math
import platform
import sys
import time

import numpy as np
from numba import prange

from mxnb._jit import njit
from mxnb.kernels import libm_f32


@njit(inline="always")
def _exp(x):
    return math.exp(x)


@njit(inline="always")
def _log(x):
    return math.log(x)


def _sweep(fn, ref):
    @njit(parallel=True, error_model="numpy")
    def sweep(step, chunks):
        res = np.zeros((chunks, 3), np.int64)  # mismatches, NaN-payload-only, first bad input
        per = (1 << 32) // chunks
        for c in prange(chunks):
            a = c * per
            for u in range(a, a + per, step):
                x = np.uint32(u).view(np.float32)
                g = np.float32(ref(x))
                v = np.float32(fn(x))
                if v.view(np.int32) != g.view(np.int32):
                    if v != v and g != g:
                        res[c, 1] += 1
                    else:
                        if res[c, 0] == 0:
                            res[c, 2] = u
                        res[c, 0] += 1
        return res

    return sweep


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("fn", nargs="*", help="exp, log (default: both)")
    ap.add_argument("--step", type=int, default=1, help="check every step-th bit pattern")
    args = ap.parse_args()
    failed = False
    for name in args.fn or ["exp", "log"]:
        fn, ref = {"exp": (libm_f32.expf_for_host(), _exp),
                   "log": (libm_f32.logf_for_host(), _log)}[name]
        print(f"{platform.libc_ver()}, {platform.machine()}; transcription: {fn.__name__}")
        t = time.time()
        with np.errstate(all="ignore"):
            res = _sweep(fn, ref)(args.step, 4096)
        n = (1 << 32) // args.step
        bad, nan = int(res[:, 0].sum()), int(res[:, 1].sum())
        print(f"{n} inputs in {time.time() - t:.0f} s: {bad} mismatches, {nan} NaN payloads differ")
        for u in [int(u) for u, k in zip(res[:, 2], res[:, 0]) if k][:10]:
            x = np.uint32(u).view(np.float32)
            print(f"  {name}({x!r}) [0x{u:08x}]")
        failed |= bad > 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
