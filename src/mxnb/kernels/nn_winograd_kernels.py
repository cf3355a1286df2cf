"""Numba kernels of Winograd F(2x2, 3x3) convolution (imported lazily: imports numba).

For stride-1, dilation-1, 3x3 convolutions (`ops/nn_winograd.py` picks the path).
The output is cut into 2x2 tiles, tile (th, tw) reading the 4x4 input window
at rows 2*th - ph .. +3 and columns 2*tw - pw .. +3. With B, G, A the F(2,3)
matrices (Lavin and Gray, 2016),

    y_tile = A^T [ (G w G^T) . (B^T d B) ] A        (. is the elementwise product)

and the 16 elementwise products, summed over channels, are 16 GEMMs. The
backward is the exact adjoint: with M = A dy A^T of the output-gradient tiles,
the weight gradient is G^T (sum over tiles of M V^T) G and the input gradient
adds B (U^T M) B^T of every tile at its window.

`wino_fwd` and `wino_bwd` run the whole pass for a range of images, one image
at a time and a block of tile rows at a time: transform the block (a few
hundred KB, so it stays in cache), multiply with `np.dot` (BLAS), transform
back. The blocks are sized so that OpenBLAS runs each product on the calling
thread (M*N*K below its threading threshold), and the caller spreads images
over Python threads (kernels/workers.py): no thread hand-off inside a pass,
where 48 multithreaded BLAS calls of whole-batch GEMMs ran 2 to 5x slower on
a loaded 2-core machine. The weight transforms are tiny and run in NumPy.

A transformed block has layout (16, channels, tiles), so each GEMM operand is
one contiguous (channels, tiles) matrix. The per-image weight-gradient
partials are summed by the caller in a fixed order: results do not depend on
the thread count.
"""
# ruff: noqa: F821  (T, U and the helpers are bound per dtype by kernel())
import threading
import types

import numpy as np

from .._jit import cache_enabled, numba
from . import builder

_nb = numba()

# Layout inside a block of nr tile rows: tiles are numbered t = (th - th0) * (TW + 1) + tw,
# one more tile per row than there are (tw = TW, a spare that stays zero where it matters).
# With that spare column, tile t + 1 is always the right neighbour of tile t and t + TW + 1
# the one below, also across rows, so every stage of a transform is one loop over all the
# tiles of a block, at fixed offsets. The image side is split by the parity of its rows and
# columns into four planes of (nr + 2, TW + 1): pixel (2a + p, 2b + q) of the padded image
# (a counted from th0) is element a * (TW + 1) + b of plane (p, q).
#
# Speed, measured: (1) every loop stores one stream, or one interleaved pair written
# o[2 * k], o[2 * k + 1]: LLVM does not vectorise a loop that stores to several runtime
# offsets of one array. (2) Every loop indexes views from 0 (v = a[off:off + n]; v[k]):
# indexing one array at several runtime offsets (a[off + k]) ran 6x slower, as LLVM cannot
# prove the unsigned sums do not wrap. (3) Index arithmetic is unsigned (U = uint64): numba
# wraps negative signed indices with a select that stops vectorisation.
# Compile time, measured: each transform is a table of entries run through one call of
# `_lin`, so LLVM optimises a handful of loops rather than one per entry (half the time).


def _split(src, W, off, P, pe, po):
    """Pixel iw of src[:W] to padded column iw + off of the even (P[pe:]) or odd (P[po:])
    column plane."""
    # Pixels 2k and 2k + 1 land in plane A from column off >> 1 and plane B from
    # (off + 1) >> 1, A being the even plane when off is even.
    if off & 1:
        pa, pb = P[po + U(off >> 1):], P[pe + U((off + 1) >> 1):]
    else:
        pa, pb = P[pe + U(off >> 1):], P[po + U((off + 1) >> 1):]
    n = U(W >> 1)
    for k in range(n):
        pa[k] = src[2 * k]
        pb[k] = src[2 * k + 1]
    if W & 1:
        pa[n] = src[2 * n]


def _join(dst, W, off, P, pe, po):
    """dst[iw] = the value at padded column iw + off of the even / odd column planes."""
    if off & 1:
        pa, pb = P[po + U(off >> 1):], P[pe + U((off + 1) >> 1):]
    else:
        pa, pb = P[pe + U(off >> 1):], P[po + U((off + 1) >> 1):]
    n = U(W >> 1)
    for k in range(n):
        dst[2 * k] = pa[k]
        dst[2 * k + 1] = pb[k]
    if W & 1:
        dst[2 * n] = pa[n]


def _lin(o, src, a, b, c, d, sa, sb, sc, sd, nt, n):
    """o[k] = sa * src[a + k] + sb * src[b + k] + ... for k < n, the first nt of 4 terms.

    The coefficients are +-1, so the products are exact and the sums round as plain
    additions do. One loop serves every combination a transform needs.
    """
    va = src[a:a + n]
    if nt == 1:
        for k in range(n):
            o[k] = sa * va[k]
        return
    vb = src[b:b + n]
    if nt == 2:
        for k in range(n):
            o[k] = sa * va[k] + sb * vb[k]
        return
    vc = src[c:c + n]
    if nt == 3:
        for k in range(n):
            o[k] = sa * va[k] + sb * vb[k] + sc * vc[k]
        return
    vd = src[d:d + n]
    for k in range(n):
        o[k] = sa * va[k] + sb * vb[k] + sc * vc[k] + sd * vd[k]


def _sgn(neg):
    """-1 if neg else 1, in the kernel's dtype."""
    return -T(1) if neg else T(1)


def _zero_spare(o, ob, stride, TH, TW):
    """Zero the spare tile (tw = TW) of every row, in the 16 streams o[ob + s * stride:]."""
    # NOTE: through a view with signed indices; o[ob + U(s) * stride + ...] took LLVM 40 s
    # to compile once inlined into a caller.
    tp = TW + 1
    for s in range(16):
        v = o[ob + U(s) * stride + U(TW):]
        for th in range(TH):
            v[th * tp] = T(0)


def _tin(x, H, W, ph, pw, th0, nr, TW, P, R, V, vb, cs):
    """V[vb + (4i + j) * cs + t] = (B^T d B)[i, j] of tile t of a block of the plane x."""
    tp = U(TW + 1)
    L = U(nr) * tp
    L1 = L + U(1)
    Q = U(nr + 2) * tp              # one parity plane, with a spare row for the offset reads
    z = P[:4 * Q]
    for k in range(4 * Q):
        z[k] = T(0)
    r0 = 2 * th0                    # first padded row of the block
    for r in range(max(r0, ph), min(r0 + 2 * nr + 2, H + ph)):
        rl = r - r0
        pb = U(rl & 1) * 2 * Q + U(rl >> 1) * tp
        SPLIT(x[U((r - ph) * W):], W, pw, P, pb, pb + Q)
    # Entries 0..7, B^T along the rows of tiles: rows 2th + 0..3 of the window are parity
    # planes 0, 1, 0, 1 (p0 = P[q Q:], p1 = P[(2 + q) Q:]) at tile offsets 0, 0, tp, tp, and
    # B^T's rows are d0 - d2, d1 + d2, d2 - d1, d1 - d3; R[(2i + q) L1:] gets row i, column
    # parity q. Entries 8..23, B^T along the columns: columns 2tw + 0..3 are the even / odd
    # planes of R at offsets 0, 0, 1, 1; V[vb + (4i + j) cs:] gets entry (i, j).
    for e in range(24):
        if e < 8:
            i, j = e >> 1, 0
            q = U(e & 1)
            a = q * Q if i == 0 else (2 + q) * Q
            b = q * Q + tp if i < 3 else (2 + q) * Q + tp
            neg_a, neg_b = i == 2, i == 0 or i == 3
            src, dst = P, R[U(e) * L1:U(e + 1) * L1]
        else:
            i, j = (e - 8) >> 2, e & 3
            ev = U(2 * i) * L1
            a = ev if j == 0 else ev + L1
            b = ev + U(1) if j < 3 else ev + L1 + U(1)
            neg_a, neg_b = j == 2, j == 0 or j == 3
            o = vb + U(e - 8) * cs
            src, dst = R, V[o:o + L]
        LIN(dst, src, a, b, a, a, SGN(neg_a), SGN(neg_b), T(1), T(1), 2, len(dst))
    ZERO_SPARE(V, vb, cs, nr, TW)


def _tout(M, mb, fs, S, y, OH, OW, th0, nr, TW, v):
    """Rows 2 th0 .. of the plane y = A^T m A (+ v) of the tiles of a block of M[mb:]."""
    tp = U(TW + 1)
    L = U(nr) * tp
    h = U(OW >> 1)
    # A^T's rows are m0 + m1 + m2 and m1 - m2 - m3: S[(4r + j) L:] holds row r, column j.
    for e in range(8):
        r = e >> 2
        m0 = mb + U(4 * r + (e & 3)) * fs
        LIN(S[U(e) * L:U(e + 1) * L], M, m0, m0 + 4 * fs, m0 + 8 * fs, m0, T(1),
            SGN(r == 1), SGN(r == 1), T(1), 3, L)
    for oh in range(2 * th0, min(2 * (th0 + nr), OH)):
        a = oh - 2 * th0
        b = U(a & 1) * 4 * L + U(a >> 1) * tp
        s0 = S[b:b + tp]
        s1 = S[b + L:b + L + tp]
        s2 = S[b + 2 * L:b + 2 * L + tp]
        s3 = S[b + 3 * L:b + 3 * L + tp]
        d = y[U(oh * OW):U((oh + 1) * OW)]
        for k in range(h):
            d[2 * k] = s0[k] + s1[k] + s2[k] + v
            d[2 * k + 1] = s1[k] - s2[k] - s3[k] + v
        if OW & 1:
            d[2 * h] = s0[h] + s1[h] + s2[h] + v


def _tdy(dy, OH, OW, th0, nr, TW, P, M, mb, fs):
    """M[mb + (4i + j) * fs + t] = (A g A^T)[i, j] of each 2x2 tile g of a block of dy."""
    tp = U(TW + 1)
    L = U(nr) * tp
    z = P[:4 * L]
    for k in range(4 * L):
        z[k] = T(0)
    # P: the parity planes (row, column) of the block's rows of dy, 00, 01, 10, 11, then the
    # even / odd columns of g0 + g1 and g0 - g1.
    for oh in range(2 * th0, min(2 * (th0 + nr), OH)):
        rl = oh - 2 * th0
        pb = U(rl & 1) * 2 * L + U(rl >> 1) * tp
        SPLIT(dy[U(oh * OW):], OW, 0, P, pb, pb + L)
    # Entries 0..3: P[(4 + e) L:] = g0 +- g1, parity e & 1. Entries 4..19, A along the
    # columns of A's rows g0, g0 + g1, g0 - g1, -g1 (the planes at 0, 4L, 6L and, negated,
    # 2L): ev, ev + od, ev - od, -od.
    for e in range(20):
        if e < 4:
            q = U(e & 1)
            a, b, sa, sb, nt = q * L, (2 + q) * L, T(1), SGN(e >= 2), 2
            dst = P[U(4 + e) * L:U(5 + e) * L]
        else:
            i, j = (e - 4) >> 2, e & 3
            ev = U(0) if i == 0 else (U(2 + 2 * i) * L if i < 3 else 2 * L)
            sg = SGN(i == 3)
            a = ev if j < 3 else ev + L
            b = ev + L
            sa = -sg if j == 3 else sg
            sb = -sg if j == 2 else sg
            nt = 1 if j == 0 or j == 3 else 2
            o = mb + U(e - 4) * fs
            dst = M[o:o + L]
        LIN(dst, P, a, b, a, a, sa, sb, T(1), T(1), nt, L)


def _tdx_cols(D, vb, cs, nr, TW, E, eb, L):
    """B dV along the columns, for the tiles of a block of D[vb:] (streams cs apart), into the
    plane-wide E[(2i + q) * L + eb + t] (row i of the tile, column parity q)."""
    ZERO_SPARE(D, vb, cs, nr, TW)   # so that inf or NaN there cannot reach dx
    Lb = U(nr * (TW + 1))
    n = Lb - U(1)
    # Column 2tw gets tile tw's first and tile tw - 1's third value, v0 + (v1 + v2 - v0),
    # column 2tw + 1 their second and fourth, (v1 - v2 + v3) - v3 (tile -1 of a row is the
    # zero spare tile before it).
    for e in range(8):
        v0 = vb + U(4 * (e >> 1)) * cs
        o = U(e) * L + eb
        one = U(1)
        if e & 1:
            E[o] = D[v0 + cs] - D[v0 + 2 * cs] + D[v0 + 3 * cs]
            a, b, c, d = v0 + cs + one, v0 + 2 * cs + one, v0 + 3 * cs + one, v0 + 3 * cs
            sb = -T(1)
        else:
            E[o] = D[v0]
            a, b, c, d = v0 + one, v0 + cs, v0 + 2 * cs, v0
            sb = T(1)
        LIN(E[o + one:o + Lb], D, a, b, c, d, T(1), sb, T(1), -T(1), 4, n)


def _tdx_rows(E, L, P, dx, H, W, ph, pw, TH, TW):
    """B along the rows of the plane-wide E, each tile added at its window: the plane dx."""
    tp = U(TW + 1)
    Q = U(TH + 2) * tp
    n = L - tp
    one, neg = T(1), -T(1)
    # Row 2th gets tile row th's first and th - 1's third value, a0 + (a1 + a2 - a0), row
    # 2th + 1 their second and fourth, (a1 - a2 + a3) - a3, with a_i = E[(2i + q) L:].
    # P: parity planes (row, column) of the padded dx; each gets a first row (seg 0), the
    # middle rows (seg 1) and a last row (seg 2).
    for e in range(12):
        pi, seg = e // 3, e % 3
        a0 = U(pi & 1) * L
        a1 = a0 + 2 * L
        a2 = a0 + 4 * L
        a3 = a0 + 6 * L
        # (first, count) of the destination, then the terms
        lo, cnt = (U(0), tp) if seg == 0 else ((tp, n) if seg == 1 else (L, tp))
        b, c, d = a0, a0, a0
        sa, sb, sc, sd = one, one, one, one
        if pi < 2:                  # even rows
            nt = 1 if seg == 0 else (4 if seg == 1 else 3)
            if seg == 0:
                a = a0
            elif seg == 1:
                a, b, c, sd = a0 + tp, a1, a2, neg
            else:
                a, b, c, sc = a1 + n, a2 + n, a0 + n, neg
        else:
            nt = 3 if seg == 0 else (4 if seg == 1 else 1)
            if seg == 0:
                a, b, c, sb = a1, a2, a3, neg
            elif seg == 1:
                a, b, c, d, sb, sd = a1 + tp, a2 + tp, a3 + tp, a3, neg, neg
            else:
                a, sa = a3 + n, neg
        o = U(pi) * Q + lo
        LIN(P[o:o + cnt], E, a, b, c, d, sa, sb, sc, sd, nt, cnt)
    for ih in range(H):
        r = ih + ph
        pb = U(r & 1) * 2 * Q + U(r >> 1) * tp
        JOIN(dx[U(ih * W):], W, pw, P, pb, pb + Q)


HELPERS = {"SPLIT": _split, "JOIN": _join, "LIN": _lin, "SGN": _sgn,
           "ZERO_SPARE": _zero_spare, "TIN": _tin, "TOUT": _tout, "TDY": _tdy,
           "TDX_COLS": _tdx_cols, "TDX_ROWS": _tdx_rows}


def wino_fwd(x, Uw, bvec, bias, y, N, C, H, W, ph, pw, TH, TW, RB, n0, n1):
    """y = conv(x, w) + bvec for images n0..n1, from the weights' transform Uw
    (16, G, F / G, C / G)."""
    G, Fg, Cg = Uw.shape[1], Uw.shape[2], Uw.shape[3]
    F = G * Fg
    OH, OW = H + 2 * ph - 2, W + 2 * pw - 2
    tp = TW + 1
    for n in range(n0, n1):
        V = np.empty(16 * C * RB * tp, T)
        Mb = np.empty(16 * F * RB * tp, T)
        P = np.empty(4 * (RB + 2) * tp, T)
        R = np.empty(8 * (RB * tp + 1), T)
        for th0 in range(0, TH, RB):
            nr = min(RB, TH - th0)
            Lb = nr * tp
            for c in range(C):
                TIN(x[U((n * C + c) * H * W):], H, W, ph, pw, th0, nr, TW, P, R, V, U(c * Lb),
                    U(C * Lb))
            V4 = V[:16 * C * Lb].reshape((16, G, Cg, Lb))
            M4 = Mb[:16 * F * Lb].reshape((16, G, Fg, Lb))
            for xi in range(16):
                for g in range(G):
                    np.dot(Uw[xi, g], V4[xi, g], M4[xi, g])
            for f in range(F):
                TOUT(Mb, U(f * Lb), U(F * Lb), R, y[U((n * F + f) * OH * OW):], OH, OW, th0, nr,
                     TW, bvec[f] if bias else T(0))


def wino_bwd(x, dy, Ut, dx, dUp, N, C, H, W, ph, pw, TH, TW, RB, want_dx, want_dw, n0, n1):
    """For images n0..n1: dx = the input gradient (if want_dx) and dUp[n] = the sum over
    image n's tiles of M V^T (if want_dw), for the transposed weight transform Ut
    (16, G, C / G, F / G)."""
    G, Cg, Fg = Ut.shape[1], Ut.shape[2], Ut.shape[3]
    F = G * Fg
    OH, OW = H + 2 * ph - 2, W + 2 * pw - 2
    tp = TW + 1
    L = TH * tp
    for n in range(n0, n1):
        V = np.empty(16 * C * RB * tp if want_dw else 1, T)
        Mb = np.empty(16 * F * RB * tp, T)
        D = np.empty(16 * C * L if want_dx else 1, T)   # dV of the image, block after block
        P = np.empty(max(4 * (TH + 2), 8 * RB) * tp, T)
        R = np.empty(8 * (RB * tp + 1), T)
        E = np.empty(8 * L if want_dx else 1, T)
        t = np.empty((Fg, Cg), T)
        for th0 in range(0, TH, RB):
            nr = min(RB, TH - th0)
            Lb = nr * tp
            for f in range(F):
                TDY(dy[U((n * F + f) * OH * OW):], OH, OW, th0, nr, TW, P, Mb, U(f * Lb),
                    U(F * Lb))
            M4 = Mb[:16 * F * Lb].reshape((16, G, Fg, Lb))
            if want_dw:
                for c in range(C):
                    TIN(x[U((n * C + c) * H * W):], H, W, ph, pw, th0, nr, TW, P, R, V,
                        U(c * Lb), U(C * Lb))
                V4 = V[:16 * C * Lb].reshape((16, G, Cg, Lb))
                for xi in range(16):
                    for g in range(G):
                        # NOTE: a loop, not `+=` on the view: that array expression alone
                        # took numba 10 s to compile.
                        np.dot(M4[xi, g], V4[xi, g].T, t)
                        acc = dUp[n, xi, g]
                        for a in range(Fg):
                            for b in range(Cg):
                                acc[a, b] += t[a, b]
            if want_dx:
                o = 16 * C * th0 * tp
                D4 = D[o:o + 16 * C * Lb].reshape((16, G, Cg, Lb))
                for xi in range(16):
                    for g in range(G):
                        np.dot(Ut[xi, g], M4[xi, g], D4[xi, g])
        if want_dx:
            for c in range(C):
                for th0 in range(0, TH, RB):
                    nr = min(RB, TH - th0)
                    TDX_COLS(D, U(16 * C * th0 * tp + c * nr * tp), U(C * nr * tp), nr, TW, E,
                             U(th0 * tp), U(L))
                TDX_ROWS(E, U(L), P, dx[U((n * C + c) * H * W):], H, W, ph, pw, TH, TW)


# ---------------------------------------------------------------- building

# NOTE: the helpers are compiled once per dtype as functions of their own and shared by
# both kernels, rather than inlined into each at numba level (as nn_kernels does).
_OPTS = dict(fastmath={"contract"}, error_model="numpy", boundscheck=False, nogil=True)
_envs = {}
_kernels = {}
_lock = threading.Lock()


def _env(dtype):
    """The globals of this dtype's helpers and kernels, with the helpers compiled (lazily)."""
    g = _envs.get(dtype.char)
    if g is None:
        g = {"__builtins__": __builtins__, "np": np, "T": dtype.type, "U": np.uint64,
             "min": min, "max": max}
        tag = f"{dtype.name}_{builder._source_hash(_tin)}"
        for name, fn in HELPERS.items():
            f = types.FunctionType(fn.__code__, g, name, fn.__defaults__)
            f.__qualname__ = f"wino{fn.__name__}_{tag}"
            f.__module__ = __name__
            g[name] = _nb.njit(cache=cache_enabled(), **_OPTS)(f)
        _envs[dtype.char] = g
    return g


def kernel(name, dtype):
    """The compiled kernel `name` (wino_fwd, wino_bwd) for float `dtype`.

    Serial only: the caller spreads images over threads (kernels/workers.py).
    """
    dtype = np.dtype(dtype)
    key = (name, dtype.char)
    k = _kernels.get(key)
    if k is None:
        with _lock:
            k = _kernels.get(key)
            if k is None:
                tpl = globals()[name]
                f = types.FunctionType(tpl.__code__, _env(dtype), name, None)
                f.__qualname__ = f"{name}_{dtype.name}_{builder._source_hash(tpl)}"
                f.__module__ = __name__
                k = _nb.njit(cache=cache_enabled(), **_OPTS)(f)
                _kernels[key] = k
    return k
