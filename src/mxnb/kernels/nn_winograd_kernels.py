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

`wino_fwd` and `wino_bwd` run the whole pass for one image at a time (parallel
over images), a block of tile rows at a time: transform the block (a few
hundred KB, so it stays in cache), multiply with `np.dot` (BLAS), transform
back. The blocks are sized so that OpenBLAS runs each product on the calling
thread (M*N*K below its threading threshold): one parallel region per pass
instead of 48 multithreaded BLAS calls, whose thread hand-offs cost 2 to 5x on
a loaded 2-core machine. The weight transforms are tiny and run in NumPy.

A transformed block has layout (16, channels, tiles), so each GEMM operand is
one contiguous (channels, tiles) matrix. The per-image weight-gradient
partials are summed by the caller in a fixed order: results do not depend on
the thread count.
"""
# ruff: noqa: F821  (T, U, prange and the helpers are bound per dtype by kernel())
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


def _four(o, ob, cs, R, e, od, L):
    """B^T along the columns of tiles, from the even (R[e:]) and odd (R[od:]) columns, into
    the 4 streams o[ob + j * cs:]."""
    ev = R[e:e + L]
    e1 = R[e + U(1):e + U(1) + L]
    ov = R[od:od + L]
    o1 = R[od + U(1):od + U(1) + L]
    a = o[ob:ob + L]
    for k in range(L):
        a[k] = ev[k] - e1[k]
    a = o[ob + cs:ob + cs + L]
    for k in range(L):
        a[k] = ov[k] + e1[k]
    a = o[ob + 2 * cs:ob + 2 * cs + L]
    for k in range(L):
        a[k] = e1[k] - ov[k]
    a = o[ob + 3 * cs:ob + 3 * cs + L]
    for k in range(L):
        a[k] = ov[k] - o1[k]


def _four_dy(o, ob, fs, R, e, od, L):
    """A along the columns of 2-wide tiles (even R[e:], odd R[od:]) into the 4 streams
    o[ob + j * fs:]."""
    ev = R[e:e + L]
    ov = R[od:od + L]
    a = o[ob:ob + L]
    for k in range(L):
        a[k] = ev[k]
    a = o[ob + fs:ob + fs + L]
    for k in range(L):
        a[k] = ev[k] + ov[k]
    a = o[ob + 2 * fs:ob + 2 * fs + L]
    for k in range(L):
        a[k] = ev[k] - ov[k]
    a = o[ob + 3 * fs:ob + 3 * fs + L]
    for k in range(L):
        a[k] = -ov[k]


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
    # B^T along the rows of tiles: rows 2th + 0..3 are parity planes 0, 1, 0, 1 at tile
    # offsets 0, 0, tp, tp. R holds (row i, column parity q) at 2i + q.
    for q in range(2):
        p0 = P[U(q) * Q:U(q) * Q + L1]
        p1 = P[U(2 + q) * Q:U(2 + q) * Q + L1]
        p2 = P[U(q) * Q + tp:U(q) * Q + tp + L1]
        p3 = P[U(2 + q) * Q + tp:U(2 + q) * Q + tp + L1]
        r = R[U(q) * L1:U(q + 1) * L1]
        for k in range(L1):
            r[k] = p0[k] - p2[k]
        r = R[U(2 + q) * L1:U(3 + q) * L1]
        for k in range(L1):
            r[k] = p1[k] + p2[k]
        r = R[U(4 + q) * L1:U(5 + q) * L1]
        for k in range(L1):
            r[k] = p2[k] - p1[k]
        r = R[U(6 + q) * L1:U(7 + q) * L1]
        for k in range(L1):
            r[k] = p1[k] - p3[k]
    for i in range(4):
        FOUR(V, vb + U(4 * i) * cs, cs, R, U(2 * i) * L1, U(2 * i + 1) * L1, L)
    ZERO_SPARE(V, vb, cs, nr, TW)


def _tout(M, mb, fs, S, y, OH, OW, th0, nr, TW, v):
    """Rows 2 th0 .. of the plane y = A^T m A (+ v) of the tiles of a block of M[mb:]."""
    tp = U(TW + 1)
    L = U(nr) * tp
    h = U(OW >> 1)
    for j in range(4):
        m0 = M[mb + U(j) * fs:mb + U(j) * fs + L]
        m1 = M[mb + U(4 + j) * fs:mb + U(4 + j) * fs + L]
        m2 = M[mb + U(8 + j) * fs:mb + U(8 + j) * fs + L]
        m3 = M[mb + U(12 + j) * fs:mb + U(12 + j) * fs + L]
        s = S[U(j) * L:U(j + 1) * L]
        for k in range(L):
            s[k] = m0[k] + m1[k] + m2[k]
        s = S[U(4 + j) * L:U(5 + j) * L]
        for k in range(L):
            s[k] = m1[k] - m2[k] - m3[k]
    # S: rows 0 (S[0:4]) and 1 (S[4:8]) of A^T m, 4 columns each
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


def _tdy(dy, OH, OW, th0, nr, TW, P, R, M, mb, fs):
    """M[mb + (4i + j) * fs + t] = (A g A^T)[i, j] of each 2x2 tile g of a block of dy."""
    tp = U(TW + 1)
    L = U(nr) * tp
    z = P[:4 * L]
    for k in range(4 * L):
        z[k] = T(0)
    # parity planes (row, column) of the block's rows of dy: 00, 01, 10, 11
    for oh in range(2 * th0, min(2 * (th0 + nr), OH)):
        rl = oh - 2 * th0
        pb = U(rl & 1) * 2 * L + U(rl >> 1) * tp
        SPLIT(dy[U(oh * OW):], OW, 0, P, pb, pb + L)
    # R: even / odd columns of the rows g0 + g1, g0 - g1 and -g1 of A g
    for q in range(2):
        g0 = P[U(q) * L:U(q + 1) * L]
        g1 = P[U(2 + q) * L:U(3 + q) * L]
        r = R[U(q) * L:U(q + 1) * L]
        for k in range(L):
            r[k] = g0[k] + g1[k]
        r = R[U(2 + q) * L:U(3 + q) * L]
        for k in range(L):
            r[k] = g0[k] - g1[k]
        r = R[U(4 + q) * L:U(5 + q) * L]
        for k in range(L):
            r[k] = -g1[k]
    FOUR_DY(M, mb, fs, P, U(0), L, L)   # row 0 of A g: g0
    for i in range(3):
        FOUR_DY(M, mb + U(4 * (i + 1)) * fs, fs, R, U(2 * i) * L, U(2 * i + 1) * L, L)


def _tdx_cols(D, vb, cs, nr, TW, E, eb, L):
    """B dV along the columns, for the tiles of a block of D[vb:] (streams cs apart), into the
    plane-wide E[(2i + q) * L + eb + t] (row i of the tile, column parity q)."""
    ZERO_SPARE(D, vb, cs, nr, TW)   # so that inf or NaN there cannot reach dx
    Lb = U(nr * (TW + 1))
    n = Lb - U(1)
    for i in range(4):
        b = vb + U(4 * i) * cs
        v0 = D[b:b + Lb]
        v1 = D[b + cs:b + cs + Lb]
        v2 = D[b + 2 * cs:b + 2 * cs + Lb]
        v3 = D[b + 3 * cs:b + 3 * cs + Lb]
        v0n = D[b + U(1):b + Lb]
        v1n = D[b + cs + U(1):b + cs + Lb]
        v2n = D[b + 2 * cs + U(1):b + 2 * cs + Lb]
        v3n = D[b + 3 * cs + U(1):b + 3 * cs + Lb]
        # Column 2tw gets tile tw's first and tile tw - 1's third value, column 2tw + 1 their
        # second and fourth (tile -1 of a row is the zero spare tile before it).
        e = E[U(2 * i) * L + eb:U(2 * i) * L + eb + Lb]
        e[0] = v0[0]
        e = e[1:]
        for k in range(n):
            e[k] = v0n[k] + v1[k] + v2[k] - v0[k]
        e = E[U(2 * i + 1) * L + eb:U(2 * i + 1) * L + eb + Lb]
        e[0] = v1[0] - v2[0] + v3[0]
        e = e[1:]
        for k in range(n):
            e[k] = v1n[k] - v2n[k] + v3n[k] - v3[k]


def _tdx_rows(E, L, P, dx, H, W, ph, pw, TH, TW):
    """B along the rows of the plane-wide E, each tile added at its window: the plane dx."""
    tp = U(TW + 1)
    Q = U(TH + 2) * tp
    n = L - tp
    # Row 2th gets tile row th's first and th - 1's third value, row 2th + 1 their second and
    # fourth. P: parity planes (row, column) of the padded dx.
    for q in range(2):
        a0 = E[U(q) * L:U(q + 1) * L]
        a1 = E[U(2 + q) * L:U(3 + q) * L]
        a2 = E[U(4 + q) * L:U(5 + q) * L]
        a3 = E[U(6 + q) * L:U(7 + q) * L]
        a0n = a0[tp:]
        a1n = a1[tp:]
        a2n = a2[tp:]
        a3n = a3[tp:]
        a0l = a0[n:]
        a1l = a1[n:]
        a2l = a2[n:]
        a3l = a3[n:]
        pe = P[U(q) * Q:U(q + 1) * Q]
        po = P[U(2 + q) * Q:U(3 + q) * Q]
        for k in range(tp):
            pe[k] = a0[k]
        for k in range(tp):
            po[k] = a1[k] - a2[k] + a3[k]
        pe1 = pe[tp:]
        po1 = po[tp:]
        for k in range(n):
            pe1[k] = a0n[k] + a1[k] + a2[k] - a0[k]
        for k in range(n):
            po1[k] = a1n[k] - a2n[k] + a3n[k] - a3[k]
        pe2 = pe[L:]
        po2 = po[L:]
        for k in range(tp):
            pe2[k] = a1l[k] + a2l[k] - a0l[k]
        for k in range(tp):
            po2[k] = -a3l[k]
    for ih in range(H):
        r = ih + ph
        pb = U(r & 1) * 2 * Q + U(r >> 1) * tp
        JOIN(dx[U(ih * W):], W, pw, P, pb, pb + Q)


HELPERS = {"SPLIT": _split, "JOIN": _join, "FOUR": _four, "FOUR_DY": _four_dy,
           "ZERO_SPARE": _zero_spare, "TIN": _tin, "TOUT": _tout, "TDY": _tdy,
           "TDX_COLS": _tdx_cols, "TDX_ROWS": _tdx_rows}


def wino_fwd(x, Uw, bvec, bias, y, N, C, H, W, ph, pw, TH, TW, RB):
    """y = conv(x, w) + bvec for the weights' transform Uw (16, G, F / G, C / G)."""
    G, Fg, Cg = Uw.shape[1], Uw.shape[2], Uw.shape[3]
    F = G * Fg
    OH, OW = H + 2 * ph - 2, W + 2 * pw - 2
    tp = TW + 1
    for n in prange(N):
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


def wino_bwd(x, dy, Ut, dx, dUp, N, C, H, W, ph, pw, TH, TW, RB, want_dx, want_dw):
    """dx = the input gradient (if want_dx) and dUp[n] = sum over image n's tiles of M V^T
    (if want_dw), for the transposed weight transform Ut (16, G, C / G, F / G)."""
    G, Cg, Fg = Ut.shape[1], Ut.shape[2], Ut.shape[3]
    F = G * Fg
    OH, OW = H + 2 * ph - 2, W + 2 * pw - 2
    tp = TW + 1
    L = TH * tp
    for n in prange(N):
        V = np.empty(16 * C * RB * tp if want_dw else 1, T)
        Mb = np.empty(16 * F * RB * tp, T)
        D = np.empty(16 * C * L if want_dx else 1, T)   # dV of the image, block after block
        P = np.empty(4 * (TH + 2) * tp, T)
        R = np.empty(8 * (RB * tp + 1), T)
        E = np.empty(8 * L if want_dx else 1, T)
        for th0 in range(0, TH, RB):
            nr = min(RB, TH - th0)
            Lb = nr * tp
            for f in range(F):
                TDY(dy[U((n * F + f) * OH * OW):], OH, OW, th0, nr, TW, P, R, Mb, U(f * Lb),
                    U(F * Lb))
            M4 = Mb[:16 * F * Lb].reshape((16, G, Fg, Lb))
            if want_dw:
                for c in range(C):
                    TIN(x[U((n * C + c) * H * W):], H, W, ph, pw, th0, nr, TW, P, R, V,
                        U(c * Lb), U(C * Lb))
                V4 = V[:16 * C * Lb].reshape((16, G, Cg, Lb))
                for xi in range(16):
                    for g in range(G):
                        dUp[n, xi, g] += np.dot(M4[xi, g], V4[xi, g].T)
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
# every kernel, rather than inlined into each (as nn_kernels does): inlined into the two
# kernels, serial and parallel, they took 15 to 40 s to compile per kernel.
_OPTS = dict(fastmath={"contract"}, error_model="numpy", boundscheck=False, nogil=True)
_envs = {}
_kernels = {}
_lock = threading.Lock()


def _env(dtype):
    """The globals of this dtype's helpers and kernels, with the helpers compiled (lazily)."""
    g = _envs.get(dtype.char)
    if g is None:
        g = {"__builtins__": __builtins__, "np": np, "T": dtype.type, "U": np.uint64,
             "min": min, "max": max, "prange": _nb.prange}
        tag = f"{dtype.name}_{builder._source_hash(_tin)}"
        for name, fn in HELPERS.items():
            f = types.FunctionType(fn.__code__, g, name, fn.__defaults__)
            f.__qualname__ = f"wino{fn.__name__}_{tag}"
            f.__module__ = __name__
            g[name] = _nb.njit(cache=cache_enabled(), **_OPTS)(f)
        _envs[dtype.char] = g
    return g


def kernel(name, dtype, parallel):
    """The compiled kernel `name` (wino_fwd, wino_bwd) for float `dtype`, serial or parallel."""
    dtype = np.dtype(dtype)
    key = (name, dtype.char, parallel)
    k = _kernels.get(key)
    if k is None:
        with _lock:
            k = _kernels.get(key)
            if k is None:
                tpl = globals()[name]
                g = _env(dtype)
                f = types.FunctionType(tpl.__code__, g, name, None)
                f.__qualname__ = (f"{name}_{'par' if parallel else 'ser'}_{dtype.name}_"
                                  f"{builder._source_hash(tpl)}")
                f.__module__ = __name__
                k = _nb.njit(cache=cache_enabled(), parallel=parallel, **_OPTS)(f)
                _kernels[key] = k
    return k
