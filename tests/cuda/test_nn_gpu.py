"""softmax, log_softmax, LayerNorm, Pooling, Convolution and Deconvolution on mx.gpu() through
their CUDA kernels: forward against float64 NumPy and the CPU, fused backward against the CPU,
second order through the VJPs (which run the gradient ops' kernels), and no host round trip.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_reduce

GPU, CPU = mx.gpu(0), mx.cpu(0)
GUARDED = {"softmax", "log_softmax", "LayerNorm", "Pooling", "_pooling_backward", "_pooling_gather",
           "Convolution", "Deconvolution", "_conv_wgrad", "sum", "_sum_to"}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    """Fail if one of the ops under test runs through the host (others, like reshape, may)."""
    host_guard(GUARDED)


def _run(ctx, fn, hosts, seed=9):
    xs = [mx.nd.array(h, ctx=ctx, dtype=h.dtype) for h in hosts]
    for x in xs:
        x.attach_grad()
    with mx.autograd.record():
        y = fn(*xs)
    dy = np.random.RandomState(seed).uniform(-1, 1, y.shape).astype(y.dtype)
    y.backward(mx.nd.array(dy, ctx=ctx, dtype=dy.dtype))
    for x in xs:
        assert x.grad.context == ctx
    return y.asnumpy(), [x.grad.asnumpy() for x in xs], dy


def _compare(fn, hosts, ref=None, rtol=2e-5, atol=2e-6):
    """GPU vs CPU (forward and gradients), and the forward vs a float64 reference."""
    y_g, g_g, dy = _run(GPU, fn, hosts)
    y_c, g_c, _ = _run(CPU, fn, hosts)
    assert y_g.shape == y_c.shape and y_g.dtype == y_c.dtype
    np.testing.assert_allclose(y_g, y_c, rtol=rtol, atol=atol)
    for a, b in zip(g_g, g_c):
        np.testing.assert_allclose(a, b, rtol=rtol, atol=atol)
    if ref is not None:
        np.testing.assert_allclose(y_g, ref(*[h.astype(np.float64) for h in hosts]), rtol=rtol,
                                   atol=atol)
    return g_g, dy


# ---------------------------------------------------------------- softmax


def _softmax_ref(x, axis, t=1.0, log=False):
    z = (x - x.max(axis=axis, keepdims=True)) / t
    lse = np.log(np.exp(z).sum(axis=axis, keepdims=True))
    return z - lse if log else np.exp(z - lse)


@pytest.mark.parametrize("name", ["softmax", "log_softmax"])
@pytest.mark.parametrize("shape,attrs", [((2, 5, 3), {"axis": 1, "temperature": 1.7}),
                                         ((3, 6), {}), ((4, 3), {"axis": 0})],
                         ids=lambda v: str(v))
def test_softmax_forward_backward(name, shape, attrs):
    x = np.random.RandomState(len(shape)).uniform(-3, 3, shape).astype(np.float32)
    log = name == "log_softmax"
    axis, t = attrs.get("axis", -1), attrs.get("temperature", 1.0)
    g, dy = _compare(lambda a: getattr(mx.nd, name)(a, **attrs), [x],
                     lambda a: _softmax_ref(a, axis, t, log))
    y = _softmax_ref(x.astype(np.float64), axis, t, log)
    d = dy.astype(np.float64)
    want = (d - np.exp(y) * d.sum(axis=axis, keepdims=True)) / t if log else \
        y * (d - (d * y).sum(axis=axis, keepdims=True)) / t
    np.testing.assert_allclose(g[0], want, rtol=1e-5, atol=1e-6)


def test_softmax_long_axis_over_several_passes_and_dtypes(monkeypatch):
    monkeypatch.setattr(cuda_reduce, "ROWS", 4)  # the max and the sum take 3 launches each
    x = np.random.RandomState(2).uniform(-20, 20, (3, 45)).astype(np.float32)
    _compare(lambda a: mx.nd.softmax(a, temperature=0.5), [x], lambda a: _softmax_ref(a, -1, 0.5))
    _compare(lambda a: mx.nd.log_softmax(a, axis=0), [x.T.copy()],
             lambda a: _softmax_ref(a, 0, log=True))
    _compare(lambda a: mx.nd.softmax(a, dtype="float64"), [x[:2, :7].copy()],
             lambda a: _softmax_ref(a, -1))
    _compare(lambda a: mx.nd.softmax(a), [x[:2, :7].astype(np.float64)],
             lambda a: _softmax_ref(a, -1), rtol=1e-12, atol=1e-14)


# ---------------------------------------------------------------- LayerNorm


def _ln_ref(x, gamma, beta, axis, eps):
    mu = x.mean(axis=axis, keepdims=True)
    sd = np.sqrt(((x - mu) ** 2).mean(axis=axis, keepdims=True) + eps)
    shape = [1] * x.ndim
    shape[axis] = -1
    return (x - mu) / sd * gamma.reshape(shape) + beta.reshape(shape), mu, sd


@pytest.mark.parametrize("axis,shape", [(-1, (4, 6)), (1, (2, 5, 3)), (0, (45, 2))])
def test_layer_norm(monkeypatch, axis, shape):
    monkeypatch.setattr(cuda_reduce, "ROWS", 16)  # the 45-long axis takes two launches
    rng = np.random.RandomState(len(shape) + axis)
    n = shape[axis]
    hs = [rng.uniform(-2, 2, shape), rng.uniform(0.5, 1.5, n), rng.uniform(-1, 1, n)]
    hs = [h.astype(np.float32) for h in hs]
    _compare(lambda *a: mx.nd.LayerNorm(*a, axis=axis, eps=1e-4), hs,
             lambda x, g, b: _ln_ref(x, g, b, axis, 1e-4)[0], rtol=1e-5, atol=1e-5)
    outs = mx.nd.LayerNorm(*[mx.nd.array(h, ctx=GPU) for h in hs], axis=axis, eps=1e-4,
                           output_mean_var=True)
    for got, want in zip(outs, _ln_ref(*[h.astype(np.float64) for h in hs], axis, 1e-4)):
        np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- pooling


def _pool_ref(x, kernel, stride, pad, pool_type, full=False, cip=True):
    """Pooling over the trailing 2 dims (1-D: a height of 1), MXNet's window conventions."""
    one_d = x.ndim == 3
    if one_d:
        x = x[:, :, None, :]
        kernel, stride, pad = (1,) + kernel, (1,) + stride, (0,) + pad
    H, W = x.shape[2:]

    def out(n, k, s, p):
        span = n + 2 * p - k
        return 1 + (-(-span // s) if full else span // s)

    OH, OW = out(H, kernel[0], stride[0], pad[0]), out(W, kernel[1], stride[1], pad[1])
    y = np.empty(x.shape[:2] + (OH, OW))
    for oh in range(OH):
        for ow in range(OW):
            h0, w0 = oh * stride[0] - pad[0], ow * stride[1] - pad[1]
            h1, w1 = min(h0 + kernel[0], H + pad[0]), min(w0 + kernel[1], W + pad[1])
            hs, he, ws, we = max(h0, 0), min(h1, H), max(w0, 0), min(w1, W)
            win = x[:, :, hs:he, ws:we]
            if pool_type == "max":
                y[:, :, oh, ow] = win.max(axis=(2, 3))
            else:
                s = win.sum(axis=(2, 3))
                n = (h1 - h0) * (w1 - w0) if cip else (he - hs) * (we - ws)
                y[:, :, oh, ow] = s / n if pool_type == "avg" else s
    return y[:, :, 0, :] if one_d else y


POOLS = [
    dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pooling_convention="full"),
    dict(kernel=(2, 3), stride=(2, 2), pad=(0, 1), count_include_pad=False),
    dict(kernel=(3,), stride=(2,), pad=(1,)),
]


@pytest.mark.parametrize("pool_type", ["max", "avg", "sum"])
@pytest.mark.parametrize("attrs", POOLS, ids=lambda a: str(a["kernel"]))
def test_pooling(pool_type, attrs):
    shape = (2, 2, 5, 4) if len(attrs["kernel"]) == 2 else (2, 3, 7)
    x = np.random.RandomState(1).uniform(-1, 1, shape).astype(np.float32)
    x.reshape(-1)[5] = x.reshape(-1)[6]  # a tie inside a window: the first one gets dy

    def ref(a):
        return _pool_ref(a, attrs["kernel"], attrs["stride"], attrs["pad"], pool_type,
                         attrs.get("pooling_convention") == "full",
                         attrs.get("count_include_pad", True))

    _compare(lambda a: mx.nd.Pooling(a, pool_type=pool_type, **attrs), [x], ref)


def test_global_pooling_and_float64():
    x = np.random.RandomState(3).uniform(-1, 1, (2, 3, 4, 3))
    for pt in ("max", "avg"):
        _compare(lambda a: mx.nd.Pooling(a, pool_type=pt, global_pool=True, kernel=(1, 1)), [x],
                 lambda a: _pool_ref(a, (4, 3), (1, 1), (0, 0), pt), rtol=1e-12, atol=1e-14)


@pytest.mark.parametrize("pool_type", ["max", "avg"])
def test_pooling_second_order_runs_the_gradient_ops_on_the_device(pool_type):
    x = np.random.RandomState(4).uniform(-1, 1, (1, 2, 5, 5)).astype(np.float32)

    def second(ctx):
        a = mx.nd.array(x, ctx=ctx)
        a.attach_grad()
        with mx.autograd.record():
            y = mx.nd.Pooling(a, kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type=pool_type)
            (g,) = mx.autograd.grad(mx.nd.sum(y * y), [a], create_graph=True)
            z = mx.nd.sum(g * a)
        z.backward()
        return g.asnumpy(), a.grad.asnumpy()

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-5, atol=1e-6)


# ---------------------------------------------------------------- convolution


def _conv_ref(x, w, b=None, stride=(1, 1), pad=(0, 0), dilate=(1, 1), groups=1):
    """Direct float64 convolution (1-D as a height of 1)."""
    one_d = x.ndim == 3
    if one_d:
        x, w = x[:, :, None, :], w[:, :, None, :]
        stride, pad, dilate = (1,) + stride, (0,) + pad, (1,) + dilate
    N, C, H, W = x.shape
    F, Cg, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    OH = (H + 2 * pad[0] - dilate[0] * (KH - 1) - 1) // stride[0] + 1
    OW = (W + 2 * pad[1] - dilate[1] * (KW - 1) - 1) // stride[1] + 1
    y = np.zeros((N, F, OH, OW))
    Fg = F // groups
    for g in range(groups):
        for kh in range(KH):
            for kw in range(KW):
                h, v = kh * dilate[0], kw * dilate[1]
                patch = xp[:, g * Cg:(g + 1) * Cg, h:h + stride[0] * (OH - 1) + 1:stride[0],
                           v:v + stride[1] * (OW - 1) + 1:stride[1]]
                y[:, g * Fg:(g + 1) * Fg] += np.einsum("ncij,fc->nfij", patch,
                                                       w[g * Fg:(g + 1) * Fg, :, kh, kw])
    if b is not None:
        y += b.reshape(1, -1, 1, 1)
    return y[:, :, 0, :] if one_d else y


def test_convolution_2d_groups_stride_pad_dilate():
    rng = np.random.RandomState(5)
    x, w, b = (rng.uniform(-1, 1, s).astype(np.float32) for s in ((2, 4, 5, 4), (4, 2, 3, 2), (4,)))
    attrs = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2), num_filter=4,
                 num_group=2)
    _compare(lambda *a: mx.nd.Convolution(*a, **attrs), [x, w, b],
             lambda x, w, b: _conv_ref(x, w, b, (2, 1), (1, 0), (1, 2), 2))


def test_convolution_1d_no_bias_and_image_chunks():
    rng = np.random.RandomState(6)
    x, w = rng.uniform(-1, 1, (3, 3, 7)).astype(np.float32), rng.uniform(-1, 1, (2, 3, 3)).astype(
        np.float32)
    # workspace=0: one image per chunk, so the weight gradient accumulates over chunks
    attrs = dict(kernel=(3,), stride=(2,), pad=(1,), num_filter=2, no_bias=True, workspace=0)
    _compare(lambda *a: mx.nd.Convolution(*a, **attrs), [x, w],
             lambda x, w: _conv_ref(x, w, None, (2,), (1,), (1,)))


def test_deconvolution():
    rng = np.random.RandomState(7)
    x, w, b = (rng.uniform(-1, 1, s).astype(np.float32) for s in ((2, 4, 3, 2), (4, 2, 3, 2), (4,)))
    attrs = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 0), dilate=(1, 2), adj=(1, 0), num_filter=4,
                 num_group=2, no_bias=False)
    _compare(lambda *a: mx.nd.Deconvolution(*a, **attrs), [x, w, b])


def test_convolution_second_order_through_deconvolution_and_wgrad():
    rng = np.random.RandomState(8)
    x, w = rng.uniform(-1, 1, (1, 2, 3, 3)), rng.uniform(-1, 1, (3, 2, 2, 2))

    def second(ctx):
        a, k = mx.nd.array(x, ctx=ctx, dtype="float64"), mx.nd.array(w, ctx=ctx, dtype="float64")
        a.attach_grad()
        k.attach_grad()
        with mx.autograd.record():
            y = mx.nd.Convolution(a, k, kernel=(2, 2), pad=(1, 1), num_filter=3, no_bias=True)
            ga, gk = mx.autograd.grad(mx.nd.sum(y * y), [a, k], create_graph=True)
            z = mx.nd.sum(ga * ga) + mx.nd.sum(gk * a.sum())
        z.backward()
        return [t.asnumpy() for t in (ga, gk, a.grad, k.grad)]

    for u, v in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(u, v, rtol=1e-10, atol=1e-12)
