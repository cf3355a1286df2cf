"""Gather and scatter kernels: take, pick, sort's gradient, advanced indexing, one_hot.

Imported on first use (it imports numba). Every kernel sees 1-D C-contiguous
buffers with the shape passed as ints, so one compiled signature serves any
rank. Gathers only move bits: each dtype is viewed as the unsigned integer of
its width (`bits`), so at most four signatures exist per gather kernel; take
moves rows in the widest units that tile them (a row of 8 float32 as 4 uint64).
Scatter-adds accumulate in the gradient's dtype (float16 in float32) and visit
the sources in one fixed order: large calls split the *destination* into
blocks, each summed by one thread in the serial order, so results are the same
bit for bit on 1 or N threads (threads: workers.py).

take and its scatter-add read the indices as they come (int32, int64 or
float32; other dtypes go through int64), truncating, clipping or wrapping each
inside the kernel: converting 1e6 indices in NumPy first cost as much as the
gather. The other kernels get int64 indices, already valid (the ops normalise
and check them in Python); the kernels do no bounds checks.
"""
import numpy as np

from .._jit import njit
from . import workers

_OPTS = dict(error_model="numpy", fastmath={"contract"}, nogil=True, boundscheck=False)
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_BLOCK = 256   # destination columns per parallel task in scatter-adds
_CHUNKS = 16   # chunks per thread in parallel gathers (small: a held-back thread holds one)


def bits(a):
    """The flat buffer of `a` as unsigned ints of its width (what gathers copy)."""
    return a.reshape(-1).view(_UINT[a.dtype.itemsize])


def acc_dtype(dtype):
    """The dtype scatter-adds accumulate in: float16 in float32, integers in int64."""
    dtype = np.dtype(dtype)
    if dtype == np.float16:
        return np.dtype(np.float32)
    return dtype if dtype.kind == "f" else np.dtype(np.int64)


def split3(shape, axis):
    """(outer, n, inner) of `shape` around `axis`."""
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, int(shape[axis]), inner


# ---------------------------------------------------------------- take (rows along an axis)


# Index arithmetic is unsigned: signed computed indices block vectorisation (numba-facts),
# which made these copies 4x slower. U() converts; every operand must be uint64 (mixing
# uint64 with int64 promotes to float64).
U = np.uint64


_I64_MIN = np.int64(-2 ** 63)
_TWO63 = 9.223372036854775808e18


@njit(**_OPTS)
def _row(v, n, wrap, isfloat):
    """A raw index as a row in [0, n): truncated toward zero as C casts on x86 (NaN and
    out-of-range floats become INT64_MIN, as NumPy's astype does), then wrapped or clipped."""
    if isfloat:
        f = np.float64(v)
        i = np.int64(f) if (f >= -_TWO63 and f < _TWO63) else _I64_MIN
    else:
        i = np.int64(v)
    if wrap:
        i = i % n                       # Python's modulo: never negative
    else:
        i = min(max(i, 0), n - 1)
    return U(i)


@njit(**_OPTS)
def _take_part(src, raw, out, n, inner, wrap, isfloat, o0, o1, j0, j1):
    """out[o, j, :] = src[o, row(raw[j]), :] for o in [o0, o1), j in [j0, j1)."""
    m, un, ui = U(raw.shape[0]), U(n), U(inner)
    # Rows move as loads, then stores, of fixed width where they are short: LLVM then merges
    # them into one vector move (it cannot otherwise rule out that out and src overlap). For
    # 32-byte rows this ran 1.5x faster than an element loop, and faster than NumPy's take.
    for o in range(U(o0), U(o1)):
        sb = o * un
        db = o * m
        if inner == 1:
            for j in range(U(j0), U(j1)):
                out[db + j] = src[sb + _row(raw[j], n, wrap, isfloat)]
        elif inner == 2:
            for j in range(U(j0), U(j1)):
                s = (sb + _row(raw[j], n, wrap, isfloat)) * U(2)
                d = (db + j) * U(2)
                v0 = src[s]
                v1 = src[s + U(1)]
                out[d] = v0
                out[d + U(1)] = v1
        elif inner == 4:
            for j in range(U(j0), U(j1)):
                s = (sb + _row(raw[j], n, wrap, isfloat)) * U(4)
                d = (db + j) * U(4)
                v0 = src[s]
                v1 = src[s + U(1)]
                v2 = src[s + U(2)]
                v3 = src[s + U(3)]
                out[d] = v0
                out[d + U(1)] = v1
                out[d + U(2)] = v2
                out[d + U(3)] = v3
        else:
            for j in range(U(j0), U(j1)):
                s = (sb + _row(raw[j], n, wrap, isfloat)) * ui
                d = (db + j) * ui
                for k in range(ui):
                    out[d + k] = src[s + k]


def _unit(inner, *arrays):
    """The widest unsigned int (bytes) that tiles rows of `inner` elements of every array and
    divides their addresses (so views stay aligned): a row of 8 float32 moves as 4 uint64."""
    row = inner * arrays[0].dtype.itemsize
    for w in (8, 4, 2, 1):
        if w <= max(row, 1) and row % w == 0 and all(a.ctypes.data % w == 0 for a in arrays):
            return w
    return 1


def take(src, raw, out, axis, wrap=False):
    """out = src taken at `raw` indices (flat) along `axis`, wrapped or clipped into range as
    MXNet does; `out` has the result's shape. Indices of int32, int64 and float32 are read as
    they are (floats truncated toward zero); others go through int64. Example::

        out = np.empty(2, np.float32)
        take(np.array([1., 2., 3.], np.float32), np.array([2.7, -1.]), out, 0)   # [3, 1]
    """
    outer, n, inner = split3(src.shape, axis)
    raw = _raw_index(raw)
    if out.size == 0:
        return
    if n == 0:
        raise ValueError("take: no rows to take from (an axis of size 0)")
    w = _unit(inner, src, out)
    ut = _UINT[w]
    args = (src.reshape(-1).view(ut), raw, out.reshape(-1).view(ut), n,
            inner * src.dtype.itemsize // w, wrap, raw.dtype.kind == "f")
    m = raw.shape[0]
    threads = workers.threads_for(out.size, 1)
    # chunks of outer slices, or of the indices when there are few slices
    by_outer = outer >= _CHUNKS * threads
    chunks = min(outer if by_outer else m, _CHUNKS * threads) if threads > 1 else 1

    def part(c):
        if by_outer:
            _take_part(*args, c * outer // chunks, (c + 1) * outer // chunks, 0, m)
        else:
            _take_part(*args, 0, outer, c * m // chunks, (c + 1) * m // chunks)

    workers.run_chunks(part, chunks, threads)


_RAW_INDEX = tuple(np.dtype(t) for t in (np.int32, np.int64, np.float32))


@njit(**_OPTS)
def _take_add_part(dy, raw, g, n, inner, wrap, isfloat, block, t0, t1):
    """g[o, row(raw[j]), k] += dy[o, j, k] over tasks [t0, t1), a task being columns
    [k0, k0 + block) of one outer slice o, j in increasing order; so each element of g is
    summed by one task, in the serial order, whatever the thread count."""
    m, un, ui = U(raw.shape[0]), U(n), U(inner)
    nb = U((inner + block - 1) // block)
    for t in range(U(t0), U(t1)):
        o = t // nb
        k0 = (t - o * nb) * U(block)
        k1 = min(k0 + U(block), ui)
        if inner == 1:                  # no inner loop: LLVM versions it at every j otherwise
            for j in range(m):
                g[o * un + _row(raw[j], n, wrap, isfloat)] += dy[o * m + j]
        else:
            for j in range(m):
                s = (o * m + j) * ui
                d = (o * un + _row(raw[j], n, wrap, isfloat)) * ui
                for k in range(k0, k1):
                    g[d + k] += dy[s + k]


def take_add(dy, raw, g, axis, wrap=False):
    """g (zeros, accumulation dtype) += dy scattered back to rows `raw` along `axis` (indices
    read as `take` reads them). Example::

        g = np.zeros(3, np.float32)
        take_add(np.ones(3, np.float32), np.array([2, 0, 2]), g, 0)    # g is [1, 0, 2]
    """
    outer, n, inner = split3(g.shape, axis)
    raw = _raw_index(raw)
    if dy.size == 0:
        return
    tasks = outer * ((inner + _BLOCK - 1) // _BLOCK)
    threads = workers.threads_for(dy.size, 1) if tasks > 1 else 1
    chunks = min(tasks, _CHUNKS * threads) if threads > 1 else 1
    args = (dy.reshape(-1), raw, g.reshape(-1), n, inner, wrap, raw.dtype.kind == "f", _BLOCK)
    workers.run_chunks(lambda c: _take_add_part(*args, c * tasks // chunks,
                                                (c + 1) * tasks // chunks), chunks, threads)


def _raw_index(raw):
    """Flat indices the take kernels read as they are (int32, int64, float32), else int64."""
    raw = raw.reshape(-1)
    if raw.dtype not in _RAW_INDEX:
        with np.errstate(invalid="ignore"):
            raw = raw.astype(np.int64)
    return raw


# ---------------------------------------------------------------- along an axis (pick, sort)


@njit(**_OPTS)
def _gather_along(src, idx, out, outer, n, k, inner):
    """out[o, j, i] = src[o, idx[o, j, i], i]"""
    un, uk, ui = U(n), U(k), U(inner)
    for o in range(U(outer)):
        if inner == 1:                  # no inner loop: LLVM versions it at every j otherwise
            for j in range(uk):
                out[o * uk + j] = src[o * un + U(idx[o * uk + j])]
            continue
        for j in range(uk):
            b = (o * uk + j) * ui
            for i in range(ui):
                out[b + i] = src[(o * un + U(idx[b + i])) * ui + i]


@njit(**_OPTS)
def _scatter_along_add(dy, idx, g, outer, n, k, inner):
    """g[o, idx[o, j, i], i] += dy[o, j, i], j in increasing order."""
    un, uk, ui = U(n), U(k), U(inner)
    for o in range(U(outer)):
        if inner == 1:
            for j in range(uk):
                g[o * un + U(idx[o * uk + j])] += dy[o * uk + j]
            continue
        for j in range(uk):
            b = (o * uk + j) * ui
            for i in range(ui):
                g[(o * un + U(idx[b + i])) * ui + i] += dy[b + i]


def gather_along(src, idx, out, axis):
    """out = take_along_axis(src, idx, axis); `idx` and `out` have the same shape."""
    outer, n, inner = split3(src.shape, axis)
    _gather_along(bits(src), idx.reshape(-1), bits(out), outer, n, idx.shape[axis], inner)


def scatter_along_add(dy, idx, g, axis):
    """g (zeros) += dy put back along `axis` at `idx` (dy and idx of the same shape)."""
    outer, n, inner = split3(g.shape, axis)
    _scatter_along_add(dy.reshape(-1), idx.reshape(-1), g.reshape(-1), outer, n, idx.shape[axis],
                       inner)


# ---------------------------------------------------------------- flat (advanced indexing)


@njit(**_OPTS)
def _gather_flat(src, idx, out):
    for i in range(U(idx.shape[0])):
        out[i] = src[U(idx[i])]


@njit(**_OPTS)
def _scatter_flat_add(dy, idx, g):
    for i in range(U(idx.shape[0])):
        g[U(idx[i])] += dy[i]


def gather_flat(src, idx, out):
    """out.flat[i] = src.flat[idx.flat[i]]"""
    _gather_flat(bits(src), idx.reshape(-1), bits(out))


def scatter_flat_add(dy, idx, g):
    """g.flat[idx.flat[i]] += dy.flat[i], i in increasing order."""
    _scatter_flat_add(dy.reshape(-1), idx.reshape(-1), g.reshape(-1))


# ---------------------------------------------------------------- one_hot


@njit(**_OPTS)
def _one_hot(idx, out, depth, on, off):
    ud = U(depth)
    for i in range(U(idx.shape[0])):
        b = i * ud
        for d in range(ud):
            out[b + d] = off
        j = idx[i]
        if j >= 0 and j < depth:
            out[b + U(j)] = on


def one_hot(idx, out, on, off):
    """out[..., :] = off, out[..., idx] = on where 0 <= idx < depth (on/off in out's dtype)."""
    ut = _UINT[out.dtype.itemsize]
    on_bits = np.asarray(on, out.dtype).reshape(1).view(ut)[0]
    off_bits = np.asarray(off, out.dtype).reshape(1).view(ut)[0]
    _one_hot(idx.reshape(-1), bits(out), out.shape[-1], on_bits, off_bits)
