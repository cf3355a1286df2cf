"""Linear algebra: dot, batch_dot and FullyConnected, on BLAS through NumPy.

NumPy's `np.dot`/`np.matmul` call the BLAS gemm it was built with, take
transposed views without copying (the transpose becomes a BLAS flag), and
write into our preallocated output (`out=`): nothing here is faster, so every
forward and backward is a few of those calls on 2-D or 3-D views. float16
computes in float32 (MXNet supports float16 only on GPUs); integer inputs are
refused as MXNet refuses them.

MXNet's `dot` on N-d arrays views each operand as a matrix: lhs as
(prod(shape[:-1]), shape[-1]), or with `transpose_a` as (shape[0],
prod(shape[1:])) transposed; rhs as (shape[0], prod(shape[1:])), or with
`transpose_b` as (prod(shape[:-1]), shape[-1]) transposed. The result has the
lhs's free dims then the rhs's; two vectors give shape (1,).
"""
import math

import numpy as np

from .. import _blas
from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register, same_dtype

_F16 = np.dtype(np.float16)


def _float_dtype(op, inputs):
    dt = same_dtype(op, inputs)
    if dt.kind != "f":
        raise MXNetError(f"{op.name}: only float32/float64 (and float16) inputs are supported, "
                         f"got {dt.name} (MXNet: dot only supports float32/float64 for CPU)")
    return dt


def _mm(a, b, out, batched=False):
    """out = a @ b through BLAS; float16 goes through float32."""
    if out.dtype == _F16:
        a, b = a.astype(np.float32), b.astype(np.float32)
        np.copyto(out, _gemm(a, b, None, batched), casting="unsafe")
    else:
        _gemm(a, b, out, batched)
    _blas.used(a.size * (b.shape[-1] if b.ndim > 1 else 1))
    return out


def _gemm(a, b, out, batched):
    """a @ b by BLAS's gemm, as MXNet computes every dot: NumPy sends a product with one row
    or one column to gemv or dot, and a matrix times its own transpose to syrk, whose sums
    run in other orders (the last bit differs; MXNet's OpenBLAS gemm and NumPy's agree)."""
    f = np.matmul if batched else np.dot
    m, n = a.shape[-2], b.shape[-1]
    if m == 1 or n == 1:  # a zero row or column more makes it a gemm; its results are dropped
        a2 = np.concatenate([a, np.zeros_like(a)], axis=-2) if m == 1 else a
        b2 = np.concatenate([b, np.zeros_like(b)], axis=-1) if n == 1 else b
        r = f(a2, b2)[..., :m, :n]
        if out is None:
            return r
        out[...] = r
        return out
    if not batched and a.shape == b.shape[::-1] and a.strides == b.strides[::-1] and (
            a.__array_interface__["data"][0] == b.__array_interface__["data"][0]):
        b = b.copy()  # x @ x.T would be syrk
    return f(a, b, out=out)


def _new_mm(a, b, shape, dtype, batched=False):
    return _mm(a, b, np.empty(shape, dtype), batched)


# ---------------------------------------------------------------- dot


def _dot_geometry(op, ls, rs, ta, tb):
    """(lhs as a matrix, rhs as a matrix, (M, N), result shape), or MXNet's error."""
    err = f"{op.name}: dot shape error: {fmt_shape(ls)} X {fmt_shape(rs)}"
    if len(ls) == 0 or len(rs) == 0:
        raise MXNetError(f"{err} (0-d operands are not supported)")
    if len(ls) == 1 and len(rs) == 1:
        if ta or tb:
            raise MXNetError(f"{op.name}: Cannot transpose vectors: {fmt_shape(ls)} X "
                             f"{fmt_shape(rs)} with transpose_a={ta}, transpose_b={tb}")
        if ls[0] != rs[0]:
            raise MXNetError(err)
        return (1, ls[0]), (rs[0], 1), (1, 1), (1,)
    if ta:
        l2, lead, kl = (ls[0], math.prod(ls[1:])), ls[1:], ls[0]
    else:
        l2, lead, kl = (math.prod(ls[:-1]), ls[-1]), ls[:-1], ls[-1]
    if tb:
        r2, trail, kr = (math.prod(rs[:-1]), rs[-1]), rs[:-1], rs[-1]
    else:
        r2, trail, kr = (rs[0], math.prod(rs[1:])), rs[1:], rs[0]
    if kl != kr:
        raise MXNetError(f"{err} (transpose_a={bool(ta)}, transpose_b={bool(tb)}: contracting "
                         f"{kl} with {kr})")
    mn = (l2[1] if ta else l2[0], r2[0] if tb else r2[1])
    return l2, r2, mn, tuple(lead) + tuple(trail) or (1,)


def _dot_attrs(op, attrs):
    st = attrs.get("forward_stype")
    if st not in (None, "None", "default"):
        raise MXNetError(f"{op.name}: forward_stype={st!r}: sparse storage is not supported")
    return bool(attrs.get("transpose_a", False)), bool(attrs.get("transpose_b", False))


def _dot_infer(op, inputs, attrs):
    a, b = inputs
    dt = _float_dtype(op, inputs)
    ta, tb = _dot_attrs(op, attrs)
    return [(_dot_geometry(op, a.shape, b.shape, ta, tb)[3], dt)]


def _mats(op, a, b, attrs):
    ta, tb = _dot_attrs(op, attrs)
    l2, r2, mn, _ = _dot_geometry(op, a.shape, b.shape, ta, tb)
    A2, B2 = a.reshape(l2), b.reshape(r2)
    return ta, tb, A2, B2, (A2.T if ta else A2), (B2.T if tb else B2), mn


def _dot_fwd(op, ins, outs, attrs):
    a, b = ins
    if a.ndim == 1 and b.ndim == 1 and a.dtype != _F16:
        # two vectors: MXNet calls BLAS's dot (sdot/ddot), as np.dot on vectors does
        outs[0][0] = np.dot(a, b)
        return
    _, _, _, _, A, B, mn = _mats(op, a, b, attrs)
    _mm(A, B, outs[0].reshape(mn))


def _dot_bwd(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb, A2, B2, A, B, mn = _mats(op, a, b, attrs)
    g = dys[0].reshape(mn)
    # dA = g B^T, dB = A^T g; a transposed operand gets the transpose of its gradient.
    da = _new_mm(B, g.T, A2.shape, a.dtype) if ta else _new_mm(g, B.T, A2.shape, a.dtype)
    db = _new_mm(g.T, A, B2.shape, b.dtype) if tb else _new_mm(A.T, g, B2.shape, b.dtype)
    return [da.reshape(a.shape), db.reshape(b.shape)]


def _dot_vjp(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb = _dot_attrs(op, attrs)
    l2, r2, mn, _ = _dot_geometry(op, a.shape, b.shape, ta, tb)
    g = nd.reshape(dys[0], shape=mn)
    A2, B2 = nd.reshape(a, shape=l2), nd.reshape(b, shape=r2)
    if ta:
        da = nd.dot(B2, g, transpose_a=tb, transpose_b=True)
    else:
        da = nd.dot(g, B2, transpose_b=not tb)
    if tb:
        db = nd.dot(g, A2, transpose_a=True, transpose_b=ta)
    else:
        db = nd.dot(A2, g, transpose_a=not ta)
    return [nd.reshape(da, shape=a.shape), nd.reshape(db, shape=b.shape)]


register(Op("dot", ("lhs", "rhs"),
            attrs=(("transpose_a", False), ("transpose_b", False), ("forward_stype", "None")),
            infer=_dot_infer, forward=_host(_dot_fwd), backward=_dot_bwd, vjp=_dot_vjp,
            kind="linalg",
            test={"shapes": [(2, 3), (3, 4)], "cases": [
                {}, {"shapes": [(3, 2), (3, 4)], "attrs": {"transpose_a": True}},
                {"shapes": [(2, 3), (4, 3)], "attrs": {"transpose_b": True}},
                {"shapes": [(3,), (3,)]}, {"shapes": [(2, 2, 3), (3, 2)]}]},
            doc="Matrix product contracting the last axis of lhs (the first with "
                "`transpose_a`) with the first axis of rhs (the last with `transpose_b`); two "
                "vectors give shape (1,).\n\n"
                ">>> mx.nd.dot(mx.nd.ones((2, 3)), mx.nd.ones((3, 4))).shape\n(2, 4)"))

# ---------------------------------------------------------------- batch_dot


def _bdot_geometry(op, ls, rs, ta, tb):
    """(batch, lhs 3-d shape, rhs 3-d shape, (m, n), result shape), or MXNet's error."""
    tail = f"{fmt_shape(ls)} X {fmt_shape(rs)} trans_a={int(ta)} trans_b={int(tb)}"
    if len(ls) < 3 or len(ls) != len(rs):
        raise MXNetError(f"{op.name}: batch_dot currently only support N-D*N-D array (N >= 3)"
                         f"{fmt_shape(ls)} v.s. {fmt_shape(rs)}")
    if tuple(ls[:-2]) != tuple(rs[:-2]):
        raise MXNetError(f"{op.name}: batch_dot shape error (the leading batch dimensions must "
                         f"be equal): {tail}")
    m, kl = (ls[-1], ls[-2]) if ta else (ls[-2], ls[-1])
    kr, n = (rs[-1], rs[-2]) if tb else (rs[-2], rs[-1])
    if kl != kr:
        raise MXNetError(f"{op.name}: batch_dot shape error (shape mismatch): {tail}")
    batch = math.prod(ls[:-2])
    return (batch,) + tuple(ls[-2:]), (batch,) + tuple(rs[-2:]), tuple(ls[:-2]) + (m, n)


def _bdot_infer(op, inputs, attrs):
    a, b = inputs
    dt = _float_dtype(op, inputs)
    ta, tb = _dot_attrs(op, attrs)
    return [(_bdot_geometry(op, a.shape, b.shape, ta, tb)[2], dt)]


def _bmats(op, a, b, attrs):
    ta, tb = _dot_attrs(op, attrs)
    l3, r3, _ = _bdot_geometry(op, a.shape, b.shape, ta, tb)
    A3, B3 = a.reshape(l3), b.reshape(r3)
    return ta, tb, A3, B3, (A3.swapaxes(1, 2) if ta else A3), (B3.swapaxes(1, 2) if tb else B3)


def _bdot_fwd(op, ins, outs, attrs):
    _, _, _, _, A, B = _bmats(op, ins[0], ins[1], attrs)
    out = outs[0]
    _mm(A, B, out.reshape((A.shape[0],) + out.shape[-2:]), batched=True)


def _bdot_bwd(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb, A3, B3, A, B = _bmats(op, a, b, attrs)
    g = dys[0].reshape((A.shape[0],) + dys[0].shape[-2:])
    gT, AT, BT = g.swapaxes(1, 2), A.swapaxes(1, 2), B.swapaxes(1, 2)
    da = _new_mm(B, gT, A3.shape, a.dtype, True) if ta else _new_mm(g, BT, A3.shape, a.dtype, True)
    db = _new_mm(gT, A, B3.shape, b.dtype, True) if tb else _new_mm(AT, g, B3.shape, b.dtype, True)
    return [da.reshape(a.shape), db.reshape(b.shape)]


def _bdot_vjp(op, dys, ins, outs, attrs):
    a, b = ins
    ta, tb = _dot_attrs(op, attrs)
    g = dys[0]
    if ta:
        da = nd.batch_dot(b, g, transpose_a=tb, transpose_b=True)
    else:
        da = nd.batch_dot(g, b, transpose_b=not tb)
    if tb:
        db = nd.batch_dot(g, a, transpose_a=True, transpose_b=ta)
    else:
        db = nd.batch_dot(a, g, transpose_a=not ta)
    return [da, db]


register(Op("batch_dot", ("lhs", "rhs"),
            attrs=(("transpose_a", False), ("transpose_b", False), ("forward_stype", "None")),
            infer=_bdot_infer, forward=_host(_bdot_fwd), backward=_bdot_bwd, vjp=_bdot_vjp,
            kind="linalg",
            test={"shapes": [(2, 2, 3), (2, 3, 4)], "cases": [
                {}, {"shapes": [(2, 3, 2), (2, 3, 4)], "attrs": {"transpose_a": True}},
                {"shapes": [(2, 2, 3), (2, 4, 3)], "attrs": {"transpose_b": True}}]},
            doc="Batched matrix product of N-d arrays (N >= 3) with equal leading dims: "
                "lhs[..., m, k] x rhs[..., k, n] (`transpose_a`/`transpose_b` swap the last two "
                "axes of an operand).\n\n"
                ">>> mx.nd.batch_dot(mx.nd.ones((5, 2, 3)), mx.nd.ones((5, 3, 4))).shape\n"
                "(5, 2, 4)"))

# ---------------------------------------------------------------- FullyConnected


def _fc_dims(data_shape, flatten):
    """(batch, in_units, leading output dims) of the data viewed as a matrix."""
    if flatten:
        return data_shape[0], math.prod(data_shape[1:]), tuple(data_shape[:1])
    return math.prod(data_shape[:-1]), data_shape[-1], tuple(data_shape[:-1])


def _fc_infer(op, inputs, attrs):
    no_bias = bool(attrs.get("no_bias", False))
    want = 2 if no_bias else 3
    if len(inputs) != want:
        raise MXNetError(f"{op.name}: Operator FullyConnected expects {want} inputs, but got "
                         f"{len(inputs)} instead (no_bias={no_bias})")
    data, weight = inputs[0], inputs[1]
    dt = _float_dtype(op, inputs)
    nh = attrs["num_hidden"]
    if isinstance(nh, bool) or not isinstance(nh, (int, np.integer)) or nh < 1:
        raise MXNetError(f"{op.name}: num_hidden must be a positive int, got {nh!r}")
    nh = int(nh)
    if data.ndim == 0:
        raise MXNetError(f"{op.name}: data must have at least one dim, got shape []")
    _, units, lead = _fc_dims(data.shape, bool(attrs.get("flatten", True)))
    if weight.shape != (nh, units):
        raise MXNetError(f"{op.name}: weight: Shape inconsistent, Provided = "
                         f"{fmt_shape(weight.shape)}, inferred shape=({nh},{units}) (data "
                         f"{fmt_shape(data.shape)}, num_hidden={nh})")
    if not no_bias and inputs[2].shape != (nh,):
        raise MXNetError(f"{op.name}: Unexpected shape for bias {fmt_shape(inputs[2].shape)} "
                         f"(expected [{nh}])")
    return [(lead + (nh,), dt)]


def _fc_mats(ins, attrs):
    data, weight = ins[0], ins[1]
    batch, units, _ = _fc_dims(data.shape, bool(attrs.get("flatten", True)))
    return data.reshape(batch, units), weight


def _fc_fwd(op, ins, outs, attrs):
    X, W = _fc_mats(ins, attrs)
    out = outs[0].reshape(X.shape[0], W.shape[0])
    _mm(X, W.T, out)
    if len(ins) > 2:
        out += ins[2]


def _fc_bwd(op, dys, ins, outs, attrs):
    X, W = _fc_mats(ins, attrs)
    g = dys[0].reshape(X.shape[0], W.shape[0])
    dx = _new_mm(g, W, X.shape, X.dtype).reshape(ins[0].shape)
    dw = _new_mm(g.T, X, W.shape, W.dtype)
    if len(ins) == 2:
        return [dx, dw]
    from ..kernels import reduce_kernels

    db = np.empty(W.shape[0], W.dtype)
    # serial: tiny next to the gemms, and OpenMP threads spinning after a parallel region
    # would slow the next BLAS call (measured 1.8x on FullyConnected's step, 2 cores)
    reduce_kernels.reduce("sum", np.ascontiguousarray(g), (0,), db, parallel=False)
    return [dx, dw, db]


def _fc_vjp(op, dys, ins, outs, attrs):
    data, weight = ins[0], ins[1]
    batch, units, _ = _fc_dims(data.shape, bool(attrs.get("flatten", True)))
    g = nd.reshape(dys[0], shape=(batch, weight.shape[0]))
    dx = nd.reshape(nd.dot(g, weight), shape=data.shape)
    dw = nd.dot(g, nd.reshape(data, shape=(batch, units)), transpose_a=True)
    if len(ins) == 2:
        return [dx, dw]
    return [dx, dw, nd.sum(g, axis=0)]


_fc = register(Op(
    "FullyConnected", ("data", "weight", "bias"),
    attrs=(("num_hidden", None), ("no_bias", False), ("flatten", True)),
    infer=_fc_infer, forward=_host(_fc_fwd), backward=_fc_bwd, vjp=_fc_vjp, kind="linalg",
    test={"shapes": [(2, 3), (4, 3), (4,)], "attrs": {"num_hidden": 4}, "cases": [
        {}, {"shapes": [(2, 3), (4, 3)], "attrs": {"no_bias": True}},
        {"shapes": [(2, 2, 3), (4, 6), (4,)]},
        {"shapes": [(2, 2, 3), (4, 3), (4,)], "attrs": {"flatten": False}}]},
    doc="out = data @ weight.T + bias, with data viewed as (batch, -1) (`flatten=True`) or as "
        "(-1, last dim) (`flatten=False`); weight is (num_hidden, in_units); omit bias with "
        "`no_bias=True`.\n\n"
        ">>> mx.nd.FullyConnected(mx.nd.ones((2, 3)), mx.nd.ones((4, 3)), mx.nd.zeros(4),\n"
        "...                      num_hidden=4).shape\n(2, 4)"))
# Inputs a call may leave out (the generated mx.nd function accepts 2 or 3 arrays).
_fc.optional_inputs = ("bias",)
