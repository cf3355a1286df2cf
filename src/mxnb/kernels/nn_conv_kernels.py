"""Numba kernels for Convolution, Deconvolution and Pooling (imported lazily: imports numba).

Everything is 2-D: 1-D ops run with H = 1 and a kernel of height 1. Arrays are
flat C-contiguous buffers; a "plane" is one (image, channel) pair of H*W
elements.

Convolution is im2col plus BLAS: `im2col` lays out, for a chunk of nimg
images, the (C*KH*KW, nimg*OH*OW) matrix of input patches, the caller
multiplies it with one `np.dot` per chunk and group, and `col2im` scatters the
transposed product back for the input gradient. Parallel variants split over
planes, so no two threads write the same element.

Pooling kernels recompute the window maxima in the backward instead of
storing indices; ties go to the first maximum in row-major order, as in MXNet.
"""
# ruff: noqa: F821  (T, prange are bound per dtype by nn_kernels.kernel)


def _span(OW, W, sw, off):
    """The ow range [lo, hi) whose input column ow*sw + off lies inside [0, W)."""
    lo = 0
    if off < 0:
        lo = min((-off + sw - 1) // sw, OW)
    hi = OW
    if (OW - 1) * sw + off >= W:
        hi = max(min((W - 1 - off) // sw + 1, OW), lo)
    return lo, hi


def _rows_inside(H, OH, ph, kdh):
    """The oh range [oh0, oh1) whose input row oh - ph + kdh lies inside [0, H) (stride 1)."""
    oh0 = min(max(0, ph - kdh), OH)
    oh1 = max(min(OH, H + ph - kdh), oh0)
    return oh0, oh1


# Stride 1 with OW == W ("same" convolutions): input rows oh0..oh1 of one kernel offset are
# one contiguous run of x, shifted by `off`. Copy it in one loop, then zero the columns that
# fell outside the row (they picked up the neighbouring row's ends).


def _block_copy(x, col, xb, base, H, W, OH, OW, ph, kdh, off, lo, hi):
    """im2col of one (plane, kh, kw) row for stride 1 and OW == W."""
    oh0, oh1 = ROWS_INSIDE(H, OH, ph, kdh)
    for j in range(U(oh0 * OW)):
        col[base + j] = T(0)
    for j in range(U(oh1 * OW), U(OH * OW)):
        col[base + j] = T(0)
    if oh1 == oh0:
        return
    s0 = (oh0 - ph + kdh) * W + off  # x index (in the plane) of output (oh0, 0)
    n = (oh1 - oh0) * OW
    ja = max(0, -s0)
    jb = max(min(n, H * W - s0), ja)
    db = base + U(oh0 * OW)
    sb = xb + U(s0 + ja)
    da = db + U(ja)
    for j in range(U(jb - ja)):
        col[da + j] = x[sb + j]
    for j in range(U(ja)):
        col[db + j] = T(0)
    for j in range(U(jb), U(n)):
        col[db + j] = T(0)
    for oh in range(oh1 - oh0):
        r = db + U(oh * OW)
        for j in range(U(lo)):
            col[r + j] = T(0)
        for j in range(U(hi), U(OW)):
            col[r + j] = T(0)


def _block_add(col, x, xb, base, H, W, OH, OW, ph, kdh, off, lo, hi):
    """col2im of one (plane, kh, kw) row for stride 1 and OW == W (zeroes col's outside cells)."""
    oh0, oh1 = ROWS_INSIDE(H, OH, ph, kdh)
    if oh1 == oh0:
        return
    db = base + U(oh0 * OW)
    for oh in range(oh1 - oh0):
        r = db + U(oh * OW)
        for j in range(U(lo)):
            col[r + j] = T(0)
        for j in range(U(hi), U(OW)):
            col[r + j] = T(0)
    s0 = (oh0 - ph + kdh) * W + off
    n = (oh1 - oh0) * OW
    ja = max(0, -s0)
    jb = max(min(n, H * W - s0), ja)
    sb = xb + U(s0 + ja)
    da = db + U(ja)
    for j in range(U(jb - ja)):
        x[sb + j] += col[da + j]


HELPERS = {"SPAN": _span, "ROWS_INSIDE": _rows_inside, "BLOCK_COPY": _block_copy,
           "BLOCK_ADD": _block_add}


# Index arithmetic is unsigned (U = uint64) in the inner loops: numba wraps negative signed
# indices with a select that stops LLVM from vectorising (2x slower here).


def im2col(x, col, nimg, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW):
    """col[(c, kh, kw), (n, oh, ow)] = x[n, c, oh*sh - ph + kh*dh, ow*sw - pw + kw*dw] or 0."""
    P = OH * OW
    K = KH * KW
    for t in prange(nimg * C):
        n = t // C
        c = t - n * C
        xb = U(t * H * W)
        for kh in range(KH):
            for kw in range(KW):
                base = U(((c * K + kh * KW + kw) * nimg + n) * P)
                off = kw * dw - pw
                lo, hi = SPAN(OW, W, sw, off)
                ulo, uhi, uow, usw = U(lo), U(hi), U(OW), U(sw)
                if sh == 1 and sw == 1 and OW == W:
                    BLOCK_COPY(x, col, xb, base, H, W, OH, OW, ph, kh * dh, off, lo, hi)
                    continue
                for oh in range(OH):
                    ih = oh * sh - ph + kh * dh
                    db = base + U(oh * OW)
                    if ih < 0 or ih >= H:
                        for j in range(uow):
                            col[db + j] = T(0)
                        continue
                    for j in range(ulo):
                        col[db + j] = T(0)
                    sb = xb + U(ih * W + lo * sw + off)
                    dd = db + ulo
                    if sw == 1:
                        for j in range(uhi - ulo):
                            col[dd + j] = x[sb + j]
                    else:
                        for j in range(uhi - ulo):
                            col[dd + j] = x[sb + j * usw]
                    for j in range(uhi, uow):
                        col[db + j] = T(0)


def col2im(col, x, nimg, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH, OW):
    """x[n, c, ih, iw] = sum of the col entries im2col would copy from there (x is overwritten)."""
    P = OH * OW
    K = KH * KW
    for t in prange(nimg * C):
        n = t // C
        c = t - n * C
        xb = U(t * H * W)
        for i in range(U(H * W)):
            x[xb + i] = T(0)
        for kh in range(KH):
            for kw in range(KW):
                base = U(((c * K + kh * KW + kw) * nimg + n) * P)
                off = kw * dw - pw
                lo, hi = SPAN(OW, W, sw, off)
                ulo, uhi, usw = U(lo), U(hi), U(sw)
                if sh == 1 and sw == 1 and OW == W:
                    BLOCK_ADD(col, x, xb, base, H, W, OH, OW, ph, kh * dh, off, lo, hi)
                    continue
                for oh in range(OH):
                    ih = oh * sh - ph + kh * dh
                    if ih < 0 or ih >= H:
                        continue
                    sb = base + U(oh * OW) + ulo
                    db = xb + U(ih * W + lo * sw + off)
                    if sw == 1:
                        for j in range(uhi - ulo):
                            x[db + j] += col[sb + j]
                    else:
                        for j in range(uhi - ulo):
                            x[db + j * usw] += col[sb + j]


def unpack(Y, y, nimg, F, P, b, bias):
    """y[n, f, p] = Y[f, n*P + p] (+ b[f]): a chunk's GEMM result into NCHW order."""
    up = U(P)
    for t in prange(nimg * F):
        n = t // F
        f = t - n * F
        sb = U((f * nimg + n) * P)
        db = U(t * P)
        v = b[f] if bias else T(0)
        for i in range(up):
            y[db + i] = Y[sb + i] + v


def pack(y, Y, nimg, F, P):
    """Y[f, n*P + p] = y[n, f, p]: a chunk of NCHW gradients as one (F, nimg*P) matrix."""
    up = U(P)
    for t in prange(nimg * F):
        n = t // F
        f = t - n * F
        sb = U(t * P)
        db = U((f * nimg + n) * P)
        for i in range(up):
            Y[db + i] = y[sb + i]


# ---------------------------------------------------------------- pooling
# mode: 0 max, 1 avg, 2 sum. A window starts at o*s - p; its average divides by its size
# clipped to the padded input (count_include_pad) or to the input itself.


def pool_fwd(x, y, planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip):
    """Max / average / sum pooling of each plane."""
    for t in prange(planes):
        src = x[t * H * W:(t + 1) * H * W]
        dst = y[t * OH * OW:(t + 1) * OH * OW]
        for oh in range(OH):
            h0 = oh * sh - ph
            h1 = min(h0 + KH, H + ph)
            hs = max(h0, 0)
            he = min(h1, H)
            for ow in range(OW):
                w0 = ow * sw - pw
                w1 = min(w0 + KW, W + pw)
                ws = max(w0, 0)
                we = min(w1, W)
                if mode == 0:
                    m = -T(np.inf)
                    for ih in range(hs, he):
                        for iw in range(ws, we):
                            v = src[ih * W + iw]
                            if v > m or v != v:
                                m = v
                    dst[oh * OW + ow] = m
                else:
                    s = T(0)
                    for ih in range(hs, he):
                        for iw in range(ws, we):
                            s += src[ih * W + iw]
                    if mode == 1:
                        n = (h1 - h0) * (w1 - w0) if cip else (he - hs) * (we - ws)
                        s = s / T(max(n, 1))
                    dst[oh * OW + ow] = s


def _argmax(src, W, hs, he, ws, we):
    """Flat index of the first maximum of a window (-1 if empty)."""
    best = -1
    m = T(0)
    for ih in range(hs, he):
        for iw in range(ws, we):
            v = src[ih * W + iw]
            if best < 0 or v > m or (v != v and m == m):
                m = v
                best = ih * W + iw
    return best


HELPERS["ARGMAX"] = _argmax


def pool_bwd(dy, x, dx, planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip):
    """dx of pooling: to each window's first maximum (max), or spread (avg, sum)."""
    for t in prange(planes):
        src = x[t * H * W:(t + 1) * H * W]
        g = dy[t * OH * OW:(t + 1) * OH * OW]
        d = dx[t * H * W:(t + 1) * H * W]
        for i in range(H * W):
            d[i] = T(0)
        for oh in range(OH):
            h0 = oh * sh - ph
            h1 = min(h0 + KH, H + ph)
            hs = max(h0, 0)
            he = min(h1, H)
            for ow in range(OW):
                w0 = ow * sw - pw
                w1 = min(w0 + KW, W + pw)
                ws = max(w0, 0)
                we = min(w1, W)
                v = g[oh * OW + ow]
                if mode == 0:
                    k = ARGMAX(src, W, hs, he, ws, we)
                    if k >= 0:
                        d[k] += v
                else:
                    if mode == 1:
                        n = (h1 - h0) * (w1 - w0) if cip else (he - hs) * (we - ws)
                        v = v / T(max(n, 1))
                    for ih in range(hs, he):
                        for iw in range(ws, we):
                            d[ih * W + iw] += v


def pool_gather(g, x, y, planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw):
    """y[window] = g at the window's first maximum of x (the adjoint of max pooling's dx)."""
    for t in prange(planes):
        src = x[t * H * W:(t + 1) * H * W]
        gs = g[t * H * W:(t + 1) * H * W]
        dst = y[t * OH * OW:(t + 1) * OH * OW]
        for oh in range(OH):
            h0 = oh * sh - ph
            hs = max(h0, 0)
            he = min(h0 + KH, H)
            for ow in range(OW):
                w0 = ow * sw - pw
                ws = max(w0, 0)
                we = min(w0 + KW, W)
                k = ARGMAX(src, W, hs, he, ws, we)
                dst[oh * OW + ow] = gs[k] if k >= 0 else T(0)
