"""pad in its three modes, and its adjoint `_pad_grad`, on gpu(0) (`cuda_pad`): the CPU's
values and gradients bit for bit, to second order, without the host."""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
nd = mx.nd
CASES = [
    ("constant", (0, 0, 0, 0, 1, 2, 2, 1), (2, 3, 3, 4)),
    ("constant", (0, 0, 0, 0, 0, 1, 2, 0, 1, 1), (1, 2, 2, 3, 2)),
    ("edge", (0, 0, 0, 0, 2, 1, 1, 3), (1, 2, 3, 4)),
    ("edge", (0, 0, 0, 0, 0, 0, 3, 3), (2, 1, 1, 1)),
    ("reflect", (0, 0, 0, 0, 2, 1, 1, 2), (1, 2, 3, 4)),
    ("reflect", (0, 0, 0, 0, 1, 1, 0, 2, 2, 1), (1, 1, 3, 4, 3)),
]


def _grads(ctx, mode, pw, shape, dtype):
    x = nd.array(np.random.RandomState(1).uniform(-2, 2, shape), ctx=ctx, dtype=dtype)
    x.attach_grad()
    w = nd.array(np.random.RandomState(2).uniform(-1, 1, np.array(shape) + np.array(pw)[1::2]
                                                  + np.array(pw)[0::2]), ctx=ctx, dtype=dtype)
    with mx.autograd.record():
        y = nd.pad(x, mode=mode, pad_width=pw, constant_value=1.5)
        loss = (y * w * y).sum()
        (g,) = mx.autograd.grad(loss, [x], create_graph=True)   # _pad_grad forward
        z = (g * g).sum()
    z.backward()                                                  # _pad_grad backward
    return y.asnumpy(), g.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("mode,pw,shape", CASES, ids=[f"{c[0]}-{len(c[2])}d" for c in CASES])
def test_pad_and_its_adjoint_on_the_device(host_guard, mode, pw, shape, dtype):
    host_guard({"pad", "_pad_grad"})
    for a, b in zip(_grads(mx.gpu(0), mode, pw, shape, dtype),
                    _grads(mx.cpu(0), mode, pw, shape, dtype)):
        np.testing.assert_array_equal(a, b)


def test_float16_pads_on_the_device_and_folds_on_the_host(host_guard):
    host_guard({"_pad_grad"})
    for mode in ("edge", "reflect"):
        pw = (0, 0, 0, 0, 1, 2, 2, 1)
        res = []
        for ctx in (mx.gpu(0), mx.cpu(0)):
            x = nd.array(np.arange(24.0).reshape(1, 2, 3, 4) / 7, ctx=ctx, dtype="float16")
            x.attach_grad()
            with mx.autograd.record():
                y = nd.pad(x, mode=mode, pad_width=pw)
            y.backward(nd.ones(y.shape, ctx=ctx, dtype="float16") * 0.3)
            res.append((y.asnumpy(), x.grad.asnumpy()))
        for a, b in zip(*res):
            np.testing.assert_array_equal(a, b)
