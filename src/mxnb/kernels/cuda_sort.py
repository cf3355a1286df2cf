"""sort, argsort and topk on mx.gpu(): a stable merge sort per row, on the device.

The CPU's order (`ops/ordering.py`) is a stable sort's: ties keep index order
(ascending and descending alike), NaNs go last ascending and first descending,
and -0.0 ties with 0.0. Here one thread sorts one row's indices with a
bottom-up merge sort, which is stable by construction, comparing by that rule
(`_before`), in two int64 scratch buffers; the permutation then gives the
values (moved as bits), the indices (cast as C casts, as the CPU's uint32 ->
dtype), topk's mask, and the gradient of sort and of topk's values: dy put back
where each value came from (the targets are distinct, so no atomics).

A row per thread suits the common shapes (a batch of score rows); one very long
row runs on one thread, correct but slow. float16 data is compared in float32
(the conversion keeps every order and tie).
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, bits, kernel, unsign_zeros, unsign_zeros_ptx_jobs

# ruff: noqa: F821  (cuda, min, BEFORE are bound per kernel)


def _before(u, v, descend):
    """u strictly before v: the CPU's stable order without the index tie-break."""
    if descend:
        if u != u:
            return v == v            # NaN first, after other NaNs
        return u > v
    if v != v:
        return u == u                # NaN last
    return u < v


def sort_rows(x, a, b, n, inner, rows, descend):
    """a[q n : (q + 1) n] = the stable order of row q (elements q's (outer, inner) along n)."""
    for q in range(cuda.grid(1), rows, cuda.gridsize(1)):
        o = q // inner
        xb = o * n * inner + (q - o * inner)
        base = q * n
        for i in range(n):
            a[base + i] = i
        src = a
        dst = b
        in_a = True
        w = 1
        while w < n:
            lo = 0
            while lo < n:
                mid = min(lo + w, n)
                hi = min(lo + 2 * w, n)
                i = lo
                j = mid
                for k in range(lo, hi):
                    right = i >= mid
                    if not right and j < hi:
                        right = BEFORE(x[xb + src[base + j] * inner],
                                       x[xb + src[base + i] * inner], descend)
                    if right:
                        dst[base + k] = src[base + j]
                        j += 1
                    else:
                        dst[base + k] = src[base + i]
                        i += 1
                lo = hi
            t = src
            src = dst
            dst = t
            in_a = not in_a
            w *= 2
        if not in_a:
            for i in range(n):
                a[base + i] = b[base + i]


def take_sorted(x, perm, out, n, k, inner):
    """out[o, j, r] = x[o, perm[row, j], r] for the first k of each row's order."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % inner
        s = t // inner
        o = s // k
        out[t] = x[(o * n + perm[(o * inner + r) * n + s % k]) * inner + r]


def sorted_index(perm, out, n, k, inner):
    """out[o, j, r] = perm[row, j] (int64; cast to the index dtype afterwards)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % inner
        s = t // inner
        o = s // k
        out[t] = perm[(o * inner + r) * n + s % k]


def put_sorted(src, perm, out, n, k, inner):
    """out[o, perm[row, j], r] = src[o, j, r] (a value per j; targets distinct)."""
    for t in range(cuda.grid(1), src.shape[0], cuda.gridsize(1)):
        r = t % inner
        s = t // inner
        o = s // k
        out[(o * n + perm[(o * inner + r) * n + s % k]) * inner + r] = src[t]


def _k(template, dtype=None):
    from .cuda_common import dev

    if template is sort_rows:
        return kernel(sort_rows, "rows", BEFORE=dev(_before))
    return kernel(template, "any")


def _perm(x, ax, work, descend):
    """(int64 permutation, one row of n per (outer, inner) pair), n, inner)."""
    outer = int(np.prod(work[:ax], dtype=np.int64))
    n = work[ax]
    inner = int(np.prod(work[ax + 1:], dtype=np.int64))
    xs = x.reshape(x.size)
    if np.dtype(x.dtype) == np.float16:
        xs = as_dtype(xs, np.float32)
    rows = outer * inner
    a = cuda_launch.empty((rows * n,), np.int64)
    b = cuda_launch.empty((rows * n,), np.int64)
    if rows and n:
        launch(_k(sort_rows), rows, xs, a, b, n, inner, rows, bool(descend))
    return a, n, inner


def _values(x, perm, n, k, inner, out):
    if out.size:
        launch(_k(take_sorted), out.size, bits(x), perm, bits(out), n, k, inner)


def _indices(perm, n, k, inner, out):
    if not out.size:
        return
    tmp = cuda_launch.empty((out.size,), np.int64)
    launch(_k(sorted_index), out.size, perm, tmp, n, k, inner)
    if np.dtype(out.dtype) == np.int64:
        out.reshape(out.size).copy_to_device(tmp)
    else:
        cuda_launch.cast_into(tmp, out)


def _put_back(dy, perm, n, k, inner, shape):
    g = cuda_launch.zeros(shape, dy.dtype)
    if dy.size:
        launch(_k(put_sorted), dy.size, bits(dy), perm, bits(g), n, k, inner)
    return unsign_zeros(g)


def _sort_fwd(op, ins, outs, attrs):
    from ..ops.ordering import _axis

    x = ins[0]
    ax, work = _axis(op, x.shape, attrs["axis"])
    perm, n, inner = _perm(x, ax, work, not attrs["is_ascend"])
    if op.name == "sort":
        _values(x, perm, n, n, inner, outs[0])
    else:
        _indices(perm, n, n, inner, outs[0])


def _sort_bwd(op, dys, ins, outs, attrs):
    from ..ops.ordering import _axis

    x = ins[0]
    ax, work = _axis(op, x.shape, attrs["axis"])
    perm, n, inner = _perm(x, ax, work, not attrs["is_ascend"])
    return [_put_back(dys[0], perm, n, n, inner, x.shape)]


def _topk_fwd(op, ins, outs, attrs):
    from ..ops.ordering import _topk_geom

    x = ins[0]
    ax, work, k = _topk_geom(op, x.shape, attrs)
    perm, n, inner = _perm(x, ax, work, not attrs["is_ascend"])
    ret = attrs["ret_typ"]
    if ret == "mask":
        out = outs[0]
        cuda_launch.fill(out, 0)
        ones = cuda_launch.full((int(np.prod(work[:ax], dtype=np.int64)) * k * inner,),
                                out.dtype, 1)
        if ones.size:
            launch(_k(put_sorted), ones.size, bits(ones), perm, bits(out), n, k, inner)
        return
    if ret in ("value", "both"):
        _values(x, perm, n, k, inner, outs[0])
    if ret in ("indices", "both"):
        _indices(perm, n, k, inner, outs[-1])


def _topk_bwd(op, dys, ins, outs, attrs):
    from ..ops.ordering import _topk_geom

    if attrs["ret_typ"] not in ("value", "both"):
        return [None]
    x = ins[0]
    ax, work, k = _topk_geom(op, x.shape, attrs)
    perm, n, inner = _perm(x, ax, work, not attrs["is_ascend"])
    return [_put_back(dys[0], perm, n, k, inner, x.shape)]


FORWARD = {"sort": _sort_fwd, "argsort": _sort_fwd, "topk": _topk_fwd}
BACKWARD = {"sort": _sort_bwd, "topk": _topk_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import types

    i = types.int64
    ix = types.Array(types.int64, 1, "C")
    u = types.Array(types.uint32, 1, "C")
    jobs = [(f"sort_rows/{d}", lambda: _k(sort_rows),
             (types.Array(getattr(types, d), 1, "C"), ix, ix, i, i, i, types.boolean),
             d == "float32") for d in ("float32", "float64", "int32")]
    return jobs + [
        ("take_sorted/any", lambda: _k(take_sorted), (u, ix, u, i, i, i), False),
        ("sorted_index/any", lambda: _k(sorted_index), (ix, ix, i, i, i), False),
        ("put_sorted/any", lambda: _k(put_sorted), (u, ix, u, i, i, i), False)
    ] + unsign_zeros_ptx_jobs()
