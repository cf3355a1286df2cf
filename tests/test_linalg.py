"""dot, batch_dot and FullyConnected against NumPy float64, MXNet 1.9.1's shapes and errors
pinned as literals, gradients to order 2 and fused backward == VJP."""
import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads


def _dot_oracle(a, b, ta, tb):
    """MXNet's dot: lhs contracts its last axis (first with ta), rhs its first (last with tb)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    if a.ndim == 1 and b.ndim == 1:
        return np.array([a @ b])
    r = np.tensordot(a, b, axes=([0 if ta else a.ndim - 1], [b.ndim - 1 if tb else 0]))
    return r.reshape(r.shape or (1,))


@st.composite
def _dot_case(draw):
    ta, tb = draw(st.booleans()), draw(st.booleans())
    k = draw(st.integers(1, 5))
    lfree = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=2)))
    rfree = tuple(draw(st.lists(st.integers(1, 4), min_size=0, max_size=2)))
    if not lfree and not rfree:
        ta = tb = False  # MXNet cannot transpose vectors
    ls = (k,) + lfree if ta else lfree + (k,)
    rs = rfree + (k,) if tb else (k,) + rfree
    return ls, rs, ta, tb


@hsettings(max_examples=40, deadline=None)
@given(_dot_case())
def test_dot_matches_oracle(case):
    ls, rs, ta, tb = case
    rng = np.random.RandomState(len(ls) * 7 + len(rs))
    a, b = rng.standard_normal(ls), rng.standard_normal(rs)
    y = mx.nd.dot(mx.nd.array(a), mx.nd.array(b), transpose_a=ta, transpose_b=tb)
    ref = _dot_oracle(a.astype(np.float32), b.astype(np.float32), ta, tb)
    assert y.shape == ref.shape and y.dtype == np.float32
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-5, atol=1e-5)


def test_dot_mxnet_shapes():
    def shape(ls, rs, **kw):
        return mx.nd.dot(mx.nd.ones(ls), mx.nd.ones(rs), **kw).shape

    # pinned from MXNet 1.9.1
    assert shape((3,), (3,)) == (1,)
    assert shape((2, 3), (3,)) == (2,)
    assert shape((2,), (2, 3)) == (3,)
    assert shape((2,), (2, 3), transpose_a=True) == (3,)
    assert shape((3,), (2, 3), transpose_b=True) == (2,)
    assert shape((3, 2), (3,), transpose_a=True) == (2,)
    assert shape((2, 3), (2, 3), transpose_a=True) == (3, 3)
    assert shape((2, 3), (2, 3), transpose_b=True) == (2, 2)
    assert shape((2, 3, 4), (4, 5)) == (2, 3, 5)
    assert shape((2, 3, 4), (4, 5, 6)) == (2, 3, 5, 6)
    assert shape((4, 3, 2), (4, 5, 6), transpose_a=True) == (3, 2, 5, 6)
    assert shape((4, 3, 2), (4, 5), transpose_a=True) == (3, 2, 5)
    assert shape((2, 3, 4), (6, 5, 4), transpose_b=True) == (2, 3, 6, 5)
    assert shape((2, 3, 4), (4,)) == (2, 3)
    assert shape((2,), (2, 3, 4)) == (3, 4)
    x = mx.nd.array([[1, 2], [3, 4]])
    assert mx.nd.dot(x, x, transpose_a=True).asnumpy().tolist() == [[10, 14], [14, 20]]
    assert mx.nd.dot(mx.nd.array([1, 2, 3]), mx.nd.array([4, 5, 6])).asnumpy().tolist() == [32]


@pytest.mark.parametrize("call,msg", [
    (lambda: mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3))), "dot shape error: [2,3] X [2,3]"),
    (lambda: mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), transpose_a=True,
                       transpose_b=True), "dot shape error: [2,3] X [2,3]"),
    (lambda: mx.nd.dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((3, 5))),
     "dot shape error: [2,3,4] X [3,5]"),
    (lambda: mx.nd.dot(mx.nd.ones((3,)), mx.nd.ones((4,))), "dot shape error: [3] X [4]"),
    (lambda: mx.nd.dot(mx.nd.ones((3,)), mx.nd.ones((3,)), transpose_a=True),
     "Cannot transpose vectors"),
    (lambda: mx.nd.dot(mx.nd.ones((2, 3), dtype="int32"), mx.nd.ones((3, 2), dtype="int32")),
     "dot: only float32/float64"),
    (lambda: mx.nd.dot(mx.nd.ones((2, 3), dtype="float64"), mx.nd.ones((3, 2))),
     "expected float64, got float32"),
    (lambda: mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((2, 5, 4))),
     "batch_dot shape error (shape mismatch): [2,3,4] X [2,5,4] trans_a=0 trans_b=0"),
    (lambda: mx.nd.batch_dot(mx.nd.ones((2, 3, 4)), mx.nd.ones((3, 4, 5))),
     "the leading batch dimensions must be equal): [2,3,4] X [3,4,5]"),
    (lambda: mx.nd.batch_dot(mx.nd.ones((3, 4)), mx.nd.ones((4, 5))),
     "batch_dot currently only support N-D*N-D array (N >= 3)[3,4] v.s. [4,5]"),
    (lambda: mx.nd.batch_dot(mx.nd.ones((2, 2, 3, 4)), mx.nd.ones((2, 1, 4, 5))),
     "leading batch dimensions must be equal"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(4),
                                  num_hidden=5),
     "FullyConnected: weight: Shape inconsistent, Provided = [4,3], inferred shape=(5,3)"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 2)), mx.nd.ones(4),
                                  num_hidden=4), "Provided = [4,2], inferred shape=(4,3)"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((3,)), mx.nd.ones((4, 3)), mx.nd.ones(4),
                                  num_hidden=4), "Provided = [4,3], inferred shape=(4,1)"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(3),
                                  num_hidden=4), "Unexpected shape for bias [3]"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones((1, 4)),
                                  num_hidden=4), "Unexpected shape for bias [1,4]"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(4),
                                  num_hidden=4, no_bias=True), "expects 2 inputs, but got 3"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), num_hidden=4),
     "expects 3 inputs, but got 2"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.ones(4)),
     "Required parameter num_hidden is not presented"),
    (lambda: mx.nd.FullyConnected(mx.nd.ones((2, 3), dtype="int32"),
                                  mx.nd.ones((4, 3), dtype="int32"),
                                  mx.nd.ones(4, dtype="int32"), num_hidden=4), "only float32"),
])
def test_bad_input(call, msg):
    with pytest.raises(MXNetError) as e:
        call()
    assert msg in str(e.value)


def test_failed_dot_leaves_out_untouched():
    out = mx.nd.ones((2, 2))
    with pytest.raises(MXNetError):
        mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((2, 3)), out=out)
    assert out.asnumpy().tolist() == [[1, 1], [1, 1]]


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
@pytest.mark.parametrize("batch", [(3,), (2, 2)])
def test_batch_dot_matches_oracle(batch, ta, tb):
    rng = np.random.RandomState(1)
    a = rng.standard_normal(batch + ((4, 2) if ta else (2, 4))).astype(np.float32)
    b = rng.standard_normal(batch + ((5, 4) if tb else (4, 5))).astype(np.float32)
    y = mx.nd.batch_dot(mx.nd.array(a), mx.nd.array(b), transpose_a=ta, transpose_b=tb)
    a64, b64 = a.astype(np.float64), b.astype(np.float64)
    ref = (np.swapaxes(a64, -1, -2) if ta else a64) @ (np.swapaxes(b64, -1, -2) if tb else b64)
    assert y.shape == batch + (2, 5)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("dshape,flatten,no_bias,oshape", [
    ((2, 3), True, False, (2, 4)),
    ((2, 3, 2), True, False, (2, 4)),      # data viewed as (2, 6)
    ((2, 3, 2), False, False, (2, 3, 4)),  # data viewed as (6, 2)
    ((2, 3), True, True, (2, 4)),
    ((3,), False, False, (4,)),            # MXNet: 1-d data without flatten is one row
])
def test_fully_connected(dshape, flatten, no_bias, oshape):
    rng = np.random.RandomState(2)
    units = int(np.prod(dshape[1:])) if flatten else dshape[-1]
    x = rng.standard_normal(dshape).astype(np.float32)
    w = rng.standard_normal((4, units)).astype(np.float32)
    b = rng.standard_normal(4).astype(np.float32)
    args = [mx.nd.array(x), mx.nd.array(w)] + ([] if no_bias else [mx.nd.array(b)])
    y = mx.nd.FullyConnected(*args, num_hidden=4, no_bias=no_bias, flatten=flatten)
    x2 = x.reshape(dshape[0], -1) if flatten else x.reshape(-1, dshape[-1])
    ref = x2.astype(np.float64) @ w.T.astype(np.float64) + (0 if no_bias else b)
    assert y.shape == oshape
    np.testing.assert_allclose(y.asnumpy(), ref.reshape(oshape), rtol=1e-5, atol=1e-5)
    # keyword inputs and an explicit bias=None work as in MXNet
    y2 = mx.nd.FullyConnected(data=args[0], weight=args[1], bias=None if no_bias else args[2],
                              num_hidden=4, no_bias=no_bias, flatten=flatten)
    np.testing.assert_array_equal(y2.asnumpy(), y.asnumpy())


def test_float16_and_float64():
    rng = np.random.RandomState(3)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal((4, 5))
    y16 = mx.nd.dot(mx.nd.array(a, dtype="float16"), mx.nd.array(b, dtype="float16"))
    assert y16.dtype == np.float16  # MXNet supports float16 on GPUs only; mxnb everywhere
    np.testing.assert_allclose(y16.asnumpy(), a.astype(np.float16).astype(np.float64)
                               @ b.astype(np.float16).astype(np.float64), rtol=2e-3, atol=2e-3)
    y64 = mx.nd.dot(mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64"))
    assert y64.dtype == np.float64
    np.testing.assert_allclose(y64.asnumpy(), a @ b, rtol=1e-14)
    f16 = mx.nd.FullyConnected(mx.nd.array(a, dtype="float16"), mx.nd.array(b.T, dtype="float16"),
                               mx.nd.zeros(5, dtype="float16"), num_hidden=5)
    np.testing.assert_allclose(f16.asnumpy(), y16.asnumpy(), rtol=2e-3, atol=2e-3)


# ---------------------------------------------------------------- gradients


def _r(*shape, seed=0):
    return mx.nd.array(np.random.RandomState(seed + sum(shape)).standard_normal(shape),
                       dtype="float64")


DOT_GRAD_CASES = [((3, 4), (4, 5), False, False), ((4, 3), (4, 5), True, False),
                  ((3, 4), (5, 4), False, True), ((4, 3), (5, 4), True, True),
                  ((2, 3, 4), (4, 5), False, False), ((4, 2, 3), (4, 5, 2), True, False),
                  ((2, 3, 4), (5, 2, 4), False, True), ((4,), (4,), False, False),
                  ((4,), (4, 3), False, False), ((3, 4), (4,), False, False)]


@pytest.mark.parametrize("ls,rs,ta,tb", DOT_GRAD_CASES)
def test_dot_gradients(ls, rs, ta, tb):
    check_grads(lambda a, b: mx.nd.dot(a, b, transpose_a=ta, transpose_b=tb),
                [_r(*ls), _r(*rs, seed=1)], order=2)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_batch_dot_gradients(ta, tb):
    a = _r(2, 4, 3) if ta else _r(2, 3, 4)
    b = _r(2, 5, 4, seed=1) if tb else _r(2, 4, 5, seed=1)
    check_grads(lambda p, q: mx.nd.batch_dot(p, q, transpose_a=ta, transpose_b=tb), [a, b],
                order=2)


@pytest.mark.parametrize("flatten", [True, False])
@pytest.mark.parametrize("no_bias", [False, True])
def test_fully_connected_gradients(flatten, no_bias):
    x = _r(2, 3, 2)
    units = 6 if flatten else 2
    w = _r(4, units, seed=1)
    args = [x, w] + ([] if no_bias else [_r(4, seed=2)])

    def f(*a):
        # squared, so that every input's gradient depends on the inputs (order 2 needs that)
        return mx.nd.square(mx.nd.FullyConnected(*a, num_hidden=4, no_bias=no_bias,
                                                 flatten=flatten))

    check_grads(f, args, order=2)


def _fused_and_vjp(f, xs, head):
    res = []
    for create in (False, True):
        a = [x.copy() for x in xs]
        for v in a:
            v.attach_grad()
        with autograd.record():
            y = f(*a)
        if create:
            res.append([g.asnumpy() for g in autograd.grad(y, a, head_grads=head,
                                                           create_graph=True)])
        else:
            y.backward(head)
            res.append([v.grad.asnumpy() for v in a])
    return res


@pytest.mark.parametrize("case", range(4))
def test_fused_backward_equals_vjp(case):
    ls, rs, ta, tb = DOT_GRAD_CASES[[0, 3, 5, 6][case]]
    fs = [(lambda a, b: mx.nd.dot(a, b, transpose_a=ta, transpose_b=tb), [_r(*ls), _r(*rs)]),
          (lambda a, b: mx.nd.batch_dot(a, b, transpose_a=True, transpose_b=case % 2 == 1),
           [_r(2, 4, 3), _r(2, 5, 4) if case % 2 else _r(2, 4, 5)]),
          (lambda a, b, c: mx.nd.FullyConnected(a, b, c, num_hidden=4, flatten=case < 2),
           [_r(2, 3, 2), _r(4, 6 if case < 2 else 2), _r(4)])]
    for f, xs in fs:
        y = f(*xs)
        head = mx.nd.array(np.random.RandomState(case).standard_normal(y.shape), dtype="float64")
        fused, vjp = _fused_and_vjp(f, xs, head)
        for g1, g2 in zip(fused, vjp):
            np.testing.assert_allclose(g1, g2, rtol=1e-12, atol=1e-12)


def test_fully_connected_gradient_values():
    x = mx.nd.array([[1, 2, 3], [4, 5, 6]])
    w = mx.nd.array([[1, 0, -1], [2, 1, 0]])
    b = mx.nd.array([0.5, -0.5])
    for v in (x, w, b):
        v.attach_grad()
    with autograd.record():
        y = mx.nd.FullyConnected(x, w, b, num_hidden=2)
    y.backward(mx.nd.array([[1, 2], [3, 4]]))
    assert x.grad.asnumpy().tolist() == [[5, 2, -1], [11, 4, -3]]
    assert w.grad.asnumpy().tolist() == [[13, 17, 21], [18, 24, 30]]
    assert b.grad.asnumpy().tolist() == [4, 6]
