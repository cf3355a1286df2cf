"""Gather and scatter kernels: take, pick, sort's gradient, advanced indexing, one_hot.

Imported on first use (it imports numba). Every kernel sees 1-D C-contiguous
buffers with the shape passed as ints, so one compiled signature serves any
rank. Gathers only move bits: each dtype is viewed as the unsigned integer of
its width (`bits`), so at most four signatures exist per gather kernel.
Scatter-adds accumulate in the gradient's dtype (float16 in float32) and visit
the sources in one fixed order: the parallel variant splits the *destination*
into blocks, each summed by one thread in the serial order, so results are the
same bit for bit on 1 or N threads.

Indices reach the kernels as int64, already valid (the ops normalise and check
them in Python); the kernels do no bounds checks.
"""
import numpy as np

from .._jit import njit, numba
from . import builder

_nb = numba()
prange = _nb.prange
_OPTS = dict(error_model="numpy", fastmath={"contract"}, nogil=True, boundscheck=False)
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}
_BLOCK = 256   # destination columns per parallel task in scatter-adds


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


@njit(**_OPTS)
def _take_rows(src, idx, out, outer, n, inner):
    """out[o, j, :] = src[o, idx[j], :]"""
    m, un, ui = U(idx.shape[0]), U(n), U(inner)
    for o in range(U(outer)):
        for j in range(m):
            s = (o * un + U(idx[j])) * ui
            d = (o * m + j) * ui
            for k in range(ui):
                out[d + k] = src[s + k]


@njit(parallel=True, **_OPTS)
def _take_rows_par(src, idx, out, outer, n, inner):
    """Parallel over output rows (each row written by one thread)."""
    m, un, ui = U(idx.shape[0]), U(n), U(inner)
    for r in prange(outer * idx.shape[0]):
        ur = U(r)
        o = ur // m
        s = (o * un + U(idx[ur - o * m])) * ui
        d = ur * ui
        for k in range(ui):
            out[d + k] = src[s + k]


@njit(**_OPTS)
def _take_rows_add(dy, idx, g, outer, n, inner):
    """g[o, idx[j], :] += dy[o, j, :], j in increasing order."""
    m, un, ui = U(idx.shape[0]), U(n), U(inner)
    for o in range(U(outer)):
        for j in range(m):
            s = (o * m + j) * ui
            d = (o * un + U(idx[j])) * ui
            for k in range(ui):
                g[d + k] += dy[s + k]


@njit(parallel=True, **_OPTS)
def _take_rows_add_par(dy, idx, g, outer, n, inner, block):
    """As _take_rows_add; a task owns columns [k0, k1) of one outer slice."""
    m, un, ui = U(idx.shape[0]), U(n), U(inner)
    nb = (inner + block - 1) // block
    for t in prange(outer * nb):
        o = U(t // nb)
        k0 = U((t - (t // nb) * nb) * block)
        k1 = min(k0 + U(block), ui)
        for j in range(m):
            s = (o * m + j) * ui
            d = (o * un + U(idx[j])) * ui
            for k in range(k0, k1):
                g[d + k] += dy[s + k]


def take(src, idx, out, axis):
    """out = src taken at int64 `idx` (flat) along `axis`; `out` has the result's shape."""
    outer, n, inner = split3(src.shape, axis)
    args = (bits(src), idx.reshape(-1), bits(out), outer, n, inner)
    if builder.use_parallel(out.size, 1) and outer * idx.size > 1:
        builder.run_parallel(_take_rows_par, _take_rows, *args)
    else:
        _take_rows(*args)


def take_add(dy, idx, g, axis):
    """g (zeros, accumulation dtype) += dy scattered back to rows `idx` along `axis`."""
    outer, n, inner = split3(g.shape, axis)
    d, i, gf = dy.reshape(-1), idx.reshape(-1), g.reshape(-1)
    if builder.use_parallel(dy.size, 1) and outer * ((inner + _BLOCK - 1) // _BLOCK) > 1:
        builder.run_parallel(_take_rows_add_par, _take_rows_add_par_ser, d, i, gf, outer, n,
                             inner, _BLOCK)
    else:
        _take_rows_add(d, i, gf, outer, n, inner)


def _take_rows_add_par_ser(dy, idx, g, outer, n, inner, block):
    _take_rows_add(dy, idx, g, outer, n, inner)


# ---------------------------------------------------------------- along an axis (pick, sort)


@njit(**_OPTS)
def _gather_along(src, idx, out, outer, n, k, inner):
    """out[o, j, i] = src[o, idx[o, j, i], i]"""
    un, uk, ui = U(n), U(k), U(inner)
    for o in range(U(outer)):
        for j in range(uk):
            b = (o * uk + j) * ui
            for i in range(ui):
                out[b + i] = src[(o * un + U(idx[b + i])) * ui + i]


@njit(**_OPTS)
def _scatter_along_add(dy, idx, g, outer, n, k, inner):
    """g[o, idx[o, j, i], i] += dy[o, j, i], j in increasing order."""
    un, uk, ui = U(n), U(k), U(inner)
    for o in range(U(outer)):
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
