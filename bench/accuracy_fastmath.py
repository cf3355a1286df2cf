"""Measure the float32 ulp error of mxnb.kernels.fastmath over every float32 input.

Usage: PYTHONPATH=src python bench/accuracy_fastmath.py [name ...] [--step K]

Walks all 2^32 bit patterns (or every K-th one) in chunks and runs each helper in
two jitted loops: one compiled as the kernels are (error_model='numpy', fastmath
contract, so LLVM fuses multiply-adds where the CPU has FMA), one without
contraction (what CPUs without FMA, and the plain-Python version, compute). Both
are compared with the float64 libm function (through Numba's math module). The
error is |y - ref| / ulp, where ulp is the float32 spacing in the binade of the
float64 reference (2^-149 for subnormals); NaN must give NaN, and a reference
that rounds to +-inf must be matched exactly. Prints the max error, where it
occurs, and how many inputs exceed 0.5, 1 and 2 ulp. These are the numbers quoted
in the fastmath docstrings. Takes several minutes per function on 2 cores.
"""
import math
import sys
import time

import numpy as np

from mxnb._jit import numba

nb = numba()
from mxnb.kernels import fastmath as fm  # noqa: E402


@nb.njit
def _sigmoid64(x):
    e = math.exp(-abs(x))
    return (1.0 if x >= 0 else e) / (1.0 + e)


# Float64 references, evaluated with libm inside the error kernel.
REFS = {
    "exp": (fm.exp_f32, math.exp),
    "expm1": (fm.expm1_f32, math.expm1),
    "log": (fm.log_f32, math.log),
    "log1p": (fm.log1p_f32, math.log1p),
    "tanh": (fm.tanh_f32, math.tanh),
    "sigmoid": (fm.sigmoid_f32, _sigmoid64),
    "erf": (fm.erf_f32, math.erf),
}


def make_loop(fn, contract):
    f = nb.njit(inline="always")(fn)
    opts = {"fastmath": {"contract"}} if contract else {}

    @nb.njit(error_model="numpy", **opts)
    def loop(x, out):
        for i in range(x.size):
            out[i] = f(x[i])

    return loop


def make_reference(ref):
    @nb.njit(parallel=True)
    def reference(x, out):
        for i in nb.prange(x.size):
            out[i] = ref(np.float64(x[i]))

    return reference


# The float32 ulp in the binade of a float64 with biased exponent field E.
_ULP = np.maximum(2.0 ** (np.arange(2048.0) - 1023 - 23), 2.0 ** -149)


@nb.njit(parallel=True, error_model="numpy")
def errors(ref, ref_bits, y, err):
    """err[j, i] = error of float32 y[j, i] in float32 ulps of ref[i] (inf: a miss)."""
    for i in nb.prange(ref.size):
        r = ref[i]
        r32 = np.float32(r)
        u = _ULP[(ref_bits[i] >> 52) & 0x7FF]
        for j in range(y.shape[0]):
            v = np.float64(y[j, i])
            if math.isnan(r):
                e = 0.0 if math.isnan(v) else math.inf
            elif math.isinf(r32):
                e = 0.0 if v == r32 else math.inf
            elif math.isnan(v) or math.isinf(v):
                e = math.inf
            else:
                e = abs(v - r) / u
            err[j, i] = e


VARIANTS = ("fma", "no-fma")


def measure(name, step=1, chunk=1 << 24):
    """Per variant (with FMA contraction, as on this CPU; without, as on CPUs
    without FMA and in plain Python): [max error, x at max, count > 0.5, > 1, > 2 ulp]."""
    fn, ref = REFS[name]
    loops = [make_loop(fn, True), make_loop(fn, False)]
    reference = make_reference(ref)
    ref64 = np.empty(chunk, np.float64)
    stats = [[0.0, None, 0, 0, 0] for _ in loops]
    out = np.empty((len(loops), chunk), np.float32)
    err = np.empty((len(loops), chunk), np.float64)
    base = np.arange(0, chunk * step, step, dtype=np.uint64)
    total, count = 1 << 32, 0
    for start in range(0, total, chunk * step):
        bits = base[: (min(start + chunk * step, total) - start + step - 1) // step] + np.uint64(start)
        x = bits.astype(np.uint32).view(np.float32)
        n = x.size
        for j, loop in enumerate(loops):
            loop(x, out[j, :n])
        reference(x, ref64[:n])
        errors(ref64[:n], ref64[:n].view(np.int64), out[:, :n], err[:, :n])
        for j, st in enumerate(stats):
            e = err[j, :n]
            i = int(np.argmax(e))
            if e[i] > st[0]:
                st[0], st[1] = float(e[i]), float(x[i])
            st[2] += int(np.count_nonzero(e > 0.5))
            st[3] += int(np.count_nonzero(e > 1.0))
            st[4] += int(np.count_nonzero(e > 2.0))
        count += n
    return stats, count


def main(argv):
    step = 1
    if "--step" in argv:
        i = argv.index("--step")
        step = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    names = argv or list(REFS)
    for name in names:
        t0 = time.perf_counter()
        stats, count = measure(name, step)
        for variant, (worst, wx, n_half, n_one, n_two) in zip(VARIANTS, stats):
            print(f"{name:8s} {variant:6s} max {worst:.4f} ulp at x={wx!r} "
                  f"({np.float32(wx).view(np.uint32):#010x}); >0.5 ulp: {n_half}, "
                  f">1 ulp: {n_one}, >2 ulp: {n_two} of {count} inputs", flush=True)
        print(f"  ({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
