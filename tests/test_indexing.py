"""NDArray indexing (`x[key]`, `x[key] = v`), take, pick, one_hot, sort/argsort/topk, slices, pad.

Forward values against NumPy float64 oracles; shapes, view-or-copy and errors
pinned against MXNet 1.9.1 (literals produced by the real MXNet); gradients by
finite differences to order 2 and fused backward == VJP.
"""
import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from hypothesis.extra.numpy import array_shapes

import mxnb as mx
from mxnb import autograd
from mxnb.base import settings
from gradutil import grad_checks, grad_of

ERR = mx.MXNetError
HS = hsettings(max_examples=25, deadline=None)
A4 = np.arange(120, dtype=np.float32).reshape(2, 3, 4, 5)


def _np_result(a, key):
    r = np.asarray(a[key])
    return r.reshape(1) if r.ndim == 0 else r


def _is_view(x, key):
    y = x[key]
    before = x.asnumpy()
    y[:] = -1
    changed = not np.array_equal(before, x.asnumpy())
    x[:] = before
    return changed

# ---------------------------------------------------------------- getitem


# (key, result is a view) on a (2, 3, 4, 5) array; every shape and value equals NumPy's,
# with 0-d results as shape (1,). Views and copies: MXNet 1.9.1.
GETITEM_CASES = [
    ((None,), True), ((Ellipsis,), True), ((0, None), True), ((None, 0, None), True),
    ((slice(None), None, 1), False), ((Ellipsis, None), True), ((None, Ellipsis, 0), False),
    ((0, Ellipsis, 0), False), ((Ellipsis, 1, slice(None)), False), ((1, slice(None), 2), False),
    ((slice(1, 2), slice(0, 1)), True), ((1, 2), True), ((1, 2, 3), True),
    ((1, 2, slice(1, 3)), True), ((slice(None, None, -1),), False), ((slice(None, None, 2),), True),
    ((0, slice(None, None, 2)), False), ((slice(0, 2), 0), False), ((0, 0, slice(0, 1)), True),
    ((0, slice(1, 2), slice(None), 3), False), ((slice(None), slice(1, 2)), False),
    ((0, 1, slice(None, None, 2), 0), False), ((1, 2, 3, 4), True), ((-1, -1, -1), True),
    (([0, 1], None, [1, 2]), False), ((None, [0, 1], [1, 2]), False),
    (([[0], [1]], [0, 1, 2]), False), ((slice(None), [0, 2], [1, 3]), False),
    ((slice(None), [0, 2], slice(None), [1, 3]), False), (([1], 0), False), ((0, [1], 0), False),
    ((Ellipsis, [0, 1]), False), ((Ellipsis, [0, 1], 0), False), ((1, None, [0, 2]), False),
    ((None, 1, None, [0, 2], None), False), (([0, 1], slice(None), None, [1, 2]), False),
    ((np.array([[1, 0]]),), False), ((1, slice(None, None, -1), [0, 3]), False),
    (([0, 1], Ellipsis, [1, 2]), False), ((0, 1, [2], [3]), False), ((-1, -1, [-1], -1), False),
    (([1, 0, 1],), False), ((slice(None), [2, 0]), False),
]


@pytest.mark.parametrize("key,view", GETITEM_CASES, ids=[repr(k) for k, _ in GETITEM_CASES])
def test_getitem_matches_numpy_and_mxnet_views(key, view):
    x = mx.nd.array(A4)
    k = key[0] if len(key) == 1 else key
    got = x[k]
    np.testing.assert_array_equal(got.asnumpy(), _np_result(A4, k))
    assert _is_view(x, k) == view


def test_getitem_fast_paths_and_mxnet_quirks():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert x[()] is x and x[:] is x and x[::1] is x       # MXNet returns the array itself
    assert x[1, 2].shape == (4,) and x[1, 2, 3].shape == (1,) and x[1][2][3].shape == (1,)
    assert mx.nd.arange(5)[2].shape == (1,)
    assert x[1:1].shape == (0, 3, 4)
    # A bool is an int as the whole key, and is dropped inside a tuple (MXNet 1.9.1).
    assert x[True].asnumpy()[0, 0] == 12 and x[False].asnumpy()[0, 0] == 0
    assert x[0, True].shape == (3, 4) and x[False, 1].asnumpy()[0, 0] == 12
    assert x[(True,)].shape == (2, 3, 4)
    # Index arrays are truncated to integers; a NumPy bool array is read as 0/1 indices.
    assert x[mx.nd.array([0.7, 1.9])].asnumpy()[:, 0, 0].tolist() == [0, 12]
    assert x[np.array([True, False])].asnumpy()[:, 0, 0].tolist() == [12, 0]
    assert x[mx.nd.array([1, 0], dtype="int64")].asnumpy()[:, 0, 0].tolist() == [12, 0]
    assert x[range(2)].shape == (2, 3, 4) and x[(0, 1), ].shape == (2, 3, 4)
    assert x[np.int64(1), np.int32(2)].asnumpy().tolist() == [20, 21, 22, 23]
    assert x[np.int64(0):np.int32(1)].shape == (1, 3, 4)
    assert x[mx.nd.array([[0, 1], [1, 0]])].shape == (2, 2, 3, 4)
    assert x[..., [0, 3]].asnumpy()[0, 0].tolist() == [0, 3]
    # MXNet 1.9.1 raises TypeError from a bad format string here; mxnb gives NumPy's answer.
    assert x[[0, 1], [1, 2], None].shape == (2, 1, 4)


def test_getitem_errors():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    cases = [(2, IndexError, "index 2 is out of bounds for axis 0 with size 2"),
             (-3, IndexError, "index -3 is out of bounds for axis 0 with size 2"),
             ((0, 3), IndexError, "index 3 is out of bounds for axis 1 with size 3"),
             ((0, -4), IndexError, "index -4 is out of bounds for axis 1 with size 3"),
             ((0, 0, 0, 0), IndexError, r"too many indices \(4\) for array with 3 dimensions"),
             (slice(None, None, 0), ValueError, "slice step cannot be zero"),
             ((slice(None), slice(None, None, 0)), ValueError, "slice step cannot be zero"),
             (1.0, ValueError, "NDArray does not support slicing with key 1.0 of type "
                               "<class 'float'>"),
             ("a", ValueError, "NDArray does not support slicing with key a"),
             (np.bool_(True), ValueError, "does not support slicing with key True of type "
                                          "<class 'numpy.bool"),
             ((Ellipsis, 0, Ellipsis), IndexError, "Cannot use more than one ellipsis"),
             ([0, 5], IndexError, "index 5 is out of bounds for axis 0 with size 2"),
             ([-3, 0], IndexError, "index -3 is out of bounds for axis 0 with size 2"),
             (mx.nd.array([0, 5]), IndexError, "index 5 is out of bounds for axis 0"),
             ((slice(None), [0, 9]), IndexError, "index 9 is out of bounds for axis 1 with size 3")]
    for key, exc, msg in cases:
        with pytest.raises(exc, match=msg):
            x[key]
    with pytest.raises(ERR, match="empty index array"):
        x[[]]
    with pytest.raises(ValueError, match=r"^shape1=\(2,\) is not broadcastable to shape2=\(3,\)$"):
        mx.nd.zeros((1, 1))[[0, 0], [0, 0, 0]]  # MXNet 1.9.1's type and message


@HS
@given(shape=array_shapes(min_dims=1, max_dims=4, min_side=1, max_side=4), data=st.data())
def test_random_basic_and_advanced_keys_match_numpy(shape, data):
    a = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    x = mx.nd.array(a, dtype="float64")
    key = []
    for n in shape[:data.draw(st.integers(1, len(shape)))]:
        kind = data.draw(st.sampled_from(["int", "slice", "array", "none", "full"]))
        if kind == "int":
            key.append(data.draw(st.integers(-n, n - 1)))
        elif kind == "slice":
            key.append(slice(data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1))),
                             data.draw(st.one_of(st.none(), st.integers(-n - 1, n + 1))),
                             data.draw(st.sampled_from([None, 1, 2, -1, -2]))))
        elif kind == "array":
            key.append(data.draw(st.lists(st.integers(-n, n - 1), min_size=1, max_size=3)))
        elif kind == "none":
            key.extend([None, slice(None)])
        else:
            key.append(slice(None))
    key = tuple(key)
    try:
        want = _np_result(a, key)
    except IndexError:  # index arrays of lengths that do not broadcast: MXNet's ValueError
        with pytest.raises(ValueError, match="is not broadcastable to"):
            x[key]
        return
    if want.size == 0:
        return
    np.testing.assert_array_equal(x[key].asnumpy(), want)


def test_gradients_flow_through_views_copies_and_gathers():
    # MXNet 1.9.1: duplicates accumulate, strided slices scatter back.
    x = mx.nd.arange(6).reshape((2, 3))
    head = mx.nd.ones((3, 3))
    assert grad_of(lambda v: v[[0, 0, 1]], x, head).tolist() == [[2, 2, 2], [1, 1, 1]]
    assert grad_of(lambda v: v[:, ::2], x).tolist() == [[1, 0, 1], [1, 0, 1]]
    x = mx.nd.arange(24).reshape((2, 3, 4))
    for key, total in ((1, 420), (slice(0, 1), 132), ((1, 2), 172), ((1, 2, 3), 46),
                       ((slice(None), 1), 184), ((0, slice(None, None, 2)), 88), ([0, 1], 552),
                       ((slice(None), [0, 2]), 368), (mx.nd.array([1, 0, 1]), 972),
                       ((None, 1), 420), ((Ellipsis, 1), 132)):
        assert grad_of(lambda v: v[key] * v[key], x).sum() == total, key
    rng = np.random.RandomState(0)
    a = rng.standard_normal((3, 4))
    for key in ((1,), (slice(None), [0, 2, 2]), ([[0, 2], [1, 1]], slice(1, 3)),
                ([0, 2], [3, 1]), (slice(None, None, -1), 2), (None, [1, 0], None)):
        k = key[0] if len(key) == 1 else key
        grad_checks(lambda v: v[k], [a])


def test_parallel_scatter_add_equals_serial():
    rng = np.random.RandomState(3)
    x = mx.nd.array(rng.standard_normal((50, 700)))
    idx = mx.nd.array(rng.randint(0, 50, size=400))
    head = mx.nd.array(rng.standard_normal((400, 700)))
    old = settings.par_min
    try:
        settings.par_min = 0
        par = grad_of(lambda v: mx.nd.take(v, idx), x, head)
        par_fwd = mx.nd.take(x, idx).asnumpy()
    finally:
        settings.par_min = old
    ser = grad_of(lambda v: mx.nd.take(v, idx), x, head)
    assert np.array_equal(par, ser)
    assert np.array_equal(par_fwd, mx.nd.take(x, idx).asnumpy())

# ---------------------------------------------------------------- setitem


def _assigned(key, value, shape=(2, 3, 4), dtype="float32"):
    x = mx.nd.zeros(shape, dtype=dtype)
    x[key] = value
    return x.asnumpy().ravel().tolist()


def test_setitem_matches_mxnet():
    z = [0.0] * 24
    r = list(z)
    r[12:24] = [5.0] * 12
    assert _assigned(1, 5.0) == r
    assert _assigned(1, mx.nd.arange(4))[12:] == [0, 1, 2, 3] * 3
    assert _assigned((0, 1), [1, 2, 3, 4])[4:8] == [1, 2, 3, 4]
    assert _assigned((slice(None), slice(None, None, 2)),
                     mx.nd.arange(16).reshape((2, 2, 4))) == \
        [0, 1, 2, 3, 0, 0, 0, 0, 4, 5, 6, 7, 8, 9, 10, 11, 0, 0, 0, 0, 12, 13, 14, 15]
    r = list(z)
    r[0], r[12] = 2.0, 1.0
    assert _assigned((slice(None, None, -1), 0, 0), mx.nd.array([1, 2])) == r
    assert _assigned([0, 1], 3) == [3.0] * 24
    # Duplicate advanced indices: the last write wins (MXNet 1.9.1).
    assert _assigned(([0, 0], [1, 1]), mx.nd.array([[1] * 4, [2] * 4]))[4:8] == [2] * 4
    r = list(z)
    r[7], r[20] = 7.0, 8.0
    assert _assigned(([0, 1], [1, 2], [3, 0]), mx.nd.array([7, 8])) == r
    assert _assigned((slice(None), [0, 2]), mx.nd.arange(4)) == \
        [0, 1, 2, 3, 0, 0, 0, 0, 0, 1, 2, 3] * 2
    assert _assigned(0, mx.nd.ones((1, 1, 3, 4)))[:13] == [1.0] * 12 + [0.0]  # extra leading 1s
    assert _assigned((None, 0), mx.nd.ones((1, 3, 4)))[:12] == [1.0] * 12
    assert _assigned(0, mx.nd.ones((3, 4), dtype="int32"))[:12] == [1.0] * 12
    assert _assigned(1, 2.7, shape=(3,)) == [0, pytest.approx(2.7), 0]
    assert _assigned(slice(None), np.array([1.7, -1.7, 2.5]), shape=(3,), dtype="int32") == \
        [1, -1, 2]
    assert _assigned([0, 1], 2.7, shape=(3,), dtype="int32") == [2, 2, 0]
    assert _assigned(slice(0, 2), mx.nd.array([1.7, -1.7]), shape=(3,), dtype="int32") == \
        [1, -1, 0]
    x = mx.nd.arange(5)
    x[1:] = x[:-1]                                   # overlapping source and target
    assert x.asnumpy().tolist() == [0, 0, 1, 2, 3]
    s = mx.nd.array(5.0)
    s[()] = 3
    assert s.asnumpy()[()] == 3


def test_setitem_errors():
    x = mx.nd.zeros((2, 3, 4))
    msg = r"operands could not be broadcast together with remapped shapes\[original->remapped\]: "
    with pytest.raises(ValueError, match=msg + r"\(2, 4\) and requested shape \(3, 4\)"):
        x[0] = mx.nd.ones((2, 4))
    with pytest.raises(ValueError, match=msg + r"\(2, 2\) and requested shape \(3, 4\)"):
        x[0] = [[1, 2], [3, 4]]
    with pytest.raises(ValueError, match=msg + r"\(3, 3, 4\) and requested shape \(2, 3, 4\)"):
        x[[0, 1]] = mx.nd.ones((3, 3, 4))
    with pytest.raises(IndexError, match=r"too many indices \(4\) for array with 3 dimensions"):
        x[0, 0, 0, 0] = 1
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        x[5] = 1
    # MXNet 1.9.1 ignores an out-of-bounds advanced index in an assignment; mxnb raises (FIX).
    with pytest.raises(IndexError, match="index 5 is out of bounds for axis 0 with size 2"):
        x[[5]] = 1
    with pytest.raises(ValueError, match="NDArray does not support slicing with key 1.0"):
        x[1.0] = 1
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        x[::0] = 1
    with pytest.raises(IndexError, match="scalar tensor can only accept"):
        mx.nd.array(5.0)[0] = 1
    assert x.asnumpy().sum() == 0                    # nothing half-written


def test_setitem_inside_record():
    x = mx.nd.arange(6).reshape((2, 3))
    x.attach_grad()
    inplace = "Assigning to NDArrays that are already in a computational graph"
    for key in (0, [0], slice(None)):
        with pytest.raises(ERR, match=inplace), autograd.record():
            x[key] = 1
    with pytest.raises(ERR, match=inplace), autograd.record():
        y = x * 2
        y[[0, 1], [0, 1]] = 1
    with pytest.raises(ERR, match=inplace), autograd.record():
        y = x * 2
        v = y[0]                                     # a view of a recorded result
        v[:] = 3
    # A plain target with a value in the graph: a partial write is refused (MXNet 1.9.1)...
    partial = r"Inplace operations \(\+=, -=, x\[:\]=, etc\) are not supported when recording"
    for key, val in ((0, lambda: x[0]), ((slice(None), 0), lambda: x[:, 0]),
                     ([0], lambda: x[[1]]), (slice(None, None, -1), lambda: x)):
        z = mx.nd.zeros((2, 3))
        with pytest.raises(ERR, match=partial), autograd.record():
            z[key] = val()
        assert z.asnumpy().sum() == 0
    # ... values outside the graph are fine ...
    z = mx.nd.zeros((2, 3))
    with autograd.record():
        z[0] = np.ones(3)
        z[[1]] = 5
    assert z.asnumpy().tolist() == [[1, 1, 1], [5, 5, 5]]
    # ... and a whole-array write is a recorded copy, broadcasting included.
    v = mx.nd.arange(3)
    v.attach_grad()
    z = mx.nd.zeros((2, 3))
    with autograd.record():
        z[:] = v
        w = z * 2
    w.backward()
    assert v.grad.asnumpy().tolist() == [4, 4, 4] and z.asnumpy()[1].tolist() == [0, 1, 2]
    for key in (Ellipsis, (), (slice(None), slice(None)), slice(0, 2)):
        z = mx.nd.zeros((2, 3))
        with autograd.record():
            z[key] = x
            w = z * 2
        w.backward()
        assert x.grad.asnumpy().tolist() == [[2, 2, 2]] * 2

# ---------------------------------------------------------------- take / pick / one_hot


def test_take_matches_mxnet():
    r = mx.nd.arange(5)
    idx = mx.nd.array([-1, 5, 1.7, -0.5, -1.5, 4.99, -7, 7])
    assert mx.nd.take(r, idx).asnumpy().tolist() == [0, 4, 1, 0, 0, 4, 0, 4]
    assert mx.nd.take(r, idx, mode="wrap").asnumpy().tolist() == [4, 0, 1, 0, 4, 4, 3, 2]
    assert mx.nd.take(r, mx.nd.array([0, 4, 3.9]), mode="raise").asnumpy().tolist() == [0, 4, 3]
    with pytest.raises(ERR, match="take operator contains indices out of bound"):
        mx.nd.take(r, mx.nd.array([-1, 1]), mode="raise")   # negatives too, in MXNet 1.9.1
    x = mx.nd.arange(24).reshape((2, 3, 4))
    a = np.arange(24).reshape(2, 3, 4)
    assert mx.nd.take(x, mx.nd.array([[0, 1], [1, 0]])).shape == (2, 2, 3, 4)
    np.testing.assert_array_equal(mx.nd.take(x, mx.nd.array([2, 0]), axis=1).asnumpy(),
                                  a[:, [2, 0]])
    np.testing.assert_array_equal(x.take(mx.nd.array([3, 0]), axis=-1).asnumpy(), a[..., [3, 0]])
    assert mx.nd.take(x.astype("int32"), mx.nd.array([1, 0])).dtype is np.int32
    assert mx.nd.take(x, mx.nd.array([1], dtype="int32")).dtype is np.float32
    with pytest.raises(ERR, match=r"take: axis=3 is out of range for a of shape \[2,3,4\]"):
        mx.nd.take(x, mx.nd.array([0]), axis=3)
    with pytest.raises(ERR, match="Invalid Input: 'foo', valid values are: {'clip', 'raise', "
                                  "'wrap'}"):
        mx.nd.take(x, mx.nd.array([1]), mode="foo")


@HS
@given(shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=4), data=st.data())
def test_take_and_pick_match_numpy(shape, data):
    rng = np.random.RandomState(5)
    a = rng.standard_normal(shape)
    x = mx.nd.array(a, dtype="float64")
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    ishape = tuple(data.draw(st.lists(st.integers(1, 3), min_size=1, max_size=2)))
    raw = rng.uniform(-2 * n, 2 * n, ishape)
    mode = data.draw(st.sampled_from(["clip", "wrap"]))
    i = np.trunc(raw).astype(np.int64)
    i = np.clip(i, 0, n - 1) if mode == "clip" else np.mod(i, n)
    got = mx.nd.take(x, mx.nd.array(raw, dtype="float64"), axis=axis, mode=mode)
    np.testing.assert_array_equal(got.asnumpy(), np.take(a, i, axis=axis))
    pshape = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    praw = rng.uniform(-2 * n, 2 * n, pshape or (1,))
    pi = np.trunc(praw).astype(np.int64)
    pi = np.clip(pi, 0, n - 1) if mode == "clip" else np.mod(pi, n)
    keep = data.draw(st.booleans())
    got = mx.nd.pick(x, mx.nd.array(praw), axis=axis, keepdims=keep, mode=mode)
    want = np.take_along_axis(a, np.expand_dims(pi.reshape(pshape), axis), axis)
    np.testing.assert_array_equal(got.asnumpy(), want if keep else (
        want.reshape(pshape) if pshape else want.reshape(1)))


def test_pick_matches_mxnet():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    assert mx.nd.pick(x, mx.nd.array([[0, 1, 2], [3, 2, 1]])).asnumpy().tolist() == \
        [[0, 5, 10], [15, 18, 21]]
    assert mx.nd.pick(x, mx.nd.array([[-1, 5, 2.7], [3, -2, 1]])).asnumpy().ravel().tolist() == \
        [0, 7, 10, 15, 16, 21]
    assert mx.nd.pick(x, mx.nd.array([[-1, 5, 2.7], [3, -2, 1]]), mode="wrap").asnumpy() \
        .ravel().tolist() == [3, 5, 10, 15, 18, 21]
    assert mx.nd.pick(x, mx.nd.array([[0, 1, 2], [3, 2, 1]]), keepdims=True).shape == (2, 3, 1)
    assert mx.nd.pick(x, mx.nd.array([[[0], [1], [2]], [[3], [2], [1]]])).shape == (2, 3)
    assert mx.nd.pick(mx.nd.arange(4), mx.nd.array([2])).asnumpy().tolist() == [2]
    assert x.pick(mx.nd.array([[0, 1, 1, 0], [1, 1, 0, 0], [0, 0, 0, 1]]), axis=0) \
        .asnumpy().ravel().tolist() == [0, 13, 14, 3, 16, 17, 6, 7, 8, 9, 10, 23]
    with pytest.raises(ERR, match=r"Shape inconsistent, Provided = \[2,2\], inferred "
                                  r"shape=\[2,3\]"):
        mx.nd.pick(x, mx.nd.array([[0, 1], [3, 2]]))
    with pytest.raises(ERR, match="axis=None is not supported by pick yet"):
        mx.nd.pick(x, mx.nd.array([5]), axis=None)
    with pytest.raises(ERR, match="Invalid Input: 'raise', valid values are: {'clip', 'wrap'}"):
        mx.nd.pick(x, mx.nd.array([[0, 1, 2], [3, 2, 1]]), mode="raise")


def test_take_pick_gradients():
    # MXNet 1.9.1 gradients: clipped and wrapped indices accumulate where they land.
    x = mx.nd.array([3, 1, 2, 5])
    head = mx.nd.array([1, 2, 3, 4])
    idx = mx.nd.array([-1, 7, 1, 1])
    assert grad_of(lambda v: mx.nd.take(v, idx), x, head).tolist() == [1, 7, 0, 2]
    assert grad_of(lambda v: mx.nd.take(v, idx, mode="wrap"), x, head).tolist() == [0, 7, 0, 3]
    x2 = mx.nd.arange(6).reshape((2, 3))
    p = mx.nd.array([5, -1])
    assert grad_of(lambda v: mx.nd.pick(v, p), x2, mx.nd.array([1, 2])).tolist() == \
        [[0, 0, 1], [2, 0, 0]]
    assert grad_of(lambda v: mx.nd.pick(v, p, mode="wrap"), x2, mx.nd.array([1, 2])).tolist() \
        == [[0, 0, 1], [0, 0, 2]]
    i = mx.nd.array([0, 1])
    i.attach_grad()
    with autograd.record():
        y = mx.nd.take(x, i)
    y.backward()
    assert i.grad.asnumpy().tolist() == [0, 0]
    rng = np.random.RandomState(6)
    a = rng.standard_normal((4, 3))
    ti = mx.nd.array([[3, 0], [3, 3], [-1, 9]])
    grad_checks(lambda v: mx.nd.take(v, ti), [a])
    grad_checks(lambda v: mx.nd.take(v, ti, axis=1, mode="wrap"), [a])
    grad_checks(lambda v: mx.nd.pick(v, mx.nd.array([2, 0, 1, 1]), axis=1, keepdims=True), [a])
    grad_checks(lambda v: mx.nd.pick(v, mx.nd.array([3, 0, 1]), axis=0), [a])


def test_one_hot_matches_mxnet():
    got = mx.nd.one_hot(mx.nd.array([1, 0, 2, -1, 3, 1.7, -0.5, 2.9]), 3).asnumpy().tolist()
    assert got == [[0, 1, 0], [1, 0, 0], [0, 0, 1], [0, 0, 0], [0, 0, 0], [0, 1, 0], [1, 0, 0],
                   [0, 0, 1]]
    y = mx.nd.one_hot(mx.nd.array([1, 0, 2]), 3, on_value=8, off_value=1, dtype="int32")
    assert y.dtype is np.int32 and y.asnumpy().tolist() == [[1, 8, 1], [8, 1, 1], [1, 1, 8]]
    assert mx.nd.one_hot(mx.nd.array([[1, 0], [2, 0]]), 3).shape == (2, 2, 3)
    assert mx.nd.one_hot(mx.nd.array([1, 0]), 2, on_value=2.5, off_value=-0.5,
                         dtype="int32").asnumpy().tolist() == [[0, 2], [2, 0]]
    assert mx.nd.one_hot(mx.nd.array([1, 0]), 2, on_value=-1, dtype="uint8").asnumpy().tolist() \
        == [[0, 255], [255, 0]]
    assert mx.nd.one_hot(mx.nd.array([1, 0]), 3, dtype="float16").dtype is np.float16
    assert mx.nd.array([1, 0]).one_hot(2).asnumpy().tolist() == [[0, 1], [1, 0]]
    with pytest.raises(ERR, match="Required parameter depth"):
        mx.nd.one_hot(mx.nd.array([1, 0]))
    i = mx.nd.array([1, 0])
    i.attach_grad()
    with autograd.record():
        y = mx.nd.one_hot(i, 3)
    y.backward()
    assert i.grad.asnumpy().tolist() == [0, 0]

# ---------------------------------------------------------------- slices and pad


@HS
@given(shape=array_shapes(min_dims=1, max_dims=3, min_side=1, max_side=5), data=st.data())
def test_slice_ops_match_numpy(shape, data):
    a = np.random.RandomState(7).standard_normal(shape)
    x = mx.nd.array(a, dtype="float64")
    k = data.draw(st.integers(1, len(shape)))
    opt = st.one_of(st.none(), st.integers(-6, 6))
    begin = [data.draw(opt) for _ in range(k)]
    end = [data.draw(opt) for _ in range(k)]
    step = [data.draw(st.sampled_from([None, 1, 2, -1, -3])) for _ in range(k)]
    want = a[tuple(slice(b, e, s) for b, e, s in zip(begin, end, step))]
    if want.size:
        np.testing.assert_array_equal(mx.nd.slice(x, begin=begin, end=end, step=step).asnumpy(),
                                      want)
    axis = data.draw(st.integers(-len(shape), len(shape) - 1))
    n = shape[axis]
    b = data.draw(st.integers(-n, n - 1))
    e = data.draw(st.one_of(st.none(), st.integers((b % n) + 1, n)))
    sl = [slice(None)] * len(shape)
    sl[axis] = slice(b % n, e)
    np.testing.assert_array_equal(mx.nd.slice_axis(x, axis=axis, begin=b, end=e).asnumpy(),
                                  a[tuple(sl)])
    like = tuple(data.draw(st.integers(1, d)) for d in shape)
    np.testing.assert_array_equal(mx.nd.slice_like(x, mx.nd.zeros(like)).asnumpy(),
                                  a[tuple(slice(0, d) for d in like)])


def test_slice_ops_mxnet_details_and_errors():
    x = mx.nd.arange(24).reshape((2, 3, 4))
    got = mx.nd.slice(x, begin=(None, None, None), end=(None, None, None), step=(-1, -1, -2))
    assert got.asnumpy().ravel().tolist() == [23, 21, 19, 17, 15, 13, 11, 9, 7, 5, 3, 1]
    assert mx.nd.slice(x, begin=(5,), end=(-5,), step=(-1,)).asnumpy()[:, 0, 0].tolist() == \
        [12, 0]
    assert mx.nd.slice(x, begin=(3,), end=(5,)).shape == (0, 3, 4)
    assert mx.nd.slice(x, begin=0, end=1).shape == (1, 3, 4)
    assert mx.nd.crop(x, begin=(0, 1), end=(1, 3)).shape == (1, 2, 4)
    assert mx.nd.slice_like(x, mx.nd.zeros((1, 2)), axes=(0,)).shape == (1, 3, 4)
    assert mx.nd.slice_like(x, mx.nd.zeros((1, 2, 3)), axes=(-1,)).shape == (2, 3, 3)
    for call, msg in (
            (lambda: mx.nd.slice(x, begin=(0, 0, 0, 0), end=(1, 1, 1, 1)),
             "Slicing axis exceeds data dimensions"),
            (lambda: mx.nd.slice(x, begin=(0,), end=(1,), step=(0,)), r"step\[0\] cannot be 0"),
            (lambda: mx.nd.slice(x, begin=(0, 0), end=(1,)), "begin and end must have the same"),
            (lambda: mx.nd.slice(x, begin=(0, 0), end=(1, 2), step=(1,)),
             "step and begin must have the same length"),
            (lambda: mx.nd.slice_axis(x, axis=3, begin=0, end=1),
             r"slice_axis: axis=3 is out of range for input of shape \[2,3,4\]"),
            (lambda: mx.nd.slice_axis(x, axis=1, begin=2, end=1),
             "Invalid begin, end, get begin=2, end=1"),
            (lambda: mx.nd.slice_axis(x, axis=1, begin=0, end=10),
             "Invalid end for end=10 as axis_size is 3"),
            (lambda: mx.nd.slice_axis(x, axis=1, begin=-10, end=2), "Invalid begin for begin=-10"),
            (lambda: mx.nd.slice_axis(x, axis=1, begin=0),
             "Required parameter end of int or None is not presented"),
            (lambda: mx.nd.slice_like(x, mx.nd.zeros((1, 2))),
             r"ndim mismatch for inputs: data \[2,3,4\] vs shape_like \[1,2\]"),
            (lambda: mx.nd.slice_like(x, mx.nd.zeros((3, 2, 3))),
             "Slice axis 0 with size 3 exceeds limit of input with size 2"),
            (lambda: mx.nd.slice_like(x, mx.nd.zeros((1, 2, 3)), axes=(3,)),
             r"slice_like: axes=3 is out of range")):
        with pytest.raises(ERR, match=msg):
            call()


def test_slice_ops_gradients():
    a = np.random.RandomState(8).standard_normal((3, 4))
    grad_checks(lambda v: mx.nd.slice(v, begin=(None, 3), end=(None, 0), step=(-2, -2)), [a])
    grad_checks(lambda v: mx.nd.slice_axis(v, axis=1, begin=1, end=None), [a])
    grad_checks(lambda v: mx.nd.slice_like(v, mx.nd.zeros((2, 2), dtype="float64")), [a])


def test_pad_matches_mxnet():
    x = mx.nd.arange(12).reshape((1, 1, 3, 4))
    a = np.arange(12.0).reshape(1, 1, 3, 4)
    got = mx.nd.pad(x, mode="reflect", pad_width=(0, 0, 0, 0, 2, 2, 3, 3)).asnumpy()[0, 0]
    assert got[0].tolist() == [11, 10, 9, 8, 9, 10, 11, 10, 9, 8]         # MXNet 1.9.1
    assert got[3].tolist() == [7, 6, 5, 4, 5, 6, 7, 6, 5, 4]
    got = mx.nd.pad(x, mode="edge", pad_width=(0, 0, 0, 0, 1, 0, 0, 2)).asnumpy()[0, 0]
    assert got.tolist() == [[0, 1, 2, 3, 3, 3], [0, 1, 2, 3, 3, 3], [4, 5, 6, 7, 7, 7],
                            [8, 9, 10, 11, 11, 11]]
    got = mx.nd.Pad(x, mode="constant", pad_width=(0, 0, 0, 0, 1, 0, 0, 2), constant_value=-2.5)
    assert got.asnumpy()[0, 0, :2].tolist() == [[-2.5] * 6, [0, 1, 2, 3, -2.5, -2.5]]
    five = mx.nd.arange(24).reshape((1, 1, 2, 3, 4))
    for mode in ("constant", "edge", "reflect"):
        pw = ((0, 0), (0, 0), (1, 1), (1, 2), (2, 1))
        np.testing.assert_array_equal(
            mx.nd.pad(five, mode=mode, pad_width=sum(pw, ())).asnumpy(),
            np.pad(np.arange(24.0).reshape(1, 1, 2, 3, 4), pw, mode))
    for kw, msg in ((dict(data=mx.nd.zeros((2, 3, 4)), mode="constant", pad_width=(0,) * 6),
                     "only supports 4-D or 5-D input"),
                    (dict(data=x, mode="constant", pad_width=(0,) * 6), "padding spec mismatch"),
                    (dict(data=x, mode="constant", pad_width=(1, 0, 0, 0, 1, 1, 1, 1)),
                     "expects padding on the first two axes to be zero"),
                    (dict(data=x.astype("int32"), mode="constant", pad_width=(0,) * 8),
                     "only support floating point types, not int32"),
                    (dict(data=x, mode="reflect", pad_width=(0, 0, 0, 0, 3, 3, 0, 0)),
                     "reflection padding only supports padding sizes smaller than the input"),
                    (dict(data=x, mode="wrap", pad_width=(0,) * 8),
                     "Invalid Input: 'wrap', valid values are"),
                    (dict(data=x, pad_width=(0,) * 8), "Required parameter mode")):
        with pytest.raises(ERR, match=msg):
            mx.nd.pad(**kw)


def test_pad_gradients():
    x = mx.nd.arange(12).reshape((1, 1, 3, 4))
    # MXNet 1.9.1 gradients of sum(pad(x)).
    assert grad_of(lambda v: mx.nd.pad(v, mode="edge", pad_width=(0, 0, 0, 0, 1, 2, 2, 1)),
                   x).ravel().tolist() == [6, 2, 2, 4, 3, 1, 1, 2, 9, 3, 3, 6]
    assert grad_of(lambda v: mx.nd.pad(v, mode="reflect", pad_width=(0, 0, 0, 0, 2, 2, 3, 3)),
                   x).ravel().tolist() == [4, 6, 6, 4, 6, 9, 9, 6, 4, 6, 6, 4]
    a = np.random.RandomState(9).standard_normal((1, 2, 3, 4))
    for mode in ("constant", "edge", "reflect"):
        grad_checks(lambda v: mx.nd.pad(v, mode=mode, pad_width=(0, 0, 0, 0, 2, 1, 1, 3)), [a])

# ---------------------------------------------------------------- sort / argsort / topk


Y = [[3, 1, 2, 1], [0, 5, 5, -1], [2, 2, 2, 2]]


def test_sort_argsort_match_mxnet_ties_included():
    y = mx.nd.array(Y)
    assert mx.nd.sort(y).asnumpy().tolist() == [[1, 1, 2, 3], [-1, 0, 5, 5], [2, 2, 2, 2]]
    assert mx.nd.sort(y, is_ascend=False).asnumpy()[1].tolist() == [5, 5, 0, -1]
    assert mx.nd.sort(y, axis=None).shape == (12,)
    assert mx.nd.sort(y, axis=0, is_ascend=False).asnumpy().tolist() == \
        [[3, 5, 5, 2], [2, 2, 2, 1], [0, 1, 2, -1]]
    assert mx.nd.sort(y.astype("int32")).dtype is np.int32
    assert mx.nd.argsort(y).asnumpy().tolist() == [[1, 3, 2, 0], [3, 0, 1, 2], [0, 1, 2, 3]]
    assert mx.nd.argsort(y, is_ascend=0).asnumpy().tolist() == \
        [[0, 2, 1, 3], [1, 2, 0, 3], [0, 1, 2, 3]]
    assert mx.nd.argsort(y, axis=None).asnumpy().tolist() == [7, 4, 1, 3, 2, 8, 9, 10, 11, 0,
                                                              5, 6]
    assert mx.nd.argsort(y, axis=0, is_ascend=False).asnumpy().tolist() == \
        [[0, 1, 1, 2], [2, 2, 0, 0], [1, 0, 2, 1]]
    assert mx.nd.argsort(y, axis=0).asnumpy().tolist() == [[1, 0, 0, 1], [2, 2, 2, 0],
                                                          [0, 1, 1, 2]]
    assert mx.nd.argsort(y).dtype is np.float32
    assert mx.nd.argsort(y, dtype="int32").dtype is np.int32
    assert mx.nd.argsort(y, dtype="float16").dtype is np.float16
    with pytest.raises(ERR, match="Invalid Input: 'int8', valid values are"):
        mx.nd.argsort(y, dtype="int8")
    with pytest.raises(ERR, match="Invalid axis! axis should be between 0 and 2, found axis=2"):
        mx.nd.sort(y, axis=2)
    with pytest.raises(ERR, match="found axis=-1"):
        mx.nd.sort(mx.nd.zeros((2, 3)), axis=-3)


def test_topk_matches_mxnet():
    y = mx.nd.array(Y)
    assert mx.nd.topk(y).asnumpy().tolist() == [[0], [1], [0]]
    assert mx.nd.topk(y, k=2).asnumpy().tolist() == [[0, 2], [1, 2], [0, 1]]
    assert mx.nd.topk(y, k=2, ret_typ="value").asnumpy().tolist() == [[3, 2], [5, 5], [2, 2]]
    assert mx.nd.topk(y, k=2, ret_typ="mask").asnumpy().tolist() == \
        [[1, 0, 1, 0], [0, 1, 1, 0], [1, 1, 0, 0]]
    v, i = mx.nd.topk(y, k=2, ret_typ="both")
    assert v.shape == i.shape == (3, 2) and i.dtype is np.float32
    assert mx.nd.topk(y, k=2, ret_typ="value", is_ascend=True).asnumpy().tolist() == \
        [[1, 1], [-1, 0], [2, 2]]
    assert mx.nd.topk(y, k=2, is_ascend=True).asnumpy().tolist() == [[1, 3], [3, 0], [0, 1]]
    assert mx.nd.topk(y, k=2, ret_typ="both", axis=0)[1].asnumpy().tolist() == \
        [[0, 1, 1, 2], [2, 2, 0, 0]]
    assert mx.nd.topk(y, axis=0, ret_typ="value").asnumpy().tolist() == [[3, 5, 5, 2]]
    assert mx.nd.topk(y, axis=None, k=3).asnumpy().tolist() == [5, 6, 0]
    assert mx.nd.topk(y, axis=None, k=3, ret_typ="both")[1].asnumpy().tolist() == [5, 6, 0]
    assert mx.nd.topk(y, k=0).asnumpy()[0].tolist() == [0, 2, 1, 3]       # k < 1: all, sorted
    assert mx.nd.topk(y, k=-1, ret_typ="value").asnumpy()[1].tolist() == [5, 5, 0, -1]
    assert mx.nd.topk(y, k=2, dtype="int32").dtype is np.int32
    v, i = mx.nd.topk(y.astype("int32"), k=2, ret_typ="both")
    assert v.dtype is np.int32 and i.dtype is np.float32
    m = mx.nd.topk(y.astype("int32"), k=2, ret_typ="mask", dtype="int32")
    assert m.dtype is np.int32                                          # the mask keeps data's
    assert mx.nd.topk(mx.nd.array([[1, 3], [2, 0]]), axis=None, k=2, ret_typ="mask") \
        .asnumpy().tolist() == [[0, 1], [1, 0]]
    # Indices wrap like a C cast when the dtype cannot hold them (MXNet 1.9.1).
    assert mx.nd.topk(mx.nd.arange(300), k=3, dtype="uint8").asnumpy().tolist() == [43, 42, 41]
    with pytest.raises(ERR, match=r"k must be smaller than or equal to 4 .* get k = 5"):
        mx.nd.topk(y, k=5)
    with pytest.raises(ERR, match="Invalid Input: 'foo', valid values are: {'both', 'indices', "
                                  "'mask', 'value'}"):
        mx.nd.topk(y, ret_typ="foo")


def test_ordering_gradients():
    # MXNet 1.9.1 gradients.
    x = mx.nd.array([3, 1, 2, 5])
    head = mx.nd.array([1, 2, 3, 4])
    assert grad_of(lambda v: mx.nd.sort(v, axis=0), x, head).tolist() == [3, 1, 2, 4]
    # MXNet 1.9.1 fails to record sort with its default axis; mxnb records it (FIX).
    assert grad_of(lambda v: mx.nd.sort(v), x, head).tolist() == [3, 1, 2, 4]
    assert grad_of(lambda v: mx.nd.topk(v, k=2, ret_typ="value"), x,
                   mx.nd.array([1, 2])).tolist() == [2, 0, 0, 1]
    v = x.copy()
    v.attach_grad()
    with autograd.record():
        vals, _ = mx.nd.topk(v, k=2, ret_typ="both", axis=0)
    autograd.backward([vals], [mx.nd.array([1, 2])])
    assert v.grad.asnumpy().tolist() == [2, 0, 0, 1]
    x3 = mx.nd.arange(6).reshape((2, 3))
    assert grad_of(lambda v: mx.nd.sort(v, axis=1, is_ascend=False), x3,
                   mx.nd.array([[1, 2, 3], [4, 5, 6]])).tolist() == [[3, 2, 1], [6, 5, 4]]
    for ret in ("indices", "mask"):
        assert grad_of(lambda v: mx.nd.topk(v, k=2, ret_typ=ret), x).tolist() == [0] * 4
    assert grad_of(lambda v: mx.nd.argsort(v), x).tolist() == [0] * 4
    rng = np.random.RandomState(10)
    a = (rng.permutation(12) + rng.uniform(0.1, 0.9, 12)).reshape(3, 4)
    grad_checks(lambda v: mx.nd.sort(v, axis=0, is_ascend=False), [a])
    grad_checks(lambda v: mx.nd.sort(v, axis=None), [a])
    grad_checks(lambda v: mx.nd.topk(v, k=2, ret_typ="value"), [a])
    grad_checks(lambda v: mx.nd.topk(v, k=3, axis=None, ret_typ="both", is_ascend=True), [a])


@pytest.mark.parametrize("value", [
    "same", "other_dtype", "broadcast", 0, 7, -2.5, True, 1e39, float("nan"), float("-inf")])
@pytest.mark.parametrize("dtype", ["float32", "float64", "float16", "int32"])
def test_full_slice_assignment_equals_the_general_path(value, dtype):
    # x[:] = v has a short path (same shape and dtype, or a number into a float array); it must
    # write what any other key covering the whole array writes.
    src = np.arange(6, dtype=np.float64).reshape(2, 3) - 2.5
    if value == "same":
        value = mx.nd.array(src * 3, dtype=dtype)
    elif value == "other_dtype":
        value = mx.nd.array(src * 3, dtype="float64" if dtype != "float64" else "float32")
    elif value == "broadcast":
        value = mx.nd.array(src[:1] * 3, dtype=dtype)
    a = mx.nd.array(src, dtype=dtype)
    b = mx.nd.array(src, dtype=dtype)
    with np.errstate(all="ignore"):
        a[:] = value
        b[0:] = value
    np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())
    assert a.dtype == np.dtype(dtype)


def test_full_slice_assignment_refuses_readonly_and_recorded_targets():
    ro = mx.nd.from_numpy(np.zeros(3, np.float32).view(), zero_copy=True)
    ro._data.flags.writeable = False
    with pytest.raises(ValueError, match="readonly"):
        ro[:] = mx.nd.ones((3,))
    x = mx.nd.ones((3,))
    x.attach_grad()
    with mx.autograd.record():
        y = x * 2
        with pytest.raises(mx.base.MXNetError, match="computational graph"):
            y[:] = mx.nd.zeros((3,))
