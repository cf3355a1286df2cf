"""Pooling (max, avg, sum, lp; 1-D, 2-D and 3-D; global; 'valid', 'full' and 'same').

MXNet's rules, checked against 1.9.1: the output size is
(in + 2 pad - kernel) / stride + 1, rounded down ('valid') or up ('full');
a window starting at o * stride - pad is clipped to the input; max ignores
padding; avg divides by the window clipped to the padded input
(count_include_pad, the default) or to the input itself; global_pool pools
each whole plane and ignores kernel, stride and pad. The gradient of max
pooling goes to the first maximum of each window. Max pooling starts from the
dtype's lowest value, as MXNet's does: a window that is all padding ('full')
or all -inf gives -3.4028235e38 in float32.

lp pooling (p_value 1, 2 or 3) is (sum of x**p over the window) ** (1/p),
signed for odd p (p = 1 is the plain sum, p = 3 a cube root), run through the
sum kernels. Its gradient is dy * (x / y) ** (p - 1), and 0 where y == 0, as
MXNet guards it.

'same' (1-D only, as in MXNet 1.9.1) gives ceil(W / stride) windows starting
at o * stride, unpadded and clipped at the end. MXNet 1.9.1 accepts it only
with pad=(0, 0, 0) (its check reads pad[1] and pad[2]) and its MKLDNN build
fails on max and on some avg shapes; mxnb accepts pad left out or zero and
computes every pool type. [FIX]

3-D pooling runs the 2-D kernels twice: a box window's max, sum and average
are separable, so (H, W) is pooled in every depth slice, then the depth axis
of that with a (KD, 1) window. The maximum's gradient still goes to the first
maximum in (d, h, w) order. Sums are added in that order, so float32 results
can differ from MXNet's in the last bit; an average over a window that is all
padding is 0 (MXNet's 3-D kernel gives 0/0 = NaN there, its 2-D one 0).

Channels-last layouts (NWC, NHWC, NDHWC) are transposed to channels-first
around the kernels.

Differentiable to any order through two private ops: `_pooling_backward`
(dx from dy) and, for max, `_pooling_gather` (its adjoint); for avg and sum
the adjoint of `_pooling_backward` is Pooling itself, and lp's gradient is
written with sum pooling's.
"""
from typing import NamedTuple

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .nn import bad_choice, check_inputs, shape_attr
from .nn_conv import kernels
from .registry import Op, fmt_shape, register

_TYPES = ("avg", "lp", "max", "sum")
_MODE = {"max": 0, "avg": 1, "sum": 2, "lp": 2}  # lp: sum pooling of x**p, then the root
_CONV = ("full", "same", "valid")
_LAYOUTS = {1: ("NCW", "NWC"), 2: ("NCHW", "NHWC"), 3: ("NCDHW", "NDHWC")}
_ALL_LAYOUTS = ("None",) + tuple(name for pair in _LAYOUTS.values() for name in pair)
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


class PoolGeo(NamedTuple):
    """A pooling's kernel passes and shapes, all channels-first."""
    passes: tuple   # kernel arguments (planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip),
                    # run in order: one pass for 1-D and 2-D, two (H-W, then depth) for 3-D
    xshape: tuple   # data shape
    yshape: tuple   # output shape
    p: int          # lp pooling's p_value, else 0
    last: bool      # the data is channels-last (NWC, NHWC, NDHWC)

    @property
    def mode(self):
        return self.passes[0][11]


def _p_value(op, attrs, x):
    """MXNet's `p_value`: an int or None (a float like 2.5 is a format error, as there)."""
    v = attrs["p_value"]
    if v is None or (isinstance(v, str) and v.strip() == "None"):
        return None
    if isinstance(v, (int, np.integer)) and not isinstance(v, (bool, np.bool_)):
        return int(v)
    if isinstance(v, str) and v.strip().lstrip("-").isdigit():
        return int(v)
    raise MXNetError(f"{op.name}: Invalid Parameter format for p_value expect int or None but "
                     f"value='{v}' (data shape {fmt_shape(x.shape)})")


def _layout_is_last(op, attrs, nsp, x):
    v = attrs["layout"]
    if v is None or v == "None":
        return False
    if v not in _ALL_LAYOUTS:
        raise bad_choice(op, "layout", v, _ALL_LAYOUTS, x)
    fits = _LAYOUTS[nsp]
    if v not in fits:
        raise MXNetError(f"{op.name}: layout '{v}' does not fit {nsp}-D pooling of data "
                         f"{fmt_shape(x.shape)}: Need {nsp}D layout ({fits[0]} or {fits[1]})")
    return v == fits[1]


def _same_pad(op, pad, x):
    """'same' takes no padding: MXNet wants pad (0, 0, 0); (), 0 and (0,) are accepted too."""
    if pad is None or pad == "None":
        return (0,)
    vals = (pad,) if isinstance(pad, (int, np.integer)) else tuple(pad)
    if any(int(v) != 0 for v in vals):
        raise MXNetError(f"{op.name}: Same pooling convention disables the use of pad parameter "
                         f"(pad {tuple(vals)}, data {fmt_shape(x.shape)})")
    return (0,)


def pool_geo(op, attrs, xshape):
    """The `PoolGeo` of a pooling of data shaped `xshape` (in its own layout)."""
    x = _Shape(xshape)
    pt = attrs["pool_type"]
    if pt not in _TYPES:
        raise bad_choice(op, "pool_type", pt, _TYPES, x)
    p = _p_value(op, attrs, x)
    if pt == "lp":
        if p is None:
            raise MXNetError(f"{op.name}: pool_type 'lp' needs p_value (1, 2 or 3), data "
                             f"{fmt_shape(xshape)}")
        if p not in (1, 2, 3):
            raise MXNetError(f"{op.name}: p value of {p} is not supported yet... (lp pooling "
                             "takes p_value 1, 2 or 3)")
    conv = attrs["pooling_convention"]
    if conv not in _CONV:
        raise bad_choice(op, "pooling_convention", conv, _CONV, x)
    if len(xshape) not in (3, 4, 5):
        raise MXNetError(f"{op.name}: Input data should be 3D in (batch, channel, x), 4D in "
                         f"(batch, channel, y, x) or 5D in (batch, channel, d, y, x), got "
                         f"{fmt_shape(xshape)}")
    nsp = len(xshape) - 2
    last = _layout_is_last(op, attrs, nsp, x)
    cf = (xshape[0], xshape[-1]) + tuple(xshape[1:-1]) if last else tuple(xshape)
    sp = cf[2:]
    if conv == "same" and nsp != 1:
        raise MXNetError(f"{op.name}: Input data should be 3D in (batch, channel, x). Currently "
                         f"'same' supports 1-D pooling only, got data {fmt_shape(xshape)}")
    glob = attrs["global_pool"]
    if glob:
        kernel, stride, pad = sp, (1,) * nsp, (0,) * nsp
    else:
        kernel = attrs["kernel"]
        kernel = (kernel,) if isinstance(kernel, (int, np.integer)) else tuple(kernel)
        if len(kernel) == 0:
            raise MXNetError(f"{op.name}: kernel is required unless global_pool=True (data "
                             f"{fmt_shape(xshape)})")
        if len(kernel) != nsp:
            raise MXNetError(f"{op.name}: kernel {kernel} has {len(kernel)} dims but data "
                             f"{fmt_shape(xshape)} has {nsp} spatial dims")
        kernel = tuple(int(k) for k in kernel)
        stride = shape_attr(op.name, "stride", attrs["stride"], nsp, 1)
        if conv == "same":
            pad = _same_pad(op, attrs["pad"], x)
        else:
            pad = shape_attr(op.name, "pad", attrs["pad"], nsp, 0)
    out = []
    for i in range(nsp):
        k, s, pd = kernel[i], stride[i], pad[i]
        if k < 1 or s < 1 or pd < 0:
            raise MXNetError(f"{op.name}: kernel {kernel}, stride {stride} and pad {pad} must be "
                             "positive (pad non-negative)")
        if k > sp[i] + 2 * pd:
            raise MXNetError(f"{op.name}: kernel size ({k}) exceeds input ({sp[i]} padded to "
                             f"{sp[i] + 2 * pd}), data shape {fmt_shape(xshape)}")
        if pd >= k:
            raise MXNetError(f"{op.name}: pad {pad} must be smaller than kernel {kernel}")
        span = sp[i] + 2 * pd - k
        if glob or conv == "valid":
            out.append(1 + span // s)
        elif conv == "full":
            out.append(1 + -(-span // s))
        else:
            out.append(-(-sp[i] // s))      # 'same': ceil(W / stride) windows
    cip = attrs["count_include_pad"]
    cip = True if cip is None or cip == "None" else bool(cip)
    mode = _MODE[pt]
    planes = cf[0] * cf[1]
    if nsp == 1:
        passes = ((planes, 1, sp[0], 1, out[0], 1, kernel[0], 1, stride[0], 0, pad[0], mode,
                   cip),)
    elif nsp == 2:
        passes = ((planes,) + tuple(sp) + tuple(out) + kernel + stride + pad + (mode, cip),)
    else:
        (D, H, W), (OD, OH, OW) = sp, out
        passes = ((planes * D, H, W, OH, OW) + kernel[1:] + stride[1:] + pad[1:] + (mode, cip),
                  (planes, D, OH * OW, OD, OH * OW, kernel[0], 1, stride[0], 1, pad[0], 0, mode,
                   cip))
    return PoolGeo(passes, cf, tuple(cf[:2]) + tuple(out), p if pt == "lp" else 0, last)


class _Shape:
    def __init__(self, shape):
        self.shape = shape


def _cdt(dt):
    dt = np.dtype(dt)
    return _F64 if dt == _F64 or dt.kind in "iu" else _F32


def _flat(a, cdt):
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


def _cf(a, geo):
    """Raw array `a` in the data's layout, seen channels-first."""
    return np.moveaxis(a, -1, 1) if geo.last else a


def _in_layout(flat, shape_cf, geo, dtype):
    """Flat channels-first `flat` as a C-contiguous `dtype` array in the data's layout.

    It shares `flat`'s buffer when no transpose or cast is needed (callers pass fresh arrays).
    """
    a = flat.reshape(shape_cf)
    if geo.last:
        a = np.moveaxis(a, 1, -1)
    return np.ascontiguousarray(a, dtype=dtype)


def _out_shape(geo):
    y = geo.yshape
    return (y[0],) + tuple(y[2:]) + (y[1],) if geo.last else y


def _pool_infer(op, inputs, attrs):
    x = inputs[0]
    return [(_out_shape(pool_geo(op, attrs, x.shape)), np.dtype(x.dtype))]


def _run(name, cdt, size, *args):
    nk, ck = kernels()
    nk.run(getattr(ck, name), size, 4, cdt, *args)


def _fwd_pass(a, args, cdt):
    y = np.empty(args[0] * args[3] * args[4], cdt)
    if a.size:
        _run("pool_fwd", cdt, a.size, a, y, *args)
    return y


def _bwd_pass(g, x, args, cdt):
    dx = np.empty(args[0] * args[1] * args[2], cdt)
    if dx.size:
        _run("pool_bwd", cdt, dx.size, g, x, dx, *args)
    return dx


def _gather_pass(g, x, args, cdt):
    y = np.empty(args[0] * args[3] * args[4], cdt)
    if x.size:
        _run("pool_gather", cdt, x.size, g, x, y, *args[:11])
    return y


def pool_raw(x, geo):
    """The pooling of channels-first `x`, flat, in the compute dtype (float32 or float64)."""
    cdt = _cdt(x.dtype)
    a = _flat(x, cdt)
    if geo.p > 1:
        a = a * a if geo.p == 2 else a * a * a      # MXNet's a_pow_p
    for args in geo.passes:
        a = _fwd_pass(a, args, cdt)
    if geo.p == 2:
        np.sqrt(a, out=a)
    elif geo.p == 3:
        np.cbrt(a, out=a)
    elif geo.mode == 0 and np.dtype(x.dtype).kind == "f":
        # MXNet's max starts from the lowest finite value, not -inf
        np.maximum(a, np.finfo(x.dtype).min, out=a)
    return a


def pool_grad_raw(dy, x, geo, y=None):
    """dx of the pooling (flat, compute dtype) from channels-first dy and x.

    lp pooling also uses its output `y` (channels-first; recomputed when None).
    """
    cdt = _cdt(x.dtype)
    xf, g = _flat(x, cdt), _flat(dy, cdt)
    if geo.p:
        return _lp_grad(g, xf, geo, y)
    if len(geo.passes) == 1:
        return _bwd_pass(g, xf, geo.passes[0], cdt)
    first, second = geo.passes
    # the depth pass's maxima are read from the (H, W) pass's output; avg and sum read nothing
    mid = _fwd_pass(xf, first, cdt) if geo.mode == 0 else np.empty(first[0] * first[3] * first[4],
                                                                    cdt)
    return _bwd_pass(_bwd_pass(g, mid, second, cdt), xf, first, cdt)


def _lp_grad(g, xf, geo, y):
    """dx = sum over windows of dy * (x / y) ** (p - 1), windows with y == 0 left out."""
    p = geo.p
    sgeo = geo._replace(p=0)        # the passes already sum
    if p == 1:
        return pool_grad_raw(g, xf, sgeo)
    y = pool_raw(xf, geo) if y is None else _flat(y, xf.dtype)
    with np.errstate(divide="ignore", invalid="ignore"):
        h = np.where(y == 0, 0, g / (y if p == 2 else y * y))
    dx = pool_grad_raw(h, xf, sgeo)
    return dx * (xf if p == 2 else xf * xf)


def pool_gather_raw(g, x, geo):
    """g at each max-pooling window's first maximum of x (flat, compute dtype)."""
    cdt = _cdt(x.dtype)
    xf, gf = _flat(x, cdt), _flat(g, cdt)
    if len(geo.passes) == 1:
        return _gather_pass(gf, xf, geo.passes[0], cdt)
    first, second = geo.passes
    return _gather_pass(_gather_pass(gf, xf, first, cdt), _fwd_pass(xf, first, cdt), second, cdt)


def _pool_forward(op, ins, outs, attrs):
    x = ins[0]
    geo = pool_geo(op, attrs, x.shape)
    y = pool_raw(_cf(x, geo), geo)
    np.copyto(outs[0], _in_layout(y, geo.yshape, geo, outs[0].dtype))


def _pool_backward(op, dys, ins, outs, attrs):
    x = ins[0]
    geo = pool_geo(op, attrs, x.shape)
    dx = pool_grad_raw(_cf(dys[0], geo), _cf(x, geo), geo, _cf(outs[0], geo) if geo.p else None)
    return [_in_layout(dx, geo.xshape, geo, x.dtype)]


def _pool_attrs(attrs):
    return {k: attrs[k] for k, _ in _POOL_ATTRS}


def _pool_vjp(op, dys, ins, outs, attrs):
    x, g = ins[0], dys[0]
    if attrs["pool_type"] != "lp":
        return [nd._pooling_backward(g, x, **_pool_attrs(attrs))]
    p = pool_geo(op, attrs, x.shape).p
    a = dict(_pool_attrs(attrs), pool_type="sum", p_value="None")
    if p == 1:
        return [nd._pooling_backward(g, x, **a)]
    # dx = x**(p-1) * sum-pooling's gradient of dy / y**(p-1), windows with y == 0 left out
    y = outs[0]
    zero = y == 0
    ys = y + zero                     # 1 where y == 0: no division by zero
    h = nd.where(zero, nd.zeros_like(y), g / (ys if p == 2 else ys * ys))
    b = nd._pooling_backward(h, x, **a)
    return [b * x if p == 2 else b * x * x]


_POOL_ATTRS = (("kernel", ()), ("pool_type", "max"), ("global_pool", False),
               ("cudnn_off", False), ("pooling_convention", "valid"), ("stride", ()),
               ("pad", ()), ("p_value", "None"), ("count_include_pad", "None"),
               ("layout", "None"))
_WALK = dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pooling_convention="full")

register(Op("Pooling", ("data",), attrs=_POOL_ATTRS, infer=_pool_infer,
            forward=_host(_pool_forward), backward=_pool_backward, vjp=_pool_vjp, smooth=False,
            test={"shapes": [(2, 2, 5, 4)], "cases": [
                {"attrs": dict(_WALK, pool_type=t)} for t in ("max", "avg", "sum")] + [
                {"attrs": dict(_WALK, pool_type="lp", p_value=2)},
                {"shapes": [(1, 2, 3, 4, 3)],
                 "attrs": dict(kernel=(2, 2, 2), stride=(1, 2, 1), pad=(1, 0, 1),
                               pool_type="max")}]},
            doc="""Max, average, sum or lp pooling over 1-D, 2-D or 3-D windows (NCW, NCHW, NCDHW).

>>> x = mx.nd.array([[[[1., 2.], [3., 4.]]]])
>>> mx.nd.Pooling(x, kernel=(2, 2), pool_type='avg')
[[[[2.5]]]]
>>> mx.nd.Pooling(x, kernel=(2, 2), pool_type='lp', p_value=2)
[[[[5.477226]]]]"""))

# ---------------------------------------------------------------- the gradient ops


def _private_geo(op, attrs, xshape):
    geo = pool_geo(op, attrs, xshape)
    if geo.p:
        raise MXNetError(f"{op.name}: pool_type 'lp' has no gradient op of its own (Pooling's "
                         "VJP writes it with sum pooling)")
    return geo


def _pgrad_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("grad", "data"))
    g, x = inputs
    want = _out_shape(_private_geo(op, attrs, x.shape))
    if tuple(g.shape) != want:
        raise MXNetError(f"{op.name}: grad shape {fmt_shape(g.shape)} does not match the pooled "
                         f"shape {fmt_shape(want)} of data {fmt_shape(x.shape)}")
    return [(x.shape, np.dtype(x.dtype))]


def _pgrad_forward(op, ins, outs, attrs):
    g, x = ins
    geo = pool_geo(op, attrs, x.shape)
    dx = pool_grad_raw(_cf(g, geo), _cf(x, geo), geo)
    np.copyto(outs[0], _in_layout(dx, geo.xshape, geo, outs[0].dtype))


def _pgrad_backward(op, dys, ins, outs, attrs):
    g, x = ins
    geo = pool_geo(op, attrs, x.shape)
    d = _cf(dys[0], geo)
    r = pool_gather_raw(d, _cf(x, geo), geo) if geo.mode == 0 else pool_raw(d, geo)
    return [_in_layout(r, geo.yshape, geo, g.dtype), None]


def _pgrad_vjp(op, dys, ins, outs, attrs):
    g, x = ins
    a = _pool_attrs(attrs)
    if attrs["pool_type"] == "max":
        return [nd._pooling_gather(dys[0], x, **a), None]
    return [nd.Pooling(dys[0], **a), None]


register(Op("_pooling_backward", ("grad", "data"), attrs=_POOL_ATTRS, infer=_pgrad_infer,
            forward=_host(_pgrad_forward), backward=_pgrad_backward, vjp=_pgrad_vjp,
            nondiff_inputs=(1,),
            test={"shapes": [(2, 2, 3, 5), (2, 2, 5, 4)], "cases": [
                {"attrs": dict(_WALK, pool_type=t)} for t in ("max", "avg", "sum")]},
            doc="Pooling's input gradient from its output gradient."))


def _gather_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("grad", "data"))
    g, x = inputs
    if g.shape != x.shape:
        raise MXNetError(f"{op.name}: grad shape {fmt_shape(g.shape)} must equal data shape "
                         f"{fmt_shape(x.shape)}")
    return [(_out_shape(_private_geo(op, attrs, x.shape)), np.dtype(x.dtype))]


def _gather_forward(op, ins, outs, attrs):
    g, x = ins
    geo = pool_geo(op, attrs, x.shape)
    y = pool_gather_raw(_cf(g, geo), _cf(x, geo), geo)
    np.copyto(outs[0], _in_layout(y, geo.yshape, geo, outs[0].dtype))


def _gather_backward(op, dys, ins, outs, attrs):
    g, x = ins
    geo = pool_geo(op, attrs, x.shape)
    dg = pool_grad_raw(_cf(dys[0], geo), _cf(x, geo), geo)
    return [_in_layout(dg, geo.xshape, geo, x.dtype), None]


register(Op("_pooling_gather", ("grad", "data"), attrs=_POOL_ATTRS, infer=_gather_infer,
            forward=_host(_gather_forward), backward=_gather_backward,
            vjp=lambda op, dys, ins, outs, attrs: [
                nd._pooling_backward(dys[0], ins[1], **_pool_attrs(attrs)), None],
            nondiff_inputs=(1,),
            test={"shapes": [(2, 2, 5, 4), (2, 2, 5, 4)],
                  "attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type="max")},
            doc="grad at each max-pooling window's first maximum of data (adjoint of the "
                "max-pooling gradient)."))
