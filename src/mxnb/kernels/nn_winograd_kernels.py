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
# ruff: noqa: F821  (T, U, prange are bound per dtype by nn_kernels.kernel)

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
# offsets of one array. (2) Arrays are indexed at offsets, not sliced, inside the loops
# over planes: each slice costs an atomic reference-count increment and decrement.
# (3) Index arithmetic is unsigned (U = uint64): numba wraps negative signed indices with
# a select that stops vectorisation.


def _split(src, sb, W, off, P, pe, po):
    """Pixel iw of src[sb:sb + W] to padded column iw + off of the even (P[pe:]) or odd
    (P[po:]) column plane."""
    # Pixels 2k and 2k + 1 land in plane A from column off >> 1 and plane B from
    # (off + 1) >> 1, A being the even plane when off is even.
    if off & 1:
        pa, pb = po + U(off >> 1), pe + U((off + 1) >> 1)
    else:
        pa, pb = pe + U(off >> 1), po + U((off + 1) >> 1)
    n = U(W >> 1)
    for k in range(n):
        P[pa + k] = src[sb + 2 * k]
        P[pb + k] = src[sb + 2 * k + 1]
    if W & 1:
        P[pa + n] = src[sb + 2 * n]


def _join(dst, db, W, off, P, pe, po):
    """dst[db + iw] = the value at padded column iw + off of the even / odd column planes."""
    if off & 1:
        pa, pb = po + U(off >> 1), pe + U((off + 1) >> 1)
    else:
        pa, pb = pe + U(off >> 1), po + U((off + 1) >> 1)
    n = U(W >> 1)
    for k in range(n):
        dst[db + 2 * k] = P[pa + k]
        dst[db + 2 * k + 1] = P[pb + k]
    if W & 1:
        dst[db + 2 * n] = P[pa + n]


def _four(o, ob, cs, R, e, od, L):
    """B^T along the columns of tiles, from the even (R[e:]) and odd (R[od:]) columns, into
    the 4 streams o[ob + j * cs:]."""
    e1 = e + U(1)
    o1 = od + U(1)
    for k in range(L):
        o[ob + k] = R[e + k] - R[e1 + k]
    ob += cs
    for k in range(L):
        o[ob + k] = R[od + k] + R[e1 + k]
    ob += cs
    for k in range(L):
        o[ob + k] = R[e1 + k] - R[od + k]
    ob += cs
    for k in range(L):
        o[ob + k] = R[od + k] - R[o1 + k]


def _four_dy(o, ob, fs, R, e, od, L):
    """A along the columns of 2-wide tiles (even R[e:], odd R[od:]) into the 4 streams
    o[ob + j * fs:]."""
    for k in range(L):
        o[ob + k] = R[e + k]
    ob += fs
    for k in range(L):
        o[ob + k] = R[e + k] + R[od + k]
    ob += fs
    for k in range(L):
        o[ob + k] = R[e + k] - R[od + k]
    ob += fs
    for k in range(L):
        o[ob + k] = -R[od + k]


def _zero_spare(o, ob, stride, TH, TW):
    """Zero the spare tile (tw = TW) of every row, in the 16 streams o[ob + s * stride:]."""
    for s in range(16):
        b = ob + U(s) * stride + U(TW)
        for th in range(TH):
            o[b + U(th * (TW + 1))] = T(0)


def _tin(x, xb, H, W, ph, pw, th0, nr, TW, P, R, V, vb, cs):
    """V[vb + (4i + j) * cs + t] = (B^T d B)[i, j] of tile t of a block of plane x[xb:]."""
    tp = U(TW + 1)
    L = U(nr) * tp
    L1 = L + U(1)
    Q = U(nr + 2) * tp              # one parity plane, with a spare row for the offset reads
    for k in range(4 * Q):
        P[k] = T(0)
    r0 = 2 * th0                    # first padded row of the block
    for r in range(max(r0, ph), min(r0 + 2 * nr + 2, H + ph)):
        rl = r - r0
        pb = U(rl & 1) * 2 * Q + U(rl >> 1) * tp
        SPLIT(x, xb + U((r - ph) * W), W, pw, P, pb, pb + Q)
    # B^T along the rows of tiles: rows 2th + 0..3 are parity planes 0, 1, 0, 1 at tile
    # offsets 0, 0, tp, tp. R holds (row i, column parity q) at 2i + q.
    for q in range(2):
        p0 = U(q) * Q
        p1 = U(2 + q) * Q
        p2 = p0 + tp
        p3 = p1 + tp
        r = U(q) * L1
        for k in range(L1):
            R[r + k] = P[p0 + k] - P[p2 + k]
        r += 2 * L1
        for k in range(L1):
            R[r + k] = P[p1 + k] + P[p2 + k]
        r += 2 * L1
        for k in range(L1):
            R[r + k] = P[p2 + k] - P[p1 + k]
        r += 2 * L1
        for k in range(L1):
            R[r + k] = P[p1 + k] - P[p3 + k]
    for i in range(4):
        FOUR(V, vb + U(4 * i) * cs, cs, R, U(2 * i) * L1, U(2 * i + 1) * L1, L)
    ZERO_SPARE(V, vb, cs, nr, TW)


def _tout(M, mb, fs, S, y, yb, OH, OW, th0, nr, TW, v):
    """Rows 2 th0 .. of y[yb:] = A^T m A (+ v) of the tiles of a block of M[mb:], cropped."""
    tp = U(TW + 1)
    L = U(nr) * tp
    h = U(OW >> 1)
    for j in range(4):
        m0 = mb + U(j) * fs
        m1 = m0 + 4 * fs
        m2 = m0 + 8 * fs
        m3 = m0 + 12 * fs
        s = U(j) * L
        for k in range(L):
            S[s + k] = M[m0 + k] + M[m1 + k] + M[m2 + k]
        s += 4 * L
        for k in range(L):
            S[s + k] = M[m1 + k] - M[m2 + k] - M[m3 + k]
    # S: rows 0 (S[0:4]) and 1 (S[4:8]) of A^T m, 4 columns each
    for oh in range(2 * th0, min(2 * (th0 + nr), OH)):
        a = oh - 2 * th0
        s0 = U(a & 1) * 4 * L + U(a >> 1) * tp
        s1 = s0 + L
        s2 = s1 + L
        s3 = s2 + L
        d = yb + U(oh * OW)
        for k in range(h):
            y[d + 2 * k] = S[s0 + k] + S[s1 + k] + S[s2 + k] + v
            y[d + 2 * k + 1] = S[s1 + k] - S[s2 + k] - S[s3 + k] + v
        if OW & 1:
            y[d + 2 * h] = S[s0 + h] + S[s1 + h] + S[s2 + h] + v


def _tdy(dy, yb, OH, OW, th0, nr, TW, P, R, M, mb, fs):
    """M[mb + (4i + j) * fs + t] = (A g A^T)[i, j] of each 2x2 tile g of a block of dy[yb:]."""
    tp = U(TW + 1)
    L = U(nr) * tp
    for k in range(4 * L):
        P[k] = T(0)
    # parity planes (row, column) of the block's rows of dy: 00, 01, 10, 11
    for oh in range(2 * th0, min(2 * (th0 + nr), OH)):
        rl = oh - 2 * th0
        pb = U(rl & 1) * 2 * L + U(rl >> 1) * tp
        SPLIT(dy, yb + U(oh * OW), OW, 0, P, pb, pb + L)
    # R: even / odd columns of the rows g0 + g1, g0 - g1 and -g1 of A g
    for q in range(2):
        g0 = U(q) * L
        g1 = g0 + 2 * L
        r = U(q) * L
        for k in range(L):
            R[r + k] = P[g0 + k] + P[g1 + k]
        r += 2 * L
        for k in range(L):
            R[r + k] = P[g0 + k] - P[g1 + k]
        r += 2 * L
        for k in range(L):
            R[r + k] = -P[g1 + k]
    FOUR_DY(M, mb, fs, P, U(0), L, L)   # row 0 of A g: g0
    for i in range(3):
        FOUR_DY(M, mb + U(4 * (i + 1)) * fs, fs, R, U(2 * i) * L, U(2 * i + 1) * L, L)


def _tdx_cols(D, vb, cs, nr, TW, E, eb, L):
    """B dV along the columns, for the tiles of a block of D[vb:] (streams cs apart), into the
    plane-wide E[(2i + q) * L + eb + t] (row i of the tile, column parity q)."""
    ZERO_SPARE(D, vb, cs, nr, TW)   # so that inf or NaN there cannot reach dx
    Lb = U(nr * (TW + 1))
    one = U(1)
    for i in range(4):
        v0 = vb + U(4 * i) * cs
        v1 = v0 + cs
        v2 = v1 + cs
        v3 = v2 + cs
        # Column 2tw gets tile tw's first and tile tw - 1's third value, column 2tw + 1 their
        # second and fourth (tile -1 of a row is the zero spare tile before it).
        e = U(2 * i) * L + eb
        E[e] = D[v0]
        for k in range(Lb - one):
            E[e + one + k] = D[v0 + one + k] + D[v1 + k] + D[v2 + k] - D[v0 + k]
        e += L
        E[e] = D[v1] - D[v2] + D[v3]
        for k in range(Lb - one):
            E[e + one + k] = D[v1 + one + k] - D[v2 + one + k] + D[v3 + one + k] - D[v3 + k]


def _tdx_rows(E, L, P, dx, xb, H, W, ph, pw, TH, TW):
    """B along the rows of the plane-wide E, each tile added at its window: dx[xb:]."""
    tp = U(TW + 1)
    Q = U(TH + 2) * tp
    # Row 2th gets tile row th's first and th - 1's third value, row 2th + 1 their second and
    # fourth. P: parity planes (row, column) of the padded dx.
    for q in range(2):
        a0 = U(q) * L
        a1 = a0 + 2 * L
        a2 = a0 + 4 * L
        a3 = a0 + 6 * L
        pe = U(q) * Q
        po = U(2 + q) * Q
        for k in range(tp):
            P[pe + k] = E[a0 + k]
        for k in range(tp):
            P[po + k] = E[a1 + k] - E[a2 + k] + E[a3 + k]
        for k in range(L - tp):
            P[pe + tp + k] = E[a0 + tp + k] + E[a1 + k] + E[a2 + k] - E[a0 + k]
        for k in range(L - tp):
            P[po + tp + k] = E[a1 + tp + k] - E[a2 + tp + k] + E[a3 + tp + k] - E[a3 + k]
        last = L - tp
        for k in range(tp):
            P[pe + L + k] = E[a1 + last + k] + E[a2 + last + k] - E[a0 + last + k]
        for k in range(tp):
            P[po + L + k] = -E[a3 + last + k]
    for ih in range(H):
        r = ih + ph
        pb = U(r & 1) * 2 * Q + U(r >> 1) * tp
        JOIN(dx, xb + U(ih * W), W, pw, P, pb, pb + Q)


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
                TIN(x, U((n * C + c) * H * W), H, W, ph, pw, th0, nr, TW, P, R, V, U(c * Lb),
                    U(C * Lb))
            V4 = V[:16 * C * Lb].reshape((16, G, Cg, Lb))
            M4 = Mb[:16 * F * Lb].reshape((16, G, Fg, Lb))
            for xi in range(16):
                for g in range(G):
                    np.dot(Uw[xi, g], V4[xi, g], M4[xi, g])
            for f in range(F):
                TOUT(Mb, U(f * Lb), U(F * Lb), R, y, U((n * F + f) * OH * OW), OH, OW, th0, nr,
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
                TDY(dy, U((n * F + f) * OH * OW), OH, OW, th0, nr, TW, P, R, Mb, U(f * Lb),
                    U(F * Lb))
            M4 = Mb[:16 * F * Lb].reshape((16, G, Fg, Lb))
            if want_dw:
                for c in range(C):
                    TIN(x, U((n * C + c) * H * W), H, W, ph, pw, th0, nr, TW, P, R, V,
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
                TDX_ROWS(E, U(L), P, dx, U((n * C + c) * H * W), H, W, ph, pw, TH, TW)
