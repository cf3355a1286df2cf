"""Pooling cases the CUDA kernels leave to the host (lp, 3-D, channels-last, 'same') give the
CPU's results on mx.gpu(), forward and backward."""
import numpy as np
import pytest

import mxnb as mx

GPU, CPU = mx.gpu(0), mx.cpu(0)
CASES = [
    ((1, 2, 5, 5), dict(kernel=(2, 2), pool_type="lp", p_value=2)),
    ((1, 2, 3, 4, 4), dict(kernel=(2, 2, 2), pool_type="avg")),
    ((1, 4, 4, 2), dict(kernel=(2, 2), pool_type="max", layout="NHWC")),
    ((1, 2, 7), dict(kernel=(3,), stride=(2,), pool_type="sum", pooling_convention="same")),
]


def _run(ctx, shape, attrs):
    rng = np.random.RandomState(3)
    x = mx.nd.array(rng.uniform(0.1, 1, shape), ctx=ctx, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.Pooling(x, **attrs)
    y.backward(mx.nd.array(rng.uniform(-1, 1, y.shape), ctx=ctx, dtype="float64"))
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("shape,attrs", CASES)
def test_host_pooling_cases_match_the_cpu(shape, attrs):
    for g, c in zip(_run(GPU, shape, attrs), _run(CPU, shape, attrs)):
        np.testing.assert_allclose(g, c, rtol=1e-12, atol=1e-14)
