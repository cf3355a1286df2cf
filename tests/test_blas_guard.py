"""mxnb._blas: after a BLAS product large enough for OpenBLAS to thread, Numba's parallel
kernels give way to the serial ones for a while (OpenBLAS's threads keep spinning)."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import _blas


@pytest.fixture
def cold(monkeypatch):
    monkeypatch.setattr(_blas, "_until", [0.0])
    monkeypatch.setattr(_blas, "SPIN_S", 0.1)
    assert not _blas.spinning()


def test_small_products_do_not_count(cold):
    mx.nd.dot(mx.nd.ones((10, 10)), mx.nd.ones((10, 10)))
    assert not _blas.spinning()


@pytest.mark.parametrize("run", [
    lambda: mx.nd.dot(mx.nd.ones((64, 128)), mx.nd.ones((128, 64))),
    lambda: mx.nd.batch_dot(mx.nd.ones((4, 64, 64)), mx.nd.ones((4, 64, 64))),
    lambda: mx.nd.FullyConnected(mx.nd.ones((64, 128)), mx.nd.ones((64, 128)), num_hidden=64,
                                 no_bias=True),
    lambda: mx.nd.Convolution(mx.nd.ones((2, 16, 20, 20)), mx.nd.ones((16, 16, 3, 3)),
                              kernel=(3, 3), num_filter=16, no_bias=True, pad=(1, 1),
                              dilate=(2, 2)),
], ids=["dot", "batch_dot", "FullyConnected", "Convolution"])
def test_large_products_hold_parallel_kernels_back(cold, run, monkeypatch):
    from mxnb.kernels import builder

    run()  # compiles what it needs first: that may outlast the window
    _blas._until[0] = 0.0
    run()
    assert _blas.spinning()
    monkeypatch.setattr(builder.settings, "num_threads", 2)
    monkeypatch.setattr(builder.settings, "par_min", 1)
    assert not builder.use_parallel(10 ** 8, 1)
    _blas._until[0] = 0.0  # the window has passed
    assert builder.use_parallel(10 ** 8, 1) == (builder._nb.config.NUMBA_NUM_THREADS >= 2
                                                and not builder._par["forked"])


def test_the_window_can_be_turned_off(cold, monkeypatch):
    monkeypatch.setattr(_blas, "SPIN_S", 0.0)
    mx.nd.dot(mx.nd.ones((64, 128)), mx.nd.ones((128, 64)))
    assert not _blas.spinning()


def test_results_do_not_depend_on_the_window(cold):
    rng = np.random.RandomState(0)
    a = mx.nd.array(rng.rand(128, 128))
    before = mx.nd.sigmoid(a).asnumpy()
    mx.nd.dot(a, a)
    assert _blas.spinning()
    np.testing.assert_array_equal(mx.nd.sigmoid(a).asnumpy(), before)
