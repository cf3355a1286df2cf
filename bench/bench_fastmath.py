"""Speed of the fastmath helpers against Numba's math.* and NumPy, 1e6 float32, 1 thread.

Run: PYTHONPATH=src python -m pytest bench/bench_fastmath.py --benchmark-enable \
         --benchmark-columns=min,median,mean --benchmark-sort=name

Each group (one per function) times three serial loops over the same input:
``fast`` (the helper wrapped in njit(inline='always'), as the kernel builder does),
``math`` (Numba calling math.exp etc., a scalar libm call per element) and
``numpy`` (the ufunc, or scipy.special.erf, writing into a preallocated output).
The float16 group times a float16 add through h2f/f2h against NumPy's float16 add.

Measured (min of many rounds, microseconds per 1e6 elements; 2-vCPU Zen 3 VM, AVX2,
NumPy using its AVX2 loops, machine shared with other jobs, so medians were noisy):
fast / math / numpy: exp 542 / 2896 / 2274, log 858 / 3235 / 2522, tanh 1035 / 68916
/ 4186, expm1 704 / 27942 / 27219, log1p 1194 / 29547 / 29909, sigmoid 935 / 3232 /
2870, erf 1229 / 35523 / 56760 (scipy.special.erf); float16 add 523 vs NumPy 11635.
"""
import math

import numpy as np
import pytest

from mxnb._jit import numba as _numba

nb = _numba()
from mxnb.kernels import fastmath as fm  # noqa: E402
from mxnb.kernels.intrinsics import f2h, h2f  # noqa: E402

N = 1_000_000
F1 = np.float32(1.0)


def _m_sigmoid(x):
    return F1 / (F1 + math.exp(-x))


def _np_sigmoid(x, out):
    np.negative(x, out=out)
    np.exp(out, out=out)
    out += F1
    np.divide(F1, out, out=out)


def _np_erf(x, out):
    special = pytest.importorskip("scipy.special")
    special.erf(x, out=out)


# name: (helper, scalar math function, numpy(x, out), input domain)
CASES = {
    "exp": (fm.exp_f32, math.exp, lambda x, o: np.exp(x, out=o), (-80.0, 80.0)),
    "expm1": (fm.expm1_f32, math.expm1, lambda x, o: np.expm1(x, out=o), (-5.0, 5.0)),
    "log": (fm.log_f32, math.log, lambda x, o: np.log(x, out=o), (1e-3, 1e3)),
    "log1p": (fm.log1p_f32, math.log1p, lambda x, o: np.log1p(x, out=o), (-0.9, 10.0)),
    "tanh": (fm.tanh_f32, math.tanh, lambda x, o: np.tanh(x, out=o), (-5.0, 5.0)),
    "sigmoid": (fm.sigmoid_f32, _m_sigmoid, _np_sigmoid, (-10.0, 10.0)),
    "erf": (fm.erf_f32, math.erf, _np_erf, (-3.0, 3.0)),
}


def _loop(scalar):
    @nb.njit(error_model="numpy", fastmath={"contract"})
    def loop(x, out):
        for i in range(x.size):
            out[i] = scalar(x[i])

    return loop


def _data(name):
    lo, hi = CASES[name][3]
    rng = np.random.default_rng(0)
    if name == "log":   # log-uniform, so that every exponent in range is hit
        x = np.exp(rng.uniform(np.log(lo), np.log(hi), N))
    else:
        x = rng.uniform(lo, hi, N)
    return x.astype(np.float32), np.empty(N, np.float32)


@pytest.mark.parametrize("name", list(CASES))
@pytest.mark.parametrize("impl", ["fast", "math", "numpy"])
def test_unary(benchmark, name, impl):
    helper, scalar, np_fn, _ = CASES[name]
    x, out = _data(name)
    benchmark.group = name
    if impl == "numpy":
        np_fn(x, out)
        benchmark(np_fn, x, out)
        return
    fn = helper if impl == "fast" else scalar
    if not isinstance(fn, type(math.exp)):   # math.* builtins are used as they are
        fn = nb.njit(inline="always")(fn)
    loop = _loop(fn)
    loop(x, out)
    benchmark(loop, x, out)


@nb.njit
def _f16_add(a, b, out):
    for i in range(a.size):
        out[i] = f2h(h2f(a[i]) + h2f(b[i]))


@pytest.mark.parametrize("impl", ["h2f/f2h", "numpy"])
def test_float16_add(benchmark, impl):
    rng = np.random.default_rng(1)
    a = rng.standard_normal(N).astype(np.float16)
    b = rng.standard_normal(N).astype(np.float16)
    out = np.empty(N, np.float16)
    benchmark.group = "float16 add"
    if impl == "numpy":
        benchmark(np.add, a, b, out=out)
    else:
        ua, ub, uo = a.view(np.uint16), b.view(np.uint16), out.view(np.uint16)
        _f16_add(ua, ub, uo)
        benchmark(_f16_add, ua, ub, uo)
