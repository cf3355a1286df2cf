"""`mx.nd.contrib` detection, resampling and SSD functions: thin names over the `_contrib_*`
ops of ops/detect.py, ops/resample.py, ops/roi.py and ops/multibox.py.

>>> a = mx.nd.array([[0, 0, 2, 2]]); b = mx.nd.array([[1, 1, 3, 3]])
>>> mx.nd.contrib.box_iou(a, b).asnumpy().tolist()
[[0.1428571492433548]]
"""
from . import _api as nd

__all__ = ["box_iou", "box_nms", "box_non_maximum_suppression", "box_encode", "box_decode",
           "bipartite_matching", "BilinearResize2D", "AdaptiveAvgPooling2D", "ROIAlign",
           "MultiBoxPrior", "MultiBoxTarget", "MultiBoxDetection"]


def box_iou(lhs=None, rhs=None, format="corner", out=None, name=None):
    """IoU of every box of `lhs` (..., 4) with every box of `rhs` (..., 4)."""
    return nd._contrib_box_iou(lhs, rhs, format=format, out=out)


def box_nms(data=None, overlap_thresh=0.5, valid_thresh=0.0, topk=-1, coord_start=2,
            score_index=1, id_index=-1, background_id=-1, force_suppress=False,
            in_format="corner", out_format="corner", out=None, name=None):
    """Non-maximum suppression of boxes (..., num_boxes, width); see ops/detect.py.

    >>> x = mx.nd.array([[0, 0.9, 0, 0, 1, 1], [0, 0.8, 0, 0, 1, 1]])
    >>> mx.nd.contrib.box_nms(x, id_index=0).asnumpy()[:, 1].tolist()
    [0.8999999761581421, -1.0]
    """
    return nd._contrib_box_nms(data, overlap_thresh=overlap_thresh, valid_thresh=valid_thresh,
                               topk=topk, coord_start=coord_start, score_index=score_index,
                               id_index=id_index, background_id=background_id,
                               force_suppress=force_suppress, in_format=in_format,
                               out_format=out_format, out=out)


box_non_maximum_suppression = box_nms


def box_encode(samples=None, matches=None, anchors=None, refs=None, means=None, stds=None,
               out=None, name=None):
    """(targets, masks) of anchors (B, N, 4) matched to refs (B, M, 4)."""
    return nd._contrib_box_encode(samples, matches, anchors, refs, means, stds, out=out)


def box_decode(data=None, anchors=None, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
               format="center", out=None, name=None):
    """Corner boxes (B, N, 4) decoded from offsets `data` relative to `anchors` (1, N, 4)."""
    return nd._contrib_box_decode(data, anchors, std0=std0, std1=std1, std2=std2, std3=std3,
                                  clip=clip, format=format, out=out)


def bipartite_matching(data=None, is_ascend=False, threshold=None, topk=-1, out=None,
                       name=None):
    """Greedy matching of scores (..., R, C): [row -> col (..., R), col -> row (..., C)]."""
    return nd._contrib_bipartite_matching(data, is_ascend=is_ascend, threshold=threshold,
                                          topk=topk, out=out)


def BilinearResize2D(data=None, like=None, height=1, width=1, scale_height=None,
                     scale_width=None, mode="size", align_corners=True, out=None, name=None):
    """Bilinear resize of NCHW `data` (see ops/resample.py for the size rules).

    >>> mx.nd.contrib.BilinearResize2D(mx.nd.ones((1, 1, 2, 2)), height=3, width=3).shape
    (1, 1, 3, 3)
    """
    return nd._contrib_BilinearResize2D(data, like, height=height, width=width,
                                        scale_height=scale_height, scale_width=scale_width,
                                        mode=mode, align_corners=align_corners, out=out)


def AdaptiveAvgPooling2D(data=None, output_size=(), out=None, name=None):
    """Average pooling of NCHW `data` to `output_size` (int or (h, w)).

    >>> mx.nd.contrib.AdaptiveAvgPooling2D(mx.nd.ones((1, 1, 5, 5)), output_size=2).shape
    (1, 1, 2, 2)
    """
    return nd._contrib_AdaptiveAvgPooling2D(data, output_size=output_size, out=out)


def ROIAlign(data=None, rois=None, pooled_size=None, spatial_scale=None, sample_ratio=-1,
             position_sensitive=False, aligned=False, out=None, name=None):
    """Average of bilinear samples over each roi bin (Mask R-CNN); see ops/roi.py.

    >>> x = mx.nd.arange(16).reshape((1, 1, 4, 4))
    >>> y = mx.nd.contrib.ROIAlign(x, mx.nd.array([[0, 0, 0, 2, 2]]), (1, 1), 1.0)
    >>> y.asnumpy().ravel()
    array([5.], dtype=float32)
    """
    return nd._contrib_ROIAlign(data, rois, pooled_size=pooled_size, spatial_scale=spatial_scale,
                                sample_ratio=sample_ratio, position_sensitive=position_sensitive,
                                aligned=aligned, out=out)


def MultiBoxPrior(data=None, sizes=(1.0,), ratios=(1.0,), clip=False, steps=(-1.0, -1.0),
                  offsets=(0.5, 0.5), out=None, name=None):
    """SSD anchors (1, H*W*(len(sizes)+len(ratios)-1), 4) for a feature map (N, C, H, W).

    >>> mx.nd.contrib.MultiBoxPrior(mx.nd.zeros((1, 3, 2, 2)), sizes=(0.5,)).shape
    (1, 4, 4)
    """
    return nd._contrib_MultiBoxPrior(data, sizes=sizes, ratios=ratios, clip=clip, steps=steps,
                                     offsets=offsets, out=out)


def MultiBoxTarget(anchor=None, label=None, cls_pred=None, overlap_threshold=0.5,
                   ignore_label=-1.0, negative_mining_ratio=-1.0, negative_mining_thresh=0.5,
                   minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2), out=None,
                   name=None):
    """SSD training targets [loc_target (B, 4A), loc_mask (B, 4A), cls_target (B, A)]."""
    return nd._contrib_MultiBoxTarget(anchor, label, cls_pred,
                                      overlap_threshold=overlap_threshold,
                                      ignore_label=ignore_label,
                                      negative_mining_ratio=negative_mining_ratio,
                                      negative_mining_thresh=negative_mining_thresh,
                                      minimum_negative_samples=minimum_negative_samples,
                                      variances=variances, out=out)


def MultiBoxDetection(cls_prob=None, loc_pred=None, anchor=None, clip=True, threshold=0.01,
                      background_id=0, nms_threshold=0.5, force_suppress=False,
                      variances=(0.1, 0.1, 0.2, 0.2), nms_topk=-1, out=None, name=None):
    """SSD detections (B, A, 6): [id, score, xmin, ymin, xmax, ymax], -1 rows unused."""
    return nd._contrib_MultiBoxDetection(cls_prob, loc_pred, anchor, clip=clip,
                                         threshold=threshold, background_id=background_id,
                                         nms_threshold=nms_threshold,
                                         force_suppress=force_suppress, variances=variances,
                                         nms_topk=nms_topk, out=out)
