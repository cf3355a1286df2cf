"""Slices, flip, swapaxes, tile, repeat, broadcast_axis, concat, stack and split on gpu(0)
run as strided gathers and scatters on the device (`cuda_layout`), with the CPU's results.

Everything here moves values without arithmetic, except the gradients of tile and
repeat (sums over the repeats) and broadcast_axis (the engine's sum): those match
the CPU's to rounding; all else bit for bit.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_launch, cuda_layout

pytestmark = pytest.mark.cudasim


@pytest.fixture
def no_host(host_guard):
    host_guard()


nd = mx.nd
CASES = [
    ("slice", (3, 4, 2), lambda x: nd.slice(x, begin=(1, None), end=(3, -1))),
    ("slice steps", (3, 4, 2), lambda x: nd.slice(x, begin=(None, 3), end=(None, None),
                                                  step=(-2, -2))),
    ("slice_axis", (3, 4, 2), lambda x: nd.slice_axis(x, axis=-2, begin=-3, end=3)),
    ("slice_like", (3, 4, 2), lambda x: nd.slice_like(x, nd.zeros((2, 3, 5), ctx=x.context),
                                                      axes=(0, 1))),
    ("flip", (3, 4, 2), lambda x: nd.flip(x, axis=(0, 2))),
    ("swapaxes", (3, 4, 2), lambda x: nd.swapaxes(x, dim1=0, dim2=2)),
    ("tile", (3, 2), lambda x: nd.tile(x, reps=(2, 1, 3))),
    ("repeat", (3, 2), lambda x: nd.repeat(x, repeats=3, axis=1)),
    ("repeat flat", (3, 2), lambda x: nd.repeat(x, repeats=2)),
    ("broadcast_axis", (3, 1, 2), lambda x: nd.broadcast_axis(x, axis=1, size=4)),
    ("concat", (3, 2), lambda x: nd.concat(x, x * 2, nd.slice_axis(x, axis=1, begin=0, end=1),
                                          dim=1)),
    ("concat dim0", (3, 2), lambda x: nd.concat(x, x + 1, dim=0)),
    ("stack", (3, 2), lambda x: nd.stack(x, x * 3, axis=1)),
    ("split", (4, 6), lambda x: nd.split(x, num_outputs=3, axis=1)[1] * 2
     + nd.split(x, num_outputs=3, axis=1)[2]),
    ("split squeeze", (2, 3), lambda x: nd.split(x, num_outputs=2, axis=0,
                                                 squeeze_axis=True)[1]),
]
SUMS = ("tile", "repeat", "repeat flat", "broadcast_axis")


def _run(ctx, shape, fn, dtype):
    rng = np.random.RandomState(5)
    x = nd.array(rng.uniform(-2, 2, shape), ctx=ctx, dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = fn(x)
    y.backward(nd.array(rng.uniform(-1, 1, y.shape), ctx=ctx, dtype=dtype))
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name,shape,fn", CASES, ids=[c[0] for c in CASES])
def test_on_the_device_as_on_the_cpu(no_host, name, shape, fn, dtype):
    gy, gg = _run(mx.gpu(0), shape, fn, dtype)
    cy, cg = _run(mx.cpu(0), shape, fn, dtype)
    np.testing.assert_array_equal(gy, cy)
    if name in SUMS:
        np.testing.assert_allclose(gg, cg, rtol=1e-6 if dtype == "float32" else 1e-14)
    else:
        np.testing.assert_array_equal(gg, cg)


def test_int_arrays_and_a_view_too_deep_for_the_kernels(monkeypatch):
    x = nd.array(np.arange(24).reshape(2, 3, 4), ctx=mx.gpu(0), dtype="int32")
    assert nd.flip(x, axis=1).asnumpy().tolist() == np.flip(np.arange(24).reshape(2, 3, 4),
                                                            1).tolist()
    # tile of a 3-d array interleaves 6 strided dims: more than the kernels take
    calls = []
    real = cuda_launch.host_fallback
    monkeypatch.setattr(cuda_launch, "host_fallback",
                        lambda *a, **k: calls.append(1) or real(*a, **k))
    y = nd.tile(nd.array(np.arange(8.0).reshape(2, 2, 2), ctx=mx.gpu(0)), reps=(2, 3, 2))
    assert calls and y.asnumpy().tolist() == np.tile(np.arange(8.0).reshape(2, 2, 2),
                                                     (2, 3, 2)).tolist()


def test_compact_merges_and_refuses():
    assert cuda_layout._compact((2, 3, 4), (12, 4, 1)) == ((1, 1, 1, 24), (0, 0, 0, 1))
    assert cuda_layout._compact((2, 1, 3), (0, 7, 1)) == ((1, 1, 2, 3), (0, 0, 0, 1))
    assert cuda_layout._compact((2, 3, 2, 3, 2), (0, 9, 0, 3, 1)) is None


@pytest.mark.parametrize("key", [1, -1, (slice(None), slice(1, 3)), (2, 0),
                                 (None, slice(None, None, -2)), (Ellipsis, 1)], ids=str)
def test_recorded_basic_indexing_and_its_adjoint_on_the_device(no_host, key):
    def fn(x):
        return x[key] * 3

    gy, gg = _run(mx.gpu(0), (3, 4), fn, "float64")
    cy, cg = _run(mx.cpu(0), (3, 4), fn, "float64")
    np.testing.assert_array_equal(gy, cy)
    np.testing.assert_array_equal(gg, cg)
    # second order runs _scatter_basic forward and backward
    for ctx in (mx.gpu(0), mx.cpu(0)):
        x = nd.array(np.arange(12.0).reshape(3, 4), ctx=ctx, dtype="float64")
        x.attach_grad()
        with mx.autograd.record():
            y = (x[key] * x[key]).sum()
            (g,) = mx.autograd.grad(y, [x], create_graph=True)
            z = (g * g).sum()
        z.backward()
        if ctx == mx.gpu(0):
            got = (g.asnumpy(), x.grad.asnumpy())
    np.testing.assert_array_equal(got[0], g.asnumpy())
    np.testing.assert_array_equal(got[1], x.grad.asnumpy())
