"""Embedding, SoftmaxOutput and softmax_cross_entropy on mx.gpu() through their CUDA kernels.

Gradients are bit-equal to the CPU's: Embedding's scatter sums each row's dy rows in the CPU's
order, and SoftmaxOutput's / softmax_cross_entropy's backward are elementwise in the CPU's
arithmetic. Forward softmaxes use device reductions (another summation order than the CPU
kernel's), so they are compared with tight tolerances; so are the losses.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_launch

GPU, CPU = mx.gpu(0), mx.cpu(0)
GUARDED = {"Embedding", "_embedding_backward", "SoftmaxOutput", "softmax_cross_entropy",
           "softmax", "sum", "_sum_to"}
TOL = {np.float16: (1e-3, 1e-4), np.float32: (2e-6, 1e-7), np.float64: (1e-13, 1e-15)}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    """Fail if one of the ops under test runs through the host."""
    host_guard(GUARDED)


def _run(ctx, fn, x, label, dy, dtype):
    """(y, x.grad) of fn(x, label) on ctx, with head gradient dy."""
    a = mx.nd.array(x, ctx=ctx, dtype=dtype)
    lab = mx.nd.array(label, ctx=ctx, dtype=label.dtype)
    a.attach_grad()
    with mx.autograd.record():
        y = fn(a, lab)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dtype))
    assert a.grad.context == ctx
    return y.asnumpy(), a.grad.asnumpy()


def _same(got, want):
    assert got.dtype == want.dtype and got.shape == want.shape
    np.testing.assert_array_equal(got.view(np.uint8), want.view(np.uint8))


# ---------------------------------------------------------------- Embedding

IDX = np.array([[3., 1.], [np.nan, 2.5], [-0.5, 1e10], [3.99, 1.], [3., -7.], [1., 1.]])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_embedding_gpu_equals_cpu(dtype):
    w = np.random.RandomState(0).uniform(-1, 1, (5, 3)).astype(dtype)
    dy = np.random.RandomState(1).uniform(-1, 1, IDX.shape + (3,)).astype(dtype)
    res = {}
    for ctx in (GPU, CPU):
        res[ctx] = _run(ctx, lambda a, lab: mx.nd.Embedding(lab, a, input_dim=5, output_dim=3),
                        w, IDX.astype(np.float32), dy, dtype)
    for g, c in zip(res[GPU], res[CPU]):
        _same(g, c)  # a gather, and sums in the CPU's order: bit for bit
    ref = w.astype(np.float64)[[[3, 1], [0, 2], [0, 4], [3, 1], [3, 0], [1, 1]]]
    np.testing.assert_array_equal(res[GPU][0], ref.astype(dtype))
    dw = np.zeros((5, 3))
    np.add.at(dw, np.array([3, 1, 0, 2, 0, 4, 3, 1, 3, 0, 1, 1]), dy.reshape(-1, 3))
    np.testing.assert_allclose(res[GPU][1], dw, **dict(zip(("rtol", "atol"), TOL[dtype])),
                               err_msg="scatter-add vs float64")


def test_embedding_many_repeats_and_sparse_grad():
    """Long runs of one row (sums order-sensitive in float32); sparse_grad gives the dense grad."""
    rng = np.random.RandomState(2)
    idx = rng.randint(0, 3, (40,)).astype(np.float32)
    w = rng.uniform(-1, 1, (4, 2)).astype(np.float32)
    dy = (rng.uniform(-1, 1, (40, 2)) * 10 ** rng.uniform(-4, 4, (40, 1))).astype(np.float32)
    fn = lambda a, lab: mx.nd.Embedding(lab, a, input_dim=4, output_dim=2,  # noqa: E731
                                        sparse_grad=True)
    g, c = _run(GPU, fn, w, idx, dy, np.float32), _run(CPU, fn, w, idx, dy, np.float32)
    _same(g[1], c[1])
    assert not g[1][3].any()  # row 3 is never picked


def test_embedding_data_gets_zero_grad_and_int_data():
    d = mx.nd.array([[2, 0]], ctx=GPU, dtype="int32")
    w = mx.nd.array(np.arange(6.).reshape(3, 2), ctx=GPU)
    d.attach_grad()
    w.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Embedding(d, w, input_dim=3, output_dim=2)
    y.backward()
    np.testing.assert_array_equal(y.asnumpy(), [[[4, 5], [0, 1]]])
    np.testing.assert_array_equal(w.grad.asnumpy(), [[1, 1], [0, 0], [1, 1]])
    assert d.grad.context == GPU and not d.grad.asnumpy().any()


def test_embedding_second_order_stays_on_device():
    idx = np.array([1., 0., 1., 3.])
    w = np.random.RandomState(3).uniform(-1, 1, (4, 3))

    def second(ctx):
        a = mx.nd.array(w, ctx=ctx, dtype="float64")
        a.attach_grad()
        d = mx.nd.array(idx, ctx=ctx)
        with mx.autograd.record():
            y = mx.nd.Embedding(d, a, input_dim=4, output_dim=3)
            (g,) = mx.autograd.grad(mx.nd.sum(y * y * y), [a], create_graph=True)
            z = mx.nd.sum(g * g)
        z.backward()
        assert a.grad.context == ctx
        return g.asnumpy(), a.grad.asnumpy()

    for u, v in zip(second(GPU), second(CPU)):
        _same(u, v)


def test_embedding_backward_op():
    g = np.random.RandomState(4).uniform(-1, 1, (2, 2, 3)).astype(np.float32)
    data = np.array([[0., 3.], [1., 0.]], np.float32)
    dy = np.random.RandomState(5).uniform(-1, 1, (4, 3)).astype(np.float32)
    fn = lambda a, lab: mx.nd._embedding_backward(a, lab, input_dim=4,  # noqa: E731
                                                  output_dim=3)
    for u, v in zip(_run(GPU, fn, g, data, dy, np.float32), _run(CPU, fn, g, data, dy,
                                                                  np.float32)):
        _same(u, v)


# ---------------------------------------------------------------- SoftmaxOutput

# (data shape, label, attrs): labels with repeats, ignore_label hits, out of range, fractions
SO_CASES = [
    ((3, 4), [1., 3.7, -1.], {}),
    ((3, 4), [1., 9., -1.], {"use_ignore": True, "normalization": "valid", "grad_scale": 0.7}),
    ((3, 4), [-1., -1., -1.], {"use_ignore": True, "normalization": "valid"}),
    ((3, 4), [0., 2., -1.], {"normalization": "valid"}),  # counts ignore_label without use_ignore
    ((3, 4), [0., 2., 2.], {"normalization": "batch", "smooth_alpha": 0.1, "grad_scale": -2.}),
    ((3, 4), [0., 2., 1.], {"out_grad": True, "ignore_label": 2., "use_ignore": True}),
    ((3, 1), [0., 0., 1.], {"smooth_alpha": 0.3}),
    ((2, 3, 2), [[0., 2.], [1., -1.]], {"multi_output": True}),
    ((2, 3, 2), [[0., 2.], [1., -1.]], {"multi_output": True, "normalization": "batch",
                                          "use_ignore": True, "out_grad": True}),
    ((2, 3, 2, 1), [[[0.], [5.]], [[1., ], [-1.]]], {"multi_output": True,
                                                     "normalization": "valid", "use_ignore": True,
                                                     "smooth_alpha": 0.2}),
    ((2, 3, 2), [[0., 1., 1.], [1., 0., 5.]], {"preserve_shape": True, "normalization": "batch"}),
    ((2, 2, 3), [[0., 2.], [1., 0.]], {}),  # softmax over (2, 3), gradient by rows of 3
]


@pytest.mark.parametrize("shape,label,attrs", SO_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_softmax_output_gpu_equals_cpu(shape, label, attrs, dtype):
    rng = np.random.RandomState(6)
    x = rng.uniform(-2, 2, shape).astype(dtype)
    dy = rng.uniform(-1, 1, shape).astype(dtype)
    label = np.array(label, dtype)
    fn = lambda a, lab: mx.nd.SoftmaxOutput(a, lab, **attrs)  # noqa: E731
    (yg, gg), (yc, gc) = _run(GPU, fn, x, label, dy, dtype), _run(CPU, fn, x, label, dy, dtype)
    rtol, atol = TOL[dtype]
    np.testing.assert_allclose(yg, yc, rtol=rtol, atol=atol)
    assert yg.dtype == yc.dtype
    # The gradient reads the forward's output: fed the CPU's, it gives the CPU's bit for bit.
    _same_given_output(attrs, x, label, dy, yc, gc)
    np.testing.assert_allclose(gg, gc, rtol=rtol * 10, atol=atol * 10)


def _same_given_output(attrs, x, label, dy, yc, gc):
    """SoftmaxOutput's device backward on the CPU's forward output gives the CPU's gradient."""
    from mxnb.kernels import cuda_loss
    from mxnb.ops import OPS

    name = "SoftmaxOutput"
    op = OPS[name]
    full = dict(op.attrs)
    full.update(attrs)
    outs = [cuda_launch.to_device(yc)]
    ins = [cuda_launch.to_device(x), cuda_launch.to_device(label)]
    dys = [cuda_launch.to_device(dy)]
    (dx, dl) = cuda_loss.BACKWARD[name](op, dys, ins, outs, full)
    assert dl is None
    _same(dx.copy_to_host(), gc)


def test_softmax_output_float16_and_alias():
    rng = np.random.RandomState(7)
    x = rng.uniform(-2, 2, (3, 4)).astype(np.float16)
    label = np.array([1., 3., 0.], np.float16)
    dy = np.ones((3, 4), np.float16)
    fn = lambda a, lab: mx.nd.Softmax(a, lab, grad_scale=0.3)  # noqa: E731
    (yg, gg), (yc, gc) = _run(GPU, fn, x, label, dy, np.float16), \
        _run(CPU, fn, x, label, dy, np.float16)
    np.testing.assert_allclose(yg, yc, rtol=1e-3, atol=1e-4)
    _same_given_output({"grad_scale": 0.3}, x, label, dy, yc, gc)
    np.testing.assert_allclose(gg, gc, rtol=1e-2, atol=1e-3)


def test_softmax_output_second_order():
    x = np.random.RandomState(8).uniform(-1, 1, (2, 3))
    label = np.array([2., 0.])

    def second(ctx):
        a = mx.nd.array(x, ctx=ctx, dtype="float64")
        lab = mx.nd.array(label, ctx=ctx, dtype="float64")
        a.attach_grad()
        with mx.autograd.record():
            y = mx.nd.SoftmaxOutput(a, lab, grad_scale=0.5)
            (g,) = mx.autograd.grad(y, [a], create_graph=True)
            z = mx.nd.sum(g * g)
        z.backward()
        assert a.grad.context == ctx
        return g.asnumpy(), a.grad.asnumpy()

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-15)


# ---------------------------------------------------------------- softmax_cross_entropy


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_softmax_cross_entropy_gpu_equals_cpu(dtype):
    rng = np.random.RandomState(9)
    x = rng.uniform(-3, 3, (5, 4)).astype(dtype)
    x[4, 1] = 40  # p[4, 0] underflows: the loss clips it at 1e-8
    label = np.array([3., 0., 1.5, 7., 0.], dtype)  # 7: out of range picks 0
    dy = np.array([0.7], dtype)
    fn = mx.nd.softmax_cross_entropy
    (lg, gg), (lc, gc) = _run(GPU, fn, x, label, dy, dtype), _run(CPU, fn, x, label, dy, dtype)
    rtol, atol = TOL[dtype]
    assert lg.shape == (1,) and lg.dtype == lc.dtype
    np.testing.assert_allclose(lg, lc, rtol=rtol, atol=atol)
    np.testing.assert_allclose(gg, gc, rtol=rtol * 10, atol=atol * 10)
    # the backward kernel alone, on the CPU's softmax, is bit-equal
    from mxnb.kernels import cuda_loss
    from mxnb.ops import OPS

    p = mx.nd.softmax(mx.nd.array(x, dtype=dtype)).asnumpy()
    dx, dl = cuda_loss.BACKWARD["softmax_cross_entropy"](
        OPS["softmax_cross_entropy"], [cuda_launch.to_device(dy), cuda_launch.to_device(p)],
        [cuda_launch.to_device(x), cuda_launch.to_device(label)],
        [cuda_launch.to_device(lc), cuda_launch.to_device(p)], {})
    want = (p - (np.arange(4) == np.trunc(label.astype(np.float64))[:, None])) * dy.reshape(1, 1)
    _same(dx.copy_to_host(), want.astype(dtype, copy=False))
    ref = -np.sum(np.log(np.maximum(np.where(
        np.arange(4) == np.array([3, 0, 1, 7, 0])[:, None], p.astype(np.float64), 0).sum(1),
        1e-8)))
    np.testing.assert_allclose(lg[0], ref, rtol=rtol, atol=atol)


def test_softmax_cross_entropy_second_order():
    x = np.random.RandomState(10).uniform(-1, 1, (3, 4))
    label = np.array([2., 0., 3.])

    def second(ctx):
        a = mx.nd.array(x, ctx=ctx, dtype="float64")
        lab = mx.nd.array(label, ctx=ctx, dtype="float64")
        a.attach_grad()
        with mx.autograd.record():
            y = mx.nd.softmax_cross_entropy(a, lab)
            (g,) = mx.autograd.grad(y, [a], create_graph=True)
            z = mx.nd.sum(g * g)
        z.backward()
        assert a.grad.context == ctx
        return g.asnumpy(), a.grad.asnumpy()

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-13, atol=1e-15)
