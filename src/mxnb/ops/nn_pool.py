"""Pooling (max, avg, sum; 1-D and 2-D; global; 'valid' and 'full' conventions).

MXNet's rules, checked against 1.9.1: the output size is
(in + 2 pad - kernel) / stride + 1, rounded down ('valid') or up ('full');
a window starting at o * stride - pad is clipped to the input; max ignores
padding; avg divides by the window clipped to the padded input
(count_include_pad, the default) or to the input itself; global_pool pools
each whole plane and ignores kernel, stride and pad. The gradient of max
pooling goes to the first maximum of each window.

Differentiable to any order through two private ops: `_pooling_backward`
(dx from dy) and, for max, `_pooling_gather` (its adjoint); for avg and sum
the adjoint of `_pooling_backward` is Pooling itself.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .nn import bad_choice, check_inputs, shape_attr
from .nn_conv import kernels
from .registry import Op, fmt_shape, register

_TYPES = ("avg", "lp", "max", "sum")
_MODE = {"max": 0, "avg": 1, "sum": 2}
_CONV = ("full", "same", "valid")
_F32, _F64 = np.dtype(np.float32), np.dtype(np.float64)


def pool_geo(op, attrs, xshape):
    """(planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, mode, cip) for data of shape xshape."""
    pt = attrs["pool_type"]
    if pt not in _TYPES:
        raise bad_choice(op, "pool_type", pt, _TYPES, _Shape(xshape))
    if pt == "lp":
        raise MXNetError(f"{op.name}: pool_type 'lp' is not supported by mxnb")
    conv = attrs["pooling_convention"]
    if conv not in _CONV:
        raise bad_choice(op, "pooling_convention", conv, _CONV, _Shape(xshape))
    if len(xshape) not in (3, 4):
        raise MXNetError(f"{op.name}: Input data should be 3D in (batch, channel, x) or 4D in "
                         f"(batch, channel, y, x), got {fmt_shape(xshape)}")
    nsp = len(xshape) - 2
    sp = tuple(xshape[2:])
    if attrs["global_pool"]:
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
        pad = shape_attr(op.name, "pad", attrs["pad"], nsp, 0)
        if conv == "same":
            raise MXNetError(f"{op.name}: pooling_convention 'same' is not supported by mxnb")
    out = []
    for i in range(nsp):
        k, s, p = kernel[i], stride[i], pad[i]
        if k < 1 or s < 1 or p < 0:
            raise MXNetError(f"{op.name}: kernel {kernel}, stride {stride} and pad {pad} must be "
                             "positive (pad non-negative)")
        if k > sp[i] + 2 * p:
            raise MXNetError(f"{op.name}: kernel size ({k}) exceeds input ({sp[i]} padded to "
                             f"{sp[i] + 2 * p}), data shape {fmt_shape(xshape)}")
        if p >= k:
            raise MXNetError(f"{op.name}: pad {pad} must be smaller than kernel {kernel}")
        span = sp[i] + 2 * p - k
        out.append(1 + (span // s if conv == "valid" or attrs["global_pool"] else -(-span // s)))

    def two(t, fill):
        return (fill,) + tuple(t) if nsp == 1 else tuple(t)

    H, W = two(sp, 1)
    OH, OW = two(out, 1)
    KH, KW = two(kernel, 1)
    sh, sw = two(stride, 1)
    ph, pw = two(pad, 0)
    cip = attrs["count_include_pad"]
    cip = True if cip is None or cip == "None" else bool(cip)
    planes = xshape[0] * xshape[1]
    return planes, H, W, OH, OW, KH, KW, sh, sw, ph, pw, _MODE[pt], cip


class _Shape:
    def __init__(self, shape):
        self.shape = shape


def _out_shape(xshape, g):
    return tuple(xshape[:2]) + ((g[3], g[4]) if len(xshape) == 4 else (g[4],))


def _cdt(dt):
    dt = np.dtype(dt)
    return _F64 if dt == _F64 or dt.kind in "iu" else _F32


def _flat(a, cdt):
    return np.ascontiguousarray(a, dtype=cdt).reshape(-1)


def _pool_infer(op, inputs, attrs):
    x = inputs[0]
    return [(_out_shape(x.shape, pool_geo(op, attrs, x.shape)), np.dtype(x.dtype))]


def _run(name, cdt, size, *args):
    nk, ck = kernels()
    nk.run(getattr(ck, name), size, 4, cdt, *args)


def pool_raw(x, geo):
    cdt = _cdt(x.dtype)
    y = np.empty(geo[0] * geo[3] * geo[4], cdt)
    if x.size:
        _run("pool_fwd", cdt, x.size, _flat(x, cdt), y, *geo)
    return y


def pool_grad_raw(dy, x, geo):
    cdt = _cdt(x.dtype)
    dx = np.empty(x.size, cdt)
    if x.size:
        _run("pool_bwd", cdt, x.size, _flat(dy, cdt), _flat(x, cdt), dx, *geo)
    return dx


def pool_gather_raw(g, x, geo):
    cdt = _cdt(x.dtype)
    y = np.empty(geo[0] * geo[3] * geo[4], cdt)
    if x.size:
        _run("pool_gather", cdt, x.size, _flat(g, cdt), _flat(x, cdt), y, *geo[:11])
    return y


def _pool_forward(op, ins, outs, attrs):
    x = ins[0]
    np.copyto(outs[0], pool_raw(x, pool_geo(op, attrs, x.shape)).reshape(outs[0].shape),
              casting="unsafe")


def _pool_backward(op, dys, ins, outs, attrs):
    x = ins[0]
    dx = pool_grad_raw(dys[0], x, pool_geo(op, attrs, x.shape))
    return [dx.reshape(x.shape).astype(x.dtype, copy=False)]


def _pool_attrs(attrs):
    return {k: attrs[k] for k, _ in _POOL_ATTRS}


def _pool_vjp(op, dys, ins, outs, attrs):
    return [nd._pooling_backward(dys[0], ins[0], **_pool_attrs(attrs))]


_POOL_ATTRS = (("kernel", ()), ("pool_type", "max"), ("global_pool", False),
               ("cudnn_off", False), ("pooling_convention", "valid"), ("stride", ()),
               ("pad", ()), ("p_value", "None"), ("count_include_pad", "None"),
               ("layout", "None"))

register(Op("Pooling", ("data",), attrs=_POOL_ATTRS, infer=_pool_infer,
            forward=_host(_pool_forward), backward=_pool_backward, vjp=_pool_vjp, smooth=False,
            test={"shapes": [(2, 2, 5, 4)], "cases": [
                {"attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type=t,
                               pooling_convention="full")} for t in ("max", "avg", "sum")]},
            doc="""Max, average or sum pooling over 1-D (NCW) or 2-D (NCHW) windows.

>>> x = mx.nd.array([[[[1., 2.], [3., 4.]]]])
>>> mx.nd.Pooling(x, kernel=(2, 2), pool_type='avg')
[[[[2.5]]]]"""))

# ---------------------------------------------------------------- the gradient ops


def _pgrad_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("grad", "data"))
    g, x = inputs
    want = _out_shape(x.shape, pool_geo(op, attrs, x.shape))
    if tuple(g.shape) != want:
        raise MXNetError(f"{op.name}: grad shape {fmt_shape(g.shape)} does not match the pooled "
                         f"shape {fmt_shape(want)} of data {fmt_shape(x.shape)}")
    return [(x.shape, np.dtype(x.dtype))]


def _pgrad_forward(op, ins, outs, attrs):
    g, x = ins
    dx = pool_grad_raw(g, x, pool_geo(op, attrs, x.shape))
    np.copyto(outs[0], dx.reshape(x.shape), casting="unsafe")


def _pgrad_backward(op, dys, ins, outs, attrs):
    g, x = ins
    geo = pool_geo(op, attrs, x.shape)
    r = pool_gather_raw(dys[0], x, geo) if geo[11] == 0 else pool_raw(dys[0], geo)
    return [r.reshape(g.shape).astype(g.dtype, copy=False), None]


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
                {"attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type=t,
                               pooling_convention="full")} for t in ("max", "avg", "sum")]},
            doc="Pooling's input gradient from its output gradient."))


def _gather_infer(op, inputs, attrs):
    check_inputs(op, inputs, ("grad", "data"))
    g, x = inputs
    if g.shape != x.shape:
        raise MXNetError(f"{op.name}: grad shape {fmt_shape(g.shape)} must equal data shape "
                         f"{fmt_shape(x.shape)}")
    return [(_out_shape(x.shape, pool_geo(op, attrs, x.shape)), np.dtype(x.dtype))]


def _gather_forward(op, ins, outs, attrs):
    g, x = ins
    y = pool_gather_raw(g, x, pool_geo(op, attrs, x.shape))
    np.copyto(outs[0], y.reshape(outs[0].shape), casting="unsafe")


def _gather_backward(op, dys, ins, outs, attrs):
    g, x = ins
    dg = pool_grad_raw(dys[0], x, pool_geo(op, attrs, x.shape))
    return [dg.reshape(x.shape).astype(x.dtype, copy=False), None]


register(Op("_pooling_gather", ("grad", "data"), attrs=_POOL_ATTRS, infer=_gather_infer,
            forward=_host(_gather_forward), backward=_gather_backward,
            vjp=lambda op, dys, ins, outs, attrs: [
                nd._pooling_backward(dys[0], ins[1], **_pool_attrs(attrs)), None],
            nondiff_inputs=(1,),
            test={"shapes": [(2, 2, 5, 4), (2, 2, 5, 4)],
                  "attrs": dict(kernel=(3, 2), stride=(2, 1), pad=(1, 1), pool_type="max")},
            doc="grad at each max-pooling window's first maximum of data (adjoint of the "
                "max-pooling gradient)."))
