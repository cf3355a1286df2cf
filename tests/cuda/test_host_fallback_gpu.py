"""Ops with no CUDA kernels yet run on mx.gpu() through the host, with the CPU's results.

`cuda_launch.forward/backward` copy the device buffers to the host, run the
op's NumPy/Numba CPU code and copy the results (and any input the op changed
in place) back to the device.

The net mixes them with ops that have CUDA kernels (Convolution, BatchNorm, whose
backward updates the moving statistics in place on the device, Pooling,
log_softmax), whose float32 sums run in another order than the CPU's; BatchNorm's
gradient amplifies that, so the net runs in float64 to keep a tight comparison.
"""
import numpy as np

import mxnb as mx


def _net(ctx):
    rng = np.random.RandomState(0)
    f64 = "float64"
    x = mx.nd.array(rng.rand(2, 3, 5, 5), ctx=ctx, dtype=f64)
    w = mx.nd.array(rng.rand(4, 3, 3, 3) - 0.5, ctx=ctx, dtype=f64)
    b = mx.nd.zeros((4,), ctx=ctx, dtype=f64)
    gamma, beta = mx.nd.ones((4,), ctx=ctx, dtype=f64), mx.nd.zeros((4,), ctx=ctx, dtype=f64)
    mm, mv = mx.nd.zeros((4,), ctx=ctx, dtype=f64), mx.nd.ones((4,), ctx=ctx, dtype=f64)
    for t in (x, w, gamma):
        t.attach_grad()
    with mx.autograd.record():
        c = mx.nd.Convolution(x, w, b, kernel=(3, 3), num_filter=4)
        n = mx.nd.BatchNorm(c, gamma, beta, mm, mv)
        p = mx.nd.Pooling(mx.nd.Activation(n, act_type="relu"), kernel=(2, 2), pool_type="max")
        y = mx.nd.log_softmax(p.reshape((2, -1)))
    y.backward(mx.nd.array(rng.rand(*y.shape), ctx=ctx, dtype=f64))
    for t in (y, x.grad, w.grad, gamma.grad, mm, mv):
        assert t.context == ctx
    return [t.asnumpy() for t in (y, x.grad, w.grad, gamma.grad, mm, mv)]


def test_nn_ops_through_the_host_match_the_cpu_and_update_moving_stats():
    gpu, cpu = _net(mx.gpu(0)), _net(mx.cpu(0))
    for a, b in zip(gpu, cpu):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
    assert np.abs(gpu[4]).max() > 0  # moving_mean was updated on the device
