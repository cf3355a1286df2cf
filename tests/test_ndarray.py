"""NDArray basics as MXNet 1.9.1 has them (spec section 7); literals from MXNet."""
import pickle
import warnings

import numpy as np
import pytest

import mxnb as mx


def test_repr_matches_mxnet():
    assert repr(mx.nd.exp(mx.nd.ones((2,)))) == "\n[2.7182817 2.7182817]\n<NDArray 2 @cpu(0)>"
    assert repr(mx.nd.ones((2, 3))) == "\n[[1. 1. 1.]\n [1. 1. 1.]]\n<NDArray 2x3 @cpu(0)>"
    assert repr(mx.nd.arange(12).reshape((2, 3, 2))) == (
        "\n[[[ 0.  1.]\n  [ 2.  3.]\n  [ 4.  5.]]\n\n [[ 6.  7.]\n  [ 8.  9.]\n  [10. 11.]]]"
        "\n<NDArray 2x3x2 @cpu(0)>")
    assert repr(mx.nd.array([3.5])) == "\n[3.5]\n<NDArray 1 @cpu(0)>"
    assert repr(mx.nd.array(3.5)) == "\n3.5\n<NDArray  @cpu(0)>"
    assert repr(mx.nd.array([1, 2, 3], dtype="int32")) == "\n[1 2 3]\n<NDArray 3 @cpu(0)>"
    assert repr(mx.nd.array([1.5, 2, 3], dtype="float64")) == "\n[1.5 2.  3. ]\n<NDArray 3 @cpu(0)>"
    assert repr(mx.nd.arange(2000)) == ("\n[0.000e+00 1.000e+00 2.000e+00 ... 1.997e+03 1.998e+03 "
                                        "1.999e+03]\n<NDArray 2000 @cpu(0)>")
    assert repr(mx.nd.array([1e-8, 1.0])) == "\n[1.e-08 1.e+00]\n<NDArray 2 @cpu(0)>"
    assert repr(mx.nd.ones((2, 3), ctx=mx.cpu(1))).endswith("<NDArray 2x3 @cpu(1)>")
    assert str(mx.nd.ones((1,))) == repr(mx.nd.ones((1,)))
    x = mx.nd.ones((2,))
    assert repr([x, x]) == "[\n[1. 1.]\n<NDArray 2 @cpu(0)>, \n[1. 1.]\n<NDArray 2 @cpu(0)>]"


def test_creation():
    z = mx.nd.zeros((2, 3))
    assert z.dtype is np.float32 and z.shape == (2, 3) and z.context == mx.cpu(0)
    assert mx.nd.ones(3).shape == (3,) and mx.nd.zeros([2, 2]).shape == (2, 2)
    assert mx.nd.full((2,), 7.9, dtype="int32").asnumpy().tolist() == [7, 7]
    assert mx.nd.empty((2, 2)).shape == (2, 2)
    assert mx.nd.array(np.array([1, 2], dtype=np.int32)).dtype is np.float32  # Q25
    assert mx.nd.array([True, False]).dtype is np.float32
    assert mx.nd.array(mx.nd.ones((2,), dtype="int32")).dtype is np.int32
    assert mx.nd.array([1, 2], dtype="float64").dtype is np.float64
    assert mx.nd.array(5.0).shape == ()
    assert mx.nd.zeros_like(mx.nd.ones((2,), dtype="int8")).dtype is np.int8
    assert mx.nd.ones_like(mx.nd.zeros((2, 2))).asnumpy().sum() == 4
    with pytest.raises(mx.MXNetError):
        mx.nd.zeros((0,))
    with pytest.raises(mx.MXNetError):
        mx.nd.zeros((2, 0))
    with pytest.raises(TypeError, match="source_array must be array like object"):
        mx.nd.array(["a", "b"])
    with pytest.raises(TypeError, match="source_array must be array like object"):
        mx.nd.array([[1, 2], [3]])


def test_arange():
    assert mx.nd.arange(0, 1, 0.1).asnumpy()[-1] == np.float32(0.90000004)
    assert mx.nd.arange(2, 6, step=1.5, repeat=2).asnumpy().tolist() == [2, 2, 3.5, 3.5, 5, 5]
    assert mx.nd.arange(5, 0, -1).asnumpy().tolist() == [5, 4, 3, 2, 1]
    assert mx.nd.arange(3).asnumpy().tolist() == [0, 1, 2]
    with pytest.raises(mx.MXNetError, match="Range does not support step=0"):
        mx.nd.arange(0, 5, 0)
    with pytest.raises(mx.MXNetError, match=r"Invalid range \(start, stop, step\) = \(5,0,1\)"):
        mx.nd.arange(5, 0)
    with pytest.warns(DeprecationWarning):
        mx.nd.arange(3, infer_range=True)


def test_properties_and_conversion():
    x = mx.nd.array([[1, 2], [3, 4]])
    assert (x.size, x.ndim, x.stype, x.writable) == (4, 2, "default", True)
    assert x.context is x.ctx or x.context == x.ctx
    assert x.T.asnumpy().tolist() == [[1, 3], [2, 4]]
    a = x.asnumpy()
    a[0, 0] = 100
    assert x.asnumpy()[0, 0] == 1
    assert isinstance(mx.nd.array([3.0]).asscalar(), np.float32)
    s = mx.nd.ones((1, 1)).asscalar()
    assert isinstance(s, np.ndarray) and s.shape == (1, 1)  # Q26
    with pytest.raises(ValueError, match="The current array is not a scalar"):
        x.asscalar()
    assert bool(mx.nd.array([1.0])) and not bool(mx.nd.array([0.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(x)
    assert len(x) == 2 and [r.asnumpy().tolist() for r in x] == [[1, 2], [3, 4]]
    assert hash(x) == id(x) // 16 and {x: 1}[x] == 1
    assert float(mx.nd.array([2.5])) == 2.5 and int(mx.nd.array([3.0])) == 3


def test_astype_copy_copyto():
    x = mx.nd.array([1.7, -2.2])
    assert x.astype("int32").asnumpy().tolist() == [1, -2]
    assert x.astype(np.float32, copy=False) is x
    c = x.copy()
    c[:] = 0
    assert x.asnumpy().tolist() != [0, 0]
    y = mx.nd.zeros((2,), dtype="float64")
    assert x.copyto(y) is y and y.dtype is np.float64
    np.testing.assert_allclose(y.asnumpy(), [1.7, -2.2], rtol=1e-6)
    z = x.copyto(mx.cpu(1))
    assert z.context == mx.cpu(1) and x.as_in_context(mx.cpu(0)) is x
    assert x.as_in_context(mx.cpu(2)).context == mx.cpu(2)
    with pytest.warns(RuntimeWarning, match="copy an array to itself"):
        assert x.copyto(x) is False
    with pytest.raises(mx.MXNetError, match="expected"):
        x.copyto(mx.nd.zeros((3,)))
    with pytest.raises(TypeError, match="copyto does not support type"):
        x.copyto(np.zeros(2))
    assert x.wait_to_read() is None and mx.nd.waitall() is None


def test_reshape_codes():
    z = mx.nd.zeros((2, 3, 4))
    assert z.reshape((-4, 1, 2, -2)).shape == (1, 2, 3, 4)
    assert z.reshape((0, -1)).shape == (2, 12)
    assert z.reshape((-1, 0), reverse=True).shape == (6, 4)
    assert z.reshape((-3, 0)).shape == (6, 4)
    assert z.reshape((-2,)).shape == (2, 3, 4)
    assert z.reshape(4, 6).shape == (4, 6)
    assert z.reshape(shape=(24,)).shape == (24,)
    assert mx.nd.reshape(z, shape=(0, -1)).shape == (2, 12)
    x = mx.nd.ones((2, 3))
    v = x.reshape((6,))
    v[:] = 5
    assert x.asnumpy().sum() == 30  # a view, as in MXNet
    with pytest.raises(ValueError, match=r"Cannot reshape array of size 6 into shape \(4,\)"):
        x.reshape((4,))
    with pytest.raises(mx.MXNetError, match="larger"):
        x.reshape((4, 2))


def test_indexing_views_where_mxnet_has_them():
    a = mx.nd.arange(12).reshape((3, 4))
    v = a[1:3]
    v[:] = -1
    assert a.asnumpy()[:, 0].tolist() == [0, -1, -1]
    a = mx.nd.arange(12).reshape((3, 4))
    v = a[1, 1:3]
    v[:] = -1
    assert a.asnumpy()[1].tolist() == [4, -1, -1, 7]
    a = mx.nd.arange(12).reshape((3, 4))
    v = a[:, 1:3]
    v[:] = -1
    assert a.asnumpy()[0].tolist() == [0, 1, 2, 3]  # column slices copy in MXNet
    a = mx.nd.arange(12).reshape((3, 4))
    assert a[0:3:2].shape == (2, 4)
    assert (a[1].shape, a[1, 2].shape, a[1][2].shape, a[-1].shape) == ((4,), (1,), (1,), (4,))
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 3"):
        a[5]
    with pytest.raises(IndexError):
        a[1, 7]


def test_setitem():
    a = mx.nd.zeros((2, 3))
    a[:] = [1, 2, 3]
    assert a.asnumpy().tolist() == [[1, 2, 3], [1, 2, 3]]
    a[1] = 7
    a[0, 1:] = mx.nd.array([8, 9])
    a[0, 0] = np.float64(4)
    assert a.asnumpy().tolist() == [[4, 8, 9], [7, 7, 7]]
    with pytest.raises(ValueError, match="could not be broadcast"):
        a[:] = np.ones((3, 2))
    i = mx.nd.zeros((2,), dtype="int32")
    i[:] = 2.7
    assert i.asnumpy().tolist() == [2, 2]


def test_operators_and_inplace():
    a = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    b = mx.nd.array([10, 20, 30])
    assert (a + b).asnumpy().tolist() == [[11, 22, 33], [14, 25, 36]]
    assert (1 - a).asnumpy()[0].tolist() == [0, -1, -2]
    assert (6 / a).asnumpy()[0].tolist() == [6, 3, 2]
    assert (2 ** mx.nd.array([1, 2])).asnumpy().tolist() == [2, 4]
    assert (-a).asnumpy()[0].tolist() == [-1, -2, -3]
    assert abs(mx.nd.array([-1.5])).asnumpy().tolist() == [1.5]
    assert (a >= 3).asnumpy().tolist() == [[0, 0, 1], [1, 1, 1]]
    assert (a == a).asnumpy().min() == 1 and (3 < a).asnumpy()[0].tolist() == [0, 0, 0]
    c = a.copy()
    c += 1
    c *= b
    c -= 1
    c /= 2
    assert c.asnumpy()[0].tolist() == [9.5, 29.5, 59.5]
    with pytest.raises(mx.MXNetError):
        b += a  # the result does not fit b
    with pytest.raises(TypeError, match="not supported"):
        a + "x"
    ro = mx.nd.from_numpy(np.ones(2, np.float32)[::1].copy())
    ro._data.flags.writeable = False
    with pytest.raises(ValueError, match="readonly"):
        ro += 1


def test_numpy_operands_both_orders():
    """MXNet raises TypeError here; mxnb (FIX) computes, in the NDArray's dtype."""
    a = mx.nd.array([1.0, 2.0])
    n = np.array([10.0, 20.0])
    for r in (a + n, n + a, a * n, n - a):
        assert isinstance(r, mx.nd.NDArray) and r.dtype is np.float32
    assert (n - a).asnumpy().tolist() == [9, 18]
    assert (a + np.float32(2)).asnumpy().tolist() == [3, 4]


def test_pickle_roundtrip():
    x = mx.nd.array([[1, 2], [3, 4]], dtype="float64")
    y = pickle.loads(pickle.dumps(x))
    assert y.dtype is np.float64 and y.asnumpy().tolist() == [[1, 2], [3, 4]]


def test_context():
    assert mx.cpu() == mx.cpu(0) and repr(mx.cpu(1)) == "cpu(1)" and mx.gpu(0).device_type == "gpu"
    assert mx.cpu().device_typeid == 1 and hash(mx.cpu()) == hash(mx.cpu(0))
    assert mx.context.current_context() == mx.cpu(0)
    with mx.cpu(3):
        assert mx.nd.zeros((1,)).context == mx.cpu(3)
        assert mx.current_context() == mx.cpu(3)
    assert mx.nd.zeros((1,)).context == mx.cpu(0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert isinstance(mx.context.num_gpus(), int)
