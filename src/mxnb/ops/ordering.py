"""Ordering ops: sort, argsort, topk (ret_typ value, indices, mask, both).

Every order here is a stable sort's: MXNet sorts with std::sort, which keeps
ties in index order only for short rows (up to 16 elements, where it runs
insertion sort); mxnb keeps ties in index order always (ascending: earlier index
first; descending: earlier index first too), orders NaNs as NumPy does (last
ascending, first descending) and -0.0 with 0.0. Indices come back as float32 by
default (`dtype`), wrapping like a C cast when the dtype cannot hold them (uint8).

Kernels (kernels/sort_kernels.py, loaded on first use): argsort, topk and the
gradients' indices use a stable radix sort, or for small k a selection; `sort`
needs no indices, so it runs NumPy's SIMD sort and redoes with the radix sort
only the rows where its result can differ in bits from a stable sort's (NumPy
rewrites NaNs as its own, and its min/max network may turn -0.0 into 0.0 or back).

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


def _k():
    from ..kernels import sort_kernels

    return sort_kernels


def order(x, axis, k, ascend, idx=None, vals=None, mask=None):
    """The first k of x's elements along `axis` in stable sorted order (raw NumPy, x
    C-contiguous): fills `idx` (indices, any index dtype), `vals` and/or `mask` (zeroed here)."""
    # The kernel writes uint32 indices whatever the index dtype, so that one compiled
    # signature per data width serves every dtype (a signature costs seconds to compile).
    raw = None if idx is None else np.empty(idx.shape, np.uint32)
    if mask is not None:
        mask.fill(0)
    _k().sort_rows(x, axis, k, not ascend, vals=vals, idx=raw, mask=mask)
    if idx is not None:
        np.copyto(idx, raw, casting="unsafe")   # C's cast: uint8 wraps


def order_idx(x, axis, k, ascend):
    """int64 indices of the first k elements along `axis` in stable sorted order."""
    idx = np.empty(x.shape[:axis] + (k,) + x.shape[axis + 1:], np.int64)
    order(x, axis, k, ascend, idx=idx)
    return idx


def _idx_dtype(op, dtype):
    name = dtype if isinstance(dtype, str) else np.dtype(dtype).name
    if name not in _IDX_DTYPES:
        raise MXNetError(f"{op.name}: Invalid Input: {dtype!r}, valid values are: "
                         "{" + ", ".join(repr(v) for v in _IDX_DTYPES) + "}")
    return normalize_dtype(name)



# ---------------------------------------------------------------- sort / argsort


def _sort_infer(op, inputs, attrs):
    x = inputs[0]
    _, work = _axis(op, x.shape, attrs["axis"])
    dt = np.dtype(x.dtype) if op.name == "sort" else _idx_dtype(op, attrs["dtype"])
    return [(work, dt)]


def _sorted(op, x, attrs):
    ax, work = _axis(op, x.shape, attrs["axis"])
    xw = x.reshape(work)
    return ax, xw, order_idx(xw, ax, work[ax], bool(attrs["is_ascend"]))


def _sort_fwd(op, ins, outs, attrs):
    x = ins[0]
    ax, work = _axis(op, x.shape, attrs["axis"])
    xw, out = x.reshape(work), outs[0].reshape(work)
    ascend = bool(attrs["is_ascend"])
    odd = _k().sort_values(xw, out, ax, not ascend)     # NumPy's SIMD sort: not stable
    if odd is not None and odd.any():
        # Equal values differ in bits only for -0.0/0.0 and NaNs: redo their rows stably.
        n = work[ax]
        x3 = xw.reshape(odd.shape[0], n, odd.shape[1]).transpose(0, 2, 1)
        o3 = out.reshape(x3.shape[0], n, x3.shape[1]).transpose(0, 2, 1)
        rows = np.ascontiguousarray(x3[odd])
        vals = np.empty_like(rows)
        order(rows, 1, n, ascend, vals=vals)
        o3[odd] = vals


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
    ax, work = _axis(op, ins[0].shape, attrs["axis"])
    order(ins[0].reshape(work), ax, work[ax], bool(attrs["is_ascend"]),
          idx=outs[0].reshape(work))


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
    return ax, xw, order_idx(xw, ax, k, bool(attrs["is_ascend"]))


def _topk_fwd(op, ins, outs, attrs):
    x = ins[0]
    ax, work, k = _topk_geom(op, x.shape, attrs)
    xw = x.reshape(work)
    sel = work[:ax] + (k,) + work[ax + 1:]
    ret = attrs["ret_typ"]
    ascend = bool(attrs["is_ascend"])
    if ret == "mask":
        order(xw, ax, k, ascend, mask=outs[0].reshape(work))
        return
    order(xw, ax, k, ascend, vals=outs[0].reshape(sel) if ret in ("value", "both") else None,
          idx=outs[-1].reshape(sel) if ret in ("indices", "both") else None)


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
