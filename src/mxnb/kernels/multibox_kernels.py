"""Kernels of the SSD ops (ops/multibox.py): MultiBoxTarget's matching and MultiBoxDetection's
decoding and NMS, in MXNet 1.9.1's CPU order (serial loops; no FMA contraction).

Imported on first use (it imports numba). Float arguments that MXNet keeps as C `float`
(thresholds, variances) arrive as float32 scalars; IoUs are compared as float32, as there.
"""
import math

import numpy as np

from .._jit import njit

_OPTS = dict(error_model="numpy", nogil=True, boundscheck=False)


@njit(**_OPTS)
def _best_gt(ious, b, a, ng):
    """(k, iou) of the ground truth overlapping anchor a most (first on ties), or (-1, -1)."""
    bg = -1
    mi = np.float32(-1.0)
    for k in range(ng):
        v = ious[b, a, k]
        if v > mi:
            bg = k
            mi = v
    return bg, mi


@njit(**_OPTS)
def target_match(ious, nvalid, cls_preds, thresh, ratio, mining_thresh, flags, match, npos_out,
                 probs, cand):
    """Per batch b: flags[b, a] = 1 positive, 0 negative, -1 ignored; match[b, a] = gt index.

    ious (B, A, L) float32; cls_preds (B, C, A); flags arrive -1, match -1. With
    ratio > 0 the negatives are left to the caller: it gets the positive counts
    (npos_out) and, per mining candidate (cand), the background probability (probs,
    float32 as MXNet keys its sort), and picks the lowest ones with a stable sort.
    """
    nb, na, nl = ious.shape
    nc = cls_preds.shape[1]
    best_iou = np.empty(na, np.float32)
    for b in range(nb):
        ng = nvalid[b]
        if ng == 0:
            continue
        gt_done = np.zeros(ng, np.bool_)
        for a in range(na):
            best_iou[a] = -1.0
        npos = 0
        left = ng
        while left > 0:
            ba = -1
            bg = -1
            mo = np.float32(1e-6)
            for a in range(na):
                if flags[b, a] == 1:
                    continue
                for k in range(ng):
                    if gt_done[k]:
                        continue
                    v = ious[b, a, k]
                    if v > mo:
                        ba = a
                        bg = k
                        mo = v
            if ba == -1:
                break
            best_iou[ba] = mo
            match[b, ba] = bg
            npos += 1
            gt_done[bg] = True
            left -= 1
            flags[b, ba] = 1
        if thresh > 0:
            for a in range(na):
                if flags[b, a] == 1:
                    continue
                bg, mi = _best_gt(ious, b, a, ng)
                if bg != -1:
                    best_iou[a] = mi
                    match[b, a] = bg
                    if mi > thresh:
                        npos += 1
                        flags[b, a] = 1
        npos_out[b] = npos
        if ratio > 0:
            for a in range(na):
                if flags[b, a] == 1:
                    continue
                if best_iou[a] < 0:
                    bg, mi = _best_gt(ious, b, a, ng)
                    if bg != -1:
                        best_iou[a] = mi
                        match[b, a] = bg
                if best_iou[a] < mining_thresh and flags[b, a] == -1:
                    mx = cls_preds[b, 0, a]
                    for k in range(1, nc):
                        if cls_preds[b, k, a] > mx:
                            mx = cls_preds[b, k, a]
                    sm = mx - mx
                    for k in range(nc):
                        sm += math.exp(cls_preds[b, k, a] - mx)
                    probs[b, a] = np.float32(math.exp(cls_preds[b, 0, a] - mx) / sm)
                    cand[b, a] = True
        else:
            for a in range(na):
                if flags[b, a] != 1:
                    flags[b, a] = 0


@njit(**_OPTS)
def loc_targets(anchors, gts, v0, v1, v2, v3, out):
    """MXNet's AssignLocTargets in float32: anchors/gts (N, 4) corners -> out (N, 4)."""
    half = np.float32(0.5)
    for i in range(anchors.shape[0]):
        al = anchors[i, 0]
        at = anchors[i, 1]
        ar = anchors[i, 2]
        ab = anchors[i, 3]
        aw = ar - al
        ah = ab - at
        ax = (al + ar) * half
        ay = (at + ab) * half
        gl = gts[i, 0]
        gt = gts[i, 1]
        gr = gts[i, 2]
        gb = gts[i, 3]
        gw = gr - gl
        gh = gb - gt
        gx = (gl + gr) * half
        gy = (gt + gb) * half
        out[i, 0] = (gx - ax) / aw / v0
        out[i, 1] = (gy - ay) / ah / v1
        out[i, 2] = math.log(gw / aw) / v2
        out[i, 3] = math.log(gh / ah) / v3


@njit(inline="always", **_OPTS)
def _overlap(p, q, zero):
    w = max(zero, min(p[2], q[2]) - max(p[0], q[0]))
    h = max(zero, min(p[3], q[3]) - max(p[1], q[1]))
    i = w * h
    u = (p[2] - p[0]) * (p[3] - p[1]) + (q[2] - q[0]) * (q[3] - q[1]) - i
    return zero if u <= 0 else i / u


@njit(**_OPTS)
def detect_decode(cls_prob, loc, anchors, thresh, clip, var, rows):
    """MXNet's per-anchor [id - 1, score, decoded box] (B, A, 6) of MultiBoxDetection.

    var: the four variances in the data's dtype (float32 values).
    """
    nb, nc, na = cls_prob.shape
    c = np.zeros(3, rows.dtype)
    zero = c[0]
    c[1] = 1
    one = c[1]
    c[2] = 2
    two = c[2]
    for b in range(nb):
        for i in range(na):
            score = -one
            cid = 0
            for j in range(1, nc):
                t = cls_prob[b, j, i]
                if t > score:
                    score = t
                    cid = j
            if cid > 0 and score < thresh:
                cid = 0
            rows[b, i, 0] = cid - 1
            rows[b, i, 1] = score
            al = anchors[i, 0]
            at = anchors[i, 1]
            ar = anchors[i, 2]
            ab = anchors[i, 3]
            aw = ar - al
            ah = ab - at
            ax = (al + ar) / two
            ay = (at + ab) / two
            ox = loc[b, i, 0] * var[0] * aw + ax
            oy = loc[b, i, 1] * var[1] * ah + ay
            ow = math.exp(loc[b, i, 2] * var[2]) * aw / two
            oh = math.exp(loc[b, i, 3] * var[3]) * ah / two
            v0 = ox - ow
            v1 = oy - oh
            v2 = ox + ow
            v3 = oy + oh
            if clip:
                v0 = max(zero, min(one, v0))
                v1 = max(zero, min(one, v1))
                v2 = max(zero, min(one, v2))
                v3 = max(zero, min(one, v3))
            rows[b, i, 2] = v0
            rows[b, i, 3] = v1
            rows[b, i, 4] = v2
            rows[b, i, 5] = v3


@njit(**_OPTS)
def detect_nms(out, nkeep, force, nms_thresh):
    """Greedy NMS over the first nkeep rows of one batch's sorted detections (A, 6): a
    suppressed row's id becomes -1 (IoU >= nms_thresh, same id unless force)."""
    zero = out[0, 0] - out[0, 0]
    for i in range(nkeep):
        if out[i, 0] < 0:
            continue
        for j in range(i + 1, nkeep):
            if out[j, 0] < 0:
                continue
            if force or out[i, 0] == out[j, 0]:
                if _overlap(out[i, 2:], out[j, 2:], zero) >= nms_thresh:
                    out[j, 0] = -1
