"""mxnb.test_utils' MXNet-compatible helpers from test_utils_extra.py.

Literals marked "MXNet 1.9.1" were printed by the real mx.test_utils with the same NumPy
seeds (the helpers draw from NumPy's global RandomState, whose streams are stable).
"""
import numpy as np
import pytest

import mxnb as mx
from mxnb import test_utils as tu


def test_random_helpers_draw_as_mxnet():
    np.random.seed(3)
    assert tu.random_sample(list(range(10)), 4) == [5, 4, 1, 2]  # MXNet 1.9.1
    x, y = tu.rand_coord_2d(0, 100, 5, 50)
    assert (int(x), int(y)) == (10, 26) and np.asarray(x).dtype == np.int64
    a, b = tu.random_uniform_arrays((2,), (3,), low=-1.0, dtype=np.float64)
    assert a.round(6).tolist() == [-0.897066, -0.11838]
    assert b.round(6).tolist() == [-0.940248, -0.086334, 0.298288]
    assert tu.random_uniform_arrays((2, 2))[0].dtype == np.float32
    with pytest.raises(TypeError):
        tu.random_uniform_arrays((2,), scale=3)


def test_matrix_generators_as_mxnet():
    np.random.seed(5)
    m = tu.new_matrix_with_real_eigvals_2d(3)
    assert np.round(m, 8).tolist() == [  # MXNet 1.9.1
        [2.97804044, 0.25452388, 4.27013029], [0.14312602, 0.38072096, 0.1426327],
        [3.8369369, 0.22791482, -1.73623449]]
    assert np.isreal(np.linalg.eigvals(m)).all()
    np.random.seed(5)
    s = tu.new_sym_matrix_with_real_eigvals_nd((2, 2, 2))
    assert np.round(s, 8).tolist() == [[[5.24281984, -0.60599389], [-0.60599389, 0.44369704]],
                                       [[-2.49686724, 2.39541014], [2.39541014, -5.51075095]]]
    np.random.seed(5)
    q = tu.new_orthonormal_matrix_2d(2)
    assert np.round(q, 8).tolist() == [[-0.99236068, 0.12337049], [0.12337049, 0.99236068]]
    assert np.allclose(q @ q.T, np.eye(2))
    np.random.seed(5)
    assert np.round(tu.new_matrix_with_real_eigvals_nd((2, 2, 2)), 8).tolist() == [
        [[1.94717839, 1.05584007], [0.59372892, 0.05592265]],
        [[6.24954593, 2.16769749], [6.70198732, -3.16907607]]]


def test_tensor_helpers():
    m = tu.get_identity_mat(3)
    assert isinstance(m, mx.nd.NDArray) and m.dtype == np.float32
    assert np.array_equal(m.asnumpy(), np.eye(3))
    assert tu.get_identity_mat_batch(2).shape == (2, 2, 2)
    t = tu.create_2d_tensor(3, 2)
    assert t.dtype == np.int64 and t.asnumpy().tolist() == [[0, 0], [1, 1], [2, 2]]
    v = tu.create_vector(4, dtype=np.float32)
    assert v.dtype == np.float32 and v.asnumpy().tolist() == [0, 1, 2, 3]
    a = np.arange(24.0).reshape(2, 3, 4)
    assert tu.collapse_sum_like(a, (3, 1)).tolist() == [[60.0], [92.0], [124.0]]
    assert np.array_equal(tu.collapse_sum_like(a, (2, 1, 4)), a.sum(axis=1, keepdims=True))
    assert tu.collapse_sum_like(np.ones((2, 0)), (1, 0)).shape == (1, 0)


def test_same_array_and_defaults():
    x = mx.nd.ones((2, 3))
    assert tu.same_array(x, x) and tu.same_array(x, x[:])
    assert not tu.same_array(x, x.copy())
    assert x.asnumpy().tolist() == [[1, 1, 1], [1, 1, 1]]  # left as it was
    assert tu.default_dtype() is np.float32
    assert tu.default_numeric_eps() == {np.dtype(np.float16): 0.015625,
                                        np.dtype(np.float32): 0.001953125,
                                        np.dtype(np.float64): 6.103515625e-05}


def test_comparison_variants():
    tu.assert_almost_equal_ignore_nan(np.array([1.0, np.nan, 3]), np.array([1.0, 2.0, np.nan]))
    tu.assert_almost_equal_ignore_nan(mx.nd.array([1.0, np.nan]), mx.nd.array([1.0, 2.0]))
    with pytest.raises(AssertionError):
        tu.assert_almost_equal_ignore_nan(np.array([1.0, np.nan, 3]),
                                          np.array([1.5, 2.0, np.nan]))
    a, b = np.array([1.0, 2, 3, 9]), np.array([1.0, 2, 3, 4])
    tu.assert_almost_equal_with_err(a, b, etol=0.3)  # 1 of 4 off: rate 0.25
    for etol in (0.2, None):
        with pytest.raises(AssertionError):
            tu.assert_almost_equal_with_err(a, b, etol=etol)
    tu.compare_ndarray_tuple((mx.nd.ones(2), (np.zeros(1),)), (np.ones(2), (np.zeros(1),)))
    tu.compare_ndarray_tuple(None, 3)
    with pytest.raises(AssertionError):
        tu.compare_ndarray_tuple((mx.nd.ones(2), (np.zeros(1),)), (np.ones(2), (np.ones(1),)))


def test_moment_checks():
    np.random.seed(9)
    normal = lambda n: np.random.normal(0, 1.0, size=n)  # noqa: E731
    assert tu.mean_check(normal, 0, 1.0, nsamples=1000) is True  # MXNet 1.9.1: True, True
    assert tu.var_check(normal, 1.0, nsamples=1000) is True
    assert tu.mean_check(lambda n: np.random.normal(0.5, 1.0, size=n), 0, 1.0,
                         nsamples=1000) is False


def test_chi_square_checks():
    pytest.importorskip("scipy")
    b, p = tu.gen_buckets_probs_with_ppf(lambda q: q, 4)
    assert b == [(0.0, 0.25), (0.25, 0.5), (0.5, 0.75), (0.75, 1.0)] and p == [0.25] * 4
    np.random.seed(11)
    draws = np.random.uniform(0, 1, 2000)
    np.random.seed(11)
    pv, obs, exp = tu.chi_square_check(lambda n: np.random.uniform(0, 1, n), b, p, nsamples=2000)
    assert obs.tolist() == np.histogram(draws, bins=[0, 0.25, 0.5, 0.75, 1.0])[0].tolist()
    assert exp.tolist() == [500] * 4
    want = ((obs - 500.0) ** 2 / 500.0).sum()
    from scipy.stats import chi2
    assert abs(pv - chi2.sf(want, 3)) < 1e-12
    pv, obs, exp = tu.chi_square_check(lambda n: np.random.randint(0, 3, n), [0, 1, 2],
                                       [0.3, 0.3, 0.4], nsamples=1000)
    assert obs.sum() == 1000 and exp.tolist() == [300, 300, 400] and pv < 1e-3
    assert len(tu.verify_generator(lambda n: np.random.uniform(0, 1, n), b, p, nsamples=500,
                                   nrepeat=3)) == 3
    with pytest.raises(AssertionError, match="Generator test fails"):
        tu.verify_generator(lambda n: np.random.uniform(0, 0.5, n), b, p, nsamples=500,
                            nrepeat=3)


class _Executor:
    """The executor interface numeric_grad uses: arg_dict, aux_dict, forward, outputs."""

    def __init__(self, f, **args):
        self.f = f
        self.arg_dict = {k: mx.nd.array(v, dtype="float64") for k, v in args.items()}
        self.aux_dict = {}
        self.outputs = []

    def forward(self, is_train=False):
        self.outputs = [self.f(**self.arg_dict)]


def test_numeric_grad_with_an_executor():
    rng = np.random.RandomState(0)
    x, w = rng.randn(2, 3), rng.randn(3)
    exe = _Executor(lambda x, w: mx.nd.exp(x) * w, x=x, w=w)
    g = tu.numeric_grad(exe, {"x": x.copy(), "w": w.copy()}, eps=1e-6, dtype=np.float64)
    assert np.allclose(g["x"], np.exp(x) * w, rtol=1e-6)
    assert np.allclose(g["w"], np.exp(x).sum(axis=0), rtol=1e-6)
    assert np.array_equal(exe.arg_dict["x"].asnumpy(), x)  # the executor is left as it was


def test_simple_forward_needs_bind_and_env_helpers():
    with pytest.raises(NotImplementedError):
        tu.simple_forward(object(), x=np.ones(2))
    tu.setenv("MXNB_TEST_EXTRA_VAR", "7")
    assert tu.getenv("MXNB_TEST_EXTRA_VAR") == "7"
    tu.setenv("MXNB_TEST_EXTRA_VAR", None)
    assert tu.getenv("MXNB_TEST_EXTRA_VAR") is None


def test_small_utilities():
    a = np.array([[1.0, 4.0], [9.0, 16.0]])
    assert np.array_equal(tu.assign_each(a, np.sqrt), np.sqrt(a))
    assert tu.assign_each(a, None) is not a and np.array_equal(tu.assign_each(a, None), a)
    assert np.array_equal(tu.assign_each2(a, a, lambda x, y: x - 2 * y), -a)
    calls = []

    @tu.retry(3)
    def flaky():
        calls.append(1)
        assert len(calls) == 2

    flaky()
    assert len(calls) == 2

    @tu.retry(2)
    def always():
        assert False

    with pytest.raises(AssertionError):
        always()
    assert list(tu.list_gpus()) == list(range(mx.context.num_gpus()))
    with tu.discard_stderr():
        pass
    assert tu.is_op_runnable()
