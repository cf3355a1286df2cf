"""take, pick, one_hot and advanced indexing's flat gather/scatter on mx.gpu(): gathers and
puts of whole elements on the device.

The indices are small (one per row, typically the labels) and MXNet's are floats
that the CPU op truncates, clips or wraps (`ops.indexing.normalize`): they are
normalised on the host with that very code and sent to the device as int64, so
NaN or out-of-range indices behave as on the CPU. The data and the results, the
large side, stay on the device. Values move as their bits (an unsigned integer
of the same width), so every dtype takes the same few kernels.

pick's gradient puts dy at the picked places of zeros: one index per
(outer, inner) position, so no two land on one place and no atomics are needed.
take's gradient sums dy over repeated indices: the host sorts the (few) indices
stably, and one thread per element of the gradient adds its run of dy rows in
increasing position, the CPU kernel's order, so the sums are the CPU's bit for bit
(float16 in float32, as there).
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import as_dtype, bits, bits_of, kernel, unsign_zeros

# ruff: noqa: F821  (cuda is bound per kernel)


def gather_along(src, idx, out, n, m, inner):
    """out[(o m + j) inner + r] = src[(o n + idx[...]) inner + r] (take_along_axis)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        o = t // inner // m
        out[t] = src[(o * n + idx[t]) * inner + t % inner]


def put_along(dy, idx, g, n, m, inner):
    """gather_along's adjoint for distinct targets: g[...] = dy[t]."""
    for t in range(cuda.grid(1), dy.shape[0], cuda.gridsize(1)):
        o = t // inner // m
        g[(o * n + idx[t]) * inner + t % inner] = dy[t]


def one_hot_fill(idx, out, depth, on, off):
    """out[i, j] = on if idx[i] == j else off (bits)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        i = t // depth
        out[t] = on if idx[i] == t - i * depth else off


def take_rows(src, rows, out, n, k, inner):
    """out[o, j, r] = src[o, rows[j], r] for rows normalised into [0, n)."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % inner
        q = t // inner
        out[t] = src[((q // k) * n + rows[q % k]) * inner + r]


def take_add(dy, order, starts, g, n, k, inner):
    """g[o, j, r] = sum of dy[o, order[q], r] for q in [starts[j], starts[j + 1])."""
    for t in range(cuda.grid(1), g.shape[0], cuda.gridsize(1)):
        r = t % inner
        q = t // inner
        j = q % n
        base = (q // n) * k
        acc = g[t]                            # g is zeros: a zero of g's type
        for p in range(starts[j], starts[j + 1]):
            acc += dy[(base + order[p]) * inner + r]
        g[t] = acc


def _split3(shape, axis):
    outer = int(np.prod(shape[:axis], dtype=np.int64))
    inner = int(np.prod(shape[axis + 1:], dtype=np.int64))
    return outer, shape[axis], inner


def _pick_index(op, data, index, attrs):
    from ..ops.indexing import _pick_index as cpu_pick_index

    ax, idx = cpu_pick_index(op, data.shape, cuda_launch.to_host(index), attrs)
    return ax, cuda_launch.to_device(np.ascontiguousarray(idx, np.int64).reshape(-1))


def _pick_fwd(op, ins, outs, attrs):
    data, index = ins
    ax, idx = _pick_index(op, data, index, attrs)
    _, n, inner = _split3(data.shape, ax)
    if outs[0].size:
        launch(kernel(gather_along, "any"), outs[0].size, bits(data), idx, bits(outs[0]),
               n, 1, inner)


def _pick_bwd(op, dys, ins, outs, attrs):
    data, index = ins
    dy = dys[0]
    ax, idx = _pick_index(op, data, index, attrs)
    _, n, inner = _split3(data.shape, ax)
    g = cuda_launch.zeros(data.shape, dy.dtype)
    if dy.size:
        launch(kernel(put_along, "any"), dy.size, bits(dy), idx, bits(g), n, 1, inner)
    return [unsign_zeros(g), None]


def _one_hot_fwd(op, ins, outs, attrs):
    from ..ops.indexing import _fill_value, as_int64

    out = outs[0]
    if not out.size:
        return
    dt = np.dtype(out.dtype)
    on = bits_of(_fill_value(attrs["on_value"], dt), dt)
    off = bits_of(_fill_value(attrs["off_value"], dt), dt)
    idx = as_int64(cuda_launch.to_host(ins[0])).reshape(-1)
    launch(kernel(one_hot_fill, "any"), out.size, cuda_launch.to_device(idx), bits(out),
           out.shape[-1], on, off)


def _rows(op, raw, n, mode):
    from ..ops.indexing import normalize

    return normalize(cuda_launch.to_host(raw).reshape(-1), n, mode, op)


def _gather_rows(src, rows, out, ax):
    """out = src taken at int64 `rows` (in range) along `ax`."""
    outer, n, inner = _split3(src.shape, ax)
    if out.size:
        launch(kernel(take_rows, "any"), out.size, bits(src), cuda_launch.to_device(rows),
               bits(out), n, rows.size, inner)


def _take_into(op, src, raw, out, ax, mode):
    _gather_rows(src, _rows(op, raw, src.shape[ax], mode), out, ax)


def _scatter_rows(dy, rows, shape, ax):
    """Zeros of `shape` plus dy at int64 `rows` along `ax` (the CPU's order of sums)."""
    dt = np.dtype(dy.dtype)
    outer, n, inner = _split3(shape, ax)
    acc = np.dtype(np.float32) if dt == np.float16 else dt     # as the CPU's acc_dtype
    g = cuda_launch.zeros(shape, acc)
    if g.size and rows.size:
        order = np.argsort(rows, kind="stable")
        starts = np.concatenate(([0], np.cumsum(np.bincount(rows, minlength=n))))
        d = as_dtype(dy, acc) if acc != dt else dy
        launch(kernel(take_add, "any"), g.size, d.reshape(d.size),
               cuda_launch.to_device(order.astype(np.int64)),
               cuda_launch.to_device(starts.astype(np.int64)), g.reshape(g.size), n, rows.size,
               inner)
    return g if acc == dt else as_dtype(g, dt)


def _take_sum(op, dy, raw, shape, ax, mode):
    return _scatter_rows(dy, _rows(op, raw, shape[ax], mode), shape, ax)


def _float(a):
    return np.dtype(a.dtype).kind == "f"


def _take_fwd(op, ins, outs, attrs):
    a, raw = ins
    _take_into(op, a, raw, outs[0], int(attrs["axis"]) % len(a.shape), attrs["mode"])


def _take_bwd(op, dys, ins, outs, attrs):
    a, raw = ins
    if not _float(dys[0]):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    ax = int(attrs["axis"]) % len(a.shape)
    return [_take_sum(op, dys[0], raw, a.shape, ax, attrs["mode"]), None]


def _take_grad_fwd(op, ins, outs, attrs):
    dy, raw = ins
    if not _float(dy):
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    g = _take_sum(op, dy, raw, outs[0].shape, int(attrs["axis"]), attrs["mode"])
    outs[0].copy_to_device(g)


def _take_grad_bwd(op, dys, ins, outs, attrs):
    out = cuda_launch.empty(ins[0].shape, dys[0].dtype)
    _take_into(op, dys[0], ins[1], out, int(attrs["axis"]), attrs["mode"])
    return [out, None]


# ---------------------------------------------------------------- flat (advanced indexing)


def _flat_rows(op, raw, n, check):
    from ..ops.indexing import _flat_check, as_int64

    h = cuda_launch.to_host(raw).reshape(-1)
    return _flat_check(op, h, n) if check else as_int64(h)


def _gflat_fwd(op, ins, outs, attrs):
    data, raw = ins
    if not outs[0].size:
        return
    _gather_rows(data.reshape(data.size), _flat_rows(op, raw, data.size, True),
                 outs[0].reshape(outs[0].size), 0)


def _gflat_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    dy = dys[0]
    if not _float(dy):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    g = _scatter_rows(dy.reshape(dy.size), _flat_rows(op, raw, data.size, False),
                      (data.size,), 0)
    return [g.reshape(data.shape), None]


def _sflat_fwd(op, ins, outs, attrs):
    data, raw = ins
    out = outs[0]
    if not _float(data):
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    g = _scatter_rows(data.reshape(data.size), _flat_rows(op, raw, out.size, True),
                      (out.size,), 0)
    out.reshape(out.size).copy_to_device(g)


def _sflat_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    out = cuda_launch.empty(ins[0].shape, dy.dtype)
    if out.size:
        _gather_rows(dy.reshape(dy.size), _flat_rows(op, ins[1], dy.size, False),
                     out.reshape(out.size), 0)
    return [out, None]


FORWARD = {"pick": _pick_fwd, "one_hot": _one_hot_fwd, "take": _take_fwd,
           "_take_grad": _take_grad_fwd, "_gather_flat": _gflat_fwd, "_scatter_flat": _sflat_fwd}
BACKWARD = {"pick": _pick_bwd, "take": _take_bwd, "_take_grad": _take_grad_bwd,
            "_gather_flat": _gflat_bwd, "_scatter_flat": _sflat_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import types

    i, u = types.int64, types.Array(types.uint32, 1, "C")
    ix = types.Array(types.int64, 1, "C")
    return [("gather_along/any", lambda: kernel(gather_along, "any"), (u, ix, u, i, i, i), False),
            ("put_along/any", lambda: kernel(put_along, "any"), (u, ix, u, i, i, i), False),
            ("one_hot_fill/any", lambda: kernel(one_hot_fill, "any"),
             (ix, u, i, types.uint32, types.uint32), False),
            ("take_rows/any", lambda: kernel(take_rows, "any"), (u, ix, u, i, i, i), False)] + [
            (f"take_add/{d}", lambda: kernel(take_add, "any"),
             (types.Array(getattr(types, d), 1, "C"), ix, ix,
              types.Array(getattr(types, d), 1, "C"), i, i, i), d == "float32")
            for d in ("float32", "float64")]
