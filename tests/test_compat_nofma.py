"""MXNet 1.9.1's bits for ops whose CPU kernels never fuse a multiply and an add.

MXNet's CPU build rounds every multiply and add on its own. `contrib.quadratic` (Horner's form,
float attributes) and `hard_sigmoid` (alpha * x + beta) then give values a fused multiply-add
would round differently near their zeros (up to thousands of ulp); mxnb builds those kernels
without contraction. The literals are MXNet 1.9.1's outputs, as hex floats.
"""
import numpy as np
import pytest

import mxnb as mx

X = [-2.9, -1.37, -0.3, 0.1, 0.77, 1.9, 2.4]

MXNET = {
    'float32': {
        'quadratic': ['0x1.e9b5760000000p+2', '0x1.9f6b020000000p+1', '0x1.317c1c0000000p+0', '0x1.49930c0000000p-1', '-0x1.7cfe800000000p-7', '-0x1.750b080000000p-2', '-0x1.c01a180000000p-3'],
        'quadratic_grad': ['-0x1.08a7200000000p+0', '-0x1.4fa7be0000000p+0', '-0x1.44b17e0000000p+0', '-0x1.593dda0000000p+0', '-0x1.fef1fa0000000p-1', '0x1.6293c80000000p-3', '0x1.cf0d900000000p-1'],
        'hard_sigmoid': ['0x0.0p+0', '0x0.0p+0', '0x1.322d0e0000000p-2', '0x1.c9ba5e0000000p-2', '0x1.63c9f00000000p-1', '0x1.0000000000000p+0', '0x1.0000000000000p+0'],
    },
    'float64': {
        'quadratic': ['0x1.e9b574cdab9f7p+2', '0x1.9f6b0075846e9p+1', '0x1.317c1b9ab9f54p+0', '0x1.49930b56b50b2p-1', '-0x1.7cfe0e81cb680p-7', '-0x1.750b095e9e1c8p-2', '-0x1.c01a204ea4920p-3'],
        'quadratic_grad': ['-0x1.08a71e27bb300p+0', '-0x1.4fa7be630a915p+0', '-0x1.44b17dca3d70ap+0', '-0x1.593dd89463f14p+0', '-0x1.fef1fbfe718abp-1', '0x1.6293c532ed4abp-3', '0x1.cf0d8d4c98600p-1'],
        'hard_sigmoid': ['0x0.0p+0', '0x0.0p+0', '0x1.322d0db439580p-2', '0x1.c9ba5e0978d50p-2', '0x1.63c9ee902de00p-1', '0x1.0000000000000p+0', '0x1.0000000000000p+0'],
    },
}


def _hex(a):
    return [float(v).hex() for v in a.asnumpy()]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_quadratic_is_mxnets_bits(dtype):
    x = mx.nd.array(np.array(X, np.float32), dtype=dtype)
    x.attach_grad()
    with mx.autograd.record():
        y = mx.nd.contrib.quadratic(x, a=0.37, b=-1.3, c=0.77)
    y.backward(mx.nd.array(np.linspace(0.3, 1.9, 7), dtype=dtype))
    assert _hex(y) == MXNET[dtype]["quadratic"]
    assert _hex(x.grad) == MXNET[dtype]["quadratic_grad"]


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_hard_sigmoid_is_mxnets_bits(dtype):
    x = mx.nd.array(np.array(X, np.float32), dtype=dtype)
    assert _hex(mx.nd.hard_sigmoid(x, alpha=0.37, beta=0.41)) == MXNET[dtype]["hard_sigmoid"]


def test_quadratic_dtypes_and_reference():
    # MXNet 1.9.1: integers compute in float32 and truncate on the store; float16 in float32.
    x = mx.nd.array([1, 2, -3], dtype="int32")
    assert mx.nd.contrib.quadratic(x, a=1.5, b=2, c=0.5).asnumpy().tolist() == [4, 10, 8]
    h = mx.nd.contrib.quadratic(x.astype("float16"), a=1.5, b=2, c=0.5)
    assert h.dtype == np.float16 and h.asnumpy().tolist() == [4.0, 10.5, 8.0]
    r = np.random.RandomState(3).uniform(-3, 3, 50)
    got = mx.nd.contrib.quadratic(mx.nd.array(r, dtype="float64"), a=0.5, b=0.25, c=-1).asnumpy()
    np.testing.assert_allclose(got, 0.5 * r * r + 0.25 * r - 1, rtol=1e-14, atol=1e-14)


def test_quadratic_second_order():
    from mxnb.test_utils import check_grads

    x = mx.nd.array(np.random.RandomState(4).uniform(-2, 2, (2, 3)), dtype="float64")
    check_grads(lambda v: mx.nd.contrib.quadratic(v, a=0.7, b=-1.3, c=0.4), [x], order=2)

