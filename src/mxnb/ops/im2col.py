"""im2col and col2im: convolution patches as columns, and their adjoint.

One strided slice per kernel offset, in NumPy: every dtype (float16 and
integers too), 1-D to 3-D, and col2im adds the offsets in MXNet's order (kernel
offsets row-major, from zero), so float16 sums round as MXNet's do. MXNet 1.9.1
computes only the 2-D case (its 1-D and 3-D forwards fail); mxnb does all three
[FIX]. Each op is the other's adjoint, so both are differentiable to any order.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

def _col_geo(op, attrs, spatial, x):
    """(kernel, stride, dilate, pad, out) for data with spatial shape `spatial`."""
    k = attrs["kernel"]
    k = (int(k),) if isinstance(k, (int, np.integer)) else tuple(int(v) for v in k)
    nd_ = len(k)
    if nd_ not in (1, 2, 3):
        raise MXNetError(f"{op.name}: kernel must have 1, 2 or 3 dims, got {k}")
    vals = {}
    for name, default in (("stride", 1), ("dilate", 1), ("pad", 0)):
        v = attrs[name]
        v = (int(v),) if isinstance(v, (int, np.integer)) else tuple(int(a) for a in v)
        if len(v) == 0:
            v = (default,) * nd_
        if len(v) != nd_:
            raise MXNetError(f"{op.name}: {name.capitalize()} must have the same number of "
                             f"dimensions with kernel_size, but kernel_size is set to "
                             f"{fmt_shape(k)} while {name} is {fmt_shape(v)}")
        if (min(v) <= 0 if default else min(v) < 0):
            raise MXNetError(f"{op.name}: incorrect {name} size: {fmt_shape(v)}")
        vals[name] = v
    if len(spatial) != nd_:
        raise MXNetError(f"{op.name}: kernel {fmt_shape(k)} has {nd_} dims but the data has "
                         f"{len(spatial)} spatial dims (data {fmt_shape(x.shape)})")
    s, d, p = vals["stride"], vals["dilate"], vals["pad"]
    out = []
    for i in range(nd_):
        dk = d[i] * (k[i] - 1) + 1
        if dk > spatial[i] + 2 * p[i]:
            raise MXNetError(f"{op.name}: Check failed: dilated_kernel_size <= pad_size "
                             f"({dk} vs. {spatial[i] + 2 * p[i]}) : kernel size exceed input "
                             f"(data {fmt_shape(x.shape)})")
        out.append((spatial[i] + 2 * p[i] - dk) // s[i] + 1)
    return k, s, d, p, tuple(out)


def _offsets(k, s, d, out):
    """Per kernel offset (row-major), the slices of the padded image it reads."""
    for idx in np.ndindex(*k):
        yield tuple(slice(i * dd, i * dd + ss * (o - 1) + 1, ss)
                    for i, dd, ss, o in zip(idx, d, s, out))


def im2col_raw(x, geo):
    k, s, d, p, out = geo
    N, C = x.shape[:2]
    xp = np.pad(x, ((0, 0), (0, 0)) + tuple((a, a) for a in p)) if any(p) else x
    K, P = int(np.prod(k)), int(np.prod(out))
    col = np.empty((N, C, K, P), x.dtype)
    for j, sl in enumerate(_offsets(k, s, d, out)):
        col[:, :, j] = xp[(slice(None), slice(None)) + sl].reshape(N, C, P)
    return col.reshape(N, C * K, P)


def col2im_raw(col, size, geo):
    k, s, d, p, out = geo
    N = col.shape[0]
    K = int(np.prod(k))
    C = col.shape[1] // K
    c = col.reshape((N, C, K) + out)
    xp = np.zeros((N, C) + tuple(a + 2 * b for a, b in zip(size, p)), col.dtype)
    for j, sl in enumerate(_offsets(k, s, d, out)):
        xp[(slice(None), slice(None)) + sl] += c[:, :, j]
    return xp[(slice(None), slice(None)) + tuple(slice(b, b + a) for a, b in zip(size, p))]


def _im2col_infer(op, inputs, attrs):
    x = inputs[0]
    if x.ndim < 3:
        raise MXNetError(f"{op.name}: data must be (batch, channel, *spatial), got "
                         f"{fmt_shape(x.shape)}")
    k, _, _, _, out = _col_geo(op, attrs, x.shape[2:], x)
    return [((x.shape[0], x.shape[1] * int(np.prod(k)), int(np.prod(out))), np.dtype(x.dtype))]


def _size(op, attrs, k):
    v = attrs["output_size"]
    v = (int(v),) if isinstance(v, (int, np.integer)) else tuple(int(a) for a in v)
    if len(v) != len(k):
        raise MXNetError(f"{op.name}: Output size must have the same number of dimensions with "
                         f"kernel_size, but kernel_size is set to {fmt_shape(k)} while output "
                         f"size is {fmt_shape(v)}")
    return v


def _col2im_infer(op, inputs, attrs):
    c = inputs[0]
    k = attrs["kernel"]
    k = (int(k),) if isinstance(k, (int, np.integer)) else tuple(int(v) for v in k)
    size = _size(op, attrs, k)
    if c.ndim != 3:
        raise MXNetError(f"{op.name}: data must be (batch, channel * prod(kernel), L), got "
                         f"{fmt_shape(c.shape)}")
    K = int(np.prod(k))
    geo = _col_geo(op, attrs, size, c)
    want = int(np.prod(geo[4]))
    if c.shape[1] % K:
        raise MXNetError(f"{op.name}: the second dim of input shape {fmt_shape(c.shape)} should "
                         f"be multiples of kernel size {K}")
    if c.shape[2] != want:
        raise MXNetError(f"{op.name}: Check failed: dshape[2] == out_dim ({c.shape[2]} vs. "
                         f"{want}) : output size does not match convolution parameters (data "
                         f"{fmt_shape(c.shape)})")
    return [((c.shape[0], c.shape[1] // K) + size, np.dtype(c.dtype))]


def _conv_attrs(attrs):
    return {a: attrs[a] for a in ("kernel", "stride", "dilate", "pad")}


def _im2col_forward(op, ins, outs, attrs):
    x = ins[0]
    outs[0][...] = im2col_raw(x, _col_geo(op, attrs, x.shape[2:], x))


def _im2col_backward(op, dys, ins, outs, attrs):
    x = ins[0]
    return [col2im_raw(dys[0], x.shape[2:], _col_geo(op, attrs, x.shape[2:], x))]


def _col2im_forward(op, ins, outs, attrs):
    c = ins[0]
    size = outs[0].shape[2:]
    outs[0][...] = col2im_raw(c, size, _col_geo(op, attrs, size, c))


def _col2im_backward(op, dys, ins, outs, attrs):
    g = dys[0]
    return [im2col_raw(g, _col_geo(op, attrs, g.shape[2:], g))]


_COL_ATTRS = (("kernel", None), ("stride", ()), ("dilate", ()), ("pad", ()))
_COL_WALK = dict(kernel=(2, 3), stride=(2, 1), dilate=(1, 2), pad=(1, 1))
register(Op("im2col", ("data",), attrs=_COL_ATTRS, infer=_im2col_infer,
            forward=_host(_im2col_forward), backward=_im2col_backward,
            vjp=lambda op, dys, ins, outs, attrs: [nd.col2im(
                dys[0], output_size=ins[0].shape[2:], **_conv_attrs(attrs))],
            test={"cases": [{"shapes": [(2, 2, 4, 5)], "attrs": _COL_WALK},
                            {"shapes": [(1, 2, 5)], "attrs": dict(kernel=(3,), stride=(2,))}]},
            doc="""The patches a convolution sees, as columns: (N, C * prod(kernel), L).

L is the number of kernel positions; 1-D, 2-D and 3-D kernels.

>>> mx.nd.im2col(mx.nd.arange(4).reshape((1, 1, 2, 2)), kernel=(2, 1))
[[[0. 1.]
  [2. 3.]]]"""))
register(Op("col2im", ("data",), attrs=(("output_size", None),) + _COL_ATTRS,
            infer=_col2im_infer, forward=_host(_col2im_forward), backward=_col2im_backward,
            vjp=lambda op, dys, ins, outs, attrs: [nd.im2col(dys[0], **_conv_attrs(attrs))],
            test={"cases": [{"shapes": [(2, 12, 9)], "attrs": dict(_COL_WALK, output_size=(4, 5))},
                            {"shapes": [(1, 6, 2)], "attrs": dict(kernel=(3,), stride=(2,),
                                                                  output_size=(5,))}]},
            doc="""Sum columns (N, C * prod(kernel), L) back into images (N, C, *output_size).

The adjoint of im2col: overlapping patches add up.

>>> mx.nd.col2im(mx.nd.ones((1, 2, 3)), output_size=(4,), kernel=(2,))
[[[1. 2. 2. 1.]]]"""))
