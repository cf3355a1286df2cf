"""The spatial, im2col, CTC and Correlation ops on mx.gpu(): they run through the host
(no CUDA kernels of their own) and give the CPU's numbers, gradients included."""
import numpy as np
import pytest

import mxnb as mx


def _grid(rng):
    return rng.uniform(-1.2, 1.2, (1, 2, 2, 3))


CASES = {
    "BilinearSampler": (lambda a, g: mx.nd.BilinearSampler(a, g),
                        lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4)), _grid(rng)]),
    "SpatialTransformer": (lambda a, t: mx.nd.SpatialTransformer(
        a, t, target_shape=(2, 3), transform_type="affine", sampler_type="bilinear"),
        lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 4)),
                     np.array([[0.9, 0.1, 0.05, -0.1, 1.1, 0.02]])]),
    "GridGenerator": (lambda t: mx.nd.GridGenerator(t, transform_type="affine",
                                                    target_shape=(2, 3)),
                      lambda rng: [rng.uniform(-1, 1, (1, 6))]),
    "im2col": (lambda a: mx.nd.im2col(a, kernel=(2, 2), pad=(1, 0)),
               lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 3))]),
    "Correlation": (lambda a, b: mx.nd.Correlation(a, b, kernel_size=1, max_displacement=1,
                                                   pad_size=1),
                    lambda rng: [rng.uniform(-1, 1, (1, 2, 3, 3)),
                                 rng.uniform(-1, 1, (1, 2, 3, 3))]),
    "ctc_loss": (lambda a: mx.nd.ctc_loss(a, mx.nd.array([[1, 2]], ctx=a.context)),
                 lambda rng: [rng.uniform(-1, 1, (4, 1, 3))]),
}


def _run(name, ctx):
    fn, make = CASES[name]
    arrs = [mx.nd.array(a, ctx=ctx) for a in make(np.random.RandomState(0))]
    for a in arrs:
        a.attach_grad()
    with mx.autograd.record():
        y = fn(*arrs)
    y.backward()
    assert y.context == ctx
    return [y.asnumpy()] + [a.grad.asnumpy() for a in arrs]


@pytest.mark.parametrize("name", sorted(CASES))
def test_gpu_matches_cpu(name):
    for g, c in zip(_run(name, mx.gpu(0)), _run(name, mx.cpu(0))):
        np.testing.assert_array_equal(g, c)
