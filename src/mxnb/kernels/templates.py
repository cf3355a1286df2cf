"""Loop templates for elementwise kernels, written once and compiled per op and dtype.

Never called as they stand: the builder copies each template's code object
with the op bound as globals (`F`, `G`, `GA`, `GB`, `T`, `LOAD`, `STORE`,
`prange`) and a unique `__qualname__`, so numba's on-disk cache keys every
(op, direction, variant, dtype) apart and a closure never defeats the cache.
The serial variant is the same code compiled with `parallel=False`, where
`prange` is a plain `range`.

Buffers are 1-D C-contiguous views made in Python (float16 as uint16 views):
every `.view()`/`.reshape()` happens before the call (numba-facts Q9).
"""
# ruff: noqa: F821  (F, G, T, LOAD, STORE, prange are bound by the builder)

CHUNK = 16384


def unary0(x, out, p0, p1):
    """out = F(x)"""
    for i in prange(x.shape[0]):
        out[i] = STORE(F(LOAD(x[i])))


def unary1(x, out, p0, p1):
    """out = F(x, p0)"""
    a = T(p0)
    for i in prange(x.shape[0]):
        out[i] = STORE(F(LOAD(x[i]), a))


def unary2(x, out, p0, p1):
    """out = F(x, p0, p1)"""
    a = T(p0)
    b = T(p1)
    for i in prange(x.shape[0]):
        out[i] = STORE(F(LOAD(x[i]), a, b))


def unary0_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y)"""
    for i in prange(x.shape[0]):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i])))


def unary1_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y, p0)"""
    a = T(p0)
    for i in prange(x.shape[0]):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i]), a))


def unary2_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y, p0, p1)"""
    a = T(p0)
    b = T(p1)
    for i in prange(x.shape[0]):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i]), a, b))


def binary(a, b, out):
    """out = F(a, b), same shapes"""
    for i in prange(a.shape[0]):
        out[i] = STORE(F(LOAD(a[i]), LOAD(b[i])))


def binary_bwd(dy, a, b, y, da, db):
    """da = GA(dy, a, b, y); db = GB(dy, a, b, y), same shapes"""
    for i in prange(a.shape[0]):
        g = LOAD(dy[i])
        u = LOAD(a[i])
        v = LOAD(b[i])
        w = LOAD(y[i])
        da[i] = STORE(GA(g, u, v, w))
        db[i] = STORE(GB(g, u, v, w))


def binary_bcast(a, b, out, dims, sa, sb):
    """out = F(a, b) over a compacted 4-d broadcast plan (element strides, 0 on broadcast dims).

    Parallel over fixed chunks of the innermost dim, so an (N,) + (1,) case
    still splits; the inner loop is versioned on the innermost strides and
    runs over slices, which keeps it vectorisable (numba-facts Q3).
    """
    d0, d1, d2, d3 = dims
    nch = (d3 + CHUNK - 1) // CHUNK
    for t in prange(d0 * d1 * d2 * nch):
        c = t % nch
        r = t // nch
        i2 = r % d2
        r2 = r // d2
        i1 = r2 % d1
        i0 = r2 // d1
        j0 = c * CHUNK
        m = min(CHUNK, d3 - j0)
        ab = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + j0 * sa[3]
        bb = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + j0 * sb[3]
        o = out[r * d3 + j0:r * d3 + j0 + m]
        if sa[3] == 1 and sb[3] == 1:
            av = a[ab:ab + m]
            bv = b[bb:bb + m]
            for j in range(m):
                o[j] = STORE(F(LOAD(av[j]), LOAD(bv[j])))
        elif sa[3] == 1:
            av = a[ab:ab + m]
            bs = LOAD(b[bb])
            for j in range(m):
                o[j] = STORE(F(LOAD(av[j]), bs))
        elif sb[3] == 1:
            as_ = LOAD(a[ab])
            bv = b[bb:bb + m]
            for j in range(m):
                o[j] = STORE(F(as_, LOAD(bv[j])))
        else:
            v = STORE(F(LOAD(a[ab]), LOAD(b[bb])))
            for j in range(m):
                o[j] = v


def binary_bcast_bwd(dy, a, b, y, da, db, dims, sa, sb):
    """da, db at the output's shape (the engine un-broadcasts them) from a broadcast plan."""
    d0, d1, d2, d3 = dims
    nch = (d3 + CHUNK - 1) // CHUNK
    for t in prange(d0 * d1 * d2 * nch):
        c = t % nch
        r = t // nch
        i2 = r % d2
        r2 = r // d2
        i1 = r2 % d1
        i0 = r2 // d1
        j0 = c * CHUNK
        m = min(CHUNK, d3 - j0)
        ab = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + j0 * sa[3]
        bb = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + j0 * sb[3]
        ob = r * d3 + j0
        gv = dy[ob:ob + m]
        yv = y[ob:ob + m]
        dav = da[ob:ob + m]
        dbv = db[ob:ob + m]
        for j in range(m):
            u = LOAD(a[ab + j * sa[3]])
            v = LOAD(b[bb + j * sb[3]])
            g = LOAD(gv[j])
            w = LOAD(yv[j])
            dav[j] = STORE(GA(g, u, v, w))
            dbv[j] = STORE(GB(g, u, v, w))


def where_rows(c, x, y, out, inner):
    """out = x where the mask c is set, else y; c has one entry per row of `inner` elements
    (inner = 1 when the condition has x's shape)."""
    for r in prange(c.shape[0]):
        take = c[r] != 0
        base = r * inner
        for j in range(inner):
            out[base + j] = x[base + j] if take else y[base + j]


def where_bwd(dy, c, dx, dyy, inner):  # noqa: D103
    """Split dy between x and y by the condition (inner=1 for a same-shape condition)."""
    for r in prange(c.shape[0]):
        take = c[r] != 0
        base = r * inner
        for j in range(inner):
            g = dy[base + j]
            if take:
                dx[base + j] = g
                dyy[base + j] = 0
            else:
                dx[base + j] = 0
                dyy[base + j] = g
