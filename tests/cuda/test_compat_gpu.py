"""The MXNet-compat additions (ops/compat.py, ndarray/compat.py, optimizer ops) on mx.gpu()."""
import numpy as np
import pytest

import mxnb as mx

GPU = mx.gpu(0)


def _both(f, *hosts):
    cpu = f(*[mx.nd.array(h) for h in hosts])
    gpu = f(*[mx.nd.array(h, ctx=GPU) for h in hosts])
    cpu = cpu if isinstance(cpu, list) else [cpu]
    gpu = gpu if isinstance(gpu, list) else [gpu]
    for c, g in zip(cpu, gpu):
        assert g.context == GPU
        np.testing.assert_allclose(g.asnumpy(), c.asnumpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("f", [
    lambda x: mx.nd.BlockGrad(x) + mx.nd.add_n(x, x),
    lambda x: mx.nd.make_loss(x) * mx.nd.hard_sigmoid(x),
    lambda x: mx.nd.cumsum(x, axis=1),
    lambda x: mx.nd.linalg.inverse(x[:, :2] + mx.nd.array(np.eye(2) * 3, ctx=x.context)),
    lambda x: mx.nd.SequenceMask(x.reshape((2, 3, 1)), mx.nd.array([1, 2, 0], ctx=x.context),
                                 use_sequence_length=True),
    lambda x: mx.nd.softmin(x) + mx.nd.diag(x[:, :2]).reshape((1, 2)).sum(),
    lambda x: mx.nd.sgd_update(x, x * 0.5, lr=0.1, wd=0.01),
    lambda x: mx.nd.contrib.boolean_mask(x, mx.nd.array([0, 1], ctx=x.context)),
], ids=["blockgrad_add_n", "make_loss", "cumsum", "inverse", "sequence_mask", "softmin_diag",
        "sgd_update", "boolean_mask"])
def test_compat_on_gpu_matches_cpu(f):
    _both(f, np.random.RandomState(0).uniform(-1, 1, (2, 3)).astype(np.float32))
