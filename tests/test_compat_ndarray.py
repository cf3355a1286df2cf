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
