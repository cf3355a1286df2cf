"""mx.nd's two-operand helpers with two Python numbers, and `**=` (MXNet 1.9.1 literals)."""
import mxnb as mx


def test_two_numbers_give_the_python_result():
    nd = mx.nd
    got = [nd.maximum(1, 2), nd.divide(1, 2), nd.equal(2, 2), nd.power(2, 3), nd.modulo(7, 3),
           nd.add(1, 2.5), nd.lesser(1, 2), nd.subtract(1, 2), nd.logical_and(2, 3),
           nd.logical_or(0, 0), nd.logical_xor(1, 0), nd.minimum(1, 2.5), nd.greater(1, 2),
           nd.not_equal(1, 2), nd.greater_equal(2, 2), nd.lesser_equal(3, 2), nd.multiply(2, 3),
           nd.modulo(-7, 3), nd.maximum(2.0, 2)]
    # MXNet 1.9.1 prints: [2, 0.5, 1, 8, 1, 3.5, 1, -1, 1, 0, 1, 1, 0, 1, 1, 0, 6, 2, 2]
    assert repr(got) == "[2, 0.5, 1, 8, 1, 3.5, 1, -1, 1, 0, 1, 1, 0, 1, 1, 0, 6, 2, 2]"


def test_ipow_rebinds_as_in_mxnet():
    a = mx.nd.ones((2,)) * 3
    b = a
    a **= 2
    assert a is not b  # MXNet 1.9.1: False for `a is b`
    assert b.asnumpy().tolist() == [3.0, 3.0] and a.asnumpy().tolist() == [9.0, 9.0]
