"""sort, argsort and topk against NumPy's stable sort, on every path of kernels/sort_kernels.py:
the selection (small k, short rows), the radix sort (packed 32-bit keys, 64-bit keys with an index
array), NumPy's value sort with its -0.0/NaN rows redone, the parallel kernel, and narrow dtypes.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.kernels import sort_kernels as S, workers

from threadutil import threads_used

FLOATS = (np.float32, np.float64, np.float16)


def stable_idx(x, axis, ascend):
    """NumPy oracle: stable argsort, descending keeping equal values in index order."""
    if ascend:
        return np.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    return (n - 1) - np.flip(np.argsort(np.flip(x, axis), axis=axis, kind="stable"), axis)


def awkward(shape, dtype, seed=0):
    """Data full of ties; floats also get NaNs of both signs, both zeros and infinities."""
    rng = np.random.RandomState(seed)
    x = rng.randint(-4, 5, shape).astype(dtype)
    if np.dtype(dtype).kind == "f":
        f = x.reshape(-1)
        f[::5] = rng.standard_normal(f[::5].shape) * 100
        f[1::7] = np.nan
        f[2::11] = -np.nan
        f[3::13] = -0.0
        f[4::13] = 0.0
        f[5::17] = np.inf
        f[6::17] = -np.inf
    return x


def same_bits(a, b):
    return a.dtype == b.dtype and a.shape == b.shape and \
        np.array_equal(a.view(np.uint8), b.view(np.uint8))


# (shape, axis): short rows (selection), long rows (radix), axis in the middle, one row
CASES = [((6, 7), -1), ((3, 150, 4), 1), ((2, 90), 1), ((500,), 0), ((130, 3), 0)]


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.float16, np.int32, np.int64,
                                   np.int8, np.uint8])
def test_argsort_sort_match_stable_numpy(dtype):
    for shape, axis in CASES:
        x = awkward(shape, dtype)
        nd = mx.nd.array(x, dtype=x.dtype)
        for ascend in (True, False):
            ref = stable_idx(x, axis, ascend)
            got = mx.nd.argsort(nd, axis=axis, is_ascend=ascend, dtype="int64").asnumpy()
            assert np.array_equal(got, ref), (shape, axis, ascend)
            vals = mx.nd.sort(nd, axis=axis, is_ascend=ascend).asnumpy()
            # bits too: -0.0/0.0 and NaNs of either sign in index order
            assert same_bits(vals, np.take_along_axis(x, ref, axis)), (shape, axis, ascend)


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int32])
def test_topk_every_ret_typ_matches_stable_numpy(dtype):
    for shape, axis in CASES:
        x = awkward(shape, dtype, seed=1)
        nd = mx.nd.array(x, dtype=x.dtype)
        n = shape[axis]
        for k in sorted({1, 3, min(n, 40), n}):
            for ascend in (True, False):
                ref = np.take(stable_idx(x, axis, ascend), np.arange(k), axis=axis)
                kw = dict(axis=axis, k=k, is_ascend=ascend)
                v, i = mx.nd.topk(nd, ret_typ="both", **kw)
                assert np.array_equal(i.asnumpy(), ref.astype(np.float32)), (shape, axis, k)
                assert same_bits(v.asnumpy(), np.take_along_axis(x, ref, axis))
                mask = np.zeros_like(x)
                np.put_along_axis(mask, ref, 1, axis)
                assert same_bits(mx.nd.topk(nd, ret_typ="mask", **kw).asnumpy(), mask)


def test_topk_ties_keep_index_order_on_both_paths():
    # 200 equal values with a few larger ones: both the selection (k <= 32) and the radix sort
    # (k > 32) must pick the earliest of the tied elements.
    x = np.zeros((2, 200), np.float32)
    x[:, [50, 120, 7]] = [2.0, 3.0, 1.0]
    x[1, 199] = np.nan                       # NaN counts as the largest value
    for k in (5, 60):
        got = mx.nd.topk(mx.nd.array(x), k=k).asnumpy().astype(int)
        assert got[0].tolist() == [120, 50, 7] + [j for j in range(200) if j not in
                                                 (7, 50, 120)][:k - 3]
        assert got[1].tolist()[:4] == [199, 120, 50, 7]
        asc = mx.nd.topk(mx.nd.array(x), k=k, is_ascend=True).asnumpy().astype(int)
        assert asc[0].tolist() == [j for j in range(200) if j not in (7, 50, 120)][:k]


def test_topk_selection_worst_case_and_all_k():
    # Data in ascending order makes every element enter the selection buffer and move all the
    # others: the selection gives up and the row is radix-sorted (row 0); in random order the
    # selection serves k = 40 of 2000 (row 1).
    x = np.stack([np.arange(2000), np.random.RandomState(0).permutation(2000)]) \
        .astype(np.float32)
    for ascend in (False, True):
        y = x if not ascend else -x
        ref = stable_idx(y, 1, ascend)[:, :40]
        got = mx.nd.topk(mx.nd.array(y), k=40, is_ascend=ascend, dtype="int64").asnumpy()
        assert np.array_equal(got, ref)
        assert got[0].tolist() == list(range(1999, 1959, -1))
    assert S._selects(2000, 40) and S._selects(64, 64)
    assert not S._selects(1000, 64) and not S._selects(1000, 1000) and not S._selects(65, 65)
    # k <= 0 means every element (sorted); k = n the same
    y = awkward((3, 70), np.float32, seed=2)
    for k in (0, -1, 70):
        assert np.array_equal(mx.nd.topk(mx.nd.array(y), k=k, ret_typ="indices",
                                         dtype="int64").asnumpy(), stable_idx(y, 1, False))


def test_index_dtypes_cast_like_c():
    x = mx.nd.arange(300)
    assert mx.nd.argsort(x, is_ascend=False, dtype="uint8").asnumpy()[:3].tolist() == \
        [43, 42, 41]
    assert mx.nd.argsort(x, dtype="int32").asnumpy().tolist() == list(range(300))
    assert mx.nd.argsort(x, dtype="float16").asnumpy()[-1] == np.float16(299)
    assert mx.nd.argsort(x, dtype="float64").dtype is np.float64


def test_threaded_sorts_match_serial(monkeypatch):
    used = threads_used(monkeypatch)
    x = awkward((16, 300), np.float32, seed=3)      # argsort/topk kernel on threads
    ref = stable_idx(x, 1, False)
    for k in (4, 300):
        got = np.empty((16, k), np.uint32)
        vals = np.empty((16, k), np.float32)
        S.sort_rows(x, 1, k, True, vals=vals, idx=got)
        assert np.array_equal(got, ref[:, :k])
        assert same_bits(vals, np.take_along_axis(x, ref[:, :k], 1))
    # sort's NumPy path on threads: rows split along the outer dims, or the inner ones
    for shape, axis in (((40, 30), 1), ((30, 41), 0), ((3, 20, 5), 1)):
        y = awkward(shape, np.float32, seed=4)
        for ascend in (True, False):
            got = mx.nd.sort(mx.nd.array(y), axis=axis, is_ascend=ascend).asnumpy()
            assert same_bits(got, np.take_along_axis(y, stable_idx(y, axis, ascend), axis))
    assert used and min(used) >= 2 or workers._nb.get_num_threads() < 2


def test_run_chunks_runs_each_chunk_once_and_raises():
    seen = []
    workers.run_chunks(seen.append, 50, 2)
    assert sorted(seen) == list(range(50))

    def boom(c):
        if c == 3:
            raise ValueError("chunk 3")

    with pytest.raises(ValueError, match="chunk 3"):
        workers.run_chunks(boom, 20, 2)


def test_odd_sorted_rows_flags_what_numpy_may_rewrite():
    # NumPy's SIMD sort writes its own NaN and may swap the zeros' signs: rows with both zeros
    # or two NaN patterns must be redone; rows with one zero sign and one NaN pattern need not.
    nan2 = np.array(0x7FC00001, np.uint32).view(np.float32)     # a NaN of another payload
    rows = [[-1, -0.0, 0.0, 2], [-1, 0.0, 0.0, 2], [-0.0, -0.0, 1, np.nan],
            [1, 2, np.nan, -np.nan], [1, 2, np.nan, np.nan], [0.0, 1, np.nan, 7],
            [np.nan] * 4, [-0.0, 0.0, 0.0, 0.0], [-np.nan, 1, 2, 3]]
    x32 = np.array(rows, np.float32)
    x32[5, 3] = nan2
    for x in (x32, x32.astype(np.float64), x32.astype(np.float16)):
        must = {0, 3, 7} | ({5} if x.dtype != np.float16 else set())
        never = {1, 2, 4, 6}
        for flip in (False, True):
            y = np.sort(x, axis=1)
            y = np.ascontiguousarray(y[:, ::-1]) if flip else y
            stable = np.take_along_axis(x, stable_idx(x, 1, not flip), 1)
            for xs, ys, axis in ((x, y, 1), (np.ascontiguousarray(x.T),
                                             np.ascontiguousarray(y.T), 0)):
                got = S.odd_sorted_rows(xs, ys, axis, flip).ravel()
                differs = (y.view(np.uint8) != stable.view(np.uint8)).any(1)
                assert all(got[differs]), (x.dtype, flip)
                assert all(got[sorted(must)]) and not any(got[sorted(never)]), (x.dtype, flip)


def test_gradients_follow_stable_order():
    # Tied values: the gradient goes back where each sorted value came from, ties in index order.
    x = mx.nd.array([[2, 1, 2, 1, 2]], dtype="float64")
    head = mx.nd.array([[1, 2, 3, 4, 5]], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = mx.nd.sort(x, is_ascend=False)
    y.backward(head)
    assert x.grad.asnumpy().tolist() == [[1, 4, 2, 5, 3]]
    with autograd.record():
        v = mx.nd.topk(x, k=3, ret_typ="value")
    v.backward(mx.nd.array([[1, 2, 3]], dtype="float64"))
    assert x.grad.asnumpy().tolist() == [[1, 0, 2, 0, 3]]
