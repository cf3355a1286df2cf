"""Linear/Logistic/MAE regression outputs on gpu(0) (`cuda_regress`) against the CPU.

Linear and MAE move and subtract only: bit for bit. The logistic forward uses the
device's exp: within 2 ulp (float32) of NumPy's on the CPU, and its gradient
(out - label) follows it.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb.kernels import cuda_launch

pytestmark = pytest.mark.cudasim
nd = mx.nd


def _run(ctx, name, dtype, label_dtype=None, **kw):
    rng = np.random.RandomState(8)
    x = nd.array(rng.uniform(-3, 3, (4, 3)), ctx=ctx, dtype=dtype)
    lab = nd.array(rng.uniform(-1, 1, (4, 3)), ctx=ctx, dtype=label_dtype or dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = getattr(nd, name)(x, lab, **kw)
    y.backward(nd.ones(y.shape, ctx=ctx, dtype=dtype) * 5)   # ignored by design
    assert y.context == ctx and x.grad.context == ctx
    return y.asnumpy(), x.grad.asnumpy()


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", ["LinearRegressionOutput", "MAERegressionOutput",
                                  "LogisticRegressionOutput"])
def test_on_the_device_as_on_the_cpu(monkeypatch, name, dtype):
    monkeypatch.setattr(cuda_launch, "host_fallback", None)     # calling it would fail
    monkeypatch.setattr(cuda_launch, "host_backward", None)
    gy, gg = _run(mx.gpu(0), name, dtype, grad_scale=0.7)
    monkeypatch.undo()
    cy, cg = _run(mx.cpu(0), name, dtype, grad_scale=0.7)
    if name == "LogisticRegressionOutput":
        eps = np.finfo(dtype).eps
        np.testing.assert_allclose(gy, cy, rtol=2 * eps, atol=0)
        np.testing.assert_allclose(gg, cg, rtol=0, atol=8 * eps)
    else:
        np.testing.assert_array_equal(gy, cy)
        np.testing.assert_array_equal(gg, cg)


def test_float16_and_mixed_labels_through_the_host():
    for kw in ({"dtype": "float16"}, {"dtype": "float32", "label_dtype": "float64"}):
        gy, gg = _run(mx.gpu(0), "LinearRegressionOutput", **kw)
        cy, cg = _run(mx.cpu(0), "LinearRegressionOutput", **kw)
        np.testing.assert_array_equal(gy, cy)
        np.testing.assert_array_equal(gg, cg)
