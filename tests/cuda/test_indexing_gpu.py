"""Indexing and the shape ops on mx.gpu() (through the host until they get CUDA kernels)."""
import numpy as np

import mxnb as mx


def _run(ctx):
    rng = np.random.RandomState(0)
    x = mx.nd.array(rng.rand(3, 4), ctx=ctx)
    x.attach_grad()
    with mx.autograd.record():
        parts = [x[1], x[:, 1:3], x[[0, 2, 2]], x[[0, 1], [3, 0]],
                 mx.nd.take(x, mx.nd.array([2, 0], ctx=ctx), axis=1),
                 mx.nd.pick(x, mx.nd.array([1, 0, 3], ctx=ctx)),
                 mx.nd.sort(x, axis=0), mx.nd.topk(x, k=2, ret_typ="value"),
                 mx.nd.concat(x, x, dim=0), mx.nd.tile(x, reps=(2,)),
                 mx.nd.flip(x, axis=1), mx.nd.slice_axis(x, axis=1, begin=1, end=None)]
        y = sum((p * p).reshape((-1,))[0:1] for p in parts) + parts[-1].reshape((-1,))[2:3]
    y.backward()
    z = mx.nd.zeros((3, 4), ctx=ctx)
    z[[0, 2], 1] = mx.nd.array([5, 6], ctx=ctx)
    z[1, :] = 2
    for t in parts + [x.grad, z]:
        assert t.context == ctx
    return [t.asnumpy() for t in parts + [x.grad, z]]


def test_indexing_and_shape_ops_on_the_gpu_match_the_cpu():
    for a, b in zip(_run(mx.gpu(0)), _run(mx.cpu(0))):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
