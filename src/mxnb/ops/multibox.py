"""SSD ops of `mx.nd.contrib`: MultiBoxPrior, MultiBoxTarget, MultiBoxDetection.

MXNet 1.9.1's rules (its CPU code, checked against it):

* MultiBoxPrior(data (N, C, H, W)) -> (1, H*W*(len(sizes) + len(ratios) - 1), 4) corner
  anchors per cell (row-major): one per size with ratios[0], then one per further ratio
  with sizes[0]; centres (r + offsets[0]) * step_y, (c + offsets[1]) * step_x, steps
  1/H, 1/W unless given; widths scaled by H / W. float32 math; clip to [0, 1].
* MultiBoxTarget(anchor (1, A, 4), label (B, L, >=5), cls_pred (B, C, A)) ->
  [loc_target (B, 4A), loc_mask (B, 4A), cls_target (B, A)]: labels end at the first
  row with id -1; each ground truth first takes its best anchor (greedy on the largest
  IoU), then any anchor whose best IoU > overlap_threshold is positive. With
  negative_mining_ratio > 0, up to ratio * positives anchors with IoU <
  negative_mining_thresh and the lowest background probability become negatives (class
  0), the rest are ignored (ignore_label); otherwise all others are negatives. Positives
  get class id + 1 and (dx/vx, dy/vy, log(dw)/vw, log(dh)/vh) targets.
  minimum_negative_samples is accepted and ignored, as by MXNet 1.9.1's CPU kernel.
* MultiBoxDetection(cls_prob (B, C, A), loc_pred (B, 4A), anchor (1, A, 4)) -> (B, A, 6)
  rows [id, score, xmin, ymin, xmax, ymax]: class 0 is background; boxes decoded with the
  variances (clipped to [0, 1] if clip); valid rows first, sorted by score, nms_topk
  kept, then NMS (IoU >= nms_threshold, same class unless force_suppress) sets the id of
  suppressed rows to -1, leaving their other values, as MXNet does; unused rows are -1.

All three have zero gradients, as in MXNet. float16 runs in float32.
"""
import numpy as np

from ..base import MXNetError
from .basic import _host
from .registry import Op, fmt_shape, register

_F32 = np.float32


def _k():
    from ..kernels import multibox_kernels

    return multibox_kernels


def _work(a):
    return np.ascontiguousarray(a, dtype=_F32 if a.dtype == np.float16 else a.dtype)


def _floats(v, name, op):
    v = (v,) if isinstance(v, (int, float, np.number)) else tuple(v)
    try:
        return tuple(float(a) for a in v)
    except (TypeError, ValueError):
        raise MXNetError(f"{op.name}: {name} must be a tuple of floats, got {v}") from None


def _real(op, *arrays):
    for a in arrays:
        if np.dtype(a.dtype).kind != "f":
            raise MXNetError(f"{op.name}: expects float inputs, got {np.dtype(a.dtype).name}")
    return np.dtype(arrays[0].dtype)


# ---------------------------------------------------------------- MultiBoxPrior


def _prior_infer(op, inputs, attrs):
    (x,) = inputs
    if x.ndim < 4:
        raise MXNetError(f"{op.name}: Input data should be 4D: [batch, channel, height, width], "
                         f"got {fmt_shape(x.shape)}")
    sizes = _floats(attrs["sizes"], "sizes", op)
    ratios = _floats(attrs["ratios"], "ratios", op)
    if not sizes:
        raise MXNetError(f"{op.name}: Check failed: sizes_.size() > 0 (0 vs. 0) : ")
    if not ratios:
        raise MXNetError(f"{op.name}: Check failed: ratios_.size() > 0 (0 vs. 0) : ")
    steps = _floats(attrs["steps"], "steps", op)
    if len(steps) != 2:
        raise MXNetError(f"{op.name}: Step ndim must be 2: (step_y, step_x)")
    if steps[0] * steps[1] < 0:
        raise MXNetError(f"{op.name}: Check failed: steps_[0] * steps_[1] >= 0 "
                         f"({steps[0] * steps[1]} vs. 0) : Must specify both step_y and step_x")
    if len(_floats(attrs["offsets"], "offsets", op)) != 2:
        raise MXNetError(f"{op.name}: offsets must have 2 values (offset_y, offset_x)")
    h, w = x.shape[2], x.shape[3]
    return [((1, h * w * (len(sizes) + len(ratios) - 1), 4), _real(op, x))]


def _prior_fwd(op, ins, outs, attrs):
    h, w = ins[0].shape[2], ins[0].shape[3]
    sizes = np.array(_floats(attrs["sizes"], "sizes", op), _F32)
    ratios = np.array(_floats(attrs["ratios"], "ratios", op), _F32)
    sy, sx = (_F32(v) for v in _floats(attrs["steps"], "steps", op))
    oy, ox = (_F32(v) for v in _floats(attrs["offsets"], "offsets", op))
    if sy <= 0 or sx <= 0:
        sy, sx = _F32(1) / _F32(h), _F32(1) / _F32(w)
    cy = (np.arange(h).astype(_F32) + oy) * sy
    cx = (np.arange(w).astype(_F32) + ox) * sx
    fh, fw, two = _F32(h), _F32(w), _F32(2)
    # every size takes ratios[0] (not ratio 1): MXNet's loop, a single anchor
    # (sizes=(s,), ratios=(2,)) is s wide by sqrt(2)
    r0 = np.sqrt(ratios[0])
    hw = [sizes * fh / fw * r0 / two]
    hh = [sizes / r0 / two]
    r = np.sqrt(ratios[1:])
    hw.append(sizes[0] * fh / fw * r / two)           # further ratios, sizes[0]
    hh.append(sizes[0] / r / two)
    hw, hh = np.concatenate(hw), np.concatenate(hh)
    cyg, cxg = np.meshgrid(cy, cx, indexing="ij")
    cyg, cxg = cyg[..., None], cxg[..., None]
    boxes = np.stack([cxg - hw, cyg - hh, cxg + hw, cyg + hh], axis=-1).reshape(-1, 4)
    if attrs["clip"]:
        boxes = np.clip(boxes, _F32(0), _F32(1))
    outs[0][...] = boxes.reshape(outs[0].shape)


register(Op("_contrib_MultiBoxPrior", ("data",),
            attrs=(("sizes", (1.0,)), ("ratios", (1.0,)), ("clip", False), ("steps", (-1.0, -1.0)),
                   ("offsets", (0.5, 0.5))),
            infer=_prior_infer, forward=_host(_prior_fwd), zero_grad=True,
            doc="SSD prior (anchor) boxes for every cell of a feature map.",
            test={"shapes": [(1, 2, 3, 4)], "attrs": {"sizes": (0.3, 0.5), "ratios": (1, 2)}}))

# ---------------------------------------------------------------- MultiBoxTarget


def _target_infer(op, inputs, attrs):
    a, lab, pred = inputs
    if a.ndim != 3 or a.shape[0] != 1 or a.shape[2] != 4 or a.shape[1] < 1:
        raise MXNetError(f"{op.name}: Anchor should be batch shared N*4 tensor (1, N, 4), got "
                         f"{fmt_shape(a.shape)}")
    if lab.ndim != 3 or lab.shape[1] < 1 or lab.shape[2] < 5:
        raise MXNetError(f"{op.name}: Label should be [batch-num_labels-(>=5)] tensor, got "
                         f"{fmt_shape(lab.shape)}")
    if pred.ndim != 3 or pred.shape[2] != a.shape[1]:
        raise MXNetError(f"{op.name}: Prediction: [nbatch-num_classes-num_anchors] with "
                         f"{a.shape[1]} anchors, got {fmt_shape(pred.shape)}")
    if len(_floats(attrs["variances"], "variances", op)) != 4:
        raise MXNetError(f"{op.name}: Check failed: variances.ndim() == 4")
    dt = _real(op, a, lab, pred)
    b, n = lab.shape[0], a.shape[1]
    return [((b, n * 4), dt), ((b, n * 4), dt), ((b, n), dt)]


def _ious(anchors, labels):
    """MXNet's anchor x label IoU (B, A, L) in the data's dtype (0 where the union is 0)."""
    a = anchors[None, :, None, :]
    g = labels[:, None, :, 1:5]
    zero = anchors.dtype.type(0)
    inter = (np.maximum(zero, np.minimum(a[..., 2], g[..., 2]) - np.maximum(a[..., 0], g[..., 0]))
             * np.maximum(zero, np.minimum(a[..., 3], g[..., 3])
                          - np.maximum(a[..., 1], g[..., 1])))
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (g[..., 2] - g[..., 0]) * (g[..., 3] - g[..., 1]) - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union == 0, zero, inter / union)


def _target_fwd(op, ins, outs, attrs):
    anchors, labels, preds = (_work(v) for v in ins)
    dt = anchors.dtype
    anchors = anchors.reshape(-1, 4)
    nb, na = labels.shape[0], anchors.shape[0]
    ids = labels[:, :, 0]
    ends = [(np.flatnonzero(ids[b].astype(_F32) == -1)[:1].tolist() or [labels.shape[1]])[0]
            for b in range(nb)]
    for b, e in enumerate(ends):
        # MXNet checks that a padding row (id -1) is -1 in its box too, not a box of id -1
        for j in range(1, 5) if e < labels.shape[1] else ():
            if _F32(labels[b, e, j]) != _F32(-1):
                raise MXNetError(f"{op.name}: Check failed: static_cast<float>(*(p_label + i * "
                                 f"label_width + {j})) == -1.0f ({labels[b, e, j]:g} vs. -1) : ")
    flags = np.full((nb, na), -1, np.int64)
    match = np.full((nb, na), -1, np.int64)
    ious = _ious(anchors, labels).astype(_F32)
    ratio = _F32(attrs["negative_mining_ratio"])
    npos = np.zeros(nb, np.int64)
    probs = np.zeros((nb, na), _F32)
    cand = np.zeros((nb, na), np.bool_)
    _k().target_match(ious, np.array(ends, np.int64), preds, _F32(attrs["overlap_threshold"]),
                      ratio, _F32(attrs["negative_mining_thresh"]), flags, match, npos, probs,
                      cand)
    if ratio > 0:
        for b in range(nb):
            if ends[b] == 0:
                continue
            nneg = min(int(_F32(npos[b]) * ratio), na - int(npos[b]))
            if nneg <= 0:
                continue
            idx = np.flatnonzero(cand[b])
            if idx.size < nneg:
                raise MXNetError(f"{op.name}: Check failed: temp.size() >= num_negative "
                                 f"({idx.size} vs. {nneg}): too few negative candidates")
            # MXNet stable-sorts float(-prob) descending: the lowest background probability first.
            flags[b, idx[np.argsort(probs[b, idx], kind="stable")[:nneg]]] = 0
    var = [_F32(v) for v in _floats(attrs["variances"], "variances", op)]
    loc = np.zeros((nb, na, 4), dt)
    mask = np.zeros((nb, na, 4), dt)
    cls = np.full((nb, na), dt.type(_F32(attrs["ignore_label"])), dt)
    pos = flags == 1
    bi, ai = np.nonzero(pos)
    gt = labels[bi, match[bi, ai]]
    t = np.empty((bi.size, 4), _F32)
    _k().loc_targets(anchors[ai].astype(_F32), gt[:, 1:5].astype(_F32), *var, t)
    loc[bi, ai] = t
    mask[pos] = 1
    cls[pos] = gt[:, 0] + dt.type(1)
    cls[flags == 0] = 0
    outs[0][...] = loc.reshape(outs[0].shape)
    outs[1][...] = mask.reshape(outs[1].shape)
    outs[2][...] = cls


register(Op("_contrib_MultiBoxTarget", ("anchor", "label", "cls_pred"),
            attrs=(("overlap_threshold", 0.5), ("ignore_label", -1.0),
                   ("negative_mining_ratio", -1.0), ("negative_mining_thresh", 0.5),
                   ("minimum_negative_samples", 0), ("variances", (0.1, 0.1, 0.2, 0.2))),
            infer=_target_infer, forward=_host(_target_fwd), zero_grad=True, num_outputs=3,
            doc="SSD training targets: [loc_target, loc_mask, cls_target].",
            test={"skip": "three outputs, zero gradient (as MXNet); checked in "
                          "tests/test_multibox.py"}))

# ---------------------------------------------------------------- MultiBoxDetection


def _det_infer(op, inputs, attrs):
    cls, loc, a = inputs
    if cls.ndim != 3:
        raise MXNetError(f"{op.name}: cls_prob must be (batch, num_classes, num_anchors), got "
                         f"{fmt_shape(cls.shape)}")
    na = cls.shape[2]
    if a.ndim != 3 or a.shape[0] != 1 or a.shape[1] != na or a.shape[2] != 4:
        raise MXNetError(f"{op.name}: anchor must be (1, {na}, 4), got {fmt_shape(a.shape)}")
    if loc.ndim != 2 or loc.shape[0] != cls.shape[0] or loc.shape[1] != na * 4:
        raise MXNetError(f"{op.name}: loc_pred must be ({cls.shape[0]}, {na * 4}), got "
                         f"{fmt_shape(loc.shape)}")
    if len(_floats(attrs["variances"], "variances", op)) != 4:
        raise MXNetError(f"{op.name}: Variance size must be 4")
    return [((cls.shape[0], na, 6), _real(op, cls, loc, a))]


def _det_fwd(op, ins, outs, attrs):
    cls, loc, a = (_work(v) for v in ins)
    dt = cls.dtype
    out = np.full(outs[0].shape, -1, dt)
    var = np.array([_F32(v) for v in _floats(attrs["variances"], "variances", op)], dt)
    rows = np.empty(out.shape, dt)
    k = _k()
    k.detect_decode(cls, loc.reshape(cls.shape[0], -1, 4), a.reshape(-1, 4),
                    _F32(attrs["threshold"]), bool(attrs["clip"]), var, rows)
    nms, topk = float(_F32(attrs["nms_threshold"])), int(attrs["nms_topk"])
    for b in range(out.shape[0]):
        valid = rows[b][rows[b, :, 0] >= 0]
        nv = len(valid)
        out[b, :nv] = valid
        if nv < 1 or nms <= 0 or nms > 1:
            continue
        order = np.argsort(-valid[:, 1], kind="stable")   # score descending, ties in order
        nkeep = topk if 0 < topk < nv else nv
        out[b, nkeep:nv, 0] = -1     # MXNet drops the rest by id only
        out[b, :nkeep] = valid[order[:nkeep]]
        k.detect_nms(out[b], nkeep, bool(attrs["force_suppress"]), _F32(nms))
    outs[0][...] = out


register(Op("_contrib_MultiBoxDetection", ("cls_prob", "loc_pred", "anchor"),
            attrs=(("clip", True), ("threshold", 0.01), ("background_id", 0),
                   ("nms_threshold", 0.5), ("force_suppress", False),
                   ("variances", (0.1, 0.1, 0.2, 0.2)), ("nms_topk", -1)),
            infer=_det_infer, forward=_host(_det_fwd), zero_grad=True,
            doc="SSD detections [id, score, xmin, ymin, xmax, ymax] after decoding and NMS.",
            test={"inputs": lambda rng: [rng.dirichlet(np.ones(3), 4).T[None],
                                         rng.uniform(-0.5, 0.5, (1, 16)),
                                         np.array([[[0.1, 0.1, 0.4, 0.5], [0.3, 0.2, 0.6, 0.6],
                                                    [0.5, 0.5, 0.9, 0.8],
                                                    [0.0, 0.6, 0.3, 1.0]]])]}))
