"""Kernels of the deformable convolutions (ops/contrib_det.py): deformable im2col and its
two adjoints (imported lazily: imports numba).

Templates compiled per (dtype, serial | parallel) by `spatial_kernels.kernel`, which binds
T (the array dtype's scalar type) and prange. Layouts, all flat and C-contiguous:

* x (N, C, H, W); offset (N, DG, K, 2, OH, OW), [h, w] per kernel tap k = i * KW + j;
  mask (N, DG, K, OH, OW) (a dummy of size 1 when not modulated);
* col (C * K, N, OH * OW): the patch matrix, rows (c, k), one gemm per group away from y.

Sampling is MXNet 1.9.1's. DeformableConvolution (`modulated` False) samples where
0 <= h < H and 0 <= w < W, clamps a corner past the last row / column onto it (so the
derivative along that axis is 0 there) and computes the fractions from the tap's position
relative to the output pixel's window, as MXNet's kernel does (same float32 rounding).
ModulatedDeformableConvolution samples where -1 < h < H and -1 < w < W, reads corners
outside the image as 0, and multiplies by the mask. The gradients are the exact
derivatives of these piecewise-bilinear samples, which is what MXNet's kernels compute.
"""
# ruff: noqa: F821  (T, prange are bound per dtype by spatial_kernels.kernel)
import math

from . import spatial_kernels


def _plan(H, W, hin, win, ih, iw, offh, offw, modulated):
    """(ok, hl, hh, wl, wh, lh, lw, ch, cw) of one sample: the rows / columns of its four
    corners, the fractions, and whether h / w move the sample (0 where clamped)."""
    one = T(1)
    if modulated:
        h = T(hin + ih) + offh
        w = T(win + iw) + offw
        ok = h > -one and w > -one and h < T(H) and w < T(W)
        hl = int(math.floor(h))
        wl = int(math.floor(w))
        return ok, hl, hl + 1, wl, wl + 1, h - T(hl), w - T(wl), one, one
    ok = T(hin + ih) + offh >= T(0) and T(win + iw) + offw >= T(0) and \
        T(hin + ih) + offh < T(H) and T(win + iw) + offw < T(W)
    # MXNet measures from the window's corner (hin, win): same rounding as its kernel.
    mh = T(ih) + offh
    mw = T(iw) + offw
    rl = int(math.floor(mh))
    cl = int(math.floor(mw))
    ch = one
    cw = one
    if rl >= H - hin - 1:
        rl = H - hin - 1
        mh = T(rl)
        ch = T(0)
    if cl >= W - win - 1:
        cl = W - win - 1
        mw = T(cl)
        cw = T(0)
    lh = mh - T(rl)
    lw = mw - T(cl)
    hl = hin + rl
    wl = win + cl
    return ok, hl, min(hl + 1, H - 1), wl, min(wl + 1, W - 1), lh, lw, ch, cw


def _corner(x, base, H, W, r, c):
    if r >= 0 and r < H and c >= 0 and c < W:
        return x[base + r * W + c]
    return T(0)


HELPERS = {"PLAN": _plan, "CORNER": _corner}


def deform_im2col(x, off, mask, modulated, N, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH,
                  OW, DG, col):
    """col[(c, k), n, p] = the bilinear sample of x[n, c] at tap k of output pixel p."""
    K = KH * KW
    P = OH * OW
    Cg = C // DG
    one = T(1)
    for t in prange(C * K):
        c = t // K
        k = t % K
        i = k // KW
        j = k % KW
        g = c // Cg
        for n in range(N):
            xb = (n * C + c) * H * W
            ob = ((n * DG + g) * K + k) * 2 * P
            mb = ((n * DG + g) * K + k) * P
            cb = (t * N + n) * P
            for oh in range(OH):
                for ow in range(OW):
                    p = oh * OW + ow
                    ok, hl, hh, wl, wh, lh, lw, ch, cw = PLAN(
                        H, W, oh * sh - ph, ow * sw - pw, i * dh, j * dw, off[ob + p],
                        off[ob + P + p], modulated)
                    v = T(0)
                    if ok:
                        ah = one - lh
                        aw = one - lw
                        v = (ah * aw * CORNER(x, xb, H, W, hl, wl)
                             + ah * lw * CORNER(x, xb, H, W, hl, wh)
                             + lh * aw * CORNER(x, xb, H, W, hh, wl)
                             + lh * lw * CORNER(x, xb, H, W, hh, wh))
                        if modulated:
                            v = v * mask[mb + p]
                    col[cb + p] = v


def deform_col2im(dcol, off, mask, modulated, N, C, H, W, KH, KW, sh, sw, ph, pw, dh, dw, OH,
                  OW, DG, dx):
    """dx (zeroed by the caller) += the adjoint of deform_im2col applied to dcol."""
    K = KH * KW
    P = OH * OW
    Cg = C // DG
    one = T(1)
    for t in prange(N * C):
        n = t // C
        c = t % C
        g = c // Cg
        xb = t * H * W
        for k in range(K):
            i = k // KW
            j = k % KW
            ob = ((n * DG + g) * K + k) * 2 * P
            mb = ((n * DG + g) * K + k) * P
            cb = ((c * K + k) * N + n) * P
            for oh in range(OH):
                for ow in range(OW):
                    p = oh * OW + ow
                    ok, hl, hh, wl, wh, lh, lw, ch, cw = PLAN(
                        H, W, oh * sh - ph, ow * sw - pw, i * dh, j * dw, off[ob + p],
                        off[ob + P + p], modulated)
                    if not ok:
                        continue
                    gv = dcol[cb + p]
                    if modulated:
                        gv = gv * mask[mb + p]
                    ah = one - lh
                    aw = one - lw
                    hl_in = hl >= 0 and hl < H
                    hh_in = hh >= 0 and hh < H
                    wl_in = wl >= 0 and wl < W
                    wh_in = wh >= 0 and wh < W
                    if hl_in and wl_in:
                        dx[xb + hl * W + wl] += gv * ah * aw
                    if hl_in and wh_in:
                        dx[xb + hl * W + wh] += gv * ah * lw
                    if hh_in and wl_in:
                        dx[xb + hh * W + wl] += gv * lh * aw
                    if hh_in and wh_in:
                        dx[xb + hh * W + wh] += gv * lh * lw


def deform_col2coord(dcol, x, off, mask, modulated, N, C, H, W, KH, KW, sh, sw, ph, pw, dh,
                     dw, OH, OW, DG, doff, dmask):
    """doff (offset's layout) and dmask (mask's; unused unless modulated) from dcol."""
    K = KH * KW
    P = OH * OW
    Cg = C // DG
    one = T(1)
    for t in prange(N * DG * K):
        k = t % K
        g = (t // K) % DG
        n = t // (K * DG)
        i = k // KW
        j = k % KW
        ob = t * 2 * P
        mb = t * P
        for oh in range(OH):
            for ow in range(OW):
                p = oh * OW + ow
                ok, hl, hh, wl, wh, lh, lw, ch, cw = PLAN(
                    H, W, oh * sh - ph, ow * sw - pw, i * dh, j * dw, off[ob + p],
                    off[ob + P + p], modulated)
                gh = T(0)
                gw = T(0)
                gm = T(0)
                if ok:
                    ah = one - lh
                    aw = one - lw
                    for c in range(g * Cg, (g + 1) * Cg):
                        xb = (n * C + c) * H * W
                        gv = dcol[((c * K + k) * N + n) * P + p]
                        v1 = CORNER(x, xb, H, W, hl, wl)
                        v2 = CORNER(x, xb, H, W, hl, wh)
                        v3 = CORNER(x, xb, H, W, hh, wl)
                        v4 = CORNER(x, xb, H, W, hh, wh)
                        gh += gv * ((v3 - v1) * aw + (v4 - v2) * lw)
                        gw += gv * ((v2 - v1) * ah + (v4 - v3) * lh)
                        if modulated:
                            gm += gv * (ah * aw * v1 + ah * lw * v2 + lh * aw * v3 + lh * lw * v4)
                    if modulated:
                        gh = gh * mask[mb + p]
                        gw = gw * mask[mb + p]
                doff[ob + p] = gh * ch
                doff[ob + P + p] = gw * cw
                if modulated:
                    dmask[mb + p] = gm


def run(template, n_work, cost, dtype, *args):
    """Run a template of this module serially or in parallel, chosen from the work size."""
    spatial_kernels.run(template, n_work, cost, dtype, *args)
