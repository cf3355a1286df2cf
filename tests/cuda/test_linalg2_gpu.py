"""linalg_det, linalg_inverse (and slogdet, built on det) on gpu(0): LU with partial pivoting
per matrix on the device (`cuda_linalg`), against the same calls on cpu(0).

The CPU calls NumPy's LAPACK, whose blocked LU and triangular solves round in another
order, so results are compared with tight tolerances rather than bit for bit: float64 to
1e-12 relative, float32 to 2e-6 (a few ulps; the matrices are well conditioned, A + 3I).
The pivoting order (first row of largest |a|) and NumPy's formula for det
(sign * exp(sum log|u_ii|)) are LAPACK's and NumPy's, pinned by the exact cases below.
"""
import os

import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
nd = mx.nd
GPU, CPU = mx.gpu(0), mx.cpu(0)
TOL = {"float64": dict(rtol=1e-12, atol=1e-14), "float32": dict(rtol=2e-6, atol=1e-7)}


@pytest.fixture(autouse=True)
def no_host(host_guard):
    host_guard({"linalg_det", "linalg_inverse", "dot", "batch_dot", "swapaxes"})


def _spd(shape, dtype, seed=0):
    a = np.random.RandomState(seed).uniform(-1, 1, shape)
    return (a + 3 * np.eye(shape[-1])).astype(dtype)


def _both(fn, x, dtype):
    return [fn(nd.array(x, ctx=c, dtype=dtype)) for c in (GPU, CPU)]


@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(1, 1), (3, 3), (2, 4, 4), (2, 1, 5, 5)], ids=str)
def test_det_and_inverse(dtype, shape):
    x = _spd(shape, dtype)
    x[..., 0, :] *= -1                       # a negative determinant
    if shape[-1] > 1:
        x[..., [0, 1], :] = x[..., [1, 0], :]   # the largest pivot off the diagonal
    for fn in (nd.linalg_det, nd.linalg_inverse):
        g, c = _both(fn, x, dtype)
        assert g.context == GPU and g.dtype == c.dtype and g.shape == c.shape
        np.testing.assert_allclose(g.asnumpy(), c.asnumpy(), **TOL[dtype])


def test_pivoting_and_exact_cases():
    # pivots chosen by largest |a| (a tie in column 0: the first row), zeros on the diagonal
    a = np.array([[0, 2, 0], [-4, 1, 2], [4, 0, 1]], np.float64)
    g = nd.array(a, ctx=GPU, dtype="float64")
    np.testing.assert_allclose(nd.linalg_det(g).asnumpy(), [np.linalg.det(a)], rtol=1e-14)
    np.testing.assert_allclose(nd.linalg_inverse(g).asnumpy(), np.linalg.inv(a), rtol=1e-14,
                               atol=1e-15)
    # NumPy's det goes through logs: diag(2, 3, 5) gives 29.99999999999999, not 30. Under the
    # simulator log/exp are the host's, as NumPy's; a GPU's libdevice may differ by an ulp.
    d = nd.linalg_det(nd.array(np.diag([2.0, 3, 5]), ctx=GPU, dtype="float64")).asnumpy()
    want = np.linalg.det(np.diag([2.0, 3, 5]))
    if os.environ.get("NUMBA_ENABLE_CUDASIM") == "1":
        assert d[0] == want
    np.testing.assert_allclose(d, [want], rtol=1e-15)


# NumPy warns as the simulator divides by the zero pivot (a GPU gives inf/NaN silently)
@pytest.mark.filterwarnings("ignore:divide by zero", "ignore:invalid value")
def test_singular():
    ones = np.ones((2, 3, 3))
    ones[1] = _spd((3, 3), "float64")
    got = nd.linalg_det(nd.array(ones, ctx=GPU, dtype="float64")).asnumpy()
    assert got[0] == 0 and not np.signbit(got[0])     # NumPy: sign 0, log -inf
    np.testing.assert_allclose(got[1], np.linalg.det(ones[1]), rtol=1e-12)
    with pytest.raises(np.linalg.LinAlgError, match="Singular matrix"):
        nd.linalg_inverse(nd.array(ones, ctx=GPU, dtype="float64")).wait_to_read()


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_gradients_through_autograd(dtype):
    x0 = _spd((2, 3, 3), dtype, seed=1)

    def grads(ctx):
        x = nd.array(x0, ctx=ctx, dtype=dtype)
        x.attach_grad()
        with mx.autograd.record():
            sign, logabs = nd.linalg.slogdet(x)
            y = nd.sum(nd.linalg_det(x)) + nd.sum(nd.linalg_inverse(x) * x) + nd.sum(logabs)
        y.backward()
        assert x.grad.context == ctx and sign.context == ctx
        return [y.asnumpy(), sign.asnumpy(), x.grad.asnumpy()]

    for g, c in zip(grads(GPU), grads(CPU)):
        np.testing.assert_allclose(g, c, **TOL[dtype])


def test_second_order():
    x0 = _spd((2, 3, 3), "float64", seed=2)

    def second(ctx):
        x = nd.array(x0, ctx=ctx, dtype="float64")
        x.attach_grad()
        with mx.autograd.record():
            (g,) = mx.autograd.grad(nd.sum(nd.linalg_det(x)) + nd.sum(nd.linalg_inverse(x)),
                                    [x], create_graph=True)
            z = nd.sum(g * g)
        z.backward()
        assert g.context == ctx and x.grad.context == ctx
        return g.asnumpy(), x.grad.asnumpy()

    for g, c in zip(second(GPU), second(CPU)):
        np.testing.assert_allclose(g, c, rtol=1e-11, atol=1e-13)


def test_float16_takes_the_cpus_error(host_guard):
    host_guard(set())        # NumPy's linalg refuses float16: the host path raises its error
    x = nd.array(np.eye(2), ctx=GPU, dtype="float16")
    with pytest.raises(TypeError, match="float16"):
        nd.linalg_det(x).wait_to_read()
