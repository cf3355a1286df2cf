"""Reductions against a NumPy float64 oracle, MXNet 1.9.1's answers pinned as literals,
gradients to order 2, fused backward == VJP, thread-count bit-identity and accuracy."""
import math

import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError, settings
from mxnb.test_utils import check_grads

ORACLE = {
    "sum": np.sum, "mean": np.mean, "prod": np.prod, "nansum": np.nansum,
    "nanprod": np.nanprod, "max": np.max, "min": np.min,
    "norm1": lambda x, axis, keepdims: np.sum(np.abs(x), axis=axis, keepdims=keepdims),
    "norm2": lambda x, axis, keepdims: np.sqrt(np.sum(x * x, axis=axis, keepdims=keepdims)),
}
REDUCERS = ["sum", "mean", "prod", "nansum", "nanprod", "max", "min"]


def _np_axes(ndim, axis, exclude):
    if axis is None or axis == ():
        return tuple(range(ndim))
    axes = {a % ndim for a in ((axis,) if isinstance(axis, int) else axis)}
    return tuple(sorted(set(range(ndim)) - axes if exclude else axes))


def _oracle(name, x, axis=None, keepdims=False, exclude=False):
    """MXNet semantics from NumPy: reduce in float64, full reductions give shape (1,)."""
    axes = _np_axes(x.ndim, axis, exclude)
    r = np.asarray(ORACLE[name](x.astype(np.float64), axis=axes, keepdims=keepdims))
    return r.reshape(r.shape or (1,))


def _call(name, x, **kw):
    if name.startswith("norm"):
        kw.pop("exclude", None)
        return mx.nd.norm(x, ord=int(name[-1]), **kw)
    return getattr(mx.nd, name)(x, **kw)


# ---------------------------------------------------------------- forward vs the oracle


@st.composite
def _case(draw):
    shape = tuple(draw(st.lists(st.integers(1, 6), min_size=1, max_size=4)))
    nd_ = len(shape)
    kind = draw(st.sampled_from(["none", "empty", "int", "tuple"]))
    if kind == "none":
        axis = None
    elif kind == "empty":
        axis = ()
    elif kind == "int":
        axis = draw(st.integers(-nd_, nd_ - 1))
    else:
        picked = draw(st.lists(st.integers(0, nd_ - 1), min_size=1, max_size=nd_, unique=True))
        axis = tuple(a - nd_ if draw(st.booleans()) else a for a in picked)
    return shape, axis, draw(st.booleans()), draw(st.booleans())


@hsettings(max_examples=40, deadline=None)
@given(_case(), st.sampled_from(REDUCERS + ["norm1", "norm2"]))
def test_forward_matches_oracle(case, name):
    shape, axis, keepdims, exclude = case
    rng = np.random.RandomState(len(shape))
    x = rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape)
    if name.startswith("nan"):
        x[rng.uniform(size=shape) < 0.2] = np.nan
    kw = dict(axis=axis, keepdims=keepdims, exclude=exclude)
    y = _call(name, mx.nd.array(x, dtype="float32"), **kw)
    ref = _oracle(name, x.astype(np.float32), axis, keepdims,
                  exclude and not name.startswith("norm"))
    assert y.dtype == np.float32 and y.shape == ref.shape
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=2e-6, atol=1e-6)


@pytest.mark.parametrize("shape,axis", [((64, 33, 70), (0, 2)), ((5, 300, 4, 7), (1, 3)),
                                        ((1000,), 0), ((3, 2000), 1), ((2000, 3), 0),
                                        ((7, 1, 130), (-1, 0))])
@pytest.mark.parametrize("name", ["sum", "mean", "max", "norm2"])
def test_larger_and_multi_run_shapes(name, shape, axis):
    x = np.random.RandomState(1).standard_normal(shape)
    y = _call(name, mx.nd.array(x, dtype="float32"), axis=axis)
    np.testing.assert_allclose(y.asnumpy(), _oracle(name, x.astype(np.float32), axis),
                               rtol=2e-6, atol=1e-5)
    y64 = _call(name, mx.nd.array(x, dtype="float64"), axis=axis)
    np.testing.assert_allclose(y64.asnumpy(), _oracle(name, x, axis), rtol=1e-13, atol=1e-13)


# A sample of (dtype, op): every kernel compiled costs about a second in CI (integers all
# run the int64 kernels, float16 the float32 ones).
@pytest.mark.parametrize("dtype,name", [
    ("float64", "sum"), ("float64", "max"), ("float64", "prod"), ("float16", "sum"),
    ("float16", "max"), ("float16", "prod"), ("int32", "sum"), ("int32", "max"),
    ("int8", "sum"), ("uint8", "sum"), ("int64", "max")])
def test_other_dtypes(name, dtype):
    rng = np.random.RandomState(3)
    x = rng.randint(1, 4, size=(3, 5, 4)).astype(dtype)
    if name == "prod" and dtype == "float16":
        x = (x / 2).astype(dtype)  # keep float16 products finite
    for axis in [None, 1, (0, 2)]:
        y = getattr(mx.nd, name)(mx.nd.array(x, dtype=dtype), axis=axis)
        if np.dtype(dtype).kind == "f":
            ref = _oracle(name, x, axis).astype(dtype)
        else:  # integer sums and products wrap in the type, as int64 arithmetic cast down does
            axes = _np_axes(x.ndim, axis, False)
            r = np.asarray(ORACLE[name](x.astype(np.int64), axis=axes))
            ref = r.reshape(r.shape or (1,)).astype(dtype)
        assert y.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(y.asnumpy(), ref)


# ---------------------------------------------------------------- MXNet 1.9.1, pinned


X24 = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


@pytest.mark.parametrize("kw,shape,first", [
    (dict(), (1,), 276.0),
    (dict(axis=()), (1,), 276.0),
    (dict(axis=None), (1,), 276.0),
    (dict(keepdims=True), (1, 1, 1), 276.0),
    (dict(axis=(), keepdims=True), (1, 1, 1), 276.0),
    (dict(axis=1), (2, 4), 12.0),
    (dict(axis=(2, 0)), (3,), 60.0),
    (dict(axis=[2, 0]), (3,), 60.0),
    (dict(axis=(0, 2), keepdims=True), (1, 3, 1), 60.0),
    (dict(axis=1, exclude=True), (3,), 60.0),
    (dict(axis=1, exclude=True, keepdims=True), (1, 3, 1), 60.0),
    (dict(exclude=True), (1,), 276.0),
    (dict(axis=(), exclude=True), (1,), 276.0),
    (dict(axis=(0, 1, 2), exclude=True), (2, 3, 4), 0.0),
    (dict(axis=(0, 1, 2), exclude=True, keepdims=True), (2, 3, 4), 0.0),
])
def test_mxnet_shapes(kw, shape, first):
    y = mx.nd.sum(mx.nd.array(X24), **kw)
    assert y.shape == shape and y.asnumpy().reshape(-1)[0] == first


def test_mxnet_integer_and_float16_rules():
    i32 = mx.nd.array([[-1, -2], [-3, -4]], dtype="int32")
    assert mx.nd.mean(i32, axis=1).asnumpy().tolist() == [-1, -3]  # truncates toward zero
    assert mx.nd.mean(mx.nd.array([[1, 2], [4, 4]], dtype="int32"), axis=1).asnumpy().tolist() \
        == [1, 4]
    i8 = mx.nd.array([[100, 100], [100, 100]], dtype="int8")
    assert mx.nd.sum(i8, axis=1).asnumpy().tolist() == [-56, -56]  # wraps in int8
    assert mx.nd.mean(i8, axis=1).asnumpy().tolist() == [-28, -28]  # the wrapped sum / 2
    assert mx.nd.sum(mx.nd.array([200, 200], dtype="uint8")).asnumpy().tolist() == [144]
    assert mx.nd.mean(mx.nd.array([1, 2, 3, 4], dtype="uint8")).asnumpy().tolist() == [2]
    # float16 accumulates wider: 10000 ones are 10000 (a float16 running sum stops at 2048)
    f16 = mx.nd.sum(mx.nd.ones((10000,), dtype="float16"))
    assert f16.dtype == np.float16 and f16.asnumpy().tolist() == [10000.0]
    assert mx.nd.mean(mx.nd.array([1, 2, 3], dtype="float16")).asnumpy().tolist() == [2.0]
    assert mx.nd.norm(mx.nd.array([[1, -2], [3, 4]], dtype="float16")).asnumpy().tolist() \
        == [5.4765625]


def test_mxnet_nan_rules():
    a = mx.nd.array([[1, np.nan], [np.nan, np.nan]])
    assert mx.nd.nansum(a, axis=1).asnumpy().tolist() == [1.0, 0.0]
    assert mx.nd.nanprod(mx.nd.array([[2, np.nan], [np.nan, np.nan]]), axis=1).asnumpy().tolist() \
        == [2.0, 1.0]
    b = mx.nd.array([[1, np.nan, 3], [np.nan, 2, 5], [1, 3, np.nan]])
    assert np.isnan(mx.nd.max(b, axis=1).asnumpy()).all()
    assert np.isnan(mx.nd.min(b, axis=1).asnumpy()).all()
    assert mx.nd.argmax(b, axis=1).asnumpy().tolist() == [1.0, 0.0, 2.0]  # the first NaN
    assert mx.nd.argmin(b, axis=1).asnumpy().tolist() == [1.0, 0.0, 2.0]
    assert mx.nd.max(mx.nd.array([[-np.inf, -np.inf]]), axis=1).asnumpy().tolist() == [-np.inf]


def test_mxnet_argmax():
    x = mx.nd.array(X24)
    assert mx.nd.argmax(x).shape == (1,) and mx.nd.argmax(x).asnumpy().tolist() == [23.0]
    assert mx.nd.argmax(x, axis=None).asnumpy().tolist() == [23.0]
    assert mx.nd.argmax(x, keepdims=True).shape == (1, 1, 1)
    assert mx.nd.argmax(x, axis=1).shape == (2, 4)
    assert mx.nd.argmax(x, axis=1, keepdims=True).shape == (2, 1, 4)
    assert mx.nd.argmax(x, axis=-1).asnumpy().tolist() == [[3.0] * 3] * 2
    assert mx.nd.argmax(mx.nd.array([[1, 3, 3], [2, 2, 1]]), axis=1).asnumpy().tolist() == [1, 0]
    assert mx.nd.argmin(mx.nd.array([[1, 1, 3], [2, 0, 0]]), axis=1).asnumpy().tolist() == [0, 1]
    r = mx.nd.argmax(mx.nd.array([[1, 2], [4, 3]], dtype="int32"), axis=1)
    assert r.dtype == np.int32 and r.asnumpy().tolist() == [1, 0]  # the input's dtype
    assert mx.nd.argmax(mx.nd.array([1, 3, 2], dtype="float64"), axis=0).dtype == np.float64
    assert mx.nd.argmax(mx.nd.array(np.arange(3000), dtype="float16"), axis=0).asnumpy() \
        .tolist() == [3000.0]  # index 2999 rounded to float16
    assert mx.nd.argmax_channel(mx.nd.array([[1, 3, 2], [5, 1, 1]])).asnumpy().tolist() == [1, 0]
    assert mx.nd.argmax_channel(mx.nd.array(np.ones((2, 3, 4, 5)))).shape == (2, 4, 5)
    assert x.argmax(1).shape == (2, 4)


@pytest.mark.parametrize("shape", [(5, 1000), (1000, 5), (3, 77, 5), (130,), (4, 2, 130)])
def test_argmax_argmin_match_numpy(shape):
    rng = np.random.RandomState(4)
    x = rng.randint(0, 6, size=shape).astype(np.float32)  # many ties: the first one wins
    for axis in range(len(shape)):
        for name in ("argmax", "argmin"):
            y = getattr(mx.nd, name)(mx.nd.array(x), axis=axis).asnumpy()
            ref = getattr(np, name)(x, axis=axis)
            np.testing.assert_array_equal(y, ref.reshape(ref.shape or (1,)))
    flat = mx.nd.argmax(mx.nd.array(x)).asnumpy()
    assert flat.tolist() == [float(np.argmax(x))]


def test_mxnet_norm():
    a = mx.nd.array([[1, -2], [3, 4]])
    assert mx.nd.norm(a).asnumpy().tolist() == [np.float32(5.4772257804870605)]
    assert mx.nd.norm(a, keepdims=True).shape == (1, 1)
    assert mx.nd.norm(a, ord=1).asnumpy().tolist() == [10.0]
    assert mx.nd.norm(a, ord=1, axis=1).asnumpy().tolist() == [3.0, 7.0]
    assert mx.nd.norm(a, axis=(0, 1)).asnumpy().tolist() == [np.float32(5.4772257804870605)]
    x = mx.nd.array(np.arange(24).reshape(2, 3, 4))
    np.testing.assert_allclose(mx.nd.norm(x, axis=(0, 2)).asnumpy(),
                               [27.34958839416504, 36.82390594482422, 47.11687088012695], 1e-7)
    assert mx.nd.norm(x, axis=(2, 0), keepdims=True).shape == (1, 3, 1)
    assert mx.nd.norm(x, axis=(0, 1, 2), keepdims=True).shape == (1, 1, 1)
    # float32 squares cannot overflow or underflow
    assert mx.nd.norm(mx.nd.array([1e20, 1e20])).asnumpy().tolist() == \
        [np.float32(1.414213581995256e+20)]
    assert mx.nd.norm(mx.nd.array([1e-30, 1e-30])).asnumpy().tolist() == \
        [np.float32(1.4142135555081815e-30)]
    # MXNet's scaled algorithm in integer arithmetic: trunc(max|x| * sqrt(#ties of the max))
    i = mx.nd.array([[3, -3], [3, 1]], dtype="int32")
    assert mx.nd.norm(i, axis=1).asnumpy().tolist() == [4, 3]
    assert mx.nd.norm(mx.nd.array([[1, -2], [3, 4]], dtype="int32")).asnumpy().tolist() == [4]
    assert mx.nd.norm(mx.nd.array([3, -3, 3, 1], dtype="int32")).asnumpy().tolist() == [5]
    assert mx.nd.norm(mx.nd.array([[200, 3], [3, 1]], dtype="uint8"), axis=1).asnumpy() \
        .tolist() == [200, 3]
    assert mx.nd.norm(i, ord=1, axis=1).asnumpy().tolist() == [6, 4]


def test_norm_float64_extremes_and_out_dtype():
    big = mx.nd.array([3e200, 4e200], dtype="float64")
    np.testing.assert_allclose(mx.nd.norm(big).asnumpy(), [5e200], rtol=1e-15)
    tiny = mx.nd.array([[3e-200, 4e-200], [0, 0]], dtype="float64")
    np.testing.assert_allclose(mx.nd.norm(tiny, axis=1).asnumpy(), [5e-200, 0], rtol=1e-15)
    r = mx.nd.norm(mx.nd.array([[3, 4]]), axis=1, out_dtype="float64")  # MXNet 1.9.1 raises
    assert r.dtype == np.float64 and r.asnumpy().tolist() == [5.0]


def test_aliases_fluent_and_out():
    x = mx.nd.array(X24)
    for a, b in (("sum_axis", "sum"), ("max_axis", "max"), ("min_axis", "min")):
        np.testing.assert_array_equal(getattr(mx.nd, a)(x, axis=1).asnumpy(),
                                      getattr(mx.nd, b)(x, axis=1).asnumpy())
    assert x.sum(1).shape == (2, 4) and x.max(axis=0, keepdims=True).shape == (1, 3, 4)
    assert x.mean().asnumpy().tolist() == [11.5] and x.norm().shape == (1,)
    assert x.prod(axis=2).shape == (2, 3) and x.nansum().shape == (1,)
    out = mx.nd.zeros((2, 4))
    assert mx.nd.sum(x, axis=1, out=out) is out and out.asnumpy()[0, 0] == 12.0
    assert mx.nd.sum(x, np.int64(1)).shape == (2, 4)


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("call,msg", [
    (lambda x: mx.nd.sum(x, axis=3), "sum: Reduction axis 3 Exceeds input dimensions [2,3,4]"),
    (lambda x: mx.nd.mean(x, axis=-4), "mean: Reduction axis -4 Exceeds input dimensions"),
    (lambda x: mx.nd.max(x, axis=(0, 0)), "max: Reduction axes have duplicates [0,0]"),
    (lambda x: mx.nd.prod(x, axis=(0, -3)), "Reduction axes have duplicates"),
    (lambda x: mx.nd.sum(x, axis=3, exclude=True), "Exceeds input dimensions [2,3,4]"),
    (lambda x: mx.nd.sum(x, axis=1.0), "axis expect Shape or None but value='1.0'"),
    (lambda x: mx.nd.norm(x, axis=3), "norm: Reduction axis 3 Exceeds"),
    (lambda x: mx.nd.norm(x, ord=3), "norm only supports ord=1 and ord=2"),
    (lambda x: mx.nd.argmax(x, axis=3), "argmax: axis 3 exceeds the input dimension of 3"),
    (lambda x: mx.nd.argmin(x, axis=-4), "argmin: axis -4 exceeds the input dimension of 3"),
    (lambda x: mx.nd.argmax(x, axis=(0, 1)), "axis expect int or None but value='(0, 1)'"),
    (lambda x: mx.nd.argmax_channel(x[0, 0]), "axis 1 exceeds the input dimension of 1"),
])
def test_bad_input(call, msg):
    x = mx.nd.array(X24)
    with pytest.raises(MXNetError, match=msg.replace("[", r"\[").replace("(", r"\(")
                       .replace(")", r"\)")):
        call(x)


def test_failed_reduction_leaves_out_untouched():
    out = mx.nd.ones((2, 4))
    with pytest.raises(MXNetError):
        mx.nd.sum(mx.nd.array(X24), axis=5, out=out)
    assert out.asnumpy().tolist() == [[1.0] * 4] * 2


# ---------------------------------------------------------------- gradients

AXES = [dict(), dict(axis=1), dict(axis=(0, 2), keepdims=True), dict(axis=1, exclude=True)]


def _x64(seed=0, shape=(3, 4, 5)):
    rng = np.random.RandomState(seed)
    return mx.nd.array(rng.uniform(0.5, 1.5, size=shape) * rng.choice([-1, 1], size=shape),
                       dtype="float64")


@pytest.mark.parametrize("kw", AXES)
@pytest.mark.parametrize("name", REDUCERS + ["norm1", "norm2"])
def test_gradients(name, kw):
    x = _x64()
    if name in ("sum", "mean", "nansum"):
        # linear: the first-order gradient is constant, so check the second order through x*x
        check_grads(lambda a: _call(name, a * a, **kw), [x], order=2)
    else:
        check_grads(lambda a: _call(name, a, **kw), [x], order=1 if name in ("max", "min") else 2)


def _grads(f, xs, head):
    """(fused backward, VJP recorded with create_graph) gradients of f at xs."""
    a = [x.copy() for x in xs]
    for v in a:
        v.attach_grad()
    with autograd.record():
        y = f(*a)
    y.backward(head)
    fused = [v.grad.asnumpy() for v in a]
    b = [x.copy() for x in xs]
    for v in b:
        v.attach_grad()
    with autograd.record():
        y = f(*b)
    vjp = autograd.grad(y, b, head_grads=head, create_graph=True)
    return fused, [g.asnumpy() for g in vjp]


@pytest.mark.parametrize("kw", AXES)
@pytest.mark.parametrize("name", REDUCERS + ["norm1", "norm2"])
def test_fused_backward_equals_vjp(name, kw):
    x = _x64(1)
    xv = x.asnumpy()
    xv[0, 0, :2] = 0.0                        # zeros for prod and norm
    xv[1, 1, 1] = xv[1, 1, 2] = 9.0           # a tie for max
    if name.startswith("nan"):
        xv[2, 3, 0] = np.nan
    x = mx.nd.array(xv, dtype="float64")
    y = _call(name, x, **kw)
    head = mx.nd.array(np.random.RandomState(2).standard_normal(y.shape), dtype="float64")
    fused, vjp = _grads(lambda a: _call(name, a, **kw), [x], head)
    np.testing.assert_allclose(fused[0], vjp[0], rtol=1e-12, atol=1e-12)
    assert np.isfinite(fused[0]).all()


def test_max_min_gradient_goes_to_every_tie():
    # MXNet 1.9.1: [[0, 1, 1], [1, 1, 1]] for max over axis 1; [[0, 1, 1], [0, 0, 1]] for all
    for f, x, expect in [
            (lambda a: mx.nd.max(a, axis=1), [[1, 3, 3], [2, 2, 2]], [[0, 1, 1], [1, 1, 1]]),
            (lambda a: mx.nd.max(a), [[1, 3, 3], [2, 2, 3]], [[0, 1, 1], [0, 0, 1]]),
            (lambda a: mx.nd.min(a, axis=1), [[1, 1, 3], [2, 2, 2]], [[1, 1, 0], [1, 1, 1]]),
            (lambda a: mx.nd.max(a, axis=1, exclude=True), [[1, 2], [3, 3]], [[0, 0], [1, 1]]),
            (lambda a: mx.nd.max(a, axis=1), [[1, np.nan, 3], [2, 2, 2]], [[0, 0, 0], [1, 1, 1]])]:
        a = mx.nd.array(x)
        a.attach_grad()
        with autograd.record():
            y = f(a)
        y.backward()
        assert a.grad.asnumpy().tolist() == expect


def test_prod_and_norm_gradients_at_zeros():
    # The product of the other elements (MXNet 1.9.1 gives NaN where the slice has a zero).
    a = mx.nd.array([[1, 0, 3], [0, 0, 2], [2, 3, 4]], dtype="float64")
    a.attach_grad()
    with autograd.record():
        y = mx.nd.prod(a, axis=1)
    y.backward()
    assert a.grad.asnumpy().tolist() == [[0, 3, 0], [0, 0, 0], [12, 8, 6]]
    b = mx.nd.array([[1, np.nan, 3], [0, 2, 2]])
    b.attach_grad()
    with autograd.record():
        y = mx.nd.nanprod(b, axis=1)
    y.backward()
    assert b.grad.asnumpy().tolist() == [[3, 0, 1], [4, 0, 0]]  # MXNet: [[3, 0, 1], [nan, 0, 0]]
    c = mx.nd.array([[0, 0], [3, 4]])
    c.attach_grad()
    with autograd.record():
        y = mx.nd.norm(c, axis=1)
    y.backward()
    np.testing.assert_allclose(c.grad.asnumpy(), [[0, 0], [0.6, 0.8]], rtol=1e-6)  # MXNet: NaN
    d = mx.nd.array([[1, np.nan, 3], [0, 2, 2]])
    d.attach_grad()
    with autograd.record():
        y = mx.nd.nansum(d, axis=1)
    y.backward()
    assert d.grad.asnumpy().tolist() == [[1, 0, 1], [1, 1, 1]]


def test_mean_gradient_and_argmax_has_none():
    a = mx.nd.array([[1, 2, 3], [0, 2, 2]])
    a.attach_grad()
    with autograd.record():
        y = mx.nd.mean(a)
    y.backward()
    np.testing.assert_allclose(a.grad.asnumpy(), np.full((2, 3), 1 / 6), rtol=1e-7)
    with autograd.record():
        y = mx.nd.argmax(a, axis=1)
    y.backward()
    assert a.grad.asnumpy().tolist() == [[0, 0, 0], [0, 0, 0]]


def test_unbroadcast_uses_the_sum_kernel():
    rng = np.random.RandomState(5)
    a = mx.nd.array(rng.standard_normal((3, 1, 5, 1)))
    b = mx.nd.array(rng.standard_normal((4, 5, 6)))
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a * b
    head = rng.standard_normal(y.shape).astype(np.float32)
    y.backward(mx.nd.array(head))
    bv, av = b.asnumpy().astype(np.float64), a.asnumpy().astype(np.float64)
    np.testing.assert_allclose(a.grad.asnumpy(), (head * bv).sum(axis=(1, 3), keepdims=True)
                               .sum(axis=1, keepdims=True).reshape(3, 1, 5, 1), rtol=1e-5,
                               atol=1e-5)
    np.testing.assert_allclose(b.grad.asnumpy(), (head * av).sum(axis=0), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------- threads and accuracy


@pytest.fixture
def parallel():
    old = settings.par_min
    settings.par_min = 0
    yield
    settings.par_min = old


def test_bit_identical_on_1_and_2_threads(parallel):
    import numba

    from mxnb.kernels import reduce_kernels as rk

    rng = np.random.RandomState(6)
    x = rng.standard_normal((40, 300, 70)).astype(np.float32)
    # rows, columns, a chunked full reduction, two runs (float32 rows, then float64 Kahan
    # columns), argmax: every template, each with several tasks and chunks
    for kind, axes in [("sum", (2,)), ("sum", (1,)), ("sum", (0, 1, 2)), ("sum", (0, 2)),
                       ("argmax", (1,))]:
        shape = tuple(s for d, s in enumerate(x.shape) if d not in axes) or (1,)
        res = []
        for threads in (None, 1, 2):
            out = np.empty(shape, np.int64 if kind == "argmax" else np.float32)
            if threads is None:
                settings.par_min = 1 << 62  # the serial kernel
            else:
                settings.par_min = 0
                numba.set_num_threads(threads)
            rk.reduce(kind, x, axes, out)
            res.append(out.tobytes())
        numba.set_num_threads(numba.config.NUMBA_NUM_THREADS)
        assert res[0] == res[1] == res[2], (kind, axes)


def test_float32_sum_at_least_as_accurate_as_numpy_pairwise():
    rng = np.random.RandomState(7)
    for x in (rng.lognormal(0, 2, size=(8, 200_000)).astype(np.float32),
              (rng.standard_normal((8, 200_000)) + 0.1).astype(np.float32)):
        exact = np.array([math.fsum(r) for r in x.astype(np.float64)])
        for axis, ours, theirs in ((1, mx.nd.sum(mx.nd.array(x), axis=1).asnumpy(),
                                    x.sum(axis=1)),
                                   (0, mx.nd.sum(mx.nd.array(np.ascontiguousarray(x.T)), axis=0)
                                    .asnumpy(), x.sum(axis=1))):
            err = np.abs(ours.astype(np.float64) - exact)
            np_err = np.abs(theirs.astype(np.float64) - exact)
            assert np.all(err <= np_err), (axis, err, np_err)
            assert np.all(err <= np.spacing(np.abs(exact).astype(np.float32)))  # within 1 ulp


def test_float64_sum_at_least_as_accurate_as_numpy_pairwise():
    rng = np.random.RandomState(8)
    x = rng.standard_normal((16, 100_000)) * np.exp(rng.uniform(-20, 20, (16, 100_000)))
    exact = np.array([math.fsum(r) for r in x])
    for xs, axis in ((x, 1), (np.ascontiguousarray(x.T), 0)):
        ours = mx.nd.sum(mx.nd.array(xs, dtype="float64"), axis=axis).asnumpy()
        err = np.abs(ours - exact).sum()
        np_err = np.abs(x.sum(axis=1) - exact).sum()
        assert err <= np_err, (axis, err, np_err)
