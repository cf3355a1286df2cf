"""potrf, trsm, syevd, gelqf, extracttrian on gpu(0): forwards and fused backwards go
through the host (`cuda_launch.host_fallback` / `host_backward`; extracttrian has device kernels
since session 6), VJPs (create_graph) build their masks on the device; all give the CPU's
numbers."""
import numpy as np
import pytest

import mxnb as mx

pytestmark = pytest.mark.cudasim
la = mx.nd.linalg


def _run(ctx, create_graph):
    rng = np.random.RandomState(0)
    a = rng.uniform(-1, 1, (2, 3, 3))
    k = mx.nd.array(a @ np.swapaxes(a, -1, -2) + 3 * np.eye(3), ctx=ctx, dtype="float64")
    y = mx.nd.array(rng.uniform(-1, 1, (2, 3, 1)), ctx=ctx, dtype="float64")
    g = mx.nd.array(rng.uniform(-1, 1, (2, 3)), ctx=ctx, dtype="float64")
    for t in (k, y, g):
        t.attach_grad()
    with mx.autograd.record():
        low = la.potrf(k)
        z = la.trsm(low, y)
        u, lam = la.syevd(k)
        q, r = la.gelqf(g)
        v = (mx.nd.sum(z * z) + mx.nd.sum(la.sumlogdiag(low)) + mx.nd.sum(lam * lam)
             + mx.nd.sum(u * u * u) + mx.nd.sum(q[:1] * q[1:]) + mx.nd.sum(r ** 3)
             + mx.nd.sum(la.extracttrian(k, offset=-1) ** 2))
    grads = mx.autograd.grad(v, [k, y, g], create_graph=create_graph)
    outs = [v] + list(grads)
    assert all(t.context == ctx for t in outs)
    return [t.asnumpy() for t in outs]


@pytest.mark.parametrize("create_graph", [False, True])
def test_linalg_la_on_gpu_matches_cpu(create_graph):
    for a, b in zip(_run(mx.gpu(0), create_graph), _run(mx.cpu(0), create_graph)):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)
