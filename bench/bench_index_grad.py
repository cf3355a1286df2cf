"""Gradients of take, topk and sort beside NumPy, measured in the same run (float32 data).

Each mxnb row records the forward op and runs its backward (the fused scatter-add); the NumPy
row does the same work by hand:

* take of 1e6 indices from a 1e6-element vector, and of 1e6 rows of a (65536, 8) table:
  forward `np.take`, backward `np.add.at` into zeros;
* topk (k=10, values) of a (4096, 1000) array along the last axis: `argpartition`, an `argsort`
  of the k kept, a gather, then `np.put_along_axis` of the head gradient into zeros;
* sort of the same array: `argsort`, a gather, and `np.put_along_axis` of the head gradient.

Run with `python -m pytest bench/bench_index_grad.py --benchmark-enable
--benchmark-group-by=group --benchmark-columns=median,iqr,rounds`.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd

N = 4096
K = 10


def _data(shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


def _ints(high, n, seed=1):
    return np.random.RandomState(seed).randint(0, high, n)


def _recorded(op, x, head):
    def run():
        with autograd.record():
            y = op(x)
        y.backward(head)
    return run


def _take(shape):
    def make():
        a = _data(shape)
        i = _ints(shape[0], 1_000_000)
        head = _data((1_000_000,) + shape[1:], seed=2)
        x, idx, h = mx.nd.array(a), mx.nd.array(i, dtype="int32"), mx.nd.array(head)
        x.attach_grad()

        def numpy():
            np.take(a, i, axis=0)
            g = np.zeros_like(a)
            np.add.at(g, i, head)
            return g
        return _recorded(lambda v: mx.nd.take(v, idx), x, h), numpy
    return make


def _topk():
    a = _data((N, 1000))
    head = _data((N, K), seed=2)
    x, h = mx.nd.array(a), mx.nd.array(head)
    x.attach_grad()

    def numpy():
        part = np.argpartition(-a, K - 1, axis=-1)[:, :K]
        order = np.argsort(-np.take_along_axis(a, part, -1), axis=-1, kind="stable")
        idx = np.take_along_axis(part, order, -1)
        np.take_along_axis(a, idx, -1)
        g = np.zeros_like(a)
        np.put_along_axis(g, idx, head, -1)
        return g
    return _recorded(lambda v: mx.nd.topk(v, k=K, ret_typ="value"), x, h), numpy


def _sort():
    a = _data((N, 1000))
    head = _data((N, 1000), seed=2)
    x, h = mx.nd.array(a), mx.nd.array(head)
    x.attach_grad()

    def numpy():
        idx = np.argsort(a, axis=-1)
        np.take_along_axis(a, idx, -1)
        g = np.empty_like(a)
        np.put_along_axis(g, idx, head, -1)
        return g
    return _recorded(lambda v: mx.nd.sort(v), x, h), numpy


CASES = {
    "take+grad 1e6 of 1e6": _take((1_000_000,)),
    "take+grad 1e6 rows of (65536,8)": _take((65536, 8)),
    "topk+grad k=10 (4096,1000)": _topk,
    "sort+grad (4096,1000)": _sort,
}


@pytest.mark.parametrize("impl", ["mxnb", "numpy"])
@pytest.mark.parametrize("case", list(CASES))
def test_index_grad(benchmark, case, impl):
    mx_fn, np_fn = CASES[case]()
    fn = mx_fn if impl == "mxnb" else np_fn
    fn()    # compile (mxnb) and warm the caches before timing
    benchmark.group = case
    benchmark(fn)
