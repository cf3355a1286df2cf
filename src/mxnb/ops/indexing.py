"""Gathers and scatters: take, pick, one_hot, and the ops behind advanced indexing.

Index arrays may have any dtype; as in MXNet they are truncated toward zero
(`1.7 -> 1`, `-0.5 -> 0`) and then clipped or wrapped (`mode`). The kernels
(kernels/index_kernels.py, loaded on first use) copy raw bits for gathers and
scatter-add in one fixed order for gradients, so results never depend on the
thread count.

Each gather's VJP is a scatter-add op and each scatter-add's VJP is the gather
again, so every op here is differentiable to any order:

    take          <->  _take_grad       (rows along an axis, shared indices)
    _gather_along <->  _scatter_along   (pick, sort, topk: one index per element)
    _gather_flat  <->  _scatter_flat    (advanced indexing: flat element indices)
"""
import numpy as np

from ..base import MXNetError, normalize_dtype
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register
from .shape import none, norm_axis


def _k():
    from ..kernels import index_kernels

    return index_kernels


def as_int64(raw):
    """Indices as int64, floats truncated toward zero (MXNet's static_cast)."""
    if raw.dtype == np.int64:
        return raw
    with np.errstate(invalid="ignore"):
        return raw.astype(np.int64)


def normalize(raw, n, mode, op):
    """int64 indices in [0, n): clipped, wrapped (Python's modulo) or checked (`raise`)."""
    i = as_int64(raw)
    if mode == "clip":
        return np.clip(i, 0, n - 1)
    if mode == "wrap":
        return np.mod(i, n)
    if i.size and (i.min() < 0 or i.max() >= n):
        bad = i[(i < 0) | (i >= n)].reshape(-1)[0]
        raise MXNetError(f"{op.name}: take operator contains indices out of bound: index {bad} "
                         f"for an axis of size {n} (mode='raise' accepts 0 <= index < {n})")
    return i


def _check_mode(op, mode, valid):
    if mode not in valid:
        raise MXNetError(f"{op.name}: Invalid Input: {mode!r}, valid values are: "
                         "{" + ", ".join(repr(v) for v in valid) + "}")


def _raw_grad(g, dtype):
    return g if g.dtype == dtype else g.astype(dtype)


def host(a):
    """An NDArray's data as a NumPy array (a copy from a GPU)."""
    return a._data if isinstance(a._data, np.ndarray) else a.asnumpy()


def index_nd(idx, ctx):
    """A fresh NDArray of host indices `idx` (never in a graph) on `ctx`."""
    from ..ndarray.creation import _place

    return _place(np.ascontiguousarray(idx), ctx)


def _index_inputs(data_shape, index_shape, n):
    """Test inputs for the walk in tests: values, then valid (float) indices."""
    return lambda rng: [rng.uniform(-2, 2, data_shape),
                        rng.randint(0, n, size=index_shape).astype(np.float64)]

# ---------------------------------------------------------------- take


def _take_infer(op, inputs, attrs):
    a, idx = inputs
    if a.ndim == 0:
        raise MXNetError(f"{op.name}: a must have at least one dimension")
    axis = attrs["axis"]
    if not -a.ndim <= int(axis) < a.ndim:
        raise MXNetError(f"{op.name}: axis={axis} is out of range for a of shape "
                         f"{fmt_shape(a.shape)}: Axis should be in the range of [-r, r-1] where "
                         "r is the rank of input tensor")
    _check_mode(op, attrs["mode"], ("clip", "raise", "wrap"))
    ax = int(axis) % a.ndim
    return [(a.shape[:ax] + idx.shape + a.shape[ax + 1:], np.dtype(a.dtype))]


def _take_rows(op, a, raw, out, ax, mode):
    """out = a taken at raw indices along ax; the kernel truncates, clips or wraps them."""
    if mode == "raise":
        raw = normalize(raw, a.shape[ax], mode, op)
    _k().take(a, raw, out, ax, wrap=mode == "wrap")


def _take_fwd(op, ins, outs, attrs):
    a, raw = ins
    _take_rows(op, a, raw, outs[0], int(attrs["axis"]) % a.ndim, attrs["mode"])


def _take_add(dy, raw, shape, axis, mode, op):
    g = np.zeros(shape, _k().acc_dtype(dy.dtype))
    if mode == "raise":
        raw = normalize(raw, shape[axis], mode, op)
    _k().take_add(np.ascontiguousarray(dy, g.dtype), raw, g, axis, wrap=mode == "wrap")
    return _raw_grad(g, dy.dtype)


def _take_bwd(op, dys, ins, outs, attrs):
    a, raw = ins
    ax = int(attrs["axis"]) % a.ndim
    return [_take_add(dys[0], raw, a.shape, ax, attrs["mode"], op), None]


def _take_vjp(op, dys, ins, outs, attrs):
    a, idx = ins
    ax = int(attrs["axis"]) % a.ndim
    return [nd._take_grad(dys[0], idx, axis=ax, mode=attrs["mode"], size=a.shape[ax]), None]


register(Op("take", ("a", "indices"), attrs=(("axis", 0), ("mode", "clip")), infer=_take_infer,
            forward=_host(_take_fwd), backward=_take_bwd, vjp=_take_vjp, nondiff_inputs=(1,),
            doc="Elements of `a` at `indices` along `axis`; out-of-range indices are clipped "
                "(default), wrapped, or raise. take(a, i) has shape a.shape[:axis] + i.shape + "
                "a.shape[axis+1:].",
            test={"inputs": _index_inputs((4, 3), (2, 3), 4),
                  "cases": [{}, {"attrs": {"axis": 1, "mode": "wrap"},
                                 "inputs": lambda rng: [rng.uniform(-2, 2, (2, 3)),
                                                        np.array([4.0, -1.0, 1.0, 1.0])]}]}))


def _take_grad_infer(op, inputs, attrs):
    dy, idx = inputs
    ax = int(attrs["axis"])
    shape = dy.shape[:ax] + (int(attrs["size"]),) + dy.shape[ax + idx.ndim:]
    return [(shape, np.dtype(dy.dtype))]


def _take_grad_fwd(op, ins, outs, attrs):
    dy, raw = ins
    np.copyto(outs[0], _take_add(dy, raw, outs[0].shape, int(attrs["axis"]), attrs["mode"], op))


def _take_grad_bwd(op, dys, ins, outs, attrs):
    ax = int(attrs["axis"])
    out = np.empty(ins[0].shape, dys[0].dtype)
    _take_rows(op, dys[0], ins[1], out, ax, attrs["mode"])
    return [out, None]


register(Op("_take_grad", ("data", "indices"), attrs=(("axis", 0), ("mode", "clip"),
                                                      ("size", None)),
            infer=_take_grad_infer, forward=_host(_take_grad_fwd), backward=_take_grad_bwd,
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.take(dys[0], ins[1], axis=attrs["axis"], mode=attrs["mode"]), None],
            nondiff_inputs=(1,),
            doc="The gradient of take: data scatter-added back to rows `indices` of an axis of "
                "length `size`.",
            test={"inputs": _index_inputs((2, 3, 2), (3,), 4), "attrs": {"axis": 1, "size": 4}}))

# ---------------------------------------------------------------- pick


def _pick_geom(op, dshape, ishape, attrs):
    """(axis, shape with the axis kept at 1, output shape)."""
    axis = none(attrs["axis"])
    if axis is None:
        raise MXNetError(f"{op.name}: axis=None is not supported by pick yet. Must specify an "
                         "axis.")
    if len(dshape) == 0:
        raise MXNetError(f"{op.name}: data must have at least one dimension")
    ax = norm_axis(op, axis, dshape)
    keep = dshape[:ax] + (1,) + dshape[ax + 1:]
    drop = (dshape[:ax] + dshape[ax + 1:]) or (1,)
    if ishape is not None and tuple(ishape) not in (keep, drop) and not (
            drop == (1,) and int(np.prod(ishape)) == 1):
        raise MXNetError(f"{op.name}: Shape inconsistent, Provided = {fmt_shape(ishape)}, "
                         f"inferred shape={fmt_shape(drop)} (data {fmt_shape(dshape)}, "
                         f"axis={axis})")
    return ax, keep, keep if attrs["keepdims"] else drop


def _pick_infer(op, inputs, attrs):
    data, index = inputs
    _check_mode(op, attrs["mode"], ("clip", "wrap"))
    return [(_pick_geom(op, data.shape, index.shape, attrs)[2], np.dtype(data.dtype))]


def _pick_index(op, data_shape, raw, attrs):
    ax, keep, _ = _pick_geom(op, data_shape, None, attrs)
    return ax, normalize(raw, data_shape[ax], attrs["mode"], op).reshape(keep)


def _pick_fwd(op, ins, outs, attrs):
    data, raw = ins
    ax, idx = _pick_index(op, data.shape, raw, attrs)
    _k().gather_along(data, idx, outs[0], ax)


def _pick_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    ax, idx = _pick_index(op, data.shape, raw, attrs)
    return [scatter_along(dys[0].reshape(idx.shape), idx, data.shape, ax), None]


def _pick_vjp(op, dys, ins, outs, attrs):
    data, index = ins
    ax, idx = _pick_index(op, data.shape, host(index), attrs)
    dy = nd.reshape(dys[0], shape=idx.shape)
    return [nd._scatter_along(dy, index_nd(idx, data._ctx), axis=ax, size=data.shape[ax]), None]


register(Op("pick", ("data", "index"), attrs=(("axis", -1), ("keepdims", False), ("mode", "clip")),
            infer=_pick_infer, forward=_host(_pick_fwd), backward=_pick_bwd, vjp=_pick_vjp,
            nondiff_inputs=(1,),
            doc="One element per position along `axis`: out[i, j] = data[i, index[i, j], j] "
                "for axis 1; indices clipped (default) or wrapped.",
            test={"inputs": _index_inputs((2, 3, 4), (2, 4), 3), "attrs": {"axis": 1},
                  "cases": [{}, {"attrs": {"axis": -1, "keepdims": True, "mode": "wrap"},
                                 "inputs": lambda rng: [rng.uniform(-2, 2, (2, 3)),
                                                        np.array([[-1.0], [5.0]])]}]}))

# ---------------------------------------------------------------- gather / scatter along an axis


def scatter_along(dy, idx, shape, axis):
    """Zeros of `shape` with dy added at `idx` along `axis` (raw NumPy)."""
    g = np.zeros(shape, _k().acc_dtype(dy.dtype))
    _k().scatter_along_add(np.ascontiguousarray(dy, g.dtype), idx, g, axis)
    return _raw_grad(g, dy.dtype)


def _along_check(op, data_shape, idx, axis, n):
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise MXNetError(f"{op.name}: index out of range [0, {n}) along axis {axis} "
                         f"(data {fmt_shape(data_shape)})")
    return idx


def _along_infer(op, inputs, attrs, out_axis_size):
    data, index = inputs
    ax = norm_axis(op, attrs["axis"], data.shape)
    # A gather's index may be shorter on the axis; a scatter's index matches data exactly.
    if index.ndim != data.ndim or any(a != b for i, (a, b) in
                                      enumerate(zip(index.shape, data.shape))
                                      if i != ax or out_axis_size is not None):
        raise MXNetError(f"{op.name}: index shape {fmt_shape(index.shape)} must match data shape "
                         f"{fmt_shape(data.shape)}" + ("" if out_axis_size is not None
                                                       else f" except on axis {ax}"))
    shape = list(index.shape if out_axis_size is None else data.shape)
    if out_axis_size is not None:
        shape[ax] = int(out_axis_size)
    return [(tuple(shape), np.dtype(data.dtype))]


def _gather_fwd(op, ins, outs, attrs):
    data, raw = ins
    ax = norm_axis(op, attrs["axis"], data.shape)
    idx = _along_check(op, data.shape, as_int64(raw), ax, data.shape[ax])
    _k().gather_along(data, idx, outs[0], ax)


def _gather_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    ax = norm_axis(op, attrs["axis"], data.shape)
    return [scatter_along(dys[0], as_int64(raw), data.shape, ax), None]


register(Op("_gather_along", ("data", "index"), attrs=(("axis", 0),),
            infer=lambda op, inputs, attrs: _along_infer(op, inputs, attrs, None),
            forward=_host(_gather_fwd), backward=_gather_bwd,
            vjp=lambda op, dys, ins, outs, attrs: [nd._scatter_along(
                dys[0], ins[1], axis=attrs["axis"], size=ins[0].shape[
                    norm_axis(op, attrs["axis"], ins[0].shape)]), None],
            nondiff_inputs=(1,), doc="take_along_axis(data, index, axis).",
            test={"inputs": _index_inputs((3, 4), (2, 4), 3)}))


def _scatter_fwd(op, ins, outs, attrs):
    data, raw = ins
    ax = norm_axis(op, attrs["axis"], data.shape)
    n = int(attrs["size"])
    idx = _along_check(op, data.shape, as_int64(raw), ax, n)
    np.copyto(outs[0], scatter_along(data, idx, outs[0].shape, ax))


def _scatter_bwd(op, dys, ins, outs, attrs):
    data, raw = ins
    ax = norm_axis(op, attrs["axis"], data.shape)
    out = np.empty(data.shape, dys[0].dtype)
    _k().gather_along(dys[0], as_int64(raw), out, ax)
    return [out, None]


register(Op("_scatter_along", ("data", "index"), attrs=(("axis", 0), ("size", None)),
            infer=lambda op, inputs, attrs: _along_infer(op, inputs, attrs, attrs["size"]),
            forward=_host(_scatter_fwd), backward=_scatter_bwd,
            vjp=lambda op, dys, ins, outs, attrs: [
                nd._gather_along(dys[0], ins[1], axis=attrs["axis"]), None],
            nondiff_inputs=(1,),
            doc="Zeros with `size` along `axis`, data added at `index` (gradient of the gathers).",
            test={"inputs": _index_inputs((2, 4), (2, 4), 3), "attrs": {"size": 3}}))

# ---------------------------------------------------------------- flat gather / scatter


def _flat_infer(op, inputs, attrs):
    data, index = inputs
    return [(index.shape or (1,), np.dtype(data.dtype))]


def _flat_check(op, raw, n):
    idx = as_int64(raw)
    if idx.size and (idx.min() < 0 or idx.max() >= n):
        raise MXNetError(f"{op.name}: flat index out of range [0, {n})")
    return idx


def _gflat_fwd(op, ins, outs, attrs):
    data, raw = ins
    _k().gather_flat(data, _flat_check(op, raw, data.size), outs[0])


def scatter_flat(dy, idx, shape):
    """Zeros of `shape` with dy added at flat positions `idx` (raw NumPy)."""
    g = np.zeros(shape, _k().acc_dtype(dy.dtype))
    _k().scatter_flat_add(np.ascontiguousarray(dy, g.dtype), idx, g)
    return _raw_grad(g, dy.dtype)


register(Op("_gather_flat", ("data", "index"), infer=_flat_infer, forward=_host(_gflat_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                scatter_flat(dys[0], as_int64(ins[1]), ins[0].shape), None],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd._scatter_flat(dys[0], ins[1], shape=ins[0].shape), None],
            nondiff_inputs=(1,),
            doc="data.flat[index] with index's shape ((1,) for a 0-d index): advanced indexing.",
            test={"inputs": _index_inputs((3, 4), (2, 3), 12)}))


def _sflat_infer(op, inputs, attrs):
    data, index = inputs
    if data.size != index.size:
        raise MXNetError(f"{op.name}: data {fmt_shape(data.shape)} and index "
                         f"{fmt_shape(index.shape)} must have the same size")
    return [(tuple(attrs["shape"]), np.dtype(data.dtype))]


def _sflat_fwd(op, ins, outs, attrs):
    data, raw = ins
    idx = _flat_check(op, raw, outs[0].size)
    np.copyto(outs[0], scatter_flat(data, idx, outs[0].shape))


def _sflat_bwd(op, dys, ins, outs, attrs):
    out = np.empty(ins[0].shape, dys[0].dtype)
    _k().gather_flat(dys[0], as_int64(ins[1]), out)
    return [out, None]


register(Op("_scatter_flat", ("data", "index"), attrs=(("shape", None),), infer=_sflat_infer,
            forward=_host(_sflat_fwd), backward=_sflat_bwd,
            vjp=lambda op, dys, ins, outs, attrs: [nd._gather_flat(dys[0], ins[1]), None],
            nondiff_inputs=(1,),
            doc="Zeros of `shape` with data added at flat positions `index` (duplicates sum).",
            test={"inputs": _index_inputs((2, 3), (2, 3), 8), "attrs": {"shape": (2, 4)}}))

# ---------------------------------------------------------------- one_hot


def _one_hot_dtype(op, dtype):
    valid = ("bfloat16", "float16", "float32", "float64", "int32", "int64", "int8", "uint8")
    name = np.dtype(dtype).name if not isinstance(dtype, str) else dtype
    if name not in valid:
        raise MXNetError(f"{op.name}: Invalid Input: {dtype!r}, valid values are: "
                         "{" + ", ".join(repr(v) for v in valid) + "}")
    return normalize_dtype(name)


def _one_hot_infer(op, inputs, attrs):
    depth = int(attrs["depth"])
    if depth < 0:
        raise MXNetError(f"{op.name}: depth must be non-negative, got {depth}")
    return [(inputs[0].shape + (depth,), _one_hot_dtype(op, attrs["dtype"]))]


def _fill_value(v, dtype):
    """A float attribute as `dtype` the way C casts it (integers truncate, then wrap)."""
    if dtype.kind == "f":
        return np.asarray(float(v)).astype(dtype)
    with np.errstate(invalid="ignore"):
        return np.asarray(float(v)).astype(np.int64).astype(dtype)


def _one_hot_fwd(op, ins, outs, attrs):
    out = outs[0]
    if out.size:
        _k().one_hot(as_int64(ins[0]), out, _fill_value(attrs["on_value"], out.dtype),
                     _fill_value(attrs["off_value"], out.dtype))


register(Op("one_hot", ("indices",), zero_grad=True,
            attrs=(("depth", None), ("on_value", 1.0), ("off_value", 0.0), ("dtype", "float32")),
            infer=_one_hot_infer, forward=_host(_one_hot_fwd),
            doc="out[..., indices] = on_value, elsewhere off_value; indices outside [0, depth) "
                "give a row of off_value.",
            test={"inputs": lambda rng: [np.array([1.0, 0.0, 2.0])], "attrs": {"depth": 3}}))
