"""Shape ops: reshape_like, swapaxes, expand_dims, squeeze, flatten, concat, stack, split,
shape_array, size_array, zeros_like, ones_like (tile, repeat, flip, broadcast_axis: tiling.py).

As in MXNet 1.9.1 every op here returns a new array (only `NDArray.reshape` and
basic indexing make views; `x.flatten(inplace=True)` and friends too). They are
pure data movement, so the forwards are NumPy copies; the VJPs are written in
these same ops (a reshape's VJP is a reshape, concat's is slice_axis), so every
op is differentiable to any order.

MXNet facts pinned in tests/test_shape.py: `squeeze` of all-ones gives shape
(1,) and `axis=()` squeezes nothing; `split` with `num_outputs=1` returns one
array; `concat`'s default `dim` is 1.
"""
import numpy as np

from ..base import MXNetError
from . import _nd as nd
from .basic import _host
from .registry import Op, fmt_shape, register, same_dtype


def none(v):
    """MXNet's optional attributes: None, or the string 'None', means unset."""
    return None if v is None or (isinstance(v, str) and v == "None") else v


def ints(op, name, v):
    """An int or a sequence of ints as a tuple (MXNet's Shape attributes)."""
    if isinstance(v, (int, np.integer)):
        return (int(v),)
    try:
        return tuple(int(a) for a in v)
    except (TypeError, ValueError):
        raise MXNetError(f"{op.name}: {name} must be an int or a tuple of ints, got {v!r}") \
            from None


def norm_axis(op, axis, shape, name="axis", extra=0, negative=True):
    """`axis` as a non-negative int, checked against [-(ndim+extra), ndim+extra)."""
    n = len(shape) + extra
    try:
        a = int(axis)
    except (TypeError, ValueError):
        raise MXNetError(f"{op.name}: {name} must be an int, got {axis!r}") from None
    lo = -n if negative else 0
    if not lo <= a < n:
        raise MXNetError(f"{op.name}: {name}={axis} is out of range for input of shape "
                         f"{fmt_shape(shape)} (must be in [{lo}, {n - 1}])")
    return a + n if a < 0 else a


def _same(op, inputs, attrs):
    return [(inputs[0].shape, np.dtype(inputs[0].dtype))]


def _copy_reshaped(op, ins, outs, attrs):
    np.copyto(outs[0], ins[0].reshape(outs[0].shape))


def _reshape_back(op, dys, ins, outs, attrs):
    return [dys[0].reshape(ins[0].shape)] + [None] * (len(ins) - 1)


def _reshape_back_vjp(op, dys, ins, outs, attrs):
    return [nd.reshape(dys[0], shape=ins[0].shape)] + [None] * (len(ins) - 1)


def _reshape_op(name, infer, attrs=(), aliases=(), inputs=("data",), doc="", test=None):
    register(Op(name, inputs, aliases=aliases, attrs=attrs, infer=infer,
                forward=_host(_copy_reshaped), backward=_reshape_back, vjp=_reshape_back_vjp,
                nondiff_inputs=tuple(range(1, len(inputs))), doc=doc, test=test))


# ---------------------------------------------------------------- reshape_like


def _range(op, name, begin, end, ndim):
    b = 0 if none(begin) is None else int(begin)
    e = ndim if none(end) is None else int(end)
    b, e = (b + ndim if b < 0 else b), (e + ndim if e < 0 else e)
    if not (0 <= b < e <= ndim):
        raise MXNetError(f"{op.name}: Invalid begin, end, get {name}_begin={begin}, "
                         f"{name}_end={end} for {name} of {ndim} dims")
    return b, e


def _reshape_like_infer(op, inputs, attrs):
    lhs, rhs = inputs
    lb, le = _range(op, "lhs", attrs["lhs_begin"], attrs["lhs_end"], lhs.ndim)
    rb, re = _range(op, "rhs", attrs["rhs_begin"], attrs["rhs_end"], rhs.ndim)
    new = lhs.shape[:lb] + rhs.shape[rb:re] + lhs.shape[le:]
    if int(np.prod(new)) != lhs.size:
        raise MXNetError(f"{op.name}: Cannot reshape lhs with shape {fmt_shape(lhs.shape)} to new "
                         f"shape {fmt_shape(new)} because they have different size")
    return [(new, np.dtype(lhs.dtype))]


_reshape_op("reshape_like", _reshape_like_infer, inputs=("lhs", "rhs"),
            attrs=(("lhs_begin", "None"), ("lhs_end", "None"), ("rhs_begin", "None"),
                   ("rhs_end", "None")),
            doc="lhs reshaped to rhs's shape (or dims [lhs_begin, lhs_end) replaced by rhs's "
                "dims [rhs_begin, rhs_end)); a copy.",
            test={"shapes": [(2, 6), (3, 4)]})

# ---------------------------------------------------------------- swapaxes


def _swap_axes(op, attrs, shape):
    return (norm_axis(op, attrs["dim1"], shape, "dim1"),
            norm_axis(op, attrs["dim2"], shape, "dim2"))


def _swapaxes_infer(op, inputs, attrs):
    x = inputs[0]
    a, b = _swap_axes(op, attrs, x.shape)
    s = list(x.shape)
    s[a], s[b] = s[b], s[a]
    return [(tuple(s), np.dtype(x.dtype))]


def _swapaxes_fwd(op, ins, outs, attrs):
    np.copyto(outs[0], np.swapaxes(ins[0], *_swap_axes(op, attrs, ins[0].shape)))


register(Op("swapaxes", ("data",), aliases=("SwapAxis",), attrs=(("dim1", 0), ("dim2", 0)),
            infer=_swapaxes_infer, forward=_host(_swapaxes_fwd),
            backward=lambda op, dys, ins, outs, attrs: [
                np.ascontiguousarray(np.swapaxes(dys[0], *_swap_axes(op, attrs, ins[0].shape)))],
            vjp=lambda op, dys, ins, outs, attrs: [
                nd.swapaxes(dys[0], dim1=attrs["dim1"], dim2=attrs["dim2"])],
            doc="Interchange axes dim1 and dim2 (negative counts from the end).",
            test={"shapes": [(2, 3, 4)], "cases": [{"attrs": {"dim1": 0, "dim2": 2}},
                                                   {"attrs": {"dim1": -1, "dim2": 1}}]}))

# ---------------------------------------------------------------- expand_dims, squeeze, flatten


def _expand_infer(op, inputs, attrs):
    x = inputs[0]
    n = x.ndim
    axis = int(attrs["axis"])
    if not -n - 1 <= axis <= n:
        raise MXNetError(f"{op.name}: axis must be in the range [{-n - 1}, {n}] ({axis} provided) "
                         f"for input of shape {fmt_shape(x.shape)}")
    axis = axis + n + 1 if axis < 0 else axis
    return [(x.shape[:axis] + (1,) + x.shape[axis:], np.dtype(x.dtype))]


_reshape_op("expand_dims", _expand_infer, attrs=(("axis", None),),
            doc="Insert a size-1 axis at `axis` (in [-ndim-1, ndim]); a copy.",
            test={"shapes": [(2, 3)], "cases": [{"attrs": {"axis": 1}}, {"attrs": {"axis": -1}}]})


def squeeze_shape(op, shape, axis):
    """The shape without the selected size-1 axes (all of them when axis is None; none for ())."""
    axis = none(axis)
    if axis is None:
        new = tuple(d for d in shape if d != 1)
    else:
        axes = [norm_axis(op, a, shape) for a in ints(op, "axis", axis)]
        if len(set(axes)) != len(axes):
            raise MXNetError(f"{op.name}: duplicate value in axis {tuple(ints(op, 'axis', axis))}")
        for a in axes:
            if shape[a] != 1:
                raise MXNetError(f"{op.name}: cannot select an axis to squeeze out which has "
                                 f"size={shape[a]} not equal to one (axis {a} of input shape "
                                 f"{fmt_shape(shape)})")
        new = tuple(d for i, d in enumerate(shape) if i not in axes)
    return new or (1,)


def _squeeze_infer(op, inputs, attrs):
    x = inputs[0]
    return [(squeeze_shape(op, x.shape, attrs["axis"]), np.dtype(x.dtype))]


_reshape_op("squeeze", _squeeze_infer, attrs=(("axis", "None"),),
            doc="Remove size-1 axes (all, or those in `axis`); all-ones gives shape (1,).",
            test={"shapes": [(2, 1, 3, 1)], "cases": [{}, {"attrs": {"axis": (1, -1)}}]})


def _flatten_infer(op, inputs, attrs):
    x = inputs[0]
    s = x.shape
    new = (s[0], int(np.prod(s[1:]))) if len(s) else (1, 1)
    return [(new, np.dtype(x.dtype))]


_reshape_op("flatten", _flatten_infer, aliases=("Flatten",),
            doc="Collapse every axis but the first: (d0, d1*...*dk); a copy.",
            test={"shapes": [(2, 3, 2)]})

# ---------------------------------------------------------------- concat, stack


def _num_args(op, inputs, attrs):
    n = none(attrs.get("num_args"))
    if n is not None and int(n) != len(inputs):
        raise MXNetError(f"Operator {op.name} expects {int(n)} inputs, but got {len(inputs)} "
                         "instead.")
    if not inputs:
        raise MXNetError(f"{op.name}: value 0 for Parameter num_args should be greater equal "
                         "to 1 (no input arrays)")


def _concat_infer(op, inputs, attrs):
    _num_args(op, inputs, attrs)
    first = inputs[0].shape
    dim = norm_axis(op, attrs["dim"], first, "dim")
    for i, x in enumerate(inputs):
        if np.dtype(x.dtype) != np.dtype(inputs[0].dtype):
            raise MXNetError(f"{op.name}: Non-uniform data type in Concat, expected data type "
                             f"{np.dtype(inputs[0].dtype).name}, got data type "
                             f"{np.dtype(x.dtype).name} for input {i}")
        s = x.shape
        if len(s) != len(first) or any(a != b for j, (a, b) in enumerate(zip(s, first))
                                        if j != dim):
            want = "[" + ",".join("-1" if j == dim else str(d) for j, d in enumerate(first)) + "]"
            raise MXNetError(f"{op.name}: Incompatible input shape: expected {want}, got "
                             f"{fmt_shape(s)} (input {i}, dim={attrs['dim']})")
    out = list(first)
    out[dim] = sum(x.shape[dim] for x in inputs)
    return [(tuple(out), np.dtype(inputs[0].dtype))]


def _concat_fwd(op, ins, outs, attrs):
    np.concatenate(ins, axis=norm_axis(op, attrs["dim"], ins[0].shape, "dim"), out=outs[0])


def _offsets(ins, dim):
    ends = np.cumsum([x.shape[dim] for x in ins])
    return [(int(e - x.shape[dim]), int(e)) for x, e in zip(ins, ends)]


def _concat_bwd(op, dys, ins, outs, attrs):
    dim = norm_axis(op, attrs["dim"], ins[0].shape, "dim")
    pre = (slice(None),) * dim
    return [np.ascontiguousarray(dys[0][pre + (slice(b, e),)]) for b, e in _offsets(ins, dim)]


def _concat_vjp(op, dys, ins, outs, attrs):
    dim = norm_axis(op, attrs["dim"], ins[0].shape, "dim")
    return [nd.slice_axis(dys[0], axis=dim, begin=b, end=e) for b, e in _offsets(ins, dim)]


def _two(shapes):
    return lambda rng: [rng.uniform(-2, 2, s) for s in shapes]


_concat = Op("concat", ("data",), aliases=("Concat",), attrs=(("dim", 1), ("num_args", "None")),
             infer=_concat_infer, forward=_host(_concat_fwd), backward=_concat_bwd,
             vjp=_concat_vjp, doc="Join arrays along `dim` (default 1): concat(a, b, dim=0).",
             test={"inputs": _two([(2, 3), (2, 1), (2, 2)]),
                   "cases": [{}, {"attrs": {"dim": 0}, "inputs": _two([(1, 3), (2, 3)])}]})
_concat.variadic = True
register(_concat)


def _stack_infer(op, inputs, attrs):
    _num_args(op, inputs, attrs)
    first = inputs[0]
    axis = norm_axis(op, attrs["axis"], first.shape, extra=1)
    for i, x in enumerate(inputs):
        if x.shape != first.shape:
            raise MXNetError(f"{op.name}: all inputs must have the same shape, got "
                             f"{fmt_shape(first.shape)} (input 0) and {fmt_shape(x.shape)} "
                             f"(input {i})")
    same_dtype(op, inputs)
    return [(first.shape[:axis] + (len(inputs),) + first.shape[axis:], np.dtype(first.dtype))]


def _stack_axis(op, attrs, ins):
    return norm_axis(op, attrs["axis"], ins[0].shape, extra=1)


def _stack_vjp(op, dys, ins, outs, attrs):
    a = _stack_axis(op, attrs, ins)
    return [nd.reshape(nd.slice_axis(dys[0], axis=a, begin=i, end=i + 1), shape=x.shape)
            for i, x in enumerate(ins)]


_stack = Op("stack", ("data",), attrs=(("axis", 0), ("num_args", "None")), infer=_stack_infer,
            forward=_host(lambda op, ins, outs, attrs: np.stack(
                ins, axis=_stack_axis(op, attrs, ins), out=outs[0])),
            backward=lambda op, dys, ins, outs, attrs: [
                np.ascontiguousarray(np.take(dys[0], i, axis=_stack_axis(op, attrs, ins)))
                for i in range(len(ins))],
            vjp=_stack_vjp, doc="Join same-shape arrays along a new axis: stack(a, b, axis=0).",
            test={"inputs": _two([(2, 3), (2, 3)]),
                  "cases": [{}, {"attrs": {"axis": -1}}]})
_stack.variadic = True
register(_stack)

# ---------------------------------------------------------------- split


def _split_geom(op, shape, attrs):
    """(axis, num_outputs, piece shape with the axis, output shape)."""
    axis = norm_axis(op, attrs["axis"], shape)
    n = int(attrs["num_outputs"])
    if n < 1:
        raise MXNetError(f"{op.name}: value {n} for Parameter num_outputs should be greater "
                         "equal to 1")
    if shape[axis] % n:
        raise MXNetError(f"{op.name}: You are trying to split the {axis}-th axis of input tensor "
                         f"with shape {fmt_shape(shape)} into num_outputs={n} evenly sized "
                         f"chunks, but this is not possible because {n} does not evenly divide "
                         f"{shape[axis]}")
    piece = shape[:axis] + (shape[axis] // n,) + shape[axis + 1:]
    if attrs["squeeze_axis"]:
        if shape[axis] != n:
            raise MXNetError(f"{op.name}: If squeeze axis is True, the size of the sliced axis "
                             f"must be the same as num_outputs. Input shape={fmt_shape(shape)}, "
                             f"axis={axis}, num_outputs={n}.")
        return axis, n, piece, shape[:axis] + shape[axis + 1:]
    return axis, n, piece, piece


def _split_infer(op, inputs, attrs):
    x = inputs[0]
    _, n, _, out = _split_geom(op, x.shape, attrs)
    return [(out, np.dtype(x.dtype))] * n


def _split_fwd(op, ins, outs, attrs):
    x = ins[0]
    axis, n, piece, _ = _split_geom(op, x.shape, attrs)
    step = piece[axis]
    pre = (slice(None),) * axis
    for i, o in enumerate(outs):
        np.copyto(o, x[pre + (slice(i * step, (i + 1) * step),)].reshape(o.shape))


def _split_bwd(op, dys, ins, outs, attrs):
    axis, _, piece, _ = _split_geom(op, ins[0].shape, attrs)
    return [np.concatenate([d.reshape(piece) for d in dys], axis=axis)]


def _split_vjp(op, dys, ins, outs, attrs):
    axis, _, piece, _ = _split_geom(op, ins[0].shape, attrs)
    return [nd.concat(*[nd.reshape(d, shape=piece) for d in dys], dim=axis)]


register(Op("split", ("data",), aliases=("SliceChannel",),
            attrs=(("num_outputs", None), ("axis", 1), ("squeeze_axis", False)),
            infer=_split_infer, forward=_host(_split_fwd), backward=_split_bwd, vjp=_split_vjp,
            doc="Split into `num_outputs` equal parts along `axis` (default 1); a list when "
                "num_outputs > 1.",
            test={"shapes": [(2, 4)], "attrs": {"num_outputs": 2},
                  "cases": [{}, {"attrs": {"axis": 0, "squeeze_axis": True}}]}))

# ---------------------------------------------------------------- shape_array ... ones_like


def _shape_array_fwd(op, ins, outs, attrs):
    outs[0][...] = ins[0].shape


register(Op("shape_array", ("data",), zero_grad=True,
            infer=lambda op, inputs, attrs: [((inputs[0].ndim,), np.dtype(np.int64))],
            forward=_host(_shape_array_fwd), doc="The shape as a 1-D int64 array.",
            test={"shapes": [(2, 3)]}))
register(Op("size_array", ("data",), zero_grad=True,
            infer=lambda op, inputs, attrs: [((1,), np.dtype(np.int64))],
            forward=_host(lambda op, ins, outs, attrs: outs[0].fill(ins[0].size)),
            doc="The number of elements as a (1,) int64 array.", test={"shapes": [(2, 3)]}))
register(Op("zeros_like", ("data",), zero_grad=True, infer=_same,
            forward=_host(lambda op, ins, outs, attrs: outs[0].fill(0)),
            doc="Zeros of data's shape and dtype (recorded, with a zero gradient).",
            test={"shapes": [(2, 3)]}))
register(Op("ones_like", ("data",), zero_grad=True, infer=_same,
            forward=_host(lambda op, ins, outs, attrs: outs[0].fill(1)),
            doc="Ones of data's shape and dtype (recorded, with a zero gradient).",
            test={"shapes": [(2, 3)]}))
