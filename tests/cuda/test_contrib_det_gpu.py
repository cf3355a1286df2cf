"""Deformable convolutions, (deformable) PSROIPooling and Proposal on mx.gpu(): they run
through the host fallback and give the CPU's numbers, gradients included (tiny inputs:
the simulator is slow)."""
import numpy as np

import mxnb as mx
from mxnb import autograd

C = mx.nd.contrib


def _run(ctx):
    rs = np.random.RandomState(0)
    a = lambda *s: mx.nd.array(rs.uniform(-1, 1, s), ctx=ctx)  # noqa: E731
    x, off, m, w = a(1, 2, 3, 3), a(1, 8, 2, 2), a(1, 4, 2, 2), a(2, 2, 2, 2)
    d, trans = a(1, 8, 4, 4), a(1, 4, 2, 2)
    rois = mx.nd.array([[0, 0, 0, 3, 2]], ctx=ctx)
    for t in (x, off, m, w, d, trans):
        t.attach_grad()
    with autograd.record():
        z = (C.DeformableConvolution(x, off, w, kernel=(2, 2), num_filter=2, no_bias=True).sum()
             + C.ModulatedDeformableConvolution(x, off, m, w, kernel=(2, 2), num_filter=2,
                                                no_bias=True).sum()
             + C.PSROIPooling(d, rois, spatial_scale=1.0, output_dim=2, pooled_size=2).sum()
             + C.DeformablePSROIPooling(d, rois, trans, spatial_scale=1.0, output_dim=2,
                                        group_size=2, pooled_size=2, trans_std=0.1).sum())
    z.backward()
    prop = C.Proposal(mx.nd.array(rs.uniform(0, 1, (1, 2, 2, 2)), ctx=ctx),
                      mx.nd.zeros((1, 4, 2, 2), ctx=ctx), mx.nd.array([[32, 32, 1]], ctx=ctx),
                      scales=(1.0,), ratios=(1.0,), rpn_post_nms_top_n=2, rpn_min_size=1)
    outs = (z, x.grad, off.grad, m.grad, w.grad, d.grad, trans.grad, prop)
    for t in outs:
        assert t.context == ctx
    return [t.asnumpy() for t in outs]


def test_contrib_det_ops_on_gpu_match_cpu():
    for a, b in zip(_run(mx.gpu(0)), _run(mx.cpu(0))):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
