"""`mx.nd.contrib.Proposal` and `MultiProposal`: region proposals of a Faster R-CNN RPN.

MXNet 1.9.1's CPU rules, checked against it (all in float32, MXNet's real_t):

* anchors: base box (0, 0, s - 1, s - 1) for feature_stride s; for each ratio (outer) and
  scale (inner) a box of width floor(sqrt(floor(s^2 / ratio)) + 0.5) * scale and height
  floor(width / scale * ratio + 0.5) * scale around the base centre; shifted by
  (w * s, h * s) to every feature-map cell; proposal i = (h * W + w) * A + a.
* each anchor is moved by its deltas (centre / log-size, or corner offsets with iou_loss),
  clipped to the image (im_info = [height, width, scale]); cells at or past
  im_info[:2] / s get score -1; boxes smaller than rpn_min_size * scale get score -1 and
  grow by min_size / 2 on each side.
* sorted by score, highest first (ties keep the proposal order: [FIX] MXNet's std::sort
  leaves them unspecified), cut to rpn_pre_nms_top_n, then greedy NMS with pixel areas
  (x2 - x1 + 1) * (y2 - y1 + 1) keeping IoU <= threshold, up to rpn_post_nms_top_n.
* output rows [batch, x1, y1, x2, y2], rpn_post_nms_top_n per image (even when
  rpn_pre_nms_top_n is smaller; when fewer survive, the kept boxes repeat in order) and,
  with output_score, their scores (rows, 1).
* No gradient (MXNet's backward writes zeros).

The NMS is not ops/detect.py's: box_nms measures boxes without the +1 pixel convention.
"""
import numpy as np

from ..base import MXNetError
from .basic import _host
from .registry import Op, fmt_shape, register

_F32 = np.float32


def anchors(stride, scales, ratios):
    """The A = len(ratios) * len(scales) base anchors (A, 4) of MXNet's GenerateAnchors."""
    f = _F32
    w = h = f(stride)
    xc = yc = f(0) + f(0.5) * (w - f(1))
    out = []
    for r in ratios:
        for s in scales:
            size_r = np.floor(w * h / f(r))
            nw = np.floor(np.sqrt(size_r) + f(0.5)) * f(s)
            nh = np.floor(nw / f(s) * f(r) + f(0.5)) * f(s)
            out.append([xc - f(0.5) * (nw - f(1)), yc - f(0.5) * (nh - f(1)),
                        xc + f(0.5) * (nw - f(1)), yc + f(0.5) * (nh - f(1))])
    return np.array(out, _F32)


def _floats(v):
    return tuple(float(np.float32(a)) for a in ((v,) if np.isscalar(v) else v))


def _params(attrs):
    p = dict(pre=int(attrs["rpn_pre_nms_top_n"]), post=int(attrs["rpn_post_nms_top_n"]),
             thresh=_F32(attrs["threshold"]), min_size=_F32(attrs["rpn_min_size"]),
             scales=_floats(attrs["scales"]), ratios=_floats(attrs["ratios"]),
             stride=int(attrs["feature_stride"]), iou=bool(attrs["iou_loss"]))
    return p


def _sizes(op, inputs, attrs, multi):
    cls, bbox, info = inputs
    p = _params(attrs)
    a = len(p["scales"]) * len(p["ratios"])
    if cls.ndim != 4 or cls.shape[1] != 2 * a:
        raise MXNetError(f"{op.name}: cls_prob should be (batch, 2 * num_anchors = {2 * a}, "
                         f"height, width), got {fmt_shape(cls.shape)}")
    n, _, h, w = cls.shape
    if tuple(bbox.shape) != (n, 4 * a, h, w):
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = "
                         f"[{','.join(str(d) for d in bbox.shape)}], inferred shape=("
                         f"{n},{4 * a},{h},{w}) (bbox_pred)")
    if info.ndim != 2 or info.shape[1] != 3 or info.shape[0] != n:
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = "
                         f"[{','.join(str(d) for d in info.shape)}], inferred shape=({n},3) "
                         "(im_info)")
    if not multi and n != 1:
        raise MXNetError(f"{op.name}: Check failed: in_data[proposal::kClsProb].shape_[0] == 1 "
                         f"({n} vs. 1) : Sorry, multiple images each device is not implemented.")
    for nm, x in (("cls_prob", cls), ("bbox_pred", bbox), ("im_info", info)):
        if np.dtype(x.dtype) != np.float32:
            raise MXNetError(f"{op.name}: Unsupported data type {np.dtype(x.dtype).name} of "
                             f"{nm}: Proposal computes in float32 only")
    if p["post"] < 1:
        raise MXNetError(f"{op.name}: rpn_post_nms_top_n must be positive, got {p['post']}")
    return n, p["post"]


def _infer(op, inputs, attrs):
    n, post = _sizes(op, inputs, attrs, op.name == "_contrib_MultiProposal")
    return [((n * post, 5), np.dtype(np.float32)), ((n * post, 1), np.dtype(np.float32))]


def _decode(anc, deltas, im_h, im_w, iou):
    """Boxes (count, 4) from anchors and deltas (count, 4), clipped to the image."""
    f = _F32
    if iou:
        box = anc + deltas
    else:
        w = anc[:, 2] - anc[:, 0] + f(1)
        h = anc[:, 3] - anc[:, 1] + f(1)
        cx = anc[:, 0] + f(0.5) * (w - f(1))
        cy = anc[:, 1] + f(0.5) * (h - f(1))
        pcx = deltas[:, 0] * w + cx
        pcy = deltas[:, 1] * h + cy
        # expf in float64 then rounded: glibc's expf is correctly rounded; NumPy's float32
        # exp may be one ulp off it.
        pw = np.exp(deltas[:, 2].astype(np.float64)).astype(f) * w
        ph = np.exp(deltas[:, 3].astype(np.float64)).astype(f) * h
        box = np.stack([pcx - f(0.5) * (pw - f(1)), pcy - f(0.5) * (ph - f(1)),
                        pcx + f(0.5) * (pw - f(1)), pcy + f(0.5) * (ph - f(1))], axis=1)
    lim = np.array([im_w, im_h, im_w, im_h], f) - f(1)
    return np.maximum(np.minimum(box, lim), f(0)).astype(f)


def _nms(dets, thresh, limit):
    """Indices into the sorted dets (n, 5) kept by greedy NMS, at most `limit`."""
    f = _F32
    x1, y1, x2, y2 = dets[:, 0], dets[:, 1], dets[:, 2], dets[:, 3]
    area = (x2 - x1 + f(1)) * (y2 - y1 + f(1))
    sup = np.zeros(len(dets), bool)
    keep = []
    for i in range(len(dets)):
        if len(keep) >= limit:
            break
        if sup[i]:
            continue
        keep.append(i)
        j = np.arange(i + 1, len(dets))
        j = j[~sup[j]]
        w = np.maximum(f(0), np.minimum(x2[i], x2[j]) - np.maximum(x1[i], x1[j]) + f(1))
        h = np.maximum(f(0), np.minimum(y2[i], y2[j]) - np.maximum(y1[i], y1[j]) + f(1))
        inter = w * h
        ovr = inter / (area[i] + area[j] - inter)
        sup[j[ovr > thresh]] = True
    return np.array(keep, np.int64)


def _one_image(scores, deltas, info, p, post):
    """(rois (post, 4), scores (post,)) of one image: cls (2A, H, W), deltas (4A, H, W)."""
    f = _F32
    a2, H, W = scores.shape
    A = a2 // 2
    s = p["stride"]
    base = anchors(s, p["scales"], p["ratios"])                          # (A, 4)
    hh, ww = np.meshgrid(np.arange(H), np.arange(W), indexing="ij")
    shift = np.stack([ww, hh, ww, hh], axis=-1).astype(f) * f(s)         # (H, W, 4)
    anc = (base[None, None] + shift[:, :, None]).reshape(-1, 4)        # (h, w, a) order
    score = scores[A:].transpose(1, 2, 0).reshape(-1).astype(f)
    d = deltas.reshape(A, 4, H, W).transpose(2, 3, 0, 1).reshape(-1, 4)
    box = _decode(anc, d, f(info[0]), f(info[1]), p["iou"])
    rh, rw = int(f(info[0]) / f(s)), int(f(info[1]) / f(s))
    for size, real, what in ((H, rh, "height"), (W, rw, "width")):
        if size < real:
            raise MXNetError(f"_contrib_Proposal: Check failed: {what} >= real_{what} ({size} vs. "
                             f"{real}) : im_info {info.tolist()} is larger than the feature map "
                             f"({H}, {W}) times feature_stride {s}")
    cell_h = np.repeat(hh.reshape(-1), A)
    cell_w = np.repeat(ww.reshape(-1), A)
    score = np.where((cell_h >= rh) | (cell_w >= rw), f(-1), score)
    ms = p["min_size"] * f(info[2])
    small = ((box[:, 2] - box[:, 0] + f(1)) < ms) | ((box[:, 3] - box[:, 1] + f(1)) < ms)
    half = ms / f(2)
    box = np.where(small[:, None], box + np.array([-half, -half, half, half], f), box)
    score = np.where(small, f(-1), score)
    count = len(score)
    pre = min(p["pre"] if p["pre"] > 0 else count, count)
    order = np.argsort(-score, kind="stable")[:pre]
    dets = np.concatenate([box[order], score[order, None]], axis=1)
    keep = _nms(dets, p["thresh"], min(post, pre))
    pick = keep[np.arange(post) % len(keep)]
    return dets[pick, :4], dets[pick, 4]


def _forward(op, ins, outs, attrs):
    cls, bbox, info = (np.asarray(a, np.float32) for a in ins)
    p = _params(attrs)
    n = cls.shape[0]
    post = outs[0].shape[0] // n
    rois = outs[0].reshape(n, post, 5)
    for b in range(n):
        box, score = _one_image(cls[b], bbox[b], info[b], p, post)
        rois[b, :, 0] = b
        rois[b, :, 1:] = box
        outs[1].reshape(n, post)[b] = score


_ATTRS = (("rpn_pre_nms_top_n", 6000), ("rpn_post_nms_top_n", 300), ("threshold", 0.7),
          ("rpn_min_size", 16), ("scales", (4.0, 8.0, 16.0, 32.0)), ("ratios", (0.5, 1.0, 2.0)),
          ("feature_stride", 16), ("output_score", False), ("iou_loss", False))


for _name in ("_contrib_Proposal", "_contrib_MultiProposal"):
    register(Op(_name, ("cls_prob", "bbox_pred", "im_info"), attrs=_ATTRS, infer=_infer,
                forward=_host(_forward), zero_grad=True, num_outputs=2,
                num_visible=lambda attrs: 2 if attrs["output_score"] else 1,
                doc="""Region proposals [batch, x1, y1, x2, y2] from RPN scores and box deltas
(anchors, decoding, clipping, minimum size, NMS; see ops/contrib_det_rpn.py)."""))
