"""Reductions: sum, mean, prod, nansum, nanprod, max, min, norm, argmax, argmin, argmax_channel.

MXNet's rules (checked against MXNet 1.9.1): `axis` is None or () for every
axis, an int, or a tuple (negative counts from the end); `exclude=True`
reduces the axes *not* listed; a full reduction has shape (1,), not ();
integer inputs stay integers (sums wrap in the type, mean truncates);
argmax/argmin return indices in the input's dtype (float32 for float32) and
take a NaN as the largest and smallest value.

Up to a size limit (2^16 elements a slice, 2^22 in all), float32/float64 sums
and means are MXNet's own compensated sums and the L2 norm MXNet's own scaled
recurrence, bit for bit (`kernels/mx_reduce.py`).

Deliberate differences, each an improvement on a value MXNet gets wrong:
float32 sums that would overflow in float32, larger sums and all products
accumulate in float64 (MXNet overflows on intermediates and rounds more), the
norm of two infinities is inf (MXNet: NaN), the gradient of prod at zeros is
the product of the other elements (MXNet: NaN), the gradient of norm at 0 is 0
(MXNet: NaN), and norm's `out_dtype` casts (MXNet 1.9.1 raises for any value).

Forward kernels are in `kernels/reduce_kernels.py` (imported on first use).
The fused backward is one NumPy expression per op; the VJP is the same
formula in mxnb ops, so every reduction is differentiable again.
"""
import functools
import math

import numpy as np

from ..base import MXNetError, normalize_dtype
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_K = []


def _kernels():
    if not _K:
        from ..kernels import reduce_kernels

        _K.append(reduce_kernels)
    return _K[0]


# ---------------------------------------------------------------- axes


def _axis_key(op, axis):
    """The user's `axis` as None (every axis) or a tuple of ints, hashable."""
    if axis is None:
        return None
    if isinstance(axis, (int, np.integer)) and not isinstance(axis, bool):
        return (int(axis),)
    if isinstance(axis, (tuple, list)) and all(
            isinstance(a, (int, np.integer)) and not isinstance(a, bool) for a in axis):
        return tuple(int(a) for a in axis) or None
    raise MXNetError(f"{op.name}: Invalid Parameter format for axis expect Shape or None but "
                     f"value='{axis}'")


@functools.lru_cache(maxsize=4096)
def _axes(opname, shape, key, exclude):
    """Sorted reduced axes for `shape`, MXNet's checks and messages (errors are not cached)."""
    ndim = len(shape)
    if key is None:
        return tuple(range(ndim))
    axes = []
    for a in key:
        b = a + ndim if a < 0 else a
        if not 0 <= b < ndim:
            raise MXNetError(f"{opname}: Reduction axis {a} Exceeds input dimensions "
                             f"{fmt_shape(shape)}")
        axes.append(b)
    axes.sort()
    for i in range(1, len(axes)):
        if axes[i] == axes[i - 1]:
            raise MXNetError(f"{opname}: Reduction axes have duplicates "
                             f"{fmt_shape(axes)} (axis={key}, input {fmt_shape(shape)})")
    if exclude:
        return tuple(d for d in range(ndim) if d not in axes)
    return tuple(axes)


def reduced_axes(op, shape, attrs):
    """The axes `op` reduces for an input of `shape` under `attrs` (sorted, non-negative)."""
    return _geometry(op, shape, attrs)[0]


def _geometry(op, shape, attrs):
    """(reduced axes, output shape), memoised: this is most of a small call's cost."""
    axis = attrs.get("axis")
    exclude = bool(attrs.get("exclude", False))
    # Types are part of the key: axis=1.0 must not hit the entry of axis=1 (1.0 == 1).
    kinds = tuple(a.__class__ for a in axis) if isinstance(axis, (tuple, list)) else None
    key = (op.name, shape, axis.__class__, kinds,
           tuple(axis) if axis.__class__ is list else axis, exclude,
           attrs.get("keepdims", False))
    try:
        g = _geoms.get(key)
    except TypeError:  # an unhashable axis: let _axis_key say what is wrong with it
        g, key = None, None
    if g is None:
        axes = _axes(op.name, tuple(shape), _axis_key(op, axis), exclude)
        g = (axes, _out_shape(shape, axes, bool(attrs.get("keepdims", False))))
        if key is not None:
            if len(_geoms) > 4096:
                _geoms.clear()
            _geoms[key] = g
    return g


_geoms = {}


def _out_shape(shape, axes, keepdims):
    if keepdims:
        return tuple(1 if d in axes else s for d, s in enumerate(shape)) or (1,)
    return tuple(s for d, s in enumerate(shape) if d not in axes) or (1,)


def _keep(shape, axes):
    """The keepdims shape: what a result reshapes to so that it broadcasts against the input."""
    return tuple(1 if d in axes else s for d, s in enumerate(shape)) or (1,)


def _count(shape, axes):
    return math.prod(shape[d] for d in axes)


def _infer(op, inputs, attrs):
    x = inputs[0]
    return [(_geometry(op, x.shape, attrs)[1], x._data.dtype)]


# ---------------------------------------------------------------- forward


# Sums, means and L2 norms of float32/float64 up to these sizes are MXNet's own serial
# recurrences, bit for bit (kernels/mx_reduce.py); larger ones keep the parallel pairwise sums
# accumulated in float64, which MXNet's serial loops would make several times slower.
KAHAN_MAX_SLICE = 1 << 16
KAHAN_MAX_SIZE = 1 << 22


_MXR = []


def _mx_reduce():
    if not _MXR:
        from ..kernels import mx_reduce

        _MXR.append(mx_reduce)
    return _MXR[0]


def _mxnet_sum(x, axes, out, count=None):
    """MXNet's compensated sum (or mean, given the count) into `out`; False (nothing written)
    when it does not apply: other dtypes, large inputs, or a result that overflowed from
    finite data (float32 sums accumulate in float64 then, as documented above)."""
    if x.dtype.char not in "fd" or not 0 < x.size <= KAHAN_MAX_SIZE:
        return False
    if len(axes) == x.ndim:  # one slice: a scalar loop, no arrays to build
        if x.size > KAHAN_MAX_SLICE:
            return False
        v = _mx_reduce().flat_sum(x)
        if not math.isfinite(v) and np.isfinite(x).all():
            return False
        t = x.dtype.type
        out.reshape(-1)[0] = t(v) if count is None else t(v) / t(count)
        return True
    if _count(x.shape, axes) > KAHAN_MAX_SLICE:
        return False
    s = _mx_reduce().kahan_sum(x, tuple(axes))
    if not np.isfinite(s).all() and np.isfinite(x).all():
        return False
    if count is not None:
        s = s / x.dtype.type(count)
    np.copyto(out, s.reshape(out.shape))
    return True


def _mxnet_prod(x, axes, out):
    """MXNet's product (factors multiplied in order in the data's type) into `out`; False
    (nothing written) where it does not apply: other dtypes, large inputs, or a product that
    overflowed from finite data (the wider accumulation keeps it finite where it can, FREE)."""
    if (x.dtype.char not in "fd" or not 0 < x.size <= KAHAN_MAX_SIZE
            or _count(x.shape, axes) > KAHAN_MAX_SLICE):
        return False
    with np.errstate(over="ignore", invalid="ignore"):
        p = _mx_reduce().seq_prod(x, tuple(axes))
    if not np.isfinite(p).all() and np.isfinite(x).all():
        return False
    np.copyto(out, p.reshape(out.shape))
    return True


def _forward(kind):
    def forward(op, ins, outs, attrs):
        x, out = ins[0], outs[0]
        axes = reduced_axes(op, x.shape, attrs)
        k = _kernels()
        if kind == "sum" and _mxnet_sum(x, axes, out):
            return
        if kind == "prod" and _mxnet_prod(x, axes, out):
            return
        if kind == "mean" and _mxnet_sum(x, axes, out, _count(x.shape, axes)):
            return
        if kind == "mean":
            count = _count(x.shape, axes)
            if x.dtype.kind == "f":
                k.reduce("sum", x, axes, out, float(count), 1)
            else:
                # MXNet divides the sum, wrapped in the type, by the count cast to the type
                # (wrapped too: 200 int8 ones have mean -56 / -56 = 1), truncating toward zero.
                k.reduce("sum", x, axes, out)
                s = out.astype(np.int64)
                c = int(np.array(count).astype(x.dtype))
                if c == 0:  # MXNet divides by zero (the process dies); give zeros instead
                    out[...] = 0
                else:
                    q = np.sign(s) * np.sign(c) * (np.abs(s) // abs(c))
                    np.copyto(out, q, casting="unsafe")
        else:
            k.reduce(kind, x, axes, out)

    forward.kind = kind
    return forward


# ---------------------------------------------------------------- gradients

def _bc(a, keep, shape):
    return np.broadcast_to(a.reshape(keep), shape)


def _grad_sum(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    return [np.ascontiguousarray(_bc(dys[0], keep, x.shape))]


def _vjp_sum(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    return [nd.broadcast_to(nd.reshape(dys[0], shape=keep), shape=x.shape)]


def _grad_mean(op, dys, ins, outs, attrs):
    x = ins[0]
    axes = reduced_axes(op, x.shape, attrs)
    dy = dys[0] / np.asarray(_count(x.shape, axes), dys[0].dtype)
    return [np.ascontiguousarray(_bc(dy, _keep(x.shape, axes), x.shape))]


def _vjp_mean(op, dys, ins, outs, attrs):
    x = ins[0]
    axes = reduced_axes(op, x.shape, attrs)
    g = nd.reshape(dys[0], shape=_keep(x.shape, axes)) / float(_count(x.shape, axes))
    return [nd.broadcast_to(g, shape=x.shape)]


def _grad_nansum(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    return [np.where(x == x, _bc(dys[0], keep, x.shape), np.zeros((), dys[0].dtype))]


def _vjp_nansum(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    return [nd.reshape(dys[0], shape=keep) * nd.broadcast_equal(x, x)]


def _grad_extreme(op, dys, ins, outs, attrs):
    """max/min: the gradient goes to every element equal to the result (MXNet: all ties)."""
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    hit = x == outs[0].reshape(keep)
    return [np.where(hit, _bc(dys[0], keep, x.shape), np.zeros((), dys[0].dtype))]


def _vjp_extreme(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    return [nd.reshape(dys[0], shape=keep) * nd.broadcast_equal(x, nd.reshape(outs[0], shape=keep))]


def _grad_prod(op, dys, ins, outs, attrs):
    """d prod / d x_i = the product of the other elements, exactly, also where x has zeros."""
    x, y = ins[0], outs[0]
    axes = reduced_axes(op, x.shape, attrs)
    keep = _keep(x.shape, axes)
    nan = x != x if op.name == "nanprod" else None
    xs = np.where(nan, np.ones((), x.dtype), x) if nan is not None else x
    zero = xs == 0
    safe = np.where(zero, np.ones((), x.dtype), xs)
    yk = y.reshape(keep)
    with np.errstate(invalid="ignore", over="ignore"):
        dx = yk / safe
        if zero.any():
            nz = np.sum(zero, axis=axes, keepdims=True)
            p = np.empty(keep, x.dtype)
            _kernels().reduce("prod", np.ascontiguousarray(safe), axes, p)
            dx = np.where(zero, np.where(nz == 1, p, np.zeros((), x.dtype)), dx)
        dx = dx * dys[0].reshape(keep)
    if nan is not None:
        dx = np.where(nan, np.zeros((), x.dtype), dx)
    return [np.ascontiguousarray(dx, dtype=x.dtype)]


def _vjp_prod(op, dys, ins, outs, attrs):
    x, y = ins[0], outs[0]
    axes = reduced_axes(op, x.shape, attrs)
    keep = _keep(x.shape, axes)
    nan = nd.broadcast_not_equal(x, x) if op.name == "nanprod" else None
    xs = x if nan is None else nd.where(nan, nan, x)  # NaN -> 1 (the mask's value there)
    zero = nd._equal_scalar(xs, scalar=0.0)
    safe = xs + zero
    yk = nd.reshape(y, shape=keep)
    at_zero = nd.prod(safe, axis=axes, keepdims=True) * nd._equal_scalar(
        nd.sum(zero, axis=axes, keepdims=True), scalar=1.0)
    dx = nd.reshape(dys[0], shape=keep) * (yk / safe * (1 - zero) + at_zero * zero)
    if nan is not None:
        dx = dx * (1 - nan)
    return [dx]


# ---------------------------------------------------------------- ops

_ATTRS = (("axis", ()), ("keepdims", False), ("exclude", False))
# How tests/test_op_grads.py calls a reduction (Op.test convention, ops/registry.py).
_REDUCE_TEST = {"shapes": [(2, 3, 4)], "cases": [
    {}, {"attrs": {"axis": 1}}, {"attrs": {"axis": (0, 2), "keepdims": True}},
    {"attrs": {"axis": 1, "exclude": True}}, {"attrs": {"axis": -1}, "shapes": [(5,)]}]}
_DOC = ("{what} over `axis` (None or () for all; int or tuple; negative from the end), "
        "keeping reduced axes as size 1 with `keepdims`, over the axes not listed with "
        "`exclude`. A full reduction has shape (1,).\n\n"
        ">>> x = mx.nd.array([[1, 2], [3, 4]])\n>>> mx.nd.{name}(x, axis=0).asnumpy()\n"
        "array({example}, dtype=float32)")

for _name, _aliases, _kind, _bwd, _vjp, _what, _ex in (
        ("sum", ("sum_axis",), "sum", _grad_sum, _vjp_sum, "Sum", "[4., 6.]"),
        ("mean", (), "mean", _grad_mean, _vjp_mean, "Mean", "[2., 3.]"),
        ("prod", (), "prod", _grad_prod, _vjp_prod, "Product", "[3., 8.]"),
        ("nansum", (), "nansum", _grad_nansum, _vjp_nansum, "Sum, NaN counted as 0,",
         "[4., 6.]"),
        ("nanprod", (), "nanprod", _grad_prod, _vjp_prod, "Product, NaN counted as 1,",
         "[3., 8.]"),
        ("max", ("max_axis",), "max", _grad_extreme, _vjp_extreme,
         "Maximum (NaN if the slice has one)", "[3., 4.]"),
        ("min", ("min_axis",), "min", _grad_extreme, _vjp_extreme,
         "Minimum (NaN if the slice has one)", "[1., 2.]")):
    register(Op(_name, ("data",), aliases=_aliases, attrs=_ATTRS, infer=_infer,
                forward=_host(_forward(_kind)), backward=_bwd, vjp=_vjp,
                smooth=_kind in ("sum", "mean", "nansum", "prod", "nanprod"),
                kind="reduce", doc=_DOC.format(what=_what, name=_name, example=_ex),
                test=dict(_REDUCE_TEST, domain=(0.5, 1.5)) if "prod" in _kind
                else _REDUCE_TEST))


# ---------------------------------------------------------------- norm


def _norm_ord(op, attrs):
    o = attrs.get("ord", 2)
    if isinstance(o, bool) or o not in (1, 2):
        raise MXNetError(f"{op.name}: norm only supports ord=1 and ord=2, got ord={o!r}")
    return int(o)


def _norm_dtype(attrs, x_dtype):
    d = attrs.get("out_dtype")
    return np.dtype(x_dtype) if d is None or d == "None" else normalize_dtype(d)


def _norm_infer(op, inputs, attrs):
    x = inputs[0]
    _norm_ord(op, attrs)
    axes = reduced_axes(op, x.shape, attrs)
    return [(_out_shape(x.shape, axes, attrs.get("keepdims", False)),
             _norm_dtype(attrs, x.dtype))]


def _l2_scaled(x, axes, out):
    """float64 L2 norms whose squares over- or underflow: scale by the largest |x| first."""
    a = np.abs(x)
    m = np.max(a, axis=axes, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        q = a / np.where((m == 0) | np.isinf(m), 1.0, m)
        r = m * np.sqrt(np.sum(q * q, axis=axes, keepdims=True))
    r = np.where(np.isinf(m), np.inf, r)
    np.copyto(out, r.reshape(out.shape))


def _l2_int(x, axes, out):
    """MXNet's integer L2 norm: its scaled algorithm in integer arithmetic reduces to
    trunc(M * sqrt(k)), M the largest |x| and k how many elements have |x| == M."""
    a = np.abs(x.astype(np.int64))
    m = np.max(a, axis=axes, keepdims=True)
    k = np.sum(a == m, axis=axes, keepdims=True)
    np.copyto(out, np.trunc(m * np.sqrt(k)).reshape(out.shape), casting="unsafe")


def _norm_fwd(op, ins, outs, attrs):
    x, out = ins[0], outs[0]
    axes = reduced_axes(op, x.shape, attrs)
    tgt = out if out.dtype == x.dtype else np.empty(out.shape, x.dtype)
    if _norm_ord(op, attrs) == 1:
        # MXNet's L1 norm is its compensated sum of |x| (bit for bit where that applies)
        if not (x.dtype.char in "fd" and _mxnet_sum(np.abs(x), axes, tgt)):
            _kernels().reduce("asum", x, axes, tgt)
    elif x.dtype.kind != "f":
        _l2_int(x, axes, tgt)
    elif (x.dtype != np.float16 and x.size <= KAHAN_MAX_SIZE
          and _count(x.shape, axes) <= KAHAN_MAX_SLICE):
        _mx_reduce().norm(x, tuple(axes), tgt)
    else:
        _kernels().reduce("ssq", x, axes, tgt, 1.0, 2)
        # float32 squares cannot over- or underflow in float64; float64 squares can.
        if x.dtype == np.float64 and not np.all((tgt >= 1e-145) & (tgt <= 1e150)):
            _l2_scaled(x, axes, tgt)
    if tgt is not out:
        np.copyto(out, tgt, casting="unsafe")


def _norm_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    dy = dys[0].astype(x.dtype, copy=False).reshape(keep)
    if _norm_ord(op, attrs) == 1:
        return [np.ascontiguousarray(dy * np.sign(x))]
    y = outs[0].astype(x.dtype, copy=False).reshape(keep)
    with np.errstate(invalid="ignore", divide="ignore"):
        return [np.ascontiguousarray(x * (dy / np.where(y == 0, np.ones((), x.dtype), y)))]


def _norm_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    keep = _keep(x.shape, reduced_axes(op, x.shape, attrs))
    g = nd.reshape(dys[0], shape=keep)
    if g.dtype != x.dtype:
        g = nd.cast(g, dtype=x.dtype)
    if _norm_ord(op, attrs) == 1:
        return [g * nd.sign(x)]
    y = nd.reshape(outs[0], shape=keep)
    if y.dtype != x.dtype:
        y = nd.cast(y, dtype=x.dtype)
    # At a zero norm the slice is all zeros: x * anything finite is the gradient 0.
    return [x * (g / (y + nd._equal_scalar(y, scalar=0.0)))]


register(Op("norm", ("data",), attrs=(("ord", 2), ("axis", ()), ("out_dtype", "None"),
                                      ("keepdims", False)),
            infer=_norm_infer, forward=_host(_norm_fwd), backward=_norm_bwd, vjp=_norm_vjp,
            kind="reduce",
            test={"shapes": [(2, 3, 4)], "cases": [
                {}, {"attrs": {"axis": 1}}, {"attrs": {"axis": (0, 2), "keepdims": True}},
                {"attrs": {"ord": 1, "axis": 2}, "order": 1}]},
            doc="The L1 (`ord=1`) or L2 (`ord=2`) norm of the elements over `axis` (None or () "
                "for all, an int or a tuple: a 2-tuple gives the Frobenius norm), with "
                "`keepdims`. Its gradient at a zero norm is 0.\n\n"
                ">>> mx.nd.norm(mx.nd.array([[3, 4], [0, 0]]), axis=1).asnumpy()\n"
                "array([5., 0.], dtype=float32)"))

# ---------------------------------------------------------------- argmax / argmin


def _arg_axis(op, x_shape, attrs):
    """The one reduced axis, or None for the flattened array."""
    axis = attrs.get("axis")
    if axis is None or (isinstance(axis, tuple) and len(axis) == 0):
        return None
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, bool):
        raise MXNetError(f"{op.name}: Invalid Parameter format for axis expect int or None but "
                         f"value='{axis}'")
    ndim = len(x_shape)
    a = int(axis)
    if not -ndim <= a < ndim:
        raise MXNetError(f"{op.name}: axis {a} exceeds the input dimension of {ndim} (input "
                         f"{fmt_shape(x_shape)})")
    return a + ndim if a < 0 else a


def _arg_infer(op, inputs, attrs):
    x = inputs[0]
    a = _arg_axis(op, x.shape, attrs)
    axes = tuple(range(x.ndim)) if a is None else (a,)
    if a is None and not attrs.get("keepdims", False):
        return [((1,), np.dtype(x.dtype))]
    return [(_out_shape(x.shape, axes, attrs.get("keepdims", False)), np.dtype(x.dtype))]


def _arg_fwd(kind):
    def forward(op, ins, outs, attrs):
        x, out = ins[0], outs[0]
        a = _arg_axis(op, x.shape, attrs)
        axes = tuple(range(x.ndim)) if a is None else (a,)
        idx = np.empty(out.shape, np.int64)
        _kernels().reduce(kind, x, axes, idx)
        np.copyto(out, idx, casting="unsafe")

    return forward


for _name in ("argmax", "argmin"):
    register(Op(_name, ("data",), attrs=(("axis", ()), ("keepdims", False)), infer=_arg_infer,
                forward=_host(_arg_fwd(_name)), zero_grad=True, kind="reduce",
                doc=f"Index of the first {_name[3:]}imum along `axis` (the flattened array for "
                    "None), in the input's dtype (float32 for float32); NaN counts as the "
                    "extreme.\n\n>>> mx.nd." + _name + "(mx.nd.array([[1, 5, 2]]), axis=1)"
                    ".asnumpy()\narray([" + ("1." if _name == "argmax" else "0.")
                    + "], dtype=float32)"))


def _channel_infer(op, inputs, attrs):
    return _arg_infer(op, inputs, {"axis": 1})


register(Op("argmax_channel", ("data",), infer=_channel_infer,
            forward=_host(lambda op, ins, outs, attrs: _arg_fwd("argmax")(
                op, ins, outs, {"axis": 1})),
            zero_grad=True, kind="reduce",
            doc="argmax over axis 1 (the channels), as float indices.\n\n"
                ">>> mx.nd.argmax_channel(mx.nd.array([[1, 5, 2]])).asnumpy()\n"
                "array([1.], dtype=float32)"))
