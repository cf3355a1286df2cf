"""Loop templates and scalar helpers of the reduction kernels (plain Python, no numba).

`reduce_kernels` compiles each template per reducer and dtype with these names
bound as globals: ACC (accumulator type), INIT (its identity), LOAD (element to
ACC), COMB (combine two values), FIN (finish: mean's division, norm's root),
BETTER (argmax/argmin order), SELECT (COMB is a select: max/min), and TW, LANES,
FB, prange. The layout and the determinism argument are in `reduce_kernels`.
"""
import math

import numpy as np

TW = 4096          # columns per task: whole rows up to 4096 wide (sequential reads)
LANES = 64         # independent columns (SIMD lanes) per matrix row, at least
TASK = 1 << 18     # elements per task, about: sets the fixed row chunks
FB = 2048          # outputs per task in the fold loop

# ---------------------------------------------------------------- scalar helpers
# Bound into the templates per reducer and dtype; compiled inline.


def _to_f64(v):
    return np.float64(v)


def _to_i64(v):
    return np.int64(v)


def _same(v):
    return v


def _sq_f64(v):
    w = np.float64(v)
    return w * w


def _add(a, v):
    return a + v


def _mul(a, v):
    return a * v


def _max(a, v):
    # NaN is sticky (MXNet's max of a slice with a NaN is NaN); ties keep the first.
    return v if (v > a or v != v) else a


def _min(a, v):
    return v if (v < a or v != v) else a


def _gt(v, a):
    return v > a or (v != v and a == a)


def _lt(v, a):
    return v < a or (v != v and a == a)


def _fin_float(s, div, post):
    if post == 1:
        return s / div
    if post == 2:
        return math.sqrt(s)
    return s


def _fin_int(s, div, post):
    return s


# ---------------------------------------------------------------- templates
# ruff: noqa: F821  (ACC, INIT, LOAD, COMB, FIN, BETTER, SELECT, prange are bound per kernel)
# Every template runs its tasks in blocks of `tpb` (fixed by the shape), so the
# scratch arrays are allocated once per block rather than once per task.


def reduce_rows(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """Reduce each contiguous row of n elements (inner == 1): 64 SIMD lanes, then a tree.

    Rows shorter than 4*LANES use 8 scalar lanes instead (the tree would dominate).
    """
    if n >= 4 * LANES:
        nrows = n // LANES
        nch = max(1, (nrows + rows_per - 1) // rows_per)
        ntasks = outer * nch
        for blk in prange((ntasks + tpb - 1) // tpb):
            # For max/min (SELECT), two accumulators used in turn: with one, LLVM turns
            # the select into masked stores (vmaskmovps), several times slower on AMD.
            a = np.empty(LANES, ACC)
            a2 = np.empty(LANES, ACC)
            for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
                c = t % nch
                o = t // nch
                i0 = c * rows_per
                i1 = min(nrows, i0 + rows_per)
                for j in range(LANES):
                    a[j] = INIT
                base = o * n
                if SELECT:
                    for i in range(i0, i1):
                        xv = x[base + i * LANES:base + i * LANES + LANES]
                        src, dst = (a, a2) if (i - i0) % 2 == 0 else (a2, a)
                        for j in range(LANES):
                            dst[j] = COMB(src[j], LOAD(xv[j]))
                    src, dst = (a, a2) if (i1 - i0) % 2 == 0 else (a2, a)
                else:
                    for i in range(i0, i1):
                        xv = x[base + i * LANES:base + i * LANES + LANES]
                        for j in range(LANES):
                            a[j] = COMB(a[j], LOAD(xv[j]))
                    src, dst = a, a2
                h = LANES // 2
                while h >= 1:
                    for j in range(h):
                        dst[j] = COMB(src[j], src[j + h])
                    src, dst = dst, src
                    h //= 2
                s = src[0]
                if nch == 1:
                    for i in range(nrows * LANES, n):
                        s = COMB(s, LOAD(x[base + i]))
                    out[o] = FIN(s, div, post)
                else:
                    part[t] = s
        if nch > 1:
            for o in prange(outer):
                s = INIT
                for c in range(nch):
                    s = COMB(s, part[o * nch + c])
                for i in range(nrows * LANES, n):
                    s = COMB(s, LOAD(x[o * n + i]))
                out[o] = FIN(s, div, post)
    else:
        m = n // 8
        for blk in prange((outer + tpb - 1) // tpb):
            for o in range(blk * tpb, min(outer, blk * tpb + tpb)):
                b = o * n
                s0 = s1 = s2 = s3 = s4 = s5 = s6 = s7 = INIT
                for i in range(m):
                    p = b + 8 * i
                    s0 = COMB(s0, LOAD(x[p]))
                    s1 = COMB(s1, LOAD(x[p + 1]))
                    s2 = COMB(s2, LOAD(x[p + 2]))
                    s3 = COMB(s3, LOAD(x[p + 3]))
                    s4 = COMB(s4, LOAD(x[p + 4]))
                    s5 = COMB(s5, LOAD(x[p + 5]))
                    s6 = COMB(s6, LOAD(x[p + 6]))
                    s7 = COMB(s7, LOAD(x[p + 7]))
                s = COMB(COMB(COMB(s0, s1), COMB(s2, s3)), COMB(COMB(s4, s5), COMB(s6, s7)))
                for i in range(8 * m, n):
                    s = COMB(s, LOAD(x[b + i]))
                out[o] = FIN(s, div, post)


def reduce_plain(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """out[o, k] = FIN(COMB over i of LOAD(x[o, i, k])); partials in part (outer, nch, W)."""
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    direct = g == 1 and nch == 1
    for blk in prange((ntasks + tpb - 1) // tpb):
        acc = np.empty(TW, ACC)
        acc2 = np.empty(TW, ACC)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            a = acc[:tw]
            a2 = acc2[:tw]
            for j in range(tw):
                a[j] = INIT
            base = o * n * inner + j0
            if SELECT:  # see reduce_rows
                for i in range(i0, i1):
                    xv = x[base + i * W:base + i * W + tw]
                    src, dst = (a, a2) if (i - i0) % 2 == 0 else (a2, a)
                    for j in range(tw):
                        dst[j] = COMB(src[j], LOAD(xv[j]))
                res = a if (i1 - i0) % 2 == 0 else a2
            else:
                for i in range(i0, i1):
                    xv = x[base + i * W:base + i * W + tw]
                    for j in range(tw):
                        a[j] = COMB(a[j], LOAD(xv[j]))
                res = a
            if direct:
                ov = out[o * inner + j0:o * inner + j0 + tw]
                for j in range(tw):
                    ov[j] = FIN(res[j], div, post)
            else:
                pv = part[(o * nch + c) * W + j0:(o * nch + c) * W + j0 + tw]
                for j in range(tw):
                    pv[j] = res[j]
    if not direct:
        # Fold per output in the order (chunk, lane group, tail row), vectorised across
        # outputs: contiguous reads of each partial row rather than a strided walk.
        nkb = (inner + FB - 1) // FB
        ntail = n - nrows * g
        for t in prange(outer * nkb):
            o = t // nkb
            k0 = (t % nkb) * FB
            kw = min(inner, k0 + FB) - k0
            src = np.empty(kw, ACC)
            dst = np.empty(kw, ACC)
            for k in range(kw):
                src[k] = INIT
            for c in range(nch):
                for q in range(g):
                    pb = (o * nch + c) * W + q * inner + k0
                    pv = part[pb:pb + kw]
                    for k in range(kw):
                        dst[k] = COMB(src[k], pv[k])
                    src, dst = dst, src
            for i in range(ntail):
                tb = o * n * inner + nrows * W + i * inner + k0
                xv = x[tb:tb + kw]
                for k in range(kw):
                    dst[k] = COMB(src[k], LOAD(xv[k]))
                src, dst = dst, src
            ov = out[o * inner + k0:o * inner + k0 + kw]
            for k in range(kw):
                ov[k] = FIN(src[k], div, post)


def reduce_cols32(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """reduce_plain for float32 sums: float32 SIMD partials over 8 rows, added into float64.

    Half the accumulator traffic of float64 lanes, which is what a column sum is bound by;
    8-term float32 partials keep the error below NumPy's pairwise sum.
    """
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    direct = g == 1 and nch == 1
    for blk in prange((ntasks + tpb - 1) // tpb):
        acc = np.empty(TW, np.float64)
        p32 = np.empty(TW, np.float32)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            a = acc[:tw]
            pp = p32[:tw]
            for j in range(tw):
                a[j] = 0.0
            base = o * n * inner + j0
            for b0 in range(i0, i1, 8):
                xv = x[base + b0 * W:base + b0 * W + tw]
                for j in range(tw):
                    pp[j] = xv[j]
                for i in range(b0 + 1, min(i1, b0 + 8)):
                    xv = x[base + i * W:base + i * W + tw]
                    for j in range(tw):
                        pp[j] += xv[j]
                for j in range(tw):
                    a[j] += np.float64(pp[j])
            if direct:
                ov = out[o * inner + j0:o * inner + j0 + tw]
                for j in range(tw):
                    ov[j] = FIN(a[j], div, post)
            else:
                pv = part[(o * nch + c) * W + j0:(o * nch + c) * W + j0 + tw]
                for j in range(tw):
                    pv[j] = a[j]
    if not direct:
        # as in reduce_plain
        nkb = (inner + FB - 1) // FB
        ntail = n - nrows * g
        for t in prange(outer * nkb):
            o = t // nkb
            k0 = (t % nkb) * FB
            kw = min(inner, k0 + FB) - k0
            src = np.empty(kw, ACC)
            dst = np.empty(kw, ACC)
            for k in range(kw):
                src[k] = INIT
            for c in range(nch):
                for q in range(g):
                    pb = (o * nch + c) * W + q * inner + k0
                    pv = part[pb:pb + kw]
                    for k in range(kw):
                        dst[k] = COMB(src[k], pv[k])
                    src, dst = dst, src
            for i in range(ntail):
                tb = o * n * inner + nrows * W + i * inner + k0
                xv = x[tb:tb + kw]
                for k in range(kw):
                    dst[k] = COMB(src[k], LOAD(xv[k]))
                src, dst = dst, src
            ov = out[o * inner + k0:o * inner + k0 + kw]
            for k in range(kw):
                ov[k] = FIN(src[k], div, post)


def reduce_kahan(x, part, out, outer, n, inner, g, rows_per, tpb, div, post):
    """reduce_plain for float64 sums: Kahan-compensated lanes and fold.

    part holds the lane sums in its first half and their compensations in the second.
    """
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    direct = g == 1 and nch == 1
    half = part.shape[0] // 2
    for blk in prange((ntasks + tpb - 1) // tpb):
        acc = np.empty(TW, np.float64)
        cmp = np.empty(TW, np.float64)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            for j in range(tw):
                acc[j] = 0.0
                cmp[j] = 0.0
            base = o * n * inner + j0
            for i in range(i0, i1):
                xv = x[base + i * W:base + i * W + tw]
                for j in range(tw):
                    y = LOAD(xv[j]) - cmp[j]
                    s = acc[j] + y
                    cmp[j] = (s - acc[j]) - y
                    acc[j] = s
            if direct:
                ov = out[o * inner + j0:o * inner + j0 + tw]
                for j in range(tw):
                    ov[j] = FIN(acc[j] - cmp[j], div, post)
            else:
                pb = (o * nch + c) * W + j0
                for j in range(tw):
                    part[pb + j] = acc[j]
                    part[half + pb + j] = cmp[j]
    if not direct:
        # Kahan over (chunk, lane group: sum then its compensation, tail row) per output,
        # vectorised across outputs as in reduce_plain.
        nkb = (inner + FB - 1) // FB
        ntail = n - nrows * g
        for t in prange(outer * nkb):
            o = t // nkb
            k0 = (t % nkb) * FB
            kw = min(inner, k0 + FB) - k0
            sv = np.zeros(kw, np.float64)
            ev = np.zeros(kw, np.float64)
            for c in range(nch):
                for q in range(g):
                    pb = (o * nch + c) * W + q * inner + k0
                    pv = part[pb:pb + kw]
                    cv = part[half + pb:half + pb + kw]
                    for k in range(kw):
                        y = pv[k] - ev[k]
                        u = sv[k] + y
                        ev[k] = (u - sv[k]) - y
                        sv[k] = u
                        y = -cv[k] - ev[k]
                        u = sv[k] + y
                        ev[k] = (u - sv[k]) - y
                        sv[k] = u
            for i in range(ntail):
                tb = o * n * inner + nrows * W + i * inner + k0
                xv = x[tb:tb + kw]
                for k in range(kw):
                    y = LOAD(xv[k]) - ev[k]
                    u = sv[k] + y
                    ev[k] = (u - sv[k]) - y
                    sv[k] = u
            ov = out[o * inner + k0:o * inner + k0 + kw]
            for k in range(kw):
                ov[k] = FIN(sv[k] - ev[k], div, post)


def reduce_arg(x, part, pidx, out, outer, n, inner, g, rows_per, tpb):
    """out[o, k] = index along n of the first element BETTER than all others (NaN wins)."""
    W = g * inner
    nrows = n // g
    nch = max(1, (nrows + rows_per - 1) // rows_per)
    ntiles = (W + TW - 1) // TW
    ntasks = outer * nch * ntiles
    for blk in prange((ntasks + tpb - 1) // tpb):
        b1 = np.empty(TW, x.dtype)
        k1 = np.empty(TW, np.int64)
        b2 = np.empty(TW, x.dtype)
        k2 = np.empty(TW, np.int64)
        for t in range(blk * tpb, min(ntasks, blk * tpb + tpb)):
            tile = t % ntiles
            r = t // ntiles
            c = r % nch
            o = r // nch
            j0 = tile * TW
            tw = min(TW, W - j0)
            i0 = c * rows_per
            i1 = min(nrows, i0 + rows_per)
            base = o * n * inner + j0
            pb = (o * nch + c) * W + j0
            if i0 >= i1:
                for j in range(tw):
                    pidx[pb + j] = -1
                continue
            xv = x[base + i0 * W:base + i0 * W + tw]
            for j in range(tw):
                b1[j] = xv[j]
                k1[j] = i0
            for i in range(i0 + 1, i1):
                xv = x[base + i * W:base + i * W + tw]
                # Two buffers in turn, as in reduce_rows (no masked stores).
                if (i - i0) % 2 == 1:
                    sb, si, db, di = b1, k1, b2, k2
                else:
                    sb, si, db, di = b2, k2, b1, k1
                for j in range(tw):
                    v = xv[j]
                    a = sb[j]
                    take = BETTER(v, a)
                    db[j] = v if take else a
                    di[j] = i if take else si[j]
            rb, ri = (b2, k2) if (i1 - i0) % 2 == 0 else (b1, k1)
            for j in range(tw):
                part[pb + j] = rb[j]
                pidx[pb + j] = ri[j]
    nkb = (inner + FB - 1) // FB
    ntail = n - nrows * g
    for t in prange(outer * nkb):
        o = t // nkb
        k0 = (t % nkb) * FB
        for k in range(k0, min(inner, k0 + FB)):
            b = x[o * n * inner + k]
            bk = np.int64(-1)
            for c in range(nch):
                pb = (o * nch + c) * W + k
                for q in range(g):
                    ii = pidx[pb + q * inner]
                    if ii < 0:
                        continue
                    v = part[pb + q * inner]
                    gi = ii * g + q
                    if bk < 0 or BETTER(v, b) or (
                            gi < bk and (v == b or (v != v and b != b))):
                        b = v
                        bk = gi
            tb = o * n * inner + nrows * W + k
            for i in range(ntail):
                v = x[tb + i * inner]
                if bk < 0 or BETTER(v, b):
                    b = v
                    bk = nrows * g + i
            out[o * inner + k] = bk
