"""MXNet 1.x operators written as compositions of mxnb ops (so autograd, GPU arrays and
`create_graph` come for free): moments, L2Normalization, InstanceNorm, GroupNorm, LRN,
UpSampling (nearest), SoftmaxActivation, softmin, Sequence{Mask,Last,Reverse}, diag, gather_nd,
scatter_nd, depth_to_space, space_to_depth, split_v2, khatri_rao; and MXNet's legacy helpers
(moveaxis, true_divide, onehot_encode, ravel/unravel_index, batch_take, histogram, ...).

Index bookkeeping (which element goes where) is computed with NumPy from shapes and from
index arrays, which carry no gradient; the data always flows through recorded ops
(`take`, `where`, `reshape`, ...). Results match MXNet 1.9.1 (tools/diff).

>>> x = mx.nd.arange(16).reshape((1, 4, 2, 2))
>>> mx.nd.depth_to_space(x, 2)[0, 0, 0]
<BLANKLINE>
[0. 4. 1. 5.]
<NDArray 4 @cpu(0)>
"""
import math

import numpy as np

from .._dmlc_float import float_param as _float_param
from ..base import MXNetError
from . import _api as nd
from .creation import array as _array, zeros as _zeros
from .ndarray import NDArray

__all__ = ["moments", "L2Normalization", "InstanceNorm", "GroupNorm", "LRN", "UpSampling",
           "SoftmaxActivation", "SequenceMask", "SequenceLast", "SequenceReverse", "diag",
           "gather_nd", "scatter_nd", "depth_to_space", "space_to_depth", "split_v2",
           "khatri_rao", "softmin", "moveaxis", "true_divide", "onehot_encode",
           "ravel_multi_index", "unravel_index", "batch_take", "choose_element_0index",
           "fill_element_0index", "histogram", "cast_storage"]


def _check(name, *arrays):
    for nm, a in arrays:
        if not isinstance(a, NDArray):
            raise AssertionError(f"Argument {nm} must have NDArray type, but got {a}")


def _finish(r, out):
    if out is None:
        return r
    out[:] = r
    return out


def _index(values, ctx):
    """An integer index array for `take` (int32 unless the values need int64)."""
    values = np.asarray(values)
    dt = np.int32 if values.size == 0 or int(np.abs(values).max()) < 2 ** 31 else np.int64
    return _array(values.astype(dt), ctx=ctx, dtype=dt)


def _stat_axes(x, axes):
    return tuple(range(x.ndim)) if axes is None else tuple(
        a % x.ndim for a in ((axes,) if isinstance(axes, int) else axes))


# ---------------------------------------------------------------- statistics and norms


def moments(data=None, axes=None, keepdims=False, out=None, name=None):
    """[mean, variance] of `data` over `axes` (all axes when None); variance is biased.

    On the CPU the values are MXNet's bits (see `_mxnet_moments`). One FIX: an infinity
    makes MXNet's mean NaN (its float64-accumulated sum has no infinity reset); here the
    mean is inf, and a variance whose squares overflow is inf.

    >>> m, v = mx.nd.moments(mx.nd.array([[1., 2], [3, 5]]), axes=(0,))
    >>> v.asnumpy()
    array([1., 2.25], dtype=float32)
    """
    _check("moments", ("data", data))
    return _moments(data, _stat_axes(data, axes), keepdims, True)


def _moments(data, ax, keepdims, mxnet_bits):
    exact = _mxnet_moments(data._data, ax) if mxnet_bits else None
    mean = nd.mean(data, axis=ax, keepdims=True)
    if exact is not None:
        # MXNet's values, written into the recorded result before anything reads it: the
        # gradients of mean, broadcast_sub and square never read these outputs back
        np.copyto(mean._data, exact[0])
    var = nd.mean(nd.square(nd.broadcast_sub(data, mean)), axis=ax, keepdims=keepdims)
    if not keepdims:
        mean = nd.mean(data, axis=ax)
    if exact is not None:
        np.copyto(var._data, exact[1].reshape(var.shape))
        np.copyto(mean._data, exact[0].reshape(mean.shape))
    return [mean, var]


_SAFE_ACC = {np.dtype(np.float16): np.float32, np.dtype(np.float32): np.float64,
             np.dtype(np.float64): np.float64}


def _mxnet_moments(x, ax):
    """MXNet's moments forward, bit for bit: (mean, var) with the reduced axes kept, or None
    where it does not apply (data on a GPU, other dtypes, beyond the serial sums' limits).

    Unlike `mean`, MXNet's moments reduces with `safe_acc`: Kahan's sum in float64 for
    float32 data (float32 for float16), cast to the data's type, then divided by the count
    in that type; the variance is the same mean of the squared differences, each difference
    and square rounded to the data's type.
    """
    from ..ops import reduce as red

    acc = _SAFE_ACC.get(x.dtype) if isinstance(x, np.ndarray) else None
    if (acc is None or x.size == 0 or x.size > red.KAHAN_MAX_SIZE
            or red._count(x.shape, ax) > red.KAHAN_MAX_SLICE):
        return None
    ax = tuple(sorted(set(ax)))
    dt = x.dtype.type
    n = dt(red._count(x.shape, ax))
    kept = tuple(1 if a in ax else d for a, d in enumerate(x.shape))
    mxr = red._mx_reduce()
    wide = np.float32 if dt is np.float16 else dt  # float16 data goes in widened (exact)
    mean = (mxr.kahan_sum(x.astype(wide, copy=False), ax, acc).astype(dt) / n).reshape(kept)
    with np.errstate(over="ignore", invalid="ignore"):
        d = x - mean
        d = d * d
    var = mxr.kahan_sum(d.astype(wide, copy=False), ax, acc).astype(dt) / n
    return mean, var.reshape(kept)


def L2Normalization(data=None, eps=1e-10, mode="instance", out=None, name=None):
    """x / sqrt(sum(x^2) + eps), the sum over all axes but the first ('instance'), over the
    channel axis 1 ('channel') or over the axes after it ('spatial')."""
    _check("L2Normalization", ("data", data))
    if mode == "instance":
        ax = tuple(range(1, data.ndim))
    elif mode == "channel":
        ax = (1,)
    elif mode == "spatial":
        ax = tuple(range(2, data.ndim))
    else:
        raise MXNetError(f"L2Normalization: Invalid Input: '{mode}', valid values are: "
                         "{'channel', 'instance', 'spatial'}")
    ss = nd.sum(nd.square(data), axis=ax, keepdims=True)
    nrm = nd.sqrt(ss + _float_param(eps))
    x = data._data
    if isinstance(x, np.ndarray) and x.dtype.kind == "f" and x.size:
        # MXNet's norm: eps first, then each square added in order in the data's type. Written
        # into the recorded sqrt's result before the division reads it; sqrt's gradient then
        # reads the same value.
        from ..ops.reduce import _mx_reduce

        eps_t = x.dtype.type(np.float32(eps))  # a `float` parameter, widened for float64
        with np.errstate(over="ignore", invalid="ignore"):
            exact = np.sqrt(_mx_reduce().seq_sumsq(x, ax, eps_t))
        np.copyto(nrm._data, exact.reshape(nrm.shape))
    return _finish(nd.broadcast_div(data, nrm), out)


def _per_channel(v, ndim):
    return nd.reshape(v, shape=(1, -1) + (1,) * (ndim - 2))


def InstanceNorm(data=None, gamma=None, beta=None, eps=1e-3, out=None, name=None):
    """(x - mean) / sqrt(var + eps) * gamma + beta, statistics per sample and channel over the
    axes after the channel axis 1."""
    _check("InstanceNorm", ("data", data), ("gamma", gamma), ("beta", beta))
    ax = tuple(range(2, data.ndim))
    mean, var = _moments(data, ax, True, False)  # InstanceNorm's own statistics follow
    x = data._data
    exact = (isinstance(x, np.ndarray) and x.dtype == np.float32 and x.size
             and isinstance(gamma._data, np.ndarray) and isinstance(beta._data, np.ndarray))
    if exact:
        # MXNet's statistics, written into the recorded ones before anything below reads them
        m, v = _mxnet_instance_stats(x, ax)
        np.copyto(mean._data, m)
        np.copyto(var._data, v)
    y = nd.broadcast_div(nd.broadcast_sub(data, mean), nd.sqrt(var + _float_param(eps)))
    y = nd.broadcast_add(nd.broadcast_mul(y, _per_channel(gamma, data.ndim)),
                         _per_channel(beta, data.ndim))
    if exact:
        # and MXNet's order, gamma * (x - mean) / sqrt(var + eps) + beta (the gradients of the
        # ops above never read this last output)
        shape = (1, -1) + (1,) * (x.ndim - 2)
        with np.errstate(all="ignore"):
            y2 = (gamma._data.reshape(shape) * (x - m) / np.sqrt(v + np.float32(eps))
                  + beta._data.reshape(shape))
        np.copyto(y._data, y2)
    return _finish(y, out)


def _mxnet_instance_stats(x, ax):
    """MXNet's InstanceNorm statistics of float32 `x` (kept dims): mean = (1 / n) * sum and
    var = (1 / n) * sum((x - mean)^2), each sum element by element in order in float32
    (mshadow's sumall_except_dim), 1 / n rounded to float32 first."""
    from ..ops.reduce import _mx_reduce

    mxr = _mx_reduce()
    kept = x.shape[:2] + (1,) * (x.ndim - 2)
    scale = np.float32(1) / np.float32(math.prod(x.shape[2:]))
    with np.errstate(all="ignore"):
        mean = (scale * mxr.seq_sum(x, ax)).reshape(kept)
        var = (scale * mxr.seq_sumsq(x - mean, ax, np.float32(0))).reshape(kept)
    return mean, var


def GroupNorm(data=None, gamma=None, beta=None, num_groups=1, eps=1e-5, output_mean_var=False,
              out=None, name=None):
    """Normalise each group of channels over (its channels, spatial axes); gamma and beta have
    one value per group, as in MXNet 1.9.1."""
    _check("GroupNorm", ("data", data), ("gamma", gamma), ("beta", beta))
    if output_mean_var:
        raise MXNetError("GroupNorm: output_mean_var=True is not supported by mxnb")
    n, c = data.shape[0], data.shape[1]
    g = int(num_groups)
    if c % g:
        raise MXNetError(f"GroupNorm: the number of channels {c} is not divisible by "
                         f"num_groups={g}")
    grouped = nd.reshape(data, shape=(n, g, -1))
    mean, var = moments(grouped, axes=(2,), keepdims=True)
    y = nd.broadcast_div(nd.broadcast_sub(grouped, mean), nd.sqrt(var + _float_param(eps)))
    shape = (n, g, c // g) + data.shape[2:]
    y = nd.reshape(y, shape=shape)
    gb = (1, g) + (1,) * (len(shape) - 2)
    y = nd.broadcast_add(nd.broadcast_mul(y, nd.reshape(gamma, shape=gb)),
                         nd.reshape(beta, shape=gb))
    return _finish(nd.reshape(y, shape=data.shape), out)


def LRN(data=None, alpha=1e-4, beta=0.75, knorm=2.0, nsize=None, out=None, name=None):
    """Local response normalisation across channels:
    x / (knorm + alpha / nsize * sum of x^2 over `nsize` neighbouring channels) ** beta."""
    _check("LRN", ("data", data))
    if nsize is None:
        raise MXNetError("LRN: Required parameter nsize of int is not presented")
    n = int(nsize)
    half = n // 2
    sq = nd.square(data)
    c = data.shape[1]
    if half:
        pad = _zeros((data.shape[0], half) + data.shape[2:], ctx=data.context, dtype=data.dtype)
        sq = nd.concat(pad, sq, pad, dim=1)
    acc = None
    for off in range(2 * half + 1):
        s = nd.slice_axis(sq, axis=1, begin=off, end=off + c)
        acc = s if acc is None else acc + s
    return _finish(data / (acc * (alpha / n) + knorm) ** beta, out)


def UpSampling(*data, scale=None, sample_type="nearest", num_args=1, num_filter=0,
               multi_input_mode="concat", workspace=512, out=None, name=None):
    """Nearest-neighbour upsampling of NCHW arrays by an integer `scale` (one input)."""
    if scale is None:
        raise MXNetError("UpSampling: Required parameter scale of int is not presented")
    if sample_type != "nearest":
        raise MXNetError(f"UpSampling: sample_type {sample_type!r} is not supported by mxnb "
                         "(only 'nearest')")
    if len(data) != 1:
        raise MXNetError("UpSampling: mxnb supports one input")
    _check("UpSampling", ("data", data[0]))
    s = int(scale)
    y = nd.repeat(nd.repeat(data[0], repeats=s, axis=2), repeats=s, axis=3)
    return _finish(y, out)


def SoftmaxActivation(data=None, mode="instance", out=None, name=None):
    """Softmax over the last axis ('instance': what MXNet 1.9.1 computes for any ndim) or over
    axis 1 ('channel')."""
    _check("SoftmaxActivation", ("data", data))
    return _finish(nd.softmax(data, axis=1 if mode == "channel" else -1), out)


def softmin(data=None, axis=-1, temperature=None, dtype=None, use_length=False, out=None,
            name=None, length=None):
    """softmax(-data): the smallest entries get the largest weights.

    MXNet's softmin has no `length` input, so `softmin(x, 0)` is axis 0; `length=` is
    accepted by keyword only.
    """
    _check("softmin", ("data", data))
    kw = {"axis": axis, "temperature": temperature, "dtype": dtype, "use_length": use_length}
    if length is not None:
        kw["length"] = length
    return _finish(nd.softmax(nd.negative(data), **kw), out)


# ---------------------------------------------------------------- sequences


def _lengths(sequence_length, batch, steps):
    lens = np.asarray(sequence_length.asnumpy(), dtype=np.float64).reshape(-1).astype(np.int64)
    if lens.shape[0] != batch:
        raise MXNetError(f"sequence_length has {lens.shape[0]} entries for a batch of {batch}")
    return np.clip(lens, 0, steps)


def _seq_axis(axis, op):
    axis = int(axis)
    if axis not in (0, 1):
        raise MXNetError(f"{op}: axis must be 0 or 1, got {axis}")
    return axis


def SequenceMask(data=None, sequence_length=None, use_sequence_length=False, value=0.0, axis=0,
                 out=None, name=None):
    """Set the steps at or past each sequence's length to `value` (time axis `axis`)."""
    _check("SequenceMask", ("data", data))
    if not use_sequence_length:
        return _finish(nd.identity(data), out)
    axis = _seq_axis(axis, "SequenceMask")
    steps, batch = data.shape[axis], data.shape[1 - axis]
    lens = _lengths(sequence_length, batch, steps)
    keep = np.arange(steps)[:, None] < lens[None, :]          # (steps, batch)
    if axis == 1:
        keep = keep.T
    keep = np.broadcast_to(keep.reshape(keep.shape + (1,) * (data.ndim - 2)), data.shape)
    cond = _array(np.ascontiguousarray(keep), ctx=data.context, dtype=data.dtype)
    fill = nd.ones_like(data) * _float_param(value)  # MXNet's value is a float parameter
    return _finish(nd.where(cond, data, fill), out)


def _rows(data, axis):
    """`data` as (steps*batch, rest) rows and the row index of (step, batch)."""
    steps, batch = data.shape[axis], data.shape[1 - axis]
    rest = data.shape[2:]
    rows = nd.reshape(data, shape=(steps * batch, -1)) if rest else nd.reshape(
        data, shape=(steps * batch,))

    def row(t, b):
        return t * batch + b if axis == 0 else b * steps + t

    return rows, row, steps, batch, rest


def SequenceLast(data=None, sequence_length=None, use_sequence_length=False, axis=0, out=None,
                 name=None):
    """The last valid step of each sequence: shape = data.shape without the time axis."""
    _check("SequenceLast", ("data", data))
    axis = _seq_axis(axis, "SequenceLast")
    rows, row, steps, batch, rest = _rows(data, axis)
    lens = _lengths(sequence_length, batch, steps) if use_sequence_length else \
        np.full(batch, steps)
    idx = row(np.maximum(lens - 1, 0), np.arange(batch))
    y = nd.take(rows, _index(idx, data.context), axis=0)
    return _finish(nd.reshape(y, shape=(batch,) + rest), out)


def SequenceReverse(data=None, sequence_length=None, use_sequence_length=False, axis=0,
                    out=None, name=None):
    """Reverse the first `length` steps of each sequence along axis 0; the rest stay."""
    _check("SequenceReverse", ("data", data))
    if int(axis) != 0:
        raise MXNetError("SequenceReverse: only axis=0 is supported (as in MXNet)")
    rows, row, steps, batch, rest = _rows(data, 0)
    lens = _lengths(sequence_length, batch, steps) if use_sequence_length else \
        np.full(batch, steps)
    t = np.arange(steps)[:, None]
    src_t = np.where(t < lens[None, :], lens[None, :] - 1 - t, t)
    idx = row(src_t, np.arange(batch)[None, :]).reshape(-1)
    y = nd.take(rows, _index(idx, data.context), axis=0)
    return _finish(nd.reshape(y, shape=data.shape), out)


# ---------------------------------------------------------------- index rearrangements


def diag(data=None, k=0, axis1=0, axis2=1, out=None, name=None):
    """The k-th diagonal of a matrix (axes axis1, axis2 of an N-d array, moved last), or the
    square matrix with a 1-D array on its k-th diagonal."""
    _check("diag", ("data", data))
    k = int(k)
    if data.ndim == 1:
        n = data.shape[0]
        m = n + abs(k)
        src = np.full((m, m), n, dtype=np.int64)
        i = np.arange(n)
        src[i + max(-k, 0), i + max(k, 0)] = i
        ext = nd.concat(data, _zeros((1,), ctx=data.context, dtype=data.dtype), dim=0)
        y = nd.take(ext, _index(src.reshape(-1), data.context))
        return _finish(nd.reshape(y, shape=(m, m)), out)
    idx = np.diagonal(np.arange(data.size).reshape(data.shape), k, int(axis1), int(axis2))
    if idx.size == 0:
        # MXNet: a diagonal just past the corner (k = -rows or k = cols) is empty, further
        # out it "does not exist".
        h, w = data.shape[int(axis1)], data.shape[int(axis2)]
        if min(h + min(k, 0), w - max(k, 0)) < 0 or data.size == 0:
            raise MXNetError(f"diag: Diagonal does not exist: offset k={k} is out of range "
                             f"for shape {data.shape}")
        from .creation import empty
        return _finish(empty(idx.shape, ctx=data.context, dtype=data.dtype), out)
    y = nd.take(nd.reshape(data, shape=(-1,)), _index(idx.reshape(-1), data.context))
    return _finish(nd.reshape(y, shape=idx.shape), out)


def _flat_positions(indices, shape):
    idx = np.asarray(indices.asnumpy(), dtype=np.float64).astype(np.int64)
    m = idx.shape[0]
    if m > len(shape):
        raise MXNetError(f"indices.shape[0] = {m} is larger than the number of data axes "
                         f"{len(shape)}")
    flat = np.ravel_multi_index(tuple(idx), shape[:m], mode="wrap")
    return m, np.asarray(flat)


def gather_nd(data=None, indices=None, out=None, name=None):
    """out[i...] = data[indices[0, i...], ..., indices[M-1, i...]]; shape
    indices.shape[1:] + data.shape[M:]."""
    _check("gather_nd", ("data", data), ("indices", indices))
    m, flat = _flat_positions(indices, data.shape)
    rest = data.shape[m:]
    rows = nd.reshape(data, shape=(math.prod(data.shape[:m]),) + rest)
    y = nd.take(rows, _index(flat.reshape(-1), data.context), axis=0)
    return _finish(nd.reshape(y, shape=flat.shape + rest), out)


def scatter_nd(data=None, indices=None, shape=None, out=None, name=None):
    """Zeros of `shape` with out[indices[:, i...]] = data[i...] (the last write wins)."""
    _check("scatter_nd", ("data", data), ("indices", indices))
    shape = tuple(int(s) for s in shape)
    m, flat = _flat_positions(indices, shape)
    rest = shape[m:]
    k = flat.size
    src = np.full(math.prod(shape[:m]), k, dtype=np.int64)
    src[flat.reshape(-1)] = np.arange(k)
    rows = nd.reshape(data, shape=(k,) + rest)
    ext = nd.concat(rows, _zeros((1,) + rest, ctx=data.context, dtype=data.dtype), dim=0)
    y = nd.take(ext, _index(src, data.context), axis=0)
    return _finish(nd.reshape(y, shape=shape), out)


def _block(data, block_size, what):
    if data.ndim != 4:
        raise MXNetError(f"Operation {what} requires exactly 4D tensor, got shape {data.shape}")
    b = int(block_size)
    if b <= 0:
        raise MXNetError(f"{what}: block_size must be a positive integer value, got {b}")
    return b


def depth_to_space(data=None, block_size=None, out=None, name=None):
    """(N, C, H, W) -> (N, C/b^2, H*b, W*b), MXNet's (DCR) element order."""
    _check("depth_to_space", ("data", data))
    b = _block(data, block_size, "Depth To Space")
    n, c, h, w = data.shape
    if c % (b * b):
        raise MXNetError(f"depth_to_space: channels {c} are not divisible by block_size^2 "
                         f"= {b * b}")
    y = nd.reshape(data, shape=(n, b, b, c // (b * b), h, w))
    y = nd.transpose(y, axes=(0, 3, 4, 1, 5, 2))
    return _finish(nd.reshape(y, shape=(n, c // (b * b), h * b, w * b)), out)


def space_to_depth(data=None, block_size=None, out=None, name=None):
    """(N, C, H, W) -> (N, C*b^2, H/b, W/b), the inverse of depth_to_space."""
    _check("space_to_depth", ("data", data))
    b = _block(data, block_size, "Space To Depth")
    n, c, h, w = data.shape
    if h % b or w % b:
        raise MXNetError(f"space_to_depth: height {h} and width {w} must be divisible by "
                         f"block_size {b}")
    y = nd.reshape(data, shape=(n, c, h // b, b, w // b, b))
    y = nd.transpose(y, axes=(0, 3, 5, 1, 2, 4))
    return _finish(nd.reshape(y, shape=(n, c * b * b, h // b, w // b)), out)


def split_v2(ary, indices_or_sections, axis=0, squeeze_axis=False):
    """Split into equal sections (an int) or at the given indices (a tuple), as MXNet's
    split_v2; one piece comes back as an NDArray, several as a list."""
    _check("split_v2", ("ary", ary))
    axis = axis % ary.ndim
    size = ary.shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        n = int(indices_or_sections)
        if n <= 0 or size % n:
            raise MXNetError(f"split_v2: the axis of size {size} cannot be split into {n} "
                             "equal sections")
        bounds = [i * (size // n) for i in range(n + 1)]
    else:
        bounds = [0] + [int(i) for i in indices_or_sections] + [size]
    pieces = []
    for b, e in zip(bounds[:-1], bounds[1:]):
        p = nd.slice_axis(ary, axis=axis, begin=b, end=e)
        if squeeze_axis:
            p = nd.squeeze(p, axis=axis)
        pieces.append(p)
    return pieces[0] if len(pieces) == 1 else pieces


def khatri_rao(*args, out=None, name=None):
    """Column-wise Kronecker product of matrices with the same number of columns."""
    if not args:
        raise MXNetError("khatri_rao: needs at least one matrix")
    _check("khatri_rao", *[(f"args[{i}]", a) for i, a in enumerate(args)])
    y = args[0]
    for b in args[1:]:
        r = y.shape[1]
        if b.shape[1] != r:
            raise MXNetError(f"khatri_rao: matrices must have the same number of columns, "
                             f"got {r} and {b.shape[1]}")
        y = nd.broadcast_mul(nd.reshape(y, shape=(-1, 1, r)), nd.reshape(b, shape=(1, -1, r)))
        y = nd.reshape(y, shape=(-1, r))
    return _finish(y if len(args) > 1 else nd.identity(y), out)


# ---------------------------------------------------------------- legacy helpers


def moveaxis(tensor, source, destination):
    """Move axis `source` to position `destination` (a transpose)."""
    _check("moveaxis", ("tensor", tensor))
    order = [a for a in range(tensor.ndim) if a != source % tensor.ndim]
    order.insert(destination % tensor.ndim, source % tensor.ndim)
    return nd.transpose(tensor, axes=tuple(order))


def true_divide(lhs, rhs):
    """lhs / rhs (MXNet's legacy true_divide is plain division: integers stay integers)."""
    return lhs / rhs if isinstance(lhs, NDArray) else nd.divide(lhs, rhs)


def onehot_encode(indices, out):
    """Write the one-hot rows of `indices` into `out` (deprecated in MXNet; use one_hot)."""
    _check("onehot_encode", ("indices", indices), ("out", out))
    out[:] = nd.one_hot(indices, depth=out.shape[1], dtype=out.dtype)
    return out


def _host_ints(a):
    return np.asarray(a.asnumpy(), dtype=np.float64).astype(np.int64)


def ravel_multi_index(data=None, shape=None, out=None, name=None):
    """Flat indices (float32) of the index columns of `data` (shape (ndim, n)) in `shape`."""
    _check("ravel_multi_index", ("data", data))
    idx = _host_ints(data)
    strides = np.cumprod((tuple(shape)[1:] + (1,))[::-1])[::-1]
    flat = (idx * strides.reshape((-1,) + (1,) * (idx.ndim - 1))).sum(axis=0)
    return _finish(_array(flat, ctx=data.context, dtype=data.dtype), out)


def unravel_index(data=None, shape=None, out=None, name=None):
    """The (ndim, n) index columns of the flat indices `data` in `shape`."""
    _check("unravel_index", ("data", data))
    flat = _host_ints(data)
    res = np.stack(np.unravel_index(flat % math.prod(shape), tuple(shape)))
    return _finish(_array(res, ctx=data.context, dtype=data.dtype), out)


def batch_take(a=None, indices=None, out=None, name=None):
    """a[i, indices[i]] for each row i (deprecated in MXNet; use pick)."""
    _check("batch_take", ("a", a), ("indices", indices))
    return _finish(nd.pick(a, indices, axis=1), out)


def choose_element_0index(data=None, index=None, axis=-1, keepdims=False, mode="clip",
                          out=None, name=None):
    """pick under its old name."""
    return _finish(nd.pick(data, index, axis=axis, keepdims=keepdims, mode=mode), out)


def fill_element_0index(lhs=None, mhs=None, rhs=None, out=None, name=None):
    """A copy of `lhs` with lhs[i, rhs[i]] = mhs[i]."""
    _check("fill_element_0index", ("lhs", lhs), ("mhs", mhs), ("rhs", rhs))
    mask = nd.one_hot(rhs, depth=lhs.shape[1], dtype=lhs.dtype)
    y = lhs * (1 - mask) + mask * nd.reshape(mhs, shape=(-1, 1))
    return _finish(y, out)


def histogram(a, bins=10, range=None):  # noqa: A002 - MXNet's argument name
    """(counts, bin_edges) as NumPy's histogram. With int `bins` and no `range` the counts are
    float32 and a tuple comes back (MXNet defers to NumPy there); otherwise int64 counts in a
    list."""
    _check("histogram", ("a", a))
    data = a.asnumpy()
    if isinstance(bins, NDArray):
        counts, edges = np.histogram(data, bins=bins.asnumpy())
        return [_array(counts, ctx=a.context, dtype=np.int64),
                _array(edges, ctx=a.context, dtype=a.dtype)]
    if range is None:
        counts, edges = np.histogram(data, bins=int(bins))
        return (_array(counts, ctx=a.context), _array(edges, ctx=a.context))
    counts, edges = np.histogram(data, bins=int(bins), range=tuple(range))
    return [_array(counts, ctx=a.context, dtype=np.int64),
            _array(edges, ctx=a.context, dtype=a.dtype)]


def cast_storage(data=None, stype=None, out=None, name=None):
    """A copy in storage type `stype` ('default' only in mxnb)."""
    _check("cast_storage", ("data", data))
    return _finish(data.tostype(stype), out)
