"""Kernels of the detection ops (ops/detect.py): box overlaps and non-maximum suppression.

Imported on first use (it imports numba). Every kernel computes in the dtype of its
arrays (float32 or float64; float16 arrives as float32), in MXNet's order of
operations, so float32 results match MXNet 1.9.1's CPU kernels bit for bit.
Thresholds arrive as float64 holding a float32 value: MXNet's parameters are
`float`, and `iou > thresh` promotes that float to the box dtype.
"""
import numpy as np

from .._jit import njit

# No FMA contraction: MXNet's CPU build rounds every product, and IoUs must match it bit for bit.
_OPTS = dict(error_model="numpy", nogil=True, boundscheck=False)


@njit(inline="always", **_OPTS)
def _consts(dtype):
    # Typed 0 and 2: a Python int or float literal would promote float32 math to float64.
    c = np.zeros(2, dtype)
    c[1] = 2
    return c[0], c[1]


@njit(inline="always", **_OPTS)
def _intersect(a1, a2, b1, b2, center, zero, two):
    """Overlap of two intervals along one axis; corner: (min, max), center: (mid, size)."""
    if center:
        aw = a2 / two
        bw = b2 / two
        al = a1 - aw
        ar = a1 + aw
        bl = b1 - bw
        br = b1 + bw
        left = bl if bl > al else al
        right = br if br < ar else ar
    else:
        left = a1 if a1 > b1 else b1
        right = a2 if a2 < b2 else b2
    w = right - left
    return w if w > 0 else zero


@njit(inline="always", **_OPTS)
def _area(b0, b1, b2, b3, center, zero):
    if center:
        w = b2
        h = b3
    else:
        w = b2 - b0
        h = b3 - b1
    if w < 0 or h < 0:
        return zero
    return w * h


@njit(**_OPTS)
def box_iou(lhs, rhs, out, center):
    """out[i * R + j] = IoU of lhs box i and rhs box j (lhs (L, 4), rhs (R, 4), flat)."""
    zero, two = _consts(out.dtype)
    nl = lhs.shape[0]
    nr = rhs.shape[0]
    for i in range(nl):
        for j in range(nr):
            inter = _intersect(lhs[i, 0], lhs[i, 2], rhs[j, 0], rhs[j, 2], center, zero, two)
            inter *= _intersect(lhs[i, 1], lhs[i, 3], rhs[j, 1], rhs[j, 3], center, zero, two)
            if inter <= 0:
                out[i * nr + j] = 0
                continue
            la = _area(lhs[i, 0], lhs[i, 1], lhs[i, 2], lhs[i, 3], center, zero)
            ra = _area(rhs[j, 0], rhs[j, 1], rhs[j, 2], rhs[j, 3], center, zero)
            out[i * nr + j] = inter / (la + ra - inter)


@njit(**_OPTS)
def nms(data, idx, starts, topk, cs, id_index, thresh, force, center, areas, out, record):
    """Suppress, per batch, the boxes `idx[starts[b]:starts[b+1]]` (sorted by score, global
    row numbers; suppressed ones become -1 in place) in turn, then write the survivors in
    that order.

    data (B*N, W) rows; out (B*N, W) and record (B*N,) arrive filled with -1; areas is
    scratch of B*N. Only the first `topk` of each batch take part, as in MXNet.
    """
    zero, two = _consts(data.dtype)
    nb = starts.shape[0] - 1
    n = data.shape[0] // nb if nb > 0 else 0
    w = data.shape[1]
    for b in range(nb):
        s = starts[b]
        k = min(starts[b + 1] - s, topk)
        for t in range(k):
            r = idx[s + t]
            areas[t] = _area(data[r, cs], data[r, cs + 1], data[r, cs + 2], data[r, cs + 3],
                             center, zero)
        by_class = not force and id_index >= 0
        for ref in range(k):
            ri = idx[s + ref]
            if ri < 0:
                continue
            r0 = data[ri, cs]
            r1 = data[ri, cs + 1]
            r2 = data[ri, cs + 2]
            r3 = data[ri, cs + 3]
            ra = areas[ref]
            rid = int(data[ri, id_index]) if by_class else 0
            for p in range(ref + 1, k):
                pi = idx[s + p]
                if pi < 0:
                    continue
                if by_class and int(data[pi, id_index]) != rid:
                    continue
                inter = _intersect(r0, r2, data[pi, cs], data[pi, cs + 2], center, zero, two)
                inter *= _intersect(r1, r3, data[pi, cs + 1], data[pi, cs + 3], center, zero,
                                    two)
                if inter / (ra + areas[p] - inter) > thresh:
                    idx[s + p] = -1
        count = 0
        for t in range(k):
            r = idx[s + t]
            if r >= 0:
                o = b * n + count
                for j in range(w):
                    out[o, j] = data[r, j]
                record[o] = r
                count += 1


@njit(**_OPTS)
def bipartite(scores, order, rmark, cmark, thresh, ascend, topk):
    """Greedy matching of each (R, C) score matrix: order (B, R*C) ranks its entries."""
    nb, nr = rmark.shape
    nc = cmark.shape[1]
    for b in range(nb):
        count = 0
        for j in range(nr * nc):
            idx = order[b, j]
            r = idx // nc
            c = idx % nc
            if rmark[b, r] == -1 and cmark[b, c] == -1:
                s = scores[b, j]
                if (not ascend and s > thresh) or (ascend and s < thresh):
                    rmark[b, r] = c
                    cmark[b, c] = r
                    count += 1
                    if topk > 0 and count > topk:
                        break
                else:
                    break


# ---------------------------------------------------------------- ROIAlign / ROIPooling
# int -> the rois' dtype goes through a 1-element scratch array `cv`: in numba an int
# times a float32 is float64, where MXNet's C++ stays in float.


@njit(inline="always", **_OPTS)
def _t(cv, k):
    cv[0] = k
    return cv[0]


@njit(**_OPTS)
def roi_align_geometry(rois, scale, ph_, pw_, sample_ratio, aligned, geo, grid):
    """Per roi: geo (R, 4) = start_h, start_w, bin_h, bin_w; grid (R, 3) = batch, gh, gw.

    MXNet's arithmetic in the rois' dtype; `scale` arrives in that dtype.
    """
    cv = np.empty(1, rois.dtype)
    zero, two = _consts(rois.dtype)
    one = two / two
    off = one / two if aligned else zero
    fph = _t(cv, ph_)
    fpw = _t(cv, pw_)
    for n in range(rois.shape[0]):
        c0 = 0
        b = 0
        if rois.shape[1] == 5:
            b = int(rois[n, 0])
            c0 = 1
        sw = rois[n, c0] * scale - off
        sh = rois[n, c0 + 1] * scale - off
        ew = rois[n, c0 + 2] * scale - off
        eh = rois[n, c0 + 3] * scale - off
        rw = ew - sw
        rh = eh - sh
        if not aligned:
            rw = max(rw, one)
            rh = max(rh, one)
        geo[n, 0] = sh
        geo[n, 1] = sw
        geo[n, 2] = rh / fph
        geo[n, 3] = rw / fpw
        grid[n, 0] = b
        grid[n, 1] = sample_ratio if sample_ratio > 0 else int(np.ceil(rh / fph))
        grid[n, 2] = sample_ratio if sample_ratio > 0 else int(np.ceil(rw / fpw))


@njit(**_OPTS)
def roi_align_tables(geo, grid, height, width, pos, wts, valid):
    """Sampling positions (plane offsets) and bilinear weights of every (roi, bin, sample).

    pos/wts (R, PH, PW, S, 4), valid (R, PH, PW, S), all arriving zeroed; samples past a
    roi's own grid stay invalid with weight 0. Out-of-map samples are invalid too (MXNet
    reads them with weight 0 in the forward and skips them in the backward).
    """
    cv = np.empty(1, geo.dtype)
    zero, two = _consts(geo.dtype)
    one = two / two
    half = one / two
    nr, ph_, pw_, _, _ = pos.shape
    for n in range(nr):
        sh = geo[n, 0]
        sw = geo[n, 1]
        bh = geo[n, 2]
        bw = geo[n, 3]
        gh = grid[n, 1]
        gw = grid[n, 2]
        fgh = _t(cv, gh)
        fgw = _t(cv, gw)
        for p in range(ph_):
            for q in range(pw_):
                s = 0
                for iy in range(gh):
                    yy = sh + _t(cv, p) * bh + (_t(cv, iy) + half) * bh / fgh
                    for ix in range(gw):
                        xx = sw + _t(cv, q) * bw + (_t(cv, ix) + half) * bw / fgw
                        y = yy
                        x = xx
                        if y < -1.0 or y > height or x < -1.0 or x > width:
                            s += 1
                            continue
                        if y <= 0:
                            y = zero
                        if x <= 0:
                            x = zero
                        yl = int(y)
                        xl = int(x)
                        if yl >= height - 1:
                            yh = yl = height - 1
                            y = _t(cv, yl)
                        else:
                            yh = yl + 1
                        if xl >= width - 1:
                            xh = xl = width - 1
                            x = _t(cv, xl)
                        else:
                            xh = xl + 1
                        ly = y - _t(cv, yl)
                        lx = x - _t(cv, xl)
                        hy = one - ly
                        hx = one - lx
                        pos[n, p, q, s, 0] = yl * width + xl
                        pos[n, p, q, s, 1] = yl * width + xh
                        pos[n, p, q, s, 2] = yh * width + xl
                        pos[n, p, q, s, 3] = yh * width + xh
                        wts[n, p, q, s, 0] = hy * hx
                        wts[n, p, q, s, 1] = hy * lx
                        wts[n, p, q, s, 2] = ly * hx
                        wts[n, p, q, s, 3] = ly * lx
                        valid[n, p, q, s] = True
                        s += 1


@njit(**_OPTS)
def roi_align_fwd(x, grid, pos, wts, psroi, out):
    """out (R, C, PH, PW): MXNet's sum over samples of w1*v1 + w2*v2 + w3*v3 + w4*v4, / count.

    x (B, Cu, H*W); rois whose batch index is outside [0, B) give zeros.
    """
    cv = np.empty(1, x.dtype)
    nr, nc, ph_, pw_ = out.shape
    for n in range(nr):
        b = grid[n, 0]
        ns = grid[n, 1] * grid[n, 2]
        if b < 0 or b >= x.shape[0]:
            for c in range(nc):
                for p in range(ph_):
                    for q in range(pw_):
                        out[n, c, p, q] = 0
            continue
        count = _t(cv, ns)
        for c in range(nc):
            for p in range(ph_):
                for q in range(pw_):
                    cu = c * ph_ * pw_ + p * pw_ + q if psroi else c
                    acc = count - count
                    for s in range(ns):
                        acc += (wts[n, p, q, s, 0] * x[b, cu, pos[n, p, q, s, 0]]
                                + wts[n, p, q, s, 1] * x[b, cu, pos[n, p, q, s, 1]]
                                + wts[n, p, q, s, 2] * x[b, cu, pos[n, p, q, s, 2]]
                                + wts[n, p, q, s, 3] * x[b, cu, pos[n, p, q, s, 3]])
                    out[n, c, p, q] = acc / count


@njit(inline="always", **_OPTS)
def _round(v):
    """C's round(): halves away from zero (np.round goes to even)."""
    f = np.floor(v)
    r = int(f)
    if v - f >= 0.5:
        r += 1
    if v < 0 and v - f == 0.5:
        r -= 1
    return r


@njit(**_OPTS)
def roi_pool_fwd(x, rois, scale, lowest, out, arg):
    """MXNet's ROIPooling: max over each rounded bin, starting from `lowest` (-FLT_MAX);
    arg = plane offset of the max (-1 if the bin is empty, then 0 out). Rois with a batch
    index outside [0, B) give 0 and -1."""
    cv = np.empty(1, x.dtype)
    nr, nc, ph_, pw_ = out.shape
    height = x.shape[2]
    width = x.shape[3]
    for n in range(nr):
        b = int(rois[n, 0])
        if b < 0 or b >= x.shape[0]:
            for c in range(nc):
                for p in range(ph_):
                    for q in range(pw_):
                        out[n, c, p, q] = 0
                        arg[n, c, p, q] = -1
            continue
        sw = _round(rois[n, 1] * scale)
        sh = _round(rois[n, 2] * scale)
        ew = _round(rois[n, 3] * scale)
        eh = _round(rois[n, 4] * scale)
        bh = _t(cv, max(eh - sh + 1, 1)) / _t(cv, ph_)
        bw = _t(cv, max(ew - sw + 1, 1)) / _t(cv, pw_)
        for c in range(nc):
            for p in range(ph_):
                hs = min(max(int(np.floor(_t(cv, p) * bh)) + sh, 0), height)
                he = min(max(int(np.ceil(_t(cv, p + 1) * bh)) + sh, 0), height)
                for q in range(pw_):
                    ws = min(max(int(np.floor(_t(cv, q) * bw)) + sw, 0), width)
                    we = min(max(int(np.ceil(_t(cv, q + 1) * bw)) + sw, 0), width)
                    best = lowest
                    idx = -1
                    if he <= hs or we <= ws:
                        best = lowest - lowest
                    for h in range(hs, he):
                        for w in range(ws, we):
                            if x[b, c, h, w] > best:
                                best = x[b, c, h, w]
                                idx = h * width + w
                    out[n, c, p, q] = best
                    arg[n, c, p, q] = idx
