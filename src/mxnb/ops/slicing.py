"""Slices and padding: slice, slice_axis, slice_like, pad (and pad's adjoint, `_pad_grad`).

The slices are copies (MXNet's ops always write a new array; `x[1:3]` makes a
view, in operators.py). Their gradient puts dy back into zeros at the slice:
`_scatter_basic` (views.py), whose own gradient is basic indexing again.

`pad` follows MXNet 1.9.1's limits, all pinned in tests/test_shape.py: 4-D or
5-D float input, no padding on the first two axes, `reflect` only with pads
smaller than the axis. Its gradient folds the padded borders back (`_pad_grad`),
and `_pad_grad`'s gradient is `pad` with constant 0: the pair is closed.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register
from .shape import ints, none, norm_axis


def _scatter_bwd(op, dys, ins, outs, attrs, key):
    g = np.zeros(ins[0].shape, dys[0].dtype)
    g[key] = dys[0]
    return [g] + [None] * (len(ins) - 1)


def _scatter_vjp(dys, ins, key):
    return [nd._scatter_basic(dys[0], shape=ins[0].shape, key=key)] + [None] * (len(ins) - 1)


def _slice_op(name, key_fn, attrs, inputs=("data",), aliases=(), doc="", test=None):
    """Register a slicing op from `key_fn(op, shapes, attrs) -> tuple of slices`."""
    def infer(op, inputs, attrs):
        x = inputs[0]
        key = key_fn(op, [a.shape for a in inputs], attrs)
        shape = tuple(len(range(*k.indices(n))) for k, n in zip(key, x.shape))
        return [(shape + x.shape[len(key):], np.dtype(x.dtype))]

    def forward(op, ins, outs, attrs):
        np.copyto(outs[0], ins[0][key_fn(op, [a.shape for a in ins], attrs)])

    register(Op(name, inputs, aliases=aliases, attrs=attrs, infer=infer, forward=_host(forward),
                backward=lambda op, dys, ins, outs, attrs: _scatter_bwd(
                    op, dys, ins, outs, attrs, key_fn(op, [a.shape for a in ins], attrs)),
                vjp=lambda op, dys, ins, outs, attrs: _scatter_vjp(
                    dys, ins, key_fn(op, [a.shape for a in ins], attrs)),
                nondiff_inputs=tuple(range(1, len(inputs))), doc=doc, test=test))

# ---------------------------------------------------------------- slice


def _opt_int(v):
    v = none(v)
    return None if v is None else int(v)


def _slice_key(op, shapes, attrs):
    shape = shapes[0]
    begin, end = attrs["begin"], attrs["end"]
    begin = (begin,) if isinstance(begin, (int, np.integer)) or begin is None else tuple(begin)
    end = (end,) if isinstance(end, (int, np.integer)) or end is None else tuple(end)
    step = attrs["step"]
    step = (step,) if isinstance(step, (int, np.integer)) else tuple(step or ())
    if len(begin) != len(end):
        raise MXNetError(f"{op.name}: begin and end must have the same length, got begin={begin} "
                         f"and end={end}")
    if step and len(step) != len(begin):
        raise MXNetError(f"{op.name}: step and begin must have the same length, got "
                         f"step={step} and begin={begin}")
    if len(begin) > len(shape):
        raise MXNetError(f"{op.name}: Slicing axis exceeds data dimensions: begin={begin} for "
                         f"input of shape {fmt_shape(shape)}")
    key = []
    for i, (b, e) in enumerate(zip(begin, end)):
        s = _opt_int(step[i]) if step else None
        if s == 0:
            raise MXNetError(f"{op.name}: slice op step[{i}] cannot be 0")
        key.append(slice(_opt_int(b), _opt_int(e), s))
    return tuple(key)


_slice_op("slice", _slice_key, attrs=(("begin", None), ("end", None), ("step", ())),
          aliases=("crop",),
          doc="x[begin[0]:end[0]:step[0], ...] along the first len(begin) axes (None entries "
              "allowed; Python slice rules); a copy.",
          test={"shapes": [(3, 4)], "cases": [
              {"attrs": {"begin": (1, None), "end": (3, -1)}},
              {"attrs": {"begin": (None, 3), "end": (None, None), "step": (-2, -2)}}]})

# ---------------------------------------------------------------- slice_axis


class _Required:
    """Default of an attribute that must be given but may be None (slice_axis's end)."""

    def __repr__(self):
        return "<required>"


REQUIRED = _Required()


def _slice_axis_key(op, shapes, attrs):
    shape = shapes[0]
    axis = norm_axis(op, attrs["axis"], shape)
    n = shape[axis]
    if attrs["end"] is REQUIRED:
        raise MXNetError(f"{op.name}: Required parameter end of int or None is not presented")
    b, e = int(attrs["begin"]), _opt_int(attrs["end"])
    b = b + n if b < 0 else b
    e = n if e is None else (e + n if e < 0 else e)
    if b < 0:
        raise MXNetError(f"{op.name}: Invalid begin for begin={attrs['begin']} (axis {axis} of "
                         f"input shape {fmt_shape(shape)})")
    if e > n:
        raise MXNetError(f"{op.name}: Invalid end for end={attrs['end']} as axis_size is {n} "
                         f"(axis {axis} of input shape {fmt_shape(shape)})")
    if b >= e:
        raise MXNetError(f"{op.name}: Invalid begin, end, get begin={attrs['begin']}, "
                         f"end={attrs['end']} (axis {axis} of input shape {fmt_shape(shape)})")
    return (slice(None),) * axis + (slice(b, e),)


_slice_op("slice_axis", _slice_axis_key,
          attrs=(("axis", None), ("begin", None), ("end", REQUIRED)),
          doc="x[..., begin:end, ...] along `axis` (end None: to the end); a copy.",
          test={"shapes": [(3, 4)], "cases": [{"attrs": {"axis": 1, "begin": 1, "end": None}},
                                              {"attrs": {"axis": -2, "begin": -2, "end": 2}}]})

# ---------------------------------------------------------------- slice_like


def _slice_like_key(op, shapes, attrs):
    shape, like = shapes
    axes = ints(op, "axes", attrs["axes"] or ())
    if not axes:
        if len(shape) != len(like):
            raise MXNetError(f"{op.name}: By default slice_like performs slice on all axes, but "
                             f"ndim mismatch for inputs: data {fmt_shape(shape)} vs shape_like "
                             f"{fmt_shape(like)}")
        axes = range(len(shape))
    key = [slice(None)] * len(shape)
    for a in axes:
        a = norm_axis(op, a, shape, "axes")
        if a >= len(like):
            raise MXNetError(f"{op.name}: Slice axis {a} exceeds shape_like's dims: "
                             f"{fmt_shape(like)}")
        if like[a] > shape[a]:
            raise MXNetError(f"{op.name}: Slice axis {a} with size {like[a]} exceeds limit of "
                             f"input with size {shape[a]} (data {fmt_shape(shape)}, shape_like "
                             f"{fmt_shape(like)})")
        key[a] = slice(0, like[a])
    return tuple(key)


_slice_op("slice_like", _slice_like_key, attrs=(("axes", ()),), inputs=("data", "shape_like"),
          doc="data[:like.shape[0], :like.shape[1], ...] on `axes` (all by default); a copy.",
          test={"shapes": [(3, 4), (2, 3)], "cases": [{}, {"attrs": {"axes": (-1,)}}]})

# ---------------------------------------------------------------- pad

_MODES = ("constant", "edge", "reflect")


def _pad_geom(op, shape, dtype, attrs):
    """[(before, after)] per axis, after MXNet's checks."""
    mode = attrs["mode"]
    if mode not in _MODES:
        raise MXNetError(f"{op.name}: Invalid Input: {mode!r}, valid values are: "
                         "{'constant', 'edge', 'reflect'}")
    pw = ints(op, "pad_width", attrs["pad_width"])
    nd_ = len(shape)
    if nd_ not in (4, 5):
        raise MXNetError(f"{op.name}: Current implementation only supports 4-D or 5-D input, "
                         f"got shape {fmt_shape(shape)}")
    if len(pw) != 2 * nd_:
        raise MXNetError(f"{op.name}: Input shape vs padding spec mismatch: pad_width={pw} for "
                         f"input of shape {fmt_shape(shape)} (needs {2 * nd_} values)")
    if any(pw[:4]):
        raise MXNetError(f"{op.name}: Current implementation expects padding on the first two "
                         f"axes to be zero, got pad_width={pw}")
    if any(p < 0 for p in pw):
        raise MXNetError(f"{op.name}: pad_width must be non-negative, got {pw}")
    if np.dtype(dtype).kind != "f":
        raise MXNetError(f"{op.name}: This operation only support floating point types, not "
                         f"{np.dtype(dtype).name}")
    pairs = [(pw[2 * i], pw[2 * i + 1]) for i in range(nd_)]
    if mode == "reflect" and any(b >= n or a >= n for (b, a), n in zip(pairs, shape)):
        raise MXNetError(f"{op.name}: Current implementation of reflection padding only supports "
                         f"padding sizes smaller than the input size: pad_width={pw}, input "
                         f"shape {fmt_shape(shape)}")
    return pairs


def _pad_infer(op, inputs, attrs):
    x = inputs[0]
    pairs = _pad_geom(op, x.shape, x.dtype, attrs)
    return [(tuple(n + b + a for n, (b, a) in zip(x.shape, pairs)), np.dtype(x.dtype))]


def _pad_fwd(op, ins, outs, attrs):
    x = ins[0]
    pairs = _pad_geom(op, x.shape, x.dtype, attrs)
    if attrs["mode"] == "constant":
        np.copyto(outs[0], np.pad(x, pairs, "constant", constant_values=attrs["constant_value"]))
    else:
        np.copyto(outs[0], np.pad(x, pairs, attrs["mode"]))


def pad_adjoint(dy, mode, pairs):
    """The transpose of padding: border values folded back onto the cells they copy."""
    g = dy
    for ax, (b, a) in enumerate(pairs):
        if b == 0 and a == 0:
            continue
        n = g.shape[ax] - b - a

        def at(s, ax=ax):
            return (slice(None),) * ax + (s,)

        out = g[at(slice(b, b + n))].copy()
        if mode == "edge":
            out[at(slice(0, 1))] += g[at(slice(0, b))].sum(axis=ax, keepdims=True)
            out[at(slice(n - 1, n))] += g[at(slice(b + n, b + n + a))].sum(axis=ax, keepdims=True)
        elif mode == "reflect":
            for i in range(b):          # output cell i copies input cell b - i
                out[at(slice(b - i, b - i + 1))] += g[at(slice(i, i + 1))]
            for j in range(a):          # output cell b + n + j copies input cell n - 2 - j
                out[at(slice(n - 2 - j, n - 1 - j))] += g[at(slice(b + n + j, b + n + j + 1))]
        g = out
    return np.ascontiguousarray(g)


def _pad_pairs(attrs):
    pw = ints(None, "pad_width", attrs["pad_width"])
    return [(pw[2 * i], pw[2 * i + 1]) for i in range(len(pw) // 2)]


register(Op("pad", ("data",), aliases=("Pad",),
            attrs=(("mode", None), ("pad_width", None), ("constant_value", 0.0)),
            infer=_pad_infer, forward=_host(_pad_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                pad_adjoint(dys[0], attrs["mode"], _pad_pairs(attrs))],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd._pad_grad(dys[0], mode=attrs["mode"], pad_width=attrs["pad_width"])],
            doc="Pad a 4-D/5-D float array on its last axes: mode constant, edge or reflect; "
                "pad_width = (b1, a1, ..., bN, aN) with zeros on the first two axes.",
            test={"shapes": [(1, 2, 3, 4)], "cases": [
                {"attrs": {"mode": "constant", "pad_width": (0, 0, 0, 0, 1, 2, 2, 1),
                           "constant_value": 1.5}},
                {"attrs": {"mode": "edge", "pad_width": (0, 0, 0, 0, 2, 1, 1, 3)}},
                {"attrs": {"mode": "reflect", "pad_width": (0, 0, 0, 0, 2, 1, 3, 2)}}]}))


def _pad_grad_infer(op, inputs, attrs):
    y = inputs[0]
    pairs = _pad_pairs(attrs)
    if len(pairs) != y.ndim:
        raise MXNetError(f"{op.name}: pad_width {attrs['pad_width']} does not match the "
                         f"gradient's shape {fmt_shape(y.shape)}")
    core = tuple(n - b - a for n, (b, a) in zip(y.shape, pairs))
    if min(core + tuple(pw for p in pairs for pw in p)) < 0 or (attrs["mode"] == "reflect" and any(
            (b or a) and max(b, a) >= n for (b, a), n in zip(pairs, core))):
        raise MXNetError(f"{op.name}: pad_width {attrs['pad_width']} does not fit the gradient's "
                         f"shape {fmt_shape(y.shape)} in mode {attrs['mode']!r}")
    return [(core, np.dtype(y.dtype))]


register(Op("_pad_grad", ("data",), attrs=(("mode", None), ("pad_width", None)),
            infer=_pad_grad_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], pad_adjoint(ins[0], attrs["mode"], _pad_pairs(attrs)))),
            backward=lambda op, dys, ins, outs, attrs: [
                np.pad(dys[0], _pad_pairs(attrs), "constant" if attrs["mode"] == "constant"
                       else attrs["mode"])],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.pad(dys[0], mode=attrs["mode"], pad_width=attrs["pad_width"])],
            doc="The gradient of pad: borders folded back onto the cells they copy.",
            test={"shapes": [(1, 2, 6, 6)], "cases": [
                {"attrs": {"mode": "edge", "pad_width": (0, 0, 0, 0, 1, 1, 2, 1)}},
                {"attrs": {"mode": "reflect", "pad_width": (0, 0, 0, 0, 2, 1, 1, 2)}}]}))
