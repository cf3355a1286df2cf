"""mx.nd.image and random_pdf_* on mx.gpu(): the CPU's numbers (device kernels since session 6;
tests/cuda/test_vision_gpu.py checks they no longer go through the host)."""
import numpy as np

import mxnb as mx

I = mx.nd.image


def _image_ops(ctx):
    rng = np.random.RandomState(0)
    u8 = mx.nd.array(rng.randint(0, 256, size=(2, 3, 3)), ctx=ctx, dtype="uint8")
    mx.random.seed(4)
    out = [I.to_tensor(u8), I.resize(u8, (3, 2)), I.crop(u8, 1, 0, 2, 2),
           I.random_color_jitter(u8, 0.3, 0.3, 0.3, 0.2), I.random_flip_left_right(u8)]
    x = mx.nd.array(rng.rand(3, 2, 2), ctx=ctx, dtype="float64")
    x.attach_grad()
    with mx.autograd.record():
        y = I.normalize(x, mean=(0.1, 0.2, 0.3), std=(1.0, 2.0, 4.0))
    y.backward()
    out += [y, x.grad]
    s = mx.nd.array(rng.rand(2, 2) + 0.1, ctx=ctx, dtype="float64")
    a = mx.nd.array([1.5, 2.0], ctx=ctx, dtype="float64")
    a.attach_grad()
    with mx.autograd.record():
        p = mx.nd.random_pdf_gamma(s, a, a)
    p.backward()
    out += [p, a.grad]
    for t in out:
        assert t.context == ctx
    return [t.asnumpy() for t in out]


def test_image_and_pdf_ops_on_the_gpu_give_the_cpus_numbers():
    for g, c in zip(_image_ops(mx.gpu(0)), _image_ops(mx.cpu(0))):
        np.testing.assert_allclose(g, c, rtol=1e-12)
