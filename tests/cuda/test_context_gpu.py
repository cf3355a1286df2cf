"""mx.gpu() as a full context: creation, moves, printing, indexing, errors, zero-copy interop."""
import numpy as np
import pytest

import mxnb as mx

GPU = mx.gpu(0)
CPU = mx.cpu(0)


def _on_device(a):
    return a.context == GPU and not isinstance(a._data, np.ndarray)


def test_simulator_or_gpu_counts():
    assert mx.context.num_gpus() >= 1


@pytest.mark.parametrize("make,expect", [
    (lambda: mx.nd.zeros((2, 3), ctx=GPU), np.zeros((2, 3), np.float32)),
    (lambda: mx.nd.ones((4,), ctx=GPU, dtype="int32"), np.ones(4, np.int32)),
    (lambda: mx.nd.full((2,), 7.9, ctx=GPU, dtype="int32"), np.array([7, 7], np.int32)),
    (lambda: mx.nd.full((3,), -1.5, ctx=GPU, dtype="float16"), np.full(3, -1.5, np.float16)),
    (lambda: mx.nd.empty((2, 2), ctx=GPU), np.zeros((2, 2), np.float32)),
    (lambda: mx.nd.array([[1, 2], [3, 4]], ctx=GPU), np.array([[1, 2], [3, 4]], np.float32)),
    (lambda: mx.nd.arange(2, 6, step=1.5, repeat=2, ctx=GPU),
     np.array([2, 2, 3.5, 3.5, 5, 5], np.float32)),
    (lambda: mx.nd.zeros_like(mx.nd.ones((2,), ctx=GPU, dtype="float64")), np.zeros(2)),
    (lambda: mx.nd.ones_like(mx.nd.zeros((2,), ctx=GPU, dtype="int8")), np.ones(2, np.int8)),
    (lambda: mx.nd.full_like(mx.nd.zeros((2,), ctx=GPU), 3), np.full(2, 3, np.float32)),
])
def test_creation_on_the_gpu(make, expect):
    a = make()
    assert _on_device(a)
    assert a.dtype == expect.dtype.type and a.shape == expect.shape
    np.testing.assert_array_equal(a.asnumpy(), expect)


def test_default_context_block_places_arrays_on_the_gpu():
    with GPU:
        a = mx.nd.ones((2,))
    assert _on_device(a)


def test_repr_names_the_gpu():
    a = mx.nd.array([2.7182817, 2.7182817], ctx=GPU)
    assert repr(a) == "\n[2.7182817 2.7182817]\n<NDArray 2 @gpu(0)>"


def test_copyto_and_as_in_context_both_ways():
    host = np.arange(6, dtype=np.float32).reshape(2, 3)
    c = mx.nd.array(host)
    g = c.as_in_context(GPU)
    assert _on_device(g) and c.as_in_context(CPU) is c and g.as_in_context(GPU) is g
    back = g.copyto(CPU)
    assert back.context == CPU and isinstance(back._data, np.ndarray)
    np.testing.assert_array_equal(back.asnumpy(), host)
    dst = mx.nd.zeros((2, 3), ctx=GPU)
    assert c.copyto(dst) is dst
    np.testing.assert_array_equal(dst.asnumpy(), host)
    dst2 = mx.nd.zeros((2, 3))
    g.copyto(dst2)
    np.testing.assert_array_equal(dst2.asnumpy(), host)
    g2 = g.copy()
    g2[:] = 0  # a real copy: the original is untouched
    np.testing.assert_array_equal(g.asnumpy(), host)
    np.testing.assert_array_equal(g.copyto(GPU).asnumpy(), host)
    assert g.astype("float64").dtype == np.float64 and _on_device(g.astype("float64"))


def test_operators_and_scalars_on_the_gpu():
    x = mx.nd.array([1.0, 2.0, 4.0], ctx=GPU)
    y = mx.nd.array([0.5, 0.5, 2.0], ctx=GPU)
    for got, want in ((x + y, [1.5, 2.5, 6]), (x * 2, [2, 4, 8]), (2 / x, [2, 1, 0.5]),
                      (x - 1, [0, 1, 3]), (1 - x, [0, -1, -3]), (x ** 2, [1, 4, 16]),
                      (-x, [-1, -2, -4]), (x % 3, [1, 2, 1]), (x > y, [1, 1, 1]),
                      (x == 2, [0, 1, 0]), (abs(-x), [1, 2, 4])):
        assert _on_device(got)
        np.testing.assert_allclose(got.asnumpy(), want)
    x += y
    x *= 2
    np.testing.assert_allclose(x.asnumpy(), [3, 5, 12])
    np.testing.assert_allclose((x + np.array([1.0, 1.0, 1.0])).asnumpy(), [4, 6, 13])
    np.testing.assert_allclose(np.exp(y).asnumpy(), np.exp([0.5, 0.5, 2.0]), rtol=1e-6)


def test_mixed_contexts_raise_naming_both():
    g = mx.nd.ones((2,), ctx=GPU)
    c = mx.nd.ones((2,))
    with pytest.raises(mx.base.MXNetError, match=r"gpu\(0\).*cpu\(0\)|cpu\(0\).*gpu\(0\)"):
        g + c
    with pytest.raises(mx.base.MXNetError, match=r"gpu\(0\).*cpu\(0\)|cpu\(0\).*gpu\(0\)"):
        mx.nd.elemwise_mul(c, g)
    with pytest.raises(mx.base.MXNetError, match="gpu"):
        mx.nd.exp(c, out=g)


def test_indexing_views_copies_and_assignment():
    host = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    g = mx.nd.array(host, ctx=GPU)
    np.testing.assert_array_equal(g[1].asnumpy(), host[1])
    np.testing.assert_array_equal(g[1, 2].asnumpy(), host[1, 2])
    np.testing.assert_array_equal(g[0, 1, 2].asnumpy(), [host[0, 1, 2]])  # shape (1,), as MXNet
    np.testing.assert_array_equal(g[:, 1].asnumpy(), host[:, 1])          # strided: a copy
    np.testing.assert_array_equal(g[:, ::-2, 1:3].asnumpy(), host[:, ::-2, 1:3])
    v = g[1]
    v[:] = 5  # a contiguous basic index is a view, as in MXNet
    assert (g.asnumpy()[1] == 5).all()
    g[0, :, 1] = mx.nd.array([7, 8, 9], ctx=GPU)
    g[0, 0] = np.array([1, 2, 3, 4])
    g[0, 2, 3] = -1
    want = host.copy()
    want[1] = 5
    want[0, :, 1] = [7, 8, 9]
    want[0, 0] = [1, 2, 3, 4]
    want[0, 2, 3] = -1
    np.testing.assert_array_equal(g.asnumpy(), want)
    with pytest.raises(ValueError):
        g[0] = mx.nd.ones((5,), ctx=GPU)
    assert [len(r) for r in g] == [3, 3]


def test_cuda_array_interface_shares_memory():
    g = mx.nd.array([1.0, 2.0, 3.0], ctx=GPU)
    cai = g.__cuda_array_interface__
    assert cai["shape"] == (3,) and cai["typestr"] == "<f4" and cai["version"] == 3
    assert not hasattr(mx.nd.ones((2,)), "__cuda_array_interface__")
    h = mx.nd.from_cuda_array(g)
    assert _on_device(h)
    assert h.__cuda_array_interface__["data"][0] == cai["data"][0]
    h[:] = 9
    np.testing.assert_array_equal(g.asnumpy(), [9, 9, 9])


class _DLPackOnly:
    """A producer that offers only DLPack (no CUDA Array Interface), like some libraries."""

    def __init__(self, arr):
        self._arr = arr

    def __dlpack__(self, stream=None):
        return self._arr.__dlpack__()

    def __dlpack_device__(self):
        return self._arr.__dlpack_device__()


def test_dlpack_round_trip_on_the_device():
    g = mx.nd.array([[1, 2], [3, 4]], ctx=GPU, dtype="int32")
    assert g.__dlpack_device__() == (2, 0)
    h = mx.nd.from_dlpack(_DLPackOnly(g))
    assert _on_device(h) and h.dtype == np.int32
    assert h.__cuda_array_interface__["data"][0] == g.__cuda_array_interface__["data"][0]
    np.testing.assert_array_equal(h.asnumpy(), [[1, 2], [3, 4]])
    g[0, 0] = 10
    assert h.asnumpy()[0, 0] == 10
    cap = g.__dlpack__()
    del cap  # an unconsumed capsule frees what it holds
    from mxnb.kernels import cuda_dlpack

    del h
    import gc

    gc.collect()
    assert not cuda_dlpack._live, "every exported tensor was released"


def test_simulated_device_arrays_are_strict():
    if not getattr(__import__("numba.cuda", fromlist=["x"]), "simulator", None):
        pytest.skip("real GPU")
    d = mx.nd.ones((2,), ctx=GPU)._data
    with pytest.raises(TypeError):
        d + d
    with pytest.raises(AttributeError):
        d.astype(np.float64)


def test_a_numba_cuda_that_cannot_import_with_this_numpy_gets_advice(monkeypatch):
    from mxnb.kernels import cuda_build

    def broken():
        raise AttributeError("module 'numpy' has no attribute 'row_stack'")

    monkeypatch.setattr(cuda_build, "SIMULATOR", False)
    with pytest.raises(mx.base.MXNetError, match=r"does not import with NumPy .*row_stack.*"
                                                  r"pip install -U numba-cuda"):
        cuda_build.check_numba_cuda(broken)
