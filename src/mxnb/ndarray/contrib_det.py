"""`mx.nd.contrib` deformable convolutions and the remaining detection ops: thin names over
the `_contrib_*` ops of ops/contrib_det.py and ops/contrib_det_roi.py.

>>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
>>> mx.nd.contrib.DeformableConvolution(x, mx.nd.zeros((1, 8, 2, 2)), w, kernel=(2, 2),
...                                     num_filter=1, no_bias=True).shape
(1, 1, 2, 2)
"""
from . import _api as nd

__all__ = ["DeformableConvolution", "ModulatedDeformableConvolution", "PSROIPooling",
           "DeformablePSROIPooling", "Proposal", "MultiProposal", "RROIAlign"]


def DeformableConvolution(data=None, offset=None, weight=None, bias=None, kernel=None, stride=(),
                          dilate=(), pad=(), num_filter=None, num_group=1,
                          num_deformable_group=1, workspace=1024, no_bias=False, layout=None,
                          out=None, name=None):
    """2-D deformable convolution; offset is (N, DG * KH * KW * 2, OH, OW), [dh, dw] per tap.

    >>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
    >>> mx.nd.contrib.DeformableConvolution(x, mx.nd.zeros((1, 8, 2, 2)), w, kernel=(2, 2),
    ...                                     num_filter=1, no_bias=True).asnumpy().ravel()
    array([4., 4., 4., 4.], dtype=float32)
    """
    ins = [data, offset, weight] + ([] if bias is None else [bias])
    return nd._contrib_DeformableConvolution(
        *ins, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_filter=num_filter,
        num_group=num_group, num_deformable_group=num_deformable_group, workspace=workspace,
        no_bias=no_bias, layout=layout, out=out)


def ModulatedDeformableConvolution(data=None, offset=None, mask=None, weight=None, bias=None,
                                   kernel=None, stride=(), dilate=(), pad=(), num_filter=None,
                                   num_group=1, num_deformable_group=1, workspace=1024,
                                   no_bias=False, im2col_step=64, layout=None, out=None,
                                   name=None):
    """DCNv2: the deformable convolution with each sample scaled by mask (N, DG*KH*KW, OH, OW).

    >>> x = mx.nd.ones((1, 1, 3, 3)); w = mx.nd.ones((1, 1, 2, 2))
    >>> m = mx.nd.full((1, 4, 2, 2), 0.5)
    >>> mx.nd.contrib.ModulatedDeformableConvolution(
    ...     x, mx.nd.zeros((1, 8, 2, 2)), m, w, kernel=(2, 2), num_filter=1,
    ...     no_bias=True).asnumpy().ravel()
    array([2., 2., 2., 2.], dtype=float32)
    """
    ins = [data, offset, mask, weight] + ([] if bias is None else [bias])
    return nd._contrib_ModulatedDeformableConvolution(
        *ins, kernel=kernel, stride=stride, dilate=dilate, pad=pad, num_filter=num_filter,
        num_group=num_group, num_deformable_group=num_deformable_group, workspace=workspace,
        no_bias=no_bias, im2col_step=im2col_step, layout=layout, out=out)


def PSROIPooling(data=None, rois=None, spatial_scale=None, output_dim=None, pooled_size=None,
                 group_size=0, out=None, name=None):
    """Position-sensitive average pooling (R-FCN) of rois [batch, x1, y1, x2, y2].

    >>> x = mx.nd.ones((1, 8, 4, 4)); r = mx.nd.array([[0, 0, 0, 3, 3]])
    >>> mx.nd.contrib.PSROIPooling(x, r, spatial_scale=1.0, output_dim=2, pooled_size=2).shape
    (1, 2, 2, 2)
    """
    return nd._contrib_PSROIPooling(data, rois, spatial_scale=spatial_scale,
                                    output_dim=output_dim, pooled_size=pooled_size,
                                    group_size=group_size, out=out)


def DeformablePSROIPooling(data=None, rois=None, trans=None, spatial_scale=None, output_dim=None,
                           group_size=None, pooled_size=None, part_size=0, sample_per_part=1,
                           trans_std=0.0, no_trans=False, out=None, name=None):
    """Deformable PSROIPooling: bins moved by trans (R, 2 * classes, part, part) * trans_std.

    >>> x = mx.nd.ones((1, 8, 4, 4)); r = mx.nd.array([[0, 0, 0, 3, 3]])
    >>> mx.nd.contrib.DeformablePSROIPooling(x, r, spatial_scale=1.0, output_dim=2,
    ...                                      group_size=2, pooled_size=2, no_trans=True).shape
    (1, 2, 2, 2)
    """
    ins = [data, rois] + ([] if trans is None else [trans])
    return nd._contrib_DeformablePSROIPooling(
        *ins, spatial_scale=spatial_scale, output_dim=output_dim, group_size=group_size,
        pooled_size=pooled_size, part_size=part_size, sample_per_part=sample_per_part,
        trans_std=trans_std, no_trans=no_trans, out=out)


def Proposal(cls_prob=None, bbox_pred=None, im_info=None, rpn_pre_nms_top_n=6000,
             rpn_post_nms_top_n=300, threshold=0.7, rpn_min_size=16,
             scales=(4.0, 8.0, 16.0, 32.0), ratios=(0.5, 1.0, 2.0), feature_stride=16,
             output_score=False, iou_loss=False, out=None, name=None):
    """RPN proposals of one image: rows [0, x1, y1, x2, y2] (and scores with output_score).

    >>> cls = mx.nd.ones((1, 2, 2, 2)); deltas = mx.nd.zeros((1, 4, 2, 2))
    >>> mx.nd.contrib.Proposal(cls, deltas, mx.nd.array([[32, 32, 1]]), scales=(1.0,),
    ...     ratios=(1.0,), rpn_post_nms_top_n=2).shape
    (2, 5)
    """
    return nd._contrib_Proposal(
        cls_prob, bbox_pred, im_info, rpn_pre_nms_top_n=rpn_pre_nms_top_n,
        rpn_post_nms_top_n=rpn_post_nms_top_n, threshold=threshold, rpn_min_size=rpn_min_size,
        scales=scales, ratios=ratios, feature_stride=feature_stride, output_score=output_score,
        iou_loss=iou_loss, out=out)


def MultiProposal(cls_prob=None, bbox_pred=None, im_info=None, rpn_pre_nms_top_n=6000,
                  rpn_post_nms_top_n=300, threshold=0.7, rpn_min_size=16,
                  scales=(4.0, 8.0, 16.0, 32.0), ratios=(0.5, 1.0, 2.0), feature_stride=16,
                  output_score=False, iou_loss=False, out=None, name=None):
    """RPN proposals of each image: rows [batch, x1, y1, x2, y2] (and scores).

    >>> cls = mx.nd.ones((1, 2, 2, 2)); deltas = mx.nd.zeros((1, 4, 2, 2))
    >>> mx.nd.contrib.MultiProposal(cls, deltas, mx.nd.array([[32, 32, 1]]), scales=(1.0,),
    ...     ratios=(1.0,), rpn_post_nms_top_n=2).shape
    (2, 5)
    """
    return nd._contrib_MultiProposal(
        cls_prob, bbox_pred, im_info, rpn_pre_nms_top_n=rpn_pre_nms_top_n,
        rpn_post_nms_top_n=rpn_post_nms_top_n, threshold=threshold, rpn_min_size=rpn_min_size,
        scales=scales, ratios=ratios, feature_stride=feature_stride, output_score=output_score,
        iou_loss=iou_loss, out=out)


def RROIAlign(data=None, rois=None, pooled_size=None, spatial_scale=None, sampling_ratio=-1,
              out=None, name=None):
    """Rotated ROIAlign of rois [batch, x_center, y_center, width, height, angle in degrees].

    >>> x = mx.nd.ones((1, 1, 4, 4)); r = mx.nd.array([[0, 2, 2, 2, 2, 45]])
    >>> mx.nd.contrib.RROIAlign(x, r, pooled_size=(2, 2), spatial_scale=1.0).asnumpy().ravel()
    array([1., 1., 1., 1.], dtype=float32)
    """
    return nd._contrib_RROIAlign(data, rois, pooled_size=pooled_size,
                                 spatial_scale=spatial_scale, sampling_ratio=sampling_ratio,
                                 out=out)
