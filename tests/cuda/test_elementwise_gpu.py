"""Every elementwise op of the table on mx.gpu(), forward and fused backward, against the CPU.

Under the simulator float32 kernels compute in double and round on store, so
results match the CPU's float32 kernels within a few ulp, not bit for bit.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.ops import OPS

GPU = mx.gpu(0)
CPU = mx.cpu(0)
KINDS = ("unary", "scalar", "broadcast", "elemwise")
ELEMENTWISE = sorted({op.name: op for op in OPS.values() if op.kind in KINDS}.values(),
                     key=lambda op: op.name)
EXTRA_ATTRS = {"clip": {"a_min": -0.5, "a_max": 0.7}}
RTOL, ATOL = 2e-5, 2e-6


def _attrs(op):
    """The op's call attributes from its table entry (`test["attrs"]`, or attr-named keys)."""
    names = {n for n, _ in op.attrs}
    attrs = {k: v for k, v in op.attrs if v is not None}
    attrs.update(op.test.get("attrs", {}))
    attrs.update({k: v for k, v in op.test.items() if k in names})
    for k, v in EXTRA_ATTRS.get(op.name, {}).items():
        attrs.setdefault(k, v)
    return attrs


def _domain(op, i):
    d = op.test.get("domain", op.domain)
    return d[i] if isinstance(d[0], tuple) else d


def _host_inputs(op, shapes, dtype, seed):
    rng = np.random.RandomState(seed)
    return [rng.uniform(*_domain(op, i), size=s).astype(dtype) for i, s in enumerate(shapes)]


def _run(op, hosts, ctx, dy=None, grads=True):
    """(forward result, input gradients) of `op` on `ctx`, as NumPy arrays."""
    xs = [mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts]
    fn = getattr(mx.nd, op.name)
    if not grads:
        return fn(*xs, **_attrs(op)).asnumpy(), None
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs, **_attrs(op))
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype))
    for x in xs:
        assert x.grad.context == ctx
    return y.asnumpy(), [x.grad.asnumpy() for x in xs]


def _has_grad(op):
    return op.backward is not None and not op.zero_grad


def _shapes(op, broadcast=False):
    if op.kind in ("unary", "scalar"):
        return [(2, 5)]
    return [(2, 1, 3), (4, 3)] if broadcast else [(2, 5), (2, 5)]


@pytest.mark.parametrize("op", ELEMENTWISE, ids=lambda op: op.name)
def test_forward_and_fused_backward_match_cpu(op):
    hosts = _host_inputs(op, _shapes(op), np.float32, seed=len(op.name))
    dy = np.random.RandomState(1).uniform(-1, 1, size=(2, 5)).astype(np.float32)
    grads = _has_grad(op)
    y_cpu, g_cpu = _run(op, hosts, CPU, dy, grads)
    y_gpu, g_gpu = _run(op, hosts, GPU, dy, grads)
    assert y_gpu.dtype == y_cpu.dtype and y_gpu.shape == y_cpu.shape
    np.testing.assert_allclose(y_gpu, y_cpu, rtol=RTOL, atol=ATOL, err_msg=op.name)
    if grads:
        for a, b in zip(g_gpu, g_cpu):
            np.testing.assert_allclose(a, b, rtol=RTOL, atol=ATOL, err_msg=op.name)


BROADCAST = [op for op in ELEMENTWISE if op.kind == "broadcast"]


@pytest.mark.parametrize("op", BROADCAST, ids=lambda op: op.name)
def test_broadcasting_forward_and_backward(op):
    hosts = _host_inputs(op, _shapes(op, broadcast=True), np.float32, seed=3)
    dy = np.random.RandomState(2).uniform(-1, 1, size=(2, 4, 3)).astype(np.float32)
    grads = _has_grad(op)
    y_cpu, g_cpu = _run(op, hosts, CPU, dy, grads)
    y_gpu, g_gpu = _run(op, hosts, GPU, dy, grads)
    assert y_gpu.shape == (2, 4, 3)
    np.testing.assert_allclose(y_gpu, y_cpu, rtol=RTOL, atol=ATOL)
    if grads:  # un-broadcast on the device (the sum_to kernel)
        assert g_gpu[0].shape == (2, 1, 3) and g_gpu[1].shape == (4, 3)
        for a, b in zip(g_gpu, g_cpu):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_broadcast_over_four_compacted_dims_materialises():
    a = np.arange(8, dtype=np.float32).reshape(2, 1, 2, 1, 2)
    b = np.arange(4, dtype=np.float32).reshape(1, 2, 1, 2, 1) + 1
    dy = np.ones((2, 2, 2, 2, 2), np.float32)
    op = OPS["broadcast_mul"]
    y, (ga, gb) = _run(op, [a, b], GPU, dy)
    np.testing.assert_array_equal(y, a * b)
    np.testing.assert_array_equal(ga, np.broadcast_to(b, y.shape).sum(axis=(1, 3), keepdims=True))
    np.testing.assert_array_equal(gb, np.broadcast_to(a, y.shape).sum(axis=(0, 2, 4),
                                                                      keepdims=True))


SAMPLE = ["exp", "sigmoid", "relu", "abs", "round", "clip", "_rdiv_scalar", "_power_scalar",
          "broadcast_add", "broadcast_div", "broadcast_maximum", "broadcast_mod"]


@pytest.mark.parametrize("dtype", ["float64", "float16"])
@pytest.mark.parametrize("name", SAMPLE)
def test_other_float_dtypes_against_numpy_reference(name, dtype):
    op = OPS[name]
    hosts = _host_inputs(op, _shapes(op), dtype, seed=5)
    y = _run(op, hosts, GPU, grads=False)[0]
    assert y.dtype == np.dtype(dtype)
    # The reference: the CPU float64 kernel on the same (rounded) inputs, rounded to dtype.
    ref = _run(op, [h.astype(np.float64) for h in hosts], CPU, grads=False)[0].astype(dtype)
    tol = dict(rtol=2e-3, atol=2e-3) if dtype == "float16" else dict(rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(y.astype(np.float64), ref.astype(np.float64), **tol)


EXACT = ["negative", "square", "abs", "sign", "relu", "clip", "_plus_scalar", "_mul_scalar",
         "_mod_scalar", "broadcast_add", "broadcast_mul", "broadcast_sub", "broadcast_maximum",
         "broadcast_equal", "broadcast_logical_xor", "exp", "sqrt", "_div_scalar"]


INT_CASES = [(n, "int32") for n in EXACT] + [
    (n, d) for n in ("broadcast_add", "relu", "_mul_scalar", "exp") for d in ("int64", "uint8",
                                                                          "int8")]


@pytest.mark.parametrize("name,dtype", INT_CASES)
def test_integer_dtypes_equal_cpu(name, dtype):
    op = OPS[name]
    rng = np.random.RandomState(7)
    lo = 0 if dtype == "uint8" else -4
    # Values whose results fit the dtype: an overflowing float -> int store is undefined in C,
    # MXNet and CUDA alike (and the simulator raises on it).
    hosts = [rng.randint(lo, 5, size=s).astype(dtype) for s in _shapes(op)]
    if name in ("_mod_scalar", "sqrt", "exp"):
        hosts = [np.abs(h).astype(dtype) for h in hosts]
    y_gpu = _run(op, hosts, GPU, grads=False)[0]
    y_cpu = _run(op, hosts, CPU, grads=False)[0]
    assert y_gpu.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(y_gpu, y_cpu)


def test_where_cast_transpose_broadcast_to_on_device():
    rng = np.random.RandomState(0)
    c = (rng.uniform(size=(3, 4)) > 0.5).astype(np.float32)
    x, y = rng.standard_normal((2, 3, 4)).astype(np.float32)
    gx, gy, gc = (mx.nd.array(a, ctx=GPU) for a in (x, y, c))
    np.testing.assert_array_equal(mx.nd.where(gc, gx, gy).asnumpy(), np.where(c != 0, x, y))
    rows = mx.nd.array([1, 0, 1], ctx=GPU)
    np.testing.assert_array_equal(mx.nd.where(rows, gx, gy).asnumpy(),
                                  np.where(np.array([1, 0, 1])[:, None] != 0, x, y))
    np.testing.assert_array_equal(gx.astype("int32").asnumpy(), x.astype(np.int32))
    np.testing.assert_array_equal(gx.astype("float16").asnumpy(), x.astype(np.float16))
    t = mx.nd.array(rng.standard_normal((2, 3, 4)), ctx=GPU)
    np.testing.assert_array_equal(mx.nd.transpose(t, axes=(1, 2, 0)).asnumpy(),
                                  t.asnumpy().transpose(1, 2, 0))
    b = mx.nd.array([[1.0], [2.0]], ctx=GPU).broadcast_to((2, 3))
    np.testing.assert_array_equal(b.asnumpy(), [[1, 1, 1], [2, 2, 2]])
    assert b.context == GPU and not isinstance(b._data, np.ndarray)


def test_where_and_transpose_gradients_on_device():
    rng = np.random.RandomState(1)
    c = mx.nd.array([[1, 0, 1], [0, 0, 1]], ctx=GPU)
    x = mx.nd.array(rng.standard_normal((2, 3)), ctx=GPU)
    y = mx.nd.array(rng.standard_normal((2, 3)), ctx=GPU)
    x.attach_grad()
    y.attach_grad()
    with mx.autograd.record():
        z = mx.nd.transpose(mx.nd.where(c, x, y)) * 3
    z.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), 3 * c.asnumpy())
    np.testing.assert_array_equal(y.grad.asnumpy(), 3 * (1 - c.asnumpy()))
