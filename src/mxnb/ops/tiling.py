"""Repetition and reversal: tile, repeat, flip (alias reverse), broadcast_axis.

Forwards are NumPy copies. The gradients of tile and repeat view dy with the
repeats as axes of their own and sum them away with `_sum_to` (whose gradient
broadcasts back), so both are differentiable to any order. MXNet 1.9.1 facts
pinned in tests/test_shape.py: flip and broadcast_axis accept only non-negative
axes, a repeated flip axis flips back, `tile` refuses reps of 0.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host, sum_to
from .registry import Op, fmt_shape, register
from .shape import ints, none, norm_axis

# ---------------------------------------------------------------- tile, repeat


def _tile_geom(op, shape, reps):
    reps = ints(op, "reps", reps)
    if any(r <= 0 for r in reps):
        raise MXNetError(f"{op.name}: reps must be positive, got {reps} for input of shape "
                         f"{fmt_shape(shape)}")
    n = max(len(reps), len(shape))
    d = (1,) * (n - len(shape)) + tuple(shape)
    r = (1,) * (n - len(reps)) + reps
    inter = tuple(v for pair in zip(r, d) for v in pair)     # (r0, d0, r1, d1, ...)
    kept = tuple(v for pair in zip((1,) * n, d) for v in pair)
    return tuple(a * b for a, b in zip(r, d)), inter, kept


def _tile_infer(op, inputs, attrs):
    x = inputs[0]
    return [(_tile_geom(op, x.shape, attrs["reps"])[0], np.dtype(x.dtype))]


def _tile_bwd(op, dys, ins, outs, attrs):
    _, inter, kept = _tile_geom(op, ins[0].shape, attrs["reps"])
    return [sum_to(dys[0].reshape(inter), kept).reshape(ins[0].shape)]


def _tile_vjp(op, dys, ins, outs, attrs):
    _, inter, kept = _tile_geom(op, ins[0].shape, attrs["reps"])
    g = nd._sum_to(nd.reshape(dys[0], shape=inter), shape=kept)
    return [nd.reshape(g, shape=ins[0].shape)]


register(Op("tile", ("data",), attrs=(("reps", None),), infer=_tile_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], np.tile(ins[0], ints(op, "reps", attrs["reps"])))),
            backward=_tile_bwd, vjp=_tile_vjp,
            doc="Repeat the whole array `reps` times per axis (numpy.tile).",
            test={"shapes": [(2, 3)], "cases": [{"attrs": {"reps": (2, 1)}},
                                                {"attrs": {"reps": (2, 1, 3)}}]}))


def _repeat_geom(op, shape, attrs):
    """(output shape, dy viewed as (..., n, r, ...), the summed shape (..., n, 1, ...))."""
    r = int(attrs["repeats"])
    if r < 0:
        raise MXNetError(f"{op.name}: repeats cannot be a negative number, got {r}")
    axis = none(attrs["axis"])
    if axis is None:
        shape = (int(np.prod(shape)),)
        axis = 0
    else:
        axis = norm_axis(op, axis, shape)
    pre, n, post = shape[:axis], shape[axis], shape[axis + 1:]
    return pre + (n * r,) + post, pre + (n, r) + post, pre + (n, 1) + post


def _repeat_infer(op, inputs, attrs):
    x = inputs[0]
    return [(_repeat_geom(op, x.shape, attrs)[0], np.dtype(x.dtype))]


def _repeat_fwd(op, ins, outs, attrs):
    axis = none(attrs["axis"])
    x = ins[0].reshape(-1) if axis is None else ins[0]
    np.copyto(outs[0], np.repeat(x, int(attrs["repeats"]), 0 if axis is None else int(axis)))


def _repeat_bwd(op, dys, ins, outs, attrs):
    _, split, kept = _repeat_geom(op, ins[0].shape, attrs)
    return [sum_to(dys[0].reshape(split), kept).reshape(ins[0].shape)]


def _repeat_vjp(op, dys, ins, outs, attrs):
    _, split, kept = _repeat_geom(op, ins[0].shape, attrs)
    g = nd._sum_to(nd.reshape(dys[0], shape=split), shape=kept)
    return [nd.reshape(g, shape=ins[0].shape)]


register(Op("repeat", ("data",), attrs=(("repeats", None), ("axis", "None")), infer=_repeat_infer,
            forward=_host(_repeat_fwd), backward=_repeat_bwd, vjp=_repeat_vjp,
            doc="Repeat each element `repeats` times along `axis` (flattened when None).",
            test={"shapes": [(2, 3)], "attrs": {"repeats": 2},
                  "cases": [{}, {"attrs": {"axis": 1}}, {"attrs": {"axis": -2}}]}))

# ---------------------------------------------------------------- flip


def _flip_axes(op, shape, axis):
    # MXNet 1.9.1 rejects negative axes here ("index = -1 must be in range [0, 3)").
    return [norm_axis(op, a, shape, negative=False) for a in ints(op, "axis", axis)]


def flip_raw(x, axes):
    """x reversed along each of `axes` in turn (a repeated axis flips back, as in MXNet)."""
    for a in axes:
        x = np.flip(x, a)
    return x


def _flip_infer(op, inputs, attrs):
    x = inputs[0]
    _flip_axes(op, x.shape, attrs["axis"])
    return [(x.shape, np.dtype(x.dtype))]


register(Op("flip", ("data",), aliases=("reverse",), attrs=(("axis", None),), infer=_flip_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], flip_raw(ins[0], _flip_axes(op, ins[0].shape, attrs["axis"])))),
            backward=lambda op, dys, ins, outs, attrs: [np.ascontiguousarray(
                flip_raw(dys[0], _flip_axes(op, ins[0].shape, attrs["axis"])))],
            vjp=lambda op, dys, ins, outs, attrs: [nd.flip(dys[0], axis=attrs["axis"])],
            doc="Reverse the order of elements along `axis` (an int or a tuple, non-negative).",
            test={"shapes": [(2, 3, 2)], "cases": [{"attrs": {"axis": 1}},
                                                   {"attrs": {"axis": (0, 2)}}]}))

# ---------------------------------------------------------------- broadcast_axis


def _baxis_infer(op, inputs, attrs):
    x = inputs[0]
    axes = ints(op, "axis", attrs["axis"])
    sizes = ints(op, "size", attrs["size"])
    if len(axes) != len(sizes):
        raise MXNetError(f"{op.name}: axis {axes} and size {sizes} must have the same length")
    out = list(x.shape)
    for a, s in zip(axes, sizes):
        a = norm_axis(op, a, x.shape, negative=False)
        if x.shape[a] != 1:
            raise MXNetError(f"{op.name}: Broadcasting axis must have size 1, but axis {a} of "
                             f"input shape {fmt_shape(x.shape)} has size {x.shape[a]}")
        out[a] = s
    return [(tuple(out), np.dtype(x.dtype))]


# The gradient is dy at the output's shape: the engine sums it back over the broadcast axes.
register(Op("broadcast_axis", ("data",), aliases=("broadcast_axes",),
            attrs=(("axis", ()), ("size", ())), infer=_baxis_infer,
            forward=_host(lambda op, ins, outs, attrs: np.copyto(
                outs[0], np.broadcast_to(ins[0], outs[0].shape))),
            backward=lambda op, dys, ins, outs, attrs: [dys[0]],
            vjp=lambda op, dys, ins, outs, attrs: [dys[0]],
            doc="Broadcast size-1 axes `axis` to sizes `size`.",
            test={"shapes": [(2, 1, 1)], "attrs": {"axis": (1, 2), "size": (3, 2)}}))
