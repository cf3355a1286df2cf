"""Detection, resampling and ROI ops on mx.gpu(): the CPU's numbers, gradients included (tiny
inputs: the simulator is slow). Device kernels since session 6, except box_nms,
bipartite_matching, MultiBoxTarget and MultiBoxDetection, which run through the host."""
import numpy as np

import mxnb as mx
from mxnb import autograd

C = mx.nd.contrib


def _run(ctx):
    rng = np.random.RandomState(0)
    boxes = mx.nd.array([[[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0.1, 0.1, 1.1, 1.1],
                          [1, 0.7, 0, 0, 1, 1]]], ctx=ctx)
    d = mx.nd.array(rng.rand(1, 2, 4, 5), ctx=ctx)
    rois = mx.nd.array([[0, 0, 0, 3, 2], [0, 1, 1, 4, 3]], ctx=ctx)
    for t in (boxes, d):
        t.attach_grad()
    with autograd.record():
        nms = C.box_nms(boxes, id_index=0)
        z = (C.ROIAlign(d, rois, (2, 2), 1.0).sum() + mx.nd.ROIPooling(d, rois, (2, 2), 1.0).sum()
             + (C.BilinearResize2D(d, height=3, width=2) ** 2).sum()
             + C.AdaptiveAvgPooling2D(d, output_size=2).sum() + (nms * nms).sum())
    z.backward()
    anchors = C.MultiBoxPrior(mx.nd.zeros((1, 1, 2, 2), ctx=ctx), sizes=(0.4,))
    iou = C.box_iou(anchors.reshape((-1, 4)), anchors.reshape((-1, 4)))
    for t in (nms, z, d.grad, boxes.grad, anchors, iou):
        assert t.context == ctx
    return [t.asnumpy() for t in (nms, z, d.grad, boxes.grad, anchors, iou)]


def test_detect_ops_on_gpu_match_cpu():
    for a, b in zip(_run(mx.gpu(0)), _run(mx.cpu(0))):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
