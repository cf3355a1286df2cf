"""NDArray surface details found by tools/diff/cases_core_*.py, pinned to MXNet 1.9.1's answers.

Every expected value below was printed by MXNet 1.9.1 for the same call.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.base import MXNetError

X = [[1.5, -2, 3, 0.5], [4, -1, 2.5, 7], [0, 3, -3.5, 1]]


def _x():
    return mx.nd.array(X)


def test_transpose_method_axes_keyword():
    x = _x()
    want = np.array(X, np.float32).T
    np.testing.assert_array_equal(x.transpose(axes=(1, 0)).asnumpy(), want)
    np.testing.assert_array_equal(x.transpose((1, 0), name="t").asnumpy(), want)
    with pytest.raises(TypeError):
        x.transpose((1, 0), axes=(1, 0))


@pytest.mark.parametrize("call, want", [
    (lambda x: mx.nd.sum(x, axis="1"), [3., 12.5, 0.5]),
    (lambda x: mx.nd.sum(x, axis="(0, 1)"), [16.]),
    (lambda x: mx.nd.sum(x, axis="1", keepdims="True"), [[3.], [12.5], [0.5]]),
    (lambda x: mx.nd.sum(x, axis="0", keepdims="true"), [[5.5, 0., 2., 8.5]]),
    (lambda x: mx.nd.sum(x, axis="0", keepdims="0"), [5.5, 0., 2., 8.5]),
    (lambda x: mx.nd.sum(x, axis="None"), [16.]),
    (lambda x: mx.nd.sum(x, axis="()"), [16.]),
    (lambda x: mx.nd.max(x, axis="[0]"), [4., 3., 3., 7.]),
    (lambda x: mx.nd.mean(x, axis="-1", exclude="True"), [1.8333334, 0., 0.6666667, 2.8333333]),
    (lambda x: mx.nd.argmax(x, axis="1", keepdims="True"), [[2.], [3.], [1.]]),
    (lambda x: mx.nd.sort(x, is_ascend="False")[0], [3., 1.5, 0.5, -2.]),
    (lambda x: mx.nd.sort(x, is_ascend="0")[2], [3., 1., 0., -3.5]),
    (lambda x: mx.nd.reshape(x, shape="(2,6)")[1], [2.5, 7., 0., 3., -3.5, 1.]),
    (lambda x: mx.nd.reshape(x, shape="[4, 3]")[3], [3., -3.5, 1.]),
    (lambda x: mx.nd.transpose(x, axes="(1, 0)")[0], [1.5, 4., 0.]),
    (lambda x: mx.nd.tile(x, reps="(1, 2)")[0], [1.5, -2., 3., 0.5, 1.5, -2., 3., 0.5]),
    (lambda x: mx.nd.slice(x, begin="(0, 1)", end="(2, 3)"), [[-2., 3.], [-1., 2.5]]),
    (lambda x: mx.nd.slice(x, begin="(0, None)", end="(2, None)")[1], [4., -1., 2.5, 7.]),
    (lambda x: mx.nd.norm(x, ord="1", axis="1"), [7., 14.5, 7.5]),
    (lambda x: mx.nd.broadcast_to(x[:1], shape="(2, 4)")[1], [1.5, -2., 3., 0.5]),
    (lambda x: mx.nd.FullyConnected(x, mx.nd.ones((2, 4)), num_hidden="2", no_bias="True"),
     [[3., 3.], [12.5, 12.5], [0.5, 0.5]]),
    (lambda x: mx.nd.pad(x.reshape((1, 1, 3, 4)), mode="constant",
                         pad_width="(0, 0, 0, 0, 1, 1, 1, 1)")[0, 0, 1], [0., 1.5, -2., 3., 0.5, 0.]),
    (lambda x: mx.nd.Convolution(x.reshape((1, 1, 3, 4)), mx.nd.ones((1, 1, 2, 2)), kernel="(2, 2)",
                                 num_filter="1", no_bias="True"), [[[[2.5, 2.5, 13.], [6., 1., 7.]]]]),
    (lambda x: mx.nd.Pooling(x.reshape((1, 1, 3, 4)), kernel="(2, 2)", pool_type="max",
                             stride="(1, 1)"), [[[[4., 3., 7.], [4., 3., 7.]]]]),
    (lambda x: mx.nd.clip(x, "-1", "1.5")[1], [1.5, -1., 1.5, 1.5]),
    (lambda x: mx.nd.LeakyReLU(x, act_type="leaky", slope="0.1")[0], [1.5, -0.2, 3., 0.5]),
    (lambda x: mx.nd.arange(start="1", stop="5"), [1., 2., 3., 4.]),
])
def test_attributes_given_as_strings(call, want):
    # MXNet parses every attribute from a string (the C++ parameter parser).
    np.testing.assert_allclose(call(_x()).asnumpy(), np.array(want, np.float32), rtol=1e-6)


def test_string_attribute_errors():
    x = _x()
    with pytest.raises(MXNetError, match="keepdims"):
        mx.nd.sum(x, keepdims="maybe")       # MXNet: expect boolean but value='maybe'
    with pytest.raises(MXNetError, match="shape"):
        mx.nd.reshape(x, shape="bad")        # MXNet: expect Shape(tuple) but value='bad'
    with pytest.raises(MXNetError):
        mx.nd.Activation(x, act_type="nope")
    assert mx.nd.zeros(shape="(2, 3)").shape == (2, 3)


def test_positional_attribute_given_twice():
    with pytest.raises(TypeError, match="multiple values"):   # as MXNet's generated signature
        mx.nd.sum(_x(), 1, axis=1)


def test_zeros_ones_out():
    o = mx.nd.ones((3, 4))
    r = mx.nd.zeros((3, 4), out=o)
    assert r is o and o.asnumpy().sum() == 0
    o = mx.nd.zeros((2, 2), dtype="int32")
    r = mx.nd.ones((2, 2), dtype="int32", out=o, name="n")
    assert r is o and o.asnumpy().tolist() == [[1, 1], [1, 1]]
    # MXNet: "Type inconsistent, Provided = float64, inferred type = float32"
    with pytest.raises(MXNetError, match="Type inconsistent"):
        mx.nd.zeros((2, 2), out=mx.nd.ones((2, 2), dtype="float64"))
    # MXNet: "Shape inconsistent, Provided = [2,3], inferred shape=[2,2]"
    with pytest.raises(MXNetError, match="Shape inconsistent"):
        mx.nd.zeros((2, 2), out=mx.nd.ones((2, 3)))
    with pytest.raises(MXNetError, match="foo"):
        mx.nd.zeros((2, 2), foo=1)
    assert mx.nd.zeros((2,), name="z").shape == (2,)


def test_random_name_ignored():
    assert mx.nd.random.uniform(shape=(2,), name="r").shape == (2,)
    assert mx.nd.random.normal(shape=(2,), name="r").shape == (2,)
    assert mx.nd.random.randint(0, 5, shape=(2,), name="r").shape == (2,)
    assert mx.nd.random.multinomial(mx.nd.array([0.5, 0.5]), name="m").shape == (1,)


def test_array_from_numpy_object_and_string_arrays():
    # MXNet copies NumPy sources with np.asarray(src, dtype=float32)
    x = mx.nd.array(np.array(["1", "2"]))
    assert x.dtype == np.float32 and x.asnumpy().tolist() == [1., 2.]
    x = mx.nd.array(np.array([1, 2], dtype=object))
    assert x.dtype == np.float32 and x.asnumpy().tolist() == [1., 2.]
    assert np.isnan(mx.nd.array(np.array([None, 1], dtype=object)).asnumpy()[0])
    with pytest.raises(ValueError):
        mx.nd.array(np.array(["a"]))
    with pytest.raises(TypeError):
        mx.nd.array(["a", "b"])           # a list of strings stays refused, as in MXNet


def test_zero_size_empty_full_linspace():
    # MXNet: empty/full allocate without shape inference; zeros/ones infer and refuse 0
    assert mx.nd.empty((0,)).shape == (0,)
    x = mx.nd.full((2, 0), 1, dtype="int32")
    assert x.shape == (2, 0) and x.dtype == np.int32
    x = mx.nd.linspace(0, 1, 0)
    assert x.shape == (0,) and x.dtype == np.float32
    with pytest.raises(MXNetError):
        mx.nd.zeros((0,))
    with pytest.raises(MXNetError):
        mx.nd.ones((2, 0))


@pytest.mark.parametrize("dt", ["uint8", "int8", "int32", "int64"])
def test_clip_integer_bounds_outside_the_dtype(dt):
    # MXNet compares integer data with float bounds: a bound out of range clips nothing
    x = mx.nd.array([0, 1, 7, 100, 127], dtype=dt)
    assert mx.nd.clip(x, -5, 5).asnumpy().tolist() == [0, 1, 5, 5, 5]
    assert mx.nd.clip(x, 2, 300).asnumpy().tolist() == [2, 2, 7, 100, 127]
    assert mx.nd.clip(x, -1000, 1000).asnumpy().tolist() == [0, 1, 7, 100, 127]
    assert mx.nd.clip(x, 1.5, 99.5).asnumpy().tolist() == [1, 1, 7, 99, 99]
    assert x.clip(-1.5, -0.5).asnumpy().tolist() == [0, 0, 0, 0, 0]
    assert x.clip(-1.5, -0.5).dtype == np.dtype(dt)


def test_diag_just_past_the_corner_is_empty():
    x = mx.nd.arange(12).reshape((3, 4))
    # MXNet 1.9.1: k=-3 and k=4 give shape (0,), k=-4 / k=5 "Diagonal does not exist."
    for k in (-3, 4):
        r = mx.nd.diag(x, k=k)
        assert r.shape == (0,) and r.dtype == np.float32
    assert mx.nd.diag(x.T, k=-4).shape == (0,) and mx.nd.diag(x.T, k=3).shape == (0,)
    assert mx.nd.diag(x, k=3).asnumpy().tolist() == [3.0]
    for k in (-4, 5):
        with pytest.raises(MXNetError):
            mx.nd.diag(x, k=k)
    y = mx.nd.arange(24).reshape((2, 3, 4))
    assert mx.nd.diag(y, k=-2).shape == (4, 0) and mx.nd.diag(y, k=3).shape == (4, 0)
    assert mx.nd.diag(y, k=2).asnumpy().tolist() == [[8.], [9.], [10.], [11.]]
    with pytest.raises(MXNetError):
        mx.nd.diag(y, k=-3)


def test_depth_space_need_4d_and_positive_block():
    x = mx.nd.arange(12).reshape((3, 4))
    with pytest.raises(MXNetError, match="4D"):
        mx.nd.depth_to_space(x, 2)
    with pytest.raises(MXNetError, match="4D"):
        x.space_to_depth(2)
    with pytest.raises(MXNetError, match="positive"):
        mx.nd.depth_to_space(mx.nd.ones((1, 4, 2, 2)), 0)


def test_astype_none_is_float32():
    # MXNet: astype allocates empty(dtype=None), float32, and copies into it
    x = mx.nd.array([1, 2], dtype="int32")
    assert x.astype(None).dtype == np.float32
    assert x.astype(None, copy=False).dtype == np.float32
    y = mx.nd.array([1.5], dtype="float64")
    assert y.astype(None, copy=False) is y        # np.dtype(None) is float64
    assert y.astype(None).dtype == np.float32


def test_legacy_random_ops_take_ctx_before_dtype():
    # MXNet's op signature: random_uniform(low, high, shape, ctx, dtype)
    r = mx.nd.random_uniform(0, 1, (2,), mx.cpu(1))
    assert r.context == mx.cpu(1) and r.dtype == np.float32 and r.shape == (2,)
    r = mx.nd.random_gamma(2, 3, (2,), mx.cpu(), "float64")
    assert r.dtype == np.float64
    r = mx.nd.random_randint(0, 9, (3,), mx.cpu(1), "int64")
    assert r.dtype == np.int64 and r.context == mx.cpu(1)
    assert mx.nd.normal(0, 1, (2,), mx.cpu(1)).context == mx.cpu(1)
    assert mx.nd.random_poisson(3, (2,), mx.cpu(1)).context == mx.cpu(1)


def test_legacy_exponential_takes_the_rate():
    # MXNet 1.9.1, seed 3: random_exponential(4.0) gives 0.22005, 0.1369, 0.14558 (rate 4),
    # the same stream as random.exponential(scale=0.25)
    mx.random.seed(3)
    a = mx.nd.random_exponential(4.0, shape=(3,)).asnumpy()
    mx.random.seed(3)
    b = mx.nd.random_exponential(lam=4.0, shape=(3,)).asnumpy()
    mx.random.seed(3)
    c = mx.nd.random.exponential(0.25, shape=(3,)).asnumpy()
    np.testing.assert_array_equal(a, c)
    np.testing.assert_array_equal(b, c)
    np.testing.assert_allclose(a, [0.22005, 0.1369, 0.14558], atol=1e-5)
    mx.random.seed(3)
    s = mx.nd.sample_exponential(mx.nd.array([4.0, 1.0]), shape=(2,)).asnumpy()
    np.testing.assert_allclose(s, [[0.22005, 0.1369], [0.58231, 0.39679]], atol=1e-5)
    mx.random.seed(3)
    s = mx.nd.sample_exponential(lam=mx.nd.array([4.0])).asnumpy()
    np.testing.assert_allclose(s, [0.22005], atol=1e-5)


def test_legacy_sample_ops_use_the_op_names():
    mx.random.seed(3)
    r = mx.nd.sample_normal(mu=mx.nd.array([0., 10]), sigma=mx.nd.array([1., 0.1])).asnumpy()
    np.testing.assert_allclose(r, [-1.63609, 9.80972], atol=1e-5)     # MXNet 1.9.1, seed 3
    r = mx.nd.sample_uniform(mx.nd.array([0., 10]), mx.nd.array([1., 11]), (2,), "float64")
    assert r.shape == (2, 2) and r.dtype == np.float64
    r = mx.nd.sample_multinomial(mx.nd.array([0.2, 0.8]), (3,), False, "uint8")
    assert r.shape == (3,) and r.dtype == np.uint8


def test_power_and_softmin_argument_names():
    x = mx.nd.array([2., 3])
    assert mx.nd.power(base=x, exp=2).asnumpy().tolist() == [4., 9.]
    assert mx.nd.power(x, exp=mx.nd.array([2., 1])).asnumpy().tolist() == [4., 3.]
    # MXNet's softmin has no length input: the second positional argument is the axis
    y = mx.nd.array([[1., 2], [3, 5]])
    want = [[0.880797, 0.95257413], [0.11920292, 0.04742587]]
    np.testing.assert_allclose(mx.nd.softmin(y, 0).asnumpy(), want, rtol=1e-6)
    np.testing.assert_allclose(y.softmin(0).asnumpy(), want, rtol=1e-6)


def test_random_shape_given_as_string():
    # MXNet 1.9.1: shape='(2, 3)' and '[2]' parse (the attribute goes to C++ as a string)
    assert mx.nd.random.uniform(shape="(2, 3)").shape == (2, 3)
    assert mx.nd.random.normal(0, 1, shape="[2]").shape == (2,)
    with pytest.raises(MXNetError, match="shape"):
        mx.nd.random.uniform(shape="bad")
