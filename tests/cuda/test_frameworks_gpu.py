"""Zero-copy exchange of GPU arrays with CuPy and PyTorch on a real card.

Skipped under the simulator and where neither framework sees a GPU. Each test
writes through one side and reads through the other, which passes only when
the two share memory (a copy would keep the old value).
"""
import os

import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.skipif(os.environ.get("NUMBA_ENABLE_CUDASIM") == "1",
                                reason="CuPy and PyTorch need a real GPU")


@pytest.fixture
def cupy():
    cp = pytest.importorskip("cupy")
    try:
        cp.cuda.runtime.getDeviceCount()
    except Exception:
        pytest.skip("CuPy sees no GPU")
    return cp


@pytest.fixture
def torch():
    t = pytest.importorskip("torch")
    if not t.cuda.is_available():
        pytest.skip("PyTorch sees no GPU")
    return t


def test_cupy_reads_and_writes_an_mxnb_array(cupy):
    x = mx.nd.arange(6, ctx=mx.gpu(0))
    c = cupy.asarray(x)                       # __cuda_array_interface__
    assert c.shape == (6,) and c.dtype == np.float32
    c[0] = 42
    assert x.asnumpy()[0] == 42
    c2 = cupy.from_dlpack(x)                  # DLPack
    c2[1] = -7
    assert x.asnumpy().tolist() == [42, -7, 2, 3, 4, 5]


def test_mxnb_reads_and_writes_a_cupy_array(cupy):
    c = cupy.arange(4, dtype=cupy.float32)
    for x in (mx.nd.from_cuda_array(c), mx.nd.from_dlpack(c)):
        assert x.context == mx.gpu(0) and x.shape == (4,)
        c[2] += 10
        assert x.asnumpy()[2] == float(c[2].get())
    y = mx.nd.exp(mx.nd.from_dlpack(c))
    np.testing.assert_allclose(y.asnumpy(), np.exp(cupy.asnumpy(c)), rtol=1e-6)


def test_torch_reads_and_writes_an_mxnb_array(torch):
    x = mx.nd.array([1, 2, 3], ctx=mx.gpu(0))
    t = torch.from_dlpack(x)
    assert t.is_cuda and t.dtype == torch.float32
    t[1] = 20
    assert x.asnumpy().tolist() == [1, 20, 3]
    t2 = torch.as_tensor(x, device="cuda")    # __cuda_array_interface__
    t2[2] = 30
    assert x.asnumpy().tolist() == [1, 20, 30]


def test_mxnb_reads_and_writes_a_torch_tensor(torch):
    t = torch.arange(5, dtype=torch.float64, device="cuda")
    x = mx.nd.from_dlpack(t)
    assert x.context == mx.gpu(0) and x.dtype == np.float64
    t[4] = 99
    assert x.asnumpy()[4] == 99
    x.attach_grad()
    with mx.autograd.record():
        y = (x * x).sum()
    y.backward()
    assert x.grad.context == mx.gpu(0)
    np.testing.assert_array_equal(x.grad.asnumpy(), 2 * t.cpu().numpy())
