"""Shape ops against NumPy float64 oracles, with gradients, copy semantics and MXNet's errors.

Literals marked "MXNet 1.9.1" were produced by the real MXNet and are pinned here.
"""
import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from hypothesis.extra.numpy import array_shapes

import mxnb as mx
from mxnb import autograd
from gradutil import fused_equals_vjp, grad_checks, grad_of, nd64

ERR = mx.MXNetError
SHAPES = array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4)
HS = hsettings(max_examples=15, deadline=None)


def arange(shape, dtype="float32"):
    return mx.nd.array(np.arange(int(np.prod(shape))).reshape(shape), dtype=dtype)


def shares_memory(fn, x):
    """Whether writing into fn(x)'s result changes x."""
    y = fn(x)
    y = y[0] if isinstance(y, list) else y
    before = x.asnumpy()
    y[:] = -7
    changed = not np.array_equal(before, x.asnumpy())
    x[:] = before
    return changed

# ---------------------------------------------------------------- reshape family


def test_reshape_op_copies_while_the_method_is_a_view():
    x = arange((2, 3, 4))
    # MXNet 1.9.1: mx.nd.reshape (the op) copies; NDArray.reshape is a view.
    assert not shares_memory(lambda a: mx.nd.reshape(a, shape=(4, 6)), x)
    assert shares_memory(lambda a: a.reshape((4, 6)), x)
    for fn in (lambda a: mx.nd.reshape_like(a, mx.nd.zeros((4, 6))), lambda a: a.reshape_like(
            mx.nd.zeros((4, 6))), lambda a: mx.nd.expand_dims(a, 0), lambda a: a.expand_dims(0),
               lambda a: mx.nd.squeeze(a), lambda a: a.squeeze(), lambda a: mx.nd.flatten(a),
               lambda a: a.flatten(), lambda a: a.swapaxes(0, 0), lambda a: a.flip(axis=0),
               lambda a: a.tile(reps=(1,)), lambda a: a.repeat(repeats=1, axis=0),
               lambda a: mx.nd.split(a, num_outputs=1, axis=0),
               lambda a: mx.nd.slice(a, begin=(0,), end=(1,)), lambda a: a.broadcast_to(a.shape)):
        assert not shares_memory(fn, x)
    # ... and inplace=True gives views, as in MXNet.
    for fn in (lambda a: a.flatten(inplace=True), lambda a: a.expand_dims(1, inplace=True),
               lambda a: a.squeeze(inplace=True)):
        assert shares_memory(fn, x)


def test_reshape_op_codes_and_errors():
    x = arange((2, 3, 4))
    assert mx.nd.reshape(x, shape=(-3, 0)).shape == (6, 4)
    assert mx.nd.reshape(x, shape=(-4, 1, 2, -2)).shape == (1, 2, 3, 4)
    assert mx.nd.reshape(x, shape=(-1, 0), reverse=True).shape == (6, 4)
    assert mx.nd.Reshape(x, shape=24).shape == (24,)
    assert mx.nd.reshape(x, target_shape=(4, 0)).shape == (4, 6)
    np.testing.assert_array_equal(mx.nd.reshape(x, shape=(4, 6)).asnumpy(),
                                  np.arange(24).reshape(4, 6))
    # MXNet 1.9.1 copies past the end for a size mismatch: mxnb refuses, naming both shapes.
    with pytest.raises(ERR, match=r"Reshape: cannot reshape array of shape \[2,3,4\] \(size 24\) "
                                  r"into shape \[4\]"):
        mx.nd.reshape(x, shape=(4,))
    with pytest.raises(ERR, match="one and only one dim can be inferred"):
        mx.nd.reshape(x, shape=(-1, -1))
    with pytest.raises(ValueError, match=r"Cannot reshape array of size 24 into shape \(5, -1\)"):
        x.reshape((5, -1))
    with pytest.raises(ERR, match="larger"):
        x.reshape((40,))
    with pytest.raises(AssertionError, match="Shape must be provided"):
        x.reshape()
    with pytest.raises(TypeError, match="unknown keywords in reshape: order"):
        x.reshape((4, 6), order="C")


def test_reshape_like():
    lhs = mx.nd.arange(6)
    assert mx.nd.reshape_like(lhs, mx.nd.zeros((3, 2))).asnumpy().tolist() == [[0, 1], [2, 3],
                                                                                [4, 5]]
    # The examples of MXNet's documentation.
    z = mx.nd.zeros
    assert mx.nd.reshape_like(z((30, 7)), z((15, 2, 4)), lhs_begin=0, lhs_end=1, rhs_begin=0,
                              rhs_end=2).shape == (15, 2, 7)
    assert mx.nd.reshape_like(z((3, 5)), z((1, 15, 4)), lhs_begin=0, lhs_end=2, rhs_begin=1,
                              rhs_end=2).shape == (15,)
    assert mx.nd.reshape_like(z((30, 12)), z((4, 2, 2, 3)), lhs_begin=-1, lhs_end=None,
                              rhs_begin=1, rhs_end=None).shape == (30, 2, 2, 3)
    assert mx.nd.reshape_like(z((6, 2)), z((2, 6), dtype="int32")).dtype is np.float32
    with pytest.raises(ERR, match=r"reshape_like: Cannot reshape lhs with shape \[2,3,4\] to new "
                                  r"shape \[4,5\]"):
        mx.nd.reshape_like(z((2, 3, 4)), z((4, 5)))
    with pytest.raises(ERR, match="Invalid begin, end, get lhs_begin=1, lhs_end=1"):
        mx.nd.reshape_like(z((30, 12)), z((4, 90)), lhs_begin=1, lhs_end=1)
    grad_checks(lambda a: mx.nd.reshape_like(a, z((3, 2), dtype="float64")),
                [np.random.RandomState(0).standard_normal((2, 3))])


@HS
@given(shape=SHAPES, data=st.data())
def test_swapaxes_expand_squeeze_flatten_match_numpy(shape, data):
    a = np.random.RandomState(0).standard_normal(shape).astype(np.float32)
    x = mx.nd.array(a)
    n = len(shape)
    d1 = data.draw(st.integers(-n, n - 1))
    d2 = data.draw(st.integers(-n, n - 1))
    np.testing.assert_array_equal(mx.nd.swapaxes(x, d1, d2).asnumpy(), np.swapaxes(a, d1, d2))
    ax = data.draw(st.integers(-n - 1, n))
    np.testing.assert_array_equal(mx.nd.expand_dims(x, axis=ax).asnumpy(),
                                  np.expand_dims(a, ax))
    sq = np.squeeze(a)
    assert mx.nd.squeeze(x).shape == (sq.shape or (1,))
    np.testing.assert_array_equal(mx.nd.flatten(x).asnumpy(), a.reshape(shape[0], -1))


def test_axis_errors_name_op_axis_and_shape():
    x = mx.nd.zeros((2, 3, 4))
    with pytest.raises(ERR, match=r"swapaxes: dim2=3 is out of range for input of shape "
                                  r"\[2,3,4\]"):
        mx.nd.swapaxes(x, 0, 3)
    with pytest.raises(ERR, match=r"expand_dims: axis must be in the range \[-4, 3\] "
                                  r"\(4 provided\)"):
        mx.nd.expand_dims(x, 4)
    y = mx.nd.zeros((1, 3, 1, 2))
    assert mx.nd.squeeze(y).shape == (3, 2)
    assert mx.nd.squeeze(y, axis=2).shape == (1, 3, 2)
    assert mx.nd.squeeze(y, axis=(0, -2)).shape == (3, 2)
    assert mx.nd.squeeze(mx.nd.zeros((1, 1))).shape == (1,)      # MXNet 1.9.1: never 0-d
    assert mx.nd.squeeze(y, axis=()).shape == (1, 3, 1, 2)       # MXNet 1.9.1: () squeezes none
    with pytest.raises(ERR, match="squeeze: cannot select an axis to squeeze out which has size=3"):
        mx.nd.squeeze(y, axis=1)
    with pytest.raises(ERR, match=r"squeeze: axis=4 is out of range for input of shape "
                                  r"\[1,3,1,2\]"):
        mx.nd.squeeze(y, axis=4)
    with pytest.raises(ERR, match="squeeze: duplicate value in axis"):
        mx.nd.squeeze(y, axis=(0, 0))
    assert mx.nd.flatten(mx.nd.arange(3)).shape == (3, 1)
    assert mx.nd.Flatten(x).shape == (2, 12)
    with pytest.raises(AssertionError, match="Squeeze target axis 1 must be size 1"):
        y.squeeze(axis=1, inplace=True)


def test_reshape_family_gradients():
    rng = np.random.RandomState(1)
    a = rng.standard_normal((2, 1, 3))
    grad_checks(lambda x: mx.nd.swapaxes(x, dim1=0, dim2=2), [a])
    grad_checks(lambda x: mx.nd.expand_dims(x, axis=-1), [a])
    grad_checks(lambda x: mx.nd.squeeze(x), [a])
    grad_checks(lambda x: mx.nd.flatten(x) * mx.nd.flatten(x), [a])
    grad_checks(lambda x: mx.nd.reshape(x, shape=(3, 2)), [a])

# ---------------------------------------------------------------- concat / stack / split


@HS
@given(shape=SHAPES, data=st.data())
def test_concat_stack_split_match_numpy(shape, data):
    rng = np.random.RandomState(2)
    n = len(shape)
    dim = data.draw(st.integers(-n, n - 1))
    k = data.draw(st.integers(1, 3))
    parts = []
    for _ in range(k):
        s = list(shape)
        s[dim] = data.draw(st.integers(1, 3))
        parts.append(rng.standard_normal(s).astype(np.float32))
    np.testing.assert_array_equal(
        mx.nd.concat(*[mx.nd.array(p) for p in parts], dim=dim).asnumpy(),
        np.concatenate(parts, axis=dim))
    axis = data.draw(st.integers(-n - 1, n))
    same = [mx.nd.array(parts[0]) for _ in range(k)]
    np.testing.assert_array_equal(mx.nd.stack(*same, axis=axis).asnumpy(),
                                  np.stack([parts[0]] * k, axis=axis))
    a = rng.standard_normal(shape).astype(np.float32)
    ax = data.draw(st.integers(-n, n - 1))
    num = data.draw(st.sampled_from([d for d in range(1, 5) if shape[ax] % d == 0]))
    outs = mx.nd.split(mx.nd.array(a), num_outputs=num, axis=ax)
    outs = outs if isinstance(outs, list) else [outs]
    for o, e in zip(outs, np.split(a, num, axis=ax)):
        np.testing.assert_array_equal(o.asnumpy(), e)


def test_concat_stack_split_mxnet_details():
    x = arange((2, 3, 4))
    assert mx.nd.concat(x, x).shape == (2, 6, 4)                  # default dim=1
    assert mx.nd.Concat(x, x, dim=-1).shape == (2, 3, 8)
    assert mx.nd.concat(x, x, num_args=2).shape == (2, 6, 4)
    assert mx.nd.stack(x).shape == (1, 2, 3, 4)
    out = mx.nd.zeros((2, 6, 4))
    assert mx.nd.concat(x, x, out=out) is out and out.asnumpy()[0, 3, 0] == 0
    assert isinstance(mx.nd.split(x, num_outputs=1), mx.nd.NDArray)  # one output, no list
    parts = mx.nd.split(x, num_outputs=3)
    assert [p.shape for p in parts] == [(2, 1, 4)] * 3
    assert [p.shape for p in mx.nd.SliceChannel(x, num_outputs=4, axis=2, squeeze_axis=1)] == \
        [(2, 3)] * 4
    assert [p.shape for p in mx.nd.split(mx.nd.arange(2), num_outputs=2, axis=0,
                                         squeeze_axis=True)] == [(), ()]
    assert [p.shape for p in x.split(num_outputs=2, axis=0)] == [(1, 3, 4)] * 2


def test_concat_stack_split_errors():
    x = mx.nd.zeros((2, 3, 4))
    with pytest.raises(ERR, match=r"concat: Incompatible input shape: expected \[2,-1,4\], got "
                                  r"\[3,3,4\]"):
        mx.nd.concat(x, mx.nd.zeros((3, 3, 4)))
    with pytest.raises(ERR, match=r"concat: dim=3 is out of range for input of shape \[2,3,4\]"):
        mx.nd.concat(x, x, dim=3)
    with pytest.raises(ERR, match="Non-uniform data type in Concat, expected data type float32, "
                                  "got data type float64 for input 1"):
        mx.nd.concat(x, x.astype("float64"), dim=0)
    with pytest.raises(ERR, match="num_args should be greater equal to 1"):
        mx.nd.concat()
    with pytest.raises(ERR, match="Operator concat expects 3 inputs, but got 2 instead"):
        mx.nd.concat(x, x, num_args=3)
    with pytest.raises(AssertionError, match="Positional arguments must have NDArray type"):
        mx.nd.concat([x, x])
    with pytest.raises(ERR, match="cannot find argument 'axis'"):
        mx.nd.concat(x, x, axis=0)
    with pytest.raises(ERR, match=r"stack: all inputs must have the same shape, got \[2,3,4\] "
                                  r"\(input 0\) and \[2,3,5\]"):
        mx.nd.stack(x, mx.nd.zeros((2, 3, 5)))
    with pytest.raises(ERR, match=r"stack: axis=4 is out of range"):
        mx.nd.stack(x, x, axis=4)
    with pytest.raises(ERR, match="expected float32, got int32"):
        mx.nd.stack(x, x.astype("int32"))
    with pytest.raises(ERR, match=r"split the 1-th axis of input tensor with shape \[2,3,4\] into "
                                  r"num_outputs=2 evenly sized chunks"):
        mx.nd.split(x, num_outputs=2)
    with pytest.raises(ERR, match="If squeeze axis is True, the size of the sliced axis must be "
                                  "the same as num_outputs"):
        mx.nd.split(x, num_outputs=2, axis=2, squeeze_axis=True)
    with pytest.raises(ERR, match="Required parameter num_outputs"):
        mx.nd.split(x)
    with pytest.raises(ERR, match="num_outputs should be greater equal to 1"):
        mx.nd.split(x, num_outputs=0)


def test_concat_stack_split_gradients():
    rng = np.random.RandomState(3)
    a, b = rng.standard_normal((2, 3)), rng.standard_normal((2, 2))
    g = grad_checks(lambda x, y: mx.nd.concat(x, y) * mx.nd.concat(x, y), [a, b])
    assert g[0].shape == (2, 3) and g[1].shape == (2, 2)
    grad_checks(lambda x, y: mx.nd.stack(x, y, axis=1), [a, a + 1])
    grad_checks(lambda x: mx.nd.split(x * x, num_outputs=2, axis=0), [a])
    grad_checks(lambda x: mx.nd.split(x, num_outputs=3, axis=1, squeeze_axis=True)[1] * x[:, 0],
                [a])
    # One output of several used: the others' gradients count as zero.
    x = nd64(a)
    assert grad_of(lambda v: mx.nd.split(v, num_outputs=2, axis=0)[1], x).tolist() == \
        [[0, 0, 0], [1, 1, 1]]

# ---------------------------------------------------------------- tile / repeat / flip


@HS
@given(shape=SHAPES, data=st.data())
def test_tile_repeat_flip_match_numpy(shape, data):
    a = np.random.RandomState(4).standard_normal(shape).astype(np.float32)
    x = mx.nd.array(a)
    reps = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=5)))
    np.testing.assert_array_equal(mx.nd.tile(x, reps=reps).asnumpy(), np.tile(a, reps))
    r = data.draw(st.integers(0, 3))
    axis = data.draw(st.one_of(st.none(), st.integers(-len(shape), len(shape) - 1)))
    np.testing.assert_array_equal(mx.nd.repeat(x, repeats=r, axis=axis).asnumpy(),
                                  np.repeat(a, r, axis=axis))
    axes = tuple(data.draw(st.lists(st.integers(0, len(shape) - 1), min_size=1, max_size=3,
                                    unique=True)))
    np.testing.assert_array_equal(mx.nd.flip(x, axis=axes).asnumpy(), np.flip(a, axes))


def test_tile_repeat_flip_mxnet_details_and_errors():
    x = arange((2, 3))
    assert mx.nd.tile(x, reps=2).shape == (2, 6)
    assert mx.nd.tile(x, reps=()).shape == (2, 3)
    assert mx.nd.repeat(x, repeats=2, axis="None").shape == (12,)
    assert mx.nd.repeat(x, repeats=0, axis=1).shape == (2, 0)
    # MXNet 1.9.1: a repeated axis flips twice; negative axes are refused.
    np.testing.assert_array_equal(mx.nd.flip(x, axis=(0, 0)).asnumpy(), x.asnumpy())
    assert mx.nd.reverse(x, axis=0).asnumpy()[0].tolist() == [3, 4, 5]
    with pytest.raises(ERR, match=r"flip: axis=-1 is out of range for input of shape \[2,3\]"):
        mx.nd.flip(x, axis=-1)
    with pytest.raises(ERR, match="Required parameter axis"):
        mx.nd.flip(x)
    with pytest.raises(ERR, match=r"tile: reps must be positive, got \(0,\)"):
        mx.nd.tile(x, reps=(0,))
    with pytest.raises(ERR, match="repeats cannot be a negative number"):
        mx.nd.repeat(x, repeats=-1)
    with pytest.raises(ERR, match=r"repeat: axis=2 is out of range"):
        mx.nd.repeat(x, repeats=2, axis=2)


def test_tile_repeat_flip_gradients():
    a = np.random.RandomState(5).standard_normal((2, 3))
    grad_checks(lambda x: mx.nd.tile(x, reps=(2, 1, 2)) ** 2, [a])
    grad_checks(lambda x: mx.nd.repeat(x, repeats=3, axis=1) ** 2, [a])
    grad_checks(lambda x: mx.nd.repeat(x, repeats=2) ** 2, [a])
    grad_checks(lambda x: mx.nd.flip(x, axis=(0, 1)) * x, [a])
    assert grad_of(lambda v: mx.nd.tile(v, reps=(2, 3)), nd64(a)).tolist() == [[6] * 3] * 2

# ---------------------------------------------------------------- broadcasting


def test_broadcast_ops_and_methods():
    z = mx.nd.zeros
    assert mx.nd.broadcast_axis(z((1, 3, 1)), axis=(0, 2), size=(2, 4)).shape == (2, 3, 4)
    assert mx.nd.broadcast_axes(z((1, 1)), axis=1, size=3).shape == (1, 3)
    with pytest.raises(ERR, match=r"Broadcasting axis must have size 1, but axis 0 of input "
                                  r"shape \[3,1\] has size 3"):
        mx.nd.broadcast_axis(z((3, 1)), axis=0, size=4)
    with pytest.raises(ERR, match=r"broadcast_axis: axis=-1 is out of range"):
        mx.nd.broadcast_axis(z((3, 1)), axis=-1, size=4)
    # broadcast_like with axes (MXNet 1.9.1 shapes).
    assert mx.nd.broadcast_like(z((1, 2, 1)), z((5, 6, 7)), lhs_axes=(0,),
                                rhs_axes=(2,)).shape == (7, 2, 1)
    assert mx.nd.broadcast_like(z((1, 2, 1)), z((5, 6, 7)), lhs_axes=(0, -1),
                                rhs_axes=(-1, 0)).shape == (7, 2, 5)
    with pytest.raises(ERR, match="Input axis 0 at dimension 0 cannot be broadcasted to 7"):
        mx.nd.broadcast_like(z((3, 2, 1)), z((5, 6, 7)), lhs_axes=(0,), rhs_axes=(2,))
    with pytest.raises(ERR, match="lhs_axes and rhs_axes must have the same length"):
        mx.nd.broadcast_like(z((1, 2, 1)), z((5, 6, 7)), lhs_axes=(0, 2), rhs_axes=(2,))
    assert mx.nd.broadcast_like(z((3, 1)), z((3, 4), dtype="int32")).dtype is np.float32
    # The methods prepend axes (MXNet's Python side) and raise ValueError.
    assert z((3, 1)).broadcast_to((2, 3, 4)).shape == (2, 3, 4)
    assert z((3, 1)).broadcast_like(z((2, 3, 4))).shape == (2, 3, 4)
    with pytest.raises(ValueError, match=r"remapped shapes\[original->remapped\]: \(3, 2\) and "
                                         r"requested shape \(3, 4\)"):
        z((3, 2)).broadcast_to((3, 4))
    with pytest.raises(ValueError, match="remapped shapes"):
        z((3, 1)).broadcast_to((4,))
    a = np.random.RandomState(6).standard_normal((1, 3, 1))
    grad_checks(lambda x: mx.nd.broadcast_axis(x, axis=(0, 2), size=(2, 2)) ** 2, [a])
    grad_checks(lambda x: mx.nd.broadcast_like(x, mx.nd.zeros((4, 3, 1), dtype="float64"),
                                               lhs_axes=0, rhs_axes=0) ** 2, [a])


def test_transpose_and_cast_match_mxnet():
    x = arange((2, 3, 4))
    np.testing.assert_array_equal(mx.nd.transpose(x, axes=(1, 0, 2)).asnumpy(),
                                  np.arange(24).reshape(2, 3, 4).transpose(1, 0, 2))
    assert mx.nd.transpose(mx.nd.arange(3)).shape == (3,)
    with pytest.raises(ERR, match="not a permutation"):
        mx.nd.transpose(x, axes=(0, 0, 1))           # MXNet 1.9.1 returns garbage here
    with pytest.raises(ERR, match=r"transpose: axes \(-1, 0, 1\) has a negative axis"):
        mx.nd.transpose(x, axes=(-1, 0, 1))          # as MXNet 1.9.1
    with pytest.raises(ERR, match="not a permutation"):
        mx.nd.transpose(x, axes=(0, 1))
    # MXNet 1.9.1 casts like C: wrap-around for integers, INT_MIN for NaN.
    assert mx.nd.cast(mx.nd.array([1.7, -1.7, 300, -129]), dtype="int8").asnumpy().tolist() == \
        [1, -1, 44, 127]
    assert mx.nd.cast(mx.nd.array([np.nan]), dtype="int32").asnumpy().tolist() == [-2 ** 31]

# ---------------------------------------------------------------- shape_array ... ones_like


def test_shape_size_zeros_ones_like_are_recorded_with_zero_gradient():
    x = arange((2, 3))
    assert mx.nd.shape_array(x).asnumpy().tolist() == [2, 3]
    assert mx.nd.shape_array(x).dtype is np.int64
    assert mx.nd.size_array(x).asnumpy().tolist() == [6] and mx.nd.size_array(x).dtype is np.int64
    assert mx.nd.zeros_like(x.astype("int32")).dtype is np.int32
    assert x.ones_like().asnumpy().sum() == 6 and x.zeros_like().shape == (2, 3)
    out = mx.nd.zeros((2, 3))
    assert mx.nd.ones_like(x, out=out) is out and out.asnumpy().sum() == 6
    x.attach_grad()
    x.grad[:] = 5
    for name in ("zeros_like", "ones_like", "shape_array", "size_array"):
        with autograd.record():
            y = getattr(mx.nd, name)(x)
        y.backward()  # recorded as in MXNet 1.9.1, so backward works and gives zeros
        assert x.grad.asnumpy().tolist() == [[0, 0, 0]] * 2


def test_small_dtypes_move_bits_exactly():
    for dt in ("float16", "int8", "uint8", "int32", "int64", "float64"):
        a = np.arange(12).reshape(3, 4).astype(dt)
        x = mx.nd.array(a, dtype=dt)
        for got, want in ((mx.nd.concat(x, x, dim=0), np.concatenate([a, a])),
                          (mx.nd.tile(x, reps=(2,)), np.tile(a, 2)),
                          (mx.nd.flip(x, axis=1), a[:, ::-1]),
                          (mx.nd.swapaxes(x, 0, 1), a.T)):
            assert got.dtype == np.dtype(dt).type
            np.testing.assert_array_equal(got.asnumpy(), want)


def test_every_new_op_checks_fused_against_vjp_in_one_graph():
    rng = np.random.RandomState(7)
    x = nd64(rng.standard_normal((2, 3, 2)))
    fused_equals_vjp(lambda v: [mx.nd.tile(v, reps=(2,)), mx.nd.flip(v, axis=1),
                                mx.nd.concat(v, v * 2, dim=2), mx.nd.squeeze(v[0:1])], [x])
