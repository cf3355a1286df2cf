"""NumPy and DLPack interop (better than MXNet's, spec 7.6 FIX rows)."""
import numpy as np
import pytest

import mxnb as mx


def test_asarray_is_zero_copy_and_asnumpy_copies():
    x = mx.nd.array([[1, 2], [3, 4]])
    v = np.asarray(x)
    v[0, 0] = 100
    assert x.asnumpy()[0, 0] == 100
    c = x.asnumpy()
    c[0, 0] = -1
    assert x.asnumpy()[0, 0] == 100
    assert np.asarray(x, dtype=np.float64).dtype == np.float64


def test_from_numpy_shares_memory_and_leaves_source_usable():
    a = np.arange(6, dtype=np.float32).reshape(2, 3)
    x = mx.nd.from_numpy(a)
    a[0, 0] = 42
    assert x.asnumpy()[0, 0] == 42
    x[1, 1] = -5
    assert a[1, 1] == -5 and a.sum() == x.asnumpy().sum()
    strided = np.arange(10, dtype=np.float32)[::2]
    y = mx.nd.from_numpy(strided)
    assert y.shape == (5,) and y.asnumpy().tolist() == [0, 2, 4, 6, 8]
    c = mx.nd.from_numpy(a, zero_copy=False)
    a[0, 0] = 0
    assert c.asnumpy()[0, 0] == 42


def test_ufuncs_run_mxnb_kernels_and_return_ndarrays():
    x = mx.nd.array([0.5, 1.0, 2.0])
    a = np.array([1.0, 2.0, 3.0], dtype=np.float32)
    for r, ref in ((np.exp(x), np.exp(a * 0 + [0.5, 1, 2])), (np.add(x, a), [1.5, 3, 5]),
                   (np.add(a, x), [1.5, 3, 5]), (np.multiply(x, 2), [1, 2, 4]),
                   (np.subtract(3, x), [2.5, 2, 1]), (np.maximum(x, 1.0), [1, 1, 2]),
                   (np.sqrt(x), np.sqrt([0.5, 1, 2]))):
        assert isinstance(r, mx.nd.NDArray)
        np.testing.assert_allclose(r.asnumpy(), ref, rtol=1e-6)
    out = mx.nd.zeros((3,))
    assert np.exp(x, out=out) is out
    r = np.arctan2(x, x)  # no mxnb kernel: NumPy computes, still an NDArray
    assert isinstance(r, mx.nd.NDArray)
    np.testing.assert_allclose(r.asnumpy(), np.pi / 4, rtol=1e-6)
    assert (a < x).asnumpy().tolist() == [0, 0, 0] and isinstance(a < x, mx.nd.NDArray)


def test_ufunc_is_recorded_by_autograd():
    x = mx.nd.array([0.5, 1.0])
    x.attach_grad()
    with mx.autograd.record():
        y = np.exp(x) * 2
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 * np.exp([0.5, 1.0]), rtol=1e-6)


def test_dlpack_both_ways():
    x = mx.nd.array([[1, 2], [3, 4]])
    assert x.__dlpack_device__() == (1, 0)
    n = np.from_dlpack(x)
    n[0, 0] = 9
    assert x.asnumpy()[0, 0] == 9
    a = np.arange(4, dtype=np.float64)
    y = mx.nd.from_dlpack(a)
    a[0] = 7
    assert y.dtype is np.float64 and y.asnumpy()[0] == 7


def test_dlpack_with_torch_when_installed():
    torch = pytest.importorskip("torch")
    x = mx.nd.array([1.0, 2.0])
    t = torch.from_dlpack(x)
    t[0] = 5
    assert x.asnumpy()[0] == 5
    y = mx.nd.from_dlpack(torch.arange(3, dtype=torch.float32))
    assert y.asnumpy().tolist() == [0, 1, 2]
