"""Fused optimizer updates: mxnb's one-loop kernels beside the same update written in NumPy.

Run with `python -m pytest bench/bench_optimizer.py --benchmark-enable
--benchmark-group-by=group`. Each mxnb call is the usual in-place step (`out=weight`, states
updated in place); the NumPy version does the same work with in-place ufuncs on float32
arrays (scalars as float32, so NumPy stays in float32 too).
"""
import numpy as np
import pytest

import mxnb as mx

SIZES = [1_000, 1_000_000]
F = np.float32


def _data(n, k):
    rng = np.random.RandomState(0)
    return [rng.uniform(-1, 1, n).astype(F) for _ in range(k)]


# ---------------------------------------------------------------- NumPy versions


def _np_sgd(w, g, lr=F(0.1), wd=F(1e-4)):
    w *= F(1) - lr * wd
    w -= lr * g


def _np_sgd_mom(w, g, m, lr=F(0.1), mo=F(0.9), wd=F(1e-4)):
    m *= mo
    m -= (lr * wd) * w
    m -= lr * g
    w += m


def _np_adam(w, g, mean, var, lr=F(1e-3), b1=F(0.9), b2=F(0.999), eps=F(1e-8), wd=F(1e-4)):
    gr = g + wd * w
    mean *= b1
    mean += (F(1) - b1) * gr
    var *= b2
    gr *= gr
    gr *= F(1) - b2
    var += gr
    d = np.sqrt(var)
    d += eps
    np.divide(mean, d, out=d)
    d *= lr
    w -= d


CASES = {
    "sgd_update": (0, dict(lr=0.1, wd=1e-4), _np_sgd),
    "sgd_mom_update": (1, dict(lr=0.1, momentum=0.9, wd=1e-4), _np_sgd_mom),
    "adam_update": (2, dict(lr=1e-3, wd=1e-4), _np_adam),
}


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", sorted(CASES))
def test_update_mxnb(benchmark, op, n):
    nstates, kw, _ = CASES[op]
    w, g, *st = (mx.nd.array(a) for a in _data(n, 2 + nstates))
    if op == "adam_update":
        st[1][:] = mx.nd.abs(st[1])
    fn = getattr(mx.nd, op)
    fn(w, g, *st, out=w, **kw)   # compile (or load) before timing
    benchmark.group = f"{op} n={n}"
    benchmark(fn, w, g, *st, out=w, **kw)


@pytest.mark.parametrize("n", SIZES)
@pytest.mark.parametrize("op", sorted(CASES))
def test_update_numpy(benchmark, op, n):
    nstates, _, fn = CASES[op]
    w, g, *st = _data(n, 2 + nstates)
    if op == "adam_update":
        np.abs(st[1], out=st[1])
    benchmark.group = f"{op} n={n}"
    benchmark(fn, w, g, *st)
