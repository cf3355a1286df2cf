"""Ordering ops: sort, argsort, topk (ret_typ value, indices, mask, both).

Sorting is NumPy's stable sort. MXNet sorts with std::sort, which keeps ties in
index order only for short rows (up to 16 elements, where it runs insertion
sort); mxnb keeps ties in index order always (ascending: earlier index first;
descending: earlier index first too). Indices come back as float32 by default
(`dtype`), wrapping like a C cast when the dtype cannot hold them (uint8).

The gradient of sort and of topk's values puts dy back where each value came
from (`_scatter_along`); argsort, indices and masks have a zero gradient.
MXNet 1.9.1 fails to record `sort` with its default axis ("Invalid Parameter
format for axis"); mxnb records it (a FIX).
"""
import numpy as np

from ..base import MXNetError, normalize_dtype
from . import _nd as nd
from .basic import _host
from .indexing import host, index_nd, scatter_along
from .registry import Op, fmt_shape, register
from .shape import none

_IDX_DTYPES = ("float16", "float32", "float64", "int32", "int64", "uint8")
_RET = ("both", "indices", "mask", "value")


def _axis(op, shape, axis):
    """The sorted axis of the (flattened when axis is None) input: (axis, work shape)."""
    axis = none(axis)
    if axis is None:
        return 0, (int(np.prod(shape)),)
    a = int(axis)
    a = a + len(shape) if a < 0 else a
    if not 0 <= a < len(shape):
        raise MXNetError(f"{op.name}: Invalid axis! axis should be between 0 and "
                         f"{len(shape)}, found axis={a} (input shape {fmt_shape(shape)})")
    return a, tuple(shape)


def argsort_raw(x, axis, ascend):
    """Stable int64 argsort along `axis`; descending keeps equal values in index order."""
    if ascend:
        return np.argsort(x, axis=axis, kind="stable")
    n = x.shape[axis]
    rev = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(rev, axis)


def _idx_dtype(op, dtype):
    name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    if name not in _IDX_DTYPES:
        raise MXNetError(f"{op.name}: Invalid Input: {dtype!r}, valid values are: "
                         "{" + ", ".join(repr(v) for v in _IDX_DTYPES) + "}")
    return normalize_dtype(name)


def _cast_idx(i, dtype):
    return i.astype(dtype) if dtype.kind == "f" else i.astype(dtype, casting="unsafe")

# ---------------------------------------------------------------- sort / argsort


def _sort_infer(op, inputs, attrs):
    x = inputs[0]
    _, work = _axis(op, x.shape, attrs["axis"])
    dt = np.dtype(x.dtype) if op.name == "sort" else _idx_dtype(op, attrs["dtype"])
    return [(work, dt)]


def _sorted(op, x, attrs):
    ax, work = _axis(op, x.shape, attrs["axis"])
    xw = x.reshape(work)
    return ax, xw, argsort_raw(xw, ax, bool(attrs["is_ascend"]))


def _sort_fwd(op, ins, outs, attrs):
    ax, xw, idx = _sorted(op, ins[0], attrs)
    np.copyto(outs[0], np.take_along_axis(xw, idx, ax))


def _sort_bwd(op, dys, ins, outs, attrs):
    ax, xw, idx = _sorted(op, ins[0], attrs)
    return [scatter_along(dys[0].reshape(idx.shape), idx, xw.shape, ax).reshape(ins[0].shape)]


def _values_vjp(dy, idx, x, ax, work):
    """nd ops: dy (of gathered values, idx's shape) put back into x's shape."""
    g = nd._scatter_along(nd.reshape(dy, shape=idx.shape), index_nd(idx, x._ctx), axis=ax,
                          size=work[ax])
    return nd.reshape(g, shape=x.shape)


def _sort_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    ax, xw, idx = _sorted(op, host(x), attrs)
    return [_values_vjp(dys[0], idx, x, ax, xw.shape)]


def _distinct(shape):
    """Test inputs without ties (sorting is smooth only away from them)."""
    def make(rng):
        n = int(np.prod(shape))
        return [(rng.permutation(n) + rng.uniform(0.1, 0.9, n)).reshape(shape) / n]
    return make


register(Op("sort", ("data",), attrs=(("axis", -1), ("is_ascend", True)), infer=_sort_infer,
            forward=_host(_sort_fwd), backward=_sort_bwd, vjp=_sort_vjp,
            doc="A sorted copy along `axis` (flattened when None); ascending by default.",
            test={"inputs": _distinct((3, 4)),
                  "cases": [{}, {"attrs": {"axis": 0, "is_ascend": False}},
                            {"attrs": {"axis": None}}]}))


def _argsort_fwd(op, ins, outs, attrs):
    _, _, idx = _sorted(op, ins[0], attrs)
    np.copyto(outs[0], _cast_idx(idx, outs[0].dtype), casting="unsafe")


register(Op("argsort", ("data",), zero_grad=True,
            attrs=(("axis", -1), ("is_ascend", True), ("dtype", "float32")),
            infer=_sort_infer, forward=_host(_argsort_fwd),
            doc="The indices that sort `data` along `axis` (float32 by default).",
            test={"inputs": _distinct((3, 4))}))

# ---------------------------------------------------------------- topk


def _topk_geom(op, shape, attrs):
    """(axis, work shape, k) after MXNet's checks; k < 1 means every element."""
    ax, work = _axis(op, shape, attrs["axis"])
    if attrs["ret_typ"] not in _RET:
        raise MXNetError(f"{op.name}: Invalid Input: {attrs['ret_typ']!r}, valid values are: "
                         "{'both', 'indices', 'mask', 'value'}")
    n = work[ax]
    k = int(attrs["k"])
    if k > n:
        raise MXNetError(f"{op.name}: k must be smaller than or equal to {n} (the size of axis "
                         f"{ax} of input {fmt_shape(shape)}), get k = {k}")
    return ax, work, (n if k < 1 else k)


def _topk_infer(op, inputs, attrs):
    x = inputs[0]
    ax, work, k = _topk_geom(op, x.shape, attrs)
    idt = _idx_dtype(op, attrs["dtype"])
    sel = work[:ax] + (k,) + work[ax + 1:]
    ret = attrs["ret_typ"]
    if ret == "mask":
        return [(x.shape, np.dtype(x.dtype))]
    if ret == "value":
        return [(sel, np.dtype(x.dtype))]
    if ret == "indices":
        return [(sel, idt)]
    return [(sel, np.dtype(x.dtype)), (sel, idt)]


def _topk(op, x, attrs):
    ax, work, k = _topk_geom(op, x.shape, attrs)
    xw = x.reshape(work)
    idx = argsort_raw(xw, ax, bool(attrs["is_ascend"]))
    idx = np.ascontiguousarray(np.take(idx, np.arange(k), axis=ax))
    return ax, xw, idx


def _topk_fwd(op, ins, outs, attrs):
    x = ins[0]
    ax, xw, idx = _topk(op, x, attrs)
    ret = attrs["ret_typ"]
    if ret == "mask":
        m = np.zeros(xw.shape, x.dtype)
        np.put_along_axis(m, idx, 1, ax)
        np.copyto(outs[0], m.reshape(x.shape))
        return
    if ret in ("value", "both"):
        np.copyto(outs[0], np.take_along_axis(xw, idx, ax))
    if ret in ("indices", "both"):
        np.copyto(outs[-1], _cast_idx(idx, outs[-1].dtype), casting="unsafe")


def _topk_bwd(op, dys, ins, outs, attrs):
    if attrs["ret_typ"] not in ("value", "both"):
        return [None]
    ax, xw, idx = _topk(op, ins[0], attrs)
    return [scatter_along(dys[0], idx, xw.shape, ax).reshape(ins[0].shape)]


def _topk_vjp(op, dys, ins, outs, attrs):
    if attrs["ret_typ"] not in ("value", "both"):
        return [None]
    x = ins[0]
    ax, xw, idx = _topk(op, host(x), attrs)
    return [_values_vjp(dys[0], idx, x, ax, xw.shape)]


register(Op("topk", ("data",),
            attrs=(("axis", -1), ("k", 1), ("ret_typ", "indices"), ("is_ascend", False),
                   ("dtype", "float32")),
            infer=_topk_infer, forward=_host(_topk_fwd), backward=_topk_bwd, vjp=_topk_vjp,
            doc="The k largest (or smallest, is_ascend=True) elements along `axis`: their "
                "indices (default, float32), values, a 0/1 mask, or [values, indices] ('both').",
            test={"inputs": _distinct((3, 4)), "attrs": {"ret_typ": "value", "k": 2},
                  "cases": [{}, {"attrs": {"ret_typ": "both", "axis": 0, "is_ascend": True}},
                            {"attrs": {"axis": None, "k": 3}}]}))
