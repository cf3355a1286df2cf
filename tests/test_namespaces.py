"""Module namespaces that MXNet 1.x code reaches into."""
import pytest

import mxnb as mx


def test_nd_op_is_the_same_functions():
    assert mx.nd.op.exp is mx.nd.exp
    assert mx.nd.op.FullyConnected is mx.nd.FullyConnected
    x = mx.nd.array([0.0, 1.0])
    assert mx.nd.op.exp(x).asnumpy().tolist() == mx.nd.exp(x).asnumpy().tolist()
    assert "elemwise_add" in dir(mx.nd.op)
    with pytest.raises(AttributeError, match="no attribute 'not_an_op'"):
        mx.nd.op.not_an_op


def test_nd_random_exports_what_mxnet_does():
    # MXNet 1.9.1's callables in mx.nd.random, pinned:
    mxnet_names = ['NDArray', 'current_context', 'exponential', 'exponential_like', 'gamma',
                   'gamma_like', 'generalized_negative_binomial',
                   'generalized_negative_binomial_like', 'multinomial', 'negative_binomial',
                   'negative_binomial_like', 'normal', 'normal_like', 'poisson', 'poisson_like',
                   'randint', 'randn', 'shuffle', 'uniform', 'uniform_like']
    ours = sorted(n for n in dir(mx.nd.random)
                  if not n.startswith('_') and callable(getattr(mx.nd.random, n)))
    assert ours == mxnet_names
