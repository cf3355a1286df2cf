"""pick and one_hot on mx.gpu(): gathers and puts of whole elements on the device.

The indices are small (one per row, typically the labels) and MXNet's are floats
that the CPU op truncates, clips or wraps (`ops.indexing.normalize`): they are
normalised on the host with that very code and sent to the device as int64, so
NaN or out-of-range indices behave as on the CPU. The data and the results, the
large side, stay on the device. Values move as their bits (an unsigned integer
of the same width), so every dtype takes the same few kernels.

pick's gradient puts dy at the picked places of zeros: one index per
(outer, inner) position, so no two land on one place and no atomics are needed.
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import kernel

# ruff: noqa: F821  (cuda is bound per kernel)
_UINT = {1: np.uint8, 2: np.uint16, 4: np.uint32, 8: np.uint64}


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


def _bits(d):
    f = d.reshape(d.size)
    return f.view(_UINT[np.dtype(d.dtype).itemsize])


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
        launch(kernel(gather_along, "any"), outs[0].size, _bits(data), idx, _bits(outs[0]),
               n, 1, inner)


def _pick_bwd(op, dys, ins, outs, attrs):
    data, index = ins
    dy = dys[0]
    ax, idx = _pick_index(op, data, index, attrs)
    _, n, inner = _split3(data.shape, ax)
    g = cuda_launch.zeros(data.shape, dy.dtype)
    if dy.size:
        launch(kernel(put_along, "any"), dy.size, _bits(dy), idx, _bits(g), n, 1, inner)
    return [g, None]


def _one_hot_fwd(op, ins, outs, attrs):
    from ..ops.indexing import _fill_value, as_int64

    out = outs[0]
    if not out.size:
        return
    dt = np.dtype(out.dtype)
    ut = _UINT[dt.itemsize]
    on = np.asarray(_fill_value(attrs["on_value"], dt), dt).reshape(1).view(ut)[0]
    off = np.asarray(_fill_value(attrs["off_value"], dt), dt).reshape(1).view(ut)[0]
    idx = as_int64(cuda_launch.to_host(ins[0])).reshape(-1)
    launch(kernel(one_hot_fill, "any"), out.size, cuda_launch.to_device(idx), _bits(out),
           out.shape[-1], on, off)


FORWARD = {"pick": _pick_fwd, "one_hot": _one_hot_fwd}
BACKWARD = {"pick": _pick_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import types

    i, u = types.int64, types.Array(types.uint32, 1, "C")
    ix = types.Array(types.int64, 1, "C")
    return [("gather_along/any", lambda: kernel(gather_along, "any"), (u, ix, u, i, i, i), False),
            ("put_along/any", lambda: kernel(put_along, "any"), (u, ix, u, i, i, i), False),
            ("one_hot_fill/any", lambda: kernel(one_hot_fill, "any"),
             (ix, u, i, types.uint32, types.uint32), False)]
