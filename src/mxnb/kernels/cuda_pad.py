"""pad (constant, edge, reflect) and its adjoint `_pad_grad` on mx.gpu().

Padding is separable: one pass per padded axis, in axis order as `np.pad` goes,
each a kernel over the (outer, n, inner) view of that axis that reads the cell
the mode names (constant: none; edge: the nearest end; reflect: the mirror
image without the end cell). The values are copies (moved as bits), so the
result is NumPy's bit for bit.

The adjoint folds the borders back one axis at a time in the CPU's order
(`ops.slicing.pad_adjoint`): a cell keeps its own gradient, then edge adds the
sum of its border (summed first, in order), reflect adds the one mirrored cell
from the left, then the one from the right. One thread per output cell, no
atomics. (NumPy sums an edge border of 8 or more cells along the last axis
pairwise: there the gradient may differ from the CPU's in the last bits.)
float16 gradients fold on the host (NumPy rounds each float16 add).
"""
import numpy as np

from . import cuda_launch
from .cuda_build import launch
from .cuda_common import bits, bits_of, kernel

# ruff: noqa: F821  (cuda is bound per kernel)
_MODE = {"constant": 0, "edge": 1, "reflect": 2}


def pad_axis(x, out, n, nout, b, inner, mode, value):
    """out (outer, nout, inner) = x (outer, n, inner) padded by b before along the middle."""
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % inner
        s = t // inner
        o = s // nout
        p = s - o * nout - b
        if p < 0 or p >= n:
            if mode == 0:
                out[t] = value
                continue
            if mode == 1:
                p = 0 if p < 0 else n - 1
            else:
                p = -p if p < 0 else 2 * (n - 1) - p
        out[t] = x[(o * n + p) * inner + r]


def pad_fold(g, out, n, b, a, inner, mode):
    """out (outer, n, inner) = g (outer, b + n + a, inner) with its borders folded back."""
    nin = n + b + a
    for t in range(cuda.grid(1), out.shape[0], cuda.gridsize(1)):
        r = t % inner
        s = t // inner
        o = s // n
        j = s - o * n
        base = o * nin
        v = g[(base + b + j) * inner + r]
        if mode == 1:
            if j == 0 and b > 0:
                acc = g[base * inner + r]
                for i in range(1, b):
                    acc += g[(base + i) * inner + r]
                v += acc
            if j == n - 1 and a > 0:
                acc = g[(base + b + n) * inner + r]
                for i in range(b + n + 1, nin):
                    acc += g[(base + i) * inner + r]
                v += acc
        elif mode == 2:
            if j >= 1 and j <= b:
                v += g[(base + b - j) * inner + r]
            if j >= n - 1 - a and j <= n - 2:
                v += g[(base + b + n + (n - 2 - j)) * inner + r]
        out[t] = v


def _split3(shape, ax):
    return (int(np.prod(shape[:ax], dtype=np.int64)), shape[ax],
            int(np.prod(shape[ax + 1:], dtype=np.int64)))


def pad_into(x, pairs, mode, value, out):
    """out = np.pad(x, pairs, mode) (constant_values=value) on the device."""
    dt = np.dtype(x.dtype)
    vbits = bits_of(value, dt)
    todo = [ax for ax, (b, a) in enumerate(pairs) if b or a]
    cur, shape = x, list(x.shape)
    if not todo:
        out.reshape(out.size).copy_to_device(x.reshape(x.size))
        return
    for ax in todo:
        b, a = pairs[ax]
        _, n, inner = _split3(shape, ax)
        shape[ax] = n + b + a
        nxt = out if ax == todo[-1] else cuda_launch.empty(tuple(shape), dt)
        if nxt.size:
            launch(kernel(pad_axis, "any"), nxt.size, bits(cur), bits(nxt), n, n + b + a, b,
                   inner, _MODE[mode], vbits)
        cur = nxt


def fold(dy, pairs, mode):
    """`pad_adjoint` on the device: a new array of the unpadded shape."""
    cur, shape = dy, list(dy.shape)
    done = False
    for ax, (b, a) in enumerate(pairs):
        if not (b or a):
            continue
        _, nin, inner = _split3(shape, ax)
        n = nin - b - a
        shape[ax] = n
        nxt = cuda_launch.empty(tuple(shape), dy.dtype)
        if nxt.size:
            launch(kernel(pad_fold, "any"), nxt.size, cur.reshape(cur.size),
                   nxt.reshape(nxt.size), n, b, a, inner, _MODE[mode])
        cur, done = nxt, True
    if not done:
        cur = cuda_launch.empty(dy.shape, dy.dtype)
        cur.copy_to_device(dy)
    return cur


def _f16(a):
    return np.dtype(a.dtype) == np.float16


def _pad_fwd(op, ins, outs, attrs):
    from ..ops.slicing import _pad_geom

    x = ins[0]
    pairs = _pad_geom(op, x.shape, x.dtype, attrs)
    pad_into(x, pairs, attrs["mode"], float(attrs["constant_value"]), outs[0])


def _pad_bwd(op, dys, ins, outs, attrs):
    from ..ops.slicing import _pad_pairs

    if _f16(dys[0]):
        return cuda_launch.host_backward(op, dys, ins, outs, attrs)
    return [fold(dys[0], _pad_pairs(attrs), attrs["mode"])]


def _pad_grad_fwd(op, ins, outs, attrs):
    from ..ops.slicing import _pad_pairs

    if _f16(ins[0]):
        return cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)
    g = fold(ins[0], _pad_pairs(attrs), attrs["mode"])
    outs[0].reshape(outs[0].size).copy_to_device(g.reshape(g.size))


def _pad_grad_bwd(op, dys, ins, outs, attrs):
    from ..ops.slicing import _pad_pairs

    dy = dys[0]
    out = cuda_launch.empty(ins[0].shape, dy.dtype)
    pad_into(dy, _pad_pairs(attrs), attrs["mode"], 0.0, out)
    return [out]


FORWARD = {"pad": _pad_fwd, "_pad_grad": _pad_grad_fwd}
BACKWARD = {"pad": _pad_bwd, "_pad_grad": _pad_grad_bwd}


def ptx_jobs(dtypes):
    """(name, kernel factory, argument types, float32-only) of each kernel, for `cuda_ptx`."""
    from numba import types

    i = types.int64
    u = types.Array(types.uint32, 1, "C")
    f = {d: types.Array(getattr(types, d), 1, "C") for d in ("float32", "float64")}
    return [("pad_axis/any", lambda: kernel(pad_axis, "any"), (u, u, i, i, i, i, i, types.uint32),
             False)] + [(f"pad_fold/{d}", lambda: kernel(pad_fold, "any"),
                         (f[d], f[d], i, i, i, i, i), d == "float32") for d in f]
