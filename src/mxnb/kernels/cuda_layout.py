"""Layout ops on mx.gpu(): slices, flip, swapaxes, tile, repeat, broadcast_axis, concat,
stack, split and basic indexing's gradient pair, as strided gathers and scatters on the
device (pad: `cuda_pad`).

Each op reads (or writes) its input as a strided view of a C-contiguous buffer:
a slice is an offset and steps, flip a negative stride, tile and repeat zero
strides over axes of their own. The view's geometry comes from NumPy itself,
applied to a data-free dummy (`_geometry`), with the CPU op's own helpers
(`_slice_key`, `flip_raw`, `_split_geom`, ...), so attribute handling cannot
drift from the CPU's. One kernel pair does the copying: `strided_copy` (gather
into a C-ordered output) and `strided_put` (scatter from a C-ordered input),
each over at most 4 dims after merging; a view that does not merge down to 4
goes through the host as before.

Gradients: a slice's is dy scattered into zeros; flip and swapaxes are their
own adjoints; tile's and repeat's sum the repeats away (`_sum_into`);
broadcast_axis hands dy on (the engine sums it); concat, stack and split
gather or scatter dy per piece.
"""
import numpy as np

from . import cuda_launch
from .cuda_launch import _c_strides
from .cuda_build import launch, plain

_I8 = np.dtype(np.int8)


def _dummy(shape):
    """A data-free array of `shape` whose byte strides are element strides (int8 over one
    byte); `base` is returned so offsets can be read off views of it."""
    base = np.zeros(1, _I8)
    return base, np.lib.stride_tricks.as_strided(base, shape=tuple(shape),
                                                 strides=_c_strides(shape))


def _geometry(shape, view_fn):
    """(offset, shape, strides), in elements, of view_fn(a) for a C-contiguous a of `shape`."""
    base, d = _dummy(shape)
    v = view_fn(d)
    off = v.__array_interface__["data"][0] - base.__array_interface__["data"][0]
    return off, v.shape, v.strides


def _compact(shape, strides):
    """Equivalent (shape, strides) of at most 4 dims, or None: size-1 dims dropped,
    neighbours merged where the outer stride steps over the whole inner dim."""
    dims = []
    for n, s in zip(shape, strides):
        if n == 1:
            continue
        if dims and dims[-1][1] == s * n:
            dims[-1] = (dims[-1][0] * n, s)
        else:
            dims.append((n, s))
    if len(dims) > 4:
        return None
    dims = [(1, 0)] * (4 - len(dims)) + dims
    return tuple(n for n, _ in dims), tuple(int(s) for _, s in dims)


class _TooDeep(Exception):
    """The view needs more than 4 strided dims: the caller goes through the host."""


def _move(kernel, src, dst, off, shape, strides, n):
    c = _compact(shape, strides)
    if c is None:
        raise _TooDeep
    if n:
        launch(plain(kernel, src.dtype), n, src.reshape(src.size), dst.reshape(dst.size),
               int(off), c[0], c[1])


def gather(src, out, geo):
    """out (C order) = the view `geo` = (offset, shape, strides) of src."""
    _move("strided_copy", src, out, *geo, out.size)


def scatter(src, out, geo):
    """The view `geo` of out = src (C order)."""
    _move("strided_put", src, out, *geo, src.size)


def _gathered(src, shape, geo):
    out = cuda_launch.empty(shape, src.dtype)
    gather(src, out, geo)
    return out


def _or_host(fwd, bwd):
    """The device versions, each falling back to the host when a view is too deep."""
    def forward(op, ins, outs, attrs):
        try:
            fwd(op, ins, outs, attrs)
        except _TooDeep:
            cuda_launch.host_fallback(op.forward, op, ins, outs, attrs)

    def backward(op, dys, ins, outs, attrs):
        try:
            return bwd(op, dys, ins, outs, attrs)
        except _TooDeep:
            return cuda_launch.host_backward(op, dys, ins, outs, attrs)

    return forward, backward


# ---------------------------------------------------------------- views of the input


def _view_op(view):
    """An op whose output is view(op, x, attrs, ins) of its input, adjoint by scatter."""
    def fwd(op, ins, outs, attrs):
        gather(ins[0], outs[0], _geometry(ins[0].shape, lambda d: view(op, d, attrs, ins)))

    def bwd(op, dys, ins, outs, attrs):
        x, dy = ins[0], dys[0]
        g = cuda_launch.zeros(x.shape, dy.dtype)
        scatter(dy, g, _geometry(x.shape, lambda d: view(op, d, attrs, ins)))
        return [g] + [None] * (len(ins) - 1)

    return _or_host(fwd, bwd)


def _slice_view(key_fn):
    return lambda op, d, attrs, ins: d[key_fn(op, [a.shape for a in ins], attrs)]


def _flip_view(op, d, attrs, ins):
    from ..ops.tiling import _flip_axes, flip_raw

    return flip_raw(d, _flip_axes(op, d.shape, attrs["axis"]))


def _swap_view(op, d, attrs, ins):
    from ..ops.shape import _swap_axes

    return np.swapaxes(d, *_swap_axes(op, attrs, d.shape))


def _involution(view):
    """flip and swapaxes: the backward applies the same view to dy (no zeros needed)."""
    def fwd(op, ins, outs, attrs):
        gather(ins[0], outs[0], _geometry(ins[0].shape, lambda d: view(op, d, attrs, ins)))

    def bwd(op, dys, ins, outs, attrs):
        dy = dys[0]
        return [_gathered(dy, ins[0].shape, _geometry(dy.shape,
                                                      lambda d: view(op, d, attrs, ins)))]

    return _or_host(fwd, bwd)


# ---------------------------------------------------------------- repeats (zero strides)


def _summed(dy, split, kept, shape):
    g = cuda_launch.empty(kept, dy.dtype)
    cuda_launch._sum_into(dy.reshape(split), g)
    return g.reshape(shape)


def _tile_fwd(op, ins, outs, attrs):
    from ..ops.tiling import _tile_geom

    x = ins[0]
    _, inter, kept = _tile_geom(op, x.shape, attrs["reps"])
    # kept interleaves (1, d0, 1, d1, ...): x's strides at the odd places, 0 at the even
    st = _c_strides(kept[1::2])
    gather(x, outs[0], (0, inter, tuple(v for s in st for v in (0, s))))


def _tile_bwd(op, dys, ins, outs, attrs):
    from ..ops.tiling import _tile_geom

    _, inter, kept = _tile_geom(op, ins[0].shape, attrs["reps"])
    return [_summed(dys[0], inter, kept, ins[0].shape)]


def _repeat_axis(op, shape, attrs):
    from ..ops.shape import none, norm_axis

    axis = none(attrs["axis"])
    return 0 if axis is None else norm_axis(op, axis, shape)


def _repeat_fwd(op, ins, outs, attrs):
    from ..ops.tiling import _repeat_geom

    x = ins[0]
    _, split, kept = _repeat_geom(op, x.shape, attrs)
    # kept is x's shape with a 1 after the repeated axis; split puts the repeats there
    st = list(_c_strides(kept))
    st[_repeat_axis(op, x.shape, attrs) + 1] = 0
    gather(x, outs[0], (0, split, tuple(st)))


def _repeat_bwd(op, dys, ins, outs, attrs):
    from ..ops.tiling import _repeat_geom

    _, split, kept = _repeat_geom(op, ins[0].shape, attrs)
    return [_summed(dys[0], split, kept, ins[0].shape)]


def _baxis_fwd(op, ins, outs, attrs):
    gather(ins[0], outs[0], _geometry(ins[0].shape,
                                      lambda d: np.broadcast_to(d, outs[0].shape)))


def _baxis_bwd(op, dys, ins, outs, attrs):
    return [dys[0]]      # at the output's shape: the engine sums it back, as on the CPU


# ---------------------------------------------------------------- pieces of the output


def _concat_slots(op, attrs, ins, shape):
    from ..ops.shape import _offsets, norm_axis

    dim = norm_axis(op, attrs["dim"], ins[0].shape, "dim")
    pre = (slice(None),) * dim
    return [_geometry(shape, lambda d, b=b, e=e: d[pre + (slice(b, e),)])
            for b, e in _offsets(ins, dim)]


def _concat_fwd(op, ins, outs, attrs):
    for x, geo in zip(ins, _concat_slots(op, attrs, ins, outs[0].shape)):
        scatter(x, outs[0], geo)


def _concat_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    return [_gathered(dy, x.shape, geo)
            for x, geo in zip(ins, _concat_slots(op, attrs, ins, dy.shape))]


def _stack_slots(op, attrs, ins, shape):
    from ..ops.shape import _stack_axis

    pre = (slice(None),) * _stack_axis(op, attrs, ins)
    return [_geometry(shape, lambda d, i=i: d[pre + (i,)]) for i in range(len(ins))]


def _stack_fwd(op, ins, outs, attrs):
    for x, geo in zip(ins, _stack_slots(op, attrs, ins, outs[0].shape)):
        scatter(x, outs[0], geo)


def _stack_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    return [_gathered(dy, x.shape, geo)
            for x, geo in zip(ins, _stack_slots(op, attrs, ins, dy.shape))]


def _split_slots(op, attrs, shape):
    from ..ops.shape import _split_geom

    axis, n, piece, _ = _split_geom(op, shape, attrs)
    step = piece[axis]
    pre = (slice(None),) * axis
    return [_geometry(shape, lambda d, i=i: d[pre + (slice(i * step, (i + 1) * step),)])
            for i in range(n)]


def _split_fwd(op, ins, outs, attrs):
    for o, geo in zip(outs, _split_slots(op, attrs, ins[0].shape)):
        gather(ins[0], o, geo)


def _split_bwd(op, dys, ins, outs, attrs):
    x = ins[0]
    g = cuda_launch.empty(x.shape, dys[0].dtype)
    for d, geo in zip(dys, _split_slots(op, attrs, x.shape)):
        scatter(d, g, geo)
    return [g]


# ---------------------------------------------------------------- basic indexing's pair


def _key_view(key):
    """A view function for basic `key`, its ints as one-element slices (NumPy gives a
    scalar, not a view, for an all-int key; the elements and their order are the same)."""
    from ..ops.views import one_element_key

    k = one_element_key(key if isinstance(key, tuple) else (key,))
    return lambda d: d[k]


def _getitem_bwd(op, dys, ins, outs, attrs):
    x, dy = ins[0], dys[0]
    g = cuda_launch.zeros(x.shape, dy.dtype)
    scatter(dy, g, _geometry(x.shape, _key_view(attrs["key"])))
    return [g]


def _scatter_basic_fwd(op, ins, outs, attrs):
    out = outs[0]
    cuda_launch.fill(out, 0)
    scatter(ins[0], out, _geometry(out.shape, _key_view(attrs["key"])))


def _scatter_basic_bwd(op, dys, ins, outs, attrs):
    dy = dys[0]
    return [_gathered(dy, ins[0].shape, _geometry(dy.shape, _key_view(attrs["key"])))]


def _table():
    from ..ops.slicing import _slice_axis_key, _slice_key, _slice_like_key

    pairs = {
        "slice": _view_op(_slice_view(_slice_key)),
        "slice_axis": _view_op(_slice_view(_slice_axis_key)),
        "slice_like": _view_op(_slice_view(_slice_like_key)),
        "flip": _involution(_flip_view),
        "swapaxes": _involution(_swap_view),
        "tile": _or_host(_tile_fwd, _tile_bwd),
        "repeat": _or_host(_repeat_fwd, _repeat_bwd),
        "broadcast_axis": _or_host(_baxis_fwd, _baxis_bwd),
        "concat": _or_host(_concat_fwd, _concat_bwd),
        "stack": _or_host(_stack_fwd, _stack_bwd),
        "split": _or_host(_split_fwd, _split_bwd),
        "_scatter_basic": _or_host(_scatter_basic_fwd, _scatter_basic_bwd),
        "_getitem_basic": _or_host(None, _getitem_bwd),   # its forward is `getitem`'s
    }
    return ({k: f for k, (f, _) in pairs.items() if k != "_getitem_basic"},
            {k: b for k, (_, b) in pairs.items()})


FORWARD, BACKWARD = _table()


def ptx_jobs(dtypes):
    """No kernels of its own: strided_copy and strided_put are checked with the plain ones."""
    return []
