"""`mx.nd.contrib.BilinearResize2D` and `AdaptiveAvgPooling2D` (NCHW), with gradients.

MXNet 1.9.1's rules, checked against it:

* BilinearResize2D output size: mode 'size' takes (height, width), or, when scale_height
  is given, (int(scale_height * H), int(scale_width * W)); scale_width alone is ignored
  (MXNet tests scale_height for both). 'odd_scale': an even side becomes int(side * scale),
  an odd one int((side - 1) * scale) + 1. 'like' takes the second input's (H, W) (its
  gradient is zero). 'to_even_down/up', 'to_odd_down/up' move odd/even sides by one.
  Source coordinates: align_corners (default True) maps corners to corners with scale
  (in - 1) / (out - 1); otherwise scale in / out and (dst + 0.5) * scale - 0.5, clamped at 0.
  Scales and weights are float32, as in MXNet; equal sizes copy.
* AdaptiveAvgPooling2D: output_size () -> 1x1, n -> nxn, (h, w); window i along a side of
  n inputs and m outputs is [floor(i*n/m), ceil((i+1)*n/m)), averaged as sum / kW / kH.

Both are linear in the data, so each has an adjoint op (`_bilinear_resize_adjoint`,
`_adaptive_avg_pool_adjoint`, what MXNet's backward computes) whose own gradient is
the forward op again: differentiable to any order.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register

_MODES = ("size", "odd_scale", "like", "to_even_down", "to_even_up", "to_odd_down",
          "to_odd_up")
_F32 = np.float32


def _k():
    from ..kernels import resample_kernels

    return resample_kernels


def _planes(a):
    """(P, H, W) view of an NCHW array, float16 widened to float32."""
    dt = _F32 if a.dtype == np.float16 else a.dtype
    return np.ascontiguousarray(a, dtype=dt).reshape(-1, a.shape[-2], a.shape[-1])


def _check4(op, x):
    if x.ndim != 4:
        raise MXNetError(f"{op.name}: expects 4-D input (N, C, H, W), got data "
                         f"{fmt_shape(x.shape)}")
    if np.dtype(x.dtype).kind != "f":
        raise MXNetError(f"{op.name}: expects float16, float32 or float64 data, got "
                         f"{np.dtype(x.dtype).name}")


def _opt(v):
    return None if v is None or v == "None" else float(v)


# ---------------------------------------------------------------- BilinearResize2D


def _resize_size(op, attrs, x, like):
    h, w = x.shape[2], x.shape[3]
    mode = attrs["mode"]
    if mode not in _MODES:
        raise MXNetError(f"{op.name}: Invalid Input: '{mode}', valid values are: "
                         f"{{{', '.join(repr(m) for m in sorted(_MODES))}}} (argument mode)")
    sh, sw = _opt(attrs["scale_height"]), _opt(attrs["scale_width"])
    if mode == "size":
        if sh is not None:
            if sw is None:
                raise MXNetError(f"{op.name}: scale_height is given but scale_width is not "
                                 "(MXNet reads both)")
            return int(np.float32(sh) * np.float32(h)), int(np.float32(sw) * np.float32(w))
        oh, ow = int(attrs["height"]), int(attrs["width"])
        for nm, v in (("height", oh), ("width", ow)):
            if not 1 <= v <= 10000:
                raise MXNetError(f"{op.name}: value {v} for Parameter {nm} should be in range "
                                 "[1, 10000]")
        return oh, ow
    if mode == "odd_scale":
        if sh is None or sw is None:
            raise MXNetError(f"{op.name}: mode 'odd_scale' needs scale_height and scale_width")

        def odd(n, s):
            s = np.float32(s)
            return int(np.float32(n) * s) if n % 2 == 0 else int(np.float32(n - 1) * s) + 1
        return odd(h, sh), odd(w, sw)
    if mode == "like":
        if like is None:
            raise MXNetError(f"{op.name}: mode 'like' needs the second input `like`")
        if like.ndim != 4:
            raise MXNetError(f"{op.name}: like must be 4-D, got {fmt_shape(like.shape)}")
        return like.shape[2], like.shape[3]
    up = mode.endswith("_up")
    want_even = mode.startswith("to_even")

    def fix(n):
        ok = (n % 2 == 0) == want_even
        return n if ok else (n + 1 if up else n - 1)
    return fix(h), fix(w)


def _resize_infer(op, inputs, attrs):
    x = inputs[0]
    _check4(op, x)
    like = inputs[1] if len(inputs) > 1 else None
    if like is not None and attrs["mode"] != "like":
        raise MXNetError(f"{op.name}: the input `like` is only taken with mode='like'")
    oh, ow = _resize_size(op, attrs, x, like)
    if oh < 1 or ow < 1:
        raise MXNetError(f"{op.name}: output size ({oh}, {ow}) of data {fmt_shape(x.shape)} "
                         "must be positive")
    return [((x.shape[0], x.shape[1], oh, ow), np.dtype(x.dtype))]


def _table(n_in, n_out, align, dt):
    """MXNet's source rows, +1 offsets and the two weights (float32 math, then dtype)."""
    if n_out > 1:
        scale = (_F32(n_in - 1) / _F32(n_out - 1)) if align else (_F32(n_in) / _F32(n_out))
    else:
        scale = _F32(0)
    dst = np.arange(n_out)
    if align:
        src = scale * dst.astype(_F32)
    else:
        src = (np.float64(scale) * (dst + 0.5) - 0.5).astype(_F32)
        src = np.where(src < 0, _F32(0), src)
    i0 = src.astype(np.int64)
    off = (i0 < n_in - 1).astype(np.int64)
    l1 = (src - i0.astype(_F32)).astype(dt)
    l0 = (dt.type(1) - l1).astype(dt)
    return i0, off, l0, l1


def _resize_apply(x, out_hw, align, adjoint=False, in_hw=None):
    """Forward (x planes -> out_hw) or adjoint (dy planes -> in_hw) of the resize."""
    dt = x.dtype
    if adjoint:
        (h, w), (oh, ow) = in_hw, x.shape[1:]
    else:
        (h, w), (oh, ow) = x.shape[1:], out_hw
    if (h, w) == (oh, ow):
        return x.copy()
    th = _table(h, oh, align, dt)
    tw = _table(w, ow, align, dt)
    if adjoint:
        res = np.zeros((x.shape[0], h, w), dt)
        _k().resize_adj(x, res, *th, *tw)
    else:
        res = np.empty((x.shape[0], oh, ow), dt)
        _k().resize_fwd(x, res, *th, *tw)
    return res


def _resize_fwd(op, ins, outs, attrs):
    o = outs[0]
    res = _resize_apply(_planes(ins[0]), o.shape[2:], bool(attrs["align_corners"]))
    o[...] = res.reshape(o.shape)


def _resize_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    res = _resize_apply(_planes(dys[0]), None, bool(attrs["align_corners"]), True, x.shape[2:])
    grads = [res.reshape(x.shape).astype(x.dtype, copy=False)]
    if len(ins) > 1:
        grads.append(np.zeros(ins[1].shape, ins[1].dtype))
    return grads


def _resize_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    g = nd._bilinear_resize_adjoint(dys[0], in_height=x.shape[2], in_width=x.shape[3],
                                    align_corners=attrs["align_corners"])
    return [g] + ([nd.zeros_like(ins[1])] if len(ins) > 1 else [])


register(Op("_contrib_BilinearResize2D", ("data", "like"), optional_inputs=("like",),
            attrs=(("height", 1), ("width", 1), ("scale_height", "None"),
                   ("scale_width", "None"), ("mode", "size"), ("align_corners", True)),
            infer=_resize_infer, forward=_host(_resize_fwd), backward=_resize_bwd,
            vjp=_resize_vjp, nondiff_inputs=(1,),
            doc="Bilinear resize of NCHW data to (height, width), a scale, or a mode.",
            test={"shapes": [(1, 2, 3, 4)],
                  "cases": [{"attrs": {"height": 5, "width": 3}},
                            {"attrs": {"height": 2, "width": 7, "align_corners": False}}]}))


def _adj_resize_infer(op, inputs, attrs):
    dy = inputs[0]
    _check4(op, dy)
    return [((dy.shape[0], dy.shape[1], int(attrs["in_height"]), int(attrs["in_width"])),
             np.dtype(dy.dtype))]


def _adj_resize_fwd(op, ins, outs, attrs):
    o = outs[0]
    res = _resize_apply(_planes(ins[0]), None, bool(attrs["align_corners"]), True,
                        o.shape[2:])
    o[...] = res.reshape(o.shape)


def _adj_resize_bwd(op, dys, ins, outs, attrs):
    dy = ins[0]
    res = _resize_apply(_planes(dys[0]), dy.shape[2:], bool(attrs["align_corners"]))
    return [res.reshape(dy.shape).astype(dy.dtype, copy=False)]


def _adj_resize_vjp(op, dys, ins, outs, attrs):
    dy = ins[0]
    return [nd._contrib_BilinearResize2D(dys[0], height=dy.shape[2], width=dy.shape[3],
                                         align_corners=attrs["align_corners"])]


register(Op("_bilinear_resize_adjoint", ("data",),
            attrs=(("in_height", None), ("in_width", None), ("align_corners", True)),
            infer=_adj_resize_infer, forward=_host(_adj_resize_fwd), backward=_adj_resize_bwd,
            vjp=_adj_resize_vjp, doc="The adjoint (backward) of BilinearResize2D.",
            test={"shapes": [(1, 2, 5, 3)], "attrs": {"in_height": 3, "in_width": 4}}))

# ---------------------------------------------------------------- AdaptiveAvgPooling2D


def _out_size(op, attrs, x):
    v = attrs["output_size"]
    v = () if v is None else ((int(v),) if isinstance(v, (int, np.integer)) else tuple(v))
    if len(v) == 0:
        return 1, 1
    if len(v) == 1:
        return int(v[0]), int(v[0])
    if len(v) == 2:
        return int(v[0]), int(v[1])
    raise MXNetError(f"{op.name}: output_size must have 1 or 2 values, got {v} (data "
                     f"{fmt_shape(x.shape)})")


def _adaptive_infer(op, inputs, attrs):
    x = inputs[0]
    _check4(op, x)
    oh, ow = _out_size(op, attrs, x)
    if oh < 1 or ow < 1:
        raise MXNetError(f"{op.name}: output_size ({oh}, {ow}) must be positive")
    return [((x.shape[0], x.shape[1], oh, ow), np.dtype(x.dtype))]


def _windows(n_in, n_out, dt):
    """MXNet's START_IND / END_IND (float32 division) and the window sizes in dtype."""
    i = np.arange(n_out)
    s = np.floor((i * n_in).astype(_F32) / _F32(n_out)).astype(np.int64)
    e = np.ceil(((i + 1) * n_in).astype(_F32) / _F32(n_out)).astype(np.int64)
    return s, e, (e - s).astype(dt)


def _adaptive_apply(x, out_hw, adjoint=False, in_hw=None):
    dt = x.dtype
    (h, w), (oh, ow) = (in_hw, x.shape[1:]) if adjoint else (x.shape[1:], out_hw)
    hs, he, hk = _windows(h, oh, dt)
    ws, we, wk = _windows(w, ow, dt)
    if adjoint:
        res = np.zeros((x.shape[0], h, w), dt)
        _k().adaptive_adj(x, res, hs, he, ws, we, hk, wk)
    else:
        res = np.empty((x.shape[0], oh, ow), dt)
        _k().adaptive_fwd(x, res, hs, he, ws, we, hk, wk)
    return res


def _adaptive_fwd(op, ins, outs, attrs):
    o = outs[0]
    o[...] = _adaptive_apply(_planes(ins[0]), o.shape[2:]).reshape(o.shape)


def _adaptive_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    res = _adaptive_apply(_planes(dys[0]), None, True, x.shape[2:])
    return [res.reshape(x.shape).astype(x.dtype, copy=False)]


def _adaptive_vjp(op, dys, ins, outs, attrs):
    x = ins[0]
    return [nd._adaptive_avg_pool_adjoint(dys[0], in_height=x.shape[2], in_width=x.shape[3])]


register(Op("_contrib_AdaptiveAvgPooling2D", ("data",), attrs=(("output_size", ()),),
            infer=_adaptive_infer, forward=_host(_adaptive_fwd), backward=_adaptive_bwd,
            vjp=_adaptive_vjp, doc="Adaptive average pooling of NCHW data to output_size.",
            test={"shapes": [(1, 2, 5, 4)],
                  "cases": [{"attrs": {"output_size": (3, 2)}}, {"attrs": {"output_size": 1}}]}))


def _adj_pool_fwd(op, ins, outs, attrs):
    o = outs[0]
    o[...] = _adaptive_apply(_planes(ins[0]), None, True, o.shape[2:]).reshape(o.shape)


def _adj_pool_bwd(op, dys, ins, outs, attrs):
    dy = ins[0]
    return [_adaptive_apply(_planes(dys[0]), dy.shape[2:]).reshape(dy.shape)
            .astype(dy.dtype, copy=False)]


def _adj_pool_vjp(op, dys, ins, outs, attrs):
    dy = ins[0]
    return [nd._contrib_AdaptiveAvgPooling2D(dys[0], output_size=tuple(dy.shape[2:]))]


register(Op("_adaptive_avg_pool_adjoint", ("data",),
            attrs=(("in_height", None), ("in_width", None)),
            infer=_adj_resize_infer, forward=_host(_adj_pool_fwd), backward=_adj_pool_bwd,
            vjp=_adj_pool_vjp, doc="The adjoint (backward) of AdaptiveAvgPooling2D.",
            test={"shapes": [(1, 2, 3, 2)], "attrs": {"in_height": 5, "in_width": 4}}))
