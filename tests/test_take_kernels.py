"""take and its gradient against a NumPy oracle, on each path of the fused take kernels: index
dtypes read as they are (int32, int64, float32) or through int64, rows copied as 1, 2, 4 or 8-byte
units (four at a time, and the remainder), clip/wrap/raise, and the parallel kernels."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.kernels import workers

from threadutil import threads_used


def oracle_rows(raw, n, mode):
    """MXNet's reading of indices: truncated toward zero (NaN and huge floats as INT64_MIN,
    as a C cast on x86), then clipped or wrapped."""
    with np.errstate(invalid="ignore"):
        i = raw.astype(np.int64) if raw.dtype.kind == "f" else raw.astype(np.int64)
    return np.clip(i, 0, n - 1) if mode == "clip" else np.mod(i, n)


def raw_indices(dtype, n, size, seed):
    rng = np.random.RandomState(seed)
    raw = rng.uniform(-2 * n, 2 * n, size)
    if np.dtype(dtype).kind == "f":
        flat = raw.reshape(-1)
        k = min(4, flat.size)
        flat[:k] = [np.nan, np.inf, -np.inf, 1e30][:k]
        with np.errstate(over="ignore"):
            return raw.astype(dtype)
    return np.trunc(raw).astype(dtype)


# data shape, axis, dtype, index dtype: single elements of 4 bytes, rows of 3 x 4 bytes (4-byte
# units, no group of four), 6 x 4 bytes (three 8-byte units), 5 x 2 bytes, 9 x 8 bytes (a group
# of four units and one more), 1-byte units and an axis in the middle; index dtypes read as they
# are (int32, int64, float32) and through int64 (float64, float16, int8). Few pairs of data width
# and index dtype, as each compiles a kernel.
CASES = [((50,), 0, np.float32, np.float32), ((20, 3), 0, np.float32, np.int32),
         ((20, 6), 0, np.int32, np.float32), ((20, 5), 0, np.float16, np.float32),
         ((20, 9), 0, np.float64, np.int64), ((3, 20, 2), 1, np.float32, np.float64),
         ((4, 7), 1, np.uint8, np.float32), ((30,), 0, np.float32, np.float16),
         ((30, 2), 0, np.float64, np.int8)]


@pytest.mark.parametrize("shape, axis, dtype, idx_dtype", CASES)
def test_take_matches_oracle(shape, axis, dtype, idx_dtype):
    a = (np.random.RandomState(1).standard_normal(shape) * 50).astype(dtype)
    n = shape[axis]
    raw = raw_indices(idx_dtype, min(n, 60), (3, 4), seed=2)
    x = mx.nd.array(a, dtype=a.dtype)
    for mode in ("clip", "wrap"):
        got = mx.nd.take(x, mx.nd.array(raw, dtype=raw.dtype), axis=axis, mode=mode)
        want = np.take(a, oracle_rows(raw, n, mode), axis=axis)
        assert got.dtype == a.dtype and got.shape == want.shape
        assert np.array_equal(got.asnumpy().view(np.uint8), want.view(np.uint8)), mode


def test_take_rows_of_an_offset_view_move_in_aligned_units():
    # rows of 8 bytes at an address 4 bytes past an 8-byte boundary: moved as 4-byte units
    base = mx.nd.arange(34)
    x = base[1:33].reshape((16, 2))
    got = mx.nd.take(x, mx.nd.array([0, 5, 15], dtype="int32")).asnumpy()
    assert got.tolist() == [[1, 2], [11, 12], [31, 32]]


def test_take_raise_mode_checks_then_gathers():
    x = mx.nd.arange(10)
    assert mx.nd.take(x, mx.nd.array([9.9, 0, 3], dtype="float32"), mode="raise") \
        .asnumpy().tolist() == [9, 0, 3]
    with pytest.raises(MXNetError, match="index 10 for an axis of size 10"):
        mx.nd.take(x, mx.nd.array([1, 10], dtype="int32"), mode="raise")
    with pytest.raises(MXNetError, match="out of bound"):
        mx.nd.take(x, mx.nd.array([np.nan]), mode="raise")


def test_take_gradient_accumulates_in_index_order():
    rng = np.random.RandomState(3)
    for shape, idx_dtype in (((6,), np.float32), ((6, 3), np.float32), ((6, 5), np.float32)):
        a = rng.standard_normal(shape)
        raw = raw_indices(idx_dtype, 6, 40, seed=4)
        head = rng.standard_normal((40,) + shape[1:])
        for mode in ("clip", "wrap"):
            x = mx.nd.array(a, dtype="float64")
            x.attach_grad()
            with autograd.record():
                y = mx.nd.take(x, mx.nd.array(raw, dtype=raw.dtype), mode=mode)
            y.backward(mx.nd.array(head, dtype="float64"))
            want = np.zeros_like(a)
            np.add.at(want, oracle_rows(raw, 6, mode), head)
            np.testing.assert_allclose(x.grad.asnumpy(), want, rtol=1e-13, atol=1e-13)


def test_threaded_take_matches_serial(monkeypatch):
    used = threads_used(monkeypatch)
    rng = np.random.RandomState(5)
    # chunks of indices (one outer slice), or of outer slices; 8-byte units, float32 indices
    cases = [((300,), 0, 1000, np.float64), ((40, 6), 0, 500, np.float32),
             ((3, 40, 2), 1, 50, np.float32), ((40, 3), 1, 2, np.float64)]
    for shape, axis, m, dtype in cases:
        a = rng.standard_normal(shape).astype(dtype)
        raw = raw_indices(np.float32, shape[axis], m, seed=6)
        x, i = mx.nd.array(a, dtype=a.dtype), mx.nd.array(raw)
        want = np.take(a, oracle_rows(raw, shape[axis], "wrap"), axis)
        assert np.array_equal(mx.nd.take(x, i, axis=axis, mode="wrap").asnumpy(), want)
        head = rng.standard_normal(want.shape)
        xg = mx.nd.array(a, dtype="float64")
        xg.attach_grad()
        with autograd.record():
            y = mx.nd.take(xg, i, axis=axis, mode="wrap")
        y.backward(mx.nd.array(head, dtype="float64"))
        g = np.zeros(shape)
        moved = np.moveaxis(g, axis, 0)
        np.add.at(moved, oracle_rows(raw, shape[axis], "wrap"), np.moveaxis(
            head.reshape(shape[:axis] + (m,) + shape[axis + 1:]), axis, 0))
        assert np.array_equal(xg.grad.asnumpy(), g)        # one summation order on any threads
    assert used and max(used) >= 2 or workers._nb.get_num_threads() < 2
