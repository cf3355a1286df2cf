"""random_pdf_*: scipy.stats float64 oracles, MXNet 1.9.1's numbers (pinned) and its shape rules.

The gradients are also checked by the op-table walk (tests/test_op_grads.py, from each op's
`test=` spec); here they are compared with MXNet's, which define the sample gradient as zero
for the uniform and the discrete distributions.
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd
from mxnb.base import MXNetError
from mxnb.test_utils import check_grads

from random_pdf_mxnet_literals import LIT

nd = mx.nd

S = [[0.5, 1.0, 2.0], [0.1, 0.3, 3.0]]
P1, P2 = [0.5, 1.5], [2.0, 0.7]
CNT = [[0, 1, 2], [3, 4, 5]]
D = [[[0.2, 0.3, 0.5], [0.1, 0.1, 0.8]], [[0.6, 0.2, 0.2], [0.3, 0.3, 0.4]]]
CASES = {
    "uniform": ("random_pdf_uniform", [S, [0.0, 0.0], [4.0, 2.7]]),
    "normal": ("random_pdf_normal", [S, P1, P2]),
    "gamma": ("random_pdf_gamma", [S, [1.5, 2.5], P2]),
    "expo": ("random_pdf_exponential", [S, P2]),
    "poisson": ("random_pdf_poisson", [CNT, P2]),
    "nb": ("random_pdf_negative_binomial", [CNT, [2, 3.5], [0.3, 0.6]]),
    "gnb": ("random_pdf_generalized_negative_binomial", [CNT, [2, 3.5], [0.3, 0.6]]),
    "dir": ("random_pdf_dirichlet", [D, [[1.0, 2, 3], [0.5, 0.5, 2]]]),
    "dir1": ("random_pdf_dirichlet", [[0.2, 0.3, 0.5], [1.0, 2, 3]]),
    "dir3": ("random_pdf_dirichlet", [D, [1.0, 2, 3]]),
    "normal3d": ("random_pdf_normal", [np.linspace(-1, 1, 24).reshape(2, 3, 4),
                                       [[0.1, 0.2, 0.3], [0, -1, 1]],
                                       [[1, 2, 3], [0.5, 0.6, 0.7]]]),
}
# MXNet's cephes digamma is good to about 3e-7 in double; float32 gradients that subtract
# nearly equal terms (generalized negative binomial) lose a few more digits
GRAD_RTOL = {"float64": 1e-6, "float32": 2e-5}


def _run(name, args, dtype, is_log):
    # the pinned MXNet runs made float32 arrays first, then cast them
    xs = [nd.array(np.asarray(a, np.float32)).astype(dtype) for a in args]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(*xs, is_log=is_log)
    y.backward(nd.ones_like(y) * 1.5)
    return y, xs


@pytest.mark.parametrize("key", sorted(CASES))
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_matches_mxnet_values_and_gradients(key, dtype):
    name, args = CASES[key]
    for is_log in (False, True):
        y, xs = _run(name, args, dtype, is_log)
        lit = f"{key}_{is_log}_{dtype}"
        want = np.array(LIT[lit], dtype)
        assert y.dtype == want.dtype and y.shape == want.shape
        np.testing.assert_allclose(y.asnumpy(), want, rtol=2e-6 if dtype == "float32" else 1e-13)
        for i, x in enumerate(xs):
            np.testing.assert_allclose(x.grad.asnumpy(), np.array(LIT[f"{lit}_g{i}"], dtype),
                                       rtol=GRAD_RTOL[dtype], atol=1e-7)


def _scipy_logpdf(key, x, ps):
    st = pytest.importorskip("scipy.stats")
    if key == "uniform":
        return -np.log(ps[1] - ps[0]) + 0 * x       # MXNet checks no support
    if key == "normal":
        return st.norm.logpdf(x, ps[0], ps[1])
    if key == "gamma":
        return st.gamma.logpdf(x, ps[0], scale=1 / ps[1])
    if key == "expo":
        return st.expon.logpdf(x, scale=1 / ps[0])
    if key == "poisson":
        return st.poisson.logpmf(x, ps[0])
    if key == "nb":
        return st.nbinom.logpmf(x, ps[0], ps[1])
    if key == "gnb":
        return st.nbinom.logpmf(x, 1 / ps[1], 1 / (ps[0] * ps[1] + 1))
    raise KeyError(key)


@pytest.mark.parametrize("key", ["uniform", "normal", "gamma", "expo", "poisson", "nb", "gnb"])
def test_float64_against_scipy(key):
    name, args = CASES[key]
    rng = np.random.RandomState(0)
    x = np.asarray(args[0], np.float64)
    ps = [np.asarray(p, np.float64) for p in args[1:]]
    if key in ("normal", "gamma", "expo"):
        x = rng.uniform(0.05, 3.0, size=(2, 5))
    want = _scipy_logpdf(key, x, [p[:, None] for p in ps])
    xs = [nd.array(a, dtype="float64") for a in [x] + ps]
    lp = getattr(nd, name)(*xs, is_log=True).asnumpy()
    np.testing.assert_allclose(lp, want, rtol=1e-7)     # normal: MXNet's float pi, 1.4e-8
    np.testing.assert_allclose(getattr(nd, name)(*xs).asnumpy(), np.exp(want), rtol=1e-7)


def test_dirichlet_against_scipy():
    st = pytest.importorskip("scipy.stats")
    x = np.array(D)
    a = np.array([[1.0, 2, 3], [0.5, 0.5, 2]])
    y = nd.random_pdf_dirichlet(nd.array(x, dtype="float64"), nd.array(a, dtype="float64"),
                                is_log=True).asnumpy()
    want = [[st.dirichlet.logpdf(x[i, j], a[i]) for j in range(2)] for i in range(2)]
    np.testing.assert_allclose(y, want, rtol=1e-12)


def test_gradients_to_second_order():
    rng = np.random.RandomState(1)
    x = nd.array(rng.uniform(0.2, 2.0, size=(2, 3)), dtype="float64")
    a = nd.array([1.5, 2.5], dtype="float64")
    b = nd.array([0.7, 1.3], dtype="float64")
    check_grads(lambda x, a, b: nd.random_pdf_gamma(x, a, b), [x, a, b], order=2)
    check_grads(lambda x, a: nd.random_pdf_exponential(x, a, is_log=True), [x, b], order=2)


def test_discrete_samples_get_zero_gradient_as_in_mxnet():
    for name, args in (CASES["poisson"], CASES["nb"], CASES["uniform"]):
        _, xs = _run(name, args, "float64", False)
        np.testing.assert_array_equal(xs[0].grad.asnumpy(), 0)


def test_float16_computes_in_float32():
    h = [nd.array(a, dtype="float16") for a in (S, P1, P2)]
    y = nd.random_pdf_normal(*h)
    assert y.dtype == np.float16
    want = nd.random_pdf_normal(*[a.astype("float32") for a in h]).asnumpy()
    np.testing.assert_array_equal(y.asnumpy(), want.astype(np.float16))
    # MXNet rounds its intermediates to half: within an ulp of float16
    mxnet = [0.1996, 0.1934, 0.1506, 0.07715, 0.1312, 0.05743]
    np.testing.assert_allclose(y.asnumpy().ravel(), mxnet, rtol=1e-3)


@pytest.mark.parametrize("call,msg", [
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((2, 1)), nd.ones((2, 1))),
     "Shape inconsistent, Provided = [2,1], inferred shape=[2,3]"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((1,)), nd.ones((1,))),
     "Shape inconsistent, Provided = [1], inferred shape=[2]"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((2,)), nd.ones((3,))),
     "Shape inconsistent, Provided = [3], inferred shape=[2]"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3)), nd.ones((2, 3, 1)), nd.ones((2, 3, 1))),
     "dimension of input samples (2) must be at least dimension of distribution parameters (3)"),
    (lambda: nd.random_pdf_dirichlet(nd.ones((2, 2, 3)), nd.ones((2, 2))),
     "Shape inconsistent, Provided = [2,2], inferred shape=[2,3]"),
    (lambda: nd.random_pdf_normal(nd.ones((2, 3), dtype="float64"), nd.ones((2,)), nd.ones((2,))),
     "expected float64, got float32"),
])
def test_shape_and_dtype_errors(call, msg):
    with pytest.raises(MXNetError) as e:
        call()
    assert msg in str(e.value)


def test_names_and_shapes():
    assert nd.random_pdf_normal is not None and nd._random_pdf_normal is not None
    assert not hasattr(nd.random, "pdf_normal")          # MXNet 1.9.1 has no random.pdf_*
    y = nd.random_pdf_dirichlet(nd.array([0.2, 0.3, 0.5]), nd.array([1.0, 2, 3]))
    assert y.shape == (1,)
    assert nd.random_pdf_dirichlet(nd.ones((2, 4, 3)) / 3, nd.ones((2, 4, 3))).shape == (2, 4)
