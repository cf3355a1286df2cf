"""NDArray creation, properties and contexts pinned to MXNet 1.9.1's answers (tools/diff)."""
import numpy as np
import pytest

import mxnb as mx


def test_array_wraps_out_of_range_ints_like_mxnet():
    x = mx.nd.array([[1, 2], [3, -4]], dtype="uint8")
    assert x.asnumpy().tolist() == [[1, 2], [3, 252]]
    assert mx.nd.array([[1.5, -2], [3, 4]], dtype="uint8").asnumpy().tolist() == [[1, 254], [3, 4]]
    assert mx.nd.array([300, -129, 1.7], dtype="int8").asnumpy().tolist() == [44, 127, 1]
    assert mx.nd.array([300, -1], dtype="uint8").asnumpy().tolist() == [44, 255]


def test_array_of_empty_list_is_zero_size():
    x = mx.nd.array([])
    assert x.shape == (0,) and x.dtype == np.float32 and x.size == 0 and len(x) == 0
    assert repr(x) == "\n[]\n<NDArray 0 @cpu(0)>"
    assert mx.nd.array(np.zeros((2, 0))).shape == (2, 0)
    assert mx.nd.array([[]]).shape == (1, 0)
    assert x.reshape((0, 3)).shape == (0, 3)
    assert x.sum().asnumpy().tolist() == [0.0]
    # zeros/ones keep refusing zero-size shapes, as MXNet's shape inference does
    with pytest.raises(mx.MXNetError):
        mx.nd.zeros((0,))


def test_len_of_0d_raises_index_error():
    with pytest.raises(IndexError):
        len(mx.nd.array(3.0))


def test_tostype_default_and_as_nd_ndarray():
    x = mx.nd.array([1., 2.])
    y = x.tostype("default")
    assert y is not x and y.asnumpy().tolist() == [1., 2.] and y.stype == "default"
    assert x.as_nd_ndarray() is x


def test_context_bad_type_is_key_error_and_default_ctx():
    with pytest.raises(KeyError):
        mx.Context("tpu", 0)
    assert mx.Context.default_ctx == mx.cpu(0)
    with mx.cpu(2):
        assert mx.Context.default_ctx == mx.cpu(2)


def test_integer_mean_divides_by_the_count_in_the_dtype():
    # MXNet 1.9.1 divides the wrapped sum by the count cast (wrapped) to the dtype.
    assert mx.nd.ones((200,), dtype="int8").mean().asnumpy().tolist() == [1]
    assert (mx.nd.ones((200,), dtype="int8") * 3).mean().asnumpy().tolist() == [-1]
    assert mx.nd.ones((2, 200), dtype="int8").mean(axis=1).asnumpy().tolist() == [1, 1]
    assert mx.nd.ones((200, 2), dtype="int8").mean().asnumpy().tolist() == [1]
    assert (mx.nd.ones((130,), dtype="int8") * 3).mean().asnumpy().tolist() == [0]
    assert mx.nd.ones((300,), dtype="uint8").mean().asnumpy().tolist() == [1]
    c = mx.nd.array([[100, 100, 100], [-100, -100, 27]], dtype="int8")
    assert c.mean(axis=1).asnumpy().tolist() == [14, 27]
    a = mx.nd.array([2 ** 30, 2 ** 30, 1], dtype="int32")
    assert a.mean().asnumpy().tolist() == [-715827882]
    assert mx.nd.array([7, -7, 4], dtype="int32").mean(axis=0).asnumpy().tolist() == [1]


def test_iterating_a_0d_array_yields_nothing():
    assert [v for v in iter(mx.nd.array(2.0))] == []
    assert [r.shape for r in mx.nd.ones((2, 3))] == [(3,), (3,)]


def test_assert_exception():
    mx.test_utils.assert_exception(mx.nd.ones((2,)).asscalar, ValueError)
    with pytest.raises(AssertionError):
        mx.test_utils.assert_exception(lambda: None, ValueError)
