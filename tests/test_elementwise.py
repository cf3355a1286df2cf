"""Every elementwise op of the table against a NumPy float64 oracle, forward and fused backward."""
import numpy as np
import pytest
from hypothesis import given, settings as hsettings, strategies as st
from hypothesis.extra.numpy import mutually_broadcastable_shapes

import mxnb as mx
from mxnb import autograd
from mxnb.base import settings
from mxnb.ops import OPS

from oracles import BINARY, BINARY_GRAD, SCALAR, UNARY, UNARY_GRAD

OP_LIST = {op.name: op for op in OPS.values()}
UNARY_OPS = sorted(n for n, op in OP_LIST.items() if op.kind == "unary" and n != "clip")
SCALAR_OPS = sorted(n for n, op in OP_LIST.items() if op.kind == "scalar")
BCAST_OPS = sorted(n for n, op in OP_LIST.items() if op.kind == "broadcast")
ELEMWISE_OPS = sorted(n for n, op in OP_LIST.items() if op.kind == "elemwise")
TOL = {"float32": dict(rtol=2e-6, atol=1e-6), "float64": dict(rtol=1e-12, atol=1e-12),
       "float16": dict(rtol=1e-3, atol=1e-3)}


def _bname(opname):
    return opname.replace("broadcast_", "")


def _domain(op, i=0):
    d = op.domain
    return d[i] if isinstance(d[0], tuple) else d


def _draw(rng, op, shape, i=0):
    lo, hi = _domain(op, i)
    return rng.uniform(lo, hi, size=shape)


def test_every_elementwise_op_has_an_oracle():
    assert set(UNARY_OPS) <= set(UNARY)
    assert {_bname(n) for n in BCAST_OPS} <= set(BINARY)
    assert set(SCALAR_OPS) <= set(SCALAR)
    for n in UNARY_OPS:
        op = OP_LIST[n]
        assert op.zero_grad or n in UNARY_GRAD, f"{n} has no reference derivative"


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", UNARY_OPS)
def test_unary_forward(name, dtype):
    rng = np.random.RandomState(0)
    x = _draw(rng, OP_LIST[name], (3, 5)).astype(dtype)
    y = getattr(mx.nd, name)(mx.nd.array(x, dtype=dtype))
    assert y.dtype == np.dtype(dtype).type and y.shape == (3, 5)
    np.testing.assert_allclose(y.asnumpy(), UNARY[name](x.astype(np.float64)), **TOL[dtype])


def _fd(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


@pytest.mark.parametrize("name", [n for n in UNARY_OPS if not OP_LIST[n].zero_grad])
def test_unary_fused_backward(name):
    """Fused backward kernel vs the analytic derivative, finite differences and the VJP."""
    op = OP_LIST[name]
    rng = np.random.RandomState(1)
    x = _draw(rng, op, (7,))
    dy = rng.standard_normal(7)
    xv = mx.nd.array(x, dtype="float64")
    xv.attach_grad()
    with autograd.record():
        y = getattr(mx.nd, name)(xv)
    y.backward(mx.nd.array(dy, dtype="float64"), retain_graph=True)
    fused = xv.grad.asnumpy()
    np.testing.assert_allclose(fused, dy * UNARY_GRAD[name](x), rtol=1e-10, atol=1e-12)
    fwd = getattr(mx.nd, name)
    fd = _fd(lambda v: fwd(mx.nd.array(v, dtype="float64")).asnumpy(), x)
    np.testing.assert_allclose(fused, dy * fd, rtol=1e-6, atol=1e-8)
    vjp = autograd.grad(y, [xv], head_grads=mx.nd.array(dy, dtype="float64"), create_graph=True)[0]
    np.testing.assert_allclose(vjp.asnumpy(), fused, rtol=1e-12, atol=1e-14)


def test_zero_grad_ops_give_zero_gradients():
    x = mx.nd.array([0.3, 1.7, -2.2], dtype="float64")
    for name in UNARY_OPS:
        if OP_LIST[name].zero_grad:
            x.attach_grad()
            with autograd.record():
                y = getattr(mx.nd, name)(x) * 3
            y.backward()
            assert np.all(x.grad.asnumpy() == 0), name


SHAPES = [((2, 3), (2, 3)), ((2, 3), (3,)), ((2, 1, 4), (3, 1)), ((1,), (5,)), ((5,), (1,)),
          ((3, 1), (1, 4)), ((2, 1, 3, 1, 2, 1), (1, 2, 1, 3, 1, 2))]


@pytest.mark.parametrize("name", BCAST_OPS)
def test_binary_forward_broadcast(name):
    op = OP_LIST[name]
    rng = np.random.RandomState(2)
    for sa, sb in SHAPES:
        a, b = _draw(rng, op, sa, 0), _draw(rng, op, sb, 1)
        if name.endswith(("equal", "greater_equal", "lesser_equal")):
            b = np.where(rng.rand(*sb) < 0.3, b, np.round(b))
            a = np.round(a)
        for dtype in ("float32", "float64"):
            r = getattr(mx.nd, name)(mx.nd.array(a, dtype=dtype), mx.nd.array(b, dtype=dtype))
            ref = BINARY[_bname(name)](a.astype(dtype).astype(np.float64),
                                       b.astype(dtype).astype(np.float64))
            np.testing.assert_allclose(r.asnumpy(), ref, **TOL[dtype])


@pytest.mark.parametrize("name", ELEMWISE_OPS)
def test_elemwise_strict_shapes(name):
    op = OP_LIST[name]
    rng = np.random.RandomState(3)
    a, b = _draw(rng, op, (4, 3), 0), _draw(rng, op, (4, 3), 1)
    bname = op.kernel_name.replace("broadcast_", "")
    r = getattr(mx.nd, name)(mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64"))
    np.testing.assert_allclose(r.asnumpy(), BINARY[bname](a, b), rtol=1e-12)
    with pytest.raises(mx.MXNetError, match=r"expected \[4,3\], got \[1,3\]"):
        getattr(mx.nd, name)(mx.nd.array(a), mx.nd.array(b[:1]))


@pytest.mark.parametrize("name", [n for n in BCAST_OPS if _bname(n) in BINARY_GRAD])
def test_binary_fused_backward(name):
    op = OP_LIST[name]
    rng = np.random.RandomState(4)
    for sa, sb in SHAPES[:4]:
        a, b = _draw(rng, op, sa, 0), _draw(rng, op, sb, 1)
        out_shape = np.broadcast_shapes(sa, sb)
        dy = rng.standard_normal(out_shape)
        va, vb = mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64")
        va.attach_grad()
        vb.attach_grad()
        with autograd.record():
            y = getattr(mx.nd, name)(va, vb)
        y.backward(mx.nd.array(dy, dtype="float64"), retain_graph=True)
        ga, gb = BINARY_GRAD[_bname(name)]
        A, B = np.broadcast_to(a, out_shape), np.broadcast_to(b, out_shape)
        ref_a = _sum_to(dy * ga(A, B), sa)
        ref_b = _sum_to(dy * gb(A, B), sb)
        np.testing.assert_allclose(va.grad.asnumpy(), ref_a, rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(vb.grad.asnumpy(), ref_b, rtol=1e-10, atol=1e-12)
        da, db = autograd.grad(y, [va, vb], head_grads=mx.nd.array(dy, dtype="float64"),
                               create_graph=True)
        np.testing.assert_allclose(da.asnumpy(), va.grad.asnumpy(), rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(db.asnumpy(), vb.grad.asnumpy(), rtol=1e-12, atol=1e-14)


def _sum_to(g, shape):
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, d in enumerate(shape)
                                      if d == 1 and g.shape[lead + i] != 1)
    return g.sum(axis=axes).reshape(shape)


@pytest.mark.parametrize("name", SCALAR_OPS)
def test_scalar_ops(name):
    op = OP_LIST[name]
    s = op.test.get("scalar", 1.7)
    rng = np.random.RandomState(5)
    x = _draw(rng, op, (6,))
    if "equal" in name:
        x[:2] = s
    ref, dref = SCALAR[name]
    fn = getattr(mx.nd, name)
    for dtype in ("float32", "float64"):
        xs = x.astype(dtype).astype(np.float64)
        sc = float(np.dtype(dtype).type(s))
        r = fn(mx.nd.array(x, dtype=dtype), scalar=s)
        np.testing.assert_allclose(r.asnumpy(), ref(xs, sc), **TOL[dtype])
    if dref is not None:
        xv = mx.nd.array(x, dtype="float64")
        xv.attach_grad()
        dy = rng.standard_normal(6)
        with autograd.record():
            y = fn(xv, scalar=s)
        y.backward(mx.nd.array(dy, dtype="float64"))
        np.testing.assert_allclose(xv.grad.asnumpy(), dy * dref(x, s), rtol=1e-10, atol=1e-12)


def test_clip():
    x = mx.nd.array([-2.0, -1.0, 0.0, 0.5, 1.0, 3.0, np.nan])
    assert np.array_equal(mx.nd.clip(x, -1, 1).asnumpy(),
                          np.array([-1, -1, 0, 0.5, 1, 1, np.nan], np.float32), equal_nan=True)
    v = mx.nd.array([-1.0, 0.0, 1.0, 2.0])
    v.attach_grad()
    with autograd.record():
        y = mx.nd.clip(v, 0, 1)
    y.backward()
    assert v.grad.asnumpy().tolist() == [0.0, 1.0, 1.0, 0.0]  # MXNet: bounds inclusive


def test_mxnet_rounding_and_nan_rules():
    """Literals from MXNet 1.9.1."""
    x = mx.nd.array([0.5, 1.5, -0.5, -1.5, 2.5, -2.6, 0.49999997])
    assert mx.nd.round(x).asnumpy().tolist() == [1, 2, -1, -2, 3, -3, 0]
    assert mx.nd.rint(x).asnumpy().tolist() == [0, 1, -1, -2, 2, -3, 0]
    assert mx.nd.fix(x).asnumpy().tolist() == [0, 1, 0, -1, 2, -2, 0]
    n = mx.nd.array([np.nan, -1, 0])
    assert np.isnan(mx.nd.relu(n).asnumpy()[0]) and mx.nd.sign(n).asnumpy().tolist() == [0, -1, 0]
    assert np.isnan(mx.nd.maximum(n, 0).asnumpy()[0])
    a = mx.nd.array([-5.5, 5.5, -3, 3])
    b = mx.nd.array([2, -2, 0, 0])
    assert (a % b).asnumpy().tolist() == [0.5, -0.5, 0, 0]
    assert (5.5 % mx.nd.array([2, -2, 0])).asnumpy().tolist() == [1.5, -0.5, 0]


def test_integer_dtypes_follow_mxnet():
    """MXNet computes non-integer ops on integers in floating point and truncates."""
    i = mx.nd.array([4, 9, -7], dtype="int32")
    assert mx.nd.sqrt(i).asnumpy().tolist()[:2] == [2, 3]
    assert mx.nd.exp(i).asnumpy().tolist()[:2] == [54, 8103]
    assert (i / 2).asnumpy().tolist() == [2, 4, -3]
    assert (i % 3).asnumpy().tolist() == [1, 0, 2]
    assert (i * 2.5).asnumpy().tolist() == [8, 18, -14]  # the scalar is cast to int32 first
    assert (mx.nd.array([-5, 5], dtype="int32") % mx.nd.array([2, -2], dtype="int32")
            ).asnumpy().tolist() == [1, -1]
    d = mx.nd.array([-3, 0, 4], dtype="int32")
    assert mx.nd.degrees(d).asnumpy().tolist() == [-171, 0, 229]
    assert (2 ** d).asnumpy().tolist() == [0, 1, 16]
    for dt in ("int8", "uint8", "int32", "int64"):
        x = mx.nd.array([1, 2, 3], dtype=dt)
        assert (x + x).dtype == np.dtype(dt).type
        assert (x * x).asnumpy().tolist() == [1, 4, 9]
        assert mx.nd.square(x).asnumpy().tolist() == [1, 4, 9]
        assert (x > 1).asnumpy().tolist() == [0, 1, 1]


@pytest.mark.parametrize("name", ["exp", "log", "tanh", "sigmoid", "sqrt", "square", "relu"])
def test_float16(name):
    rng = np.random.RandomState(6)
    x = _draw(rng, OP_LIST[name], (50,)).astype(np.float16)
    y = getattr(mx.nd, name)(mx.nd.array(x, dtype="float16"))
    assert y.dtype == np.float16
    ref = UNARY[name](x.astype(np.float64))
    np.testing.assert_allclose(y.asnumpy().astype(np.float64), ref, rtol=1e-3, atol=1e-3)


def test_float16_arithmetic_is_bit_exact():
    """One float32 op and one rounding equal NumPy's float16 result."""
    rng = np.random.RandomState(7)
    a = (rng.standard_normal(1000) * 100).astype(np.float16)
    b = (rng.standard_normal(1000) * 100).astype(np.float16)
    A, B = mx.nd.array(a, dtype="float16"), mx.nd.array(b, dtype="float16")
    for got, ref in ((A + B, a + b), (A - B, a - b), (A * B, a * b), (A / B, a / b)):
        assert np.array_equal(got.asnumpy().view(np.uint16), ref.view(np.uint16))


@hsettings(max_examples=25, deadline=None)
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=5, max_side=3),
       op=st.sampled_from(["broadcast_add", "broadcast_mul", "broadcast_sub", "broadcast_maximum"]))
def test_broadcasting_property(shapes, op):
    (sa, sb), out = shapes.input_shapes, shapes.result_shape
    if not sa or not sb or 0 in out:
        return
    rng = np.random.RandomState(0)
    a, b = rng.standard_normal(sa), rng.standard_normal(sb)
    r = getattr(mx.nd, op)(mx.nd.array(a, dtype="float64"), mx.nd.array(b, dtype="float64"))
    assert r.shape == out
    np.testing.assert_allclose(r.asnumpy(), BINARY[_bname(op)](a, b), rtol=1e-12)


@pytest.fixture
def parallel():
    old = settings.par_min
    settings.par_min = 0
    yield
    settings.par_min = old


def test_parallel_equals_serial(parallel):
    rng = np.random.RandomState(8)
    x = mx.nd.array(rng.standard_normal(70001))
    y = mx.nd.array(rng.standard_normal((7, 1)))
    z = mx.nd.array(rng.standard_normal((7, 10001)))
    par = [mx.nd.exp(x), mx.nd.sigmoid(x), x * 3, z + y, z * z]
    settings.par_min = 1 << 62
    ser = [mx.nd.exp(x), mx.nd.sigmoid(x), x * 3, z + y, z * z]
    for p, s in zip(par, ser):
        assert np.array_equal(p.asnumpy(), s.asnumpy())


def test_bad_input_errors():
    a = mx.nd.ones((2, 3))
    with pytest.raises(mx.MXNetError, match=r"operands could not be broadcast together with "
                                            r"shapes \[2,3\] \[3,2\]"):
        a + mx.nd.ones((3, 2))
    with pytest.raises(mx.MXNetError, match="expected int32, got float32"):
        mx.nd.ones((2,), dtype="int32") + mx.nd.ones((2,))
    with pytest.raises(mx.MXNetError, match="same context"):
        mx.nd.ones((2,)) + mx.nd.ones((2,), ctx=mx.cpu(1))
    with pytest.raises(AssertionError, match="Argument data must have NDArray type"):
        mx.nd.exp(np.ones(2))
    with pytest.raises(AssertionError, match="Argument rhs must have NDArray type"):
        mx.nd.elemwise_add(a, [1, 2, 3])
    with pytest.raises(mx.MXNetError, match="not supported"):
        mx.nd.ones((2,), dtype="int16")


def test_failed_op_leaves_out_untouched():
    out = mx.nd.array([7.0, 7.0, 7.0])
    with pytest.raises(mx.MXNetError):
        mx.nd.exp(mx.nd.ones((2,)), out=out)
    assert out.asnumpy().tolist() == [7, 7, 7]
    r = mx.nd.exp(mx.nd.zeros((3,)), out=out)
    assert r is out and out.asnumpy().tolist() == [1, 1, 1]


def test_where():
    rng = np.random.RandomState(9)
    c = (rng.rand(3, 4) > 0.5).astype(np.float32)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    X, Y = mx.nd.array(x, dtype="float64"), mx.nd.array(y, dtype="float64")
    r = mx.nd.where(mx.nd.array(c), X, Y)
    np.testing.assert_array_equal(r.asnumpy(), np.where(c != 0, x, y))
    rows = mx.nd.where(mx.nd.array([1, 0, 3], dtype="int32"), X, Y)
    np.testing.assert_array_equal(rows.asnumpy(), np.where(np.array([1, 0, 1])[:, None], x, y))
    X.attach_grad()
    Y.attach_grad()
    dy = rng.standard_normal((3, 4))
    with autograd.record():
        z = mx.nd.where(mx.nd.array(c), X, Y)
    z.backward(mx.nd.array(dy, dtype="float64"))
    np.testing.assert_array_equal(X.grad.asnumpy(), np.where(c != 0, dy, 0))
    np.testing.assert_array_equal(Y.grad.asnumpy(), np.where(c != 0, 0, dy))
    with pytest.raises(mx.MXNetError, match="where"):
        mx.nd.where(mx.nd.ones((2,)), X, Y)
