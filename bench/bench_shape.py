"""Shape and indexing ops beside NumPy, measured in the same run (float32 data).

* transpose of a 4096x4096 array (a copy; NumPy: `np.ascontiguousarray(a.T)`, since `a.T`
  alone is a view and costs nothing);
* concat of four (1024, 4096) arrays along axis 0 and along axis 1;
* take of 1e6 indices from a 1e6-element vector, and of 1e6 rows from a (65536, 8) table;
* advanced-index getitem: 2048 random rows of a 4096x4096 array (`x[idx]` with an NDArray
  index), and 1e6 (row, column) pairs of it (`x[rows, cols]`);
* sort, argsort and topk (k=10, indices) of a (4096, 1000) array along the last axis
  (NumPy's topk: `argpartition`, then an `argsort` of the k kept values).

Run with `python -m pytest bench/bench_shape.py --benchmark-enable --benchmark-group-by=group
--benchmark-columns=median,iqr,rounds`; compare the two rows of each group (other load on the
machine moves both).
"""
import numpy as np
import pytest

import mxnb as mx

N = 4096
K = 10


def _data(shape, seed=0):
    return np.random.RandomState(seed).standard_normal(shape).astype(np.float32)


def _ints(high, n, seed=1):
    return np.random.RandomState(seed).randint(0, high, n)


def np_topk(a, k):
    """Indices of the k largest entries of each row, largest first (MXNet's topk order)."""
    part = np.argpartition(-a, k - 1, axis=-1)[:, :k]
    vals = np.take_along_axis(a, part, axis=-1)
    return np.take_along_axis(part, np.argsort(-vals, axis=-1, kind="stable"), axis=-1)


def _transpose():
    a = _data((N, N))
    x = mx.nd.array(a)
    return lambda: mx.nd.transpose(x), lambda: np.ascontiguousarray(a.T)


def _concat(axis):
    def make():
        parts = [_data((1024, N), seed=s) for s in range(4)]
        xs = [mx.nd.array(p) for p in parts]
        return (lambda: mx.nd.concat(*xs, dim=axis),
                lambda: np.concatenate(parts, axis=axis))
    return make


def _take_vector():
    a = _data(1_000_000)
    i = _ints(a.shape[0], 1_000_000)
    x, idx = mx.nd.array(a), mx.nd.array(i, dtype="int32")
    return lambda: mx.nd.take(x, idx), lambda: np.take(a, i)


def _take_rows():
    a = _data((65536, 8))
    i = _ints(a.shape[0], 1_000_000)
    x, idx = mx.nd.array(a), mx.nd.array(i, dtype="int32")
    return lambda: mx.nd.take(x, idx), lambda: np.take(a, i, axis=0)


def _getitem_rows():
    a = _data((N, N))
    i = _ints(N, 2048)
    x, idx = mx.nd.array(a), mx.nd.array(i, dtype="int32")
    return lambda: x[idx], lambda: a[i]


def _getitem_pairs():
    a = _data((N, N))
    r, c = _ints(N, 1_000_000, 1), _ints(N, 1_000_000, 2)
    x = mx.nd.array(a)
    rows, cols = mx.nd.array(r, dtype="int32"), mx.nd.array(c, dtype="int32")
    return lambda: x[rows, cols], lambda: a[r, c]


def _sorting(kind):
    def make():
        a = _data((N, 1000))
        x = mx.nd.array(a)
        if kind == "sort":
            return lambda: mx.nd.sort(x, axis=-1), lambda: np.sort(a, axis=-1)
        if kind == "argsort":
            return lambda: mx.nd.argsort(x, axis=-1), lambda: np.argsort(a, axis=-1)
        return lambda: mx.nd.topk(x, axis=-1, k=K), lambda: np_topk(a, K)
    return make


CASES = {
    "transpose 4096x4096": _transpose,
    "concat 4x(1024,4096) axis 0": _concat(0),
    "concat 4x(1024,4096) axis 1": _concat(1),
    "take 1e6 of 1e6": _take_vector,
    "take 1e6 rows of (65536,8)": _take_rows,
    "getitem 2048 rows of 4096x4096": _getitem_rows,
    "getitem 1e6 (row, col) pairs": _getitem_pairs,
    "sort (4096,1000) last axis": _sorting("sort"),
    "argsort (4096,1000) last axis": _sorting("argsort"),
    "topk k=10 (4096,1000) last axis": _sorting("topk"),
}


@pytest.mark.parametrize("impl", ["mxnb", "numpy"])
@pytest.mark.parametrize("case", list(CASES))
def test_shape_op(benchmark, case, impl):
    mx_fn, np_fn = CASES[case]()
    fn = mx_fn if impl == "mxnb" else np_fn
    fn()    # compile (mxnb) and warm the caches before timing
    benchmark.group = case
    benchmark(fn)
