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


def test_bool_arrays_as_mxnet_legacy_mode():
    x = mx.nd.ones((2,), dtype="bool")
    assert x.dtype == np.bool_ and repr(x) == "\n[ True  True]\n<NDArray 2 @cpu(0)>"
    assert mx.nd.zeros((2,), dtype=np.bool_).asnumpy().tolist() == [False, False]
    assert mx.nd.full((2,), 7.9, dtype="bool").asnumpy().tolist() == [True, True]
    assert mx.nd.array([1.5, 0, -2]).astype("bool").asnumpy().tolist() == [True, False, True]
    assert x.astype("int32").asnumpy().tolist() == [1, 1]
    y = mx.nd.array([1, 0, 1, 1], dtype="bool")
    assert y[1:3].asnumpy().tolist() == [False, True]
    assert y.reshape((2, 2)).shape == (2, 2) and y.copy().dtype == np.bool_
    y[1] = 1
    assert y.asnumpy().tolist() == [True] * 4
    # operators refuse bool, as MXNet's do (ops on bool report MXNetError there too)
    for f in (lambda: x + x, lambda: mx.nd.exp(x), lambda: x == x, lambda: mx.nd.sum(x),
              lambda: mx.nd.concat(x, x, dim=0)):
        with pytest.raises(mx.MXNetError):
            f()
    for f in (lambda: mx.nd.arange(3, dtype="bool"), lambda: mx.nd.eye(2, dtype="bool")):
        with pytest.raises(mx.MXNetError):
            f()


def test_bool_save_load_bytes(tmp_path):
    fn = str(tmp_path / "b.nd")
    mx.nd.save(fn, [mx.nd.array([1, 0], dtype="bool")])
    # MXNet 1.9.1 writes type flag 7 and one byte per element
    assert open(fn, "rb").read().hex() == (
        "120100000000000000000000000000000100000000000000c9fa93f900000000010000000200000000"
        "00000001000000000000000700000001000000000000000000")
    r = mx.nd.load(fn)[0]
    assert r.dtype == np.bool_ and r.asnumpy().tolist() == [True, False]


def test_waitall_with_the_cuda_module_imported_but_no_gpu():
    from mxnb.kernels import cuda_launch  # noqa: F401  (as tests/cuda modules do at collection)

    if mx.context.num_gpus() == 0:
        assert mx.nd.waitall() is None and mx.nd.ones((2,)).wait_to_read() is None


def test_test_utils_and_base_helpers():
    tu = mx.test_utils
    tu.assert_allclose(np.ones(2), np.ones(2))
    with pytest.raises(AssertionError):
        tu.assert_allclose(np.ones(2), np.ones(2) + 1e-6)
    assert tu.get_atol() == 1e-20 and tu.get_rtol(dtype=np.float32) == 1e-4 and tu.get_etol() == 0
    assert tu.effective_dtype(mx.nd.ones((1,))) == np.float32
    np.random.seed(0)
    assert all(1 <= d <= 10 for d in tu.rand_shape_2d() + tu.rand_shape_3d())
    assert len(tu.rand_shape_nd(4, dim=3)) == 4
    a, b = tu.random_arrays((2, 3), (4,))
    assert a.shape == (2, 3) and b.dtype == np.float32
    x = np.arange(24.).reshape((2, 3, 4))
    np.testing.assert_array_equal(tu.np_reduce(x, (0, 2), True, np.sum), x.sum((0, 2), keepdims=True))
    with tu.environment("MXNB_TEST_ENV_X", "1"):
        import os

        assert os.environ["MXNB_TEST_ENV_X"] == "1"
    assert "MXNB_TEST_ENV_X" not in os.environ
    assert mx.base.py_str(b"abc") == "abc"
    if mx.context.num_gpus() == 0:
        with pytest.raises(mx.MXNetError):
            mx.context.gpu_memory_info(0)


def test_repr_keeps_numpy_1_layout_for_large_float16_and_float32():
    # MXNet 1.9.1 (NumPy 1.23) prints these in fixed notation; NumPy 2 would use e+03.
    assert repr(mx.nd.array([49952.], dtype="float16")) == "\n[49952.]\n<NDArray 1 @cpu(0)>"
    assert str(mx.nd.array([1000.5, 2048, 3], dtype="float16")).split("\n")[1] == \
        "[1000.5 2048.     3. ]"
    assert str(mx.nd.array([16777217.])).split("\n")[1] == "[16777216.]"
    assert str(mx.nd.array([[1e4, 2e4]], dtype="float16")).split("\n")[1] == "[[10000. 20000.]]"
    old = np.get_printoptions()
    try:
        np.set_printoptions(precision=3)  # the user's options still apply
        assert str(mx.nd.array([1 / 3.])).split("\n")[1] == "[0.333]"
    finally:
        np.set_printoptions(**old)


def test_repr_chooses_scientific_notation_as_numpy_1_does():
    # NumPy 1.x compares float32 values with its 0.0001 cutoff in double, NumPy 2 in float32:
    # float32(1e-4) = 9.9999997e-05 is below it only in double. MXNet 1.9.1 prints:
    assert str(mx.nd.array([1e-4, 1])).split("\n")[1] == "[1.e-04 1.e+00]"
    assert str(mx.nd.arange(0, 1e-3, 1e-4)).split("\n")[1:3] == [
        "[0.0000000e+00 9.9999997e-05 1.9999999e-04 2.9999999e-04 3.9999999e-04",
        " 4.9999997e-04 5.9999997e-04 6.9999998e-04 7.9999998e-04 8.9999998e-04]"]
    assert str(mx.nd.array([1e-4, 1], dtype="float16")).split("\n")[1] == "[1.e-04 1.e+00]"
    # where both NumPy versions agree nothing is forced
    assert str(mx.nd.array([0.5, 1])).split("\n")[1] == "[0.5 1. ]"
    assert str(mx.nd.array([1e-5, 1])).split("\n")[1] == "[1.e-05 1.e+00]"
    old = np.get_printoptions()
    try:
        np.set_printoptions(suppress=True)  # the user's suppress keeps fixed notation
        assert str(mx.nd.array([1e-4, 1])).split("\n")[1] == "[0.0001 1.    ]"
    finally:
        np.set_printoptions(**old)
