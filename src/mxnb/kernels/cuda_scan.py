"""cumsum, _gather_along and _scatter_along on mx.gpu(): per-line scans on the device.

cumsum: one thread walks one line along the axis (`outer x inner` lines; the
flattened array is one line for axis=None), in the CPU's order: the first
element copied, then out[j] = out[j - 1] + x[j], each sum rounded to the
output dtype (NumPy's add.accumulate), so float results are bit-equal. float16
adds in float32 and rounds to float16 at every step, as NumPy's half loop does.
A `dtype` attribute casts first, then sums, as the CPU op (and MXNet) do.
Its gradient is the op's VJP (flip, cumsum, flip), all on the device.

_gather_along / _scatter_along (take_along_axis and its adjoint, behind the
second-order gradients of pick, sort and topk): the index array is as large as
the data, so it stays on the device. A kernel truncates it to int64 as C casts
and raises a flag for indices outside [0, n) (NaN included); only that flag is
read back, and when it is set the CPU's own check runs on a host copy of the
indices to raise the CPU's error. The gather moves values as bits (every dtype,
one kernel, shared with `cuda_index`); the scatter-add gives one thread a whole
(outer, inner) line and adds j in increasing order into zeros of the CPU's
accumulator dtype (float16 in float32, integers in int64), so repeated indices
sum as on the CPU, bit for bit, without atomics.

A thread per line suits batches of rows; one very long line (cumsum of a whole
large array) runs on a single thread, correct but slow: a parallel scan would
change the order of the float sums.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import _IDENT, _cast_fn, launch
from .cuda_common import bits, flat, kernel
from .cuda_index import gather_along

# ruff: noqa: F821  (cuda, LOAD, STORE, I64 are bound per kernel)

_F16 = np.dtype(np.float16)
_RAW = frozenset(np.dtype(d) for d in (np.int32, np.int64, np.float32, np.float64))


def cumsum_lines(x, out, n, inner, lines):
    """out[o, j, r] = x[o, 0, r] + ... + x[o, j, r], summed in j order (each step rounded)."""
    for q in range(cuda.grid(1), lines, cuda.gridsize(1)):
        o = q // inner
        b = o * n * inner + (q - o * inner)
        out[b] = x[b]
        acc = LOAD(x[b])
        for j in range(1, n):
            p = b + j * inner
            s = STORE(acc + LOAD(x[p]))
            out[p] = s
            acc = LOAD(s)


def along_index(raw, idx, n, bad):
    """idx = raw truncated toward zero; bad[0] = 1 if any is NaN or outside [0, n) (those get 0)."""
    for t in range(cuda.grid(1), raw.shape[0], cuda.gridsize(1)):
        v = raw[t]
        i = I64(v)
        if v != v or i < 0 or i >= n:
            bad[0] = 1
            i = 0
        idx[t] = i


def scatter_lines(dy, idx, g, n, k, inner, lines):
    """g[o, idx[o, j, r], r] += dy[o, j, r] for j = 0, 1, ..., k - 1 (g holds zeros)."""
    for q in range(cuda.grid(1), lines, cuda.gridsize(1)):
        o = q // inner
        r = q - o * inner
        for j in range(k):
            s = (o * k + j) * inner + r
            d = (o * n + idx[s]) * inner + r
            g[d] += dy[s]


def _k(template, dtype=None):
    if template is cumsum_lines:
        dt = np.dtype(dtype)
        if dt == _F16:
            return kernel(cumsum_lines, "float16", LOAD=_cast_fn(np.float32, "load"),
                          STORE=_cast_fn(np.float16, "store"))
        # integers wrap to their width at each step, as NumPy's cast of its int64 sums does
        return kernel(cumsum_lines, dt.name, LOAD=_IDENT, STORE=_cast_fn(dt.type, "store"))
    if template is along_index:
        return kernel(along_index, "any", I64=_cast_fn(np.int64, "index"))
    return kernel(template, "any")


def _split3(shape, axis):
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, int(shape[axis]), inner


# ---------------------------------------------------------------- cumsum


def _cumsum_fwd(op, ins, outs, attrs):
    from ..ops.compat import _cumsum_axis, _cumsum_fwd as cpu_fwd

    a, out = ins[0], outs[0]
    dt = np.dtype(out.dtype)
    if dt.kind == "b" or np.dtype(a.dtype).kind == "b":
        return cuda_launch.host_fallback(cpu_fwd, op, ins, outs, attrs)
    if not out.size:
        return
    axis = _cumsum_axis(attrs, len(a.shape))
    src = flat(a)
    if np.dtype(a.dtype) != dt:                      # MXNet casts, then sums
        src = cuda_launch.empty((a.size,), dt)
        cuda_launch.cast_into(flat(a), src)
    outer, n, inner = (1, a.size, 1) if axis is None else _split3(a.shape, axis)
    lines = outer * inner
    launch(_k(cumsum_lines, dt), lines, src, flat(out), n, inner, lines)


# ---------------------------------------------------------------- gather / scatter along an axis


def _index(op, raw, n, data_shape, ax, check=True):
    """The int64 device indices of `raw`; the CPU's error if any is outside [0, n)."""
    rt = np.dtype(raw.dtype)
    r = flat(raw)
    if rt not in _RAW:   # float16 reaches float32 exactly; other integers int64 (C's cast)
        r = cuda_launch.empty((raw.size,), np.float32 if rt.kind == "f" else np.int64)
        cuda_launch.cast_into(flat(raw), r)
    idx = cuda_launch.empty((raw.size,), np.int64)
    bad = cuda_launch.zeros((1,), np.int32)
    if raw.size:
        launch(_k(along_index), raw.size, r, idx, n, bad)
    if check and bad.copy_to_host()[0]:
        from ..ops.indexing import _along_check, as_int64

        _along_check(op, data_shape, as_int64(cuda_launch.to_host(raw)), ax, n)
    return idx


def _gather(src, idx, out, ax):
    """out = take_along_axis(src, idx, ax) (idx flat int64 in range, shaped like out)."""
    _, n, inner = _split3(src.shape, ax)
    if out.size:
        launch(kernel(gather_along, "any"), out.size, bits(src), idx, bits(out), n,
               out.shape[ax], inner)


def _scatter(dy, idx, shape, ax):
    """Zeros of `shape` (dy's dtype) with dy added at idx along ax, in the CPU's order."""
    from .index_kernels import acc_dtype

    dt = np.dtype(dy.dtype)
    acc = acc_dtype(dt)
    g = cuda_launch.zeros(shape, acc)
    outer, n, inner = _split3(shape, ax)
    k = dy.shape[ax]
    lines = outer * inner
    if dy.size:
        d = flat(dy)
        if acc != dt:
            d = cuda_launch.empty((dy.size,), acc)
            cuda_launch.cast_into(flat(dy), d)
        launch(_k(scatter_lines), lines, d, idx, flat(g), n, k, inner, lines)
    if acc == dt:
        return g
    res = cuda_launch.empty(shape, dt)
    cuda_launch.cast_into(flat(g), flat(res))
    return res


def _axis(op, attrs, data):
    from ..ops.shape import norm_axis

    return norm_axis(op, attrs["axis"], tuple(data.shape))


def _gather_fwd(op, ins, outs, attrs):
    data, raw = ins
    ax = _axis(op, attrs, data)
    n = data.shape[ax]
    _gather(data, _index(op, raw, n, data.shape, ax), outs[0], ax)


def _gather_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    ax = _axis(op, attrs, data)
    # the forward checked these indices already: no second read back
    idx = _index(op, raw, data.shape[ax], data.shape, ax, check=False)
    return [_scatter(dys[0], idx, tuple(data.shape), ax), None]


def _scatter_fwd(op, ins, outs, attrs):
    data, raw = ins
    ax = _axis(op, attrs, data)
    n = int(attrs["size"])
    g = _scatter(data, _index(op, raw, n, data.shape, ax), tuple(outs[0].shape), ax)
    flat(outs[0]).copy_to_device(flat(g))


def _scatter_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    ax = _axis(op, attrs, data)
    dy = dys[0]
    out = cuda_launch.empty(tuple(data.shape), dy.dtype)
    _gather(dy, _index(op, raw, dy.shape[ax], data.shape, ax, check=False), out, ax)
    return [out, None]


FORWARD = {"cumsum": _cumsum_fwd, "_gather_along": _gather_fwd, "_scatter_along": _scatter_fwd}
BACKWARD = {"_gather_along": _gather_bwd, "_scatter_along": _scatter_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import from_dtype, types

    i = types.int64
    ix = types.Array(types.int64, 1, "C")
    jobs = []
    for d in dtypes:
        dt = np.dtype(d)
        a = types.Array(from_dtype(dt), 1, "C")
        jobs.append((f"cumsum_lines/{d}", lambda dt=dt: _k(cumsum_lines, dt), (a, a, i, i, i),
                     d in ("float32", "float16")))
        if dt in _RAW:
            jobs.append((f"along_index/{d}", lambda: _k(along_index),
                         (a, ix, i, types.Array(types.int32, 1, "C")), d == "float32"))
        if dt in (np.dtype(np.float32), np.dtype(np.float64), np.dtype(np.int64)):
            jobs.append((f"scatter_lines/{d}", lambda: _k(scatter_lines), (a, ix, a, i, i, i, i),
                         d == "float32"))
    return jobs
