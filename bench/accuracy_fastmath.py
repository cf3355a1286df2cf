"""Measure the float32 ulp error of mxnb.kernels.fastmath over every float32 input.

Usage: PYTHONPATH=src python bench/accuracy_fastmath.py [name ...] [--step K]

Walks all 2^32 bit patterns (or every K-th one) in chunks, runs each helper in a
jitted loop compiled as the kernels are (error_model='numpy', fastmath contract),
and compares with the float64 libm function (via Numba's math module). The error is |y - ref| / ulp, where ulp
is the float32 spacing in the binade of the float64 reference (2^-149 for
subnormals); NaN must give NaN, and a reference that rounds to +-inf must be
matched exactly. Prints the max error, where it occurs, and how many inputs exceed
0.5 and 1 ulp. These are the numbers quoted in the fastmath docstrings. Takes a few
minutes per function on 2 cores.
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


def make_loop(fn):
    f = nb.njit(inline="always")(fn)

    @nb.njit(error_model="numpy", fastmath={"contract"})
    def loop(x, out):
        for i in range(x.size):
            out[i] = f(x[i])

    return loop


def make_errors(ref):
    """err[i] = error of float32 y[i] in float32 ulps of ref(x[i]) (inf: a miss)."""

    @nb.njit(parallel=True, error_model="numpy")
    def errors(x, y, err):
        for i in nb.prange(x.size):
            xi = np.float64(x[i])
            if math.isnan(xi):
                err[i] = 0.0 if math.isnan(y[i]) else math.inf
                continue
            r = ref(xi)
            v = np.float64(y[i])
            if math.isnan(r):
                err[i] = 0.0 if math.isnan(v) else math.inf
                continue
            if math.isinf(np.float32(r)):
                err[i] = 0.0 if v == np.float32(r) else math.inf
                continue
            if math.isnan(v) or math.isinf(v):
                err[i] = math.inf
                continue
            a = abs(r)
            if a < 2.0 ** -126:
                u = 2.0 ** -149
            else:
                m, e = math.frexp(a)
                u = math.ldexp(1.0, e - 24)
            err[i] = abs(v - r) / u

    return errors


def measure(name, step=1, chunk=1 << 24):
    fn, ref = REFS[name]
    loop, errors = make_loop(fn), make_errors(ref)
    worst, worst_x, n_half, n_one, n_two, count = 0.0, None, 0, 0, 0, 0
    out = np.empty(chunk, np.float32)
    err = np.empty(chunk, np.float64)
    base = np.arange(0, chunk * step, step, dtype=np.uint64)
    total = 1 << 32
    for start in range(0, total, chunk * step):
        bits = base[: (min(start + chunk * step, total) - start + step - 1) // step] + np.uint64(start)
        x = bits.astype(np.uint32).view(np.float32)
        n = x.size
        loop(x, out[:n])
        errors(x, out[:n], err[:n])
        e = err[:n]
        i = int(np.argmax(e))
        if e[i] > worst:
            worst, worst_x = float(e[i]), float(x[i])
        n_half += int(np.count_nonzero(e > 0.5))
        n_one += int(np.count_nonzero(e > 1.0))
        n_two += int(np.count_nonzero(e > 2.0))
        count += n
    return worst, worst_x, n_half, n_one, n_two, count


def main(argv):
    step = 1
    if "--step" in argv:
        i = argv.index("--step")
        step = int(argv[i + 1])
        argv = argv[:i] + argv[i + 2:]
    names = argv or list(REFS)
    for name in names:
        t0 = time.perf_counter()
        worst, wx, n_half, n_one, n_two, count = measure(name, step)
        print(f"{name:8s} max {worst:.4f} ulp at x={wx!r} ({np.float32(wx).view(np.uint32):#010x}); "
              f">0.5 ulp: {n_half}, >1 ulp: {n_one}, >2 ulp: {n_two} of {count} inputs "
              f"({time.perf_counter() - t0:.0f} s)", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
