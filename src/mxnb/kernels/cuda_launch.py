"""Arrays on `mx.gpu()`: device memory, the elementwise launches, and how every op runs there.

An NDArray on a GPU context holds a Numba device array (a `FakeCUDAArray`
under the simulator), always C-contiguous. The CPU code calls into this
module wherever a buffer is not a NumPy array:

* memory: `empty`, `zeros`, `full`, `to_device`, `to_host`
* elementwise kernels: `unary`, `unary_bwd`, `binary`, `binary_bwd` (gradients at
  the output's shape), `sum_to` (the engine's un-broadcast), `add_raw`, `write`
* every op: `forward` and `backward` (called by `invoke` and the engine for
  GPU contexts) run the op's CUDA kernels where it has them, and otherwise
  its NumPy code on host copies (`host_fallback`, `host_backward`), so each op
  of the table works on the GPU before it has kernels of its own
* indexing: `getitem`, `setitem`

Only the API that real device arrays have is used here (shape, dtype, size,
reshape, 1-D slicing, copy_to_host, copy_to_device): the simulator's arrays
accept much more, and the CUDA tests make them strict to catch that.
"""
import contextlib

import numpy as np

from ..base import MXNetError
from . import bcast, cuda_build, cuda_templates
from .cuda_build import SIMULATOR, config, cuda, launch, plain  # noqa: F401

__all__ = ["empty", "zeros", "full", "to_device", "to_host", "unary", "unary_bwd", "binary",
           "binary_bwd", "sum_to", "add_raw", "write", "forward", "backward", "host_fallback",
           "host_backward", "getitem", "setitem", "device", "config", "synchronize"]

_UNARY = ("unary0", "unary1", "unary2")
_UNARY_BWD = ("unary0_bwd", "unary1_bwd", "unary2_bwd")
_ELEMENTWISE = frozenset(("unary", "scalar", "broadcast", "elemwise"))
_B = []


def _elementwise(op, direction, tname, dtype):
    if not _B:
        from . import builder

        _B.append(builder)
    return _B[0].elementwise_kernel(op, direction, getattr(cuda_templates, tname), "cuda",
                                    np.dtype(dtype))


def _flat(d):
    return d.reshape(d.size)


def device(ctx):
    """A `with` block that makes `ctx`'s GPU current (device 0 is current by default)."""
    if ctx is None or SIMULATOR or ctx.device_id == 0:
        return contextlib.nullcontext()
    return cuda.gpus[ctx.device_id]


# ---------------------------------------------------------------- memory


def empty(shape, dtype, ctx=None):
    """An uninitialised C-contiguous device array."""
    with device(ctx):
        return cuda.device_array(tuple(shape), np.dtype(dtype))


def full(shape, dtype, value, ctx=None):
    """A device array filled with `value`, cast to `dtype` as MXNet casts (7.9 -> 7 for int32)."""
    dt = np.dtype(dtype)
    out = empty(shape, dt, ctx)
    fill(out, value)
    return out


def zeros(shape, dtype, ctx=None):
    return full(shape, dtype, 0, ctx)


def fill(d, value):
    """Set every element of device array `d` to `value` (cast to its dtype)."""
    dt = np.dtype(d.dtype)
    with np.errstate(invalid="ignore", over="ignore"):
        v = np.asarray(value, dtype=np.float64).astype(dt)[()]
    if d.size:
        launch(plain("fill", dt), d.size, _flat(d), v)


def to_device(host, ctx=None):
    """A device copy of a host array (made C-contiguous)."""
    with device(ctx):
        return cuda.to_device(np.ascontiguousarray(host))


def to_host(d):
    """A NumPy copy of a device array."""
    return d.copy_to_host()


def synchronize():
    """Wait for every kernel and copy launched so far (launches are asynchronous on a GPU)."""
    cuda.synchronize()


# ---------------------------------------------------------------- elementwise ops


def unary(op, x, out, params):
    """out = op(x) with the op's scalar `params` (p0, p1, already cast to x's dtype)."""
    k = _elementwise(op, "fwd", _UNARY[op.nparams], x.dtype)
    launch(k, x.size, _flat(x), _flat(out), params[0], params[1])


def unary_bwd(op, dy, x, y, params):
    """dx from the op's fused backward, a new device array."""
    dx = empty(x.shape, x.dtype)
    k = _elementwise(op, "bwd", _UNARY_BWD[op.nparams], x.dtype)
    launch(k, x.size, _flat(dy), _flat(x), _flat(y), _flat(dx), params[0], params[1])
    return dx


def binary(op, a, b, out):
    """out = op(a, b), broadcasting through the 4-d compaction plan."""
    dt = a.dtype
    if a.shape == b.shape:
        launch(_elementwise(op, "fwd", "binary", dt), a.size, _flat(a), _flat(b), _flat(out))
        return
    _, dims, sa, sb = bcast.plan(a.shape, b.shape, op.name)
    if dims is None:  # over 4 compacted dims: materialise both operands
        a, b = broadcast_to(a, out.shape), broadcast_to(b, out.shape)
        launch(_elementwise(op, "fwd", "binary", dt), a.size, _flat(a), _flat(b), _flat(out))
        return
    launch(_elementwise(op, "fwd", "binary_bcast", dt), out.size, _flat(a), _flat(b),
           _flat(out), dims, sa, sb)


def binary_bwd(op, dy, a, b, y):
    """(da, db) at the output's shape; the engine sums them back to the inputs' shapes."""
    dt = y.dtype
    da, db = empty(y.shape, dt), empty(y.shape, dt)
    if a.shape != b.shape:
        _, dims, sa, sb = bcast.plan(a.shape, b.shape, op.name)
        if dims is not None:
            launch(_elementwise(op, "bwd", "binary_bcast_bwd", dt), y.size, _flat(dy), _flat(a),
                   _flat(b), _flat(y), _flat(da), _flat(db), dims, sa, sb)
            return da, db
        a, b = broadcast_to(a, y.shape), broadcast_to(b, y.shape)
    launch(_elementwise(op, "bwd", "binary_bwd", dt), y.size, _flat(dy), _flat(a), _flat(b),
           _flat(y), _flat(da), _flat(db))
    return da, db


def sum_to(g, shape):
    """`g` summed over the axes broadcasting added or stretched, as a new array of `shape`."""
    shape = tuple(shape)
    if tuple(g.shape) == shape:
        return g
    out = empty(shape, g.dtype)
    _sum_into(g, out)
    return out


def _sum_into(g, out):
    _, dims, so, sg = bcast.plan(tuple(out.shape), tuple(g.shape), "_sum_to")
    if dims is None:
        from ..ops.basic import sum_to as host_sum_to

        out.copy_to_device(host_sum_to(g.copy_to_host(), tuple(out.shape)))
        return
    launch(plain("sum_to", g.dtype), out.size, _flat(g), _flat(out), dims, so, sg)


def add_raw(a, b):
    """a + b (same shape and dtype) as a new device array: gradient accumulation."""
    out = empty(a.shape, a.dtype)
    launch(plain("add", a.dtype), a.size, _flat(a), _flat(b), _flat(out))
    return out


def write(buf, g):
    """Write gradient `g` into buffer `buf` (zeros when `g` is None), casting if needed."""
    if g is None:
        fill(buf, 0)
    elif not _is_device(g):
        buf.copy_to_device(np.ascontiguousarray(np.asarray(g).astype(buf.dtype)))
    elif np.dtype(g.dtype) == np.dtype(buf.dtype):
        buf.copy_to_device(g)
    else:
        cast_into(g, buf)


def cast_into(src, dst):
    launch(plain("cast", src.dtype, dst.dtype), src.size, _flat(src), _flat(dst))


def _is_device(a):
    return not isinstance(a, np.ndarray) and hasattr(a, "copy_to_host")


# ---------------------------------------------------------------- gathers


def strided_copy(src, out, base, shape, strides):
    """out (C order) = src[base + sum(i_k * strides_k)] for shape/strides of at most 4 dims."""
    pad = 4 - len(shape)
    launch(plain("strided_copy", src.dtype), out.size, _flat(src), _flat(out), int(base),
           (1,) * pad + tuple(int(s) for s in shape), (0,) * pad + tuple(int(s) for s in strides))


def broadcast_to(x, shape):
    """A new C-contiguous device array: x broadcast to `shape`."""
    shape = tuple(shape)
    out = empty(shape, x.dtype)
    _broadcast_into(x, out)
    return out


def _broadcast_into(x, out):
    _, dims, sx, _ = bcast.plan(tuple(x.shape), tuple(out.shape))
    if dims is None:
        out.copy_to_device(np.ascontiguousarray(np.broadcast_to(x.copy_to_host(), out.shape)))
    else:
        strided_copy(x, out, 0, dims, sx)


def _c_strides(shape):
    st, acc = [], 1
    for d in reversed(shape):
        st.append(acc)
        acc *= d
    return tuple(reversed(st))


def _transpose_into(x, out, axes):
    if len(axes) > 4:
        out.copy_to_device(np.ascontiguousarray(np.transpose(x.copy_to_host(), axes)))
        return
    st = _c_strides(x.shape)
    strided_copy(x, out, 0, out.shape, tuple(st[a] for a in axes))


# ---------------------------------------------------------------- every op on the GPU


def host_fallback(fn, op, ins, outs, attrs):
    """Run a NumPy forward `fn` on host copies and copy the results back to the device.

    Inputs the NumPy code changed in place (BatchNorm's moving statistics) are
    written back too.
    """
    hins = [to_host(x) for x in ins]
    before = [h.tobytes() for h in hins]
    houts = [np.empty(tuple(o.shape), np.dtype(o.dtype)) for o in outs]
    fn(op, hins, houts, attrs)
    for o, h in zip(outs, houts):
        o.copy_to_device(h)
    _write_back(ins, hins, before)


def host_backward(op, dys, ins, outs, attrs):
    """An op's NumPy fused backward on host copies; the gradients come back as device arrays."""
    hout = [to_host(o) for o in outs]
    hdys = [np.zeros_like(o) if d is None else to_host(d) for d, o in zip(dys, hout)]
    hins = [to_host(x) for x in ins]
    before = [h.tobytes() for h in hins]
    res = op.backward(op, hdys, hins, hout, attrs)
    _write_back(ins, hins, before)
    return [None if r is None else to_device(np.asarray(r)) for r in res]


def _write_back(ins, hins, before):
    for d, h, b in zip(ins, hins, before):
        if h.tobytes() != b:
            d.copy_to_device(h)


def forward(ctx, op, ins, outs, attrs):
    """Run `op` on device buffers: its CUDA kernels, else its NumPy forward through the host."""
    with device(ctx):
        if op.kind in _ELEMENTWISE:
            return op.forward(op, ins, outs, attrs)
        impl = _FORWARD.get(op.name) or _family(_FORWARD, op.name)
        if impl is not None:
            return impl(op, ins, outs, attrs)
        return host_fallback(op.forward, op, ins, outs, attrs)


def backward(ctx, op, dys, ins, outs, attrs):
    """The fused backward of `op` on device buffers (device kernels, else through the host)."""
    with device(ctx):
        if any(d is None for d in dys):
            dys = [zeros(o.shape, o.dtype) if d is None else d for d, o in zip(dys, outs)]
        if op.kind in _ELEMENTWISE or op.name in _SELF_BACKWARD:
            return op.backward(op, dys, ins, outs, attrs)
        impl = _BACKWARD.get(op.name) or _family(_BACKWARD, op.name)
        if impl is not None:
            return impl(op, dys, ins, outs, attrs)
        return host_backward(op, dys, ins, outs, attrs)


def _where_inner(c, x):
    return 1 if tuple(c.shape) == tuple(x.shape) else x.size // x.shape[0]


def _where_fwd(op, ins, outs, attrs):
    c, x, y = ins
    out = outs[0]
    launch(plain("where", x.dtype, c.dtype), out.size, _flat(c), _flat(x), _flat(y), _flat(out),
           _where_inner(c, x))


def _where_bwd(op, dys, ins, outs, attrs):
    c, x, _ = ins
    dy = dys[0]
    dx, dyy = empty(dy.shape, dy.dtype), empty(dy.shape, dy.dtype)
    launch(plain("where_bwd", dy.dtype, c.dtype), dy.size, _flat(dy), _flat(c), _flat(dx), _flat(dyy),
           _where_inner(c, x))
    return [None, dx, dyy]


def _cast_fwd(op, ins, outs, attrs):
    if np.dtype(ins[0].dtype) == np.dtype(outs[0].dtype):
        outs[0].copy_to_device(ins[0])
    else:
        cast_into(ins[0], outs[0])


def _cast_bwd(op, dys, ins, outs, attrs):
    dx = empty(ins[0].shape, ins[0].dtype)
    _cast_fwd(op, dys, [dx], attrs)
    return [dx]


def _transpose_axes(attrs, ndim):
    from ..ops.basic import _axes

    return _axes(attrs, ndim)


def _transpose_fwd(op, ins, outs, attrs):
    _transpose_into(ins[0], outs[0], _transpose_axes(attrs, len(ins[0].shape)))


def _transpose_bwd(op, dys, ins, outs, attrs):
    axes = _transpose_axes(attrs, len(ins[0].shape))
    inv = tuple(int(i) for i in np.argsort(axes))
    dx = empty(ins[0].shape, ins[0].dtype)
    _transpose_into(dys[0], dx, inv)
    return [dx]


_FORWARD = {
    "_copy": lambda op, ins, outs, attrs: outs[0].copy_to_device(ins[0]),
    "cast": _cast_fwd,
    "where": _where_fwd,
    "broadcast_to": lambda op, ins, outs, attrs: _broadcast_into(ins[0], outs[0]),
    "broadcast_like": lambda op, ins, outs, attrs: _broadcast_into(ins[0], outs[0]),
    "_sum_to": lambda op, ins, outs, attrs: _sum_into(ins[0], outs[0]),
    "transpose": _transpose_fwd,
}
_BACKWARD = {
    "cast": _cast_bwd,
    "where": _where_bwd,
    "transpose": _transpose_bwd,
    "_sum_to": lambda op, dys, ins, outs, attrs: [broadcast_to(dys[0], ins[0].shape)],
}
_FAMILIES = []


def _family(table, name):
    """table[name] once the reduction, linalg and nn kernels are registered (on first use)."""
    if not _FAMILIES:
        from . import (cuda_act, cuda_bn, cuda_index, cuda_layout, cuda_linalg, cuda_loss,
                       cuda_nn, cuda_pad, cuda_reduce, cuda_regress, cuda_scan, cuda_shape,
                       cuda_sort, cuda_spatial, cuda_vision)

        for m in (cuda_reduce, cuda_linalg, cuda_nn, cuda_act, cuda_bn, cuda_loss, cuda_shape,
                  cuda_layout, cuda_index, cuda_regress, cuda_sort, cuda_pad, cuda_scan,
                  cuda_spatial, cuda_vision):
            _FORWARD.update(m.FORWARD)
            _BACKWARD.update(m.BACKWARD)
        _FAMILIES.append(True)
    return table.get(name)


# Ops whose own backward only passes dy on or reshapes it, which device arrays support.
_SELF_BACKWARD = frozenset(("_copy", "broadcast_to", "broadcast_like", "reshape"))


# ---------------------------------------------------------------- indexing


def _locate(shape, dtype, key):
    """(offset, shape, strides) in elements of `a[key]` for a C-contiguous `a`, without data.

    Indexes a zero-stride-free dummy made with as_strided over one element, so
    NumPy's own rules (ints, slices, None, Ellipsis, negative steps) give the
    geometry. All-int keys keep a 0-d view (an Ellipsis is appended).
    """
    it = np.dtype(dtype).itemsize
    base = np.zeros(1, dtype)
    dummy = np.lib.stride_tricks.as_strided(base, shape=shape,
                                            strides=tuple(s * it for s in _c_strides(shape)))
    k = key if isinstance(key, tuple) else (key,)
    if not any(x is Ellipsis for x in k):
        k = k + (Ellipsis,)
    v = dummy[k]
    off = (v.__array_interface__["data"][0] - base.__array_interface__["data"][0]) // it
    return off, v.shape, tuple(s // it for s in v.strides), v.flags.c_contiguous


def getitem(d, key):
    """d[key] for a basic key: a view when the result is contiguous, else a copy (as MXNet)."""
    off, shape, strides, contiguous = _locate(tuple(d.shape), d.dtype, key)
    mx_shape = shape if len(shape) else (1,)  # MXNet never returns 0-d from indexing
    n = int(np.prod(shape))
    if contiguous:
        return _flat(d)[off:off + n].reshape(mx_shape)
    out = empty(mx_shape, d.dtype)
    if len(shape) <= 4:
        strided_copy(d, out, off, shape, strides)
    else:
        out.copy_to_device(np.ascontiguousarray(d.copy_to_host()[key]).reshape(mx_shape))
    return out


def setitem(arr, key, value):
    """arr[key] = value on the device (a scalar, an NDArray on the same GPU, or array-like)."""
    from ..ndarray.ndarray import NDArray

    d = arr._data
    off, shape, _, contiguous = _locate(tuple(d.shape), d.dtype, key)
    n = int(np.prod(shape))
    if isinstance(value, NDArray):
        if value._ctx != arr._ctx:
            raise MXNetError(f"setitem: value is on {value._ctx} but the array is on {arr._ctx}")
        value = value._data
    if contiguous and np.ndim(value) == 0 and not _is_device(value):
        fill(_flat(d)[off:off + n], value)
        return
    if _is_device(value):
        np.broadcast_to(np.empty(tuple(value.shape), np.int8), shape)  # NumPy's ValueError
        if contiguous:
            src = value
            if tuple(value.shape) != tuple(shape):
                src = broadcast_to(value, shape) if len(shape) else value
            if np.dtype(src.dtype) != np.dtype(d.dtype):
                cast_into(_flat(src), _flat(d)[off:off + n])
            else:
                _flat(d)[off:off + n].copy_to_device(_flat(src))
            return
        value = value.copy_to_host()
    host = d.copy_to_host()
    value = np.asarray(value)
    src = np.broadcast_to(value, np.shape(host[key])) if value.ndim else value
    with np.errstate(invalid="ignore", over="ignore"):
        if value.ndim == 0:
            host[key] = value.astype(np.float64).astype(host.dtype) \
                if host.dtype.kind in "iu" else value
        else:
            host[key] = src.astype(host.dtype, copy=False)
    d.copy_to_device(host)
