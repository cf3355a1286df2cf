"""Correlation (FlowNet): the patch products of data1 with data2 shifted within a neighbourhood.

For each output position (i, j) and displacement channel tc, MXNet 1.9.1 sums
data1 * data2 (or |data1 - data2| when is_multiply=False) over a k x k patch and
all channels of the zero-padded inputs, and divides by k * k * C. The output is
(N, (2 * (max_displacement // stride2) + 1) ** 2, OH, OW) with
OW = ceil((W + 2 pad - 2 (max_displacement + (k - 1) / 2)) / stride1).
Sums run in MXNet's order, so float32 results match it bit for bit.

The product form is bilinear: its two input gradients are private ops whose
VJPs are Correlation and each other, so it is differentiable to any order. The
absolute-difference form is first-order only. MXNet does not check that data2
has data1's shape (it reads out of bounds); mxnb requires it [FIX]. float16 is
computed in float32.
"""
from typing import NamedTuple

import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


class CorrGeo(NamedTuple):
    N: int
    C: int
    H: int
    W: int
    OH: int
    OW: int
    k: int
    md: int
    s1: int
    s2: int
    r: int
    gw: int
    pad: int
    mult: bool


def corr_geo(op, attrs, shape):
    if len(shape) != 4:
        raise MXNetError(f"{op.name}: data should be a 4D tensor, got {fmt_shape(shape)}")
    k, md = int(attrs["kernel_size"]), int(attrs["max_displacement"])
    s1, s2, pad = int(attrs["stride1"]), int(attrs["stride2"]), int(attrs["pad_size"])
    if min(k, md, s1, s2, pad) < 0 or s1 == 0 or s2 == 0:
        raise MXNetError(f"{op.name}: kernel_size, max_displacement and pad_size must be "
                         f"non-negative and the strides positive (got {k}, {md}, {pad}, {s1}, "
                         f"{s2})")
    if k % 2 == 0:
        raise MXNetError(f"{op.name}: kernel size should be odd number, got {k}")
    N, C, H, W = shape
    border = md + (k - 1) // 2
    OH = -(-(H + 2 * pad - 2 * border) // s1)
    OW = -(-(W + 2 * pad - 2 * border) // s1)
    if OW < 1 or OH < 1:
        raise MXNetError(f"{op.name}: Correlation cannot be done with current settings. "
                         f"Neighborhood and kernel don't fit in blob (data {fmt_shape(shape)}, "
                         f"kernel_size {k}, max_displacement {md}, pad_size {pad})")
    r = md // s2
    return CorrGeo(N, C, H, W, OH, OW, k, md, s1, s2, r, 2 * r + 1, pad,
                   bool(attrs["is_multiply"]))


def _check_pair(op, a, b, what="data2"):
    if tuple(a.shape) != tuple(b.shape):
        raise MXNetError(f"{op.name}: data1 {fmt_shape(a.shape)} and {what} "
                         f"{fmt_shape(b.shape)} must have the same shape")
    if np.dtype(a.dtype) != np.dtype(b.dtype):
        raise MXNetError(f"{op.name}: Type inconsistent, Provided = {np.dtype(b.dtype).name}, "
                         f"inferred type = {np.dtype(a.dtype).name}")
    if np.dtype(a.dtype).kind != "f":
        raise MXNetError(f"{op.name}: data must be floating point, got {np.dtype(a.dtype).name}")


def _cdt(dt):
    return _F64 if np.dtype(dt) == _F64 else _F32


def _padded(x, geo, cdt):
    """x zero-padded and in (N, PH, PW, C) layout, flat."""
    p = geo.pad
    xp = np.zeros((geo.N, geo.H + 2 * p, geo.W + 2 * p, geo.C), cdt)
    xp[:, p:p + geo.H, p:p + geo.W] = np.moveaxis(x, 1, -1)
    return xp.reshape(-1)


def _k():
    from ..kernels import spatial_kernels

    return spatial_kernels


def correlate(a, b, geo):
    cdt = _cdt(a.dtype)
    out = np.empty(geo.N * geo.gw ** 2 * geo.OH * geo.OW, cdt)
    if out.size:
        k = _k()
        k.run(k.corr_fwd, out.size * geo.k * geo.k * geo.C, 1, cdt, _padded(a, geo, cdt),
              _padded(b, geo, cdt), out, geo.N, geo.C, geo.H + 2 * geo.pad,
              geo.W + 2 * geo.pad, geo.OH, geo.OW, geo.k, geo.md, geo.s1, geo.s2, geo.r, geo.gw,
              geo.mult)
    return out.reshape(geo.N, geo.gw ** 2, geo.OH, geo.OW).astype(a.dtype, copy=False)


def corr_grad(og, a, b, geo, which):
    """The gradient of data1 (which=1) or data2 (which=2) from the output gradient og."""
    cdt = _cdt(a.dtype)
    g = np.zeros(geo.N * geo.C * geo.H * geo.W, cdt)
    if og.size:
        k = _k()
        k.run(k.corr_grad, og.size * geo.k * geo.k * geo.C, 1, cdt,
              np.ascontiguousarray(og, cdt).reshape(-1), _padded(a, geo, cdt),
              _padded(b, geo, cdt), g, geo.N, geo.C, geo.H, geo.W, geo.H + 2 * geo.pad,
              geo.W + 2 * geo.pad, geo.OH, geo.OW, geo.k, geo.md, geo.s1, geo.s2, geo.r, geo.gw,
              geo.pad, geo.mult, which)
    g = np.moveaxis(g.reshape(geo.N, geo.H, geo.W, geo.C), -1, 1)
    return np.ascontiguousarray(g, a.dtype)


def _infer(op, inputs, attrs):
    a, b = inputs
    _check_pair(op, a, b)
    geo = corr_geo(op, attrs, a.shape)
    return [((geo.N, geo.gw ** 2, geo.OH, geo.OW), np.dtype(a.dtype))]


def _forward(op, ins, outs, attrs):
    outs[0][...] = correlate(ins[0], ins[1], corr_geo(op, attrs, ins[0].shape))


def _backward(op, dys, ins, outs, attrs):
    geo = corr_geo(op, attrs, ins[0].shape)
    return [corr_grad(dys[0], *ins, geo, 1), corr_grad(dys[0], *ins, geo, 2)]


def _vjp(op, dys, ins, outs, attrs):
    g = dys[0]
    return [nd._correlation_backward_data1(g, *ins, **attrs),
            nd._correlation_backward_data2(g, *ins, **attrs)]


_ATTRS = (("kernel_size", 1), ("max_displacement", 1), ("stride1", 1), ("stride2", 1),
          ("pad_size", 0), ("is_multiply", True))
_WALK = dict(kernel_size=3, max_displacement=2, stride1=2, stride2=1, pad_size=2)
register(Op("Correlation", ("data1", "data2"), attrs=_ATTRS, infer=_infer,
            forward=_host(_forward), backward=_backward, vjp=_vjp,
            test={"shapes": [(1, 2, 4, 5), (1, 2, 4, 5)], "cases": [
                {"attrs": _WALK}, {"attrs": dict(max_displacement=1, stride2=1, pad_size=1)},
                {"attrs": dict(_WALK, is_multiply=False), "order": 1}]},
            doc="""FlowNet's correlation of two (N, C, H, W) feature maps.

One output channel per displacement (dy, dx) of data2 within max_displacement,
in steps of stride2; each value is the mean over a kernel_size patch and all
channels of data1 * data2 (is_multiply, the default) or |data1 - data2|.

>>> a = mx.nd.ones((1, 1, 2, 2))
>>> mx.nd.Correlation(a, a, max_displacement=1, pad_size=1)[0, :, 0, 0]
[0. 0. 0. 0. 1. 1. 0. 1. 1.]"""))


def _g_infer(op, inputs, attrs):
    g, a, b = inputs
    _check_pair(op, a, b)
    geo = corr_geo(op, attrs, a.shape)
    want = (geo.N, geo.gw ** 2, geo.OH, geo.OW)
    if tuple(g.shape) != want:
        raise MXNetError(f"{op.name}: grad shape {fmt_shape(g.shape)} should be "
                         f"{fmt_shape(want)}")
    return [(a.shape, np.dtype(a.dtype))]


def _g_forward(which):
    def forward(op, ins, outs, attrs):
        g, a, b = ins
        outs[0][...] = corr_grad(g, a, b, corr_geo(op, attrs, a.shape), which)
    return forward


def _first_order_only(op, attrs):
    if not attrs["is_multiply"]:
        raise MXNetError(f"Operator {op.name} is non-differentiable: mxnb gives Correlation with "
                         "is_multiply=False first-order gradients only")


# d1 = G1(g, data2) and d2 = G2(g, data1) are bilinear; <v, G1(g, b)> = <Corr(v, b), g>
# = <G2(g, v), b>, and symmetrically for G2, which gives their VJPs.
def _g1_backward(op, dys, ins, outs, attrs):
    _first_order_only(op, attrs)
    g, a, b = ins
    geo = corr_geo(op, attrs, a.shape)
    return [correlate(dys[0], b, geo), None, corr_grad(g, dys[0], b, geo, 2)]


def _g1_vjp(op, dys, ins, outs, attrs):
    _first_order_only(op, attrs)
    g, a, b = ins
    v = dys[0]
    return [nd.Correlation(v, b, **attrs), None,
            nd._correlation_backward_data2(g, v, b, **attrs)]


def _g2_backward(op, dys, ins, outs, attrs):
    _first_order_only(op, attrs)
    g, a, b = ins
    geo = corr_geo(op, attrs, a.shape)
    return [correlate(a, dys[0], geo), corr_grad(g, a, dys[0], geo, 1), None]


def _g2_vjp(op, dys, ins, outs, attrs):
    _first_order_only(op, attrs)
    g, a, b = ins
    v = dys[0]
    return [nd.Correlation(a, v, **attrs),
            nd._correlation_backward_data1(g, a, v, **attrs), None]


_G_TEST = {"shapes": [(1, 25, 1, 2), (1, 2, 4, 5), (1, 2, 4, 5)], "attrs": _WALK}
register(Op("_correlation_backward_data1", ("grad", "data1", "data2"), attrs=_ATTRS,
            infer=_g_infer, forward=_host(_g_forward(1)), backward=_g1_backward, vjp=_g1_vjp,
            nondiff_inputs=(1,), test=_G_TEST,
            doc="Correlation's data1 gradient (reads data2 only when is_multiply)."))
register(Op("_correlation_backward_data2", ("grad", "data1", "data2"), attrs=_ATTRS,
            infer=_g_infer, forward=_host(_g_forward(2)), backward=_g2_backward, vjp=_g2_vjp,
            nondiff_inputs=(2,), test=_G_TEST,
            doc="Correlation's data2 gradient (reads data1 only when is_multiply)."))
