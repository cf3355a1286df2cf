"""ops/contrib_nlp.py and ops/contrib_hawkes.py on mx.gpu(): the forwards and fused backwards
run through the host fallback, the VJPs (create_graph=True) in mxnb ops on the device; all give
the CPU's numbers (BatchNorm-style moving statistics included)."""
import numpy as np

import mxnb as mx
from mxnb import autograd

C = mx.nd.contrib


def _grads(ctx, f, arrays, create_graph=False):
    xs = [mx.nd.array(a, ctx=ctx) for a in arrays]
    for x in xs:
        x.attach_grad()
    with autograd.record():
        y = f(*xs)
    if create_graph:
        gs = autograd.grad(y, xs, create_graph=True)
        return [y.asnumpy()] + [g.asnumpy() for g in gs]
    y.backward()
    return [y.asnumpy()] + [x.grad.asnumpy() for x in xs]


def _run(ctx):
    rng = np.random.RandomState(0)
    qkv, att = rng.uniform(-1, 1, (2, 1, 6)), rng.uniform(0, 1, (2, 2, 2))
    out = {}
    for cg in (False, True):
        out[f"qk{cg}"] = _grads(ctx, lambda a: C.interleaved_matmul_selfatt_qk(a, heads=2),
                                [qkv], cg)
        out[f"va{cg}"] = _grads(ctx, lambda a, b: C.interleaved_matmul_encdec_valatt(
            a, b, heads=2), [rng.uniform(-1, 1, (2, 1, 4)), att], cg)
    x = mx.nd.array(rng.uniform(-1, 1, (2, 2, 1)), ctx=ctx)
    mm, mv = mx.nd.zeros(2, ctx=ctx), mx.nd.ones(2, ctx=ctx)
    x.attach_grad()
    with autograd.record():
        y = C.SyncBatchNorm(x, mx.nd.ones(2, ctx=ctx), mx.nd.zeros(2, ctx=ctx), mm, mv, key="g",
                            output_mean_var=True)
    y[0].backward()
    out["sync"] = [o.asnumpy() for o in y] + [x.grad.asnumpy(), mm.asnumpy(), mv.asnumpy()]
    out["bnrelu"] = [C.BatchNormWithReLU(x, mx.nd.ones(2, ctx=ctx), mx.nd.zeros(2, ctx=ctx),
                                         mx.nd.zeros(2, ctx=ctx), mx.nd.ones(2, ctx=ctx)).asnumpy()]
    ll, s = C.hawkesll(mx.nd.ones((1, 1), ctx=ctx), mx.nd.array([0.5], ctx=ctx),
                       mx.nd.array([1.], ctx=ctx), mx.nd.zeros((1, 1), ctx=ctx),
                       mx.nd.array([[1.]], ctx=ctx), mx.nd.array([[0]], dtype="int32", ctx=ctx),
                       mx.nd.array([1.], ctx=ctx), mx.nd.array([2.], ctx=ctx))
    out["hawkes"] = [ll.asnumpy(), s.asnumpy()]
    return out


def test_contrib_nlp_on_gpu_match_cpu():
    gpu, cpu = _run(mx.gpu()), _run(mx.cpu())
    for k in cpu:
        for a, b in zip(gpu[k], cpu[k]):
            np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7, err_msg=k)
