"""mx.test_utils: gradient checks catch wrong gradients, comparisons, seeded tests."""
import numpy as np
import pytest

import mxnb as mx
from mxnb import autograd as ag
from mxnb.test_utils import (almost_equal, assert_almost_equal, check_grads,
                             check_numeric_gradient, with_seed)

nd = mx.nd


def f64(values):
    return nd.array(values, dtype="float64")


class WrongExp(ag.Function):
    """exp with a backward that is off by a factor of two."""

    def forward(self, x):
        return nd.exp(x)

    def backward(self, dy):
        return dy * nd.exp(x_of(self)) * 2


class RightExpFunction(ag.Function):
    """exp with a correct first derivative; a Function is not differentiable twice."""

    def forward(self, x):
        self.save_for_backward(x)
        return nd.exp(x)

    def backward(self, dy):
        x, = self.saved_tensors
        return dy * nd.exp(x)


def x_of(func):
    return func.x


def wrong_exp(x):
    f = WrongExp()
    f.x = x
    return f(x)


@pytest.mark.parametrize("order", [1, 2, 3])
def test_correct_gradients_pass(order):
    a, b = f64([0.3, -0.8, 1.2]), f64([1.5, 0.4, 0.9])
    check_grads(lambda x, y: nd.sin(x) * nd.exp(y) + x * y * y, [a, b], order=order)
    check_grads(lambda x: [nd.tanh(x), x * x], [a], order=order)


def test_a_wrong_first_derivative_is_caught():
    with pytest.raises(AssertionError, match="order-1 gradient mismatch"):
        check_grads(wrong_exp, [f64([0.1, 0.5])], order=1)


def test_a_wrong_second_derivative_is_caught():
    check_grads(lambda x: RightExpFunction()(x), [f64([0.1, 0.5])], order=1)
    with pytest.raises(AssertionError, match="order-2 gradient mismatch"):
        check_grads(lambda x: RightExpFunction()(x), [f64([0.1, 0.5])], order=2)


def test_a_wrong_vjp_in_the_head_gradient_is_caught():
    class SquaredHead(ag.Function):
        # right at head gradient 1, wrong elsewhere: only random head gradients catch it
        def forward(self, x):
            self.save_for_backward(x)
            return x * 3

        def backward(self, dy):
            return dy * dy * 3

    with pytest.raises(AssertionError, match="order-1"):
        check_grads(lambda x: SquaredHead()(x), [f64([0.1, 0.5])], order=1)


def test_given_head_gradients_and_wrt():
    a, idx = f64([0.5, 1.0, 2.0]), f64([0, 2, 1])
    check_grads(lambda x, i: x * i, [a, idx], order=2, wrt=[0], head_grads=[f64([1, 2, 3])])


def test_linear_functions_check_to_any_order():
    check_grads(lambda x: x * 3 + 1, [f64([0.5, 1.0])], order=3)


def test_check_numeric_gradient_takes_numpy_locations():
    check_numeric_gradient(lambda x: nd.log(x) * x, [np.array([0.5, 2.0])])
    with pytest.raises(AssertionError):
        check_numeric_gradient(wrong_exp, np.array([0.5, 2.0]))


def test_assert_almost_equal_defaults_follow_the_dtype():
    assert_almost_equal(nd.array([1.0, 2.0]), np.array([1.00005, 2.0], dtype=np.float32))
    with pytest.raises(AssertionError, match="exceeds tolerance"):
        assert_almost_equal(f64([1.0, 2.0]), np.array([1.00005, 2.0]))
    assert_almost_equal(f64([1.0, 2.0]), np.array([1.000005, 2.0]))


def test_assert_almost_equal_names_the_worst_element():
    with pytest.raises(AssertionError) as e:
        assert_almost_equal(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.5, 4.0]]),
                            rtol=1e-6, atol=1e-6, names=("mine", "ref"))
    msg = str(e.value)
    assert "(1, 0)" in msg and "mine=3.0" in msg and "ref=3.5" in msg


def test_assert_almost_equal_shapes_and_nan():
    with pytest.raises(AssertionError, match="shape mismatch"):
        assert_almost_equal(np.ones(3), np.ones(2))
    with pytest.raises(AssertionError, match="shape mismatch"):
        assert_almost_equal(np.ones((2, 3)), np.ones(3), use_broadcast=False)
    assert_almost_equal(np.ones((2, 3)), np.ones(3))
    with pytest.raises(AssertionError):
        assert_almost_equal(np.array([np.nan]), np.array([np.nan]))
    assert_almost_equal(np.array([np.nan]), np.array([np.nan]), equal_nan=True)


def test_almost_equal():
    assert almost_equal(np.array([1.0]), np.array([1.000001]))
    assert not almost_equal(np.array([1.0]), np.array([1.001]))


def test_with_seed_fixes_the_streams():
    draws = []

    @with_seed(1234)
    def draw():
        draws.append((np.random.rand(), __import__("random").random()))

    draw()
    draw()
    assert draws[0] == draws[1]


def test_with_seed_takes_mxnet_test_seed(monkeypatch):
    monkeypatch.setenv("MXNET_TEST_SEED", "77")
    seen = []

    @with_seed()
    def draw():
        seen.append(np.random.rand())

    draw()
    np.random.seed(77)
    assert seen == [np.random.rand()]


def test_with_seed_reports_the_seed_of_a_failing_test(capsys, monkeypatch):
    monkeypatch.delenv("MXNET_TEST_SEED", raising=False)

    @with_seed()
    def test_fails():
        assert np.random.rand() > 2

    with pytest.raises(AssertionError) as e:
        test_fails()
    out = capsys.readouterr().out
    seed = int(out.split("MXNET_TEST_SEED=")[1].split()[0])
    assert "test_fails failed with seed" in out
    if hasattr(e.value, "__notes__"):
        assert f"MXNET_TEST_SEED={seed}" in e.value.__notes__[0]
    # the reported seed reproduces the failing draw
    monkeypatch.setenv("MXNET_TEST_SEED", str(seed))
    values = []

    @with_seed()
    def again():
        values.append(np.random.rand())

    again()
    np.random.seed(seed)
    assert values == [np.random.rand()]


def test_with_seed_passes_results_and_is_silent_on_success(capsys):
    @with_seed(5)
    def ok(a, b=2):
        return a + b

    assert ok(1, b=3) == 4
    assert capsys.readouterr().out == ""
