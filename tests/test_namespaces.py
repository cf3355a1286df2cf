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


def test_nd_internal_resolves_mxnet_internal_names():
    x = mx.nd.array([1.0, 2.0])
    assert mx.nd._internal._plus_scalar is mx.nd._plus_scalar
    assert mx.nd._internal._PlusScalar(x, scalar=1).asnumpy().tolist() == [2.0, 3.0]
    assert mx.nd._internal._RDivScalar(x, scalar=1).asnumpy().tolist() == [1.0, 0.5]
    assert mx.nd._internal._Greater_Equal(x, x).asnumpy().tolist() == [1.0, 1.0]
    assert mx.nd._internal._Plus(x, x).asnumpy().tolist() == [2.0, 4.0]
    assert mx.nd._internal._zeros(shape=(2,)).asnumpy().tolist() == [0.0, 0.0]
    assert mx.nd._internal._adamw_update is mx.nd.contrib.adamw_update
    with pytest.raises(AttributeError, match="no attribute '_not_an_op'"):
        mx.nd._internal._not_an_op
