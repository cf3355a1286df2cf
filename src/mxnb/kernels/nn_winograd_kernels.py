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

# Vectorising: LLVM gives up on a loop that stores to several runtime-offset streams of one
# array (it cannot afford the overlap checks), and on `o[j], o[j + 1]` with `j = k + k`. So
# every inner loop below stores one stream, or one interleaved pair written as o[2 * k],
# o[2 * k + 1]; each row of tiles is first split into its even and odd columns. Index
# arithmetic is unsigned (U = uint64): numba wraps negative signed indices with a select
# that stops vectorisation. Measured 5 to 10x faster than the straightforward loops.


def _split(r, ev, od, n):
    """ev[k], od[k] = r[2k], r[2k + 1] for k < n."""
    for k in range(U(n)):
        ev[k] = r[2 * k]
        od[k] = r[2 * k + 1]


def _four(o, base, cs, e, od, n):
    """The 4-point B^T of a row of tiles, from its even and odd columns, into 4 streams of o."""
    a = o[base:base + U(n)]
    for k in range(U(n)):
        a[k] = e[k] - e[k + 1]
    a = o[base + cs:base + cs + U(n)]
    for k in range(U(n)):
        a[k] = od[k] + e[k + 1]
    a = o[base + 2 * cs:base + 2 * cs + U(n)]
    for k in range(U(n)):
        a[k] = e[k + 1] - od[k]
    a = o[base + 3 * cs:base + 3 * cs + U(n)]
    for k in range(U(n)):
        a[k] = od[k] - od[k + 1]


def _four_dy(o, base, fs, e, od, neg, n):
    """The 4-point A of a row of 2-wide tiles (even, odd columns; negated if neg) into o."""
    a = o[base:base + U(n)]
    b = o[base + fs:base + fs + U(n)]
    c = o[base + 2 * fs:base + 2 * fs + U(n)]
    d = o[base + 3 * fs:base + 3 * fs + U(n)]
    if neg:
        for k in range(U(n)):
            a[k] = -e[k]
        for k in range(U(n)):
            b[k] = -e[k] - od[k]
        for k in range(U(n)):
            c[k] = od[k] - e[k]
        for k in range(U(n)):
            d[k] = od[k]
    else:
        for k in range(U(n)):
            a[k] = e[k]
        for k in range(U(n)):
            b[k] = e[k] + od[k]
        for k in range(U(n)):
            c[k] = e[k] - od[k]
        for k in range(U(n)):
            d[k] = -od[k]


HELPERS = {"SPLIT": _split, "FOUR": _four, "FOUR_DY": _four_dy}


def wino_in(x, V, nimg, C, H, W, ph, pw, TH, TW):
    """V[(i, j), c, (n, th, tw)] = (B^T d B)[i, j] of the tile at (th, tw) of plane (n, c)."""
    WP = 2 * TW + 2
    HP = 2 * TH + 2
    nt = U(nimg * TH * TW)
    cs = U(C) * nt  # distance between the 16 (i, j) planes of V
    for t in prange(nimg * C):
        n = t // C
        c = t - n * C
        P = np.zeros(HP * WP, T)
        R = np.empty(WP, T)
        E = np.empty(8 * (TW + 1), T)  # even and odd columns of the 4 rows of B^T d
        xb = t * H * W
        for r in range(min(H, HP - ph)):
            src = x[xb + r * W:xb + r * W + min(W, WP - pw)]
            dst = P[(r + ph) * WP + pw:]
            for j in range(len(src)):
                dst[j] = src[j]
        ob = U(c) * nt + U(n * TH * TW)
        h = TW + 1
        for th in range(TH):
            p0 = P[2 * th * WP:(2 * th + 1) * WP]
            p1 = P[(2 * th + 1) * WP:(2 * th + 2) * WP]
            p2 = P[(2 * th + 2) * WP:(2 * th + 3) * WP]
            p3 = P[(2 * th + 3) * WP:(2 * th + 4) * WP]
            for j in range(WP):
                R[j] = p0[j] - p2[j]
            SPLIT(R, E[0:h], E[h:2 * h], h)
            for j in range(WP):
                R[j] = p1[j] + p2[j]
            SPLIT(R, E[2 * h:3 * h], E[3 * h:4 * h], h)
            for j in range(WP):
                R[j] = p2[j] - p1[j]
            SPLIT(R, E[4 * h:5 * h], E[5 * h:6 * h], h)
            for j in range(WP):
                R[j] = p1[j] - p3[j]
            SPLIT(R, E[6 * h:7 * h], E[7 * h:8 * h], h)
            b = ob + U(th * TW)
            for i in range(4):
                FOUR(V, b + U(4 * i) * cs, cs, E[2 * i * h:(2 * i + 1) * h],
                     E[(2 * i + 1) * h:(2 * i + 2) * h], TW)


def wino_out(M, y, nimg, F, OH, OW, TH, TW, bvec, bias):
    """y[n, f] = A^T m A of each tile of M (16, F, tiles), plus bvec[f] if bias, cropped."""
    nt = U(nimg * TH * TW)
    fs = U(F) * nt
    for t in prange(nimg * F):
        n = t // F
        f = t - n * F
        S = np.empty(8 * TW, T)  # A^T m: rows 0 (S[0:4]) and 1 (S[4:8]), 4 columns each
        O = np.empty(2 * TW, T)
        v = bvec[f] if bias else T(0)
        yb = t * OH * OW
        for th in range(TH):
            m = M[U(f) * nt + U((n * TH + th) * TW):]
            for j in range(4):
                s = S[j * TW:(j + 1) * TW]
                m0 = m[U(j) * fs:U(j) * fs + U(TW)]
                m1 = m[U(4 + j) * fs:U(4 + j) * fs + U(TW)]
                m2 = m[U(8 + j) * fs:U(8 + j) * fs + U(TW)]
                m3 = m[U(12 + j) * fs:U(12 + j) * fs + U(TW)]
                for k in range(U(TW)):
                    s[k] = m0[k] + m1[k] + m2[k]
                s = S[(4 + j) * TW:(5 + j) * TW]
                for k in range(U(TW)):
                    s[k] = m1[k] - m2[k] - m3[k]
            for a in range(2):
                if 2 * th + a >= OH:
                    break
                s0 = S[4 * a * TW:(4 * a + 1) * TW]
                s1 = S[(4 * a + 1) * TW:(4 * a + 2) * TW]
                s2 = S[(4 * a + 2) * TW:(4 * a + 3) * TW]
                s3 = S[(4 * a + 3) * TW:(4 * a + 4) * TW]
                for k in range(U(TW)):
                    O[2 * k] = s0[k] + s1[k] + s2[k] + v
                    O[2 * k + 1] = s1[k] - s2[k] - s3[k] + v
                dst = y[yb + (2 * th + a) * OW:yb + (2 * th + a + 1) * OW]
                for j in range(OW):
                    dst[j] = O[j]


def wino_dy(dy, M, nimg, F, OH, OW, TH, TW):
    """M[(i, j), f, (n, th, tw)] = (A g A^T)[i, j] of each 2x2 tile g of dy (zero outside)."""
    nt = U(nimg * TH * TW)
    fs = U(F) * nt
    WP = 2 * TW
    for t in prange(nimg * F):
        n = t // F
        f = t - n * F
        P = np.zeros(2 * TH * WP, T)
        R = np.empty(4 * TW, T)  # even and odd columns of the rows g0 + g1 and g0 - g1
        yb = t * OH * OW
        for r in range(OH):
            src = dy[yb + r * OW:yb + (r + 1) * OW]
            dst = P[r * WP:]
            for j in range(OW):
                dst[j] = src[j]
        for th in range(TH):
            g0 = P[2 * th * WP:(2 * th + 1) * WP]
            g1 = P[(2 * th + 1) * WP:(2 * th + 2) * WP]
            e0, o0 = R[0:TW], R[TW:2 * TW]
            SPLIT(g0, e0, o0, TW)
            e1, o1 = R[2 * TW:3 * TW], R[3 * TW:4 * TW]
            SPLIT(g1, e1, o1, TW)
            b = U(f) * nt + U((n * TH + th) * TW)
            FOUR_DY(M, b, fs, e0, o0, False, TW)
            FOUR_DY(M, b + 12 * fs, fs, e1, o1, True, TW)
            # rows 1 and 2 of A g: g0 + g1 and g0 - g1 (overwriting the even / odd columns of
            # g1 last, once they are used)
            Q = np.empty(4 * TW, T)
            for k in range(U(TW)):
                Q[k] = e0[k] + e1[k]
            for k in range(U(TW)):
                Q[TW + k] = o0[k] + o1[k]
            for k in range(U(TW)):
                Q[2 * TW + k] = e0[k] - e1[k]
            for k in range(U(TW)):
                Q[3 * TW + k] = o0[k] - o1[k]
            FOUR_DY(M, b + 4 * fs, fs, Q[0:TW], Q[TW:2 * TW], False, TW)
            FOUR_DY(M, b + 8 * fs, fs, Q[2 * TW:3 * TW], Q[3 * TW:4 * TW], False, TW)


def wino_dx(dV, dx, nimg, C, H, W, ph, pw, TH, TW):
    """dx[n, c] = sum over the tiles of plane (n, c) of B dV B^T, each added at its window."""
    WP = 2 * TW + 2
    HP = 2 * TH + 2
    nt = U(nimg * TH * TW)
    cs = U(C) * nt
    for t in prange(nimg * C):
        n = t // C
        c = t - n * C
        P = np.zeros(HP * WP, T)
        E = np.empty(4 * WP, T)
        for th in range(TH):
            v = dV[U(c) * nt + U((n * TH + th) * TW):]
            for i in range(4):
                e = E[i * WP:(i + 1) * WP]
                b = U(4 * i) * cs
                v0 = v[b:b + U(TW)]
                v1 = v[b + cs:b + cs + U(TW)]
                v2 = v[b + 2 * cs:b + 2 * cs + U(TW)]
                v3 = v[b + 3 * cs:b + 3 * cs + U(TW)]
                # B times each tile's row: the left half of a tile lands on the right half of
                # the previous one, so it is added in a second pass.
                for k in range(U(TW)):
                    e[2 * k] = v0[k]
                    e[2 * k + 1] = v1[k] - v2[k] + v3[k]
                e[WP - 2] = T(0)
                e[WP - 1] = T(0)
                for k in range(U(TW)):
                    e[2 * k + 2] += v1[k] + v2[k] - v0[k]
                    e[2 * k + 3] -= v3[k]
            p0 = P[2 * th * WP:(2 * th + 1) * WP]
            p1 = P[(2 * th + 1) * WP:(2 * th + 2) * WP]
            p2 = P[(2 * th + 2) * WP:(2 * th + 3) * WP]
            p3 = P[(2 * th + 3) * WP:(2 * th + 4) * WP]
            e0, e1, e2, e3 = E[0:WP], E[WP:2 * WP], E[2 * WP:3 * WP], E[3 * WP:4 * WP]
            for j in range(WP):
                p0[j] += e0[j]
            for j in range(WP):
                p1[j] += e1[j] - e2[j] + e3[j]
            for j in range(WP):
                p2[j] += e1[j] + e2[j] - e0[j]
            for j in range(WP):
                p3[j] -= e3[j]
        xb = t * H * W
        for r in range(H):
            src = P[(r + ph) * WP + pw:(r + ph) * WP + pw + W]
            dst = dx[xb + r * W:xb + (r + 1) * W]
            for j in range(W):
                dst[j] = src[j]
