"""Numba kernels of Winograd F(2x2, 3x3) convolution (imported lazily: imports numba).

For stride-1, dilation-1, 3x3 convolutions (`ops/nn_conv.py` picks the path).
The output is cut into 2x2 tiles, tile (th, tw) reading the 4x4 input window
at rows 2*th - ph .. +3 and columns 2*tw - pw .. +3. With B, G, A the F(2,3)
matrices (Lavin and Gray, 2016),

    y_tile = A^T [ (G w G^T) . (B^T d B) ] A        (. is the elementwise product)

and the 16 elementwise products, summed over channels, are 16 GEMMs. The
kernels here are the transforms of the images and gradients; the caller runs
the GEMMs (BLAS) and the tiny weight transforms (NumPy).

Buffers are flat and C-contiguous. A transformed buffer has layout
(16, channels, tiles), tiles numbered (image, th, tw), so each of the 16 GEMM
operands is one contiguous (channels, tiles) matrix. The backward kernels are
the exact adjoints of the forward ones:

* `wino_in`:  V = B^T d B of every input tile (zero outside the image).
* `wino_out`: y = A^T m A of every output tile, plus bias, cropped to OH x OW.
* `wino_dy`:  M = A dy A^T of every output-gradient tile (the adjoint of `wino_out`).
* `wino_dx`:  dx = sum over tiles of B dV B^T (the adjoint of `wino_in`).

Each kernel works on one (image, channel) plane at a time, through a zero-padded
copy of the plane, so the loops over a row of tiles have no bounds tests and
vectorise. Parallel variants split over planes: no two threads write the same
element, and the result does not depend on the thread count.
"""
# ruff: noqa: F821  (T, U, prange are bound per dtype by nn_kernels.kernel)

# Layout inside a plane: tiles are numbered t = th * (TW + 1) + tw, one more tile per row
# than there are (tw = TW, always zero in the transformed buffers). With that spare column,
# tile t + 1 is always the right neighbour of tile t and t + TW + 1 the one below, also
# across rows, so every stage of a transform is one loop over all the tiles of a plane, at
# fixed offsets. The image side is split by the parity of its rows and columns into four
# planes of (TH + 2, TW + 1): pixel (2a + p, 2b + q) of the padded image is element
# a * (TW + 1) + b of plane (p, q).
#
# Speed, measured: (1) every loop stores one stream, or one interleaved pair written
# o[2 * k], o[2 * k + 1]: LLVM does not vectorise a loop that stores to several runtime
# offsets of one array. (2) Arrays are indexed at offsets, never sliced inside the plane
# loop: each slice costs an atomic reference-count increment and decrement, and hundreds
# of them per plane cost more than the arithmetic. (3) Index arithmetic is unsigned
# (U = uint64): numba wraps negative signed indices with a select that stops vectorisation.


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


HELPERS = {"SPLIT": _split, "JOIN": _join, "FOUR": _four, "FOUR_DY": _four_dy,
           "ZERO_SPARE": _zero_spare}


def wino_in(x, V, nimg, C, H, W, ph, pw, TH, TW, t0, t1):
    """V[(i, j), c, (n, t)] = (B^T d B)[i, j] of tile t of plane (n, c)."""
    tp = U(TW + 1)
    L = U(TH) * tp
    L1 = L + U(1)
    Q = U(TH + 2) * tp              # one parity plane, with a spare row for the offset reads
    nt = U(nimg) * L
    cs = U(C) * nt                  # distance between the 16 (i, j) planes of V
    for t in prange(t0, t1):
        n = t // C
        c = t - n * C
        P = np.zeros(4 * Q, T)      # parity planes (row, column): 00, 01, 10, 11
        R = np.empty(8 * L1, T)     # B^T d along the rows: (row i, column parity q) at 2i + q
        xb = U(t * H * W)
        for ih in range(H):
            r = ih + ph
            pb = U(r & 1) * 2 * Q + U(r >> 1) * tp
            SPLIT(x, xb + U(ih * W), W, pw, P, pb, pb + Q)
        # Rows 2th + 0..3 of the padded image are parity planes 0, 1, 0, 1 at tile offsets
        # 0, 0, tp, tp.
        for q in range(2):
            p0 = U(q) * Q
            p1 = U(2 + q) * Q
            p2 = p0 + tp
            p3 = p1 + tp
            r0 = U(q) * L1
            for k in range(L1):
                R[r0 + k] = P[p0 + k] - P[p2 + k]
            r0 += 2 * L1
            for k in range(L1):
                R[r0 + k] = P[p1 + k] + P[p2 + k]
            r0 += 2 * L1
            for k in range(L1):
                R[r0 + k] = P[p2 + k] - P[p1 + k]
            r0 += 2 * L1
            for k in range(L1):
                R[r0 + k] = P[p1 + k] - P[p3 + k]
        ob = U(c) * nt + U(n) * L
        for i in range(4):
            FOUR(V, ob + U(4 * i) * cs, cs, R, U(2 * i) * L1, U(2 * i + 1) * L1, L)
        ZERO_SPARE(V, ob, cs, TH, TW)


def wino_out(M, y, nimg, F, OH, OW, TH, TW, bvec, bias, t0, t1):
    """y[n, f] = A^T m A of each tile of M (16, F, tiles), plus bvec[f] if bias, cropped."""
    tp = U(TW + 1)
    L = U(TH) * tp
    nt = U(nimg) * L
    fs = U(F) * nt
    h = U(OW >> 1)
    for t in prange(t0, t1):
        n = t // F
        f = t - n * F
        S = np.empty(8 * L, T)  # A^T m: its rows 0 (S[0:4]) and 1 (S[4:8]), 4 columns each
        v = bvec[f] if bias else T(0)
        mb = U(f) * nt + U(n) * L
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
        yb = U(t * OH * OW)
        for oh in range(OH):
            s0 = U(oh & 1) * 4 * L + U(oh >> 1) * tp
            s1 = s0 + L
            s2 = s1 + L
            s3 = s2 + L
            d = yb + U(oh * OW)
            for k in range(h):
                y[d + 2 * k] = S[s0 + k] + S[s1 + k] + S[s2 + k] + v
                y[d + 2 * k + 1] = S[s1 + k] - S[s2 + k] - S[s3 + k] + v
            if OW & 1:
                y[d + 2 * h] = S[s0 + h] + S[s1 + h] + S[s2 + h] + v


def wino_dy(dy, M, nimg, F, OH, OW, TH, TW, t0, t1):
    """M[(i, j), f, (n, t)] = (A g A^T)[i, j] of each 2x2 tile g of dy (zero outside)."""
    tp = U(TW + 1)
    L = U(TH) * tp
    nt = U(nimg) * L
    fs = U(F) * nt
    for t in prange(t0, t1):
        n = t // F
        f = t - n * F
        P = np.zeros(4 * L, T)      # parity planes (row, column) of dy: 00, 01, 10, 11
        R = np.empty(6 * L, T)      # even / odd columns of the rows g0 + g1, g0 - g1, -g1
        yb = U(t * OH * OW)
        for oh in range(OH):
            pb = U(oh & 1) * 2 * L + U(oh >> 1) * tp
            SPLIT(dy, yb + U(oh * OW), OW, 0, P, pb, pb + L)
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
        mb = U(f) * nt + U(n) * L
        FOUR_DY(M, mb, fs, P, U(0), L, L)   # row 0 of A g: g0
        for i in range(3):
            FOUR_DY(M, mb + U(4 * (i + 1)) * fs, fs, R, U(2 * i) * L, U(2 * i + 1) * L, L)


def wino_dx(dV, dx, nimg, C, H, W, ph, pw, TH, TW, t0, t1):
    """dx[n, c] = sum over the tiles of plane (n, c) of B dV B^T, each added at its window.

    Zeroes the spare tiles of dV first, so that inf or NaN there cannot reach dx.
    """
    tp = U(TW + 1)
    L = U(TH) * tp
    Q = U(TH + 2) * tp
    nt = U(nimg) * L
    cs = U(C) * nt
    one = U(1)
    for t in prange(t0, t1):
        n = t // C
        c = t - n * C
        E = np.empty(8 * L, T)      # B dV along the columns: (row i, column parity q) at 2i + q
        P = np.empty(4 * Q, T)      # parity planes (row, column) of the padded dx
        vb = U(c) * nt + U(n) * L
        ZERO_SPARE(dV, vb, cs, TH, TW)
        for i in range(4):
            v0 = vb + U(4 * i) * cs
            v1 = v0 + cs
            v2 = v1 + cs
            v3 = v2 + cs
            # Column 2tw gets tile tw's first and tile tw - 1's third value, column 2tw + 1
            # their second and fourth (tile -1 of a row is the zero spare tile before it).
            e = U(2 * i) * L
            E[e] = dV[v0]
            for k in range(L - one):
                E[e + one + k] = dV[v0 + one + k] + dV[v1 + k] + dV[v2 + k] - dV[v0 + k]
            e += L
            E[e] = dV[v1] - dV[v2] + dV[v3]
            for k in range(L - one):
                E[e + one + k] = dV[v1 + one + k] - dV[v2 + one + k] + dV[v3 + one + k] - dV[v3 + k]
        # B along the rows: row 2th gets tile row th's first and th - 1's third value, row
        # 2th + 1 their second and fourth.
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
        xb = U(t * H * W)
        for ih in range(H):
            r = ih + ph
            pb = U(r & 1) * 2 * Q + U(r >> 1) * tp
            JOIN(dx, xb + U(ih * W), W, pw, P, pb, pb + Q)
