"""Grid-stride CUDA loop templates: the same kinds as `templates.py`, compiled with `@cuda.jit`.

Never called as they stand: `cuda_launch.build` copies each template's code
object with the op's scalar functions bound as globals (`F`, `G`, `GA`, `GB`
as `cuda.jit(device=True)` functions, `T`, `LOAD`, `STORE`, `cuda`), exactly
as the CPU builder does, so one scalar function feeds both targets.

Every kernel is a grid-stride loop: any launch size covers any array, so the
launcher can cap the grid (and tests can use tiny grids under the simulator
that still stride). Buffers are 1-D C-contiguous device arrays; broadcasting
uses the 4-d compaction plan of `bcast.py` (element strides, 0 on broadcast
dims), decoded per element, as CUDA threads have no chunk to amortise it over.
"""
# ruff: noqa: F821  (F, G, GA, GB, T, LOAD, STORE, ACC, COND, cuda are bound by the builder)


def unary0(x, out, p0, p1):
    """out = F(x)"""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = STORE(F(LOAD(x[i])))


def unary1(x, out, p0, p1):
    """out = F(x, p0)"""
    a = T(p0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = STORE(F(LOAD(x[i]), a))


def unary2(x, out, p0, p1):
    """out = F(x, p0, p1)"""
    a = T(p0)
    b = T(p1)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = STORE(F(LOAD(x[i]), a, b))


def unary0_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y)"""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i])))


def unary1_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y, p0)"""
    a = T(p0)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i]), a))


def unary2_bwd(dy, x, y, dx, p0, p1):
    """dx = G(dy, x, y, p0, p1)"""
    a = T(p0)
    b = T(p1)
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        dx[i] = STORE(G(LOAD(dy[i]), LOAD(x[i]), LOAD(y[i]), a, b))


def binary(a, b, out):
    """out = F(a, b), same shapes"""
    for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        out[i] = STORE(F(LOAD(a[i]), LOAD(b[i])))


def binary_bwd(dy, a, b, y, da, db):
    """da = GA(dy, a, b, y); db = GB(dy, a, b, y), same shapes"""
    for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        g = LOAD(dy[i])
        u = LOAD(a[i])
        v = LOAD(b[i])
        w = LOAD(y[i])
        da[i] = STORE(GA(g, u, v, w))
        db[i] = STORE(GB(g, u, v, w))


def binary_bcast(a, b, out, dims, sa, sb):
    """out = F(a, b) over a compacted 4-d broadcast plan (element strides, 0 on broadcast dims)."""
    d1 = dims[1]
    d2 = dims[2]
    d3 = dims[3]
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        i3 = i % d3
        r = i // d3
        i2 = r % d2
        r = r // d2
        i1 = r % d1
        i0 = r // d1
        ia = i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3]
        ib = i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3]
        out[i] = STORE(F(LOAD(a[ia]), LOAD(b[ib])))


def binary_bcast_bwd(dy, a, b, y, da, db, dims, sa, sb):
    """da, db at the output's shape (the engine un-broadcasts them) from a broadcast plan."""
    d1 = dims[1]
    d2 = dims[2]
    d3 = dims[3]
    for i in range(cuda.grid(1), y.shape[0], cuda.gridsize(1)):
        i3 = i % d3
        r = i // d3
        i2 = r % d2
        r = r // d2
        i1 = r % d1
        i0 = r // d1
        u = LOAD(a[i0 * sa[0] + i1 * sa[1] + i2 * sa[2] + i3 * sa[3]])
        v = LOAD(b[i0 * sb[0] + i1 * sb[1] + i2 * sb[2] + i3 * sb[3]])
        g = LOAD(dy[i])
        w = LOAD(y[i])
        da[i] = STORE(GA(g, u, v, w))
        db[i] = STORE(GB(g, u, v, w))


# ---------------------------------------------------------------- plain kernels (no op bound)


def fill(out, value):
    """out[:] = value (value already in the storage type)"""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = value


def add(a, b, out):
    """out = a + b in the compute type (gradient accumulation)"""
    for i in range(cuda.grid(1), a.shape[0], cuda.gridsize(1)):
        out[i] = STORE(LOAD(a[i]) + LOAD(b[i]))


def sum_to(g, out, dims, so, sg):
    """out = g summed over the dims where out's stride is 0 (the engine's un-broadcast).

    One thread per output element, adding in a fixed order, so the result does
    not depend on the launch configuration.
    """
    for j in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        lo0 = 0
        hi0 = dims[0]
        lo1 = 0
        hi1 = dims[1]
        lo2 = 0
        hi2 = dims[2]
        lo3 = 0
        hi3 = dims[3]
        if so[0] != 0:
            lo0 = (j // so[0]) % dims[0]
            hi0 = lo0 + 1
        if so[1] != 0:
            lo1 = (j // so[1]) % dims[1]
            hi1 = lo1 + 1
        if so[2] != 0:
            lo2 = (j // so[2]) % dims[2]
            hi2 = lo2 + 1
        if so[3] != 0:
            lo3 = (j // so[3]) % dims[3]
            hi3 = lo3 + 1
        acc = ACC(0)
        for i0 in range(lo0, hi0):
            for i1 in range(lo1, hi1):
                for i2 in range(lo2, hi2):
                    base = i0 * sg[0] + i1 * sg[1] + i2 * sg[2]
                    for i3 in range(lo3, hi3):
                        acc += ACC(g[base + i3 * sg[3]])
        out[j] = STORE(acc)


def where(c, x, y, out, inner):
    """out = x where c != 0 else y; c has one entry per `inner` elements (1: same shape)"""
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        out[i] = x[i] if COND(c[i // inner]) != 0 else y[i]


def where_bwd(dy, c, dx, dyy, inner):
    """Split dy between x and y by the condition."""
    for i in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        g = dy[i]
        if COND(c[i // inner]) != 0:
            dx[i] = g
            dyy[i] = 0  # an int literal: NVVM rejects a float16 constant here
        else:
            dx[i] = 0
            dyy[i] = g


def cast(x, out):
    """out = STORE(LOAD(x)): dtype conversion through the compute type"""
    for i in range(cuda.grid(1), x.shape[0], cuda.gridsize(1)):
        out[i] = STORE(LOAD(x[i]))


def strided_copy(src, out, base, shape, strides):
    """out (C order, 4-d `shape`) = src read from `base` at element `strides` (may be 0 or < 0).

    Broadcasts (stride 0), transposes and strided slices are all this one gather.
    """
    d1 = shape[1]
    d2 = shape[2]
    d3 = shape[3]
    for i in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        i3 = i % d3
        r = i // d3
        i2 = r % d2
        r = r // d2
        i1 = r % d1
        i0 = r // d1
        out[i] = src[base + i0 * strides[0] + i1 * strides[1] + i2 * strides[2]
                     + i3 * strides[3]]


def strided_put(src, out, base, shape, strides):
    """out[base + sum(i_k * strides_k)] = src (C order over 4-d `shape`): strided_copy's
    scatter twin (concat into its slot, a slice's gradient). No two elements may share a
    destination."""
    d1 = shape[1]
    d2 = shape[2]
    d3 = shape[3]
    for i in range(cuda.grid(1), src.shape[0], cuda.gridsize(1)):
        i3 = i % d3
        r = i // d3
        i2 = r % d2
        r = r // d2
        i1 = r % d1
        i0 = r // d1
        out[base + i0 * strides[0] + i1 * strides[1] + i2 * strides[2]
            + i3 * strides[3]] = src[i]